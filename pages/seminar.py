"""Seminar (``/seminar``): full-screen slides from the live store, take-home files, the network's calendar.

``?slide=N`` (1-based) addresses a slide; ``?year=&host=&since=&country=&theme=&order=``
set the title slide, the "new since" date, the filters and a hand-picked
order (comma-separated slide keys), so a prepared presentation is a link.
``?view=calendar`` shows the calendar, ``&event=<slug>`` one event.
Everything renders from files the app serves: no internet needed.
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import streamlit as st

from afus import calendar, maps, stat_charts, ui
from afus import slides as slides_mod
from afus.i18n import format_date, format_number
from afus.slides import Slide

st.set_page_config(initial_sidebar_state="collapsed")

# Static CSS of this page only (no user text): large, high-contrast type sized
# on the viewport so a slide fits 1920×1080, 1280×720 and a projector's 1024×768 without scrolling.
st.html(
    """
<style>
.stMainBlockContainer { padding-top: 4rem; padding-bottom: 0.5rem; max-width: 100%; }
/* A projector's 1024 px keeps its width for the slide, and the toolbar holds on one row in every
   language: narrower margins, and the buttons' key hints (Page Up / Page Down) unshown; the keys still work. */
@media (max-width: 1279px) {
  .stMainBlockContainer { padding-left: 2rem; padding-right: 2rem; }
  .st-key-seminar_toolbar kbd { display: none; }
}
.st-key-seminar_slide h1 { font-size: clamp(1.8rem, 5.2vh, 3.6rem); line-height: 1.1; padding: 0 0 0.2em 0; }
.st-key-seminar_slide h2, .st-key-seminar_slide h3 { font-size: clamp(1.2rem, 3.2vh, 2.2rem); padding: 0.1em 0 0.1em 0; }
.st-key-seminar_slide p, .st-key-seminar_slide li { font-size: clamp(0.95rem, 2.35vh, 1.7rem); line-height: 1.3; }
.st-key-seminar_slide li { margin-bottom: 0.15em; }
.st-key-seminar_slide [data-testid="stCaptionContainer"] p { font-size: clamp(0.9rem, 2.1vh, 1.4rem); }
.st-key-seminar_slide .st-key-seminar_chart [data-testid="stCaptionContainer"] p,
.st-key-seminar_slide .st-key-seminar_chart summary p { font-size: 0.95rem; }
.st-key-seminar_slide .st-key-seminar_chart [data-testid="stExpander"] { margin-bottom: 0; }
.st-key-seminar_slide [data-testid="stMetricValue"], .st-key-seminar_slide [data-testid="stMetricValue"] * { font-size: clamp(1.6rem, 5vh, 3.4rem); line-height: 1.1; }
.st-key-seminar_slide [data-testid="stMetricLabel"] p { font-size: clamp(0.9rem, 2.1vh, 1.4rem); }
.st-key-seminar_title_slide { padding-top: 12vh; }
.st-key-seminar_title_slide :is(h1, h2, h3, p) { text-align: center; }
.st-key-seminar_title_slide h1 { font-size: clamp(2.2rem, 7vh, 4.6rem); }
/* Bold and at least 1.2rem: "large text" for contrast in both themes. */
.st-key-seminar_toolbar button p { font-size: clamp(1.2rem, 2.4vh, 1.5rem); font-weight: 700; }
/* The key a button answers to (Page Up / Page Down), shown at full contrast (Streamlit fades it to 60 %). */
.st-key-seminar_toolbar kbd { opacity: 1; }
.st-key-seminar_counter p { font-size: clamp(1rem, 2.2vh, 1.4rem); margin: 0; text-align: center; }
</style>
"""
)

TODAY = dt.date.today()
MAP_HEIGHT = 340
lang = ui.lang()
network = ui.network()
country_labels = {c: ui.tr(f"country.{c}") for c in ("FR", "SE")}


# --- render helpers ------------------------------------------------------------


def line_markdown(line: slides_mod.Line) -> str:
    """A slide line as inert markdown, with a grey language tag when shown untranslated."""
    text = ui.escape_markdown(line.text)
    if line.source_lang:
        text += f" :gray[({ui.escape_markdown(line.source_lang.upper())})]"
    return text


def show_section(section: slides_mod.Section) -> None:
    if section.heading:
        st.subheader(ui.escape_markdown(section.heading), anchor=False)
    if len(section.lines) == 1 and not section.heading:
        st.markdown(line_markdown(section.lines[0]))
    else:
        st.markdown("\n".join(f"- {line_markdown(line)}" for line in section.lines))


def show_map(slide: Slide) -> None:
    cities = network.cities
    focus = None
    if slide.kind == "pair":
        # Only the two cities of the pair, both labelled.
        cities = cities[cities["id"].isin(slide.city_ids)]
    elif slide.kind in ("city", "project") and slide.city_ids:
        focus = cities[cities["id"] == slide.city_ids[0]]["slug"].iloc[0]
    # The ten members' names fit this small map side by side at 15 px; a pair's two names
    # take 18, and so does a city's name when it is the only one named.
    # The legend above the map is within MAP_HEIGHT: the slide fits a 1280 × 720 screen.
    # Built once per data version and slide, not on every press of Next (about 10 ms each: names placed, land drawn).
    figure = ui.per_version(
        ("seminar.map", lang, slide.kind, tuple(slide.city_ids)),
        lambda: maps.member_map(
            cities,
            country_labels,
            focus_slug=focus,
            height=MAP_HEIGHT - maps.LEGEND_BAND,
            label_size=18 if len(cities) <= 4 or focus else 15,
            text_size=stat_charts.ROOM_TEXT_SIZE,
            name_focus_only=True,
        ),
    )
    names = cities.sort_values("name")
    data = pd.DataFrame(
        {
            ui.tr("seminar.chart.city"): names["name"].tolist(),
            ui.tr("seminar.chart.country"): [country_labels.get(c, c) for c in names["country"]],
        }
    )
    with st.container(key="seminar_map"), st.container(key="seminar_chart"):
        ui.chart(figure, ui.tr("seminar.chart.map_caption", n=len(cities)), data, key=f"seminar_map_{slide.key}")


def show_theme_chart(slide: Slide) -> None:
    rows = slide.theme_rows
    figure = stat_charts.count_bars(
        [slides_mod.headline(r.name) for r in rows],
        [len(r.offered_by) for r in rows],
        axis_title=ui.tr("seminar.themes.chart_offers"),
        lang=ui.lang(),
        max_label_chars=34,
        room=True,
        max_height=MAP_HEIGHT + 80,  # the slide fits a 1280 × 720 screen
    )
    data = pd.DataFrame(
        {
            ui.tr("seminar.setting.theme"): [r.name for r in rows],
            ui.tr("seminar.themes.chart_offers"): [len(r.offered_by) for r in rows],
            ui.tr("seminar.themes.chart_seeks"): [len(r.sought_by) for r in rows],
        }
    )
    with st.container(key="seminar_chart"):
        ui.chart(figure, ui.tr("seminar.chart.themes_caption"), data, key="seminar_theme_chart")


def show_slide(slide: Slide) -> None:
    if slide.kind == "title":
        with st.container(key="seminar_title_slide"):
            st.title(ui.escape_markdown(slide.title), anchor=False)
            st.header(ui.escape_markdown(slide.subtitle), anchor=False)
            for section in slide.sections:
                show_section(section)
        return
    st.title(line_markdown(slides_mod.Line(slide.title, slide.title_lang)), anchor=False)
    if slide.subtitle:
        st.caption(ui.escape_markdown(slide.subtitle))
    if slide.chart is None:
        columns = st.columns(max(1, len(slide.sections)), gap="large")
        for column, section in zip(columns, slide.sections, strict=False):
            with column:
                show_section(section)
        return
    if slide.chart == "map" and len(slide.sections) >= 2 and not slide.stats:
        # Two text columns and the map: a 16:9 screen holds a city's whole slide.
        first, second, right = st.columns([3, 3, 2.4], gap="large")
        with first:
            show_section(slide.sections[0])
        with second:
            for section in slide.sections[1:]:
                show_section(section)
        with right:
            show_map(slide)
        return
    left, right = st.columns([3, 2], gap="large")
    with left:
        if slide.stats:
            for row_start in range(0, len(slide.stats), 3):
                for column, stat in zip(st.columns(3), slide.stats[row_start : row_start + 3], strict=False):
                    column.metric(stat.label, stat.value)
        for section in slide.sections:
            show_section(section)
    with right:
        if slide.chart == "themes":
            show_theme_chart(slide)
        elif not network.cities.empty:
            show_map(slide)


# --- settings ------------------------------------------------------------------


def reset_to_first_slide() -> None:
    ui.set_query_param("slide", None)


def keep(key: str, value: object) -> None:
    """Set widget ``key`` to ``value`` if it shows something else (Back, a followed link).

    A widget not drawn yet takes ``value`` from its own default: the settings
    popover is drawn in the browser only when first opened, and a widget
    drawn then starts from its default, not from the value set in an earlier
    run (opening Settings after a slide change set ``year=2016`` and dropped
    the country and theme filters).
    """
    if key in st.session_state and st.session_state[key] != value:
        st.session_state[key] = value


def url_choice(label: str, choices: list[str], key: str, param: str, default: str = "", **kwargs) -> None:
    """A settings choice kept in step with ``?param=``, its default the current choice; a change restarts at slide 1."""
    wanted = ui.query_param(param)
    current = wanted if wanted in choices else default
    keep(key, current)

    def on_change() -> None:
        ui.set_query_param(param, st.session_state.get(key) or None)
        reset_to_first_slide()

    st.selectbox(label, choices, key=key, index=choices.index(current), on_change=on_change, **kwargs)


def settings(options: slides_mod.SlideOptions, outline: slides_mod.Outline) -> None:
    city_slugs = network.cities["slug"].tolist()
    names = dict(zip(network.cities["slug"], network.cities["name"], strict=True))
    years = [str(y) for y in sorted(set(range(TODAY.year - 10, TODAY.year + 3)) | {options.year})]
    url_choice(ui.tr("seminar.setting.year"), years, "seminar_year", "year", str(options.year))
    url_choice(
        ui.tr("seminar.setting.host"),
        ["", *city_slugs],
        "seminar_host",
        "host",
        format_func=lambda s: names.get(s, ui.tr("seminar.setting.nobody")),
    )

    def since_changed() -> None:
        value = st.session_state.get("seminar_since")
        ui.set_query_param("since", value.isoformat() if value else None)

    keep("seminar_since", options.since)
    st.date_input(
        ui.tr("seminar.setting.since"), value=options.since, key="seminar_since", on_change=since_changed, format=ui.date_format()
    )
    url_choice(
        ui.tr("seminar.setting.country"),
        ["", "FR", "SE"],
        "seminar_country",
        "country",
        format_func=lambda c: country_labels.get(c, ui.tr("seminar.setting.any")),
    )
    themes = network.themes
    theme_names = {r["slug"]: ui.content(r, "name").text for _, r in themes.iterrows()}
    url_choice(
        ui.tr("seminar.setting.theme"),
        ["", *theme_names],
        "seminar_theme",
        "theme",
        format_func=lambda s: theme_names.get(s, ui.tr("seminar.setting.any")),
    )
    titles = {ref.key: ref.title for ref in outline.refs}
    order = [k for k in options.picked if k in titles]
    keep("seminar_order", order)

    def order_changed() -> None:
        ui.set_query_param("order", ",".join(st.session_state.get("seminar_order") or []))
        reset_to_first_slide()

    st.multiselect(
        ui.tr("seminar.setting.order"),
        list(titles),
        default=order,
        key="seminar_order",
        format_func=lambda k: titles.get(k, k),
        on_change=order_changed,
        help=ui.tr("seminar.setting.order_help"),
        placeholder=ui.tr("common.choose_many"),
    )
    if outline.capped:
        st.caption(
            ui.tr(
                "seminar.setting.capped",
                shown=format_number(outline.projects_shown, lang),
                total=format_number(outline.projects_total, lang),
            )
        )


def base_url() -> str:
    """The app's address as the browser sees it (for links inside the .ics file)."""
    url = getattr(st.context, "url", None) or "http://localhost:8501/seminar"
    return url.split("?", 1)[0].rsplit("/seminar", 1)[0]


