"""Themes (``/themes``): the catalogue by framework, a city × theme heatmap, the balance of projects
over the capitals of resilience and the Alliance recommendations; ``?theme=<slug>`` opens one theme."""

import pandas as pd
import streamlit as st

from afus import browse, charts, stat_charts, ui
from afus.network import Network

# Pages rerun on every click: long lists are cut, with a link to the full list.
CITIES_SHOWN = 30
PROJECTS_SHOWN = 20
HEATMAP_ROWS = 30

lang = ui.lang()
network = ui.network()
ui.canonical_city_params("city")
country_labels = {c: ui.tr(f"country.{c}") for c in sorted(set(network.cities["country"]) | {"FR", "SE"})}


def catalogue_of(net: Network) -> list[tuple[str, pd.DataFrame]]:
    """The themes by framework, with their counts: what every visitor sees alike, built once per data version and language."""
    return ui.per_version(("themes.catalogue", lang), lambda: browse.themes_by_framework(net, lang))


catalogue = catalogue_of(network)
theme_names = ui.per_version(
    ("themes.names", lang), lambda: {row["slug"]: row["name"] for _, group in catalogue for _, row in group.iterrows()}
)


def names_of_cities(net: Network) -> dict[str, str]:
    return ui.per_version(("themes.city_names",), lambda: dict(zip(net.cities["slug"], net.cities["name"])))


city_names = names_of_cities(network)
# ?section=: the open section (lazy tabs, only that one runs). Without it the catalogue,
# or the balance when ?city= names a city (a city profile's "balance" link).
SECTIONS = ("catalogue", "heatmap", "balance")


def project_link(project: pd.Series) -> None:
    title = ui.content(project, "title")
    st.page_link("pages/projects.py", label=ui.escape_markdown(title.text), query_params={"project": project["slug"]}, icon=":material/work:")
    note = f" — {ui.tr('common.fallback', lang=title.lang.upper())}" if title.fallback else ""
    place = f"{project['city_name']} · {country_labels.get(project['country'], project['country'])} · {ui.tr('status.' + project['status'])}"
    st.caption(ui.escape_markdown(place + note))


def city_link(city: pd.Series) -> None:
    st.page_link("pages/cities.py", label=ui.escape_markdown(city["name"]), query_params={"city": city["slug"]}, icon=":material/location_city:")


def theme_selector() -> None:
    st.selectbox(
        ui.tr("browse.themes.open"),
        theme_slugs,
        key="themes_theme",
        # Labels computed now, not in the callback: a format function runs outside the script too.
        format_func={"": ui.tr("browse.themes.choose"), **{slug: charts.short_label(name, 90) for slug, name in theme_names.items()}}.get,
        on_change=write_theme,
    )


def show_theme(detail: browse.ThemeDetail) -> None:
    theme = detail.theme
    name = ui.content(theme, "name")
    st.title(ui.escape_markdown(name.text))
    facts = ui.tr(f"framework.{theme['framework']}")
    if theme["period"]:
        facts += " · " + ui.tr("browse.themes.period", period=theme["period"])
    st.caption(ui.escape_markdown(facts))
    if name.fallback:
        st.caption(ui.escape_markdown(ui.tr("common.fallback", lang=name.lang.upper())))
    theme_selector()
    description = ui.content(theme, "description")
    if description.text.strip():
        ui.text(description.text, fallback_note=description)

    if detail.projects.empty:
        st.info(ui.tr("browse.theme.no_projects"))
    cities_col, projects_col = st.columns([2, 3], gap="large")
    with cities_col:
        if not detail.cities.empty:
            st.header(ui.tr("browse.theme.cities"))
        for _, city in detail.cities.head(CITIES_SHOWN).iterrows():
            city_link(city)
            st.caption(ui.escape_markdown(f"{country_labels.get(city['country'], city['country'])} · {ui.tr('browse.theme.city_projects', n=city['projects'])}"))
        if len(detail.cities) > CITIES_SHOWN:
            st.caption(ui.tr("browse.more_cities", n=len(detail.cities) - CITIES_SHOWN))
        st.header(ui.tr("browse.theme.seeking"))
        if detail.seeking.empty:
            st.info(ui.tr("browse.theme.no_seeking"))
        for _, city in detail.seeking.head(CITIES_SHOWN).iterrows():
            city_link(city)
        if len(detail.seeking) > CITIES_SHOWN:
            st.caption(ui.tr("browse.more_cities", n=len(detail.seeking) - CITIES_SHOWN))
    with projects_col:
        if not detail.projects.empty:
            st.header(ui.tr("browse.theme.projects"))
            for _, project in detail.projects.head(PROJECTS_SHOWN).iterrows():
                project_link(project)
            if len(detail.projects) > PROJECTS_SHOWN:
                st.caption(ui.tr("browse.shown_of", shown=PROJECTS_SHOWN, n=len(detail.projects)))
            st.page_link("pages/projects.py", label=ui.tr("browse.theme.in_project_list"), query_params={"theme": theme["slug"]}, icon=":material/filter_list:")
        if not detail.events.empty:
            st.header(ui.tr("browse.theme.events"))
            for _, event in detail.events.iterrows():
                ui.text(browse.event_label(event, lang), fallback_note=ui.content(event, "title"))


