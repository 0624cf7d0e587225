"""Real-browser test support: the real app on a free port, headless Chromium through Playwright, axe-core.

Registered as a pytest plugin by ``tests/conftest.py``, so every test module
can ask for these fixtures:

- ``app_server`` (session): one seeded app shared by all browser tests that
  only read. It has ``base_url``, ``database_url`` and ``url(path, **params)``.
- ``private_app_server`` (module): a server of its own for a module that
  writes to the store.
- ``browser`` (session): Debian's ``/usr/bin/chromium`` through Playwright.
- ``page`` (per test): a new page recording any request that tried to leave
  the machine (they all fail, see :data:`CHROMIUM_ARGS`), in a browser
  context shared by the process (a Chromium profile of its own, apart from
  ``browser``) and cleared after each test.

and these helpers: :func:`start_app_server` (context manager, also for
benchmarks), :func:`goto`, :func:`wait_for_app`, :func:`follow`, :func:`widget`,
:func:`record_outside_requests`, :func:`axe_violations`,
:func:`format_violations`.

Streamlit reruns the script after every interaction and streams elements over
a websocket; :func:`wait_for_app` waits until the app is connected, the script
is not running, no stale element is left and this state has held for a
moment, so a test never reads the page half-way through a rerun. No fixed
sleeps: the server is polled on ``/_stcore/health`` until it answers ``ok``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from benchmarks import harness
from tests import stores
from tests.ci import skip_or_fail

if TYPE_CHECKING:  # Playwright is a test dependency; import it lazily at run time.
    from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("AFUS_CHROMIUM", "/usr/bin/chromium"))
# Nothing leaves the machine (the app must work offline, at a seminar venue):
# every test browser sends requests for other hosts to a proxy that does not
# exist, so they fail, while Chromium goes direct to localhost and 127.0.0.1.
# Unlike a Playwright route on every request, this keeps the browser's HTTP
# cache, as a user's browser has it: a page load then costs about 1 s less CPU
# (the browser, the app server and the test process) and Streamlit's scripts
# are not sent again for each page.
OFFLINE_PROXY = "http://127.0.0.1:1"
CHROMIUM_ARGS = (
    f"--proxy-server={OFFLINE_PROXY}",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
)
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
SERVER_START_TIMEOUT_S = 90.0
APP_TIMEOUT_MS = 30_000
# How long the app must stay idle before a rerun counts as finished; covers the
# moment between a click and the server telling the browser a rerun started.
QUIET_MS = 300

# Counts the app's websocket traffic inside the page: a click or a key that
# asks for a rerun sends a message at once, and the rerun has not begun until
# the server answers. Until then the page still looks idle, so a quiet period
# alone can pass for a finished rerun on a loaded machine. A message the
# server never answers stops counting after WS_ANSWER_GRACE_MS.
WS_PROBE_JS = """
(() => {
  const probe = window.__afusWs = { lastSent: -1, lastReceived: -1 };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!this.__afusProbed) {
      this.__afusProbed = true;
      this.addEventListener("message", () => { probe.lastReceived = performance.now(); });
    }
    probe.lastSent = performance.now();
    return send.call(this, data);
  };
})();
"""
WS_ANSWER_GRACE_MS = 10_000

APP_READY_JS = """
([quietMs, needContent, graceMs]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const now = performance.now();
  const ws = window.__afusWs;
  const answered = !ws || ws.lastReceived >= ws.lastSent || now - ws.lastSent > (graceMs ?? 0);
  const ready = !!app
    && answered
    && app.getAttribute("data-test-script-state") === "notRunning"
    && app.getAttribute("data-test-connection-state") === "CONNECTED"
    && !document.querySelector("[data-testid='stMain'] [data-stale='true']")
    && (!needContent || !!document.querySelector(
         "[data-testid='stMainBlockContainer'] [data-testid='stElementContainer']"));
  if (!ready) { window.__afusIdleSince = null; return false; }
  if (window.__afusIdleSince == null) window.__afusIdleSince = now;
  return now - window.__afusIdleSince >= quietMs;
}
"""


def chromium_missing_reason() -> str | None:
    """Why browser tests cannot run here, or ``None`` when they can."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; CI installs it)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make test installs requirements-dev.txt)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class AppServer:
    """A running ``streamlit run dashboard.py`` with its own store."""

    base_url: str
    database_url: str
    port: int
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def url(self, path: str = "/", **params: str) -> str:
        """Absolute URL of ``path`` with query ``params`` (e.g. ``url("/cities", city="malmo")``)."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return f"{self.base_url}/{path.lstrip('/')}{query}"

    def log(self) -> str:
        """The server's output so far (for failure messages)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def pid(self) -> int:
        return self.process.pid


