"""Project filters, URL parameters, sorting, the table shown, its CSV and the detail view (on the seeded store)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from afus.db import write_session
from afus.models import City, Project
from afus.network import Network, load_network
from afus.projects import (
    ProjectFilters,
    count_without_each,
    csv_file_name,
    describe_filter,
    filter_options,
    filter_projects,
    filters_to_params,
    parse_filters,
    project_detail,
    project_links,
    project_table,
)
from afus.spreadsheet import inert_cell, table_csv

SAINT_BRIEUC = {
    "saint-brieuc-place-de-la-grille",
    "saint-brieuc-town-countryside-alliance",
    "saint-brieuc-territorial-project-2018",
}


@pytest.fixture
def network(engine) -> Network:
    return load_network(engine)


def slugs_for(network: Network, lang: str = "en", **filters) -> list[str]:
    return list(filter_projects(network, ProjectFilters(**filters), lang)["slug"])


# --- filtering -------------------------------------------------------------------------


def test_no_filter_shows_all_seven_seeded_projects(network):
    assert len(slugs_for(network)) == 7


def test_country_filter_one_and_several_values(network):
    assert set(slugs_for(network, countries=("FR",))) == SAINT_BRIEUC
    assert len(slugs_for(network, countries=("SE",))) == 4
    assert len(slugs_for(network, countries=("FR", "SE"))) == 7


def test_city_filter_several_values_is_any_of(network):
    assert set(slugs_for(network, cities=("malmo", "umea"))) == {"malmo-circular-economy", "umea-gender-approach"}
    assert slugs_for(network, cities=("paris",)) == []


def test_city_filter_includes_projects_where_the_city_is_a_partner(engine):
    with write_session(engine) as session:
        project = session.query(Project).filter_by(slug="malmo-circular-economy").one()
        project.partners.append(session.query(City).filter_by(slug="paris").one())
    network = load_network(engine)
    assert slugs_for(network, cities=("paris",)) == ["malmo-circular-economy"]
    table = project_table(network, filter_projects(network, ProjectFilters(cities=("paris",)), "en"), "en")
    assert table["Partner cities"].tolist() == ["Paris"]


def test_theme_lens_territory_and_status_filters(network):
    assert set(slugs_for(network, themes=("public-spaces",))) == {
        "saint-brieuc-place-de-la-grille", "gothenburg-temporary-installation", "umea-gender-approach"}
    assert set(slugs_for(network, themes=("public-spaces", "rural-development"))) == {
        "saint-brieuc-place-de-la-grille", "gothenburg-temporary-installation", "umea-gender-approach",
        "saint-brieuc-town-countryside-alliance", "boras-frugal-rural-lifestyles"}
    assert set(slugs_for(network, lenses=("capital-social",))) == {"saint-brieuc-place-de-la-grille", "umea-gender-approach"}
    assert set(slugs_for(network, territories=("territory-rural",))) == {
        "saint-brieuc-town-countryside-alliance", "boras-frugal-rural-lifestyles"}
    assert len(slugs_for(network, statuses=("ongoing",))) == 7
    assert slugs_for(network, statuses=("planned", "completed")) == []


def test_different_filters_narrow_each_other(network):
    # public-spaces (3 projects) AND Sweden (4) AND the social capital (2) -> Umeå only
    assert slugs_for(network, themes=("public-spaces",), countries=("SE",), lenses=("capital-social",)) == [
        "umea-gender-approach"]
    assert slugs_for(network, query="Goteborg", countries=("FR",)) == []


def test_search_and_filters_combine(network):
    assert set(slugs_for(network, query="economie circulaire", cities=("saint-brieuc",))) == {
        "saint-brieuc-territorial-project-2018"}


def test_count_without_each_says_how_to_widen(network):
    filters = ProjectFilters(query="Goteborg", countries=("FR",), statuses=("planned",))
    assert filter_projects(network, filters, "en").empty
    assert count_without_each(network, filters, "en") == {"q": 0, "country": 0, "status": 0}
    filters = ProjectFilters(query="Goteborg", countries=("FR",))
    assert count_without_each(network, filters, "en") == {"q": 3, "country": 1}


# --- URL parameters -----------------------------------------------------------------------


def test_parse_comma_separated_and_repeated_values(network):
    parsed = parse_filters(
        {"city": ["malmo,umea", "boras"], "country": ["se"], "status": ["Ongoing"], "q": ["  Umea "]}, network)
    assert parsed.ignored == []
    assert parsed.filters == ProjectFilters(
        query="Umea", countries=("SE",), cities=("malmo", "umea", "boras"), statuses=("ongoing",))


def test_theme_slugs_go_to_the_filter_of_their_framework(network):
    parsed = parse_filters({"theme": ["public-spaces,capital-social,territory-rural"]}, network)
    assert parsed.filters.themes == ("public-spaces",)
    assert parsed.filters.lenses == ("capital-social",)
    assert parsed.filters.territories == ("territory-rural",)
    assert filters_to_params(parsed.filters) == {
        "theme": "public-spaces", "lens": "capital-social", "territory": "territory-rural"}


def test_unknown_values_are_reported_not_raised(network):
    parsed = parse_filters(
        {"city": ["atlantis,malmo"], "country": ["DE"], "theme": ["nope"], "status": ["lost"], "sort": ["weird"]},
        network)
    assert parsed.filters == ProjectFilters(cities=("malmo",))
    assert parsed.ignored == [("country", "DE"), ("city", "atlantis"), ("status", "lost"), ("theme", "nope"),
                              ("sort", "weird")]


def test_params_round_trip(network):
    filters = ProjectFilters(query="coeur", countries=("FR",), cities=("paris", "grenoble"), themes=("innovation",),
                             lenses=("sdg-11",), statuses=("planned",), territories=("territory-urban",), sort="city")
    params = filters_to_params(filters)
    assert params == {"q": "coeur", "country": "FR", "city": "paris,grenoble", "theme": "innovation",
                      "lens": "sdg-11", "status": "planned", "territory": "territory-urban", "sort": "city"}
    assert parse_filters({k: [v] for k, v in params.items()}, network).filters == filters
    assert filters_to_params(ProjectFilters()) == {}


def test_overlong_query_is_cut(network):
    assert len(parse_filters({"q": ["x" * 5000]}, network).filters.query) == 200


# --- sorting -------------------------------------------------------------------------------


def test_sort_by_title_ignores_accents_and_follows_language(network):
    fr = slugs_for(network, lang="fr", sort="title")
    assert fr[0] == "umea-gender-approach"  # "Approche par le genre…"
    assert fr[1] == "boras-frugal-rural-lifestyles"  # "Des modes de vie…"
    en = slugs_for(network, lang="en", sort="title")
    # 'A 2018 "break-away" territorial project' < "A strong circular-economy ambition" < "A town–countryside…"
    assert en[:3] == ["saint-brieuc-territorial-project-2018", "malmo-circular-economy",
                      "saint-brieuc-town-countryside-alliance"]


def test_sort_by_city_then_title(network):
    got = filter_projects(network, ProjectFilters(sort="city"), "en")
    assert list(got["city_name"]) == ["Borås", "Gothenburg", "Malmö", "Saint-Brieuc", "Saint-Brieuc",
                                      "Saint-Brieuc", "Umeå"]


def test_sort_by_start_date_latest_first_missing_last(engine):
    with write_session(engine) as session:
        session.query(Project).filter_by(slug="umea-gender-approach").one().start_date = dt.date(2017, 2, 1)
        session.query(Project).filter_by(slug="boras-frugal-rural-lifestyles").one().start_date = dt.date(2018, 1, 1)
    order = slugs_for(load_network(engine), sort="start")
    assert order[:2] == ["boras-frugal-rural-lifestyles", "umea-gender-approach"]
    assert len(order) == 7


def test_sort_by_recently_updated(engine):
    with write_session(engine) as session:
        session.query(Project).filter_by(slug="umea-gender-approach").one().summary = "Mis à jour."
    assert slugs_for(load_network(engine), sort="updated")[0] == "umea-gender-approach"


# --- the table and its CSV --------------------------------------------------------------------


def test_table_has_one_row_per_shown_project_with_headers_in_the_language(network):
    shown = filter_projects(network, ProjectFilters(cities=("umea",)), "sv")
    table = project_table(network, shown, "sv")
    assert list(table.columns) == ["Titel", "Stad", "Land", "Partnerstäder", "Teman", "Status", "Start", "Slut",
                                   "Uppdaterat"]
    assert list(table.index) == ["umea-gender-approach"]
    row = table.iloc[0]
    assert row["Titel"] == 'Genusperspektiv och "inkludering genom exkludering"'
    assert row["Land"] == "Sverige" and row["Status"] == "Pågående" and row["Stad"] == "Umeå"
    assert row["Teman"] == "Omgestaltning av offentliga rum: användning för alla och mångsidighet; Socialt; Urbant"


def test_csv_holds_exactly_the_rows_and_columns_shown_with_a_bom(network):
    shown = filter_projects(network, ProjectFilters(countries=("SE",), sort="title"), "fr")
    table = project_table(network, shown, "fr")
    data = table_csv(table, "fr")
    assert data.startswith(b"\xef\xbb\xbf")
    # Separated by ";", as French (and Swedish) Excel expects: with "," it opened as one column.
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(table.columns)
    assert rows[1:] == table.astype(str).values.tolist()
    assert len(rows) == 1 + 4
    assert "Umeå" in [r[1] for r in rows[1:]] and "Malmö" in [r[1] for r in rows[1:]]
    assert table_csv(table, "en").decode("utf-8-sig").splitlines()[0] == ",".join(table.columns)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("'quoted", "''quoted"),
        ("Économie = circulaire", "Économie = circulaire"),
        ("", ""),
    ],
)
def test_formula_guard(cell, safe):
    assert inert_cell(cell) == safe


def test_csv_neutralises_formulas_from_project_titles(engine):
    with write_session(engine) as session:
        session.query(Project).filter_by(slug="malmo-circular-economy").one().title = "=1+1 projet"
    network = load_network(engine)
    table = project_table(network, filter_projects(network, ProjectFilters(cities=("malmo",)), "fr"), "fr")
    rows = list(csv.reader(io.StringIO(table_csv(table, "en").decode("utf-8-sig"))))
    assert rows[1][0] == "'=1+1 projet"


def test_csv_file_name_says_whether_filtered():
    day = dt.date(2026, 1, 2)
    assert csv_file_name(ProjectFilters(), day) == "afus-projects-2026-01-02.csv"
    assert csv_file_name(ProjectFilters(cities=("malmo",)), day) == "afus-projects-filtered-2026-01-02.csv"


# --- options and descriptions ----------------------------------------------------------------


def test_filter_options_are_labelled_in_the_language(network):
    options = filter_options(network, "fr")
    assert options.countries == {"FR": "France", "SE": "Suède"}
    assert list(options.cities)[:3] == ["boras", "gothenburg", "grenoble"]
    assert options.statuses["ongoing"] == "En cours"
    assert options.territories == {"territory-urban": "Urbain", "territory-peri-urban": "Périurbain",
                                   "territory-rural": "Rural"}
    assert list(options.themes)[:5] == ["renovation-energy-efficiency", "innovation", "climate-equity",
                                        "citizen-participation", "sdg-indicators"]
    assert options.lenses["capital-social"] == "Capital de résilience: Social"
    assert options.lenses["sdg-11"] == "ODD: ODD 11"
    assert len(options.lenses) == 8 + 5 + 1


def test_describe_active_filters(network):
    options = filter_options(network, "en")
    filters = ProjectFilters(query="coeur", cities=("malmo", "umea"))
    assert filters.active() == ["q", "city"]
    assert describe_filter("q", filters, options, "en") == "Search: “coeur”"
    assert describe_filter("city", filters, options, "en") == "City: Malmö, Umeå"


# --- one project --------------------------------------------------------------------------------


def test_detail_in_english_uses_the_translation(network):
    detail = project_detail(network, "gothenburg-temporary-installation", "en")
    assert detail.title.text == "Temporary installation" and detail.title.translated
    assert detail.summary.text.startswith("Gothenburg: a temporary installation")
    assert detail.city.slug == "gothenburg" and detail.city.name == "Gothenburg"
    assert [t.slug for t in detail.themes] == ["public-spaces", "territory-urban"]
    assert detail.status == "ongoing" and detail.source_lang == "fr"


def test_detail_falls_back_to_the_source_when_untranslated(network):
    detail = project_detail(network, "saint-brieuc-town-countryside-alliance", "sv")
    assert detail.summary.fallback and detail.summary.lang == "fr"
    assert detail.source == "AAP Plan de paysages, Ministère de l'environnement, février 2017"


def test_detail_of_unknown_slug_is_none(network):
    assert project_detail(network, "does-not-exist", "en") is None
    assert project_detail(network, "", "en") is None
    assert project_detail(network, None, "en") is None


def test_links_accept_urls_and_labelled_mappings():
    links = project_links(["https://a.example", {"label": "Plan", "url": "javascript:alert(1)"}, {"url": ""}, 3])
    assert [(link.label, link.url) for link in links] == [
        ("https://a.example", "https://a.example"), ("Plan", "javascript:alert(1)"), ("3", "3")]
    assert project_links(None) == []
