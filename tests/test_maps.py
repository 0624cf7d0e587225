"""Maps as ECharts options: the app's own base map, cities per country, names, focus, peer links (pure functions)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from afus import base_map, charts, maps

LABELS = {"FR": "France", "SE": "Sweden"}


@pytest.fixture(scope="module")
def network(seeded_network):
    return seeded_network


def _series(chart, kind: str) -> list[dict]:
    return [s for s in chart.option["baseOption"]["series"] if s["type"] == kind]


def _cities(chart) -> dict[str, dict]:
    """Each city's data item by its name, with its series' name as ``country``."""
    return {item["name"]: {**item, "country": s["name"]} for s in _series(chart, "scatter") for item in s["data"]}


def test_the_base_map_is_the_app_own_file_and_covers_france_and_sweden():
    topology = json.loads(base_map.BASE_MAP.read_text(encoding="utf-8"))
    assert topology["type"] == "Topology"
    assert {"FRA", "SWE"} <= {g.get("id") for g in topology["objects"]["countries"]["geometries"]}
    rings = base_map.land_rings()
    left, right, bottom, top = base_map.frame()
    margin = base_map.FRAME_MARGIN + 0.01
    assert len(rings) > 50
    for ring in rings:
        assert ring[0] == ring[-1] and ring[0][1] == min(y for _, y in ring)  # closed, from its lowest point
        assert all(left - margin <= x <= right + margin and bottom - margin <= y <= top + margin for x, y in ring)
    # Small enough to send with every map: a few thousand points.
    assert sum(len(r) for r in rings) < 5_000


def test_a_ring_cut_to_the_frame_keeps_its_inside():
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]
    assert sorted(set(base_map.clip(square, 1, 2, -1, 10))) == [(1, 0), (1, 4), (2, 0), (2, 4)]
    assert base_map.clip(square, 5, 6, 0, 4) == []
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (3.0, 1.0)]
    assert base_map.simplify(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (3.0, 1.0)]


def test_member_map_one_series_per_country_over_land_and_sea(network):
    chart = maps.member_map(network.cities, LABELS)
    scatter = _series(chart, "scatter")
    assert [s["name"] for s in scatter] == ["France", "Sweden"]
    france, sweden = ({item["name"] for item in s["data"]} for s in scatter)
    assert france == {"Grenoble", "La Rochelle", "Paris", "Saint-Brieuc", "Strasbourg"}
    assert sweden == {"Borås", "Gothenburg", "Linköping", "Malmö", "Umeå"}
    assert [s["itemStyle"]["color"] for s in scatter] == [charts.COUNTRY_COLOURS["FR"], charts.COUNTRY_COLOURS["SE"]]
    assert chart.option["baseOption"]["legend"]["data"] == ["France", "Sweden"]
    land = _series(chart, "line")
    assert len(land) == len(base_map.land_rings()) and all(s["areaStyle"]["color"] == charts.LAND and s["silent"] for s in land)
    assert chart.option["baseOption"]["grid"]["backgroundColor"] == charts.OCEAN
    # Umeå far north, Saint-Brieuc far west: the gazetteer's coordinates, projected.
    cities = _cities(chart)
    assert cities["Umeå"]["value"][1] == pytest.approx(base_map.mercator_y(63.83), abs=0.1)
    assert cities["Saint-Brieuc"]["value"][0] == min(c["value"][0] for c in cities.values())
    assert cities["Malmö"]["tooltip"]["formatter"] == "Malmö\nSweden"


def _drawn_grid(chart, width: float, height: float) -> tuple[float, float, float, float]:
    """Where ECharts draws the map's frame in a chart ``width`` × ``height`` pixels: left, top, width, height.

    Its media rules: every rule whose query matches is merged in order over
    the base option; the rule with no query only when none matches.
    """
    def matches(query: dict) -> bool:
        bounds = {"Width": width, "Height": height, "AspectRatio": width / height}
        return all(query.get(f"min{k}", -math.inf) <= v <= query.get(f"max{k}", math.inf) for k, v in bounds.items())

    default, *rules = chart.option["media"]
    grid = dict(chart.option["baseOption"]["grid"])
    for rule in [r for r in rules if matches(r["query"])] or [default]:
        grid.update(rule["option"]["grid"])

    def px(value, whole: float) -> float:  # noqa: ANN001
        return float(value.rstrip("%")) / 100 * whole if isinstance(value, str) else float(value)

    w, h = px(grid["width"], width), px(grid["height"], height)
    left = (width - w) / 2 if grid["left"] == "center" else px(grid["left"], width)
    return left, px(grid["top"], height), w, h


@pytest.mark.parametrize("map_height", [520, 420, 306])
def test_the_map_keeps_its_shape_at_any_width_and_in_fullscreen(network, map_height):
    chart = maps.member_map(network.cities, LABELS, height=map_height)
    option = chart.option["baseOption"]
    aspect = base_map.frame_aspect()
    assert chart.height == map_height + maps.LEGEND_BAND
    assert (option["xAxis"]["min"], option["xAxis"]["max"]) == base_map.NETWORK_LON_RANGE
    # On the page (a phone to a wide screen, and back: a phone turned) and in Streamlit's fullscreen
    # (any screen, upright or across): the frame's shape, inside the chart, under the legend.
    sizes = [(w, chart.height) for w in range(200, 2000, 37)] + [(w, h) for w in range(300, 2600, 101) for h in (640, 697, 961, 1300)]
    for width, height in sizes:
        left, top, w, h = _drawn_grid(chart, width, height)
        assert w / h == pytest.approx(aspect, rel=0.04), (width, height)
        assert left >= -0.5 and left + w <= width + 0.5 and top >= 0.9 * maps.LEGEND_BAND and top + h <= height + 0.5, (width, height)
        # As large as the chart allows: it fills the chart's height or its width.
        assert h >= 0.9 * (height - top) or w >= 0.97 * width, (width, height)
    assert _drawn_grid(chart, 1200, chart.height) == ((1200 - round(map_height * aspect)) / 2, maps.LEGEND_BAND, round(map_height * aspect), map_height)


def test_the_focused_city_is_drawn_over_its_neighbours(network):
    """Gothenburg's larger marker is drawn last, over Borås's (a degree away): its country's series last, it last in it."""
    for focus, name in (("gothenburg", "Gothenburg"), ("paris", "Paris")):
        chart = maps.member_map(network.cities, LABELS, focus_slug=focus)
        assert _series(chart, "scatter")[-1]["data"][-1]["name"] == name
        assert chart.option["baseOption"]["legend"]["data"] == ["France", "Sweden"]