def _health_ok(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def init_store(database_url: str, env: dict[str, str] | None = None) -> None:
    """Create the schema and seed the store at ``database_url`` with ``python -m afus init``."""
    run_env = {**os.environ, **(env or {}), "AFUS_DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "-m", "afus", "init"],
        cwd=ROOT,
        env=run_env,
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def start_app_server(
    workdir: Path | None = None,
    *,
    database_url: str | None = None,
    seed: bool = True,
    env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
    path_prefix: str = "",
) -> Iterator[AppServer]:
    """Serve the real app on a free port until the block ends.

    Without ``database_url`` the server gets a fresh store of its own on the
    suite's backend (``tests/stores.py``: a SQLite file in ``workdir``, a
    temporary directory by default, or a PostgreSQL database dropped at the
    end), seeded unless ``seed`` is false. A ``database_url`` given is seeded
    with ``python -m afus init`` when ``seed`` is true.
    With ``path_prefix`` (e.g. ``"afus"``) the app answers under that path, as
    behind a reverse proxy, and ``server.url()`` includes it.
    The server runs in its own process group and is stopped at the end.
    """
    own_dir = None
    if workdir is None:
        own_dir = tempfile.mkdtemp(prefix="afus-app-")
        workdir = Path(own_dir)
    workdir.mkdir(parents=True, exist_ok=True)
    store = None
    if database_url is None:
        store = stores.new_store("seeded" if seed else "empty", workdir, "afus-browser.db")
        database_url = store.url
    server_env = {
        **os.environ,
        **(env or {}),
        "AFUS_DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    if seed and store is None:
        init_store(database_url, server_env)
    port = free_port()
    log_path = workdir / f"streamlit-{port}.log"
    command = [
        sys.executable, "-m", "afus", "serve",  # the project's launcher (see afus.ui.serve)
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        *(("--server.baseUrlPath", path_prefix) if path_prefix else ()),
        *extra_args,
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = AppServer(f"http://127.0.0.1:{port}{'/' + path_prefix if path_prefix else ''}", database_url, port, log_path, process)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _health_ok(server.base_url):
            if process.poll() is not None:
                raise RuntimeError(f"the app server exited with code {process.returncode}:\n{server.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app server did not answer /_stcore/health in time:\n{server.log()}")
            time.sleep(0.1)  # polling interval, not a wait for readiness
        yield server
    finally:
        _stop(process)
        if store is not None:
            store.drop()
        if own_dir is not None:
            shutil.rmtree(own_dir, ignore_errors=True)


# --- page helpers ----------------------------------------------------------------


def wait_for_app(page: Page, timeout_ms: int = APP_TIMEOUT_MS, *, need_content: bool = True) -> None:
    """Wait until the script has finished its (re)run and the page shows its final content."""
    page.evaluate("() => { window.__afusIdleSince = null; }")
    page.wait_for_function(APP_READY_JS, arg=[QUIET_MS, need_content, WS_ANSWER_GRACE_MS], timeout=timeout_ms, polling=50)


def follow(page: Page, target: Locator | Callable[[], None], arrived: Callable[[str], bool], *, tries: int = 2) -> None:
    """Click ``target`` (a link or button; or call it: typing and Enter, a click in a grid)
    and wait until the address satisfies ``arrived``, then for the app.

    Waiting for the address first means a rerun that has not started yet is
    never mistaken for a finished one. A click that lands while the previous
    rerun is still finishing can be swallowed on a loaded machine; it is then
    clicked once more, as a person would.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        if callable(target):
            target()
        else:
            target.click()
        try:
            page.wait_for_url(lambda url: arrived(url), timeout=APP_TIMEOUT_MS // tries)
            break
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
    wait_for_app(page)


def wait_until_drawn(page: Page) -> None:
    """Wait until every element is drawn: no loading placeholder left, every chart drawn (the benchmarks' "complete")."""
    harness.wait_complete(page, APP_TIMEOUT_MS)


# Each map on the page as drawn (an ECharts chart with land): land shapes
# and sea drawn, markers (country-coloured shapes less one legend icon per
# country), the city names on the map and the legend's words.
MAP_STATES_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] .stEChartsChart")]
  .filter(chart => chart.querySelector('svg path[fill="%(land)s"]'))
  .map(chart => {
    const svg = chart.querySelector("svg");
    const texts = [...svg.querySelectorAll("text")];
    const legend = texts.filter(t => t.getAttribute("fill") !== "%(label)s").map(t => t.textContent);
    const coloured = %(countries)s.map(c => svg.querySelectorAll(`path[fill="${c}"]`).length).filter(n => n > 0);
    return {
      land: svg.querySelectorAll('path[fill="%(land)s"]').length,
      sea: svg.querySelectorAll('path[fill="%(sea)s"]').length,
      markers: coloured.reduce((sum, n) => sum + n - 1, 0),
      labels: texts.filter(t => t.getAttribute("fill") === "%(label)s").map(t => t.textContent),
      legend,
    };
  })"""


def map_states(page: Page) -> list[dict]:
    """Each map on the page once its base map is drawn (:data:`MAP_STATES_JS`)."""
    from afus import charts

    script = MAP_STATES_JS % {
        "land": charts.LAND,
        "sea": charts.OCEAN,
        "label": charts.MAP_TEXT_COLOUR,
        "countries": str(list(charts.COUNTRY_COLOURS.values())).replace("'", '"'),
    }
    page.wait_for_function(f"() => ({script})().length > 0", timeout=APP_TIMEOUT_MS)
    return page.evaluate(script)


def choose(page: Page, key: str, option: str, *, typed: str | None = None, close: bool = False) -> None:
    """Pick ``option`` in the select box or multiselect created with ``key``, as a user does.

    The list is opened (and filtered with ``typed``, as a user types) once the
    page is drawn: an element whose module finishes loading redraws the page
    and closes an open list. If the list closes before the click all the same
    (a loaded machine), it is opened once more. ``close``: press Escape after
    (a multiselect stays open).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wait_until_drawn(page)
    box = widget(page, key).get_by_role("combobox")  # Streamlit's select boxes are ARIA comboboxes
    for attempt in range(2):
        box.click()
        if typed is not None:
            box.fill(typed)  # the option list is virtualised: filtering draws the option
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=APP_TIMEOUT_MS // 2)
            break
        except PlaywrightTimeout:
            if attempt:
                raise
            page.keyboard.press("Escape")
    if close:
        page.keyboard.press("Escape")
    wait_for_app(page)


def address_has(path: str | None = None, **params: str) -> Callable[[str], bool]:
    """A predicate on a URL: its path is ``path`` (when given) and it carries every ``params`` value."""

    def arrived(url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        return (path is None or parts.path == path) and all(query.get(k) == v for k, v in params.items())

    return arrived


def goto(page: Page, server: AppServer, path: str = "/", **params: str) -> None:
    """Open ``path`` on ``server`` and wait until the page is ready."""
    page.goto(server.url(path, **params), wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stApp']", state="attached", timeout=APP_TIMEOUT_MS)
    wait_for_app(page)


def widget(page: Page, key: str) -> Locator:
    """The container of the widget created with ``key=key`` (Streamlit's ``.st-key-<key>`` class)."""
    return page.locator(f".st-key-{key}")


def main_text(page: Page) -> str:
    """The visible text of the main area (not the sidebar)."""
    return page.locator("[data-testid='stMain']").inner_text()


def query_params(page: Page) -> dict[str, str]:
    """The current URL's query parameters (last value wins)."""
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


def url_path(page: Page) -> str:
    """The current URL's path, e.g. ``"/cities"``."""
    return urllib.parse.urlsplit(page.url).path


def record_outside_requests(page: Page) -> list[str]:
    """The (live) list of requests from ``page`` that tried to leave the machine.

    They fail in every test browser (:data:`CHROMIUM_ARGS`); a test asserts the
    list stays empty to prove the page did not even try.
    """
    attempted: list[str] = []

    def _failed(request: Any) -> None:
        parts = urllib.parse.urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and (parts.hostname or "").lower() not in LOCAL_HOSTS:
            attempted.append(request.url)

    page.on("requestfailed", _failed)
    return attempted


def axe_violations(page: Page, tags: tuple[str, ...] | list[str] = WCAG_21_AA, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's violations of ``tags`` on the page as it is now (injected from node_modules).

    Each violation is ``{"id", "impact", "help", "nodes": [{"target", "html", "summary"}]}``.
    """
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` (make test does)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async ([tags, exclude]) => {
            const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
            const r = await window.axe.run(context, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
            }));
        }""",
        [list(tags), list(exclude)],
    )
    return list(result)


def format_violations(violations: list[dict], limit_nodes: int = 3) -> str:
    """A readable report of axe violations for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:limit_nodes]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
        if len(v["nodes"]) > limit_nodes:
            lines.append(f"    … and {len(v['nodes']) - limit_nodes} more")
    return "\n".join(lines)


# --- fixtures --------------------------------------------------------------------


def _skip_without_chromium() -> None:
    # Skipped with the reason on a machine without Chromium; under CI, where
    # .ci/run installs it, a missing browser is a failure, not a silent skip.
    reason = chromium_missing_reason()
    if reason:
        skip_or_fail(reason)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """One seeded app for the whole session, shared by every read-only browser test."""
    _skip_without_chromium()
    with start_app_server(tmp_path_factory.mktemp("app-server")) as server:
        yield server


@pytest.fixture(scope="module")
def private_app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A seeded app with its own store for one test module (use it when tests write)."""
    _skip_without_chromium()
    with start_app_server(tmp_path_factory.mktemp("private-app-server")) as server:
        yield server


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    """The Playwright driver of this test process, shared by ``browser`` and ``page``."""
    _skip_without_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    chromium = _playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS))
    try:
        yield chromium
    finally:
        chromium.close()


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context whose pages report their websocket traffic to :func:`wait_for_app`."""
    context = browser.new_context(**options)
    context.add_init_script(WS_PROBE_JS)
    return context


@pytest.fixture(scope="session")
def _shared_context(_playwright: Playwright) -> Iterator[BrowserContext]:
    """The browser context behind every ``page`` of this test process.

    A user's browser keeps the scripts it has compiled; so does this one. It is
    a Chromium profile in a temporary folder (a persistent context, removed
    at the end), which keeps V8's code cache: a page then costs about 13 %
    less browser CPU than in a fresh, in-memory context. What one test leaves
    behind is cleared after it (see ``page``).
    """
    with tempfile.TemporaryDirectory(prefix="afus-chromium-profile-") as profile:
        context = _playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS),
            viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="en-GB",
        )  # fmt: skip
        context.add_init_script(WS_PROBE_JS)
        context.set_default_timeout(APP_TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


def _clear(context: BrowserContext) -> None:
    """Close every page of ``context`` and forget its cookies and stored values (what a test can leave)."""
    for open_page in list(context.pages):
        with contextlib.suppress(Exception):  # a page on about:blank or a closed server has no storage to clear
            open_page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        open_page.close()
    context.clear_cookies()


@pytest.fixture
def page(_shared_context: BrowserContext) -> Iterator[Page]:
    """A new page for one test, with no cookies or stored values; requests leaving the machine fail.

    ``page.blocked_requests`` lists the requests that tried to leave, ``page.page_errors`` the
    uncaught JavaScript errors. Other pages the test opens in ``page.context``
    are closed after it.
    """
    new_page = _shared_context.new_page()
    new_page.blocked_requests = record_outside_requests(new_page)  # type: ignore[attr-defined]
    errors: list[str] = []
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    new_page.page_errors = errors  # type: ignore[attr-defined]
    try:
        yield new_page
    finally:
        _clear(_shared_context)


# --- the keyboard alone ------------------------------------------------------------------------

MAX_TABS = 80

FOCUS_INSIDE_JS = """(selector) => {
  const el = document.activeElement;
  return !!el && !!el.closest(selector);
}"""


def tab_to(page, selector: str, *, max_tabs: int = MAX_TABS, backwards: bool = False) -> None:  # noqa: ANN001
    """Press Tab until the focused element is inside ``selector``; fail if it is never reached."""
    seen = []
    for _ in range(max_tabs):
        if page.evaluate(FOCUS_INSIDE_JS, selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        seen.append(page.evaluate("() => { const e = document.activeElement; return e ? (e.getAttribute('aria-label') || e.textContent || e.tagName).trim().slice(0, 40) : ''; }"))
    raise AssertionError(f"{selector} not reachable with Tab in {max_tabs} presses; focus went through: {seen}")


def start_from_top(page) -> None:  # noqa: ANN001
    """Nothing focused and the page scrolled to the top, as after a page load: the next Tab starts at the beginning."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
