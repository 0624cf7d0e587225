"""The main journeys with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows) in Chromium.

No mouse click anywhere: focus moves with Tab until it reaches the control a
user would look for (found by its widget key or link target), and every
choice is made with typing, arrows and Enter.
"""

from __future__ import annotations

import re

import pytest

from afus.i18n import t
from tests.browser_support import APP_TIMEOUT_MS, AppServer, goto, main_text, query_params, start_from_top, tab_to, url_path, wait_for_app, wait_until_drawn

# Keyboard use of read-only views: once, in the SQLite pass (signing in with the keyboard is in test_browser_manage).
pytestmark = [pytest.mark.browser, pytest.mark.rendering]

# The open list of a select box shows only options with the typed text.
LIST_NARROWED_JS = """(typed) => {
  const options = [...document.querySelectorAll("[role='option']")];
  return options.length > 0 && options.every(o => o.textContent.toLowerCase().includes(typed.toLowerCase()));
}"""


def type_to_narrow(page, typed: str) -> None:  # noqa: ANN001
    """Type into the focused select box and wait until its list has narrowed, as a user watches it before Enter.

    Enter pressed before the list follows the typing would choose from the
    list as it was (on a loaded machine, nothing or the first language).
    """
    page.keyboard.type(typed)
    page.wait_for_function(LIST_NARROWED_JS, arg=typed, timeout=APP_TIMEOUT_MS, polling=50)


