"""The page benchmark still works: its --quick mode runs and prints the documented JSON shape.

Not a timed test: the figures are whatever this machine gives; only the
shape and the presence of every kind of measurement are checked.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.apptest import ROOT
from tests.browser_support import chromium_missing_reason


def test_bench_pages_quick_prints_figures_and_ratios() -> None:
    reason = chromium_missing_reason()
    if reason:
        import pytest

        pytest.skip(reason)
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
    for label in ("/", "/projects"):
        assert server["pages"][label]["ratio"] > 0, server["pages"][label]
        assert browser["pages"][label]["ratio"] > 0, browser["pages"][label]
    assert browser["interactions"]["/projects (projects_q)"]["ratio"] > 0
    assert isinstance(result["misses"], list)