def show_catalogue() -> None:
    # Read here: a section is drawn on its own rerun, after this module's last full run.
    catalogue = catalogue_of(ui.network())
    if not catalogue:
        st.info(ui.tr("browse.themes.empty"))
    for framework, themes in catalogue:
        st.subheader(ui.tr(f"framework.{framework}"))
        st.caption(ui.tr(f"browse.themes.about.{framework}"))
        for _, theme in themes.iterrows():
            name = ui.content(theme, "name")
            facts = [ui.tr("browse.themes.counts", projects=theme["projects"], cities=theme["cities"])]
            if theme["period"]:
                facts.insert(0, ui.tr("browse.themes.period", period=theme["period"]))
            if name.fallback:
                facts.append(ui.tr("common.fallback", lang=name.lang.upper()))
            # The facts in the link: one element a theme, not two (the page is long,
            # and a filter lower down redraws faster on a page of fewer elements).
            label = ui.escape_markdown(" · ".join([name.text, *facts]))
            st.page_link("pages/themes.py", label=label, query_params={"theme": theme["slug"]}, icon=":material/category:")


# A fragment reads the snapshot itself: on its own reruns this module's
# ``network`` is the one of the page's last full run, maybe older than the store.


@st.fragment  # choosing the frameworks redraws this section only
def show_heatmap() -> None:
    net = ui.network()
    choices = {"exchange": browse.EXCHANGE_FRAMEWORKS, **{f: (f,) for f in browse.LENS_FRAMEWORKS}}
    choice = st.selectbox(
        ui.tr("browse.themes.heatmap_framework"),
        list(choices),
        key="themes_heatmap",
        format_func={c: ui.tr("browse.themes.exchange") if c == "exchange" else ui.tr(f"framework.{c}") for c in choices}.get,
    )
    drawn = ui.per_version(("themes.heatmap", lang, choice), lambda: heatmap_parts(net, choices[choice]))
    if drawn is None:
        st.info(ui.tr("browse.themes.empty"))
        return
    ui.chart(*drawn, key="themes_heatmap_chart")


def heatmap_parts(net: Network, frameworks: tuple[str, ...]) -> tuple | None:
    """The heatmap's figure, caption and table (None when there is nothing to draw)."""
    matrix = browse.city_theme_matrix(net, lang, frameworks)
    if matrix.empty or matrix.shape[1] == 0:
        return None
    table = matrix.reset_index().rename(columns={"city": ui.tr("browse.col.city")})
    drawn = browse.busiest_rows(matrix, HEATMAP_ROWS)
    caption = ui.tr("browse.themes.heatmap_caption")
    if len(drawn) < len(matrix):
        caption += " " + ui.tr("browse.themes.heatmap_limited", shown=len(drawn), n=len(matrix))
    return stat_charts.heatmap(drawn, colorbar_title=ui.tr("browse.col.projects"), lang=lang), caption, table


