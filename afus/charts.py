"""Maps as plotly figures: pure functions that take frames (and labels) and return figures.

Render every figure with ``st.plotly_chart(fig, config=PLOTLY_CONFIG)`` (``ui.chart``
does): the config points plotly at the base maps served by the app itself
(``static/topojson/``), so maps draw with no internet access. Every other chart
(bars, heatmaps, the calendar's timeline) is an ECharts option: :mod:`afus.stat_charts`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

PLOTLY_CONFIG: dict = {
    # Served by Streamlit's static file serving (enableStaticServing) from static/topojson/.
    "topojsonURL": "/app/static/topojson/",
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
}

# Okabe–Ito colours: distinguishable with colour-blindness, at least 3:1 on white.
COUNTRY_COLOURS: dict[str, str] = {"FR": "#0072B2", "SE": "#D55E00"}
OTHER_COLOUR = "#555555"

# France and Sweden with some margin (degrees).
NETWORK_LAT_RANGE = (41.0, 67.5)
NETWORK_LON_RANGE = (-13.0, 30.0)
# Dark text on charts (the default grey ticks are below 4.5:1 on white).
TEXT_COLOUR = "#1A1A1A"
FONT = dict(size=14, color=TEXT_COLOUR)
MAX_MAP_LABELS = 40
LIGHT_TEXT_COLOUR = "#FAFAFA"
# Streamlit's ECharts theme writes axis names in the light theme in this grey,
# 3.8:1 on white (its dark theme's are light enough): drawn dark instead.
ECHARTS_FADED_TEXT = "#808495"
# The figures say TEXT_COLOUR (dark, for contrast on white), which the dark
# theme would draw on a dark page. The page's theme is known in the browser
# only (Streamlit sets ``color-scheme`` on the app), so the text outside the
# map (its legend) follows it there: ``light-dark()`` picks by the inherited colour
# scheme, and ``!important`` wins over plotly's inline ``fill``. City names
# on a map stay dark: they sit on the light land and sea. Static CSS, no user text.
THEMED_TEXT_CSS = f"""<style>
.stPlotlyChart .legendtext {{
  fill: light-dark({TEXT_COLOUR}, {LIGHT_TEXT_COLOUR}) !important;
}}
.stPlotlyChart .legend .bg {{ fill: light-dark(rgba(255, 255, 255, 0.85), rgba(14, 17, 23, 0.85)) !important; }}
.stEChartsChart text[fill="{ECHARTS_FADED_TEXT}"] {{ fill: {TEXT_COLOUR} !important; }}
</style>"""


# Plotly's decimal mark and thousands separator (layout.separators) as each language writes
# numbers (afus.i18n.format_number): "4,9" and "1 234" in French, "4.9" and "1,234" in English.
SEPARATORS = {"en": ".,", "fr": ",\u202f", "sv": ",\u00a0"}


def short_label(text: str, max_chars: int = 42) -> str:
    """``text`` cut to ``max_chars`` with an ellipsis, on a word boundary when possible."""
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    # Back to the last space, unless the cut already ends a word ("…la rénovation| des").
    if text[max_chars - 1] != " " and " " in cut[max_chars // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,:;–-") + "…"


def member_map(
    cities: pd.DataFrame,
    country_labels: Mapping[str, str],
    *,
    focus_slug: str | None = None,
    height: int = 520,
    label_size: int = 13,
) -> go.Figure:
    """Member cities on a map of France and Sweden, one marker colour (and legend entry) per country.

    ``cities`` needs ``slug``, ``name``, ``country``, ``latitude``, ``longitude``.
    With ``focus_slug`` that city is drawn larger and the others fainter.
    Names are ``label_size`` pixels high, placed so that they do not overlap.
    """
    fig = go.Figure()
    located = cities[cities["latitude"].notna() & cities["longitude"].notna()]
    # Names on the map while they stay readable; beyond that they show on hover only.
    labelled = len(located) <= MAX_MAP_LABELS
    if labelled:
        places = dict(zip(located["slug"], label_positions(
            located["latitude"].tolist(), located["longitude"].tolist(), located["name"].tolist(),
            height=height, font_size=label_size,
        ), strict=True))
    for country in sorted(set(located["country"]), key=lambda c: (c not in COUNTRY_COLOURS, c)):
        rows = located[located["country"] == country]
        focus = (rows["slug"] == focus_slug).tolist() if focus_slug else [True] * len(rows)
        fig.add_trace(
            go.Scattergeo(
                lat=rows["latitude"].tolist(),
                lon=rows["longitude"].tolist(),
                text=rows["name"].tolist(),
                customdata=rows["slug"].tolist(),
                name=country_labels.get(country, country),
                mode="markers+text" if labelled else "markers",
                textposition=[places[slug] for slug in rows["slug"]] if labelled else None,
                textfont=dict(size=label_size, color="#1A1A1A"),
                hovertemplate="%{text}<extra>" + _hover_safe(country_labels.get(country, country)) + "</extra>",
                marker=dict(
                    size=[18 if f and focus_slug else 12 for f in focus],
                    color=COUNTRY_COLOURS.get(country, OTHER_COLOUR),
                    opacity=[1.0 if f else 0.45 for f in focus],
                    line=dict(width=1, color="#FFFFFF"),
                ),
            )
        )
    fig.update_geos(
        scope="europe",
        resolution=50,
        showcountries=True,
        countrycolor="#8C8C8C",
        showland=True,
        landcolor="#EEF0EA",
        showocean=True,
        oceancolor="#DCEBF5",
        showlakes=False,
        lataxis_range=list(NETWORK_LAT_RANGE),
        lonaxis_range=list(NETWORK_LON_RANGE),
        projection_type="mercator",
    )
    fig.update_layout(
        height=height,
        margin=dict(l=0, r=0, t=10, b=0),
        legend=dict(orientation="h", yanchor="bottom", y=0.01, xanchor="left", x=0.01, bgcolor="rgba(255,255,255,0.85)"),
        font=FONT,
    )
    return fig


# Text of a chart shown on a slide: read from the back of a room.
ROOM_TEXT_SIZE = 17
ROOM_TICK_SIZE = 16


def for_the_room(figure: go.Figure) -> go.Figure:
    """``figure`` (changed in place) with every text large enough to read from the back of a room.

    Streamlit's chart theme sets tick and legend sizes of its own, which the
    figure's base font does not override: each is set here.
    """
    figure.update_layout(font_size=ROOM_TEXT_SIZE, legend_font_size=ROOM_TEXT_SIZE)
    figure.update_xaxes(tickfont_size=ROOM_TICK_SIZE, title_font_size=ROOM_TEXT_SIZE)
    figure.update_yaxes(tickfont_size=ROOM_TICK_SIZE, title_font_size=ROOM_TEXT_SIZE)
    return figure


# Where a marker's label may go, in order of preference (plotly's textposition).
LABEL_PLACES = ("top center", "middle right", "middle left", "bottom center", "top right", "top left", "bottom right", "bottom left")
LABEL_CHAR_WIDTH = 0.5  # average character width as a share of the font size (Source Sans)
MAP_TOP_MARGIN = 10


Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _label_box(place: str, x: float, y: float, width: float, height: float, gap: float) -> Box:
    vertical, horizontal = place.split()
    if vertical == "middle":
        top = y - height / 2
        left = x + gap if horizontal == "right" else x - gap - width
    else:
        top = y - gap - height if vertical == "top" else y + gap
        if horizontal == "center":
            left = x - width / 2
        else:
            left = x + gap / 2 if horizontal == "right" else x - gap / 2 - width
    return left, top, left + width, top + height


def overlap(a: Box, b: Box) -> float:
    """The area two boxes share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


