"""The overview page (/): map, counts, latest ongoing projects, events, in three languages."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from afus import db
from afus.models import City, Project
from afus.ui import escape_markdown
from tests.apptest import all_text, bar_values, map_charts, map_cities, open_chart_data, run_page, shown_tables, stat_charts, tables

PAGE = "pages/overview.py"


def page_links(at) -> list[tuple[str, str, str]]:
    """(URL path, label, query string) of every page link."""
    return [(el.proto.page, el.proto.label, el.proto.query_string) for el in at.get("page_link")]


def test_overview_in_english(engine):
    at = run_page(PAGE)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Member cities"] == "10"
    assert metrics["Ongoing projects"] == "7"
    assert metrics["Exchange themes and tracks"] == "8"
    assert (metrics["Planned"], metrics["Ongoing"], metrics["Completed"]) == ("0", "7", "0")
    headers = [h.value for h in at.header]
    assert headers[:3] == ["Members on the map", "By country", "Projects by status"]
    assert {"Projects by theme", "Latest ongoing projects", "Events"} <= set(headers)


def page_order(at) -> list[str]:  # noqa: ANN001
    """The headers, charts and captions of the page, in the order a reader meets them."""
    found: list[str] = []

    def walk(block) -> None:  # noqa: ANN001
        for child in block.children.values():
            if child.type in ("header", "caption"):
                found.append(f"{child.type}: {child.value}")
            elif child.type == "echarts_chart":
                found.append("chart")
            elif hasattr(child, "children"):
                walk(child)

    walk(at._tree)
    return found


def test_charts_sent_last_are_in_their_places(engine):
    """The charts are sent after the rest of the page (``ui.charts_last``), and read where they belong."""
    order = page_order(run_page(PAGE))
    at_map = order.index("header: Members on the map")
    assert order[at_map + 1] == "chart" and order[at_map + 2].startswith("caption: Map of France and Sweden")
    assert order.index("header: By country") == at_map + 3
    at_bars = order.index("header: Projects by theme")
    assert order[at_bars + 1] == "chart" and "themes have no project yet" in order[at_bars + 2]


def test_map_and_charts_have_text_alternatives_and_their_own_base_map(engine):
    at = run_page(PAGE)
    [(alt, option)] = map_charts(at).items()
    [(bars_alt, bars)] = stat_charts(at).items()
    assert bars_alt.startswith("Bar chart") and sum(bar_values(bars)) == 8
    assert option["baseOption"]["legend"]["data"] == ["France", "Sweden"]
    cities = map_cities(option)
    assert len(cities) == 10 and cities["Umeå"]["country"] == "Sweden" and not any(c["faded"] for c in cities.values())
    # The land is drawn from the app's own file, in the option: nothing to fetch.
    assert sum(s["type"] == "line" and "areaStyle" in s for s in option["baseOption"]["series"]) > 50
    assert "10 member cities: 5 in France" in alt
    # Each chart's data is also given as a table, sent once its expander is opened.
    expanders = [e for e in at.expander if e.label == "Data of this chart (table)"]
    assert len(expanders) == 2 and not any(tables(e) for e in expanders)
    expanders = [e for e in open_chart_data(at).expander if e.label == "Data of this chart (table)"]
    map_table = tables(expanders[0])[0]
    assert sorted(map_table["City"]) == sorted(
        ["Borås", "Gothenburg", "Linköping", "Malmö", "Umeå", "Grenoble", "La Rochelle", "Paris", "Saint-Brieuc", "Strasbourg"]
    )
    assert dict(zip(map_table["City"], map_table["Population"]))["Saint-Brieuc"] == 52774  # a number, sorted as one
    shown = shown_tables(expanders[0])[0]
    assert dict(zip(shown["City"], shown["Population"]))["Saint-Brieuc"] == "52,774"  # written as English groups digits
    theme_table = tables(expanders[1])[0]
    assert dict(zip(theme_table["Theme"], theme_table["Projects"]))["Redesign of public spaces: uses for all and versatility"] == 3
    assert "4 of the 8 themes have no project yet" in all_text(at)


def test_short_tables_are_plain_tables_that_show_user_text_as_text(engine):
    """The map's data (ten rows) is an HTML table of Markdown cells: a hostile city name stays text."""
    hostile = "**Paris** <img src=x onerror=alert(1)> [x](javascript:alert(1))"
    with db.write_session(engine) as session:
        session.execute(update(City).where(City.slug == "paris").values(name=hostile))
    at = open_chart_data(run_page(PAGE))
    assert not at.exception
    map_data = next(e for e in at.expander if e.label == "Data of this chart (table)")
    assert not map_data.dataframe, "a short table needs no data grid"
    cells = map_data.get("table")[0].value["City"].tolist()
    assert escape_markdown(hostile) in cells  # sent escaped: drawn as the literal text
    assert hostile in tables(map_data)[0]["City"].tolist()


