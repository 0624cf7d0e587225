"""Accessibility checks in the browser: axe-core in both themes, charts with a text alternative.

The app has a light and a dark theme (``[theme.light]``/``[theme.dark]`` in
``.streamlit/config.toml``); the browser's colour-scheme preference picks one
and the app follows it live, so a page loaded once is checked in both themes
by switching the preference (:func:`violations_in_both_themes`).
"""

from __future__ import annotations

from tests.browser_support import axe_violations, format_violations, wait_for_app, wait_until_drawn

THEMES = ("light", "dark")

BACKGROUND_LUMINANCE_JS = """() => {
  const [r, g, b] = getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor
    .match(/\\d+/g).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""

# For each chart: is it followed by a caption and an expander holding a data table?
CHART_ALTERNATIVES_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stPlotlyChart']")].map(chart => {
  const box = chart.closest("[data-testid='stElementContainer']");
  const after = [];
  for (let el = box && box.nextElementSibling; el && after.length < 3; el = el.nextElementSibling) after.push(el);
  const caption = after.some(el => el.querySelector("[data-testid='stCaptionContainer']"));
  const table = after.some(el => el.matches("[data-testid='stExpander'], .stExpander") || el.querySelector("[data-testid='stExpander']"));
  return {caption, table};
})"""

def switch_theme(page, theme: str) -> None:  # noqa: ANN001
    """Set the browser's colour-scheme preference and wait until the app has redrawn in that theme."""
    page.emulate_media(color_scheme=theme)
    dark = "l < 0.3" if theme == "dark" else "l > 0.9"
    page.wait_for_function(f"() => {{ const l = ({BACKGROUND_LUMINANCE_JS})(); return {dark}; }}", timeout=30_000)
    wait_for_app(page)
    wait_until_drawn(page)


def violations_in_both_themes(page, order: tuple[str, ...] = THEMES) -> dict[str, str]:  # noqa: ANN001
    """axe-core's report for the page as it is now, per theme with violations (empty when clean)."""
    found = {}
    for theme in order:
        switch_theme(page, theme)
        violations = axe_violations(page)
        if violations:
            found[theme] = format_violations(violations)
    return found


def charts_without_alternative(page) -> list[dict]:  # noqa: ANN001
    """The charts on the page not followed by a caption and a data table."""
    return [c for c in page.evaluate(CHART_ALTERNATIVES_JS) if not (c["caption"] and c["table"])]