def _deck(file_type: str, options: slides_mod.SlideOptions, inputs) -> bytes:  # noqa: ANN001 (afus.matching.MatchInputs)
    """The slides as a PowerPoint (``pptx``) or PDF (``pdf``) file."""
    # python-pptx, fpdf2 and matplotlib: imported on the first click, not the first visit.
    if file_type == "pptx":
        from afus.deck import build_deck as build
    else:
        from afus.deck_pdf import build_deck_pdf as build
    return build(slides_mod.build_slides(network, options, lang, inputs), network, lang)


DECK_FILES = (  # file type, label, media type, widget key
    ("pptx", "seminar.download.deck", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "seminar_dl_deck"),
    ("pdf", "seminar.download.deck_pdf", "application/pdf", "seminar_dl_deck_pdf"),
)


def _network_pdf() -> bytes:
    from afus import onepager  # fpdf2: imported on the first click, not the first visit

    return onepager.network_onepager(network, lang, TODAY)


def _city_pdf(city: str) -> bytes:
    from afus import onepager

    return onepager.city_onepager(network, city, lang, TODAY)


def take_home_files(options: slides_mod.SlideOptions) -> None:
    inputs = ui.match_inputs()
    # Every download is a callable: the file is built only when its button is clicked.
    for file_type, label, mime, key in DECK_FILES:
        st.download_button(
            ui.tr(label),
            data=functools.partial(_deck, file_type, options, inputs),
            file_name=f"afus-seminar-{lang}.{file_type}",
            mime=mime,
            key=key,
            icon=":material/slideshow:",
            on_click="ignore",
        )
    st.download_button(
        ui.tr("seminar.download.network_pdf"),
        data=_network_pdf,
        file_name=f"afus-network-{lang}.pdf",
        mime="application/pdf",
        key="seminar_dl_network",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
    )
    if not network.cities.empty:
        names = dict(zip(network.cities["slug"], network.cities["name"], strict=True))
        city = st.selectbox(ui.tr("seminar.download.city"), list(names), format_func=names.get, key="seminar_dl_city")
        st.download_button(
            ui.tr("seminar.download.city_pdf", city=names[city]),
            data=lambda: _city_pdf(city),
            file_name=f"afus-{city}-{lang}.pdf",
            mime="application/pdf",
            key="seminar_dl_city_pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
        )
    ics_button("seminar_dl_ics")


