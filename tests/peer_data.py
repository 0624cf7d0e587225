"""Test data for the peer finder, written into the real test store (no mocks)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from afus import db
from afus.models import City, CitySeek, Theme


def every_other_member_seeks(engine: Engine, theme_slug: str, city_slug: str) -> None:
    """Every member but ``city_slug`` declares it wants to learn about ``theme_slug``."""
    with db.write_session(engine) as session:
        theme = session.scalar(select(Theme.id).where(Theme.slug == theme_slug))
        seeking = set(session.scalars(select(CitySeek.city_id).where(CitySeek.theme_id == theme)))
        for city in session.scalars(select(City.id).where(City.slug != city_slug)):
            if city not in seeking:
                session.add(CitySeek(city_id=city, theme_id=theme))