def test_counts_by_country_table(engine):
    at = run_page(PAGE, lang="fr")
    table = next(df for df in tables(at) if "Villes" in df.columns)
    assert table.to_dict("records") == [
        {"Pays": "France", "Villes": 5, "Projets": 3},
        {"Pays": "Suède", "Villes": 5, "Projets": 4},
    ]


def test_latest_ongoing_projects_link_to_their_detail(engine):
    at = run_page(PAGE)
    project_links = [link for link in page_links(at) if link[0] == "projects" and link[2]]
    assert [q for _, _, q in project_links] == [
        "project=malmo-circular-economy",
        "project=boras-frugal-rural-lifestyles",
        "project=saint-brieuc-territorial-project-2018",
        "project=saint-brieuc-town-countryside-alliance",
        "project=umea-gender-approach",
    ]
    assert project_links[0][1] == escape_markdown("A strong circular-economy ambition")
    assert "Malmö · Sweden" in all_text(at)


def test_no_upcoming_event_says_so_and_shows_the_latest_past_one(engine):
    at = run_page(PAGE)
    assert [i.value for i in at.info] == ["No upcoming event is recorded yet."]
    text = all_text(at)
    assert "Latest past events" in text
    assert "17 November 2017 — Partnership" in text


def test_overview_in_french_and_swedish(engine):
    fr = run_page(PAGE, lang="fr")
    assert not fr.exception
    text = all_text(fr)
    assert "Vue d'ensemble" in text and "Les membres sur la carte" in text
    assert "Aucun événement à venir n'est encore enregistré." in text
    assert "17 novembre 2017" in text
    assert "Une ambition forte en matière d" in " ".join(label for _, label, _ in page_links(fr))
    # The map's data: a population as French groups its digits, a latitude with a decimal comma.
    [map_data] = shown_tables(open_chart_data(fr).expander[0])
    saint_brieuc = map_data.set_index("Ville").loc["Saint-Brieuc"]
    assert (saint_brieuc["Population"], saint_brieuc["Latitude"]) == ("52\u202f774", "48,515"), saint_brieuc.to_dict()

    sv = run_page(PAGE, lang="sv")
    assert not sv.exception
    text = all_text(sv)
    assert "Medlemmarna på kartan" in text
    assert "Undertecknande av det fransk" in text
    # Saint-Brieuc's town–countryside project has no Swedish translation: the UI says so.
    assert "Visas på originalspråket \\(FR\\)" in text


def test_empty_store_explains_itself(empty_engine):
    at = run_page(PAGE)
    assert not at.exception
    assert "The network has no member city yet" in all_text(at)


def test_user_text_is_not_rendered_as_markup(engine):
    hostile = "[Win](http://evil.example) <b>bold</b>"
    with db.write_session(engine) as session:
        session.execute(update(Project).where(Project.slug == "malmo-circular-economy").values(title=hostile, lang="en"))
    at = run_page(PAGE)
    assert not at.exception
    labels = [label for _, label, _ in page_links(at)]
    assert escape_markdown(hostile) in labels
    assert hostile not in labels


@pytest.mark.parametrize(("lang", "shape"), [("fr", "DD/MM/YYYY"), ("sv", "YYYY-MM-DD"), ("en", "YYYY-MM-DD")])
def test_date_fields_are_typed_as_the_language_writes_dates(engine, lang, shape):
    at = run_page(PAGE, lang=lang)
    assert at.date_input(key="overview_changes_since").proto.format == shape
