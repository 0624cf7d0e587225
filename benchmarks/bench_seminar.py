"""Seminar mode: how long the slides and the take-home files take to build on the seed store, as JSON.

    .venv/bin/python benchmarks/bench_seminar.py           # 5 repetitions
    .venv/bin/python benchmarks/bench_seminar.py --quick   # 2 repetitions (CI smoke)

Measured: the slide list (every page run builds it), the PPTX deck (23
slides with their map images), a city's one-page PDF, the network's one-page
PDF and the .ics file. The floor, measured in the same run, is reading the
network snapshot from the store (``load_network``), which every one of them
needs first; each result is given in ms and as a ratio to that floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import ratio, seeded_sqlite  # noqa: E402


def median_ms(fn: Callable[[], object], reps: int) -> float:
    fn()  # warm-up: imports, font and base-map caches
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 repetitions instead of 5")
    args = parser.parse_args(argv)
    reps = 2 if args.quick else 5

    from afus import calendar, db, deck, onepager
    from afus.network import load_network
    from afus.slides import SlideOptions, build_slides

    today = dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(seeded_sqlite(Path(tmp) / "bench.db"))
        network = load_network(engine)
        options = SlideOptions(year=today.year, host_slug="malmo")
        slides = build_slides(network, options, "en")
        floor = median_ms(lambda: load_network(engine), reps)
        results = {
            "build_slides": median_ms(lambda: build_slides(network, options, "en"), reps),
            "deck_pptx": median_ms(lambda: deck.build_deck(slides, network, "en"), reps),
            "city_onepager_pdf": median_ms(lambda: onepager.city_onepager(network, "saint-brieuc", "en", today), reps),
            "network_onepager_pdf": median_ms(lambda: onepager.network_onepager(network, "en", today), reps),
            "events_ics": median_ms(lambda: calendar.events_ics(network, "http://localhost:8501", today, "en"), reps),
        }
        engine.dispose()
    print(
        json.dumps(
            {
                "benchmark": "seminar",
                "repetitions": reps,
                "slides": len(slides),
                "floor_load_network_ms": floor,
                "median_ms": results,
                "ratio_to_floor": {name: ratio(value, floor) for name, value in results.items()},
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
