"""One-page PDFs read back with pypdf: one page, the city's profile, offers, seeks, projects, peers, contacts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from afus.network import load_network
from afus.onepager import city_onepager, network_onepager
from tests import seminar_data

TODAY = dt.date(2026, 11, 21)
MEMBERS = ["boras", "gothenburg", "linkoping", "malmo", "umea", "grenoble", "la-rochelle", "paris", "saint-brieuc", "strasbourg"]


def _read(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(reader.pages[0].extract_text().split())


def _fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]) for font in fonts.values()}


def test_city_one_pager_holds_profile_offers_seeks_projects_peers_and_contacts(engine):
    pages, text = _read(city_onepager(load_network(engine), "saint-brieuc", "fr", TODAY))
    assert pages == 1
    for expected in (
        "Saint-Brieuc",
        "France · 52 774 habitants",
        "Profil",
        "Membre français de l'AFUS",
        "Propose (projets en cours)",
        "Souhaite en savoir plus sur",
        "Projets en cours",
        "Expérimentation place de la Grille",
        "Villes pairs les plus proches",
        "Malmö (Suède)",
        "Contacts",
        "Aucun contact enregistré pour l'instant.",
        "Généré le 21 novembre 2026",
    ):
        assert expected in text.replace("\u202f", " "), expected


def test_best_peers_are_the_peer_finders_first_three_with_a_reason(engine):
    _, text = _read(city_onepager(load_network(engine), "saint-brieuc", "en", TODAY))
    peers = text.split("Best-matched peers", 1)[1].split("Contacts", 1)[0]
    assert peers.index("Malmö (Sweden)") < peers.index("Borås (Sweden)") < peers.index("Umeå (Sweden)")
    assert "Saint-Brieuc wants to learn about" in peers


def test_contacts_of_the_city_and_its_projects_are_listed(engine):
    seminar_data.touch_city(
        engine, "umea", dt.datetime(2026, 1, 1), contact_name="Åsa Lindström", contact_email="asa@umea.example"
    )
    seminar_data.add_project(
        engine, "umea-park", "umea", "Parc d'hiver", contact_name="Per Öberg", contact_email="per@umea.example"
    )
    pages, text = _read(city_onepager(load_network(engine), "umea", "sv", TODAY))
    assert pages == 1
    assert "Åsa Lindström · asa@umea.example" in text
    assert "Per Öberg · per@umea.example (Parc d'hiver)" in text
    assert "Kontakter" in text


def test_theme_lines_name_their_framework_with_one_colon(engine):
    _, text = _read(city_onepager(load_network(engine), "boras", "fr", TODAY))
    assert "L'Alliance des territoires : " in text
    assert "8 recommandations :" not in text  # the framework's headline, not "… : 8 recommandations : …"


def test_a_unicode_font_is_embedded(engine):
    data = city_onepager(load_network(engine), "umea", "sv", TODAY)
    assert any("DejaVu" in name for name in _fonts(data))
    _, text = _read(data)
    assert "Umeå" in text and "Sverige" in text


@pytest.mark.parametrize("lang", ["en", "fr", "sv"])
def test_every_member_city_fits_on_one_page(engine, lang):
    network = load_network(engine)
    for slug in MEMBERS:
        pages, text = _read(city_onepager(network, slug, lang, TODAY))
        assert pages == 1, slug
        assert network.city_by_slug(slug)["name"] in text


def test_a_city_with_too_much_to_say_is_cut_not_spread_over_two_pages(engine):
    for n in range(25):
        seminar_data.add_project(
            engine,
            f"malmo-extra-{n}",
            "malmo",
            f"Projet supplémentaire numéro {n}",
            summary="Une description volontairement longue. " * 12,
            themes=("public-spaces",),
        )
    pages, text = _read(city_onepager(load_network(engine), "malmo", "fr", TODAY))
    assert pages == 1
    assert "…" in text
    assert "Généré le" in text  # the footer is still there


def test_unknown_city_is_a_key_error(engine):
    with pytest.raises(KeyError):
        city_onepager(load_network(engine), "atlantis", "en", TODAY)


def test_network_one_pager_lists_members_themes_projects_pairings_and_upcoming_events(engine):
    seminar_data.add_event(
        engine, "seminar-2027-malmo", start=dt.date(2027, 5, 10), host="malmo",
        translations={"en": {"title": "AFUS annual seminar 2027"}},
    )  # fmt: skip
    pages, text = _read(network_onepager(load_network(engine), "en", TODAY))
    assert pages == 1
    for expected in (
        "French–Swedish Alliance for sustainable urban development",
        "France: Grenoble, La Rochelle, Paris, Saint-Brieuc, Strasbourg",
        "Sweden: Borås, Gothenburg, Linköping, Malmö, Umeå",
        "Themes and who works on them",
        "Redesign of public spaces",
        "Proposed French–Swedish pairings",
        "Saint-Brieuc and Malmö",
        "Upcoming events",
        "10 May 2027 — AFUS annual seminar 2027",
    ):
        assert expected in text, expected
    # the 2017 partnership is past: not under upcoming events
    assert "Signing of the French–Swedish strategic partnership" not in text


def test_network_one_pager_of_an_empty_store(empty_engine):
    pages, text = _read(network_onepager(load_network(empty_engine), "fr", TODAY))
    assert pages == 1
    assert "Aucun binôme ne peut encore être proposé" in text
