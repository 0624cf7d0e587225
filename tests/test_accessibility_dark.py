"""Accessibility in both themes: axe-core (WCAG 2.1 A/AA) on every page and every seminar slide, charts with text alternatives.

The app has a light and a dark theme (``[theme.light]``/``[theme.dark]`` in
``.streamlit/config.toml``); the browser's preference picks one, so a
Chromium context with ``color_scheme="dark"`` sees the dark theme exactly as
a user with a dark desktop does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from afus import db, slides
from afus.network import load_network
from tests.browser_support import AppServer, axe_violations, block_outside_requests, format_violations, goto, new_context

pytestmark = pytest.mark.browser

THEMES = ("light", "dark")
PAGES = (
    ("/", {}),
    ("/cities", {}),
    ("/cities", {"city": "malmo"}),
    ("/themes", {}),
    ("/themes", {"theme": "citizen-participation"}),
    ("/projects", {}),
    ("/projects", {"q": "economie circulaire"}),
    ("/peers", {}),
    ("/peers", {"city": "malmo"}),
    ("/seminar", {}),
    ("/manage", {}),
)

BACKGROUND_JS = "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"

# For each chart: is it followed by a caption and an expander holding a data table?
CHART_ALTERNATIVES_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stPlotlyChart']")].map(chart => {
  const box = chart.closest("[data-testid='stElementContainer']");
  const after = [];
  for (let el = box && box.nextElementSibling; el && after.length < 3; el = el.nextElementSibling) after.push(el);
  const caption = after.some(el => el.querySelector("[data-testid='stCaptionContainer']"));
  const table = after.some(el => el.matches("[data-testid='stExpander'], .stExpander") || el.querySelector("[data-testid='stExpander']"));
  const label = chart.querySelector("[aria-label]") ? chart.querySelector("[aria-label]").getAttribute("aria-label") : "";
  return {caption, table, label};
})"""


def _luminance(css_rgb: str) -> float:
    r, g, b = (int(v) for v in css_rgb[css_rgb.index("(") + 1 : css_rgb.index(")")].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.fixture(params=THEMES)
def themed_page(request: pytest.FixtureRequest, browser) -> Iterator:  # noqa: ANN001
    """A fresh page whose browser prefers the light or the dark theme."""
    context = new_context(browser, viewport={"width": 1280, "height": 900}, color_scheme=request.param, locale="en-GB")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.theme = request.param  # type: ignore[attr-defined]
    page.blocked_requests = block_outside_requests(page)  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


def _settle_charts(page) -> None:  # noqa: ANN001
    if page.locator(".js-plotly-plot").count():
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)


def test_the_browser_preference_picks_the_theme(app_server: AppServer, themed_page) -> None:  # noqa: ANN001
    goto(themed_page, app_server, "/")
    luminance = _luminance(themed_page.evaluate(BACKGROUND_JS))
    assert (luminance < 0.3) if themed_page.theme == "dark" else (luminance > 0.9)


@pytest.mark.parametrize(("path", "params"), PAGES, ids=[p + ("?" + "&".join(f"{k}={v}" for k, v in q.items()) if q else "") for p, q in PAGES])
def test_no_wcag_violation_on_any_page(app_server: AppServer, themed_page, path: str, params: dict) -> None:  # noqa: ANN001
    goto(themed_page, app_server, path, **params)
    _settle_charts(themed_page)
    violations = axe_violations(themed_page)
    assert not violations, f"{themed_page.theme} theme, {path} {params}:\n{format_violations(violations)}"


def _slide_count(server: AppServer) -> int:
    engine = db.make_engine(server.database_url)
    try:
        network = load_network(engine)
    finally:
        engine.dispose()
    return len(slides.build_slides(network, slides.SlideOptions(year=dt.date.today().year), "en"))


def test_no_wcag_violation_on_any_seminar_slide(app_server: AppServer, themed_page) -> None:  # noqa: ANN001
    count = _slide_count(app_server)
    assert count > 5
    failures = []
    for number in range(1, count + 1):
        goto(themed_page, app_server, "/seminar", slide=str(number))
        _settle_charts(themed_page)
        violations = axe_violations(themed_page)
        if violations:
            failures.append(f"slide {number}:\n{format_violations(violations)}")
    assert not failures, f"{themed_page.theme} theme, {len(failures)} of {count} slides:\n" + "\n".join(failures)


CHART_PAGES = (
    ("/", {}),
    ("/cities", {}),
    ("/cities", {"city": "malmo"}),
    ("/themes", {}),
    ("/themes", {"city": "malmo"}),
    ("/peers", {"city": "malmo"}),
    ("/peers", {"city": "malmo", "section": "network"}),
    ("/peers", {"city": "malmo", "section": "heatmap"}),
    ("/seminar", {"slide": "2"}),
    ("/seminar", {"slide": "3"}),
)


@pytest.mark.parametrize(("path", "params"), CHART_PAGES, ids=[p + "?" + "&".join(f"{k}={v}" for k, v in q.items()) for p, q in CHART_PAGES])
def test_every_chart_has_a_caption_and_its_data_as_a_table(app_server: AppServer, page, path: str, params: dict) -> None:  # noqa: ANN001
    goto(page, app_server, path, **params)
    _settle_charts(page)
    charts = page.evaluate(CHART_ALTERNATIVES_JS)
    lacking = [c for c in charts if not (c["caption"] and c["table"])]
    assert not lacking, f"{path} {params}: {len(lacking)} of {len(charts)} charts without caption + data table: {lacking}"
