"""Maps of the member cities as ECharts options (pure functions): the app's own base map, no internet.

Streamlit's ECharts element draws no geographic maps, so a map here is a
plain chart whose axes are longitude and Mercator latitude
(:mod:`afus.base_map`), kept in the frame's shape at any width: the sea is
the chart's background, each land outline a closed line filled down to its
own lowest point (a filled polygon), cities a scatter series per country,
peer matches a lines series. Like every chart it is updated in place when a
filter changes it, and its library is the one the bars already load.
Names are placed so that they do not overlap (:func:`afus.charts.label_layout`)
and are drawn as text, never HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from afus.base_map import frame, frame_aspect, land_rings, mercator_y
from afus.charts import BORDER, COUNTRY_COLOURS, LAND, MAP_TEXT_COLOUR, MAX_MAP_LABELS, OCEAN, OTHER_COLOUR, label_positions
from afus.stat_charts import FONT_FAMILY, TEXT_SIZE, EChart, base_option, inert, tooltip_text

LEGEND_BAND = 34  # pixels above the map for its legend
# A phone is narrower than a map this high: the map is then as wide as the
# chart and as high as its shape allows, to within this share of the width.
NARROW_STEP = 0.02
NARROWEST = 0.2  # chart width over height
# In fullscreen the map takes this share of the chart's height (the legend the rest),
# its width within a step of this factor of the chart's shape; up to WIDEST.
FULL_SHARE = 0.94
FULL_STEP = 1.06
WIDEST = 4.0

# Each place of afus.charts.LABEL_PLACES as ECharts places a label: side of the marker, text alignment.
LABEL_PLACES = {
    "top center": ("top", "center"),
    "bottom center": ("bottom", "center"),
    "middle right": ("right", "left"),
    "middle left": ("left", "right"),
    "top right": ("top", "left"),
    "top left": ("top", "right"),
    "bottom right": ("bottom", "left"),
    "bottom left": ("bottom", "right"),
}

MARKER_SIZE, FOCUS_MARKER_SIZE = 12, 18  # pixels

LINK_COLOUR = "#4D4D4D"
LINK_WIDTHS = (1.5, 3.0, 5.5)  # weak, medium, strong thirds of the best score
LABELLED_NODES_MAX = 30  # above this, city names show on hover only


def _land_series() -> list[dict]:
    return [
        {
            "type": "line",
            "data": [list(point) for point in ring],
            "symbol": "none",
            "silent": True,
            "tooltip": {"show": False},
            "lineStyle": {"color": BORDER, "width": 0.6},
            # Filled down to the ring's first point, its lowest: the fill is the ring's inside.
            "areaStyle": {"color": LAND, "opacity": 1, "origin": ring[0][1]},
            "z": 1,
        }
        for ring in land_rings()
    ]


def _grid(map_height: int) -> dict:
    """The map's frame in the chart: ``map_height`` pixels high, as wide as its shape, centred under the legend."""
    return {"left": "center", "top": LEGEND_BAND, "width": round(map_height * frame_aspect()), "height": map_height}