def test_a_slide_names_its_city_alone(network):
    """On a slide only the focused city is named, in bold, as in the take-home deck; the others show on hover."""
    cities = _cities(maps.member_map(network.cities, LABELS, focus_slug="gothenburg", height=306, label_size=18, name_focus_only=True))
    named = {name for name, city in cities.items() if city["label"].get("show", True)}
    assert named == {"Gothenburg"} and cities["Gothenburg"]["label"]["fontWeight"] == "bold"
    assert cities["Borås"]["tooltip"]["formatter"] == "Borås\nSweden"
    # Without a focus (the network at a glance, a pair) every city is named.
    everyone = _cities(maps.member_map(network.cities, LABELS, height=306, label_size=15, name_focus_only=True))
    assert all(city["label"].get("show", True) for city in everyone.values())


def test_member_map_skips_cities_without_coordinates():
    cities = pd.DataFrame(
        {"slug": ["a", "b"], "name": ["A", "B"], "country": ["FR", "FR"], "latitude": [48.0, None], "longitude": [2.0, None]}
    )
    assert list(_cities(maps.member_map(cities, LABELS))) == ["A"]


def test_the_map_uses_the_names_places(network):
    chart = maps.member_map(network.cities, LABELS, height=340, label_size=15)
    places = charts.label_positions(
        network.cities["latitude"].tolist(), network.cities["longitude"].tolist(), network.cities["name"].tolist(), height=340, font_size=15
    )
    cities = _cities(chart)
    for name, place in zip(network.cities["name"], places, strict=True):
        label = cities[name]["label"]
        assert (label["position"], label["align"]) == maps.LABEL_PLACES[place]
    assert cities["Umeå"]["label"]["position"] == "top" and len({(c["label"]["position"], c["label"]["align"]) for c in cities.values()}) > 2
    assert {s["label"]["fontSize"] for s in _series(chart, "scatter")} == {15}
    assert set(maps.LABEL_PLACES) == set(charts.LABEL_PLACES)


