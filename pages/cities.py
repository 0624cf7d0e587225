"""Cities (``/cities``): the member directory; ``?city=<slug>`` opens a city's profile."""

import pandas as pd
import streamlit as st

from afus import browse, maps, ui
from afus.i18n import format_number

# Pages rerun on every click: long lists are cut, with a link to the full list.
PROJECTS_PER_THEME = 5
PROJECTS_PER_LIST = 10
# Up to this many cities are cards, more are one table where a row opens its city: each
# card is three elements that a search or a country change sends again (twelve cards above
# the table made the country change at the large scale 1.8x the minimal page's).
CARDS = 12

lang = ui.lang()
network = ui.network()
ui.canonical_city_params("city")
country_labels = {c: ui.tr(f"country.{c}") for c in sorted(set(network.cities["country"]) | {"FR", "SE"})}
# What every visitor sees alike is built once per data version (and language, search).
directory_all = ui.per_version(("cities.directory", "", None), lambda: browse.city_directory(network))
city_names = ui.per_version(("cities.names",), lambda: dict(zip(directory_all["slug"], directory_all["name"])))


def population_text(value: object) -> str:
    """Population per locale, or a word saying it is unknown."""
    return format_number(value, lang) if pd.notna(value) else ui.tr("browse.population_unknown")


def city_link(city: pd.Series, icon: str = ":material/location_city:") -> None:
    st.page_link("pages/cities.py", label=ui.escape_markdown(city["name"]), query_params={"city": city["slug"]}, icon=icon)


def project_link(project: pd.Series, note: str = "") -> None:
    """A link to a project, and below it one caption: its untranslated-title notice, then ``note`` (tags, status)."""
    title = ui.content(project, "title")
    st.page_link("pages/projects.py", label=ui.escape_markdown(title.text), query_params={"project": project["slug"]}, icon=":material/work:")
    lines = [ui.tr("common.fallback", lang=title.lang.upper())] if title.fallback else []
    if note:
        lines.append(note)
    if lines:  # one element, a line each: a long profile draws faster with fewer elements
        st.caption("  \n".join(ui.escape_markdown(line) for line in lines))


def theme_link(theme: pd.Series) -> None:
    name = ui.content(theme, "name")
    st.page_link("pages/themes.py", label=ui.escape_markdown(name.text), query_params={"theme": theme["slug"]}, icon=":material/category:")


def event_lines(events: pd.DataFrame) -> None:
    for _, event in events.iterrows():
        ui.text(browse.event_label(event, lang), fallback_note=ui.content(event, "title"))
        if event["location"]:
            st.caption(ui.escape_markdown(ui.tr("browse.event_place", place=event["location"])))


