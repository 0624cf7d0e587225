"""The cities page: directory with search and country filter, and ``?city=<slug>`` profiles."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from afus import db
from afus.i18n import t
from afus.models import City
from afus.ui import escape_markdown
from tests.apptest import all_text, as_read, map_charts, map_cities, run_page
from tests.stores import add_french_cities

PAGE = "pages/cities.py"


def page_links(at) -> list[tuple[str, str, str]]:
    """(URL path, label, query string) of every page link."""
    return [(el.proto.page, el.proto.label, el.proto.query_string) for el in at.get("page_link")]


def city_cards(at) -> list[str]:
    """Slugs of the cities listed in the directory, in order."""
    return [q.removeprefix("city=") for page, _, q in page_links(at) if page == "cities" and q.startswith("city=")]


def test_directory_lists_every_member_with_population_per_locale(engine):
    at = run_page(PAGE)
    assert not at.exception
    assert city_cards(at) == [
        "boras", "gothenburg", "grenoble", "la-rochelle", "linkoping",
        "malmo", "paris", "saint-brieuc", "strasbourg", "umea",
    ]  # fmt: skip
    text = all_text(at)
    assert "10 of 10 member cities" in text
    assert escape_markdown("France · 52,774 inhabitants · ongoing projects: 3") in text
    fr = all_text(run_page(PAGE, lang="fr"))
    assert escape_markdown("France · 52\u202f774 habitants · projets en cours : 3") in fr
    sv = all_text(run_page(PAGE, lang="sv"))
    assert escape_markdown("Frankrike · 52\u00a0774 invånare · pågående projekt: 3") in sv


def test_search_from_the_url_ignores_accents_and_uses_aliases(engine):
    assert city_cards(run_page(PAGE, q="Goteborg")) == ["gothenburg"]
    assert city_cards(run_page(PAGE, q="Umea")) == ["umea"]
    at = run_page(PAGE, q="st brieuc")
    assert city_cards(at) == ["saint-brieuc"]
    assert at.text_input(key="cities_q").value == "st brieuc"


def test_the_search_box_says_how_to_search_in_the_readers_language(engine):
    # Streamlit's own hint under a box ("Press Enter to apply") is English only, and hidden.
    assert run_page(PAGE, lang="fr").text_input(key="cities_q").help == "Les résultats suivent la saisie (ou appuyez sur Entrée). Majuscules et accents sont ignorés."
    assert run_page(PAGE, lang="sv").text_input(key="cities_q").help.startswith("Resultaten följer det du skriver")


def test_search_box_and_country_filter_write_the_url(engine):
    at = run_page(PAGE)
    at.text_input(key="cities_q").input("malmö").run()
    assert at.query_params["q"] == "malmö"
    assert city_cards(at) == ["malmo"]
    at.text_input(key="cities_q").input("").run()
    assert "q" not in at.query_params
    at.selectbox(key="cities_country").set_value("SE").run()
    assert at.query_params["country"] == "SE"
    assert city_cards(at) == ["boras", "gothenburg", "linkoping", "malmo", "umea"]


def test_no_match_explains_how_to_widen(engine):
    at = run_page(PAGE, q="Umea", country="FR")
    assert not at.exception
    assert city_cards(at) == []
    message = " ".join(i.value for i in at.info)
    assert "No member city matches" in message and "Umea" in message and "All countries" in message


def test_bad_country_in_url_shows_all_countries(engine):
    at = run_page(PAGE, country="DE")
    assert not at.exception
    assert len(city_cards(at)) == 10
    assert "not a member country" in all_text(at)


def test_saint_brieuc_profile_in_french(engine):
    at = run_page(PAGE, city="saint-brieuc", lang="fr")
    assert not at.exception
    assert at.title[0].value == "Saint\\-Brieuc"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Population": "52\u202f774", "Projets en cours": "3", "Thèmes proposés": "4", "Thèmes recherchés": "3"}
    headers = [h.value for h in at.header]
    assert headers == ["Ce qu'elle propose", "Ce qu'elle recherche", "Partenaires", "Événements accueillis"]
    links = page_links(at)
    themes = [q for page, _, q in links if page == "themes"]
    # The link to its balance, then offers (4 themes), then seeks (3 tracks).
    assert themes == [
        "city=saint-brieuc",
        "theme=citizen-participation", "theme=public-spaces", "theme=rural-development", "theme=centre-renovation",
        "theme=public-spaces", "theme=rural-development", "theme=centre-renovation",
    ]  # fmt: skip
    projects = [q for page, _, q in links if page == "projects"]
    assert "project=saint-brieuc-place-de-la-grille" in projects
    assert "city=saint-brieuc" in projects
    assert ("peers", escape_markdown("Trouver des villes pairs pour Saint-Brieuc"), "city=saint-brieuc") in links
    text = all_text(at)
    assert "Pour Saint\\-Brieuc et son agglomération, 3 pistes" in text
    assert "Aucune ville partenaire n'est encore enregistrée" in text
    assert "Affiché dans sa langue d'origine" not in text  # the profile is written in French


def test_profile_in_english_notes_the_untranslated_text(engine):
    at = run_page(PAGE, city="saint-brieuc")
    assert "Shown in its original language (FR): no translation yet." in all_text(at)


def test_profile_map_focuses_the_city(engine):
    at = run_page(PAGE, city="umea", lang="sv")
    [(alt, option)] = map_charts(at).items()
    cities = map_cities(option)
    assert cities["Umeå"]["country"] == "Sverige" and cities["Umeå"]["size"] > cities["Malmö"]["size"]
    assert cities["Malmö"]["faded"] and not cities["Umeå"]["faded"]
    assert "Karta som visar Umeå" in alt


def test_gothenburg_lists_the_event_it_hosted(engine):
    at = run_page(PAGE, city="gothenburg")
    assert "17 November 2017 — Partnership" in all_text(at)


def test_city_with_nothing_recorded_explains_instead_of_blanks(engine):
    at = run_page(PAGE, city="paris")
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any(i.startswith("Nothing is recorded for Paris yet") for i in infos)
    assert any("No ongoing project is recorded for Paris" in i for i in infos)
    assert any("Paris has not declared any theme" in i for i in infos)


def test_unknown_city_is_a_friendly_not_found(engine):
    at = run_page(PAGE, city="atlantis", lang="fr")
    assert not at.exception
    assert "Introuvable" in at.warning[0].value and "atlantis" in at.warning[0].value
    assert ("cities", "Retour à Villes", "") in page_links(at)
    assert len(city_cards(at)) == 10  # the directory is still there to pick from


def test_selector_and_url_stay_in_sync(engine):
    at = run_page(PAGE, city="malmo")
    assert at.selectbox(key="cities_city").value == "malmo"
    at.selectbox(key="cities_city").set_value("umea").run()
    assert at.query_params["city"] == "umea"
    assert at.title[0].value == "Umeå"
    at.selectbox(key="cities_city").set_value("").run()
    assert "city" not in at.query_params
    assert at.title[0].value == "Cities"


def test_hostile_city_name_is_shown_as_text(engine):
    with db.write_session(engine) as session:
        session.execute(update(City).where(City.slug == "paris").values(name="**Paris** <img src=x onerror=alert(1)>"))
    at = run_page(PAGE, city="paris")
    assert not at.exception
    assert at.title[0].value == escape_markdown("**Paris** <img src=x onerror=alert(1)>")


def test_long_offer_lists_are_cut_with_a_link_to_all(engine):
    from afus.models import Project, Theme

    with db.write_session(engine) as session:
        city = session.query(City).filter_by(slug="saint-brieuc").one()
        theme = session.query(Theme).filter_by(slug="public-spaces").one()
        for i in range(7):
            session.add(Project(slug=f"sb-extra-{i}", city=city, title=f"Extra {i}", lang="fr", status="ongoing", themes=[theme]))
    at = run_page(PAGE, city="saint-brieuc")
    assert not at.exception
    links = page_links(at)
    on_public_spaces = [q for page, _, q in links if page == "projects" and q.startswith("project=")]
    assert len(on_public_spaces) == 3 + 5  # 3 single-project themes, then the first 5 of 8
    assert ("projects", escape_markdown("All 8 projects of Saint-Brieuc on this theme"), "city=saint-brieuc&theme=public-spaces") in links


def test_a_projects_notes_share_one_caption_under_its_link(engine):
    """The untranslated-title notice and the project's other tags: one caption, a line each (fewer elements to draw)."""
    at = run_page(PAGE, city="saint-brieuc", lang="sv")  # French titles, no Swedish translation
    captions = [c.value.replace("\\", "") for c in at.caption]  # as shown: without markdown escapes
    notice = "Visas på originalspråket (FR): ingen översättning ännu."
    assert len([c for c in captions if c.startswith(notice + "  \nÄven märkt: ")]) == 3, captions


