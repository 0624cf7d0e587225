"""Plumbing shared by the benchmarks: seeded stores, a real Streamlit server, Chromium, timing.

Nothing here asserts anything: the benchmarks print JSON and the tests check
its shape. Servers are started as child processes on free ports and stopped
by their own process id.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
EMPTY_PAGE = ROOT / "benchmarks" / "empty_page.py"
MINIMAL_PAGE = ROOT / "benchmarks" / "minimal_page.py"
CHART_PAGE = ROOT / "benchmarks" / "chart_page.py"
FRAME_PAGE = ROOT / "benchmarks" / "frame_page.py"

# The script has finished, its elements are drawn (none left stale from the
# previous page) and the main area shows content: "ready" for a user.
READY_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stMain"] [data-stale="true"]')) return false;
  const el = document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]');
  return !!el && el.getBoundingClientRect().height > 0;
}"""

# "Complete": ready, and nothing left to draw. Streamlit loads most element
# kinds (links, metrics, inputs, tables, charts) as separate script modules
# and shows a grey placeholder (stSkeleton) until each has loaded; a chart
# is drawn once its library has loaded and run. A page is complete when no
# placeholder remains and every chart (ECharts: maps, bars) has its SVG.
COMPLETE_JS = """() => !document.querySelector('[data-testid="stSkeleton"]')
  && [...document.querySelectorAll('[data-testid="stMain"] .stEChartsChart')].every(c => c.matches('[_echarts_instance_]') && c.querySelector('svg path'))"""

# Remember whether the script ran since this was installed (set before an action),
# and what the main area said outside the widget being used: a very fast rerun
# can go from "running" back to "notRunning" within one render, so a changed
# page also counts as a rerun (the widget itself changes as one types).
_MAIN_TEXT_JS = """(ignore) => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]')]
    .filter(el => !(ignore && (el.closest(ignore) || el.querySelector(ignore))))
    .map(el => el.innerText).join('\\n')"""

WATCH_RERUN_JS = """(ignore) => {
  window.__afusRan = false;
  window.__afusIgnore = ignore;
  window.__afusBefore = (%s)(ignore);
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__afusObserver) window.__afusObserver.disconnect();
  window.__afusObserver = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__afusRan = true;
  });
  window.__afusObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}""" % _MAIN_TEXT_JS

