"""Chart builders: bars and heatmaps as ECharts options, and where map names go (pure functions)."""

from __future__ import annotations

import pandas as pd
import pytest

from afus import browse, charts, stat_charts



@pytest.fixture(scope="module")
def network(seeded_network):
    return seeded_network


@pytest.mark.parametrize(("height", "font_size"), [(520, 13), (420, 13), (306, 15)])  # overview, city profile, slide (less its legend)
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


@pytest.mark.parametrize("focus", ["gothenburg", "linkoping", "saint-brieuc"])
def test_no_name_covers_a_focused_city_larger_marker(network, focus):
    """A city profile's map draws its city larger (18 px): the names around it keep clear of that marker."""
    cities = network.cities
    sizes = [18 if slug == focus else 12 for slug in cities["slug"]]
    layout = charts.label_layout(
        cities["latitude"].tolist(), cities["longitude"].tolist(), cities["name"].tolist(), height=420, font_size=13, marker_size=sizes
    )
    focused = list(cities["slug"]).index(focus)
    assert layout.markers[focused][2] - layout.markers[focused][0] == 20  # the larger marker, with its white edge
    assert all(charts.overlap(box, layout.markers[focused]) == 0 for n, box in enumerate(layout.boxes) if n != focused)


def _bars(chart):
    return chart.option["series"][0]["data"]


def test_count_bars_shorten_labels_and_keep_full_names_on_hover(network):
    counts = browse.projects_per_theme(network, "en", browse.EXCHANGE_FRAMEWORKS)
    chart = stat_charts.count_bars(counts["name"], counts["projects"], axis_title="Number of projects", lang="en")
    bars = _bars(chart)
    assert [bar["value"] for bar in bars] == [0, 0, 0, 1, 0, 3, 2, 2]
    assert [bar["name"] for bar in bars] == counts["name"].tolist()  # full names, for the hover
    shown = chart.option["yAxis"]["data"]
    assert all(len(label) <= 43 for label in shown) and shown[5].endswith("…")
    assert chart.option["yAxis"]["inverse"] is True  # first theme on top, as in the table
    assert chart.option["xAxis"]["name"] == "Number of projects"
    assert chart.height >= 40 * len(bars)


def test_count_bars_write_numbers_as_the_language_does():
    bars = _bars(stat_charts.count_bars(["Énergie", "Mobilité"], [1234, 5], axis_title="Projets", lang="fr"))
    assert [bar["label"]["formatter"] for bar in bars] == ["1\u202f234", "5"]
    assert bars[0]["tooltip"]["formatter"] == "Énergie\nProjets : 1\u202f234"
    english = _bars(stat_charts.count_bars(["Energy"], [1234], axis_title="Projects", lang="en"))
    assert english[0]["label"]["formatter"] == "1,234"


def test_heatmap_cells_are_the_matrix(network):
    matrix = browse.city_theme_matrix(network, "fr")
    chart = stat_charts.heatmap(matrix, colorbar_title="Projets", lang="fr")
    cells = chart.option["series"][0]["data"]
    drawn = [[None] * matrix.shape[1] for _ in range(matrix.shape[0])]
    for cell in cells:
        x, y, value = cell["value"]
        drawn[y][x] = value
        assert cell["label"]["formatter"] == str(int(value))
    assert drawn == matrix.to_numpy().astype(float).tolist()
    assert chart.option["yAxis"]["data"] == matrix.index.tolist()
    assert chart.option["visualMap"]["min"] == 0 and chart.option["visualMap"]["max"] == 1
    assert chart.option["visualMap"]["text"] == ["1", "Projets : 0"]
    # The darkest cells say their number in white, the lightest in black.
    colours = {cell["value"][2]: cell["label"]["color"] for cell in cells}
    assert colours == {0.0: stat_charts.DARK_TEXT, 1.0: stat_charts.LIGHT_TEXT}


def test_score_heatmap_leaves_a_city_with_itself_blank_and_writes_one_decimal():
    matrix = pd.DataFrame([[0.0, 4.94], [4.94, 0.0]], index=["Malmö", "Paris"], columns=["Malmö", "Paris"])
    chart = stat_charts.score_heatmap(matrix, colorbar_title="Score", lang="sv", decimals=1)
    cells = chart.option["series"][0]["data"]
    assert sorted(tuple(cell["value"][:2]) for cell in cells) == [(0, 1), (1, 0)]  # no diagonal
    assert {cell["label"]["formatter"] for cell in cells} == {"4,9"}
    assert cells[0]["tooltip"]["formatter"] in {"Malmö\nParis\nScore: 4,9", "Paris\nMalmö\nScore: 4,9"}


