"""Charts as PNG images for the take-home files (deck, one-pagers), drawn with no internet.

matplotlib's object API (no pyplot: no global state, safe in Streamlit's
threads) on the Agg renderer. The map's country outlines come from the
same base-map file as the page maps (:mod:`afus.base_map`), so the deck and
the screen show one geography. Colours are :mod:`afus.charts`'s.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import lru_cache

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.collections import PolyCollection

from afus.base_map import NETWORK_LAT_RANGE, NETWORK_LON_RANGE, visible_rings
from afus.charts import BORDER, COUNTRY_COLOURS, LAND, OCEAN, OTHER_COLOUR, label_positions, short_label
from afus.i18n import t

MAP_ASPECT = 1.6
OFFER_COLOUR = "#1F5F8B"
SEEK_COLOUR = "#E69F00"


def map_size(height: float) -> tuple[float, float]:
    """Figure size (inches) whose shape is exactly the map's frame at ``height`` inches."""
    (lon0, lon1), (lat0, lat1) = NETWORK_LON_RANGE, NETWORK_LAT_RANGE
    return (round(height * (lon1 - lon0) / ((lat1 - lat0) * MAP_ASPECT), 3), height)


def _map_axes(fig: Figure):  # noqa: ANN202
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(*NETWORK_LON_RANGE)
    ax.set_ylim(*NETWORK_LAT_RANGE)
    # Mercator-like stretch at these latitudes keeps shapes familiar.
    ax.set_aspect(MAP_ASPECT)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


@lru_cache(maxsize=4)
def _base_map_pixels(size: tuple[float, float]):  # noqa: ANN202 (numpy array)
    """Ocean, land and borders of the network's frame, rendered once per figure size."""
    import numpy as np

    fig = Figure(figsize=size)
    canvas = FigureCanvasAgg(fig)
    ax = _map_axes(fig)
    ax.set_facecolor(OCEAN)
    # One collection (not a patch per country): drawn in a fraction of the time.
    ax.add_collection(
        PolyCollection(visible_rings(), closed=True, facecolors=LAND, edgecolors=BORDER, linewidths=0.6),
        autolim=False,
    )
    ax.set_xlim(*NETWORK_LON_RANGE)
    ax.set_ylim(*NETWORK_LAT_RANGE)
    for spine in ax.spines.values():
        spine.set_visible(False)
    canvas.draw()
    # Crop to the axes box so the image covers exactly the map's extent.
    x0, y0, x1, y1 = (int(round(v)) for v in ax.get_window_extent().extents)
    pixels = np.asarray(canvas.buffer_rgba())
    height = pixels.shape[0]
    return pixels[height - y1 : height - y0, x0:x1].copy()


def _png(fig: Figure, dpi: int = 120) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


# Offset (points), horizontal and vertical alignment of a name for each place of ``afus.charts.LABEL_PLACES``.
LABEL_OFFSETS = {
    "top center": ((0, 6), "center", "bottom"),
    "bottom center": ((0, -6), "center", "top"),
    "middle right": ((6, 0), "left", "center"),
    "middle left": ((-6, 0), "right", "center"),
    "top right": ((4, 4), "left", "bottom"),
    "top left": ((-4, 4), "right", "bottom"),
    "bottom right": ((4, -4), "left", "top"),
    "bottom left": ((-4, -4), "right", "top"),
}


