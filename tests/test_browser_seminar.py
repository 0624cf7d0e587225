"""/seminar in headless Chromium: every slide, maps included, with the internet cut off, and no scrolling.

Outside requests are blocked by the ``page`` fixture's router; a venue's bad
Wi-Fi is the reason. A slide that does not fit at 1920×1080, 1280×720 or a
projector's 1024×768 leaves a screenshot in the test's temporary directory (kept
by pytest for a look).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from pptx import Presentation
from pypdf import PdfReader

from tests.a11y_support import THEMES, charts_without_alternative, violations_in_both_themes
from tests.browser_support import (
    new_context,
    APP_TIMEOUT_MS,
    address_has,
    record_outside_requests,
    wait_for_app,
    follow,
    goto,
    main_text,
    map_states,
    query_params,
    wait_until_drawn,
    widget,
)

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1280, 720), (1024, 768)]
SCROLL_JS = """
() => {
  const doc = document.scrollingElement;
  const main = document.querySelector("[data-testid='stMain']");
  return {docHeight: doc.scrollHeight, viewHeight: window.innerHeight,
          mainHeight: main.scrollHeight, mainView: main.clientHeight};
}
"""


def _sized_page(browser, width: int, height: int):  # noqa: ANN001, ANN202
    context = new_context(browser, viewport={"width": width, "height": height}, accept_downloads=True, locale="en-GB")
    context.set_default_timeout(APP_TIMEOUT_MS)
    page = context.new_page()
    page.blocked_requests = record_outside_requests(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.page_errors = errors
    return context, page


def _wait_for_charts(page) -> None:  # noqa: ANN001
    wait_until_drawn(page)
    if page.locator("[data-testid='stMain'] .st-key-seminar_map").count():
        map_states(page)  # the base map is drawn


def _slide_total(page) -> int:  # noqa: ANN001
    return int(widget(page, "seminar_counter").inner_text().split()[-1])


# The vertical middle of each of the toolbar's items (they are centred on their row).
TOOLBAR_MIDDLES_JS = """() => [...document.querySelectorAll('.st-key-seminar_toolbar > div')]
  .map(e => e.getBoundingClientRect()).filter(r => r.height > 0).map(r => (r.top + r.bottom) / 2)"""


def _toolbar_rows(page) -> int:  # noqa: ANN001
    """On how many rows the toolbar's buttons and counter lie."""
    middles = sorted(page.evaluate(TOOLBAR_MIDDLES_JS))
    return 1 + sum(1 for above, below in zip(middles, middles[1:]) if below - above > 8)


def _assert_fits(page, where: str, screenshot: Path) -> None:  # noqa: ANN001
    sizes = page.evaluate(SCROLL_JS)
    rows = _toolbar_rows(page)
    if sizes["docHeight"] > sizes["viewHeight"] or sizes["mainHeight"] > sizes["mainView"] or rows != 1:
        page.screenshot(path=str(screenshot))
    assert rows == 1, f"{where}: the toolbar wraps onto {rows} rows"
    assert sizes["docHeight"] <= sizes["viewHeight"], f"{where}: the page scrolls {sizes}"
    # Streamlit scrolls its main area rather than the document: check it too.
    assert sizes["mainHeight"] <= sizes["mainView"], f"{where}: the main area scrolls {sizes}"


