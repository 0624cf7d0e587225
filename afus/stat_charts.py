"""Counts and scores as charts: horizontal bars and heatmaps, as ECharts options (pure functions).

The calendar's timeline (:mod:`afus.calendar`) is built on the same base.

Drawn by Streamlit's own ECharts element (``ui.chart``), like the maps
(:mod:`afus.maps`): a keyed chart is updated in place when a filter changes
it, so a changed chart costs little (plotly's element, which the app used
before, draws a chart anew), and its library is a quarter of plotly's size.

Every number the chart shows is written here as the language writes it
(``lang``): ECharts would write ``1,234`` and ``4.9`` for everyone. Text is
drawn as SVG text, never as HTML; tooltips are drawn the same way.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from afus.charts import short_label
from afus.i18n import format_number, t

# At least 3:1 (WCAG 1.4.11, graphics) on the light theme's white (4.9:1) and
# on the dark theme's page (3.9:1).
BAR_COLOUR = "#2E75B0"
HEATMAP_COLOURS = ["#F7FBFF", "#6BAED6", "#08306B"]
# A heatmap cell's number, black or white: one of them reaches 4.5:1 on every colour of the scale.
DARK_TEXT, LIGHT_TEXT = "#000000", "#FFFFFF"
# Streamlit's theme names its font in quotes, which a chart saved as SVG
# ("Download as SVG") then writes inside a quoted attribute: the file would not open.
FONT_FAMILY = "Source Sans, sans-serif"
TOOLTIP_LINE_CHARS = 44  # a tooltip line wraps after about this many characters
TEXT_SIZE = 14
# Text of a chart shown on a slide: read from the back of a room.
ROOM_TEXT_SIZE = 17
LABEL_CHAR_WIDTH = 0.55  # average character width as a share of the font size
MAX_LABEL_WIDTH = {False: 340, True: 360}  # pixels, on a page and on a slide


@dataclass(frozen=True)
class EChart:
    """An ECharts option and the height (pixels) it is drawn at."""

    option: dict
    height: int


def inert(text: str) -> str:
    """``text`` as ECharts shows it literally: an invisible space after each ``{``.

    ECharts reads ``{a}``, ``{b}``… in a formatter as placeholders and
    ``{name|text}`` as styled text; names from the content must stay as written.
    """
    return str(text).replace("{", "{\u200b")


def tooltip_text(*lines: str) -> str:
    """Lines of a tooltip, each wrapped at a word boundary: a tooltip drawn as text does not wrap by itself."""
    return "\n".join(textwrap.fill(line, TOOLTIP_LINE_CHARS, break_long_words=False) for line in lines)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _scale_colour(share: float) -> str:
    """The heatmap's colour at ``share`` (0–1) of its scale, as ECharts draws it (linear between the stops)."""
    share = min(max(share, 0.0), 1.0) * (len(HEATMAP_COLOURS) - 1)
    low = min(int(share), len(HEATMAP_COLOURS) - 2)
    a, b = HEATMAP_COLOURS[low], HEATMAP_COLOURS[low + 1]
    mix = [round(int(a[i : i + 2], 16) + (int(b[i : i + 2], 16) - int(a[i : i + 2], 16)) * (share - low)) for i in (1, 3, 5)]
    return "#" + "".join(f"{c:02X}" for c in mix)


def _text_colour_on(share: float) -> str:
    """The cell number's colour, dark or white, whichever stands out more on the cell's colour."""
    cell = _luminance(_scale_colour(share))
    on_dark, on_light = (cell + 0.05) / (_luminance(DARK_TEXT) + 0.05), (_luminance(LIGHT_TEXT) + 0.05) / (cell + 0.05)
    return DARK_TEXT if on_dark >= on_light else LIGHT_TEXT


def base_option(text_size: int) -> dict:
    """What every chart's option starts with: no animation, its text size and font, tooltips drawn as text."""
    return {
        # No entry or update animation: a presenter's slide and a filtered chart show at once.
        "animation": False,
        "textStyle": {"fontSize": text_size, "fontFamily": FONT_FAMILY},
        # Drawn inside the chart as text (not HTML): names from the content stay plain text.
        "tooltip": {"trigger": "item", "renderMode": "richText", "confine": True, "textStyle": {"fontFamily": FONT_FAMILY}},
    }


def count_bars(
    labels: Sequence[str],
    counts: Sequence[int],
    *,
    axis_title: str,
    lang: str,
    max_label_chars: int = 42,
    room: bool = False,
    max_height: int | None = None,
    scale_max: int | None = None,
) -> EChart:
    """Horizontal bars, first label on top, each bar under its label and with its count at its end.

    A label sits above its bar, across the chart's width, so a long theme
    name does not squeeze the bars in a narrow column. Long labels are
    shortened (the full one shows on hover). ``room``: sized to be read from
    the back of a room (a seminar slide). ``max_height``: the bars get
    thinner (never the text smaller) to fit it. ``scale_max``: the count a
    full-length bar stands for, to compare charts side by side (default: the
    largest count).
    """
    labels = [inert(label) for label in labels]
    counts = [int(c) for c in counts]
    size = ROOM_TEXT_SIZE if room else TEXT_SIZE
    axis_space = size + 36  # the axis name under the bars
    # A bar as thick as the count written at its end is tall, so that the count never
    # reaches the name above (the thinnest a chart made to fit ``max_height`` draws).
    thinnest = size - 3
    bar = size + 4
    if max_height is not None and labels:
        bar = max(thinnest, min(bar, (max_height - axis_space) // len(labels) - size - 14))
    band = size + bar + 14  # a line of text, the bar, a gap
    option = {
        **base_option(size),
        "grid": {"left": 2, "right": 40, "top": 4, "bottom": size + 24},
        "xAxis": {
            "type": "value",
            "name": axis_title,
            "nameLocation": "start",
            "nameGap": 8,
            "nameTextStyle": {"fontSize": size, "fontFamily": FONT_FAMILY, "align": "left", "verticalAlign": "top", "padding": [size // 2, 0, 0, 0]},
            "max": max(counts + [scale_max or 1]),
            # Every bar says its count at its end, as the language writes it; ECharts'
            # own tick numbers would be written the English way.
            "axisLabel": {"show": False},
            "axisTick": {"show": False},
            "splitLine": {"show": False},
        },
        "yAxis": {
            "type": "category",
            "inverse": True,  # the first label on top
            "data": [short_label(label, max_label_chars) for label in labels],
            "axisLine": {"show": False},
            "axisTick": {"show": False},
            # Inside the chart, left-aligned, just above the bar of its band.
            "axisLabel": {
                "inside": True,
                "align": "left",
                "verticalAlign": "bottom",
                "padding": [0, 0, bar // 2 + 5, 0],  # clear of the bar, descenders included
                "fontSize": size,
                "fontFamily": FONT_FAMILY,
                "interval": 0,
                "width": MAX_LABEL_WIDTH[room],
                "overflow": "truncate",
            },
            "z": 3,
        },
        "series": [
            {
                "type": "bar",
                "name": axis_title,
                "itemStyle": {"color": BAR_COLOUR},
                "barWidth": bar,
                "data": [
                    {
                        "value": count,
                        "name": label,
                        "label": {"show": True, "position": "right", "formatter": format_number(count, lang), "fontSize": size, "fontFamily": FONT_FAMILY},
                        "tooltip": {"formatter": tooltip_text(label, t("common.labelled", lang, label=axis_title, value=format_number(count, lang)))},
                    }
                    for label, count in zip(labels, counts, strict=True)
                ],
            }
        ],
    }
    return EChart(option, height=band * len(labels) + axis_space)


def _heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: list[list[float | None]],
    *,
    top: float,
    cell_text: Callable[[float], str],
    scale_title: str,
    scale_ends: tuple[str, str],
    column_label_chars: int,
    row_label_chars: int,
    lang: str,
    cell_labels: bool = True,
) -> EChart:
    shown_columns = [short_label(c, column_label_chars) for c in columns]
    shown_rows = [short_label(r, row_label_chars) for r in rows]
    data = []
    for y, row in enumerate(values):
        for x, value in enumerate(row):
            if value is None:
                continue
            text = cell_text(value)
            data.append(
                {
                    "value": [x, y, value],
                    "label": {"formatter": text, "color": _text_colour_on(value / top if top else 0)},
                    "tooltip": {"formatter": tooltip_text(rows[y], columns[x], t("common.labelled", lang, label=scale_title, value=text))},
                }
            )
    # Column names are written at 60° (at 35° they piled up on a phone): their height is about 0.87 of their length.
    names_height = int(max([len(c) for c in shown_columns] + [4]) * TEXT_SIZE * LABEL_CHAR_WIDTH * 0.87)
    row_names_width = int(max([len(r) for r in shown_rows] + [4]) * TEXT_SIZE * LABEL_CHAR_WIDTH)
    option = {
        **base_option(TEXT_SIZE),
        "grid": {"left": row_names_width + 12, "right": 100, "top": names_height + 12, "bottom": 10, "outerBoundsMode": "none"},
        "xAxis": {
            "type": "category",
            "position": "top",
            "data": shown_columns,
            "axisLabel": {"rotate": 60, "interval": 0, "fontSize": TEXT_SIZE, "fontFamily": FONT_FAMILY},
            "splitArea": {"show": False},
        },
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": shown_rows,
            "axisLabel": {"interval": 0, "fontSize": TEXT_SIZE, "fontFamily": FONT_FAMILY},
        },
        "visualMap": {
            "type": "continuous",
            "min": 0,
            "max": top,
            "calculable": False,
            "hoverLink": False,  # its marker would say a rounded number, written the English way
            "orient": "vertical",
            "right": 0,
            "top": "middle",
            "text": [scale_ends[1], scale_ends[0]],
            "inRange": {"color": HEATMAP_COLOURS},
            "textStyle": {"fontSize": TEXT_SIZE, "fontFamily": FONT_FAMILY},
        },
        "series": [
            {
                "type": "heatmap",
                "name": scale_title,
                "data": data,
                "label": {"show": cell_labels, "fontSize": TEXT_SIZE, "fontFamily": FONT_FAMILY},
            }
        ],
    }
    return EChart(option, height=max(260, 34 * len(rows) + names_height + 30))


def heatmap(matrix: pd.DataFrame, *, colorbar_title: str, lang: str, max_label_chars: int = 28) -> EChart:
    """A rows × columns heatmap of counts, each cell labelled with its count; full names on hover."""
    values = [[float(v) for v in row] for row in matrix.to_numpy().tolist()]
    top = max([max(r) for r in values if r] + [1.0])
    return _heatmap(
        [inert(r) for r in matrix.index],
        [inert(c) for c in matrix.columns],
        values,
        top=top,
        cell_text=lambda v: format_number(int(v), lang),
        scale_title=colorbar_title,
        scale_ends=(t("common.labelled", lang, label=colorbar_title, value=format_number(0, lang)), format_number(int(top), lang)),
        column_label_chars=max_label_chars,
        row_label_chars=40,
        lang=lang,
    )


def score_heatmap(matrix: pd.DataFrame, *, colorbar_title: str, lang: str, decimals: int, max_label_chars: int = 24) -> EChart:
    """A symmetric city × city score heatmap, scores shown with ``decimals`` decimals; full names on hover.

    A city's cell with itself is left blank: it is not a pair.
    """
    labels = [inert(c) for c in matrix.columns]
    raw = matrix.to_numpy(dtype=float).round(decimals).tolist()
    values = [[None if i == j else value for j, value in enumerate(row)] for i, row in enumerate(raw)]
    top = max([v for r in values for v in r if v is not None] + [1.0])

    def text(value: float) -> str:
        return format_number(round(value, decimals), lang, decimals=decimals)

    return _heatmap(
        labels,
        labels,
        values,
        top=top,
        cell_text=text,
        scale_title=colorbar_title,
        scale_ends=(t("common.labelled", lang, label=colorbar_title, value=text(0.0)), text(top)),
        column_label_chars=max_label_chars,
        row_label_chars=max_label_chars,
        lang=lang,
        cell_labels=len(labels) <= 15,  # more cells than that are too small for their number
    )
