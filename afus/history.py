"""Reading the audit log: an item's history, what changed since a date, contacts due for a check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from afus.models import AuditEntry, City, Project

CONTACT_MAX_AGE_DAYS = 365
# Bookkeeping fields that change with every write and say nothing to a reader.
_QUIET_FIELDS = ("version",)


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a write."""

    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Change:
    """One audited write."""

    id: int
    at: dt.datetime
    actor: str
    kind: str
    item_id: int
    item_label: str
    action: str
    before: dict | None
    after: dict | None

    @property
    def fields(self) -> list[FieldChange]:
        """The fields this write changed."""
        return changed_fields(self.before, self.after)


def changed_fields(before: dict | None, after: dict | None) -> list[FieldChange]:
    """Fields whose value differs between two snapshots (a creation lists every filled field)."""
    before, after = before or {}, after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [
        FieldChange(name, before.get(name), after.get(name))
        for name in names
        if name not in _QUIET_FIELDS and before.get(name) != after.get(name) and (before.get(name) or after.get(name))
    ]


def _change(row: AuditEntry) -> Change:
    return Change(row.id, row.at, row.actor, row.kind, row.item_id, row.item_label, row.action, row.before, row.after)


def item_history(engine: Engine, kind: str, item_id: int) -> list[Change]:
    """Every write to one item, newest first."""
    with Session(engine) as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.kind == kind, AuditEntry.item_id == item_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
        return [_change(r) for r in rows]


def changes_since(engine: Engine, since: dt.date | dt.datetime, kinds: tuple[str, ...] | None = None, limit: int = 500) -> list[Change]:
    """Content writes from ``since`` on (a date means from its start), newest first; accounts are left out unless asked."""
    start = since if isinstance(since, dt.datetime) else dt.datetime.combine(since, dt.time.min)
    kinds = kinds or ("project", "city", "theme", "seeks", "event")
    with Session(engine) as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.at >= start, AuditEntry.kind.in_(kinds))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
        )
        return [_change(r) for r in rows]


@dataclass(frozen=True)
class StaleContact:
    """A contact person nobody has confirmed for too long (or ever)."""

    kind: str  # "project" or "city"
    item_id: int
    slug: str
    label: str
    city_slug: str
    contact_name: str
    contact_email: str
    checked: dt.date | None


def is_stale(checked: dt.date | None, today: dt.date, max_age_days: int = CONTACT_MAX_AGE_DAYS) -> bool:
    """True when a contact was never checked or checked more than ``max_age_days`` before ``today``."""
    return checked is None or (today - checked).days > max_age_days


def stale_contacts(engine: Engine, today: dt.date | None = None, max_age_days: int = CONTACT_MAX_AGE_DAYS) -> list[StaleContact]:
    """Contacts of live projects and cities not checked for over a year (never-checked first, then oldest)."""
    today = today or dt.date.today()
    out: list[StaleContact] = []
    with Session(engine) as session:
        cities = session.execute(
            select(City.id, City.slug, City.name, City.contact_name, City.contact_email, City.contact_checked)
            .where(City.archived.is_(False))
        ).all()
        for cid, slug, name, cname, cemail, checked in cities:
            if (cname or cemail) and is_stale(checked, today, max_age_days):
                out.append(StaleContact("city", cid, slug, name, slug, cname, cemail, checked))
        projects = session.execute(
            select(Project.id, Project.slug, Project.title, City.slug, Project.contact_name, Project.contact_email, Project.contact_checked)
            .join(City, City.id == Project.city_id).where(Project.archived.is_(False))
        ).all()
        for pid, slug, title, city_slug, cname, cemail, checked in projects:
            if (cname or cemail) and is_stale(checked, today, max_age_days):
                out.append(StaleContact("project", pid, slug, title, city_slug, cname, cemail, checked))
    return sorted(out, key=lambda c: (c.checked is not None, c.checked or dt.date.min, c.label))


def since_last_seminar(events: list[tuple[str, dt.date | None]], today: dt.date, fallback_days: int = 90) -> dt.date:
    """The start of the latest seminar held by ``today`` (from ``(kind, start_date)`` pairs), else ``fallback_days`` ago."""
    held = [when for kind, when in events if kind == "seminar" and when is not None and when <= today]
    return max(held) if held else today - dt.timedelta(days=fallback_days)
