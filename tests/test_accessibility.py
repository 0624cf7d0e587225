"""Accessibility in both themes: axe-core (WCAG 2.1 A/AA) on every page and view, charts with text alternatives.

Each view is loaded once and checked in the light theme, then the browser's
colour-scheme preference is switched to dark, as a user's desktop does, and it
is checked again (``tests/a11y_support.py``). Loading a page with the dark
preference is tested on its own. Every seminar slide is checked the same way
on the presenter's journey through the slides (``test_browser_seminar.py``).
"""

from __future__ import annotations

import pytest

from afus.pages import PAGES
from tests.a11y_support import BACKGROUND_LUMINANCE_JS, CHART_ALTERNATIVES_JS, CHART_LOW_CONTRAST_JS, THEMES, charts_without_alternative, violations_in_both_themes
from tests.browser_support import AppServer, axe_violations, goto, new_context, wait_until_drawn

# What the browser draws, from a store the page tests read on both backends: once, in the SQLite pass.
pytestmark = [pytest.mark.browser, pytest.mark.rendering]

# Every page, its list and detail views, its empty and "not found" answers, and the three languages.
VIEWS = [
    *[(f"/{p.url_path}", {}) for p in PAGES],
    ("/", {"lang": "fr"}),
    ("/", {"lang": "sv"}),
    ("/cities", {"city": "malmo"}),
    ("/cities", {"city": "saint-brieuc", "lang": "fr"}),
    ("/cities", {"city": "paris"}),  # a profile with no projects yet
    ("/cities", {"city": "umea", "lang": "sv"}),
    ("/cities", {"city": "atlantis"}),  # the "not found" message
    ("/themes", {"theme": "public-spaces"}),
    ("/themes", {"city": "malmo"}),  # the balance section
    ("/themes", {"section": "heatmap"}),
    ("/projects", {"q": "economie circulaire"}),
    ("/projects", {"q": "zzzz-nothing-matches"}),  # the empty result
    ("/projects", {"project": "umea-gender-approach", "lang": "fr"}),
    ("/peers", {"city": "saint-brieuc"}),
    ("/peers", {"city": "saint-brieuc", "with": "umea"}),
    ("/peers", {"section": "network"}),  # the whole network, open at its picture
    ("/peers", {"city": "malmo", "section": "heatmap"}),
    ("/peers", {"section": "pairings"}),
]


def view_id(path: str, params: dict[str, str]) -> str:
    return path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.parametrize(("path", "params"), VIEWS, ids=[view_id(p, q) for p, q in VIEWS])
def test_no_wcag_21_aa_violation_in_either_theme(app_server: AppServer, page, path: str, params: dict) -> None:  # noqa: ANN001
    goto(page, app_server, path, **params)
    found = violations_in_both_themes(page)
    assert not found, f"axe-core on {view_id(path, params)}:\n" + "\n".join(f"{t} theme:\n{r}" for t, r in found.items())
    lacking = charts_without_alternative(page)
    assert not lacking, f"{view_id(path, params)}: {len(lacking)} charts without a caption and a data table: {lacking}"
    assert page.blocked_requests == []


def test_the_checks_see_charts_and_their_alternatives(app_server: AppServer, page) -> None:  # noqa: ANN001
    """Guard the chart check: the overview has charts, and each is found with its caption and table."""
    goto(page, app_server, "/")
    wait_until_drawn(page)
    charts = page.evaluate(CHART_ALTERNATIVES_JS)
    assert len(charts) >= 2 and all(c["caption"] and c["table"] for c in charts), charts


def test_axe_catches_a_violation(app_server: AppServer, page) -> None:  # noqa: ANN001
    """Guard the check itself: an image without a text alternative is reported."""
    goto(page, app_server, "/")
    page.evaluate(
        """() => { const img = document.createElement('img'); img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
                   document.querySelector("[data-testid='stMain']").appendChild(img); }"""
    )
    assert "image-alt" in {v["id"] for v in axe_violations(page)}


@pytest.mark.parametrize("theme", THEMES)
def test_the_browser_preference_picks_the_theme_at_load(app_server: AppServer, browser, theme: str) -> None:  # noqa: ANN001
    context = new_context(browser, viewport={"width": 1280, "height": 900}, color_scheme=theme, locale="en-GB")
    try:
        page = context.new_page()
        goto(page, app_server, "/")
        luminance = page.evaluate(BACKGROUND_LUMINANCE_JS)
        assert (luminance < 0.3) if theme == "dark" else (luminance > 0.9), luminance
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_chart_text_is_readable_in_either_theme(app_server: AppServer, browser, theme: str) -> None:  # noqa: ANN001
    """Ticks, axis titles, legends and bar numbers at 4.5:1 on the page (dark on the light theme, light on the dark one), bars at 3:1."""
    context = new_context(browser, viewport={"width": 1280, "height": 900}, color_scheme=theme, locale="en-GB")
    try:
        page = context.new_page()
        for path, params in (("/", {}), ("/themes", {"city": "malmo"}), ("/themes", {"section": "heatmap"}), ("/seminar", {"slide": "3"})):
            goto(page, app_server, path, **params)
            wait_until_drawn(page)
            found = page.evaluate(CHART_LOW_CONTRAST_JS)
            assert found["checked"] >= 5 and found["low"] == [], (path, found)
            if path == "/":
                assert found["bars"] >= 5, found  # projects per theme
    finally:
        context.close()
