"""The page benchmark still works: its --quick mode runs and prints the documented JSON shape.

Not a timed test: the figures are whatever this machine gives; only the
shape and the presence of every kind of measurement are checked.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.apptest import ROOT
from tests.browser_support import _skip_without_chromium

pytestmark = pytest.mark.backend_independent  # runs once, in the SQLite pass


def test_bench_pages_quick_prints_figures_and_ratios() -> None:
    _skip_without_chromium()  # under CI a missing browser fails
    run = subprocess.run(
        [sys.executable, "benchmarks/bench_pages.py", "--quick"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    result = json.loads(run.stdout)
    assert result["benchmark"] == "pages" and result["quick"] is True
    assert set(result["targets"]) == {"ready_ratio_seed", "ready_ratio_large", "interaction_ratio", "server_ms_large"}
    seed = result["scales"]["seed"]
    assert seed["store"]["cities"] == 10
    server, browser = seed["server"], seed["browser"]
    assert server["floor_empty_page"]["median_ms"] > 0
    assert browser["floor_empty_page"]["median_ms"] > 0
    assert browser["floor_chart_page"]["median_ms"] > 0 and browser["floor_chart_page"]["ratio"] > 0
    # A chart is drawn after its library has loaded: the chart page completes after it is ready.
    assert browser["floor_chart_page"]["complete"]["median_ms"] > browser["floor_chart_page"]["median_ms"]
    for label in ("/", "/projects"):
        assert server["pages"][label]["ratio"] > 0, server["pages"][label]
        page = browser["pages"][label]
        assert page["ratio"] > 0 and page["ratio_to_chart_page"] > 0, page
        assert page["complete"]["median_ms"] >= page["median_ms"] and page["complete"]["ratio_to_chart_page"] > 0, page
    projects = browser["interactions"]["/projects (projects_q)"]
    assert projects["ratio"] > 0 and projects["ratio_to_chart_page"] > 0, projects
    assert projects["lost_changes"] <= 1 and projects["n"] + projects["lost_changes"] == result["interaction_reps"], projects
    assert browser["floor_minimal_chart_page"]["text"]["median_ms"] > 0
    frame = browser["floor_minimal_in_app_frame"]["text"]
    assert frame["median_ms"] > 0 and frame["ratio"] > 0 and projects["ratio_to_app_frame"] > 0, (frame, projects)
    assert isinstance(result["misses"], list)


def test_minimal_page_draws_a_chart_that_follows_the_filter_only_when_asked() -> None:
    from streamlit.testing.v1 import AppTest

    plain = AppTest.from_file(str(ROOT / "benchmarks" / "minimal_page.py")).run()
    assert not plain.get("echarts_chart")
    charted = AppTest.from_file(str(ROOT / "benchmarks" / "minimal_page.py"))
    charted.query_params["chart"] = "1"
    charted.run()
    before = charted.get("echarts_chart")[0].proto.spec
    charted.selectbox(key="group").select("odd").run()
    assert charted.get("echarts_chart")[0].proto.spec != before


def test_frame_page_draws_the_apps_frame_around_the_minimal_page() -> None:
    """The app's sidebar, in the interface language, around the minimal page's filters."""
    from streamlit.testing.v1 import AppTest

    from afus.i18n import t

    at = AppTest.from_file(str(ROOT / "benchmarks" / "frame_page.py"))
    at.query_params["lang"] = "fr"
    at.run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Minimal page"]
    assert at.selectbox(key="lang").value == "fr" and at.sidebar.selectbox[0].label == t("sidebar.language", "fr")
    at.text_input(key="q").input("item 1").run()
    assert "11 matches for 'item 1' in all" in [md.value for md in at.markdown]


def _bench_json(script: str, *args: str) -> dict:
    run = subprocess.run(
        [sys.executable, script, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    return json.loads(run.stdout)


def test_bench_peers_quick_measures_ranking_matrix_and_page_at_both_scales() -> None:
    result = _bench_json("benchmarks/bench_peers.py", "--quick")
    assert result["benchmark"] == "peers"
    assert result["targets"] == {"ranking_ms": 20.0, "page_warm_ms_scale": 300.0}
    assert result["floor_apptest_empty_page"]["median_ms"] > 0
    seed, scale = result["scales"]["seed"], result["scales"]["scale"]
    assert seed["matching"]["cities"] == 10 and seed["matching"]["projects"] == 7
    assert scale["matching"]["cities"] > 700 and scale["matching"]["projects"] == 20_000
    for scale_result in (seed, scale):
        assert scale_result["matching"]["rank_top10"]["median_ms"] > 0
        assert scale_result["matching"]["full_matrix"]["median_ms"] >= 0
        assert scale_result["page"]["city"]["ratio"] > 0
    assert isinstance(result["misses"], list)


def test_bench_seminar_quick_times_slides_and_take_home_files() -> None:
    result = _bench_json("benchmarks/bench_seminar.py", "--quick")
    assert result["benchmark"] == "seminar" and result["slides"] == 23
    assert set(result["ratio_to_floor"]) == {"build_slides", "deck_pptx", "city_onepager_pdf", "network_onepager_pdf", "events_ics"}
    assert all(value > 0 for value in result["median_ms"].values())


def test_bench_concurrency_quick_runs_sessions_at_once_and_measures_memory() -> None:
    _skip_without_chromium()  # under CI a missing browser fails
    result = _bench_json("benchmarks/bench_concurrency.py", "--quick")
    assert result["benchmark"] == "concurrency" and result["scale"] == "seed"
    assert result["succeeded"] == result["sessions"] == 3, result["failed"]
    assert result["failed"] == [] and result["server_log_errors"] == []
    for step in ("open_peers", "pick_city", "open_projects", "search", "session"):
        figures = result["steps"][step]
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"], (step, figures)
    assert result["server_response"]["open_peers"]["p50_ms"] > 0
    assert result["cpu_s"]["server"] > 0 and result["cpu_s"]["browser"] > 0
    memory = result["server_rss_mb"]
    assert 0 < memory["before"] <= memory["peak"], memory
    assert memory["after"] > 0 and isinstance(result["rss_growth_after_close_mb"], float)
    assert set(result["meets"]) == {"all_succeeded", "growth_under_50_mb"}