def test_a_chart_for_the_room_has_no_text_smaller_than_16px():
    """Slides are read from the back of a room: the category names, the axis name and the numbers."""
    chart = stat_charts.count_bars(["Mobility", "Energy"], [3, 1], axis_title="Cities", lang="en", room=True)
    option = chart.option
    sizes = [option["textStyle"]["fontSize"], option["yAxis"]["axisLabel"]["fontSize"], option["xAxis"]["nameTextStyle"]["fontSize"]]
    sizes += [bar["label"]["fontSize"] for bar in _bars(chart)]
    assert all(size >= 16 for size in sizes), sizes


def test_a_tooltip_wraps_a_long_name_and_says_what_its_number_counts():
    name = "Citizen participation and engagement for more sustainable lifestyles"
    [bar] = _bars(stat_charts.count_bars([name], [1], axis_title="Number of projects", lang="en"))
    lines = bar["tooltip"]["formatter"].split("\n")
    assert " ".join(lines[:-1]) == name and all(len(line) <= stat_charts.TOOLTIP_LINE_CHARS for line in lines)
    assert lines[-1] == "Number of projects: 1"


def test_cell_numbers_stand_out_from_their_cell_along_the_whole_scale():
    """Mid-scale blue (#6BAED6) takes dark text: white on it was 2.4:1."""
    assert stat_charts._text_colour_on(0.5) == stat_charts.DARK_TEXT
    assert stat_charts._text_colour_on(0.0) == stat_charts.DARK_TEXT and stat_charts._text_colour_on(1.0) == stat_charts.LIGHT_TEXT
    for share in (i / 20 for i in range(21)):
        cell = stat_charts._luminance(stat_charts._scale_colour(share))
        text = stat_charts._luminance(stat_charts._text_colour_on(share))
        assert (max(cell, text) + 0.05) / (min(cell, text) + 0.05) >= 4.5, share


def test_bars_made_to_fit_a_height_get_thinner_not_smaller_text():
    labels = [f"Theme {n}" for n in range(8)]
    natural = stat_charts.count_bars(labels, range(8), axis_title="Cities", lang="en", room=True)
    fitted = stat_charts.count_bars(labels, range(8), axis_title="Cities", lang="en", room=True, max_height=420)
    assert natural.height > 420 >= fitted.height
    assert fitted.option["series"][0]["barWidth"] < natural.option["series"][0]["barWidth"]
    assert fitted.option["yAxis"]["axisLabel"]["fontSize"] == natural.option["yAxis"]["axisLabel"]["fontSize"] == 17


def test_charts_draw_no_html_and_do_not_move():
    """Names from the content go into tooltips drawn as text, not HTML; nothing animates on a slide."""
    for chart in (
        stat_charts.count_bars(["<img src=x onerror=alert(1)>"], [1], axis_title="Projects", lang="en"),
        stat_charts.heatmap(pd.DataFrame([[1]], index=["<b>x</b>"], columns=["t"]), colorbar_title="P", lang="en"),
    ):
        assert chart.option["tooltip"]["renderMode"] == "richText"
        assert chart.option["animation"] is False
    # "{c}" would be replaced by the value and "{a|x}" drawn as a styled "x": both stay as written.
    bars = _bars(stat_charts.count_bars(["Cost {c} and {a|x}"], [2], axis_title="Projects", lang="en"))
    assert bars[0]["tooltip"]["formatter"] == "Cost {\u200bc} and {\u200ba|x}\nProjects: 2"


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


def test_the_deck_maps_place_names_as_the_page_maps_do():
    """Every place the layout can choose has its offset and alignment in the deck's PNG maps."""
    from afus import static_charts

    assert set(static_charts.LABEL_OFFSETS) == set(charts.LABEL_PLACES)
    for (dx, dy), ha, va in static_charts.LABEL_OFFSETS.values():
        assert (dx > 0) == (ha == "left") and (dx < 0) == (ha == "right")
        assert (dy > 0) == (va == "bottom") and (dy < 0) == (va == "top")
