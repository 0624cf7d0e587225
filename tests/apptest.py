"""Helpers for Streamlit AppTest runs of the real entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from afus.ui import use_navigation_only

# AppTest, like the server, would otherwise run pages/ in legacy mode (afus.ui.use_navigation_only).
use_navigation_only()

ROOT = Path(__file__).resolve().parent.parent


def run_page(page: str, timeout: float = 30, **params: str) -> AppTest:
    """Run ``dashboard.py`` on ``page`` (e.g. ``"pages/cities.py"``) with query ``params``."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    return at


def open_chart_data(at: AppTest) -> AppTest:
    """Open every chart's data expander (``afus.ui.chart``) and rerun: its table is sent only while open."""
    for expander in at.expander:
        key = expander.proto.id.split("-", 2)[-1] if expander.proto.id else ""
        if key.endswith("_data"):
            at.session_state[key] = True
    at.run()
    return at


def all_text(at: AppTest) -> str:
    """Every piece of visible text of the run, joined (for assertions)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success", "metric"):
        for el in getattr(at, kind, []):
            value = getattr(el, "value", None)
            label = getattr(el, "label", None)
            parts.extend(str(v) for v in (label, value) if v is not None)
    return "\n".join(parts)


def as_read(value: object) -> object:
    """Markdown text as the reader sees it: the backslash escapes and the invisible word joiners (``afus.ui.escape_markdown``) removed."""
    return re.sub(r"\\(.)", r"\1", value).replace("\u2060", "") if isinstance(value, str) else value


def tables(node) -> list[pd.DataFrame]:  # noqa: ANN001 - an AppTest or one of its blocks
    """Every read-only table under ``node``, in page order, as the reader sees it.

    ``afus.ui.table`` shows a short table with st.table (text escaped for
    Markdown, undone here) and a long one with st.dataframe.
    """
    found = []

    def walk(block) -> None:  # noqa: ANN001
        for child in block.children.values():
            if child.type == "table":
                frame = child.value.rename(columns=as_read)
                found.append(frame.apply(lambda column: column.map(as_read)) if len(frame.columns) else frame)
            elif child.type == "dataframe":
                found.append(child.value)
            elif hasattr(child, "children"):
                walk(child)

    walk(getattr(node, "_tree", node))
    return found


def shown_tables(node) -> list[pd.DataFrame]:  # noqa: ANN001 - an AppTest or one of its blocks
    """Every short table (st.table) under ``node``, in page order, as its cells read on screen (numbers as written)."""
    import pyarrow as pa

    found = []

    def walk(block) -> None:  # noqa: ANN001
        for child in block.children.values():
            if child.type == "table":
                arrow = child.proto.arrow_data
                raw = arrow.styler.display_values if arrow.HasField("styler") else arrow.data
                frame = pa.ipc.open_stream(raw).read_all().to_pandas()
                found.append(frame.apply(lambda column: column.map(as_read)).rename(columns=as_read))
            elif hasattr(child, "children"):
                walk(child)

    walk(getattr(node, "_tree", node))
    return found


def stat_charts(at) -> dict[str, dict]:  # noqa: ANN001 - an AppTest
    """The bar charts, heatmaps and timelines on the page (ECharts options), by their accessible description."""
    return {alt: option for alt, option in _echarts(at).items() if "baseOption" not in option}


def map_charts(at) -> dict[str, dict]:  # noqa: ANN001 - an AppTest
    """The maps on the page (ECharts options: a base option and narrow-screen rules), by their accessible description."""
    return {alt: option for alt, option in _echarts(at).items() if "baseOption" in option}


def _echarts(at) -> dict[str, dict]:  # noqa: ANN001 - an AppTest
    return {el.proto.alt: json.loads(el.proto.spec) for el in at.get("echarts_chart")}


def map_cities(option: dict) -> dict[str, dict]:
    """A map's cities by name: ``country`` (its legend name), ``size`` (marker pixels), ``faded``."""
    return {
        item["name"]: {"country": series["name"], "size": item["symbolSize"], "faded": item["itemStyle"]["opacity"] < 1}
        for series in option["baseOption"]["series"]
        if series["type"] == "scatter"
        for item in series["data"]
    }


def bar_values(option: dict) -> list:
    """The numbers of a bar chart's bars, first bar first."""
    return [bar["value"] for bar in option["series"][0]["data"]]


def heatmap_rows(option: dict) -> dict[str, list]:
    """A heatmap's cells as {row name: [values left to right]} (None where a cell is blank)."""
    rows, columns = option["yAxis"]["data"], option["xAxis"]["data"]
    grid = {row: [None] * len(columns) for row in rows}
    for cell in option["series"][0]["data"]:
        x, y, value = cell["value"]
        grid[rows[y]][x] = value
    return grid
