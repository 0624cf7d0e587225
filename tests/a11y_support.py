"""Accessibility checks in the browser: axe-core in both themes, charts with a text alternative.

The app has a light and a dark theme (``[theme.light]``/``[theme.dark]`` in
``.streamlit/config.toml``); the browser's colour-scheme preference picks one
and the app follows it live, so a page loaded once is checked in both themes
by switching the preference (:func:`violations_in_both_themes`).
"""

from __future__ import annotations

from afus.charts import MAP_TEXT_COLOUR
from afus.stat_charts import BAR_COLOUR, DARK_TEXT, LIGHT_TEXT
from tests.browser_support import axe_violations, format_violations, wait_for_app, wait_until_drawn

THEMES = ("light", "dark")

BACKGROUND_LUMINANCE_JS = """() => {
  const [r, g, b] = getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor
    .match(/\\d+/g).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""

# Chart text drawn on the page's own background (ticks, axis and colour-bar
# titles, legend, numbers beside bars) whose contrast with that background is
# under 4.5:1, and bars under 3:1 (WCAG 1.4.11, graphics). axe-core does not
# check inside SVG. City names (MAP_TEXT) and markers on a map sit on its
# light land and sea, not on the page, and are left out; its legend is checked.
CHART_LOW_CONTRAST_JS = """() => {
  const BAR_FILL = "%s";
  const CELL_TEXT = ["%s", "%s"];
  const MAP_TEXT = "%s";
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const page = lum(rgb(getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor));
  const ratio = (fill) => { const l = lum(rgb(fill)); return (Math.max(l, page) + 0.05) / (Math.min(l, page) + 0.05); };
  // Every text on the page's background; a heatmap's cell numbers are coloured against their
  // cell (CELL_TEXT) and left out, as its cells are, and so are a map's city names.
  const texts = [...document.querySelectorAll("[data-testid='stMain'] .stEChartsChart[_echarts_instance_] svg text")]
    .filter(t => t.textContent.trim() && !CELL_TEXT.includes(t.getAttribute("fill")) && t.getAttribute("fill") !== MAP_TEXT);
  const bars = [...document.querySelectorAll(`[data-testid='stMain'] .stEChartsChart[_echarts_instance_] svg path[fill="${BAR_FILL}"]`)];
  const low = [
    ...texts.map(t => ({text: t.textContent.slice(0, 30), ratio: ratio(getComputedStyle(t).fill), needed: 4.5})),
    ...bars.map(b => ({text: "(bar)", ratio: ratio(getComputedStyle(b).fill), needed: 3})),
  ].filter(t => t.ratio < t.needed);
  return {checked: texts.length, bars: bars.length, low: low.slice(0, 5)};
}""" % (BAR_COLOUR, DARK_TEXT, LIGHT_TEXT, MAP_TEXT_COLOUR)

# For each chart: is it followed by a caption and an expander holding a data table?
CHART_ALTERNATIVES_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stEChartsChart']")].map(chart => {
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
