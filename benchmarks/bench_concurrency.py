"""Many users at once: 30 browser sessions open /peers and /projects and interact, all at the same time.

    .venv/bin/python benchmarks/bench_concurrency.py              # 30 sessions, seed store
    .venv/bin/python benchmarks/bench_concurrency.py --scale large
    .venv/bin/python benchmarks/bench_concurrency.py --quick      # 3 sessions (CI smoke)

The app is served by its launcher (``python -m afus serve``) on a fresh store
seeded by ``python -m afus init`` (or the 20,000-project scale store). One
headless Chromium holds every session, each in its own Playwright context
(no shared cookies or cache), driven by Playwright's async API. The server
runs at a higher CPU priority than the browser (users' browsers draw on
their own machines, not on the server's two cores). A session opens /peers, picks a city, opens /projects and types a search; every step
waits with the browser tests' readiness rule (``APP_READY_JS``: connected,
script not running, nothing stale, content shown, and still so after
``QUIET_MS``) and checks that the address says the new state. A step's time
runs from its start to the moment the page became ready (the page's own
clock, so the quiet window is not counted). Timeouts are generous: the
point is that every session succeeds; latency is reported, not asserted.

Memory is the server's process tree (resident set): before the sessions
(after one warm-up visit, so caches are filled), at its peak (sampled every
100 ms) and after the sessions closed. A closed tab's Streamlit session is
kept for ``server.disconnectedSessionTTL`` seconds (default 120) in case it
reconnects, and an expired one is dropped on the next write to that store
(the next disconnect); so the server runs with a short TTL, and "before" and
"after" are both taken once the TTL has passed and one probe visit has come
and gone. Target: growth after closing < 50 MB.

Every session's browser shares this machine's cores with the server, so a
step's time is mostly the browser's drawing; the JSON therefore also gives
the server's response per step as seen on each page's websocket (from the
first script run asked for to the last one finished; stamped when Playwright
reports the frames, so on a loaded machine it carries the client's lag too)
and the CPU time the server and the browser used during the sessions (the
steadiest figure of the server's own work).

Prints JSON: successes, failures with their step and reason, p50/p95/max
of each step (and of the server's response) and of the whole session, the
CPU split, the memory figures and any error the server logged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402
from tests.browser_support import APP_READY_JS, CHROMIUM, CHROMIUM_ARGS, QUIET_MS, start_app_server  # noqa: E402

MB = 1024 * 1024
GROWTH_TARGET_MB = 50
SESSIONS = 30
QUICK_SESSIONS = 3
STEP_TIMEOUT_MS = 300_000  # generous: a slow step is a figure, not a failure
SERVER_NICE = -10  # the server's CPU priority, above the browser's (see raise_priority)
SESSION_TTL_S = 10  # server.disconnectedSessionTTL for the run (Streamlit's default is 120)
PEER_CITIES = ("malmo", "umea", "grenoble", "paris", "boras", "strasbourg")
SEARCHES = ("economie circulaire", "Goteborg", "participation", "renovation", "Umea")
STEPS = ("open_peers", "pick_city", "open_projects", "search", "session")


class StepFailed(RuntimeError):
    """The step finished but the page does not show what the user asked for."""


# --- one user's visit -------------------------------------------------------------------------


async def _wait_for_app(page) -> float:  # noqa: ANN001
    """Wait until the page is ready (the browser tests' rule); return when it became so (page clock, ms)."""
    await page.evaluate("() => { window.__afusIdleSince = null; }")
    await page.wait_for_function(APP_READY_JS, arg=[QUIET_MS, True], timeout=STEP_TIMEOUT_MS, polling=100)
    return float(await page.evaluate("() => window.__afusIdleSince"))


async def _open(page, url: str) -> float:  # noqa: ANN001
    """Open ``url``; milliseconds from the navigation's start to the page being ready."""
    await page.goto(url, wait_until="commit", timeout=STEP_TIMEOUT_MS)
    return await _wait_for_app(page)  # a new document's clock starts with its navigation


async def _interact(page, action, param: str) -> float:  # noqa: ANN001
    """Do ``action``; wait until the address carries ``param`` and the rerun is done; milliseconds."""
    started = float(await page.evaluate("() => performance.now()"))
    await action()
    await page.wait_for_url(lambda url: bool(_query(url).get(param)), timeout=STEP_TIMEOUT_MS)
    return await _wait_for_app(page) - started


def _query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


async def _check_no_exception(page) -> None:  # noqa: ANN001
    if await page.locator('[data-testid="stException"]').count():
        text = await page.locator('[data-testid="stException"]').first.inner_text()
        raise StepFailed(f"the page shows an exception: {text.splitlines()[0][:160] if text else ''}")


class Wire:
    """A page's Streamlit websocket, seen from the browser: when a script run was asked for and when one finished.

    The time from the first request of a step to the last run finished is the
    server's response time (its queueing included), without the browser's
    drawing; with every session's browser on the same two cores, it tells the
    server's share of a step from the client's.
    """

    def __init__(self, page) -> None:  # noqa: ANN001
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._back, self._forward = BackMsg, ForwardMsg
        self.asked: list[float] = []
        self.finished: list[float] = []
        page.on("websocket", self._socket)

    def _socket(self, socket) -> None:  # noqa: ANN001
        socket.on("framesent", self._sent)
        socket.on("framereceived", self._received)

    def _sent(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes) and self._kind(self._back, payload) == "rerun_script":
            self.asked.append(time.perf_counter())

    def _received(self, payload: bytes | str) -> None:
        # A "script finished" message is a few bytes; the large ones are elements.
        if isinstance(payload, bytes) and len(payload) < 256 and self._kind(self._forward, payload) == "script_finished":
            self.finished.append(time.perf_counter())

    @staticmethod
    def _kind(message_class, payload: bytes) -> str | None:  # noqa: ANN001
        try:
            return message_class.FromString(payload).WhichOneof("type")
        except Exception:  # noqa: BLE001 - not a message of this kind
            return None

    def server_ms(self, since: float) -> float | None:
        """From the first run asked for after ``since`` to the last one finished; ``None`` if none was seen."""
        asked = [t for t in self.asked if t >= since]
        finished = [t for t in self.finished if asked and t >= asked[0]]
        return (finished[-1] - asked[0]) * 1000 if finished else None


async def one_session(browser, base_url: str, n: int, start: asyncio.Event) -> dict:  # noqa: ANN001
    """One user's visit; its step times (ms), or the step and error that stopped it."""
    await start.wait()
    began = time.perf_counter()
    steps: dict[str, float] = {}
    server: dict[str, float] = {}
    step = "new_context"
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        page = await context.new_page()
        wire = Wire(page)

        def _server_time(name: str, since: float) -> None:
            value = wire.server_ms(since)
            if value is not None:
                server[name] = value

        step = "open_peers"
        t0 = time.perf_counter()
        steps[step] = await _open(page, f"{base_url}/peers")
        _server_time(step, t0)
        await _check_no_exception(page)

        step = "pick_city"
        t0 = time.perf_counter()
        typed = PEER_CITIES[n % len(PEER_CITIES)][:3]
        box = page.locator(".st-key-peers_city input")
        await box.click()
        await box.fill(typed)
        option = page.locator('[role="option"]').filter(has_text=re.compile(typed, re.I)).first
        await option.wait_for()
        steps[step] = await _interact(page, option.click, "city")
        _server_time(step, t0)
        await _check_no_exception(page)

        step = "open_projects"
        t0 = time.perf_counter()
        steps[step] = await _open(page, f"{base_url}/projects")
        _server_time(step, t0)
        await _check_no_exception(page)

        step = "search"
        t0 = time.perf_counter()
        await page.locator(".st-key-projects_q input").fill(SEARCHES[n % len(SEARCHES)])
        steps[step] = await _interact(page, lambda: page.keyboard.press("Enter"), "q")
        _server_time(step, t0)
        await _check_no_exception(page)

        steps["session"] = (time.perf_counter() - began) * 1000
        return {"ok": True, "steps": steps, "server": server}
    except Exception as exc:  # a failure, reported with its step and message
        first_line = (str(exc).strip().splitlines() or [""])[0][:200]
        return {"ok": False, "error": f"{step}: {type(exc).__name__}: {first_line}", "steps": steps}
    finally:
        await context.close()


# --- server memory ----------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as fh:
                    todo.extend(int(child) for child in fh.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
        found.append(current)
    return found


def tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in bytes."""
    total = 0
    for member in _tree(pid):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            total += harness.rss_bytes(member)
    return total


def tree_cpu_s(pid: int) -> float:
    """CPU time (user + system) used so far by ``pid`` and its descendants, in seconds.

    Descendants that have exited count through their parent's "children" times
    (a closed tab's renderer process, once Chromium has reaped it).
    """
    ticks = 0
    for member in _tree(pid):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            with open(f"/proc/{member}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime (fields 14-17 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


async def _sample_rss(pid: int, stop: asyncio.Event, samples: list[int]) -> None:
    while not stop.is_set():
        samples.append(tree_rss(pid))
        await asyncio.sleep(0.1)


async def _rss_after_release(browser, base_url: str, pid: int) -> int:  # noqa: ANN001
    """The server's memory once closed sessions have expired and been dropped, and memory stopped falling."""
    await asyncio.sleep(SESSION_TTL_S + 2)
    # Expired sessions leave Streamlit's session store on its next write: a probe visit's disconnect.
    context = await browser.new_context()
    try:
        await _open(await context.new_page(), f"{base_url}/")
    finally:
        await context.close()
    last = tree_rss(pid)
    for _ in range(10):
        await asyncio.sleep(1)
        now = tree_rss(pid)
        if now >= last:
            return now
        last = now
    return last


# --- the run ----------------------------------------------------------------------------------


def raise_priority(pid: int) -> int:
    """Run the server (every thread, and so every thread it starts) at ``SERVER_NICE``; return its nice value.

    Real users' browsers draw on their own machines; here all of them share
    two cores with the server, and at the same priority 30 tabs drawing at
    once would starve it (Chromium sets its own processes' priorities, so
    lowering the browser's does not hold). Raising a priority needs root;
    without it the server keeps its own, and the JSON says which.
    """
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            os.setpriority(os.PRIO_PROCESS, int(task), SERVER_NICE)
        except PermissionError:
            break
    return os.getpriority(os.PRIO_PROCESS, pid)


async def run_sessions(base_url: str, pid: int, sessions: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True)
        try:
            warm = await one_session(browser, base_url, 0, _set(asyncio.Event()))
            if not warm["ok"]:
                raise RuntimeError(f"the warm-up visit failed: {warm['error']}")
            before = await _rss_after_release(browser, base_url, pid)
            start, stop, samples = asyncio.Event(), asyncio.Event(), []
            sampler = asyncio.create_task(_sample_rss(pid, stop, samples))
            tasks = [asyncio.create_task(one_session(browser, base_url, n, start)) for n in range(sessions)]
            # This process's tree holds the server and the browser: the browser's share is the rest.
            began, server_began, all_began = time.perf_counter(), tree_cpu_s(pid), tree_cpu_s(os.getpid())
            start.set()
            results = await asyncio.gather(*tasks)
            wall, server_cpu = time.perf_counter() - began, tree_cpu_s(pid) - server_began
            client_cpu = tree_cpu_s(os.getpid()) - all_began - server_cpu
            stop.set()
            await sampler
            after = await _rss_after_release(browser, base_url, pid)
        finally:
            await browser.close()
    return {"results": results, "wall_s": wall, "cpu_s": {"server": server_cpu, "browser": client_cpu}, "rss": {"before": before, "peak": max(samples or [before]), "after": after}}


def _set(event: asyncio.Event) -> asyncio.Event:
    event.set()
    return event


def _percentiles(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(harness.percentile(values, 50), 1),
        "p95_ms": round(harness.percentile(values, 95), 1),
        "max_ms": round(max(values), 1),
    }


def summarise(raw: dict, sessions: int) -> dict:
    """Percentiles per step and the memory verdict."""
    ok = [r for r in raw["results"] if r["ok"]]
    steps, server = {}, {}
    for name in STEPS:
        values = [r["steps"][name] for r in ok if name in r["steps"]]
        if values:
            steps[name] = _percentiles(values)
        values = [r["server"][name] for r in ok if name in r["server"]]
        if values:
            server[name] = {**_percentiles(values), "seen": len(values)}
    rss = raw["rss"]
    growth = (rss["after"] - rss["before"]) / MB
    return {
        "sessions": sessions,
        "succeeded": len(ok),
        "failed": [r["error"] for r in raw["results"] if not r["ok"]],
        "wall_s": round(raw["wall_s"], 1),
        # CPU used during the sessions by the server and by Chromium with its driver (2 cores shared).
        "cpu_s": {k: round(v, 1) for k, v in raw["cpu_s"].items()},
        "steps": steps,
        "server_response": server,
        "server_rss_mb": {k: round(v / MB, 1) for k, v in rss.items()},
        "rss_growth_after_close_mb": round(growth, 1),
        "meets": {"all_succeeded": len(ok) == sessions, "growth_under_50_mb": growth < GROWTH_TARGET_MB},
    }


def _server_errors(log: str) -> list[str]:
    """Tracebacks and errors the server logged during the run (first line of each)."""
    return [line.strip()[:200] for line in log.splitlines() if re.search(r"Traceback|Error|locked", line)][:20]


def run(sessions: int, scale: str) -> dict:
    import streamlit

    load_at_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="afus-bench-conc-") as tmp:
        database_url, seed = None, True
        if scale == "large":
            from benchmarks import scale as scale_mod

            database_url, seed = scale_mod.cached_scale_store(), False
        extra = ("--server.disconnectedSessionTTL", str(SESSION_TTL_S))
        with start_app_server(Path(tmp), database_url=database_url, seed=seed, extra_args=extra) as app:
            server_nice = raise_priority(app.pid())
            raw = asyncio.run(run_sessions(app.base_url, app.pid(), sessions))
            errors = _server_errors(app.log())
    return {
        "benchmark": "concurrency",
        "scale": scale,
        "machine": {
            "cpus": os.cpu_count(),
            "load_1min_at_start": round(load_at_start, 2),
            "python": platform.python_version(),
            "streamlit": streamlit.__version__,
        },
        "session_ttl_s": SESSION_TTL_S,
        "server_nice": server_nice,
        **summarise(raw, sessions),
        "server_log_errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--scale", choices=("seed", "large"), default="seed")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SESSIONS} sessions (CI smoke)")
    args = parser.parse_args(argv)
    print(json.dumps(run(QUICK_SESSIONS if args.quick else args.sessions, args.scale), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