def show_profile(profile: browse.CityProfile) -> None:
    city = profile.city
    name = city["name"]
    country = country_labels.get(city["country"], city["country"])
    st.title(ui.escape_markdown(name))
    st.caption(ui.escape_markdown(ui.tr("browse.profile.facts", country=country)))
    city_selector()

    left, right = st.columns([3, 2], gap="large")
    with left:
        ui.chart(
            ui.per_version(
                ("cities.map", lang, city["slug"]),
                lambda: maps.member_map(network.cities, country_labels, focus_slug=city["slug"], height=420),
            ),
            ui.tr("browse.profile.map_caption", city=name, country=country),
            pd.DataFrame(
                {
                    ui.tr("browse.col.city"): [name],
                    ui.tr("browse.col.country"): [country],
                    ui.tr("browse.col.latitude"): [city["latitude"]],
                    ui.tr("browse.col.longitude"): [city["longitude"]],
                }
            ),
            key="city_map",
        )
    with right:
        ui.figures(
            [
                (ui.tr("browse.profile.population"), population_text(city["population"])),
                (ui.tr("browse.profile.ongoing"), format_number(int((profile.projects["status"] == "ongoing").sum()), lang)),
                (ui.tr("browse.profile.themes_offered"), format_number(len(profile.offers), lang)),
                (ui.tr("browse.profile.themes_sought"), format_number(len(profile.seeks), lang)),
            ]
        )
        st.caption(ui.tr("browse.profile.population_source"))
        st.subheader(ui.tr("browse.profile.about"))
        about = ui.content(city, "profile")
        if about.text.strip():
            ui.text(about.text, fallback_note=about)
        else:
            st.markdown(ui.tr("browse.profile.no_profile"))
        st.page_link("pages/peers.py", label=ui.escape_markdown(ui.tr("browse.profile.peers_link", city=name)), query_params={"city": city["slug"]}, icon=":material/hub:")
        st.page_link("pages/projects.py", label=ui.escape_markdown(ui.tr("browse.profile.projects_link", city=name)), query_params={"city": city["slug"]}, icon=":material/work:")
        st.page_link("pages/themes.py", label=ui.escape_markdown(ui.tr("browse.profile.balance_link", city=name)), query_params={"city": city["slug"]}, icon=":material/balance:")

    if profile.is_empty:
        st.info(ui.tr("browse.profile.empty", city=name))

    st.header(ui.tr("browse.profile.offers"))
    if not profile.offers and profile.unthemed_ongoing.empty:
        st.info(ui.tr("browse.profile.no_offers", city=name))
    else:
        st.caption(ui.tr("browse.profile.offers_help"))
    for group in profile.offers:
        theme_link(group.theme)
        st.caption(ui.tr(f"framework.{group.theme['framework']}"))
        for _, project in group.projects.head(PROJECTS_PER_THEME).iterrows():
            lenses = profile.lenses_by_project.get(int(project["id"]), [])
            tags = ui.tr("browse.profile.lenses", names=" · ".join(ui.content(t, "name").text for t in lenses)) if lenses else ""
            project_link(project, tags)
        if len(group.projects) > PROJECTS_PER_THEME:
            st.page_link(
                "pages/projects.py",
                label=ui.escape_markdown(ui.tr("browse.more_on_theme", n=len(group.projects), city=name)),
                query_params={"city": city["slug"], "theme": group.theme["slug"]},
                icon=":material/arrow_forward:",
            )
    others = profile.projects[profile.projects["status"] != "ongoing"]
    for heading, projects, with_status in (
        (ui.tr("browse.profile.unthemed"), profile.unthemed_ongoing, False),
        (ui.tr("browse.profile.other_projects"), others, True),
    ):
        if projects.empty:
            continue
        st.subheader(heading)
        for _, project in projects.head(PROJECTS_PER_LIST).iterrows():
            project_link(project, ui.tr(f"status.{project['status']}") if with_status else "")
        if len(projects) > PROJECTS_PER_LIST:
            st.caption(ui.tr("browse.shown_of", shown=PROJECTS_PER_LIST, n=len(projects)))
            st.page_link("pages/projects.py", label=ui.escape_markdown(ui.tr("browse.profile.projects_link", city=name)), query_params={"city": city["slug"]}, icon=":material/arrow_forward:")

    st.header(ui.tr("browse.profile.seeks"))
    if profile.seeks.empty:
        st.info(ui.tr("browse.profile.no_seeks", city=name))
    else:
        st.caption(ui.tr("browse.profile.seeks_help"))
    notes = set()
    for _, theme in profile.seeks.iterrows():
        theme_link(theme)
        if theme["note"]:
            notes.add(theme["note"])
    for note in sorted(notes):
        st.caption(ui.escape_markdown(f"« {note} »" if city["lang"] == "fr" else f"“{note}”"))

    partners_col, events_col = st.columns(2, gap="large")
    with partners_col:
        st.header(ui.tr("browse.profile.partners"))
        if profile.partners.empty:
            st.info(ui.tr("browse.profile.no_partners", city=name))
        for _, partner in profile.partners.iterrows():
            city_link(partner)
    with events_col:
        st.header(ui.tr("browse.profile.events"))
        if profile.events_hosted.empty:
            st.info(ui.tr("browse.profile.no_events", city=name))
        event_lines(profile.events_hosted)
        if not profile.events_joined.empty:
            st.subheader(ui.tr("browse.profile.events_joined"))
            event_lines(profile.events_joined)


def show_directory(with_title: bool = True) -> None:
    if with_title:
        st.title(ui.tr("nav.cities"))
        city_selector()
    directory()