@pytest.mark.parametrize("written", ["Malmö", "MALMO", "malmo"])
def test_a_link_may_name_the_city_as_people_write_it(engine, written):
    at = run_page(PAGE, city=written)
    assert not at.exception
    assert at.query_params["city"] == "malmo"  # the address then says the city's slug
    assert as_read(at.title[0].value) == "Malmö"


def test_other_pages_read_city_names_in_links_too(engine):
    peers = run_page("pages/peers.py", city="Saint-Brieuc", **{"with": "Goteborg"})
    assert (peers.query_params["city"], peers.query_params["with"]) == ("saint-brieuc", "gothenburg")
    projects = run_page("pages/projects.py", city="Umeå,St Brieuc")
    assert projects.query_params["city"] == "umea,saint-brieuc"


@pytest.mark.parametrize("lang", ["en", "fr", "sv"])
def test_a_long_directory_is_one_table_where_a_row_opens_its_city(engine, db_url, lang):
    add_french_cities(db_url, 3)  # 13 cities: one more than the cards
    at = run_page(PAGE, lang=lang)
    assert not at.exception
    assert city_cards(at) == []  # no cards: each would cost every search and country change
    [table] = at.dataframe
    assert len(table.value) == 13 and table.value.iloc[0, 0] == "Borås"
    name = {"en": "Member cities found", "fr": "Villes membres trouvées", "sv": "Hittade medlemsstäder"}[lang]
    assert table.proto.alt == name  # the table's name for a screen reader
    # Populations stay numbers (sorted as such), written with the reader's digit grouping.
    population = json.loads(table.proto.columns)[t("browse.col.population", lang)]
    assert population["type_config"]["format"] == "localized" and table.value.iloc[0, 2] == 71700
    hint = {"en": "Select a row to open that city's profile", "fr": "Sélectionnez une ligne", "sv": "Markera en rad"}[lang]
    assert hint in all_text(at)
    # Narrowed to a dozen or fewer, the cities are cards again (the browser test opens a row).
    at.selectbox(key="cities_country").set_value("SE").run()
    assert city_cards(at) == ["boras", "gothenburg", "linkoping", "malmo", "umea"] and not at.dataframe