def _layouts(map_height: int) -> list[dict]:
    """ECharts media rules that keep the map in its frame's shape in any chart.

    - The first rule, with no query, is ECharts' default: the map as drawn
      on the page (``_grid``). A chart that was narrow and is wide again (a
      phone turned, a window widened) goes back to it.
    - A chart narrower than the map (a phone): a full-width map, less high.
    - A chart higher than drawn on the page (Streamlit's fullscreen): the map
      fills it, under the legend, in as many steps of the chart's shape as
      keep it within ``FULL_STEP`` of the frame's shape.
    """
    aspect, total = frame_aspect(), map_height + LEGEND_BAND
    rules: list[dict] = [{"option": {"grid": _grid(map_height)}}]
    ratio = map_height * aspect / total  # chart width over height at which the map just fits
    while ratio > NARROWEST:
        middle = ratio - NARROW_STEP / 2
        rules.append(
            {
                "query": {"maxAspectRatio": round(ratio, 3), "maxHeight": total + 10},
                "option": {"grid": {"left": 0, "width": "100%", "height": f"{100 * middle / aspect:.2f}%"}},
            }
        )
        ratio -= NARROW_STEP
    low = NARROWEST
    while low < WIDEST:
        high = low * FULL_STEP
        middle = (low * high) ** 0.5
        if middle >= FULL_SHARE * aspect:  # as high as the chart allows, centred
            width = 100 * FULL_SHARE * aspect / middle
            grid = {"left": f"{(100 - width) / 2:.2f}%", "width": f"{width:.2f}%", "height": f"{100 * FULL_SHARE:.0f}%"}
        else:  # as wide as the chart
            grid = {"left": 0, "width": "100%", "height": f"{100 * middle / aspect:.2f}%"}
        rules.append(
            {
                "query": {"minHeight": total + 11, "minAspectRatio": round(low, 4), "maxAspectRatio": round(high, 4)},
                "option": {"grid": {**grid, "top": f"{100 * (1 - FULL_SHARE):.0f}%"}},
            }
        )
        low = high
    return rules


def _frame_option(map_height: int, text_size: int, legend: list[str]) -> dict:
    left, right, bottom, top = frame()
    option = {
        **base_option(text_size),
        "legend": {"data": legend, "top": 4, "left": "center", "textStyle": {"fontSize": text_size, "fontFamily": FONT_FAMILY}, "selectedMode": False},
        "grid": {**_grid(map_height), "show": True, "backgroundColor": OCEAN, "borderWidth": 0},
        "xAxis": {"type": "value", "min": left, "max": right, "show": False},
        "yAxis": {"type": "value", "min": round(bottom, 3), "max": round(top, 3), "show": False},
    }
    return {"baseOption": option, "media": _layouts(map_height)}


