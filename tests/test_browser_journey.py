"""A city officer's journey in headless Chromium: every page, a city, a theme, a search, the CSV, French."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from afus.i18n import t
from afus.pages import PAGES
from tests.browser_support import (
    address_has,
    choose,
    follow,
    goto,
    main_text,
    new_context,
    query_params,
    start_app_server,
    url_path,
    widget,
)

pytestmark = pytest.mark.browser

ERROR_BANNER = "This app has encountered an error"


def h1_texts(page) -> list[str]:  # noqa: ANN001
    return [text.strip() for text in page.locator("[data-testid='stMain'] h1").all_inner_texts()]


def assert_healthy(page) -> None:  # noqa: ANN001
    """No traceback, no error banner, no JavaScript error, nothing fetched from the internet."""
    assert page.locator("[data-testid='stException']").count() == 0, main_text(page)[:2000]
    assert ERROR_BANNER not in page.locator("body").inner_text()
    assert page.page_errors == []
    assert page.blocked_requests == [], "the app must work offline"


def nav_link(page, label: str):  # noqa: ANN001, ANN201
    """The sidebar navigation link named ``label`` (icons are hidden from the accessible name)."""
    return page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=label, exact=True)


def main_link(page, label: str):  # noqa: ANN001, ANN201
    """The first link in the main area named exactly ``label``."""
    return page.locator("[data-testid='stMain']").get_by_role("link", name=label, exact=True).first


@pytest.mark.parametrize("spec", PAGES, ids=lambda p: f"/{p.url_path}")
def test_every_page_opens_at_its_path(app_server, page, spec) -> None:  # noqa: ANN001
    path = f"/{spec.url_path}"
    goto(page, app_server, path)
    assert url_path(page) == path
    assert_healthy(page)
    title = t(spec.title_key, "en")
    # The current page is marked in the navigation, and the page has one main heading.
    current = page.locator("[data-testid='stSidebarNav'] a[aria-current='page']")
    assert current.inner_text().strip().splitlines()[-1] == title
    headings = h1_texts(page)
    assert headings, f"{path} has no main heading"
    if spec.url_path != "seminar":  # the seminar opens on its first slide's title
        assert title in headings


def test_unknown_path_shows_the_main_page_with_a_notice(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/no-such-page")
    assert url_path(page) == "/"
    assert "Page not found" in page.locator("[role='dialog']").inner_text()
    assert t("nav.overview", "en") in h1_texts(page)
    assert_healthy(page)


def test_unknown_city_says_not_found_with_a_way_back(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/cities", city="atlantis")
    text = main_text(page)
    assert t("common.not_found.title", "en") in text
    assert "Traceback" not in text
    follow(page, main_link(page, t("common.back", "en", page=t("nav.cities", "en"))), lambda url: "city=" not in url)
    assert url_path(page) == "/cities"
    assert "city" not in query_params(page)
    assert_healthy(page)


def test_follow_a_city_from_the_directory_to_its_profile(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/cities")
    follow(page, main_link(page, "Malmö"), address_has("/cities", city="malmo"))
    assert url_path(page) == "/cities"
    assert query_params(page).get("city") == "malmo"
    assert h1_texts(page) == ["Malmö"]
    assert "A strong circular-economy ambition" in main_text(page)
    assert_healthy(page)
    # The link is shareable: a fresh page opened on it shows the same profile.
    goto(page, app_server, "/cities", city="malmo")
    assert h1_texts(page) == ["Malmö"]


def test_follow_a_theme_to_its_cities_and_projects(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/themes")
    theme_link = page.locator("[data-testid='stMain']").get_by_role("link", name=re.compile("^Redesign of public spaces: uses for all and versatility · Projects: 3")).first
    follow(page, theme_link, address_has("/themes", theme="public-spaces"))
    assert query_params(page).get("theme") == "public-spaces"
    text = main_text(page)
    for city in ("Saint-Brieuc", "Gothenburg", "Umeå"):
        assert city in text
    assert "Temporary installation" in text
    assert_healthy(page)
    follow(page, main_link(page, "Umeå"), address_has("/cities", city="umea"))
    assert url_path(page) == "/cities"
    assert query_params(page).get("city") == "umea"


def download_csv(page) -> list[dict[str, str]]:  # noqa: ANN001
    with page.expect_download() as info:
        widget(page, "projects_download").get_by_role("button", name=t("projects.download", "en")).click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    raw = open(download.path(), "rb").read()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("query", "city", "title", "only_that_city"),
    [
        ("Umea", "Umeå", 'Gender approach and "inclusion through exclusion"', True),
        ("Goteborg", "Gothenburg", "Temporary installation", True),
        # Saint-Brieuc's 2018 project also speaks of "économie circulaire".
        ("economie circulaire", "Malmö", "A strong circular-economy ambition", False),
    ],
)
def test_search_without_accents_and_download_what_is_shown(app_server, page, query, city, title, only_that_city) -> None:  # noqa: ANN001
    goto(page, app_server, "/projects")
    all_rows = download_csv(page)
    assert len(all_rows) == 7

    field = widget(page, "projects_q").locator("input")
    follow(page, lambda: (field.fill(query), field.press("Enter")), address_has("/projects", q=query))
    assert query_params(page).get("q") == query
    assert_healthy(page)
    rows = download_csv(page)
    assert any(title in row.values() and city in row.values() for row in rows), rows
    assert 0 < len(rows) < len(all_rows)
    if only_that_city:
        assert all(city in row.values() for row in rows), rows

    # Opening the shared link restores the same search and the same rows.
    goto(page, app_server, "/projects", q=query)
    expect(widget(page, "projects_q").locator("input")).to_have_value(query)
    assert download_csv(page) == rows


def test_a_search_with_no_result_says_how_to_widen_it(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/projects", q="zzzz-nothing-matches")
    assert widget(page, "projects_download").count() == 0
    assert "zzzz-nothing-matches" in main_text(page)
    assert_healthy(page)


def test_switch_to_french_in_the_sidebar(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/")
    choose(page, "lang", "Français")
    assert query_params(page).get("lang") == "fr"
    assert h1_texts(page) == [t("nav.overview", "fr")]

    # The language follows the visitor through the navigation.
    follow(page, nav_link(page, t("nav.cities", "fr")), address_has("/cities", lang="fr"))
    assert url_path(page) == "/cities"
    assert query_params(page).get("lang") == "fr"
    assert h1_texts(page) == [t("nav.cities", "fr")]
    assert_healthy(page)


def test_lang_in_the_url_opens_in_that_language(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/projects", lang="sv")
    assert h1_texts(page) == [t("nav.projects", "sv")]
    assert nav_link(page, t("nav.themes", "sv")).count() == 1


def test_a_shared_link_works_as_the_first_visit_after_a_restart(browser, tmp_path) -> None:  # noqa: ANN001
    """The first visitor of a freshly started app opens a shared link (not ``/``).

    The whole app must run (its navigation, language switch and sidebar), not
    the page file alone.
    """
    with start_app_server(tmp_path) as server:
        context = new_context(browser, viewport={"width": 1280, "height": 900})
        try:
            first = context.new_page()
            goto(first, server, "/cities", city="malmo")
            assert h1_texts(first) == ["Malmö"]
            assert nav_link(first, t("nav.overview", "en")).count() == 1, "the sidebar lists page files, not the app's pages"
            assert widget(first, "lang").count() == 1, "the sidebar of dashboard.py is missing"
        finally:
            context.close()
