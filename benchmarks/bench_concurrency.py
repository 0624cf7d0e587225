"""Many users at once: 30 browser sessions open /peers and /projects and interact, all at the same time.

    .venv/bin/python benchmarks/bench_concurrency.py              # 30 sessions, seed store
    .venv/bin/python benchmarks/bench_concurrency.py --scale large
    .venv/bin/python benchmarks/bench_concurrency.py --quick      # 5 sessions (CI smoke)

Each session is its own Playwright context (no shared cookies or cache) in
one headless Chromium. A session opens /peers, picks a city, opens
/projects and searches; every step waits until the script has finished and
the page shows its result. Prints JSON: successes, p50/p95 of each step
and of the whole session, and the server's resident memory before the
sessions, at their peak (sampled every 100 ms) and after they closed
(target: growth after closing < 50 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

MB = 1024 * 1024
GROWTH_TARGET_MB = 50
STEP_TIMEOUT_MS = 180_000
PEER_CITIES = ("malmo", "umea", "grenoble", "paris", "boras", "strasbourg")
SEARCHES = ("economie circulaire", "Goteborg", "participation", "renovation", "Umea")


async def _wait_ready(page) -> None:  # noqa: ANN001
    await page.wait_for_function(harness.READY_JS, timeout=STEP_TIMEOUT_MS, polling=100)


async def _rerun(page, action, ignore: str) -> None:  # noqa: ANN001
    await page.evaluate(harness.WATCH_RERUN_JS, ignore)
    await action()
    await page.wait_for_function(harness.RERUN_DONE_JS, timeout=STEP_TIMEOUT_MS, polling=100)


async def one_session(browser, base_url: str, n: int, start: asyncio.Event) -> dict:  # noqa: ANN001
    """One user's visit; its step times, or the error that stopped it."""
    await start.wait()
    steps: dict[str, float] = {}
    step = "new_context"
    context = await browser.new_context()
    context.set_default_timeout(STEP_TIMEOUT_MS)
    began = time.perf_counter()
    try:
        page = await context.new_page()

        step = "open_peers"
        t0 = time.perf_counter()
        await page.goto(f"{base_url}/peers", wait_until="commit")
        await _wait_ready(page)
        steps["open_peers"] = time.perf_counter() - t0

        step = "pick_city"
        t0 = time.perf_counter()
        box = page.locator(".st-key-peers_city input")
        await box.click()
        typed = PEER_CITIES[n % len(PEER_CITIES)][:3]
        await box.fill(typed)
        option = page.locator('[role="option"]').filter(has_text=re.compile(typed, re.I)).first
        await option.wait_for()
        await _rerun(page, option.click, ".st-key-peers_city")
        steps["pick_city"] = time.perf_counter() - t0

        step = "open_projects"
        t0 = time.perf_counter()
        await page.goto(f"{base_url}/projects", wait_until="commit")
        await _wait_ready(page)
        steps["open_projects"] = time.perf_counter() - t0

        step = "search"
        t0 = time.perf_counter()
        await page.locator(".st-key-projects_q input").fill(SEARCHES[n % len(SEARCHES)])
        await _rerun(page, lambda: page.keyboard.press("Enter"), ".st-key-projects_q")
        steps["search"] = time.perf_counter() - t0

        if await page.locator('[data-testid="stException"]').count():
            raise harness.PageError("the page shows an exception")
        steps["session"] = time.perf_counter() - began
        return {"ok": True, "steps": steps}
    except Exception as exc:  # counted as a failure, reported with its message
        return {"ok": False, "error": f"{step}: {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}", "steps": steps}
    finally:
        await context.close()


async def _sample_rss(pid: int, stop: asyncio.Event, samples: list[int]) -> None:
    while not stop.is_set():
        samples.append(harness.rss_bytes(pid))
        await asyncio.sleep(0.1)


async def _settled_rss(pid: int, seconds: float = 30.0) -> int:
    """RSS once it stops falling (sessions are torn down shortly after their sockets close)."""
    deadline = time.monotonic() + seconds
    last = harness.rss_bytes(pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(2)
        now = harness.rss_bytes(pid)
        if now >= last:
            return now
        last = now
    return last


async def run_sessions(base_url: str, pid: int, sessions: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS, headless=True)
        try:
            # One visit first, so "before" is the server warm (caches filled), not cold.
            await one_session(browser, base_url, 0, _set(asyncio.Event()))
            before = await _settled_rss(pid, 10)
            start, stop, samples = asyncio.Event(), asyncio.Event(), []
            sampler = asyncio.create_task(_sample_rss(pid, stop, samples))
            tasks = [asyncio.create_task(one_session(browser, base_url, n, start)) for n in range(sessions)]
            began = time.perf_counter()
            start.set()
            results = await asyncio.gather(*tasks)
            wall = time.perf_counter() - began
            stop.set()
            await sampler
            after = await _settled_rss(pid)
        finally:
            await browser.close()
    return {"results": results, "wall_s": wall, "rss": {"before": before, "peak": max(samples or [before]), "after": after}}


def _set(event: asyncio.Event) -> asyncio.Event:
    event.set()
    return event


def summarise(raw: dict, sessions: int) -> dict:
    """Percentiles per step and the memory verdict."""
    ok = [r for r in raw["results"] if r["ok"]]
    steps = {}
    for name in ("open_peers", "pick_city", "open_projects", "search", "session"):
        values = [r["steps"][name] * 1000 for r in ok if name in r["steps"]]
        if values:
            steps[name] = {
                "p50_ms": round(harness.percentile(values, 50), 1),
                "p95_ms": round(harness.percentile(values, 95), 1),
                "max_ms": round(max(values), 1),
            }
    rss = raw["rss"]
    growth = (rss["after"] - rss["before"]) / MB
    return {
        "sessions": sessions,
        "succeeded": len(ok),
        "failed": [r["error"] for r in raw["results"] if not r["ok"]],
        "wall_s": round(raw["wall_s"], 1),
        "steps": steps,
        "server_rss_mb": {k: round(v / MB, 1) for k, v in rss.items()},
        "rss_growth_after_close_mb": round(growth, 1),
        "meets": {"all_succeeded": len(ok) == sessions, "growth_under_50_mb": growth < GROWTH_TARGET_MB},
    }


def run(sessions: int, scale: str) -> dict:
    import platform
    import os

    import streamlit

    with tempfile.TemporaryDirectory(prefix="afus-bench-conc-") as tmp:
        tmp_path = Path(tmp)
        if scale == "large":
            from benchmarks import scale as scale_mod

            url = scale_mod.cached_scale_store()
        else:
            url = harness.seeded_sqlite(tmp_path / "seed.db")
        with harness.streamlit_server(harness.ROOT / "dashboard.py", env={"AFUS_DATABASE_URL": url}, log_dir=tmp_path) as app:
            raw = asyncio.run(run_sessions(app.url, app.process.pid, sessions))
    return {
        "benchmark": "concurrency",
        "scale": scale,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "streamlit": streamlit.__version__},
        **summarise(raw, sessions),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--scale", choices=("seed", "large"), default="seed")
    parser.add_argument("--quick", action="store_true", help="5 sessions (CI smoke)")
    args = parser.parse_args(argv)
    print(json.dumps(run(5 if args.quick else args.sessions, args.scale), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