@dataclass(frozen=True)
class LabelLayout:
    """Where each name goes (plotly textposition), its estimated box, the markers' boxes and the map's frame."""

    positions: list[str]
    boxes: list[Box]
    markers: list[Box]
    frame: Box


def label_positions(lats: Sequence[float], lons: Sequence[float], names: Sequence[str], **sizes: int) -> list[str]:
    """Where to put each city's name on the member map (see :func:`label_layout`)."""
    return label_layout(lats, lons, names, **sizes).positions


def label_layout(
    lats: Sequence[float],
    lons: Sequence[float],
    names: Sequence[str],
    *,
    height: int = 520,
    font_size: int = 13,
    marker_size: int = 12,
) -> LabelLayout:
    """Where to put each city's name on the member map so that names neither overlap nor leave the map.

    The map shows ``NETWORK_LAT_RANGE`` × ``NETWORK_LON_RANGE`` in a Mercator
    projection, ``height`` pixels high. Each name's box is estimated in
    pixels. Cities whose names could touch form a group; within a group of
    up to ``EXHAUSTIVE_GROUP`` every combination of places is weighed (least
    overlap of names, markers and map edge, then the most preferred places
    in ``LABEL_PLACES``); a larger group is placed city by city.
    """
    scale = (height - MAP_TOP_MARGIN) / (_mercator(NETWORK_LAT_RANGE[1]) - _mercator(NETWORK_LAT_RANGE[0]))
    frame = (0.0, 0.0, math.radians(NETWORK_LON_RANGE[1] - NETWORK_LON_RANGE[0]) * scale, height - MAP_TOP_MARGIN)
    points = [
        (math.radians(lon - NETWORK_LON_RANGE[0]) * scale, (_mercator(NETWORK_LAT_RANGE[1]) - _mercator(lat)) * scale)
        for lat, lon in zip(lats, lons, strict=True)
    ]
    radius = marker_size / 2 + 1
    markers = [(x - radius, y - radius, x + radius, y + radius) for x, y in points]
    sizes = [(LABEL_CHAR_WIDTH * font_size * len(str(name)), font_size * 1.15) for name in names]
    reach = [max(w, 40.0) for w, _ in sizes]

    def crowding(i: int) -> int:
        return sum(1 for j, (x, y) in enumerate(points) if j != i and abs(x - points[i][0]) < reach[i] and abs(y - points[i][1]) < 3 * font_size)

    # Each city's candidate boxes, with what they cost alone: leaving the map, covering another marker.
    candidates: list[list[tuple[str, Box, float]]] = []
    for i, (x, y) in enumerate(points):
        options = []
        for place in LABEL_PLACES:
            box = _label_box(place, x, y, *sizes[i], gap=radius + 1)
            outside = (box[2] - box[0]) * (box[3] - box[1]) - overlap(box, frame)
            covered = sum(overlap(box, m) for j, m in enumerate(markers) if j != i)
            options.append((place, box, 4 * outside + 3 * covered))
        candidates.append(options)

    # Cities whose names could touch form a group; each group is solved on its own.
    n = len(points)
    group = list(range(n))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if any(overlap(a[1], b[1]) for a in candidates[i] for b in candidates[j]):
                group[root(i)] = root(j)
    positions = ["top center"] * n
    chosen: dict[int, Box] = {}
    for members in _groups(root, n):
        members.sort(key=lambda i: (-crowding(i), i))
        for i, option in zip(members, _best_options(members, candidates), strict=True):
            positions[i], chosen[i] = candidates[i][option][0], candidates[i][option][1]
    return LabelLayout(positions, [chosen[i] for i in range(n)], markers, frame)


