"""AppTest runs of /projects: URL parameters in, widget changes out, detail view, bad input, languages."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from afus.db import write_session
from afus.models import Project
from tests.apptest import all_text, as_read, run_page

PAGE = "pages/projects.py"


def table_of(at):
    assert len(at.dataframe) == 1, "the project table should be shown"
    return at.dataframe[0].value


def page_links(at) -> list[tuple[str, str, dict]]:
    """(label, page, query parameters) of every page link of the run."""
    out = []
    for link in at.get("page_link"):
        out.append((link.proto.label, link.proto.page, {k: v[0] for k, v in parse_qs(link.proto.query_string).items()}))
    return out


def no_error(at) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# --- the list, opened from a URL ------------------------------------------------------------


def test_list_shows_every_project_with_a_csv_download(engine):
    at = run_page(PAGE)
    no_error(at)
    table = table_of(at)
    assert len(table) == 7
    assert list(table.columns) == ["Title", "City", "Country", "Partner cities", "Themes", "Status", "Start", "End",
                                   "Updated"]
    assert "7 projects" in all_text(at)
    assert [b.label for b in at.get("download_button")] == ["Download these projects (CSV)"]
    # Besides selecting a row, a project of the list opens from its title (keyboard, phone).
    pick = at.selectbox(key="projects_open")
    assert pick.label == "Open a project of this list" and len(pick.options) == 7
    pick.select("malmo-circular-economy").run()
    no_error(at)
    assert at.query_params["project"] == "malmo-circular-economy"
    assert as_read(at.title[0].value) == "A strong circular-economy ambition"


@pytest.mark.parametrize(
    ("query", "cities"),
    [
        ("Umea", ["Umeå"]),
        ("Goteborg", ["Gothenburg"]),
        ("Göteborg", ["Gothenburg"]),
        ("economie circulaire", ["Malmö", "Saint-Brieuc"]),
        ("ÉCONOMIE circulaire", ["Malmö", "Saint-Brieuc"]),
    ],
)
def test_search_from_the_url_ignores_case_accents_and_uses_aliases(engine, query, cities):
    at = run_page(PAGE, q=query, sort="city")
    no_error(at)
    assert list(table_of(at)["City"]) == cities
    assert at.text_input(key="projects_q").value == query
    assert f"{len(cities)} of 7 projects" in all_text(at)


def test_url_restores_several_filters_and_the_sort(engine):
    at = run_page(PAGE, city="malmo,umea", sort="title", status="ongoing")
    no_error(at)
    assert at.multiselect(key="projects_city").value == ["malmo", "umea"]
    assert at.multiselect(key="projects_status").value == ["ongoing"]
    assert at.selectbox(key="projects_sort").value == "title"
    assert list(table_of(at)["City"]) == ["Malmö", "Umeå"]  # "A strong…" before "Gender…"


def test_repeated_keys_work_like_commas(engine):
    at = run_page(PAGE, city=["malmo", "umea"])
    no_error(at)
    assert at.multiselect(key="projects_city").value == ["malmo", "umea"]
    assert len(table_of(at)) == 2


def test_theme_link_from_the_themes_page_lands_in_the_right_filter(engine):
    at = run_page(PAGE, theme="public-spaces")
    no_error(at)
    assert at.multiselect(key="projects_theme").value == ["public-spaces"]
    assert set(table_of(at)["City"]) == {"Saint-Brieuc", "Gothenburg", "Umeå"}

    at = run_page(PAGE, theme="capital-social")  # a resilience capital: the lens filter
    no_error(at)
    assert at.multiselect(key="projects_lens").value == ["capital-social"]
    assert at.multiselect(key="projects_theme").value == []
    assert set(table_of(at)["City"]) == {"Saint-Brieuc", "Umeå"}


def test_bad_values_are_ignored_with_a_clear_note(engine):
    at = run_page(PAGE, city="atlantis", country="DE", sort="sideways", status="<b>x</b>")
    no_error(at)
    assert len(table_of(at)) == 7
    [warning] = at.warning
    assert "were not recognised" in warning.value
    for shown in ("city=atlantis", "country=DE", "sort=sideways"):
        assert shown in warning.value
    assert "<b>" not in warning.value  # user text is escaped, never HTML
    assert "\\<b\\>x\\</b\\>" in warning.value


def test_french_interface(engine):
    at = run_page(PAGE, lang="fr", q="Umea")
    no_error(at)
    assert at.title[0].value == "Projets"
    table = table_of(at)
    assert list(table.columns)[:3] == ["Titre", "Ville", "Pays"]
    assert table.iloc[0]["Titre"] == "Approche par le genre et « inclusion par l'exclusion »"
    assert table.iloc[0]["Statut"] == "En cours" and table.iloc[0]["Pays"] == "Suède"
    assert at.text_input(key="projects_q").label == "Rechercher"
    assert at.text_input(key="projects_q").help.startswith("Les résultats suivent la saisie (ou appuyez sur Entrée).")  # not Streamlit's English hint
    assert [b.label for b in at.get("download_button")] == ["Télécharger ces projets (CSV)"]
    assert at.dataframe[0].proto.alt == "Projets trouvés"  # the table's name for a screen reader


def test_swedish_interface(engine):
    at = run_page(PAGE, lang="sv", city="gothenburg")
    no_error(at)
    assert at.title[0].value == "Projekt"
    assert table_of(at).iloc[0]["Titel"] == "Tillfällig installation"
    assert at.multiselect(key="projects_city").label == "Stad"
    assert at.dataframe[0].proto.alt == "Hittade projekt"


# --- widgets write the URL ------------------------------------------------------------------


def test_typing_a_search_writes_q_and_keeps_the_language(engine):
    at = run_page(PAGE, lang="fr")
    at.text_input(key="projects_q").input("economie circulaire").run()
    no_error(at)
    assert at.query_params["q"] == "economie circulaire"
    assert at.query_params["lang"] == "fr"
    assert len(table_of(at)) == 2


def test_choosing_filters_and_sort_writes_them_to_the_url(engine):
    at = run_page(PAGE)
    # A filter change draws the result alone, and AppTest then holds only what was drawn:
    # each step runs the page again (as opening its URL would) to reach the next filter.
    at.multiselect(key="projects_country").select("SE").run().run()
    assert at.query_params["country"] == "SE"
    at.multiselect(key="projects_city").select("umea").select("malmo").run().run()
    no_error(at)
    assert at.query_params["city"] == "umea,malmo"
    at.selectbox(key="projects_sort").select("city").run().run()
    assert at.query_params["sort"] == "city"
    assert list(table_of(at)["City"]) == ["Malmö", "Umeå"]
    at.multiselect(key="projects_lens").select("capital-social").run()
    assert at.query_params["lens"] == "capital-social"
    assert list(table_of(at)["City"]) == ["Umeå"]


def test_clear_button_empties_filters_and_url(engine):
    at = run_page(PAGE, q="Umea", city="umea", sort="title")
    at.button(key="projects_clear").click().run()
    no_error(at)
    assert "q" not in at.query_params and "city" not in at.query_params
    assert at.query_params.get("sort") == "title"  # the order is not a filter
    assert at.text_input(key="projects_q").value == ""
    assert len(table_of(at)) == 7


def test_a_new_url_overrides_what_the_widgets_held(engine):
    at = run_page(PAGE, q="Umea")
    assert len(table_of(at)) == 1
    at.query_params["q"] = "Goteborg"
    at.run()
    assert at.text_input(key="projects_q").value == "Goteborg"
    assert list(table_of(at)["City"]) == ["Gothenburg"]


# --- empty results ----------------------------------------------------------------------------


def test_empty_result_says_why_and_offers_to_widen(engine):
    at = run_page(PAGE, q="Goteborg", country="FR")
    no_error(at)
    assert not at.dataframe
    assert not at.get("download_button")
    [warning] = at.warning
    assert "No project matches all of these at once" in warning.value
    assert "Search\\: “Goteborg”" in warning.value and "Country\\: France" in warning.value
    labels = {b.key: b.label for b in at.button}
    assert labels["projects_remove_country"] == "Remove Country\\: France \\(1 project\\)"
    assert labels["projects_remove_q"] == "Remove Search\\: “Goteborg” \\(3 projects\\)"
    at.button(key="projects_remove_country").click().run()
    no_error(at)
    assert "country" not in at.query_params and at.query_params["q"] == "Goteborg"
    assert list(table_of(at)["City"]) == ["Gothenburg"]


def test_empty_store_says_there_is_nothing_yet(empty_engine):
    at = run_page(PAGE)
    no_error(at)
    assert "There are no projects in the network yet." in [i.value for i in at.info]


# --- one project --------------------------------------------------------------------------------


def test_project_detail_in_swedish(engine):
    at = run_page(PAGE, project="umea-gender-approach", lang="sv")
    no_error(at)
    assert at.title[0].value == 'Genusperspektiv och "inkludering genom exkludering"'
    text = all_text(at)
    assert "Umeå\\: ett genusperspektiv" in text
    assert "Översättning; originalet är på franska." in text
    assert "Pågående" in text
    assert "Inga datum angivna" in text
    links = page_links(at)
    assert ("Umeå \\(Sverige\\)", "cities", {"city": "umea"}) in links
    assert at.button(key="projects_more_in_city").label == "Andra projekt i Umeå"
    themes = [(label, params) for label, page, params in links if page == "themes"]
    assert [params["theme"] for _, params in themes] == ["public-spaces", "capital-social", "territory-urban"]
    assert themes[1][0] == "Resiliensens fem kapital — Socialt"


def test_project_detail_says_when_it_falls_back_to_the_original(engine):
    # Saint-Brieuc's town–countryside project has no Swedish translation.
    at = run_page(PAGE, project="saint-brieuc-town-countryside-alliance", lang="sv")
    no_error(at)
    assert at.title[0].value == "Une alliance ville campagne par l'agriculture de proximité et le paysage"
    text = all_text(at)
    assert "Visas på originalspråket (FR): ingen översättning ännu." in text
    assert "AAP Plan de paysages, Ministère de l'environnement, février 2017" in text


def test_project_detail_dates_follow_the_locale(engine):
    import datetime as dt

    with write_session(engine) as session:
        session.query(Project).filter_by(slug="malmo-circular-economy").one().start_date = dt.date(2017, 2, 1)
    assert "Début : 1 février 2017" in all_text(run_page(PAGE, project="malmo-circular-economy", lang="fr"))
    assert "Start: 1 februari 2017" in all_text(run_page(PAGE, project="malmo-circular-economy", lang="sv"))
    assert "Start: 1 February 2017" in all_text(run_page(PAGE, project="malmo-circular-economy", lang="en"))


def test_unknown_project_is_a_friendly_not_found(engine):
    at = run_page(PAGE, project="no-such-project", lang="fr")
    assert not at.exception
    [warning] = at.warning
    assert "Introuvable" in warning.value and "no\\-such\\-project" in warning.value
    assert ("Retour à Projets", "projects", {}) in page_links(at)


def test_selecting_a_row_opens_the_project(engine):
    at = run_page(PAGE, city="gothenburg")
    at.session_state["projects_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    no_error(at)
    assert at.query_params["project"] == "gothenburg-temporary-installation"
    assert at.title[0].value == "Temporary installation"
    # the way back keeps the list's filters
    at.button(key="projects_back").click().run()
    no_error(at)
    assert "project" not in at.query_params and at.query_params["city"] == "gothenburg"
    assert list(table_of(at)["City"]) == ["Gothenburg"]


def test_other_projects_in_the_city_lists_them(engine):
    at = run_page(PAGE, project="saint-brieuc-place-de-la-grille", q="grille")
    at.button(key="projects_more_in_city").click().run()
    no_error(at)
    assert "project" not in at.query_params and "q" not in at.query_params
    assert at.query_params["city"] == "saint-brieuc"
    assert at.multiselect(key="projects_city").value == ["saint-brieuc"]
    assert len(table_of(at)) == 3


def test_user_text_is_never_html_or_a_live_link(engine):
    with write_session(engine) as session:
        project = session.query(Project).filter_by(slug="malmo-circular-economy").one()
        project.lang = "en"
        project.title = "<script>alert(1)</script> **bold**"
        project.summary = "[click me](javascript:alert(1)) <img src=x onerror=alert(1)>"
        project.links = ["javascript:alert(2)", {"label": "Programme", "url": "https://example.org/p"}]
        project.contact_name = "<b>Ann</b>"
    at = run_page(PAGE, project="malmo-circular-economy")
    no_error(at)
    assert at.title[0].value == "\\<script\\>alert\\(1\\)\\</script\\> \\*\\*bold\\*\\*"
    text = all_text(at)
    assert "\\[click me\\]\\(javascript\\:alert\\(1\\)\\) \\<img src=x onerror=alert\\(1\\)\\>" in text
    assert "\\<b\\>Ann\\</b\\>" in text
    assert "javascript\\:alert\\(2\\)" in text  # shown inert
    buttons = at.get("link_button")
    assert [(b.proto.label, b.proto.url) for b in buttons] == [("Programme", "https://example.org/p")]
    assert all(not md.proto.allow_html for md in at.markdown)


# --- a long result: one page of rows at a time --------------------------------------------


def test_a_long_result_is_shown_a_page_at_a_time(db_url):
    from benchmarks.scale import build_scale_store

    build_scale_store(db_url, cities=200, projects=450)
    at = run_page(PAGE)
    no_error(at)
    assert len(table_of(at)) == 200
    assert "Rows 1–200 of 450." in all_text(at)
    at.number_input(key="projects_page").set_value(3).run()
    no_error(at)
    assert len(table_of(at)) == 50
    assert "Rows 401–450 of 450." in all_text(at)
    # Another sort (any change of the list) starts again at the first page.
    at.selectbox(key="projects_sort").set_value("title").run()
    no_error(at)
    assert at.number_input(key="projects_page").value == 1
    assert "Rows 1–200 of 450." in all_text(at)


def test_a_search_for_a_member_city_without_projects_points_to_its_profile(engine):
    at = run_page(PAGE, q="Grenoble", lang="fr")
    no_error(at)
    links = [(as_read(link.proto.label), link.proto.query_string) for link in at.get("page_link")]
    assert ("Grenoble est une ville membre : voir sa fiche", "city=grenoble") in links, links
