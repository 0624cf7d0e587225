"""Load the reviewable seed files in ``data/seed/`` into an empty store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from afus.db import DATA_DIR, write_session
from afus.gazetteer import place_by_id
from afus.models import City, CitySeek, Event, Project, Theme

SEED_DIR = DATA_DIR / "seed"


def _read(name: str, seed_dir: Path) -> list:
    with open(seed_dir / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or []


def is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return not session.scalar(select(func.count()).select_from(City))


def seed(engine: Engine, seed_dir: Path = SEED_DIR) -> bool:
    """Seed the store if it holds no city yet; return whether anything was written."""
    if not is_empty(engine):
        return False
    with write_session(engine) as session:
        cities = _seed_cities(session, _read("cities.yaml", seed_dir))
        themes = _seed_themes(session, _read("themes.yaml", seed_dir))
        _seed_projects(session, _read("projects.yaml", seed_dir), cities, themes)
        _seed_seeks(session, _read("seeks.yaml", seed_dir), cities, themes)
        _seed_events(session, _read("events.yaml", seed_dir), cities, themes)
    return True


def _seed_cities(session: Session, rows: list[dict]) -> dict[str, City]:
    out = {}
    for row in rows:
        place = place_by_id(row["geonames_id"])
        if place is None:
            raise ValueError(f"geonames id {row['geonames_id']} ({row['name']}) is not in the gazetteer")
        city = City(
            slug=row["slug"],
            name=row["name"],
            country=row["country"],
            aliases="|".join(row.get("aliases") or []),
            geonames_id=place.geonames_id,
            latitude=place.latitude,
            longitude=place.longitude,
            population=place.population,
            lang=row.get("lang", "fr"),
            profile=row.get("profile", ""),
            translations=row.get("translations") or {},
        )
        session.add(city)
        out[city.slug] = city
    session.flush()
    return out


def _seed_themes(session: Session, groups: list[dict]) -> dict[str, Theme]:
    out = {}
    for group in groups:
        for position, row in enumerate(group["items"], start=1):
            theme = Theme(
                slug=row["slug"],
                framework=group["framework"],
                position=position,
                name=row["name"],
                lang=row.get("lang", group.get("lang", "fr")),
                description=row.get("description", ""),
                period=row.get("period", ""),
                translations=row.get("translations") or {},
            )
            session.add(theme)
            out[theme.slug] = theme
    session.flush()
    return out


def _date(value) -> dt.date | None:  # noqa: ANN001
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _seed_projects(session, rows, cities, themes) -> None:  # noqa: ANN001
    for row in rows:
        session.add(
            Project(
                slug=row["slug"],
                city=cities[row["city"]],
                title=row["title"],
                lang=row.get("lang", "fr"),
                summary=row.get("summary", ""),
                status=row.get("status", "ongoing"),
                start_date=_date(row.get("start_date")),
                end_date=_date(row.get("end_date")),
                links=row.get("links") or [],
                source=row.get("source", ""),
                translations=row.get("translations") or {},
                themes=[themes[s] for s in row.get("themes", [])],
                partners=[cities[s] for s in row.get("partners", [])],
            )
        )
    session.flush()


def _seed_seeks(session, rows, cities, themes) -> None:  # noqa: ANN001
    for row in rows:
        for slug in row["themes"]:
            session.add(CitySeek(city_id=cities[row["city"]].id, theme_id=themes[slug].id, note=row.get("note", "")))
    session.flush()


def _seed_events(session, rows, cities, themes) -> None:  # noqa: ANN001
    for row in rows:
        session.add(
            Event(
                slug=row["slug"],
                kind=row["kind"],
                title=row["title"],
                lang=row.get("lang", "fr"),
                start_date=_date(row.get("start_date")),
                end_date=_date(row.get("end_date")),
                host=cities.get(row.get("host")),
                location=row.get("location", ""),
                description=row.get("description", ""),
                translations=row.get("translations") or {},
                cities=[cities[s] for s in row.get("cities", [])],
                themes=[themes[s] for s in row.get("themes", [])],
            )
        )
    session.flush()
