from tests.apptest import all_text, run_page


def test_overview_runs_in_french(engine):
    at = run_page("pages/overview.py", lang="fr")
    assert not at.exception
    assert "Vue d'ensemble" in all_text(at)


def test_cities_page_switch(engine):
    at = run_page("pages/cities.py", lang="sv")
    assert not at.exception
    assert "Städer" in all_text(at)