@st.fragment  # choosing a city redraws this section only
def show_balance() -> None:
    net = ui.network()
    city_names = names_of_cities(net)
    scopes = [""] + list(city_names)
    write_city = ui.bind_to_url("themes_city", "city", valid=scopes)

    def city_changed() -> None:
        write_city()
        write_section("balance")  # with the city gone from the URL, the balance would no longer be the default

    st.selectbox(
        ui.tr("browse.themes.balance_scope"),
        scopes,
        key="themes_city",
        format_func={"": ui.tr("browse.themes.whole_network"), **city_names}.get,
        on_change=city_changed,
    )
    city_slug = st.session_state.get("themes_city") or None
    scope = city_names[city_slug] if city_slug else ui.tr("browse.themes.whole_network")
    frameworks = (browse.CAPITALS, browse.RECOMMENDATIONS)
    # Both charts on one scale: a bar as long as another stands for as many projects.
    scale_max = ui.per_version(
        ("themes.balance_max", city_slug),
        lambda: max(int(browse.framework_balance(net, f, lang, city_slug).counts["projects"].max() or 0) for f in frameworks),
    )
    columns = st.columns(2, gap="large")
    for col, framework in zip(columns, frameworks):
        parts = ui.per_version(
            ("themes.balance", lang, framework, city_slug), lambda: balance_parts(net, framework, city_slug, scope, scale_max)
        )
        with col:
            st.markdown(f"### {ui.escape_markdown(ui.tr(f'framework.{framework}'))}")  # costs the browser half a subheader
            if parts is None:
                st.info(ui.escape_markdown(ui.tr("browse.themes.balance_empty", scope=scope)))
                continue
            ui.chart(*parts, key=f"themes_balance_{framework}")


def balance_parts(net: Network, framework: str, city_slug: str | None, scope: str, scale_max: int) -> tuple | None:
    """One framework's balance chart: figure, caption and table (None when no project counts)."""
    balance = browse.framework_balance(net, framework, lang, city_slug)
    if balance.total_projects == 0:
        return None
    return (
        stat_charts.count_bars(
            balance.counts["name"], balance.counts["projects"], axis_title=ui.tr("browse.axis.projects"), lang=lang, scale_max=scale_max
        ),
        ui.tr(
            "browse.themes.balance_caption",
            scope=scope,
            framework=ui.tr(f"framework.{framework}"),
            untagged=balance.untagged,
            total=balance.total_projects,
        ),
        pd.DataFrame({ui.tr("browse.col.theme"): balance.counts["name"], ui.tr("browse.col.projects"): balance.counts["projects"]}),
    )


def default_section() -> str:
    """The section open when the URL names none: a city's balance when it names a city, else the catalogue."""
    return "balance" if ui.query_param("city") in names_of_cities(ui.network()) else SECTIONS[0]


def write_section(name: str) -> None:
    """Make the URL say that section ``name`` is open (nothing when it is the default)."""
    ui.set_query_param("section", None if name == default_section() else name)


@st.fragment  # choosing a section draws it alone; the catalogue, the heatmap and the balance are tabs, only the open one runs
def show_sections() -> None:
    labels = {name: ui.tr(f"browse.themes.{name}") for name in SECTIONS}
    section = ui.query_param("section")
    st.session_state["themes_section"] = labels.get(section or "", labels[default_section()])

    def section_changed() -> None:
        chosen = next((name for name, label in labels.items() if label == st.session_state.get("themes_section")), SECTIONS[0])
        write_section(chosen)

    catalogue_tab, heatmap_tab, balance_tab = st.tabs(list(labels.values()), key="themes_section", on_change=section_changed)
    if catalogue_tab.open:
        with catalogue_tab:
            show_catalogue()
    if heatmap_tab.open:
        with heatmap_tab:
            show_heatmap()
    if balance_tab.open:
        with balance_tab:
            # The introduction stays put while a city choice redraws the charts.
            st.markdown(ui.tr("browse.themes.balance_intro"))
            show_balance()


# --- page -----------------------------------------------------------------------
theme_slugs = [""] + list(theme_names)
requested = ui.query_param("theme")
write_theme = ui.bind_to_url("themes_theme", "theme", valid=theme_slugs)
selected = st.session_state.get("themes_theme") or ""
if selected:
    show_theme(browse.theme_detail(network, selected))
    st.divider()
    st.page_link("pages/themes.py", label=ui.tr("browse.all_themes"), icon=":material/arrow_back:")
else:
    st.title(ui.tr("nav.themes"))
    if requested:
        ui.not_found(ui.tr("browse.themes.not_found", slug=requested), "pages/themes.py", ui.tr("nav.themes"))
    theme_selector()
    st.markdown(ui.tr("browse.themes.intro"))
    show_sections()