def member_map(
    cities: pd.DataFrame,
    country_labels: Mapping[str, str],
    *,
    focus_slug: str | None = None,
    height: int = 520,
    label_size: int = 13,
    text_size: int = TEXT_SIZE,
    labelled: bool | None = None,
    name_focus_only: bool = False,
    extra_series: Sequence[dict] = (),
    extra_legend: Sequence[str] = (),
) -> EChart:
    """Member cities on a map of France and Sweden ``height`` pixels high, one marker colour (and legend entry) per country.

    ``cities`` needs ``slug``, ``name``, ``country``, ``latitude``, ``longitude``.
    With ``focus_slug`` that city is drawn larger and the others fainter.
    Names are ``label_size`` pixels high, placed so that they do not overlap;
    beyond ``MAX_MAP_LABELS`` cities (or with ``labelled=False``) they show on
    hover only; with ``name_focus_only``, only the focused city is named, in
    bold (a slide, as the take-home deck's maps: a neighbour's name beside
    the larger marker would be read as the city's). ``text_size``: the
    legend's. ``extra_series`` are drawn
    between the land and the cities (the peer finder's links).
    """
    located = cities[cities["latitude"].notna() & cities["longitude"].notna()]
    if labelled is None:
        labelled = len(located) <= MAX_MAP_LABELS
    focus_slug = focus_slug if focus_slug in set(located["slug"]) else None
    # The focused city last, and its country's series last: its larger marker is drawn over its neighbours'.
    located = located.assign(_focus=located["slug"] == focus_slug).sort_values("_focus", kind="stable")
    sizes = [FOCUS_MARKER_SIZE if focused else MARKER_SIZE for focused in located["_focus"]] if focus_slug else MARKER_SIZE
    named = located["_focus"] if focus_slug and name_focus_only else pd.Series(True, index=located.index)
    places = {}
    if labelled and len(located):
        # Every marker counts for the names' places; a city not named has an empty name.
        positions = label_positions(
            located["latitude"].tolist(), located["longitude"].tolist(), located["name"].where(named, "").tolist(),
            height=height, font_size=label_size, marker_size=sizes,
        )
        places = {slug: place for slug, place, shown in zip(located["slug"], positions, named, strict=True) if shown}
    series = [*_land_series(), *extra_series]
    countries = sorted(set(located["country"]), key=lambda c: (c not in COUNTRY_COLOURS, c))
    legend = [inert(country_labels.get(c, c)) for c in countries]
    focus_country = located.loc[located["_focus"], "country"].tolist()
    for country in sorted(countries, key=lambda c: [c] == focus_country):
        rows = located[located["country"] == country]
        label = inert(country_labels.get(country, country))
        data = []
        for row in rows.itertuples():
            focused = not focus_slug or row.slug == focus_slug
            name = inert(row.name)
            item = {
                "value": [round(float(row.longitude), 4), round(mercator_y(float(row.latitude)), 4)],
                "name": name,
                "symbolSize": FOCUS_MARKER_SIZE if focused and focus_slug else MARKER_SIZE,
                "itemStyle": {"opacity": 1.0 if focused else 0.45},
                "tooltip": {"formatter": tooltip_text(name, label)},
            }
            if row.slug in places:
                position, align = LABEL_PLACES[places[row.slug]]
                # A faded city's name stays as dark as the others (the fading would take its contrast).
                item["label"] = {"position": position, "align": align, "opacity": 1}
                if name_focus_only and focus_slug:
                    item["label"]["fontWeight"] = "bold"
            elif labelled:
                item["label"] = {"show": False}
            data.append(item)
        series.append(
            {
                "type": "scatter",
                "name": label,
                "data": data,
                "itemStyle": {"color": COUNTRY_COLOURS.get(country, OTHER_COLOUR), "borderColor": "#FFFFFF", "borderWidth": 1},
                "label": {
                    "show": labelled,
                    "formatter": "{b}",
                    "color": MAP_TEXT_COLOUR,
                    "fontSize": label_size,
                    "fontFamily": FONT_FAMILY,
                    "distance": 4,
                },
                "emphasis": {"scale": False},
                "z": 5,
            }
        )
    option = _frame_option(height, text_size, [*legend, *extra_legend])
    option["baseOption"]["series"] = series
    return EChart(option, height=height + LEGEND_BAND)


def peer_network_map(
    cities: pd.DataFrame,
    links: Sequence[tuple[int, int, float]],
    country_labels: Mapping[str, str],
    *,
    link_label: str,
    height: int = 560,
) -> EChart:
    """Cities on the map joined by their matches; a thicker line is a stronger match.

    ``cities`` needs ``id``, ``slug``, ``name``, ``country``, ``latitude``,
    ``longitude``; ``links`` are (city id, city id, score). Only cities on a
    link are drawn; links are grouped in three widths
    (thirds of the best score) so the option stays small at any size.
    """
    linked = {i for a, b, _ in links for i in (a, b)}
    shown = cities[cities["id"].isin(linked)]
    where = {
        int(r.id): [round(float(r.longitude), 4), round(mercator_y(float(r.latitude)), 4)]
        for r in shown.itertuples()
        if r.latitude == r.latitude and r.longitude == r.longitude
    }
    best = max((s for _, _, s in links), default=0.0)
    label = inert(link_label)
    line_series = []
    for level, width in enumerate(LINK_WIDTHS):
        coords = [
            {"coords": [where[a], where[b]]}
            for a, b, score in links
            if (min(2, int(3 * score / best)) if best > 0 else 0) == level and a in where and b in where
        ]
        if coords:
            line_series.append(
                {
                    "type": "lines",
                    "coordinateSystem": "cartesian2d",
                    "name": label,  # one legend entry for all widths
                    "data": coords,
                    "silent": True,
                    "lineStyle": {"color": LINK_COLOUR, "width": width, "opacity": 0.55},
                    "z": 3,
                }
            )
    return member_map(
        shown,
        country_labels,
        height=height,
        labelled=len(shown) <= LABELLED_NODES_MAX,
        extra_series=line_series,
        extra_legend=[label] if line_series else [],
    )