# Up to this many cities whose names could touch, every combination of places is weighed; beyond, each city in turn.
EXHAUSTIVE_GROUP = 7


def _groups(root, n: int) -> list[list[int]]:  # noqa: ANN001
    out: dict[int, list[int]] = {}
    for i in range(n):
        out.setdefault(root(i), []).append(i)
    return [out[k] for k in sorted(out)]


def _best_options(members: list[int], candidates: list[list[tuple[str, Box, float]]]) -> list[int]:
    """For each city of a group, the index of its place: least overlap in all, then the most preferred places."""

    def pair_cost(i: int, a: int, j: int, b: int) -> float:
        return overlap(candidates[i][a][1], candidates[j][b][1])

    # Each city in turn takes its best place given those already placed: a start, and the answer for a large group.
    greedy: list[int] = []
    for k, i in enumerate(members):
        costs = [
            (candidates[i][a][2] + sum(pair_cost(i, a, members[m], greedy[m]) for m in range(k)), a)
            for a in range(len(candidates[i]))
        ]
        greedy.append(min(costs)[1])
    if len(members) > EXHAUSTIVE_GROUP:
        return greedy

    def total(choice: list[int]) -> tuple[float, int]:
        cost = sum(candidates[i][a][2] for i, a in zip(members, choice, strict=True))
        cost += sum(pair_cost(members[k], choice[k], members[m], choice[m]) for k in range(len(members)) for m in range(k))
        return round(cost, 1), sum(choice)

    best = [total(greedy), list(greedy)]

    def search(k: int, choice: list[int], cost: float) -> None:
        # Overlap and the places' ranks only grow as cities are added: a start no better than the best is dropped.
        key = (round(cost, 1), sum(choice))
        if key >= best[0]:
            return
        if k == len(members):
            best[0], best[1] = key, list(choice)
            return
        i = members[k]
        for a in range(len(candidates[i])):
            extra = candidates[i][a][2] + sum(pair_cost(i, a, members[m], choice[m]) for m in range(k))
            choice.append(a)
            search(k + 1, choice, cost + extra)
            choice.pop()

    search(0, [], 0.0)
    return best[1]