def test_a_crowded_map_keeps_names_for_hover_only():
    many = pd.DataFrame(
        {
            "slug": [f"c{i}" for i in range(60)],
            "name": [f"City {i}" for i in range(60)],
            "country": ["FR"] * 30 + ["SE"] * 30,
            "latitude": [45 + i * 0.2 for i in range(60)],
            "longitude": [2 + i * 0.2 for i in range(60)],
        }
    )
    chart = maps.member_map(many, LABELS)
    assert [s["label"]["show"] for s in _series(chart, "scatter")] == [False, False]
    assert len(_cities(chart)) == 60 and _cities(chart)["City 3"]["tooltip"]["formatter"] == "City 3\nFrance"


def test_names_from_the_content_stay_as_written():
    """A city named like ECharts' placeholders or rich text, or like HTML, is shown as written: text, not markup."""
    cities = pd.DataFrame({"slug": ["x"], "name": ["{b} <img src=x onerror=alert(1)> {a|x}"], "country": ["FR"], "latitude": [48.0], "longitude": [2.0]})
    chart = maps.member_map(cities, {"FR": "Fr{a}nce"})
    (item,) = _cities(chart).values()
    assert item["name"] == "{\u200bb} <img src=x onerror=alert(1)> {\u200ba|x}"
    assert item["tooltip"]["formatter"] == "{\u200bb} <img src=x onerror=alert(1)> {\u200ba|x}\nFr{\u200ba}nce"
    assert chart.option["baseOption"]["tooltip"]["renderMode"] == "richText" and chart.option["baseOption"]["animation"] is False


def test_peer_map_draws_linked_cities_and_three_widths_of_links(network):
    cities = network.cities
    ids = dict(zip(cities["slug"], cities["id"].astype(int), strict=True))
    links = [(ids["malmo"], ids["saint-brieuc"], 4.9), (ids["umea"], ids["grenoble"], 2.5), (ids["boras"], ids["paris"], 0.5)]
    chart = maps.peer_network_map(cities, links, LABELS, link_label="Match")
    shown = _cities(chart)
    assert set(shown) == {"Malmö", "Saint-Brieuc", "Umeå", "Grenoble", "Borås", "Paris"}  # a city on no link is left out
    lines = _series(chart, "lines")
    assert [s["lineStyle"]["width"] for s in lines] == list(maps.LINK_WIDTHS)
    strong = lines[-1]["data"][0]["coords"]
    assert strong == [shown["Malmö"]["value"], shown["Saint-Brieuc"]["value"]]
    assert chart.option["baseOption"]["legend"]["data"] == ["France", "Sweden", "Match"]
    # Links under the cities, over the land.
    assert all(s["z"] < _series(chart, "scatter")[0]["z"] and s["z"] > _series(chart, "line")[0]["z"] for s in lines)


def test_the_map_projection_is_mercator():
    assert base_map.mercator_y(0) == pytest.approx(0, abs=1e-9)
    assert base_map.mercator_y(60) == pytest.approx(math.degrees(math.log(math.tan(math.radians(75)))))
