"""Test data for seminar-mode tests, written into the real test store (no mocks)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select, update

from afus import db
from afus.models import City, Event, Project, Theme


def city(session, slug: str) -> City:  # noqa: ANN001
    return session.scalars(select(City).where(City.slug == slug)).one()


def theme(session, slug: str) -> Theme:  # noqa: ANN001
    return session.scalars(select(Theme).where(Theme.slug == slug)).one()


def add_event(
    engine: Engine,
    slug: str,
    *,
    kind: str = "seminar",
    title: str = "Séminaire annuel AFUS",
    start: dt.date | None,
    end: dt.date | None = None,
    host: str | None = None,
    participants: tuple[str, ...] = (),
    themes: tuple[str, ...] = (),
    location: str = "",
    programme: str = "",
    outcomes: str = "",
    description: str = "",
    translations: dict | None = None,
) -> None:
    """One event with its host, participant cities and themes."""
    with db.write_session(engine) as s:
        s.add(
            Event(
                slug=slug,
                kind=kind,
                title=title,
                lang="fr",
                start_date=start,
                end_date=end,
                host=city(s, host) if host else None,
                location=location,
                programme=programme,
                outcomes=outcomes,
                description=description,
                translations=translations or {},
                cities=[city(s, c) for c in participants],
                themes=[theme(s, t) for t in themes],
            )
        )


def add_project(
    engine: Engine,
    slug: str,
    city_slug: str,
    title: str,
    *,
    summary: str = "",
    themes: tuple[str, ...] = (),
    status: str = "ongoing",
    contact_name: str = "",
    contact_email: str = "",
    created_at: dt.datetime | None = None,
) -> None:
    with db.write_session(engine) as s:
        project = Project(
            slug=slug,
            city=city(s, city_slug),
            title=title,
            lang="fr",
            summary=summary,
            status=status,
            contact_name=contact_name,
            contact_email=contact_email,
            themes=[theme(s, t) for t in themes],
        )
        if created_at is not None:
            project.created_at = created_at
            project.updated_at = created_at
        s.add(project)


def backdate_everything(engine: Engine, when: dt.datetime) -> None:
    """Pretend every city, project and event was created and last changed at ``when``."""
    with db.write_session(engine) as s:
        for model in (City, Project, Event):
            s.execute(update(model).values(created_at=when, updated_at=when))


def touch_city(engine: Engine, slug: str, when: dt.datetime, **changes: object) -> None:
    with db.write_session(engine) as s:
        s.execute(update(City).where(City.slug == slug).values(updated_at=when, **changes))