def test_choose_a_city_on_cities_with_the_keyboard(app_server: AppServer, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/cities")
    start_from_top(page)
    tab_to(page, ".st-key-cities_city")
    type_to_narrow(page, "Malm")
    page.keyboard.press("Enter")
    wait_for_app(page)
    assert query_params(page).get("city") == "malmo"
    assert page.locator("h1").first.inner_text() == "Malmö"


def test_from_a_city_to_its_peers_with_the_keyboard(app_server: AppServer, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/cities", city="malmo")
    start_from_top(page)
    tab_to(page, "[data-testid='stMain'] a[href*='peers']")
    page.keyboard.press("Enter")
    wait_for_app(page)
    assert url_path(page) == "/peers"
    assert query_params(page).get("city") == "malmo"
    assert page.locator("[data-testid='stMain'] [class*='st-key-peers_card_']").count() > 0


def test_search_projects_with_the_keyboard(app_server: AppServer, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/projects")
    start_from_top(page)
    tab_to(page, ".st-key-projects_q input")  # past the help button
    page.keyboard.type("economie circulaire")
    page.keyboard.press("Enter")
    wait_for_app(page)
    assert query_params(page).get("q") == "economie circulaire"
    # The list is a data grid (drawn on a canvas): its count says the search narrowed it.
    count = re.search(r"(\d+) of (\d+) projects", main_text(page))
    assert count and 0 < int(count[1]) < int(count[2]), main_text(page)
    # Its rows cannot be selected from the keyboard: a project of the list is opened from its title.
    tab_to(page, ".st-key-projects_open input")
    page.keyboard.type("ambition")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('project')", timeout=APP_TIMEOUT_MS)
    assert query_params(page).get("project") == "malmo-circular-economy"
    assert page.locator("[data-testid='stMain'] h1").first.inner_text() == "A strong circular-economy ambition"


def test_pick_a_peer_city_with_arrows(app_server: AppServer, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/peers")
    start_from_top(page)
    tab_to(page, ".st-key-peers_city input")
    type_to_narrow(page, "Ume")  # "Umea" (no å) finds nothing here, see the report
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_for_app(page)
    assert query_params(page).get("city") == "umea"
    assert page.locator("[data-testid='stMain'] [class*='st-key-peers_card_']").count() > 0


def test_language_switch_with_the_keyboard(app_server: AppServer, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/")
    start_from_top(page)
    tab_to(page, ".st-key-lang")
    type_to_narrow(page, "Svenska")
    page.keyboard.press("Enter")
    wait_for_app(page)
    assert query_params(page).get("lang") == "sv", f"the language box shows {page.locator('.st-key-lang').inner_text()!r} at {page.url}"
    assert page.locator("h1").first.inner_text() == t("nav.overview", "sv")


# Streamlit's own data-grid toolbar (show/hide columns, download, search) is
# left out: its buttons show no focus ring in Streamlit itself (reported).
FOCUSED_BOX_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e.closest("[data-testid='stElementToolbar']")) return null;
  const r = e.getBoundingClientRect();
  return {name: (e.getAttribute('aria-label') || e.textContent || e.tagName).trim().slice(0, 40),
          x: Math.max(0, r.x - 6), y: Math.max(0, r.y - 6), width: r.width + 12, height: r.height + 12};
}"""


def test_focus_is_always_visible(app_server: AppServer, page) -> None:  # noqa: ANN001
    """Every control reached with Tab on /projects looks different while it has the focus (WCAG 2.4.7)."""
    goto(page, app_server, "/projects")
    start_from_top(page)
    invisible, checked = [], 0
    for _ in range(25):
        page.keyboard.press("Tab")
        box = page.evaluate(FOCUSED_BOX_JS)
        if not box or box["width"] <= 12 or box["height"] <= 12:
            continue
        clip = {k: box[k] for k in ("x", "y", "width", "height")}
        focused = page.screenshot(clip=clip, animations="disabled")
        page.evaluate("() => document.activeElement.blur()")  # Tab goes on from here
        page.wait_for_timeout(200)  # the focus ring's CSS transition
        unfocused = page.screenshot(clip=clip, animations="disabled")
        checked += 1
        if focused == unfocused:
            invisible.append(box["name"])
    assert checked >= 5
    assert not invisible, f"focus not visible on: {invisible}"


def test_presenter_changes_slides_with_a_clicker(app_server: AppServer, page) -> None:  # noqa: ANN001
    """A presentation clicker sends Page Down / Page Up: they go to the next and the previous slide; settings stay as chosen."""
    goto(page, app_server, "/seminar?slide=2&country=FR&year=2025")
    wait_until_drawn(page)
    page.locator(".st-key-seminar_next kbd").wait_for()  # the button, and so its key, is there
    page.keyboard.press("PageDown")
    wait_for_app(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '3'", timeout=APP_TIMEOUT_MS)
    assert "3" in page.locator(".st-key-seminar_counter").inner_text()
    # Settings opened after a slide change show the choices made (they once fell back to the first
    # option, 2016 and "any country", and wrote that to the address).
    page.locator(".st-key-seminar_settings button").first.click()
    page.locator(".st-key-seminar_year").wait_for()
    wait_for_app(page)
    assert page.locator(".st-key-seminar_year input").input_value() == "2025"
    assert page.locator(".st-key-seminar_country input").input_value() == "France"
    page.keyboard.press("Escape")
    assert {k: query_params(page).get(k) for k in ("slide", "country", "year")} == {"slide": "3", "country": "FR", "year": "2025"}
    page.keyboard.press("PageUp")
    wait_for_app(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '2'", timeout=APP_TIMEOUT_MS)
    page.keyboard.press("PageUp")
    wait_for_app(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '1'", timeout=APP_TIMEOUT_MS)
    page.keyboard.press("PageUp")  # on the first slide: nothing before it
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert query_params(page).get("slide") == "1"


def test_typing_in_a_seminar_setting_does_not_change_the_slide(app_server: AppServer, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/seminar?slide=2")
    page.locator(".st-key-seminar_settings button").first.click()
    date_box = page.locator(".st-key-seminar_since input")
    date_box.focus()
    page.keyboard.type("2025")
    page.keyboard.press("PageDown")
    page.keyboard.press("End")
    page.wait_for_timeout(800)
    assert query_params(page).get("slide") == "2"
