"""Project search and the /projects list at 20,000 synthetic projects, as JSON.

    .venv/bin/python benchmarks/bench_search.py            # 20,000 projects
    .venv/bin/python benchmarks/bench_search.py --quick    # fewer repetitions
    .venv/bin/python benchmarks/bench_search.py --projects 5000

The network is built in memory, not in a store: the seed cities and themes
(read from a throwaway seeded SQLite file) and N synthetic projects whose
titles and summaries are drawn, with a fixed seed, from the seed projects'
own words in French, English and Swedish (accents, ligatures and elisions
included), each with a city, one to four themes and, for half of them,
translations. Measured: building the folded search index once per snapshot;
one search per query (the index reused, as on every rerun); a full
``filter_projects`` (search + filters + sort); the table the page shows
and its CSV, for every project. With ``--page``, the ``/projects`` page
itself under ``AppTest`` on the scale store (``benchmarks/scale.py``,
20,000 projects; first run, then warm reruns), against the run of a
one-line page (``benchmarks/empty_page.py``) measured the same way.

The floor, measured in the same run, is one vectorised pass over the same
20,000 haystacks (``Series.str.len``): a search cannot touch every row in
less. ``ratio`` is a time divided by that floor.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from afus import db, schema, seed  # noqa: E402
from benchmarks import harness  # noqa: E402
from afus.network import Network, load_network  # noqa: E402
from afus.projects import ProjectFilters, filter_projects, project_table  # noqa: E402
from afus.spreadsheet import table_csv  # noqa: E402
from afus.search import project_haystacks, project_index  # noqa: E402

QUERIES = ("Umea", "Goteborg", "economie circulaire", "coeur", "l'énergie", "saint-brieuc place grille", "zzzz", "")
RANDOM_SEED = 20171117
EXTRA_WORDS = ("cœur", "cœur de ville", "l'énergie", "énergie", "Göteborg", "mångsidighet", "écoquartier", "résilience")


def seed_network() -> Network:
    """The seeded network, read from a throwaway SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            schema.upgrade(engine)
            seed.seed(engine)
            return load_network(engine)
        finally:
            engine.dispose()


def synthetic_network(base: Network, projects: int) -> Network:
    """``base`` with ``projects`` synthetic projects built from the seed projects' words."""
    rng = random.Random(RANDOM_SEED)
    words: list[str] = list(EXTRA_WORDS)
    for _, row in base.projects.iterrows():
        words.extend(str(row["title"]).split() + str(row["summary"]).split())
        for per_lang in (row["translations"] or {}).values():
            words.extend(" ".join(per_lang.values()).split())
    cities = base.cities[["id", "slug", "name", "country"]].to_dict("records")
    theme_ids = list(base.themes["id"])
    now = pd.Timestamp("2026-01-01")
    rows, tags = [], []
    for i in range(1, projects + 1):
        city = rng.choice(cities)
        title = " ".join(rng.choices(words, k=rng.randint(3, 9)))[:120]
        summary = " ".join(rng.choices(words, k=rng.randint(10, 40)))
        translations = (
            {"en": {"title": " ".join(rng.choices(words, k=5)), "summary": " ".join(rng.choices(words, k=20))}}
            if i % 2 else {}
        )
        rows.append(
            {
                "id": i, "slug": f"synthetic-{i}", "city_id": city["id"], "city_slug": city["slug"],
                "city_name": city["name"], "country": city["country"], "title": title, "lang": rng.choice(["fr", "sv", "en"]),
                "summary": summary, "status": rng.choice(["planned", "ongoing", "ongoing", "completed"]),
                "start_date": None, "end_date": None, "contact_name": "", "contact_email": "", "contact_checked": None,
                "links": [], "source": "", "translations": translations, "version": 1,
                "created_at": now, "updated_at": now - pd.Timedelta(minutes=i),
            }
        )
        tags.extend((i, t) for t in rng.sample(theme_ids, rng.randint(1, 4)))
    return replace(
        base,
        version=base.version + 1,
        projects=pd.DataFrame(rows),
        project_themes=pd.DataFrame(tags, columns=["project_id", "theme_id"]),
        project_partners=pd.DataFrame(columns=["project_id", "city_id"]),
    )


def timed(fn: Callable[[], object], reps: int) -> dict[str, float]:
    """Median and minimum of ``reps`` runs (after one warm-up), in milliseconds."""
    return harness.timed(fn, reps).summary()


def with_ratio(result: dict[str, float], floor_ms: float) -> dict[str, float]:
    return {**result, "ratio": round(result["median_ms"] / floor_ms, 1) if floor_ms else float("nan")}


def run(projects: int, reps: int) -> dict:
    network = synthetic_network(seed_network(), projects)
    index = project_index(network)
    haystacks = index.haystacks
    floor = timed(lambda: haystacks.str.len(), reps)
    floor_ms = floor["median_ms"]

    result: dict = {
        "benchmark": "project search and list",
        "projects": len(network.projects),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "floor": {"what": "one Series.str.len pass over the haystacks", **floor},
        "build_index": with_ratio(timed(lambda: project_haystacks(network), max(3, reps // 5)), floor_ms),
        "search": {},
    }
    for query in QUERIES:
        hits = len(index.matching_ids(query))
        result["search"][query or "(empty)"] = {**with_ratio(timed(lambda q=query: index.matching_ids(q), reps), floor_ms),
                                                "hits": hits}
    filters = ProjectFilters(query="economie", countries=("FR",), statuses=("ongoing", "planned"), sort="title")
    shown = filter_projects(network, filters, "fr")
    result["filter_and_sort"] = {
        **with_ratio(timed(lambda: filter_projects(network, filters, "fr"), max(3, reps // 5)), floor_ms),
        "rows": len(shown),
    }
    everything = filter_projects(network, ProjectFilters(), "en")
    table = project_table(network, everything, "en")
    result["table_all_rows"] = with_ratio(timed(lambda: project_table(network, everything, "en"), 3), floor_ms)
    result["csv_all_rows"] = {**with_ratio(timed(lambda: table_csv(table, "en"), 3), floor_ms),
                              "bytes": len(table_csv(table, "en"))}
    return result


def apptest_times(page_file: str | None, query: dict[str, str], reps: int) -> dict[str, float]:
    """First run and warm reruns of the dashboard on ``page_file`` (or of the empty page) under AppTest."""
    script = ROOT / "dashboard.py" if page_file else harness.EMPTY_PAGE
    first, warm = harness.apptest_run_ms(script, page_file, query, reps)
    return {"first_ms": round(first, 1), **warm.summary()}


def page_run(reps: int) -> dict:
    """The /projects page at scale (AppTest), with the empty page as the floor."""
    import os

    from benchmarks import scale

    os.environ["AFUS_DATABASE_URL"] = scale.cached_scale_store()
    floor = apptest_times(None, {}, reps)
    out: dict = {"floor_empty_page": floor}
    for label, query in (("all_projects", {}), ("search", {"q": "Umea"}), ("city", {"city": "malmo"}),
                         ("detail", {"project": "saint-brieuc-place-de-la-grille"})):
        times = apptest_times("pages/projects.py", query, reps)
        out[label] = {**times, "ratio": round(times["median_ms"] / floor["median_ms"], 1)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--page", action="store_true", help="also time the /projects page at scale (AppTest)")
    args = parser.parse_args(argv)
    result = run(args.projects, reps=5 if args.quick else 25)
    if args.page:
        result["page"] = page_run(reps=3 if args.quick else 7)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
