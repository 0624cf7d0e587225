"""What the maps share: colours, the placing of city names, short labels, themed chart text (pure).

The page maps are ECharts options (:mod:`afus.maps`), the take-home files'
maps matplotlib pictures (:mod:`afus.static_charts`); both colour countries
and place names from here. Every other chart (bars, heatmaps, the calendar's
timeline) is built by :mod:`afus.stat_charts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from afus.base_map import NETWORK_LAT_RANGE, NETWORK_LON_RANGE, mercator_y

# Okabe–Ito colours: distinguishable with colour-blindness, at least 3:1 on white.
COUNTRY_COLOURS: dict[str, str] = {"FR": "#0072B2", "SE": "#D55E00"}
OTHER_COLOUR = "#555555"
LAND = "#EEF0EA"
OCEAN = "#DCEBF5"
BORDER = "#8C8C8C"
# City names on a map: dark on the light land and sea, in both themes.
MAP_TEXT_COLOUR = "#1A1A1A"
MAX_MAP_LABELS = 40
# Streamlit's ECharts theme writes axis names in the light theme in this grey,
# 3.8:1 on white (its dark theme's are light enough): drawn dark instead. The
# page's theme is known in the browser only, so this is a CSS rule on the
# attribute the light theme writes. Static CSS, no user text.
ECHARTS_FADED_TEXT = "#808495"
THEMED_TEXT_CSS = f"""<style>
.stEChartsChart text[fill="{ECHARTS_FADED_TEXT}"] {{ fill: {MAP_TEXT_COLOUR} !important; }}
</style>"""


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


# Where a name may go beside its marker (vertical side, horizontal side), in order of preference.
LABEL_PLACES = ("top center", "middle right", "middle left", "bottom center", "top right", "top left", "bottom right", "bottom left")
LABEL_CHAR_WIDTH = 0.5  # average character width as a share of the font size (Source Sans)


Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels


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
    """Where each name goes (one of ``LABEL_PLACES``), its estimated box, the markers' boxes and the map's frame."""

    positions: list[str]
    boxes: list[Box]
    markers: list[Box]
    frame: Box


def label_positions(lats: Sequence[float], lons: Sequence[float], names: Sequence[str], **sizes: int | Sequence[int]) -> list[str]:
    """Where to put each city's name on the member map (see :func:`label_layout`)."""
    return label_layout(lats, lons, names, **sizes).positions


def label_layout(
    lats: Sequence[float],
    lons: Sequence[float],
    names: Sequence[str],
    *,
    height: int = 520,
    font_size: int = 13,
    marker_size: int | Sequence[int] = 12,
) -> LabelLayout:
    """Where to put each city's name on the member map so that names neither overlap nor leave the map.

    The map shows ``NETWORK_LAT_RANGE`` × ``NETWORK_LON_RANGE`` in a Mercator
    projection, ``height`` pixels high. Each name's box is estimated in
    pixels. Cities whose names could touch form a group; within a group of
    up to ``EXHAUSTIVE_GROUP`` every combination of places is weighed (least
    overlap of names, markers and map edge, then the most preferred places
    in ``LABEL_PLACES``); a larger group is placed city by city.
    ``marker_size``: pixels, one for all or one per city (a focused city's is larger).
    """
    top = mercator_y(NETWORK_LAT_RANGE[1])
    scale = height / (top - mercator_y(NETWORK_LAT_RANGE[0]))
    frame = (0.0, 0.0, (NETWORK_LON_RANGE[1] - NETWORK_LON_RANGE[0]) * scale, float(height))
    points = [
        ((lon - NETWORK_LON_RANGE[0]) * scale, (top - mercator_y(lat)) * scale)
        for lat, lon in zip(lats, lons, strict=True)
    ]
    radii = [size / 2 + 1 for size in (marker_size if isinstance(marker_size, Sequence) else [marker_size] * len(points))]
    markers = [(x - r, y - r, x + r, y + r) for (x, y), r in zip(points, radii, strict=True)]
    sizes = [(LABEL_CHAR_WIDTH * font_size * len(str(name)), font_size * 1.15) for name in names]
    reach = [max(w, 40.0) for w, _ in sizes]

    def crowding(i: int) -> int:
        return sum(1 for j, (x, y) in enumerate(points) if j != i and abs(x - points[i][0]) < reach[i] and abs(y - points[i][1]) < 3 * font_size)

    # Each city's candidate boxes, with what they cost alone: leaving the map, covering another marker.
    candidates: list[list[tuple[str, Box, float]]] = []
    for i, (x, y) in enumerate(points):
        options = []
        for place in LABEL_PLACES:
            box = _label_box(place, x, y, *sizes[i], gap=radii[i] + 1)
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
