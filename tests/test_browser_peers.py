"""The peer finder in headless Chromium: pick a city, open a reason's project, compare, download the pairings."""

from __future__ import annotations

import csv
import io
import re

import pytest

from afus import db
from tests.browser_support import address_has, choose, follow, goto, main_text, query_params, url_path, wait_for_app, widget
from tests.peer_data import every_other_member_seeks

pytestmark = pytest.mark.browser

ERROR_BANNER = "This app has encountered an error"

def assert_healthy(page) -> None:  # noqa: ANN001
    """No traceback, no error banner, no JavaScript error, nothing fetched from the internet."""
    assert page.locator("[data-testid='stException']").count() == 0, main_text(page)[:2000]
    assert ERROR_BANNER not in page.locator("body").inner_text()
    assert page.page_errors == []
    assert page.blocked_requests == [], "the app must work offline"


def main_link(page, label: str):  # noqa: ANN001, ANN201
    """A link in the main area whose text ends with ``label`` (after its icon)."""
    return page.locator("[data-testid='stMain'] a").filter(has_text=re.compile(rf"{re.escape(label)}\s*$")).first


def card_titles(page) -> list[str]:  # noqa: ANN001
    return [t.strip() for t in page.locator("[class*='st-key-peers_card_'] h3").all_inner_texts()]


