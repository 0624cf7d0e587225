"""Chart builders: pure functions from frames to plotly figures, and the offline base map."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from afus import browse, charts, db
from afus.network import load_network
from tests import stores

ROOT = Path(__file__).resolve().parent.parent
LABELS = {"FR": "France", "SE": "Sweden"}


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    store = stores.new_store("seeded", tmp_path_factory.mktemp("charts"))
    eng = db.make_engine(store.url)
    snapshot = load_network(eng)
    eng.dispose()
    store.drop()
    return snapshot


def test_plotly_config_points_at_the_app_own_base_maps():
    assert charts.PLOTLY_CONFIG["topojsonURL"] == "/app/static/topojson/"
    assert charts.PLOTLY_CONFIG["displaylogo"] is False
    # plotly asks for "<scope>_<resolution>m.json": the map uses europe at 50 m.
    topology = json.loads((ROOT / "static" / "topojson" / "europe_50m.json").read_text(encoding="utf-8"))
    assert topology["type"] == "Topology"
    countries = {g.get("id") for g in topology["objects"]["countries"]["geometries"]}
    assert {"FRA", "SWE"} <= countries


def test_member_map_one_trace_per_country(network):
    fig = charts.member_map(network.cities, LABELS)
    assert [t.name for t in fig.data] == ["France", "Sweden"]
    france, sweden = fig.data
    assert sorted(france.text) == ["Grenoble", "La Rochelle", "Paris", "Saint-Brieuc", "Strasbourg"]
    assert sorted(sweden.text) == ["Borås", "Gothenburg", "Linköping", "Malmö", "Umeå"]
    assert france.marker.color == charts.COUNTRY_COLOURS["FR"]
    assert sweden.marker.color == charts.COUNTRY_COLOURS["SE"]
    assert france.marker.color != sweden.marker.color
    assert "France" in france.hovertemplate


def test_member_map_frames_france_and_sweden_offline(network):
    fig = charts.member_map(network.cities, LABELS)
    geo = fig.layout.geo
    assert (geo.scope, geo.resolution) == ("europe", 50)
    lat_min, lat_max = geo.lataxis.range
    lon_min, lon_max = geo.lonaxis.range
    for trace in fig.data:
        assert all(lat_min < lat < lat_max for lat in trace.lat)
        assert all(lon_min < lon < lon_max for lon in trace.lon)
    # Coordinates are the gazetteer's, e.g. Umeå far north, Saint-Brieuc far west.
    sweden = fig.data[1]
    umea = dict(zip(sweden.text, sweden.lat))["Umeå"]
    assert umea == pytest.approx(63.83, abs=0.05)


def test_member_map_focus_enlarges_one_city(network):
    fig = charts.member_map(network.cities, LABELS, focus_slug="malmo")
    sweden = fig.data[1]
    sizes = dict(zip(sweden.customdata, sweden.marker.size))
    opacity = dict(zip(sweden.customdata, sweden.marker.opacity))
    assert sizes["malmo"] > sizes["umea"]
    assert opacity["malmo"] == 1.0 and opacity["umea"] < 1.0


def test_member_map_skips_cities_without_coordinates():
    cities = pd.DataFrame(
        {"slug": ["a", "b"], "name": ["A", "B"], "country": ["FR", "FR"], "latitude": [48.0, None], "longitude": [2.0, None]}
    )
    fig = charts.member_map(cities, LABELS)
    assert list(fig.data[0].text) == ["A"]


@pytest.mark.parametrize(("height", "font_size"), [(520, 13), (420, 13), (340, 15)])  # overview, city profile, slide
def test_member_names_neither_overlap_nor_cover_a_marker_nor_leave_the_map(network, height, font_size):
    cities = network.cities
    layout = charts.label_layout(
        cities["latitude"].tolist(), cities["longitude"].tolist(), cities["name"].tolist(), height=height, font_size=font_size
    )
    boxes = layout.boxes
    assert all(charts.overlap(a, b) == 0 for n, a in enumerate(boxes) for b in boxes[n + 1 :])
    # On the slide's small map Paris is so close to Saint-Brieuc that a name may graze a marker's edge, never more.
    marker_area = (layout.markers[0][2] - layout.markers[0][0]) ** 2
    grazed = [charts.overlap(box, marker) for n, box in enumerate(boxes) for m, marker in enumerate(layout.markers) if m != n]
    assert max(grazed) < 0.2 * marker_area
    left, top, right, bottom = layout.frame
    assert all(left <= b[0] and b[2] <= right and top <= b[1] and b[3] <= bottom for b in boxes)
    # Gothenburg and Borås, 1° apart, get different sides.
    places = dict(zip(cities["slug"], layout.positions, strict=True))
    assert places["gothenburg"] != places["boras"]


def test_the_map_uses_the_names_places(network):
    fig = charts.member_map(network.cities, LABELS, height=340, label_size=15)
    shown = {name: place for trace in fig.data for name, place in zip(trace.text, trace.textposition, strict=True)}
    assert shown["Umeå"] == "top center" and len(set(shown.values())) > 2
    assert {trace.textfont.size for trace in fig.data} == {15}


def test_count_bars_shorten_labels_and_keep_full_names_on_hover(network):
    counts = browse.projects_per_theme(network, "en", browse.EXCHANGE_FRAMEWORKS)
    fig = charts.count_bars(counts["name"], counts["projects"], axis_title="Number of projects")
    bar = fig.data[0]
    assert list(bar.x) == [0, 0, 0, 1, 0, 3, 2, 2]
    assert list(bar.customdata) == counts["name"].tolist()
    assert all(len(label) <= 43 for label in bar.y)
    assert len(set(bar.y)) == len(bar.y)
    assert fig.layout.yaxis.autorange == "reversed"  # first theme on top, as in the table
    assert fig.layout.xaxis.title.text == "Number of projects"


def test_heatmap_cells_are_the_matrix(network):
    matrix = browse.city_theme_matrix(network, "fr")
    fig = charts.heatmap(matrix, colorbar_title="Projets")
    cells = fig.data[0]
    assert [list(row) for row in cells.z] == matrix.to_numpy().tolist()
    assert list(cells.y) == matrix.index.tolist()
    assert list(cells.customdata[0]) == matrix.columns.tolist()
    assert cells.zmin == 0 and cells.zmax == 1
    assert cells.texttemplate == "%{z}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Urban", "Urban"),
        ("Redesign of public spaces: uses for all and versatility", "Redesign of public spaces: uses for all…"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_short_label(text, expected):
    assert charts.short_label(text) == expected


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
    fig = charts.member_map(many, LABELS)
    assert [t.mode for t in fig.data] == ["markers", "markers"]
    assert len(fig.data[0].text) == 30  # names still there for the hover


def test_a_chart_for_the_room_has_no_text_smaller_than_16px():
    """Slides are read from the back of a room: ticks, axis titles and legend, not only the base font."""
    figure = charts.for_the_room(charts.count_bars(["Mobility", "Energy"], [3, 1], axis_title="Cities"))
    layout = figure.layout
    sizes = [layout.font.size, layout.legend.font.size, layout.xaxis.tickfont.size, layout.yaxis.tickfont.size, layout.xaxis.title.font.size]
    assert all(size is not None and size >= 16 for size in sizes), sizes


def test_the_deck_maps_place_names_as_the_page_maps_do():
    """Every place the layout can choose has its offset and alignment in the deck's PNG maps."""
    from afus import static_charts

    assert set(static_charts.LABEL_OFFSETS) == set(charts.LABEL_PLACES)
    for (dx, dy), ha, va in static_charts.LABEL_OFFSETS.values():
        assert (dx > 0) == (ha == "left") and (dx < 0) == (ha == "right")
        assert (dy > 0) == (va == "bottom") and (dy < 0) == (va == "top")