def ics_button(key: str, views: list | None = None) -> None:
    """The calendar file of upcoming events, with a note when it would be empty (``views``: the events, if built already)."""
    if not calendar.upcoming(views if views is not None else calendar.event_views(network, lang), TODAY):
        st.caption(ui.tr("calendar.no_upcoming"))
    st.download_button(
        ui.tr("seminar.download.ics"),
        data=lambda: calendar.events_ics(network, base_url(), TODAY, lang),
        file_name="afus-events.ics",
        mime="text/calendar",
        key=key,
        icon=":material/event:",
        on_click="ignore",
    )


# --- calendar --------------------------------------------------------------------


def event_card(event: calendar.EventView) -> None:
    when = format_date(event.start, lang) if event.start else ui.tr("calendar.undated")
    if event.end and event.end != event.start:
        when += " – " + format_date(event.end, lang)
    st.subheader(ui.escape_markdown(event.title), anchor=False)
    st.caption(ui.escape_markdown(f"{ui.tr('event.' + event.kind)} · {when}"))
    if event.untranslated_from:
        st.caption(ui.escape_markdown(ui.tr("common.fallback", lang=event.untranslated_from.upper())))
    facts = []
    if event.host:
        facts.append(ui.tr("calendar.host", city=event.host))
    if event.location:
        facts.append(ui.tr("calendar.location", place=event.location))
    if event.participants:
        facts.append(ui.tr("calendar.participants", cities=", ".join(event.participants)))
    if event.themes:
        facts.append(ui.tr("calendar.themes", themes=" · ".join(event.themes)))
    for fact in facts:
        ui.text(fact)
    for key, value in (
        ("calendar.description", event.description),
        ("calendar.programme", event.programme),
        ("calendar.outcomes", event.outcomes),
    ):
        if value:
            st.markdown(f"**{ui.escape_markdown(ui.tr(key))}**")
            ui.text(value)
    st.page_link(
        "pages/seminar.py",
        label=ui.tr("calendar.link"),
        query_params={"view": "calendar", "event": event.slug},
        icon=":material/link:",
    )