def _hover_safe(value: str) -> str:
    # Plotly hover templates interpret %{...}; labels come from our catalogue, but stay literal anyway.
    return str(value).replace("%", "%%").replace("<", "&lt;").replace(">", "&gt;")


# --- peer finder ------------------------------------------------------------------

LINK_COLOUR = "#4D4D4D"
LINK_WIDTHS = (1.5, 3.0, 5.5)  # weak, medium, strong thirds of the best score
LABELLED_NODES_MAX = 30  # above this, city names show on hover only


def peer_network_map(
    cities: pd.DataFrame,
    links: Sequence[tuple[int, int, float]],
    country_labels: Mapping[str, str],
    *,
    link_label: str,
    focus_slug: str | None = None,
    height: int = 560,
) -> go.Figure:
    """Cities on the map joined by their matches; a thicker line is a stronger match.

    ``cities`` needs ``id``, ``slug``, ``name``, ``country``, ``latitude``,
    ``longitude``; ``links`` are (city id, city id, score). Only cities on a
    link (and the focused one) are drawn; links are grouped in three widths
    (thirds of the best score) so the figure stays small at any size.
    """
    linked = {i for a, b, _ in links for i in (a, b)}
    shown = cities[cities["id"].isin(linked) | (cities["slug"] == focus_slug)]
    fig = member_map(shown, country_labels, focus_slug=focus_slug, height=height)
    if len(shown) > LABELLED_NODES_MAX:
        fig.update_traces(mode="markers")
    where = {int(r.id): (r.latitude, r.longitude) for r in shown.itertuples() if r.latitude == r.latitude}
    best = max((s for _, _, s in links), default=0.0)
    line_traces = []
    for level, width in enumerate(LINK_WIDTHS):
        lat: list[float | None] = []
        lon: list[float | None] = []
        for a, b, score in links:
            bucket = min(2, int(3 * score / best)) if best > 0 else 0
            if bucket != level or a not in where or b not in where:
                continue
            lat += [where[a][0], where[b][0], None]
            lon += [where[a][1], where[b][1], None]
        if lat:
            line_traces.append(
                go.Scattergeo(
                    lat=lat,
                    lon=lon,
                    mode="lines",
                    line=dict(width=width, color=LINK_COLOUR),
                    opacity=0.55,
                    hoverinfo="skip",
                    name=link_label,
                    legendgroup="links",
                    showlegend=not line_traces,  # one legend entry for all widths
                )
            )
    # Lines first, so the city markers are drawn on top of them.
    return go.Figure(data=line_traces + list(fig.data), layout=fig.layout)
