"""Overview (``/``): the network at a glance — map, counts, latest ongoing projects, events."""

import datetime as dt

import pandas as pd
import streamlit as st

from afus import browse, history, maps, stat_charts, ui
from afus.i18n import format_date, format_number

lang = ui.lang()
network = ui.network()
country_labels = {c: ui.tr(f"country.{c}") for c in sorted(set(network.cities["country"]) | {"FR", "SE"})}

st.title(ui.tr("nav.overview"))
st.markdown(ui.tr("browse.overview.intro"))

if network.cities.empty:
    st.info(ui.tr("browse.overview.empty"))
    st.stop()


def stale_table(stale: list[history.StaleContact]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ui.tr("history.item"): [c.label for c in stale],
            ui.tr("field.contact_name"): [c.contact_name for c in stale],
            ui.tr("field.contact_checked"): [format_date(c.checked, lang) if c.checked else ui.tr("history.stale.never") for c in stale],
        }
    )


# Charts are drawn last, in their places: the text of the page shows while the browser starts the chart library.
with ui.charts_last():
    # --- key figures ---------------------------------------------------------------
    # What every visitor sees alike is built once per data version (and language).
    exchange = ui.per_version(("overview.exchange", lang), lambda: browse.projects_per_theme(network, lang, browse.EXCHANGE_FRAMEWORKS))
    by_status = ui.per_version(("overview.by_status",), lambda: browse.counts_by_status(network))
    ui.figures(
        [
            (ui.tr("browse.metric.cities"), format_number(len(network.cities), lang)),
            (ui.tr("browse.metric.ongoing"), format_number(int(by_status.set_index("status").at["ongoing", "projects"]), lang)),
            (ui.tr("browse.metric.themes"), format_number(len(exchange), lang)),
            (ui.tr("browse.metric.events"), format_number(len(network.events), lang)),
        ]
    )

    # --- map -------------------------------------------------------------------------
    st.header(ui.tr("browse.overview.map"))
    per_country = ui.per_version(("overview.by_country",), lambda: browse.counts_by_country(network).set_index("country"))
    ui.chart(
        ui.per_version(("overview.map", lang), lambda: maps.member_map(network.cities, country_labels)),
        ui.tr(
            "browse.map_caption",
            n=len(network.cities),
            fr=int(per_country.at["FR", "cities"]),
            se=int(per_country.at["SE", "cities"]),
        ),
        ui.per_version(
            ("overview.map_table", lang),
            lambda: pd.DataFrame(
                {
                    ui.tr("browse.col.city"): network.cities["name"],
                    ui.tr("browse.col.country"): network.cities["country"].map(country_labels),
                    ui.tr("browse.col.population"): network.cities["population"],
                    ui.tr("browse.col.latitude"): network.cities["latitude"].round(3),
                    ui.tr("browse.col.longitude"): network.cities["longitude"].round(3),
                }
            ),
        ),
        key="overview_map",
    )

    # --- counts ---------------------------------------------------------------------
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.header(ui.tr("browse.overview.by_country"))
        ui.table(
            pd.DataFrame(
                {
                    ui.tr("browse.col.country"): [country_labels.get(c, c) for c in per_country.index],
                    ui.tr("browse.col.cities"): per_country["cities"].tolist(),
                    ui.tr("browse.col.projects"): per_country["projects"].tolist(),
                }
            )
        )
        st.header(ui.tr("browse.overview.by_status"))
        ui.figures([(ui.tr(f"status.{status}"), format_number(int(count), lang)) for status, count in zip(by_status["status"], by_status["projects"])])
    with right:
        st.header(ui.tr("browse.overview.by_theme"))
        ui.chart(
            ui.per_version(
                ("overview.by_theme", lang),
                lambda: stat_charts.count_bars(exchange["name"], exchange["projects"], axis_title=ui.tr("browse.axis.projects"), lang=lang),
            ),
            ui.tr("browse.overview.by_theme_caption", zero=int((exchange["projects"] == 0).sum()), total=len(exchange)),
            pd.DataFrame(
                {
                    ui.tr("browse.col.theme"): exchange["name"],
                    ui.tr("browse.col.projects"): exchange["projects"],
                    ui.tr("browse.col.cities"): exchange["cities"],
                }
            ),
            key="overview_themes",
        )

    # --- latest ongoing projects ------------------------------------------------------
    st.header(ui.tr("browse.overview.latest"))
    latest = ui.per_version(("overview.latest",), lambda: browse.latest_ongoing_projects(network, limit=5))
    if latest.empty:
        st.info(ui.tr("browse.overview.no_projects"))
    for _, project in latest.iterrows():
        title = ui.content(project, "title")
        st.page_link("pages/projects.py", label=ui.escape_markdown(title.text), query_params={"project": project["slug"]}, icon=":material/work:")
        note = f" — {ui.tr('common.fallback', lang=title.lang.upper())}" if title.fallback else ""
        st.caption(ui.escape_markdown(f"{project['city_name']} · {country_labels.get(project['country'], project['country'])}") + ui.escape_markdown(note))
    st.page_link("pages/projects.py", label=ui.tr("browse.all_projects"), icon=":material/arrow_forward:")

    # --- events --------------------------------------------------------------------------
    st.header(ui.tr("browse.overview.events"))
    agenda = browse.event_agenda(network, dt.date.today(), limit=3)
    if network.events.empty:
        st.info(ui.tr("browse.overview.no_events"))
    elif agenda.upcoming.empty:
        st.info(ui.tr("browse.overview.no_upcoming"))
    for heading, events in ((ui.tr("browse.overview.upcoming"), agenda.upcoming), (ui.tr("browse.overview.past"), agenda.past)):
        if events.empty:
            continue
        st.subheader(heading)
        for _, event in events.iterrows():
            ui.text(browse.event_label(event, lang), fallback_note=ui.content(event, "title"))
            if event["location"]:
                st.caption(ui.escape_markdown(ui.tr("browse.event_place", place=event["location"])))

    # --- keeping the content alive: what changed, contacts to check (coordinator workspace) ----
    st.header(ui.tr("history.overview.title"))
    seminar_dates = [(kind, when) for kind, when in zip(network.events["kind"], network.events["start_date"]) if pd.notna(when)]
    since = st.date_input(
        ui.tr("history.since"), value=history.since_last_seminar(seminar_dates, dt.date.today()), key="overview_changes_since",
        format=ui.date_format(), help=ui.tr("history.overview.since_help"), min_value=dt.date(1990, 1, 1),
    ) or dt.date.today()
    changes = ui.per_version(("overview.changes", since), lambda: history.changes_since(ui.engine(), since, limit=200))
    st.subheader(ui.tr("history.overview.changes", date=format_date(since, lang), count=len(changes)))
    if changes:
        ui.table(
            pd.DataFrame(
                {
                    ui.tr("history.when"): [c.at.strftime("%Y-%m-%d") for c in changes],
                    ui.tr("history.kind"): [ui.tr(f"manage.section.{c.kind}") for c in changes],
                    ui.tr("history.item"): [c.item_label for c in changes],
                    ui.tr("history.action"): [ui.tr(f"history.action.{c.action}") for c in changes],
                }
            )
        )

    stale = ui.per_version(("overview.stale", lang, dt.date.today()), lambda: stale_table(history.stale_contacts(ui.engine())))
    st.subheader(ui.tr("history.stale.title", count=len(stale)))
    if len(stale):
        ui.table(stale)
    else:
        st.caption(ui.tr("history.stale.none"))
