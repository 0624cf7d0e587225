"""The browsing pages in headless Chromium: the offline map, search, selectors and the URL (axe-core: test_accessibility.py)."""

from __future__ import annotations

import re
import xml.dom.minidom
from pathlib import Path

import pytest
from playwright.sync_api import expect

from afus import base_map, charts
from afus.i18n import t
from tests.browser_support import (
    address_has,
    choose,
    follow,
    goto,
    main_text,
    map_states,
    new_context,
    query_params,
    tab_to,
    wait_for_app,
    wait_until_drawn,
    widget,
)

pytestmark = pytest.mark.browser

def h1(page) -> str:  # noqa: ANN001
    return page.locator("[data-testid='stMain'] h1").first.inner_text().strip()


def map_state(page) -> dict:  # noqa: ANN001
    [state] = map_states(page)
    return state


def test_overview_map_draws_france_and_sweden_with_no_internet(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/")
    state = map_state(page)
    # The base map (land, sea, borders) is drawn from the map's own option, with outside requests blocked.
    assert state["land"] > 50 and state["sea"] == 1
    assert page.blocked_requests == []
    assert state["markers"] == 10
    assert sorted(state["labels"]) == sorted(
        ["Borås", "Gothenburg", "Linköping", "Malmö", "Umeå", "Grenoble", "La Rochelle", "Paris", "Saint-Brieuc", "Strasbourg"]
    )
    assert state["legend"] == ["France", "Sweden"]
    assert page.page_errors == []


def test_a_charts_data_opens_as_a_table_from_the_keyboard(app_server, page) -> None:  # noqa: ANN001
    """The map's data is sent when its expander is opened (Enter): ten rows, and the focus stays on the expander."""
    goto(page, app_server, "/")
    data = page.locator(".st-key-overview_map_data")
    assert data.locator("[data-testid='stTable']").count() == 0  # closed: nothing sent
    tab_to(page, ".st-key-overview_map_data summary")
    page.keyboard.press("Enter")
    wait_for_app(page)
    rows = data.locator("[data-testid='stTable'] tbody tr")
    rows.first.wait_for()
    assert rows.count() == 10 and "Saint-Brieuc" in data.inner_text()
    assert page.evaluate("() => !!document.activeElement.closest('.st-key-overview_map_data')")
    page.keyboard.press("Enter")  # and closes again
    wait_for_app(page)
    page.wait_for_function("() => !document.querySelector('.st-key-overview_map_data [data-testid=stTable]')")


SEA_SIZE_JS = """() => {
  const sea = document.querySelector("[data-testid='stMain'] .stEChartsChart svg path[fill='%s']").getBoundingClientRect();
  return [Math.round(sea.width), Math.round(sea.height)];
}"""


def _overview_map_size(page, app_server) -> tuple[str, list[int]]:  # noqa: ANN001
    """The overview at 1280 × 800, its map drawn: the script measuring the map (the sea), and its size."""
    shape = SEA_SIZE_JS % charts.OCEAN
    page.set_viewport_size({"width": 1280, "height": 800})
    goto(page, app_server, "/")
    map_state(page)
    return shape, page.evaluate(shape)


def test_the_map_keeps_its_shape_on_a_phone_and_after(app_server, page) -> None:  # noqa: ANN001
    """Narrow (a phone), the map is as wide as the page and keeps its shape; wide again (the phone turned), it is as before."""
    shape, wide = _overview_map_size(page, app_server)
    assert wide[0] / wide[1] == pytest.approx(base_map.frame_aspect(), rel=0.02)
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_function(f"() => ({shape})()[0] < 390")
    narrow = page.evaluate(shape)
    assert narrow[0] / narrow[1] == pytest.approx(base_map.frame_aspect(), rel=0.05)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function(f"() => ({shape})()[0] > 390")
    page.wait_for_timeout(300)  # ECharts redraws once more after a resize
    assert page.evaluate(shape) == wide


def test_the_map_fills_the_screen_in_fullscreen_and_comes_back(app_server, page) -> None:  # noqa: ANN001
    shape, on_page = _overview_map_size(page, app_server)
    chart = page.locator("[data-testid='stMain'] .stEChartsChart").first
    chart.scroll_into_view_if_needed()
    chart.hover()
    page.get_by_role("button", name="Fullscreen").first.click()
    page.wait_for_function(f"() => ({shape})()[1] > 600")
    full = page.evaluate(shape)
    assert full[0] / full[1] == pytest.approx(base_map.frame_aspect(), rel=0.04)
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => ({shape})()[1] < 600")
    page.wait_for_timeout(300)  # ECharts redraws once more after a resize
    assert page.evaluate(shape) == on_page


def test_search_then_profile_then_selector_in_french(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/cities", lang="fr")
    field = widget(page, "cities_q").locator("input")
    field.fill("st brieuc")
    field.press("Enter")
    wait_for_app(page)
    assert query_params(page)["q"] == "st brieuc"
    assert "1 ville membre sur 10" in main_text(page)
    page.locator("[data-testid='stMain'] a", has_text="Saint-Brieuc").first.click()
    wait_for_app(page)
    assert query_params(page).get("city") == "saint-brieuc"
    assert h1(page) == "Saint-Brieuc"
    text = main_text(page)
    assert "Ce qu'elle propose" in text and "Expérimentation place de la Grille" in text
    assert map_state(page)["markers"] == 10
    # The selector writes the URL and the language stays French.
    choose(page, "cities_city", "Umeå", typed="Umeå")
    params = query_params(page)
    assert (params.get("city"), params.get("lang")) == ("umea", "fr")
    assert h1(page) == "Umeå"
    assert t("browse.profile.offers", "fr") in main_text(page)
    assert page.blocked_requests == [] and page.page_errors == []


def test_balance_selector_and_heatmap_on_the_themes_page(app_server, page) -> None:  # noqa: ANN001
    goto(page, app_server, "/themes")
    # Three sections, the catalogue open: the others are drawn when chosen, and the address says which is open.
    assert page.get_by_role("tab", name="Catalogue", selected=True).count() == 1
    follow(page, page.get_by_role("tab", name="Cities × themes"), address_has("/themes", section="heatmap"))
    wait_until_drawn(page)
    heatmap = page.locator(".st-key-themes_heatmap_chart [_echarts_instance_] svg")
    assert heatmap.locator("text", has_text="Saint-Brieuc").count() == 1
    # "Download as SVG" (the chart's toolbar) saves a file that opens: the fonts' quotes once broke it.
    page.locator(".st-key-themes_heatmap_chart").hover()
    with page.expect_download() as download:
        page.locator(".st-key-themes_heatmap_chart").get_by_role("button", name=re.compile("^Download as SVG")).click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert xml.dom.minidom.parseString(saved).documentElement.tagName == "svg" and "Saint-Brieuc" in saved

    follow(page, page.get_by_role("tab", name="Balance of projects"), address_has("/themes", section="balance"))
    wait_until_drawn(page)
    capitals = page.locator(".st-key-themes_balance_resilience_capital [_echarts_instance_] svg")
    before = capitals.element_handle()
    choose(page, "themes_city", "Saint-Brieuc", typed="Saint-Brieuc")
    assert query_params(page).get("city") == "saint-brieuc"
    assert "Not yet tagged with any of them: 1 of 3 projects." in main_text(page)
    # The chart is updated where it stands (not drawn anew): its bars now say Saint-Brieuc's 1 and 1, not the network's 2 and 2.
    page.wait_for_function(
        "(svg) => { const t = [...svg.querySelectorAll('text')].map(e => e.textContent); return svg.isConnected && t.includes('1') && !t.includes('2'); }",
        arg=before,
        timeout=10_000,
    )
    # Opening the shared link (a city profile's "balance" link too) restores the same view.
    goto(page, app_server, "/themes", city="saint-brieuc")
    assert page.get_by_role("tab", name="Balance of projects", selected=True).count() == 1
    assert "Not yet tagged with any of them: 1 of 3 projects." in main_text(page)
    assert page.blocked_requests == [] and page.page_errors == []


def test_long_link_labels_wrap_on_a_phone(app_server, browser) -> None:  # noqa: ANN001
    """At 390 px a theme's long name wraps onto more lines; it is not cut off."""
    context = new_context(browser, viewport={"width": 390, "height": 900}, locale="en-GB")
    try:
        page = context.new_page()
        goto(page, app_server, "/themes")
        wait_until_drawn(page)
        links = page.evaluate(
            """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stPageLink-NavLink']")].map(a => {
                 const p = a.querySelector('p'); return {text: p.innerText, cut: p.scrollWidth > p.clientWidth + 1,
                 right: a.getBoundingClientRect().right}; })"""
        )
        assert len(links) > 10
        assert [link["text"] for link in links if link["cut"] or link["right"] > 390] == []
        assert any("\\n" in link["text"] or len(link["text"]) > 45 for link in links)  # long names are there
    finally:
        context.close()



# Every text of the main area that its box cuts (an ellipsis: "362…", "Autres projets à Mal…"), charts and data grids aside.
CUT_TEXT_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] *")]
  .filter(el => el.scrollWidth > el.clientWidth + 1 && (el.innerText || '').trim() && !el.closest('.stEChartsChart, [data-testid=stDataFrame]'))
  .filter(el => ![...el.children].some(child => child.scrollWidth > child.clientWidth + 1))
  .map(el => el.innerText.trim())"""


@pytest.mark.parametrize(
    ("width", "path", "params"),
    [
        (1024, "/", {"lang": "sv"}),
        (1024, "/cities", {"city": "malmo", "lang": "fr"}),
        (1024, "/cities", {"city": "gothenburg"}),
        (1024, "/projects", {"project": "saint-brieuc-place-de-la-grille", "lang": "fr"}),
        (800, "/manage", {"lang": "fr"}),
    ],
)
def test_no_text_is_cut_on_a_narrow_screen(app_server, page, width, path, params) -> None:  # noqa: ANN001
    """A laptop's or a projector's 1024 pixels (a tablet's 800), the sidebar open: no key figure, label or button text ends in "…".

    In fixed columns Gothenburg's population read "608…" and the overview's
    Swedish labels were cut; beside a project, "Autres projets à Saint-Brieuc"
    was a one-line button, and so was the export's "Fichiers CSV (zip)".
    """
    page.set_viewport_size({"width": width, "height": 768})
    goto(page, app_server, path, **params)
    wait_until_drawn(page)
    assert page.evaluate(CUT_TEXT_JS) == []
    figures = page.locator("[data-testid='stMain'] [data-testid='stMetric']")
    if path == "/cities":
        assert figures.count() == 4 and re.search(r"\d{3}.\d{3}", figures.first.inner_text()), figures.first.inner_text()
    if path == "/projects":
        assert widget(page, "projects_more_in_city").locator("p").inner_text().strip() == "Autres projets à Saint-Brieuc"


@pytest.mark.parametrize(("path", "key", "title"), [("/cities", "cities_q", "Cities"), ("/projects", "projects_q", "Projects")])
def test_a_page_link_clicked_straight_from_a_search_box_draws_a_whole_page(app_server, page, path, key, title) -> None:  # noqa: ANN001
    """The box sends its text as the link takes the focus: Streamlit 1.67 then ran the box's fragment on the new page.

    That left /peers empty (from /cities) or showed an error (from /projects), in one try out of three to eight.
    Now the page shown is drawn whole: the new one, or (when the switch was lost) the one typed in.
    """
    for _ in range(3):
        goto(page, app_server, path)
        widget(page, key).locator("input").press_sequentially("velo", delay=20)
        page.locator("[data-testid='stSidebar']").get_by_role("link", name="Peer finder").click()
        wait_for_app(page, need_content=False)
        heading = page.locator("[data-testid='stMain'] h1").first
        expect(heading).to_have_text(re.compile(f"^(Peer finder|{title})$"), timeout=10_000)
        shown = heading.inner_text().strip()
        assert (shown == "Peer finder") == page.url.split("?")[0].endswith("/peers"), (shown, page.url)
        assert page.locator("[data-testid='stException']").count() == 0
        assert "q" not in query_params(page) or shown == title  # the search stays on its own page
