"""The base map of France and Sweden: country outlines from the app's own TopoJSON file, no internet.

``static/topojson/europe_50m.json`` (Natural Earth, see its README) is read
once. The page maps (:mod:`afus.maps`) take the outlines projected (Mercator),
cut to the network's frame and simplified to what a 500-pixel map can show;
the take-home files' maps (:mod:`afus.static_charts`) take them as they are.
Pure functions and cached constants; nothing here draws.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_MAP = ROOT / "static" / "topojson" / "europe_50m.json"

# France and Sweden with some margin (degrees).
NETWORK_LAT_RANGE = (41.0, 67.5)
NETWORK_LON_RANGE = (-13.0, 30.0)

Point = tuple[float, float]
Ring = tuple[Point, ...]


def _decode_arcs(topology: dict) -> list[list[Point]]:
    """TopoJSON arcs (quantised, delta-encoded) as lists of (lon, lat)."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[Point]], indices: Sequence[int]) -> list[Point]:
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


@lru_cache(maxsize=1)
def country_outlines(path: Path = BASE_MAP) -> tuple[Ring, ...]:
    """Every country's outer rings as (lon, lat) point tuples; empty when the base map is missing."""
    if not path.exists():
        return ()
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    rings = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            if polygon:
                rings.append(tuple(_ring(arcs, polygon[0])))
    return tuple(rings)


@lru_cache(maxsize=1)
def visible_rings() -> tuple[Ring, ...]:
    """The country rings that reach into the network's frame (others are never seen)."""
    (lon0, lon1), (lat0, lat1) = NETWORK_LON_RANGE, NETWORK_LAT_RANGE
    visible = []
    for ring in country_outlines():
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        if max(lons) >= lon0 and min(lons) <= lon1 and max(lats) >= lat0 and min(lats) <= lat1:
            visible.append(ring)
    return tuple(visible)


def mercator_y(lat: float) -> float:
    """A latitude's height on a Mercator map, in the same units as longitude (degrees at the equator)."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def frame() -> tuple[float, float, float, float]:
    """The network's frame projected: left, right, bottom, top (longitude and :func:`mercator_y` units)."""
    return (*NETWORK_LON_RANGE, mercator_y(NETWORK_LAT_RANGE[0]), mercator_y(NETWORK_LAT_RANGE[1]))


def frame_aspect() -> float:
    """Width over height of the projected frame: a map keeps this shape at any size."""
    left, right, bottom, top = frame()
    return (right - left) / (top - bottom)


def clip(ring: Sequence[Point], left: float, right: float, bottom: float, top: float) -> list[Point]:
    """``ring`` cut to a rectangle (Sutherland–Hodgman): a closed ring stays closed along the edges."""

    def cut(points: list[Point], inside, crossing) -> list[Point]:  # noqa: ANN001
        out: list[Point] = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(crossing(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(crossing(previous, current))
        return out

    def at_x(x: float):  # noqa: ANN202
        return lambda p, q: (x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]))

    def at_y(y: float):  # noqa: ANN202
        return lambda p, q: (p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y)

    points = list(ring)
    for inside, crossing in (
        (lambda p: p[0] >= left, at_x(left)),
        (lambda p: p[0] <= right, at_x(right)),
        (lambda p: p[1] >= bottom, at_y(bottom)),
        (lambda p: p[1] <= top, at_y(top)),
    ):
        if not points:
            break
        points = cut(points, inside, crossing)
    return points


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """``points`` with every point dropped that lies within ``tolerance`` of the line its neighbours kept (Douglas–Peucker)."""
    if len(points) < 3:
        return list(points)
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            distance = abs(dy * (x - x1) - dx * (y - y1)) / length if length else math.hypot(x - x1, y - y1)
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


# A 520-pixel map shows about 0.09 degrees per pixel: finer detail is not seen.
SIMPLIFY_DEGREES = 0.05
SMALLEST_ISLAND = 0.02  # square degrees of the projected bounding box; smaller islands are left out
FRAME_MARGIN = 0.5  # degrees beyond the frame that outlines still cover: no edge shows on screen


@lru_cache(maxsize=1)
def land_rings() -> tuple[Ring, ...]:
    """The land seen in the network's frame: projected rings, each closed, starting at its lowest point, rounded to 0.01."""
    left, right, bottom, top = frame()
    rings = []
    for ring in visible_rings():
        points = clip([(lon, mercator_y(lat)) for lon, lat in ring], left - FRAME_MARGIN, right + FRAME_MARGIN, bottom - FRAME_MARGIN, top + FRAME_MARGIN)
        if len(points) < 3:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        if (max(xs) - min(xs)) * (max(ys) - min(ys)) < SMALLEST_ISLAND:
            continue
        points = simplify([*points, points[0]], SIMPLIFY_DEGREES)[:-1]
        if len(points) < 3:
            continue
        lowest = min(range(len(points)), key=lambda i: points[i][1])
        points = points[lowest:] + points[:lowest] + [points[lowest]]
        rings.append(tuple((round(x, 2), round(y, 2)) for x, y in points))
    return tuple(rings)
