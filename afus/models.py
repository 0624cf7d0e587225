"""SQLAlchemy 2 models of the AFUS store.

Content is kept in the language it was written in (``lang``); optional
translations live in a JSON column ``translations`` shaped
``{"en": {"title": "...", "summary": "..."}, "sv": {...}}``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from afus.text import fold

COUNTRIES = ("FR", "SE")
STATUSES = ("planned", "ongoing", "completed")
FRAMEWORKS = (
    "afus_theme",  # exchange themes the network has worked on
    "city_track",  # tracks a city puts forward
    "alliance_recommendation",  # the 8 recommendations of "The Alliance of Territories"
    "resilience_capital",  # the five capitals of resilience
    "territory",  # urban / peri-urban / rural
    "sdg",  # SDG 11
)
EVENT_KINDS = ("seminar", "webinar", "bilateral", "partnership", "other")
LANGS = ("en", "fr", "sv")


class Base(DeclarativeBase):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Stamped:
    """Created/updated stamps and the version used for optimistic locking."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=_now, onupdate=_now, nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


project_themes = Table(
    "project_themes",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

project_partners = Table(
    "project_partners",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True),
)

event_cities = Table(
    "event_cities",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True),
)

event_themes = Table(
    "event_themes",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class City(Stamped, Base):
    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False, index=True)
    # Other names people search with (Göteborg, St. Brieuc), separated by "|".
    aliases: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    geonames_id: Mapped[int | None] = mapped_column(Integer)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(2), default="fr", nullable=False)
    profile: Mapped[str] = mapped_column(Text, default="", nullable=False)
    translations: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    contact_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    contact_email: Mapped[str] = mapped_column(String(254), default="", nullable=False)
    contact_checked: Mapped[dt.date | None] = mapped_column(Date)
    member_since: Mapped[str] = mapped_column(String(20), default="", nullable=False)

    projects: Mapped[list[Project]] = relationship(back_populates="city")


class Theme(Stamped, Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    framework: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    lang: Mapped[str] = mapped_column(String(2), default="fr", nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    period: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    translations: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)


def _title_key(context) -> str:  # noqa: ANN001 - SQLAlchemy's execution context
    return fold(context.get_current_parameters()["title"])


class Project(Stamped, Base):
    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("city_id", "title", name="uq_project_city_title"),
        Index("ix_projects_city_title_key", "city_id", "title_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True, nullable=False)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    # The title folded (afus.text.fold): what "the same title in a city" compares, through an
    # index. Computed on insert; a write that changes the title sets it (afus.editing).
    title_key: Mapped[str] = mapped_column(Text, default=_title_key, nullable=False)
    lang: Mapped[str] = mapped_column(String(2), default="fr", nullable=False)
    summary: Mapped[str] = mapped_column(Text, default="", nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="ongoing", nullable=False, index=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    contact_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    contact_email: Mapped[str] = mapped_column(String(254), default="", nullable=False)
    contact_checked: Mapped[dt.date | None] = mapped_column(Date)
    links: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    source: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    translations: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)

    city: Mapped[City] = relationship(back_populates="projects")
    themes: Mapped[list[Theme]] = relationship(secondary=project_themes)
    partners: Mapped[list[City]] = relationship(secondary=project_partners)


class CitySeek(Base):
    """A theme a city has declared it wants to learn about."""

    __tablename__ = "city_seeks"

    city_id: Mapped[int] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)


class Event(Stamped, Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    lang: Mapped[str] = mapped_column(String(2), default="fr", nullable=False)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    host_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    location: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    programme: Mapped[str] = mapped_column(Text, default="", nullable=False)
    outcomes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    source: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    translations: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)

    host: Mapped[City | None] = relationship()
    cities: Mapped[list[City]] = relationship(secondary=event_cities)
    themes: Mapped[list[Theme]] = relationship(secondary=event_themes)


class DataVersion(Base):
    """One row; every write bumps ``version`` so cached reads refresh everywhere."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=_now, server_default=func.current_timestamp(), nullable=False
    )


# --- coordinator workspace: accounts, sign-in attempts, audit log ------------

from sqlalchemy import Index  # noqa: E402  (kept with the models that use it)

ROLES = ("coordinator", "admin")


class User(Base):
    """A coordinator or admin account. Reading needs no account; writing does."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Bumped when the password changes or the account is disabled: a session
    # signed in under an older epoch ends at its next action.
    session_epoch: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now, nullable=False)


class LoginAttempt(Base):
    """Failed sign-in attempts per (folded) name, for the growing delay."""

    __tablename__ = "login_attempts"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEntry(Base):
    """One write: who, when, which item, what it was before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_item", "kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    item_id: Mapped[int] = mapped_column(Integer, nullable=False)
    item_label: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
