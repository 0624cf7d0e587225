"""/projects in headless Chromium: filters write the URL, a row opens its project, links lead on, axe is clean."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser_support import (
    address_has,
    choose,
    follow,
    goto,
    main_text,
    query_params,
    url_path,
    wait_for_app,
    wait_until_drawn,
    widget,
)

pytestmark = pytest.mark.browser


def healthy(page) -> None:  # noqa: ANN001
    assert page.locator("[data-testid='stException']").count() == 0, main_text(page)[:2000]
    assert page.page_errors == []
    assert page.blocked_requests == [], "the page must work offline"


def h1(page) -> str:  # noqa: ANN001
    return page.locator("[data-testid='stMain'] h1").first.inner_text().strip()


def download_rows(page, separator: str = ",") -> list[list[str]]:  # noqa: ANN001
    """The downloaded CSV's rows (``;``-separated in French and Swedish, as their Excel reads it)."""
    with page.expect_download() as info:
        widget(page, "projects_download").locator("button").first.click()
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so Excel reads the accents"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=separator))


def test_filters_write_the_url_and_the_csv_follows(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/projects", lang="fr")
    choose(page, "projects_country", "Suède", close=True)
    choose(page, "projects_theme", "Le réaménagement des espaces publics : permettre les usages de tous et penser la polyvalence", close=True)
    params = query_params(page)
    assert params.get("country") == "SE" and params.get("theme") == "public-spaces"
    assert params.get("lang") == "fr", "the language stays through widget changes"
    assert "2 sur 7 projets" in main_text(page)
    # A screen reader finds the result table by its name, in the interface language.
    expect(page.get_by_role("region", name="Projets trouvés")).to_have_count(1)
    rows = download_rows(page, ";")
    assert rows[0][:3] == ["Titre", "Ville", "Pays"]
    assert sorted(r[1] for r in rows[1:]) == ["Gothenburg", "Umeå"]
    healthy(page)

    choose(page, "projects_sort", "Ville", close=True)
    assert query_params(page).get("sort") == "city"
    assert [r[1] for r in download_rows(page, ";")[1:]] == ["Gothenburg", "Umeå"]

    # Reloading the address gives back the same view.
    page.reload(wait_until="domcontentloaded")
    wait_for_app(page)
    assert "2 sur 7 projets" in main_text(page)
    assert h1(page) == "Projets"


def test_selecting_a_row_opens_the_project_and_the_way_back_keeps_the_filters(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/projects", city="umea")
    grid = page.locator("[data-testid='stDataFrame']")

    def click_first_row() -> None:
        # Elements above the grid still loading would move it after it is measured:
        # measure it once every element is drawn, and again on a second try.
        wait_until_drawn(page)
        box = grid.bounding_box()
        # The first data row's selection box, under the 35 px header row of the grid.
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)

    follow(page, click_first_row, address_has("/projects", project="umea-gender-approach"))
    assert h1(page) == 'Gender approach and "inclusion through exclusion"'
    healthy(page)

    follow(page, widget(page, "projects_back").locator("button").first, lambda url: "project=" not in url)
    assert url_path(page) == "/projects"
    assert query_params(page).get("city") == "umea" and "project" not in query_params(page)
    assert "1 of 7 projects" in main_text(page)


def test_project_detail_links_to_its_city_and_themes(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/projects", project="saint-brieuc-town-countryside-alliance", lang="sv")
    text = main_text(page)
    assert "Une alliance ville campagne" in h1(page)
    assert "Visas på originalspråket (FR)" in text
    assert "AAP Plan de paysages, Ministère de l'environnement, février 2017" in text
    healthy(page)
    page.locator("[data-testid='stMain'] a").filter(has_text="Saint-Brieuc (Frankrike)").first.click()
    wait_for_app(page)
    assert url_path(page) == "/cities"
    assert query_params(page).get("city") == "saint-brieuc"


def test_unknown_project_and_empty_result_are_explained(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/projects", project="no-such-project")
    assert "Not found" in main_text(page)
    healthy(page)

    goto(page, app_server, "/projects", q="Goteborg", country="FR")
    text = main_text(page)
    assert "No project matches all of these at once" in text
    page.get_by_role("button", name="Remove Country: France (1 project)").click()
    wait_for_app(page)
    assert "country" not in query_params(page)
    assert "1 of 7 projects" in main_text(page)
    healthy(page)


def test_after_a_language_switch_the_filters_still_write_codes_to_the_url(app_server, page) -> None:  # noqa: ANN001
    """Switching the language relabels the filters; a later change still writes country=SE, not the old label."""
    goto(page, app_server, "/projects", country="SE", lang="en")
    assert "4 of 7 projects" in main_text(page)
    follow(page, lambda: choose(page, "lang", "Svenska"), lambda url: "lang=sv" in url)
    wait_for_app(page)
    choose(page, "projects_sort", "Stad", close=True)
    params = query_params(page)
    assert (params.get("country"), params.get("sort"), params.get("lang")) == ("SE", "city", "sv"), page.url
    assert "4 av 7 projekt" in main_text(page)
    healthy(page)


def test_back_after_the_sidebar_returns_to_the_search(app_server, page) -> None:  # noqa: ANN001
    """Browser Back from a page opened in the sidebar lands on the search as it was, not on the bare page first."""
    goto(page, app_server, "/projects", q="rural")
    assert query_params(page).get("q") == "rural"
    follow(page, page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Cities", exact=True), lambda url: "/cities" in url)
    page.go_back()
    page.wait_for_url(lambda url: "/projects" in url)
    assert query_params(page).get("q") == "rural", page.url
    wait_for_app(page)
    assert "rural" in page.locator(".st-key-projects_q input").input_value()


def test_a_search_redraws_the_result_alone_and_its_links_lead_on(app_server, page) -> None:  # noqa: ANN001
    """Typing a search reruns only the result (the filters stay as drawn); a link in it still opens its page."""
    goto(page, app_server, "/projects", country="FR")
    country = widget(page, "projects_country")
    country.evaluate("el => { el.dataset.afusMark = 'drawn before the search'; }")
    box = widget(page, "projects_q").locator("input").first
    box.fill("Grenoble")
    box.press("Enter")
    page.wait_for_function("() => document.body.innerText.includes('Grenoble is a member city')")
    wait_for_app(page)
    assert query_params(page).get("q") == "Grenoble"
    assert country.get_attribute("data-afus-mark") == "drawn before the search", "the filters were not sent again"
    healthy(page)
    follow(page, page.locator("[data-testid='stMain'] a").filter(has_text="Grenoble is a member city"), address_has("/cities", city="grenoble"))
    assert "Grenoble" in h1(page)


def test_removing_a_filter_or_all_of_them_clears_their_boxes_too(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/projects", q="Goteborg", country="FR")
    assert "France" in widget(page, "projects_country").inner_text()
    page.get_by_role("button", name="Remove Country: France (1 project)").click()
    page.wait_for_function("() => document.body.innerText.includes('1 of 7 projects')")
    wait_for_app(page)
    assert "France" not in widget(page, "projects_country").inner_text()
    assert widget(page, "projects_q").locator("input").first.input_value() == "Goteborg"
    healthy(page)
    # The button beside the filters clears the search box too.
    widget(page, "projects_clear").locator("button").first.click()
    page.wait_for_function("() => document.body.innerText.includes('7 projects') && !document.body.innerText.includes('of 7')")
    wait_for_app(page)
    assert widget(page, "projects_q").locator("input").first.input_value() == ""
    assert "q" not in query_params(page)