def _settle(page) -> None:  # noqa: ANN001
    """Let the layout follow a viewport change (two animation frames; no rerun is involved)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


@pytest.mark.rendering  # layout and axe-core on every slide: once, in the SQLite pass
def test_journey_through_every_slide_offline_without_scrolling_and_accessible(browser, app_server, tmp_path: Path):
    # One journey clicking Next; each slide is checked at both screen sizes
    # (resizing the window does not rerun the script), and by axe-core in both
    # themes with a text alternative for every chart (the presenter's laptop may
    # be in either theme).
    context, page = _sized_page(browser, *SIZES[0])
    try:
        goto(page, app_server, "/seminar")
        total = _slide_total(page)
        assert total == 23
        # the presenter's screen: sidebar collapsed on this page
        assert page.locator("[data-testid='stSidebar']").get_attribute("data-collapsed") == "true"
        # The title slide is centred, as a title slide is.
        assert page.evaluate("getComputedStyle(document.querySelector('.st-key-seminar_title_slide h1')).textAlign") == "center"
        titles, a11y_failures = [], []
        for number in range(1, total + 1):
            if number > 1:
                follow(page, widget(page, "seminar_next").locator("button"), address_has(slide=str(number)))
            assert query_params(page).get("slide", "1") == str(number)
            if number == 2 or 4 <= number <= 20 or number == 22:  # slides with a member map
                assert widget(page, "seminar_map").count() == 1, f"slide {number} has no map"
            _wait_for_charts(page)
            title = widget(page, "seminar_slide").locator("h1").first.inner_text()
            assert title.strip(), f"slide {number} has no title"
            titles.append(title)
            assert f"Slide {number} of {total}" in main_text(page)
            # The theme the last slide ended in is checked first: one switch per slide.
            found = violations_in_both_themes(page, THEMES if number % 2 else THEMES[::-1])
            a11y_failures += [f"slide {number}, {theme} theme:\n{report}" for theme, report in found.items()]
            if charts_without_alternative(page):
                a11y_failures.append(f"slide {number}: a chart without a caption and a data table")
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                _settle(page)
                assert page.evaluate("() => [innerWidth, innerHeight]") == [width, height]
                _assert_fits(page, f"slide {number} ({title}) at {width}×{height}", tmp_path / f"slide-{number:02d}-{width}x{height}.png")
            page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
        assert not a11y_failures, f"{len(a11y_failures)} accessibility problems on {total} slides:\n" + "\n".join(a11y_failures)
        assert titles[0] == "French–Swedish Alliance for sustainable urban development"
        assert "Saint-Brieuc" in titles and "Saint-Brieuc and Malmö" in titles
        assert widget(page, "seminar_next").locator("button").is_disabled()
        assert page.blocked_requests == [], "the seminar tried to reach the internet"
        assert page.page_errors == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "sv"])
def test_on_a_projector_the_toolbar_holds_on_one_row_in_french_and_swedish(browser, app_server, lang: str, tmp_path: Path):
    # The longest labels ("Diapositive 12 sur 23", "Material att ta med") at 1024×768: the
    # margins narrow and the key hints go; Page Down still turns the slide.
    context, page = _sized_page(browser, 1024, 768)
    try:
        goto(page, app_server, "/seminar", slide="12", lang=lang)
        _wait_for_charts(page)
        _assert_fits(page, f"slide 12 in {lang} at 1024×768", tmp_path / f"slide-12-{lang}.png")
        assert not widget(page, "seminar_next").locator("kbd").is_visible()
        page.keyboard.press("PageDown")
        page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '13'", timeout=APP_TIMEOUT_MS)
        wait_for_app(page)
        assert {"fr": "Diapositive 13 sur 23", "sv": "Bild 13 av 23"}[lang] in main_text(page)
    finally:
        context.close()


def test_requests_leaving_the_machine_fail_and_are_recorded(page, app_server):
    """Guard the offline checks: a request for another host fails and is listed; the app's own requests succeed.

    The browser's offline proxy stops them, with or without an internet connection.
    """
    goto(page, app_server, "/seminar")
    reasons: list[str] = []
    page.on("requestfailed", lambda request: reasons.append(request.failure))
    outcomes = page.evaluate(
        """async (own) => Promise.all(["https://example.org/x.js", "http://203.0.113.5/y.png", own].map(
             url => fetch(url).then(r => r.status, () => "failed")))""",
        app_server.url("/_stcore/health"),
    )
    assert outcomes == ["failed", "failed", 200]
    page.wait_for_function("() => true")  # let the failure events reach the test
    assert sorted(page.blocked_requests) == ["http://203.0.113.5/y.png", "https://example.org/x.js"]
    assert reasons == ["net::ERR_PROXY_CONNECTION_FAILED"] * 2


def test_maps_draw_from_the_apps_own_base_map(page, app_server):
    goto(page, app_server, "/seminar", slide="2")
    assert page.locator("[data-testid='stMain'] .st-key-seminar_map").count() == 1
    _wait_for_charts(page)
    [state] = map_states(page)
    assert state["land"] > 50 and state["markers"] == 10  # every member city
    assert state["legend"] == ["France", "Sweden"]
    assert page.blocked_requests == []


def test_a_bad_slide_number_in_the_address_says_so_and_shows_the_first_slide(page, app_server):
    goto(page, app_server, "/seminar", slide="999")
    text = main_text(page)
    assert "There is no slide “999” (this presentation has 23). Showing the first slide." in text
    assert widget(page, "seminar_slide").locator("h1").first.inner_text() == (
        "French–Swedish Alliance for sustainable urban development"
    )
    assert "Traceback" not in text


def test_take_home_deck_pdf_and_calendar_download(page, app_server):
    goto(page, app_server, "/seminar", slide="7")
    widget(page, "seminar_files").locator("button").first.click()
    with page.expect_download() as download_info:
        widget(page, "seminar_dl_deck").locator("button").click()
    deck = Presentation(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert len(deck.slides) == 23
    with page.expect_download() as pdf_info:
        widget(page, "seminar_dl_deck_pdf").locator("button").click()
    assert pdf_info.value.suggested_filename == "afus-seminar-en.pdf"
    assert len(PdfReader(io.BytesIO(Path(pdf_info.value.path()).read_bytes())).pages) == 23
    with page.expect_download() as ics_info:
        widget(page, "seminar_dl_ics").locator("button").click()
    calendar = Calendar.from_ical(Path(ics_info.value.path()).read_bytes())
    assert str(calendar["version"]) == "2.0"
    assert page.blocked_requests == []


def test_calendar_view_shows_the_timeline_offline(page, app_server):
    goto(page, app_server, "/seminar", view="calendar")
    _wait_for_charts(page)
    text = main_text(page)
    assert "The network's calendar" in text
    assert "Signing of the French–Swedish strategic partnership" in text
    timeline = page.locator(".st-key-seminar_timeline [_echarts_instance_] svg")
    # The seeded 2017 partnership: its name beside its mark, the years on the axis.
    expect(timeline.locator("text", has_text="Signing of the French")).to_have_count(1)
    assert timeline.locator("text", has_text=re.compile(r"^20\d\d$")).count() >= 2
    assert page.blocked_requests == []
