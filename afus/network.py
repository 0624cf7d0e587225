"""Read the network from the store into pandas frames (one snapshot per data version)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from afus.db import data_version
from afus.models import (
    City,
    CitySeek,
    Event,
    Project,
    Theme,
    event_cities,
    event_themes,
    project_partners,
    project_themes,
)


@dataclass(frozen=True)
class Network:
    """Everything the browsing pages show, as read-only frames.

    Archived rows are left out. Frames are shared between reruns and users:
    callers must not modify them in place.
    """

    version: int
    cities: pd.DataFrame
    themes: pd.DataFrame
    projects: pd.DataFrame
    project_themes: pd.DataFrame  # project_id, theme_id
    project_partners: pd.DataFrame  # project_id, city_id
    seeks: pd.DataFrame  # city_id, theme_id, note
    events: pd.DataFrame
    event_cities: pd.DataFrame  # event_id, city_id
    event_themes: pd.DataFrame  # event_id, theme_id

    def city_by_slug(self, slug: str) -> pd.Series | None:
        rows = self.cities[self.cities["slug"] == slug]
        return None if rows.empty else rows.iloc[0]

    def theme_by_slug(self, slug: str) -> pd.Series | None:
        rows = self.themes[self.themes["slug"] == slug]
        return None if rows.empty else rows.iloc[0]


def _frame(conn, stmt) -> pd.DataFrame:  # noqa: ANN001
    result = conn.execute(stmt)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def load_network(engine: Engine) -> Network:
    """Read a consistent snapshot of the whole network."""
    version = data_version(engine)
    with engine.connect() as conn:
        cities = _frame(
            conn,
            select(
                City.id, City.slug, City.name, City.country, City.aliases, City.geonames_id,
                City.latitude, City.longitude, City.population, City.lang, City.profile,
                City.translations, City.contact_name, City.contact_email, City.contact_checked,
                City.member_since, City.version, City.created_at, City.updated_at,
            ).where(City.archived.is_(False)).order_by(City.name),
        )
        themes = _frame(
            conn,
            select(
                Theme.id, Theme.slug, Theme.framework, Theme.position, Theme.name, Theme.lang,
                Theme.description, Theme.period, Theme.translations, Theme.version,
            ).where(Theme.archived.is_(False)).order_by(Theme.framework, Theme.position, Theme.id),
        )
        projects = _frame(
            conn,
            select(
                Project.id, Project.slug, Project.city_id, City.slug.label("city_slug"),
                City.name.label("city_name"), City.country, Project.title, Project.lang,
                Project.summary, Project.status, Project.start_date, Project.end_date,
                Project.contact_name, Project.contact_email, Project.contact_checked,
                Project.links, Project.source, Project.translations, Project.version,
                Project.created_at, Project.updated_at,
            )
            .join(City, City.id == Project.city_id)
            .where(Project.archived.is_(False), City.archived.is_(False))
            .order_by(Project.updated_at.desc(), Project.id),
        )
        pt = _frame(conn, select(project_themes.c.project_id, project_themes.c.theme_id))
        pp = _frame(conn, select(project_partners.c.project_id, project_partners.c.city_id))
        seeks = _frame(conn, select(CitySeek.city_id, CitySeek.theme_id, CitySeek.note))
        events = _frame(
            conn,
            select(
                Event.id, Event.slug, Event.kind, Event.title, Event.lang, Event.start_date,
                Event.end_date, Event.host_city_id, Event.location, Event.description,
                Event.programme, Event.outcomes, Event.source, Event.translations,
                Event.version, Event.created_at, Event.updated_at,
            ).where(Event.archived.is_(False)).order_by(Event.start_date.desc()),
        )
        ec = _frame(conn, select(event_cities.c.event_id, event_cities.c.city_id))
        et = _frame(conn, select(event_themes.c.event_id, event_themes.c.theme_id))
    keep_p = set(projects["id"])
    keep_t = set(themes["id"])
    keep_c = set(cities["id"])
    pt = pt[pt["project_id"].isin(keep_p) & pt["theme_id"].isin(keep_t)].reset_index(drop=True)
    pp = pp[pp["project_id"].isin(keep_p) & pp["city_id"].isin(keep_c)].reset_index(drop=True)
    seeks = seeks[seeks["city_id"].isin(keep_c) & seeks["theme_id"].isin(keep_t)].reset_index(drop=True)
    return Network(version, cities, themes, projects, pt, pp, seeks, events, ec, et)
