"""The themes page: catalogue by framework, city × theme heatmap, balance of projects, ``?theme=<slug>``."""

from __future__ import annotations


from afus.ui import escape_markdown
from tests.apptest import all_text, bar_values, heatmap_rows, open_chart_data, run_page, stat_charts, tables

PAGE = "pages/themes.py"


def page_links(at) -> list[tuple[str, str, str]]:
    """(URL path, label, query string) of every page link."""
    return [(el.proto.page, el.proto.label, el.proto.query_string) for el in at.get("page_link")]


def figures(at) -> dict[str, dict]:
    """The page's charts (ECharts options) by their accessible description."""
    return stat_charts(at)


def test_catalogue_grouped_by_framework(engine):
    at = run_page(PAGE)
    assert not at.exception
    assert at.session_state["themes_section"] == "Catalogue"  # the first section, the only one run
    assert not figures(at)
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:6] == [
        "AFUS exchange themes",
        "Tracks put forward by cities",
        "The Alliance of Territories: 8 recommendations",
        "Five capitals of resilience",
        "Territory",
        "Sustainable Development Goal 11",
    ]
    theme_links = [q for page, _, q in page_links(at) if page == "themes"]
    assert len(theme_links) == 25
    assert theme_links[0] == "theme=renovation-energy-efficiency"
    # Each theme is one link that gives its facts too.
    labels = {q: label for page, label, q in page_links(at) if page == "themes"}
    assert labels["theme=renovation-energy-efficiency"] == escape_markdown("Renovation and energy efficiency · Period: 2015–2016 · Projects: 0 · cities: 0")
    assert labels["theme=public-spaces"].endswith(escape_markdown(" · Projects: 3 · cities: 3"))


def test_heatmap_counts_projects_per_city_and_theme(engine):
    at = run_page(PAGE, section="heatmap")
    heat = next(f for alt, f in figures(at).items() if alt.startswith("Heat map"))
    rows = heatmap_rows(heat)
    assert rows["Saint-Brieuc"] == [0, 0, 0, 1, 0, 1, 1, 1]
    assert sum(map(sum, rows.values())) == 8
    table = next(df for e in open_chart_data(at).expander for df in tables(e) if "City" in df.columns)
    assert len(table) == 10
    # Another framework in the heatmap.
    at.selectbox(key="themes_heatmap").set_value("resilience_capital").run()
    heat = next(f for alt, f in figures(at).items() if alt.startswith("Heat map"))
    assert heat["xAxis"]["data"] == ["Human", "Social", "Economic", "Cultural", "Environmental"]


def test_balance_of_the_network(engine):
    at = run_page(PAGE, section="balance")
    charts = figures(at)
    capitals = charts[
        "Bar chart: projects of the whole network per theme of “Five capitals of resilience”. "
        "Not yet tagged with any of them: 3 of 7 projects."
    ]
    assert bar_values(capitals) == [0, 2, 0, 0, 2]
    recommendations = next(f for alt, f in charts.items() if "8 recommendations" in alt)
    assert bar_values(recommendations) == [1, 1, 0, 0, 0, 1, 1, 0]


def test_balance_of_one_city_from_the_url(engine):
    at = run_page(PAGE, city="saint-brieuc", lang="fr")
    assert at.selectbox(key="themes_city").value == "saint-brieuc"
    capitals = next(f for alt, f in figures(at).items() if "Cinq capitaux" in alt and "Saint-Brieuc" in alt)
    assert bar_values(capitals) == [0, 1, 0, 0, 1]
    assert "Pas encore rattaché à aucun d'eux : 1 projet sur 3." in " ".join(figures(at))
    # A city's balance link opens the balance section, and only that one runs.
    assert at.session_state["themes_section"] == "Équilibre des projets"
    assert not any(alt.startswith("Carte de chaleur") for alt in figures(at)) and not at.subheader


def test_balance_selector_writes_the_url(engine):
    # (English: AppTest drops the sidebar language widget after a page switch,
    # so a rerun there would fall back to English anyway.)
    at = run_page(PAGE, section="balance")
    at.selectbox(key="themes_city").set_value("paris").run()
    assert at.query_params["city"] == "paris"
    assert any(i.value.startswith("Paris has no project yet") for i in at.info)
    at.selectbox(key="themes_city").set_value("malmo").run()
    environmental = next(f for alt, f in figures(at).items() if "Five capitals" in alt)
    assert bar_values(environmental) == [0, 0, 0, 0, 1]
    assert "section" not in at.query_params  # a city's balance is open by default
    at.selectbox(key="themes_city").set_value("").run()
    assert "city" not in at.query_params
    assert at.query_params["section"] == "balance", "the whole network's balance stays open"
    assert any(alt.startswith("Bar chart: projects of the whole network") for alt in figures(at))


def test_theme_view_shows_its_cities_and_projects(engine):
    at = run_page(PAGE, theme="public-spaces")
    assert not at.exception
    assert at.title[0].value == escape_markdown("Redesign of public spaces: uses for all and versatility")
    links = page_links(at)
    assert {q for page, _, q in links if page == "cities"} == {"city=saint-brieuc", "city=gothenburg", "city=umea"}
    projects = [q for page, _, q in links if page == "projects"]
    assert set(projects) == {
        "project=saint-brieuc-place-de-la-grille",
        "project=gothenburg-temporary-installation",
        "project=umea-gender-approach",
        "theme=public-spaces",
    }
    assert [h.value for h in at.header] == ["Cities working on it", "Cities that want to learn about it", "Projects on it"]


def test_theme_view_in_swedish_and_french(engine):
    sv = run_page(PAGE, theme="capital-economic", lang="sv")
    assert sv.title[0].value == "Ekonomiskt"
    assert "Inga projekt är märkta med detta tema ännu" in all_text(sv)
    fr = run_page(PAGE, theme="innovation", lang="fr")
    assert fr.title[0].value == escape_markdown("L'innovation sous toutes ses formes")
    assert "17 novembre 2017 — Partenariat" in all_text(fr)


def test_untranslated_theme_says_it_is_shown_in_french(engine):
    at = run_page(PAGE, theme="rec-7-mobility", lang="sv")
    assert "Visas på originalspråket \\(FR\\)" in all_text(at)


def test_unknown_theme_is_a_friendly_not_found(engine):
    at = run_page(PAGE, theme="no-such-theme")
    assert not at.exception
    assert "Not found" in at.warning[0].value and "no\\-such\\-theme" in at.warning[0].value
    assert ("themes", "Back to Themes", "") in page_links(at)
    assert at.subheader[0].value == "AFUS exchange themes"  # the catalogue below


def test_theme_selector_and_url_stay_in_sync(engine):
    at = run_page(PAGE)
    at.selectbox(key="themes_theme").set_value("rural-development").run()
    assert at.query_params["theme"] == "rural-development"
    assert "rural development" in at.title[0].value
    at.selectbox(key="themes_theme").set_value("").run()
    assert "theme" not in at.query_params
    assert at.title[0].value == "Themes"