def show_calendar() -> None:
    st.title(ui.tr("calendar.title"), anchor=False)
    views = calendar.event_views(network, lang)
    if not views:
        st.info(ui.tr("calendar.none"))
        ics_button("calendar_dl_ics", views)
        return
    chosen = ui.query_param("event")
    by_slug = {v.slug: v for v in views}
    if chosen and chosen not in by_slug:
        st.warning(ui.tr("calendar.unknown_event", slug=chosen))
        chosen = None
    table = pd.DataFrame(
        {
            ui.tr("calendar.date"): [format_date(v.start, lang) if v.start else ui.tr("calendar.undated") for v in views],
            ui.tr("calendar.kind"): [ui.tr("event." + v.kind) for v in views],
            ui.tr("calendar.event"): [v.title for v in views],
            ui.tr("seminar.setting.host"): [v.host for v in views],
        }
    )
    ui.chart(
        calendar.timeline_figure(views, lang, TODAY),
        ui.tr("calendar.timeline_caption"),
        table,
        key="seminar_timeline",
    )
    coming = calendar.upcoming(views, TODAY)
    left, right = st.columns(2, gap="large")
    with left:
        st.header(ui.tr("calendar.upcoming"), anchor=False)
        for event in coming:
            event_card(event)
        ics_button("calendar_dl_ics", views)
    with right:
        st.header(ui.tr("calendar.past"), anchor=False)
        for event in calendar.past(views, TODAY):
            event_card(event)
    if chosen:
        st.divider()
        st.header(ui.tr("calendar.event"), anchor=False)
        event_card(by_slug[chosen])