def member_map_png(
    cities: pd.DataFrame,
    country_labels: Mapping[str, str],
    *,
    highlight_ids: Sequence[int] = (),
    height: float = 5.0,
    text_size: float = 8,
) -> bytes:
    """Member cities on France and Sweden as a PNG; ``highlight_ids`` larger, the others faint.

    ``cities`` needs ``id``, ``name``, ``country``, ``latitude``, ``longitude``;
    ``height`` is in inches, the width follows from the map's frame; names are
    ``text_size`` points (highlighted ones 2 more), the legend 1 more.
    """
    size = map_size(height)
    fig = Figure(figsize=size)
    ax = _map_axes(fig)
    # The base map is drawn once per size and reused as an image: a deck has a map on most slides.
    ax.set_facecolor(OCEAN)
    ax.imshow(_base_map_pixels(size), extent=(*NETWORK_LON_RANGE, *NETWORK_LAT_RANGE), aspect=MAP_ASPECT, zorder=0)
    located = cities[cities["latitude"].notna() & cities["longitude"].notna()]
    highlight = {int(i) for i in highlight_ids}
    for country in sorted(set(located["country"])):
        rows = located[located["country"] == country]
        focus = [not highlight or int(i) in highlight for i in rows["id"]]
        ax.scatter(
            rows["longitude"],
            rows["latitude"],
            s=[160 if f and highlight else 70 for f in focus],
            c=COUNTRY_COLOURS.get(country, OTHER_COLOUR),
            alpha=None,
            edgecolors="white",
            linewidths=1,
            zorder=3,
            label=country_labels.get(country, country),
        )
    # Names where they neither overlap nor leave the map (the page maps' layout, in points).
    named = located[[not highlight or int(i) in highlight for i in located["id"]]]
    font_size = text_size + 2 if highlight else text_size
    places = label_positions(
        named["latitude"].tolist(), named["longitude"].tolist(), named["name"].astype(str).tolist(),
        height=round(height * 72), font_size=font_size, marker_size=13 if highlight else 9,
    ) if len(named) else []
    for (_, row), place in zip(named.iterrows(), places, strict=True):
        (dx, dy), ha, va = LABEL_OFFSETS[place]
        ax.annotate(
            str(row["name"]),
            (row["longitude"], row["latitude"]),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=font_size,
            weight="bold" if highlight else "normal",
            color="#1A1A1A",
            zorder=4,
        )
    ax.set_xlim(*NETWORK_LON_RANGE)
    ax.set_ylim(*NETWORK_LAT_RANGE)
    if len(located):
        ax.legend(loc="lower right", fontsize=text_size + 1, framealpha=0.9)
    return _png(fig)


def theme_bars_png(
    names: Sequence[str],
    offered: Sequence[int],
    sought: Sequence[int],
    *,
    offer_label: str,
    seek_label: str,
    size: tuple[float, float] = (7.0, 5.0),
    text_size: float = 9,
    label_chars: int = 38,
) -> bytes:
    """Per theme, how many cities offer it and how many seek it, as grouped horizontal bars (PNG).

    ``size`` in inches; text is ``text_size`` points, theme names cut at ``label_chars``.
    """
    # Constrained layout keeps the names and the legend (under the bars, not over them) inside the image.
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    positions = list(range(len(names)))
    height = 0.38
    ax.barh([p - height / 2 for p in positions], offered, height, color=OFFER_COLOUR, label=offer_label)
    ax.barh([p + height / 2 for p in positions], sought, height, color=SEEK_COLOUR, label=seek_label)
    ax.set_yticks(positions, [short_label(n, label_chars) for n in names], fontsize=text_size)
    ax.tick_params(axis="x", labelsize=text_size)
    ax.invert_yaxis()
    top = max([*offered, *sought, 1])
    ax.set_xlim(0, top + 0.5)
    ax.set_xticks(range(0, top + 1))
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside lower center", fontsize=text_size, frameon=False)
    return _png(fig)


# Slide charts are drawn at the size the slide shows them (inches), so their
# text keeps its point size there: readable from the back of the room.
SLIDE_TEXT_SIZE = 12


class SlideImages:
    """The chart images of one set of slides (deck, PDF), each drawn once."""

    def __init__(self, network, lang: str) -> None:  # noqa: ANN001 (afus.network.Network)
        self.network = network
        self.lang = lang
        self.labels = {c: t(f"country.{c}", lang) for c in ("FR", "SE")}
        self._maps: dict[tuple[int, ...], bytes] = {}

    def has_chart(self, slide) -> bool:  # noqa: ANN001 (afus.slides.Slide)
        """Whether ``slide`` gets a picture (no map of an empty network)."""
        return slide.chart is not None and not (slide.chart == "map" and self.network.cities.empty)

    def picture(self, slide, width: float) -> bytes:  # noqa: ANN001 (afus.slides.Slide)
        """``slide``'s chart as PNG, ``width`` inches wide: the member map (its cities highlighted) or the themes' bars."""
        if slide.chart == "themes":
            rows = slide.theme_rows
            return theme_bars_png(
                [r.name for r in rows],
                [len(r.offered_by) for r in rows],
                [len(r.sought_by) for r in rows],
                offer_label=t("seminar.themes.chart_offers", self.lang),
                seek_label=t("seminar.themes.chart_seeks", self.lang),
                size=(width, width * 0.85),
                text_size=SLIDE_TEXT_SIZE - 2,
                label_chars=30,
            )
        key = () if slide.kind == "glance" else tuple(sorted(slide.city_ids))
        if key not in self._maps:
            height = width * map_size(1.0)[1] / map_size(1.0)[0]
            self._maps[key] = member_map_png(self.network.cities, self.labels, highlight_ids=key, height=height, text_size=SLIDE_TEXT_SIZE - 1)
        return self._maps[key]