def test_pick_a_city_open_a_project_compare_and_download_the_pairings(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/peers")
    assert "Choose your city" in main_text(page)

    # 1. Pick a city: the URL follows, the peers are ranked with their reasons.
    choose(page, "peers_city", "Saint-Brieuc", typed="Saint")
    assert query_params(page).get("city") == "saint-brieuc"
    assert card_titles(page) == ["Malmö", "Borås", "Umeå", "Gothenburg"]
    text = main_text(page)
    assert "Saint-Brieuc wants to learn about “Redesign of public spaces: uses for all and versatility”, which Gothenburg works on." in text
    assert_healthy(page)

    # 2. Open the project behind a reason.
    follow(page, main_link(page, "Temporary installation — Gothenburg (Ongoing)"), address_has("/projects"))
    assert url_path(page) == "/projects"
    assert query_params(page).get("project") == "gothenburg-temporary-installation"
    assert "Temporary installation" in main_text(page)
    assert_healthy(page)

    # 3. Back to the peers, compare Saint-Brieuc and Umeå side by side.
    goto(page, app_server, "/peers", city="saint-brieuc")
    compare = widget(page, "peers_card_umea").get_by_role("link", name=re.compile("Compare side by side"))
    follow(page, compare, address_has("/peers", city="saint-brieuc", **{"with": "umea"}))
    params = query_params(page)
    assert (params.get("city"), params.get("with")) == ("saint-brieuc", "umea")
    text = main_text(page)
    assert "Saint-Brieuc and Umeå side by side" in text
    assert "Gender approach and \"inclusion through exclusion\"" in text
    assert_healthy(page)

    # 4. Open the whole network (closed until asked for), then the seminar pairings, and download them.
    assert page.locator("[data-testid='stMain'] .stEChartsChart").count() == 0
    widget(page, "peers_network").locator("summary").click()
    wait_for_app(page)
    assert query_params(page).get("section") == "network"
    page.locator("[data-testid='stMain'] .stEChartsChart").first.wait_for()
    page.get_by_role("tab", name="Seminar pairings").click()
    wait_for_app(page)
    assert query_params(page).get("section") == "pairings"
    with page.expect_download() as info:
        widget(page, "peers_pairings_csv").locator("button").click()
    download = info.value
    assert download.suggested_filename == "afus-seminar-pairings.csv"
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read Umeå and Malmö correctly
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 5
    assert (rows[0]["French city"], rows[0]["Swedish city"]) == ("Saint-Brieuc", "Malmö")
    assert "Saint-Brieuc wants to learn about" in rows[0]["Reasons"]
    assert {r["French city"] for r in rows} == {"Grenoble", "La Rochelle", "Paris", "Saint-Brieuc", "Strasbourg"}
    assert_healthy(page)


def test_the_comparison_opens_on_request_follows_the_city_and_closing_it_forgets_the_second(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/peers", city="saint-brieuc")
    assert widget(page, "peers_with").count() == 0  # closed: its box of every other city is not drawn
    widget(page, "peers_compare").locator("summary").click()
    widget(page, "peers_with").wait_for()
    wait_for_app(page)
    choose(page, "peers_with", "Umeå", typed="Ume")
    assert address_has("/peers", city="saint-brieuc", **{"with": "umea"})(page.url)
    assert "Saint-Brieuc and Umeå side by side" in main_text(page)

    # Another city redraws the result alone (the comparison and the cards), the box above as chosen.
    choose(page, "peers_city", "Malmö", typed="Malm")
    page.wait_for_function("() => new URLSearchParams(location.search).get('city') === 'malmo'")
    wait_for_app(page)
    assert query_params(page).get("with") == "umea"
    assert "Malmö and Umeå side by side" in main_text(page)
    assert card_titles(page) == ["Saint-Brieuc", "Gothenburg", "Umeå"]
    assert widget(page, "peers_city").get_by_role("combobox").input_value() == "Malmö"
    assert_healthy(page)

    # Closing the comparison takes the second city out of the address.
    widget(page, "peers_compare").locator("summary").click()
    page.wait_for_function("() => !new URLSearchParams(location.search).has('with')")
    wait_for_app(page)
    assert "Malmö and Umeå side by side" not in main_text(page)
    assert card_titles(page) == ["Saint-Brieuc", "Gothenburg", "Umeå"]
    assert_healthy(page)


def test_shared_link_restores_the_comparison(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/peers", city="saint-brieuc", **{"with": "malmo"})
    text = main_text(page)
    assert "Saint-Brieuc and Malmö side by side" in text
    assert "Best-matched cities for Saint-Brieuc" in text
    assert widget(page, "peers_city").get_by_role("combobox").input_value() == "Saint-Brieuc"
    assert widget(page, "peers_with").get_by_role("combobox").input_value() == "Malmö"
    assert_healthy(page)


def test_shared_link_in_french(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/peers", city="saint-brieuc", lang="fr", **{"with": "malmo"})
    text = main_text(page)
    assert "Saint-Brieuc et Malmö côte à côte" in text
    assert "Villes les mieux assorties à Saint-Brieuc" in text
    assert_healthy(page)


def test_peer_finder_in_french_from_the_navigation(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/", lang="fr")
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Villes pairs").click()
    wait_for_app(page)
    assert url_path(page) == "/peers"
    choose(page, "peers_city", "Saint-Brieuc", typed="Saint")
    text = main_text(page)
    assert "Villes les mieux assorties à Saint-Brieuc" in text
    assert "Saint-Brieuc veut en savoir plus sur «\u00a0La priorité à la rénovation des centres" in text
    assert query_params(page).get("lang") == "fr"
    assert_healthy(page)


def test_a_city_with_no_data_gets_suggestions(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/peers", city="grenoble")
    text = main_text(page)
    assert "Grenoble has no projects and no declared themes yet" in text
    follow(page, main_link(page, "Peers of Saint-Brieuc"), address_has("/peers", city="saint-brieuc"))
    assert query_params(page).get("city") == "saint-brieuc"
    assert card_titles(page)[0] == "Malmö"


def test_the_filters_narrow_the_ranking_alone_and_write_the_url(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/peers", city="malmo", **{"with": "umea"})
    assert card_titles(page) == ["Saint-Brieuc", "Gothenburg", "Umeå"]
    comparison = "Malmö and Umeå side by side"
    assert comparison in main_text(page)

    # The toggle keeps French cities only; the comparison above stays as it was.
    follow(page, widget(page, "peers_other").locator("label").first, address_has("/peers", city="malmo", other="1"))
    assert card_titles(page) == ["Saint-Brieuc"]
    assert comparison in main_text(page)

    # A theme: the ranking on that theme alone, in the address too; a shared link restores it.
    goto(page, app_server, "/peers", city="saint-brieuc")
    choose(page, "peers_theme", "Redesign of public spaces: uses for all and versatility", typed="Redesign")
    assert address_has("/peers", city="saint-brieuc", theme="public-spaces")(page.url)
    assert card_titles(page) == ["Gothenburg", "Umeå"]
    goto(page, app_server, "/peers", city="saint-brieuc", theme="public-spaces")
    assert card_titles(page) == ["Gothenburg", "Umeå"]
    assert_healthy(page)


def test_show_more_keeps_the_keyboard_on_its_button_and_the_address_says_it(private_app_server, page) -> None:  # noqa: ANN001
    """Every member wants to learn about public spaces: Gothenburg has nine peers, five cards first."""
    engine = db.make_engine(private_app_server.database_url)
    every_other_member_seeks(engine, "public-spaces", "gothenburg")
    engine.dispose()
    goto(page, private_app_server, "/peers", city="gothenburg")
    assert len(card_titles(page)) == 5
    page.locator(".st-key-peers_more_button button").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll(\"[class*='st-key-peers_card_'] h3\").length === 9")
    wait_for_app(page)
    assert query_params(page).get("more") == "1"
    assert page.evaluate("() => !!document.activeElement.closest('.st-key-peers_more_button')")
    assert "Show only the first 5" in widget(page, "peers_more_button").inner_text()
    page.keyboard.press("Enter")  # and back to five, the focus still there
    page.wait_for_function("() => document.querySelectorAll(\"[class*='st-key-peers_card_'] h3\").length === 5")
    wait_for_app(page)
    assert "more" not in query_params(page)
    assert page.evaluate("() => !!document.activeElement.closest('.st-key-peers_more_button')")
    assert_healthy(page)