# --- the page ----------------------------------------------------------------------

view = "calendar" if ui.query_param("view") == "calendar" else "slides"


def switch_view() -> None:
    ui.set_query_param("view", None if view == "calendar" else "calendar")
    ui.set_query_param("event", None)

options, problems = slides_mod.options_from_params(dict(st.query_params), network, TODAY)
for problem in problems:
    st.warning(ui.tr("seminar.bad_setting", value=problem.value, what=ui.tr(f"seminar.param.{problem.param}")))
# The slide list is built once per data version and settings; only the slide on screen is built.
outline = ui.slide_outline(options)
shown = slides_mod.pick(outline.refs, options.picked)
index, valid = slides_mod.slide_index(ui.query_param("slide"), len(shown))


def go_to(number: int) -> None:
    st.query_params["slide"] = str(number)


with st.container(key="seminar_toolbar", horizontal=True, vertical_alignment="center", gap="small"):
    if view == "slides":
        st.button(
            ui.tr("seminar.prev"),
            key="seminar_prev",
            # The keys a presentation clicker sends (and a keyboard's Page Up / Page Down).
            shortcut="PageUp",
            disabled=index == 0,
            on_click=go_to,
            args=(index,),
        )
        with st.container(key="seminar_counter", width="content"):
            st.markdown(ui.escape_markdown(ui.tr("seminar.counter", n=index + 1, total=len(shown))))
        st.button(
            ui.tr("seminar.next"),
            key="seminar_next",
            type="primary",
            shortcut="PageDown",
            disabled=index >= len(shown) - 1,
            on_click=go_to,
            args=(index + 2,),
        )
    st.button(
        ui.tr("seminar.view.slides" if view == "calendar" else "seminar.view.calendar"),
        key="seminar_view",
        icon=":material/slideshow:" if view == "calendar" else ":material/calendar_month:",
        on_click=switch_view,
    )
    with st.popover(ui.tr("seminar.settings"), icon=":material/tune:", key="seminar_settings"):
        settings(options, outline)
    with st.popover(ui.tr("seminar.downloads"), icon=":material/download:", key="seminar_files"):
        take_home_files(options)

if view == "calendar":
    show_calendar()
else:
    if not valid:
        st.warning(ui.tr("seminar.bad_slide", value=ui.query_param("slide") or "", total=len(shown)))
    if network.cities.empty:
        st.info(ui.tr("seminar.empty"))
    with st.container(key="seminar_slide"):
        show_slide(ui.slide(options, shown[index].key))