@st.fragment  # searching or choosing a country redraws the directory only
def directory() -> None:
    # Its own reruns read the snapshot anew (the module's ``network`` is the last full run's).
    net = ui.network()
    st.markdown(ui.tr("browse.cities.intro"))
    search_col, country_col = st.columns([3, 2])
    with search_col:
        write_query = ui.bind_to_url("cities_q", "q")
        st.text_input(ui.tr("browse.cities.search"), key="cities_q", placeholder=ui.tr("browse.cities.search_placeholder"), help=ui.tr("browse.cities.search.help"), on_change=write_query, live=True)
    with country_col:
        countries = [""] + sorted(set(net.cities["country"]), key=lambda c: country_labels.get(c, c))
        if ui.query_param("country") and ui.query_param("country") not in countries:
            st.caption(ui.tr("browse.cities.bad_country"))
        write_country = ui.bind_to_url("cities_country", "country", valid=countries)
        st.selectbox(
            ui.tr("browse.cities.country"),
            countries,
            key="cities_country",
            format_func={"": ui.tr("browse.cities.all_countries"), **country_labels}.get,
            on_change=write_country,
        )
    query = st.session_state.get("cities_q", "")
    country = st.session_state.get("cities_country") or None
    found = ui.per_version(("cities.directory", query, country), lambda: browse.city_directory(net, query, country))

    st.header(ui.tr("browse.cities.directory"))
    count = ui.tr("browse.cities.count", n=len(found), total=len(net.cities))
    if len(found) > CARDS:
        directory_table(found, query, country, count)
        return
    st.caption(count)
    if found.empty:
        where = country_labels.get(country, country) if country else ui.tr("browse.cities.all_countries").lower()
        st.info(ui.escape_markdown(ui.tr("browse.cities.empty", query=query.strip(), country=where)))
        return
    # One wrapping row of cards, as many to a line as fit (five on a laptop, two on a
    # phone): a grid of st.columns sent four more blocks per line on every search.
    with st.container(horizontal=True, gap="small"):
        for city in found.to_dict("records"):
            with st.container(border=True, width="stretch"):
                city_link(city)
                people = ui.tr("browse.inhabitants", population=format_number(city["population"], lang)) if pd.notna(city["population"]) else ui.tr("browse.population_unknown")
                st.caption(ui.escape_markdown(f"{country_labels.get(city['country'], city['country'])} · {people} · {ui.tr('browse.project_count', n=city['ongoing'])}"))


def directory_table(found: pd.DataFrame, query: str, country: str | None, count: str) -> None:
    """A long directory: its ``count``, then one table (sortable, scrolling) where choosing a row opens that city's profile."""
    st.caption(f"{count}. {ui.tr('browse.cities.table_hint', open=ui.tr('browse.cities.open'))}")  # one element: each costs every search
    table = ui.per_version(
        ("cities.directory_table", lang, query, country),
        lambda: pd.DataFrame(
            {
                ui.tr("browse.col.city"): found["name"],
                ui.tr("browse.col.country"): found["country"].map(country_labels),
                ui.tr("browse.col.population"): found["population"],
                ui.tr("browse.col.ongoing"): found["ongoing"],
            }
        ).reset_index(drop=True),
    )
    event = ui.grid(table, name=ui.tr("browse.cities.table.name"), key="cities_table", on_select="rerun", selection_mode="single-row")
    if event.selection.rows and event.selection.rows[0] < len(found):
        # The profile gets its own URL, as from a card or the city box above.
        st.query_params["city"] = found["slug"].iloc[event.selection.rows[0]]
        st.rerun()


def city_selector() -> None:
    st.selectbox(
        ui.tr("browse.cities.open"),
        city_slugs,
        key="cities_city",
        format_func={"": ui.tr("browse.cities.choose"), **city_names}.get,
        on_change=write_city,
    )


# --- page -----------------------------------------------------------------------
city_slugs = [""] + directory_all["slug"].tolist()
requested = ui.query_param("city")
write_city = ui.bind_to_url("cities_city", "city", valid=city_slugs)
selected = st.session_state.get("cities_city") or ""
if requested and requested not in city_names:
    st.title(ui.tr("nav.cities"))
    ui.not_found(ui.tr("browse.cities.not_found", slug=requested), "pages/cities.py", ui.tr("nav.cities"))
    city_selector()
    show_directory(with_title=False)
elif selected:
    with ui.charts_last():  # the map last, in its place: the profile's text shows while the chart library starts
        show_profile(ui.per_version(("cities.profile", selected), lambda: browse.city_profile(network, selected)))
        st.divider()
        st.page_link("pages/cities.py", label=ui.tr("browse.all_cities"), icon=":material/arrow_back:")
else:
    show_directory()