RERUN_DONE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stMain"] [data-stale="true"]')) return false;
  return window.__afusRan === true || (%s)(window.__afusIgnore) !== window.__afusBefore;
}""" % _MAIN_TEXT_JS


class PageError(RuntimeError):
    """The page finished but shows an error instead of its content."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seeded_sqlite(path: Path) -> str:
    """Create a seeded SQLite store at ``path``; return its URL."""
    from afus import db, schema, seed

    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    schema.upgrade(engine)
    seed.seed(engine)
    engine.dispose()
    return url


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` (from /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


@dataclass
class Server:
    """A running ``streamlit run`` child process."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss(self) -> int:
        return rss_bytes(self.process.pid)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Poll ``/_stcore/health`` until it answers ``ok`` (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        time.sleep(0.1)
    raise TimeoutError(f"{url} not healthy after {timeout}s")


@contextlib.contextmanager
def streamlit_server(
    script: Path,
    *,
    env: dict[str, str] | None = None,
    args: list[str] | None = None,
    log_dir: Path | None = None,
    port: int | None = None,
) -> Iterator[Server]:
    """Start ``streamlit run script`` on a free port; stop it (by its pid) on exit."""
    port = port or free_port()
    log_dir = log_dir or Path(os.environ.get("TMPDIR", "/tmp"))
    log_path = log_dir / f"streamlit-{script.stem}-{port}.log"
    # The dashboard is served by the project's launcher (see afus.ui.serve).
    launcher = ["-m", "afus", "serve"] if script.resolve() == (ROOT / "dashboard.py").resolve() else ["-m", "streamlit", "run", str(script)]
    cmd = [
        sys.executable, *launcher,
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        *(args or []),
    ]
    full_env = {**os.environ, **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        yield Server(process, port, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def wait_ready(page, timeout_ms: float = 60_000) -> None:  # noqa: ANN001
    """Wait until the script is not running and the page's title is visible."""
    page.wait_for_function(READY_JS, timeout=timeout_ms, polling="raf")


def wait_complete(page, timeout_ms: float = 60_000) -> None:  # noqa: ANN001
    """Wait until nothing is left to draw: no loading placeholder, every chart drawn (``COMPLETE_JS``)."""
    page.wait_for_function(COMPLETE_JS, timeout=timeout_ms, polling="raf")


def time_ready(browser, url: str, timeout_ms: float = 60_000) -> tuple[float, float]:  # noqa: ANN001
    """Milliseconds from navigation start to "ready", then to "complete", in a fresh browser context."""
    context = browser.new_context()
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        wait_ready(page, timeout_ms)
        ready = (time.perf_counter() - start) * 1000
        wait_complete(page, timeout_ms)
        complete = (time.perf_counter() - start) * 1000
        if page.locator('[data-testid="stException"]').count():
            raise PageError(f"{url} shows an exception")
        return ready, complete
    finally:
        context.close()


def time_rerun(page, action: Callable[[], None], timeout_ms: float = 60_000, ignore: str | None = None) -> float:  # noqa: ANN001
    """Milliseconds from ``action`` (e.g. pressing Enter in a filter) to the rerun having finished.

    ``ignore``: a selector of the widget used, whose own text changes before any rerun.
    """
    page.evaluate(WATCH_RERUN_JS, ignore)
    start = time.perf_counter()
    action()
    page.wait_for_function(RERUN_DONE_JS, timeout=timeout_ms, polling="raf")
    return (time.perf_counter() - start) * 1000


@dataclass
class Samples:
    """Repeated timings of one thing, in milliseconds."""

    values: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # this process's CPU time per sample, when recorded

    def add(self, value: float, cpu: float | None = None) -> None:
        self.values.append(value)
        if cpu is not None:
            self.cpu.append(cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def summary(self) -> dict[str, float | int]:
        out = {"median_ms": round(self.median, 1), "min_ms": round(min(self.values), 1), "n": len(self.values)}
        if self.cpu:
            # CPU time barely moves with other processes' load, unlike wall time: read it when the machine is busy.
            out["cpu_median_ms"] = round(statistics.median(self.cpu), 1)
        return out


def timed(fn: Callable[[], object], reps: int) -> Samples:
    """``reps`` timings of ``fn()`` after one untimed warm-up call (imports, first allocation)."""
    fn()
    samples = Samples()
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.add((time.perf_counter() - start) * 1000)
    return samples


def scan_components_once() -> None:
    """Make every new ``AppTest`` reuse one scan of the installed packages for Streamlit components.

    A Streamlit server scans them once, at start; ``AppTest`` scans them for
    each new instance (about 0.3 s of reading package metadata here). The
    installed packages do not change while tests or benchmarks run.
    """
    import functools

    from streamlit.components.v2 import manifest_scanner

    if not hasattr(manifest_scanner.scan_component_manifests, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


def apptest_run_ms(
    script: Path, page_file: str | None, query: dict[str, str], reps: int, *, timeout: float = 300
) -> tuple[float, Samples]:
    """The server run of a page under ``AppTest``: first run, then ``reps`` warm reruns (ms, with CPU ms).

    ``script`` is run once, switched to ``page_file`` (when given) with
    ``query`` as its query string, then timed. A page that ends in an
    exception raises ``RuntimeError`` naming it.
    """
    from streamlit.testing.v1 import AppTest

    scan_components_once()  # as a server does: its first run of a page does not rescan the packages
    at = AppTest.from_file(str(script), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    if page_file:
        at.run()
        at.switch_page(page_file)
    start = time.perf_counter()
    at.run()
    first = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(f"{page_file or script}: {at.exception[0].value}")
    warm = Samples()
    for _ in range(reps):
        start, cpu_start = time.perf_counter(), time.process_time()
        at.run()  # the script runs on a thread of this process
        warm.add((time.perf_counter() - start) * 1000, (time.process_time() - cpu_start) * 1000)
    return first, warm


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def ratio(value: float, floor: float) -> float:
    return round(value / floor, 2) if floor else float("nan")
