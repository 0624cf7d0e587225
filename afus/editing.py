"""Every content write: create, update, archive and restore projects, cities, themes, seeks and events.

Each public function opens one :func:`afus.db.write_session` (all or
nothing), checks the actor's role *in the store* at that moment
(:func:`afus.auth.require_role`), validates with :mod:`afus.validation`,
and records an audit row (who, when, what before, what after) in the same
transaction.

No lost work: an edit carries the version the coordinator saw, and the
update is ``UPDATE ... WHERE id = :id AND version = :seen``. If someone saved
in between, nothing is written and :class:`Conflict` carries both versions
(the values submitted and the values now stored) so the page can show them
side by side and let the coordinator merge. Nothing is ever deleted:
archiving is a reversible flag.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from afus import auth
from afus.db import write_session
from afus.gazetteer import place_by_id, places_by_name
from afus.models import (
    COUNTRIES,
    AuditEntry,
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
from afus.text import fold, slugify
from afus.validation import (
    CityForm,
    EventForm,
    FieldError,
    ProjectForm,
    SeeksForm,
    ThemeForm,
    shown_value,
    validate_city,
    validate_event,
    validate_project,
    validate_seeks,
    validate_theme,
)

KINDS = ("project", "city", "theme", "seeks", "event")
ARCHIVABLE = ("project", "city", "theme", "event")
MODELS: dict[str, Any] = {"project": Project, "city": City, "theme": Theme, "event": Event}
FORMS: dict[str, type] = {"project": ProjectForm, "city": CityForm, "theme": ThemeForm, "seeks": SeeksForm, "event": EventForm}
# Snapshot keys that are bookkeeping, not content a coordinator edits.
META_FIELDS = ("version", "archived", "slug")


# --- outcomes and refusals ----------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """What a write did: ``action`` is create, update, unchanged, archive or restore."""

    kind: str
    id: int
    slug: str
    version: int
    action: str


class Invalid(Exception):
    """The input breaks a rule; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.key}" for e in errors))
        self.errors = errors

    def messages(self, lang: str) -> list[str]:
        """One message per problem, in ``lang``."""
        return [e.message(lang) for e in self.errors]


class Conflict(Exception):
    """Someone saved the item after the coordinator loaded it; nothing was written."""

    def __init__(self, kind: str, item_id: int, seen_version: int | None, mine: dict, theirs: dict) -> None:
        super().__init__(f"{kind} {item_id}: seen version {seen_version}, stored version {theirs.get('version')}")
        self.kind = kind
        self.item_id = item_id
        self.seen_version = seen_version
        self.current_version = theirs.get("version")
        self.mine = mine
        self.theirs = theirs

    def differing_fields(self) -> list[str]:
        """Content fields whose submitted value differs from the stored one."""
        return differing_fields(self.mine, self.theirs)


class NotFound(Exception):
    """No item of that kind with that id."""

    def __init__(self, kind: str, item_id: int) -> None:
        super().__init__(f"{kind} {item_id} not found")
        self.kind = kind
        self.item_id = item_id


def differing_fields(mine: dict, theirs: dict) -> list[str]:
    """Content fields (not version, slug or archived flag) whose values differ."""
    return [k for k in mine if k not in META_FIELDS and mine.get(k) != theirs.get(k)]


def changed_by(base: dict | None, mine: dict, theirs: dict) -> dict[str, str]:
    """Who changed each differing field since ``base`` (the version opened): ``mine``, ``theirs`` or ``both``.

    Without ``base`` every differing field counts as changed by both.
    """
    out = {}
    for name in differing_fields(mine, theirs):
        by_me = base is None or mine.get(name) != base.get(name)
        by_them = base is None or theirs.get(name) != base.get(name)
        out[name] = "both" if by_me and by_them else ("mine" if by_me else "theirs")
    return out


def default_choice(who: str) -> str:
    """The side a merge keeps unless the coordinator says otherwise: a field only a colleague changed keeps the colleague's value."""
    return "theirs" if who == "theirs" else "mine"


# Long texts a merge can keep both versions of, one after the other.
JOINABLE_FIELDS = frozenset({"summary", "description", "profile", "programme", "outcomes", "note"})


def merge_values(mine: dict, theirs: dict, take_theirs: set[str] | list[str], keep_both: set[str] | list[str] = ()) -> dict:
    """The coordinator's values with the stored value taken for each field in ``take_theirs``.

    A field in ``keep_both`` (one of :data:`JOINABLE_FIELDS`) holds the
    stored text, then a blank line, then the coordinator's.
    """
    merged = dict(mine)
    for name in take_theirs:
        merged[name] = theirs.get(name)
    for name in keep_both:
        if name in JOINABLE_FIELDS:
            merged[name] = "\n\n".join(text for text in (theirs.get(name) or "", mine.get(name) or "") if text.strip())
    merged["version"] = theirs.get("version")
    return merged


def form_from_snapshot(kind: str, snapshot: dict):  # noqa: ANN201 - one of the form dataclasses
    """The form that would save ``snapshot`` again (used to edit and to merge)."""
    form_type = FORMS[kind]
    names = {f.name for f in fields(form_type)}
    return form_type(**{k: v for k, v in snapshot.items() if k in names})


# --- snapshots: an item as JSON-safe values (audit, conflicts, history) ---------------------


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _slugs(session: Session, table: Table, own: str, other: str, item_id: int, model: Any) -> list[str]:
    ids = select(getattr(table.c, other)).where(getattr(table.c, own) == item_id)
    return sorted(session.scalars(select(model.slug).where(model.id.in_(ids))))


def snapshot(session: Session, kind: str, item_id: int) -> dict | None:
    """The stored item as a dict of JSON-safe values, or None if there is no such item."""
    if kind == "seeks":
        city = session.get(City, item_id)
        if city is None:
            return None
        rows = session.execute(
            select(Theme.slug, CitySeek.note).join(Theme, Theme.id == CitySeek.theme_id).where(CitySeek.city_id == item_id)
        ).all()
        notes = sorted({note for _, note in rows if note})
        return {"city": city.slug, "themes": sorted(slug for slug, _ in rows), "note": notes[0] if notes else "", "version": city.version}
    row = session.get(MODELS[kind], item_id)
    if row is None:
        return None
    base = {"slug": row.slug}
    if kind == "project":
        base |= {
            "city": row.city.slug, "title": row.title, "lang": row.lang, "summary": row.summary, "status": row.status,
            "start_date": _iso(row.start_date), "end_date": _iso(row.end_date),
            "contact_name": row.contact_name, "contact_email": row.contact_email, "contact_checked": _iso(row.contact_checked),
            "links": list(row.links or []), "source": row.source,
            "themes": _slugs(session, project_themes, "project_id", "theme_id", row.id, Theme),
            "partners": _slugs(session, project_partners, "project_id", "city_id", row.id, City),
        }
    elif kind == "city":
        base |= {
            "name": row.name, "country": row.country, "geonames_id": row.geonames_id, "aliases": row.aliases,
            "lang": row.lang, "profile": row.profile, "contact_name": row.contact_name,
            "contact_email": row.contact_email, "contact_checked": _iso(row.contact_checked), "member_since": row.member_since,
        }
    elif kind == "theme":
        base |= {
            "name": row.name, "framework": row.framework, "lang": row.lang, "description": row.description,
            "period": row.period, "position": row.position,
        }
    elif kind == "event":
        base |= {
            "title": row.title, "kind": row.kind, "lang": row.lang, "start_date": _iso(row.start_date),
            "end_date": _iso(row.end_date), "host": row.host.slug if row.host else "", "location": row.location,
            "description": row.description, "programme": row.programme, "outcomes": row.outcomes, "source": row.source,
            "cities": _slugs(session, event_cities, "event_id", "city_id", row.id, City),
            "themes": _slugs(session, event_themes, "event_id", "theme_id", row.id, Theme),
        }
    base |= {"translations": dict(row.translations or {}), "archived": bool(row.archived), "version": row.version}
    return base


def _values_snapshot(values: dict) -> dict:
    """Cleaned form values in the snapshot's shape (dates as text, reference lists sorted)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif key in ("themes", "partners", "cities"):
            value = sorted(value)
        out[key] = value
    return out


def _label(kind: str, snap: dict) -> str:
    if kind == "seeks":
        return snap.get("city", "")
    return str(snap.get("title") or snap.get("name") or snap.get("slug") or "")[:300]


def _audit(session: Session, actor_name: str, kind: str, item_id: int, action: str, before: dict | None, after: dict | None) -> None:
    session.add(
        AuditEntry(
            actor=actor_name, kind=kind, item_id=item_id, item_label=_label(kind, after or before or {}),
            action=action, before=before, after=after,
        )
    )


# --- references -----------------------------------------------------------------------


def _ids_by_slug(session: Session, model: Any, slugs: list[str], name: str, errors: list[FieldError]) -> list[int]:
    if not slugs:
        return []
    found = dict(session.execute(select(model.slug, model.id).where(model.slug.in_(slugs))).all())
    for slug in slugs:
        if slug not in found:
            errors.append(FieldError(name, "validation.unknown_ref", (("value", shown_value(slug)),)))
    return [found[s] for s in slugs if s in found]


def _set_links(session: Session, table: Table, own: str, item_id: int, other: str, other_ids: list[int]) -> None:
    session.execute(delete(table).where(getattr(table.c, own) == item_id))
    if other_ids:
        session.execute(insert(table), [{own: item_id, other: oid} for oid in dict.fromkeys(other_ids)])


def _unique_slug(session: Session, model: Any, wanted: str, max_length: int) -> str:
    base = slugify(wanted, max_length)
    slug, n = base, 2
    while session.scalar(select(model.id).where(model.slug == slug)) is not None:
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug


def _given_slug(values: dict, errors: list[FieldError]) -> str:
    slug = str(values.pop("slug", "") or "")
    if slug and slugify(slug, 160) != slug:
        errors.append(FieldError("slug", "validation.bad_slug"))
        return ""
    return slug


# --- matching existing items (re-imports create no duplicates) ------------------------------


# Theme names and event titles are compared folded against every other of their
# framework (or every event): an import of n rows folds the same short strings n
# times over. A project's title is found through its stored key (Project.title_key).
_name_key = functools.lru_cache(maxsize=8192)(fold)


def find_existing(session: Session, kind: str, values: dict) -> int | None:
    """The id of the stored item these cleaned values describe (by slug, else by natural key)."""
    if kind == "seeks":
        return session.scalar(select(City.id).where(City.slug == values.get("city")))
    model = MODELS[kind]
    slug = values.get("slug")
    if slug:
        found = session.scalar(select(model.id).where(model.slug == slug))
        if found is not None:
            return found
    if kind == "project":
        city_id = session.scalar(select(City.id).where(City.slug == values.get("city")))
        key = fold(str(values.get("title", "")))
        return session.scalar(select(Project.id).where(Project.city_id == city_id, Project.title_key == key).limit(1))
    elif kind == "city":
        if values.get("geonames_id"):
            found = session.scalar(select(City.id).where(City.geonames_id == values["geonames_id"]))
            if found is not None:
                return found
        return session.scalar(select(City.id).where(City.slug == slugify(str(values.get("name", "")))))
    elif kind == "theme":
        wanted = _name_key(str(values.get("name", "")))
        for tid, name in session.execute(select(Theme.id, Theme.name).where(Theme.framework == values.get("framework"))):
            if _name_key(name) == wanted:
                return tid
    elif kind == "event":
        wanted = _name_key(str(values.get("title", "")))
        start = values.get("start_date")
        for eid, title, when in session.execute(select(Event.id, Event.title, Event.start_date)):
            if _name_key(title) == wanted and when == start:
                return eid
    return None


# --- the writes -------------------------------------------------------------------------


_VALIDATORS = {
    "project": validate_project, "city": validate_city, "theme": validate_theme,
    "seeks": validate_seeks, "event": validate_event,
}


def _contact_checked_when_entered(values: dict, before: dict | None) -> dict:
    """A contact typed in a form (new or changed) counts as checked today, unless the form gives its own date.

    Without it, a contact entered a minute ago was listed at once among those
    "not checked for over a year". Imports keep the file's dates as they are.
    """
    before = before or {}
    entered = (values.get("contact_name") or "", values.get("contact_email") or "")
    if not any(entered) or entered == (before.get("contact_name") or "", before.get("contact_email") or ""):
        return values
    given = values.get("contact_checked")
    if given is not None and _iso(given) != before.get("contact_checked"):
        return values
    return values | {"contact_checked": auth.now_utc().date()}


def write_form(
    session: Session,
    actor_name: str,
    kind: str,
    form: Any,
    *,
    item_id: int | None = None,
    seen_version: int | None = None,
    check_version: bool = True,
    match_existing: bool = False,
) -> Saved:
    """Validate ``form`` and write it inside the caller's transaction (the role is already checked).

    ``item_id`` None creates (or, with ``match_existing``, updates the item
    the values describe, as an import does; a ``seen_version`` then is the
    version the row was exported at, and a row that would change an item
    changed since raises :class:`Conflict`). Raises :class:`Invalid`,
    :class:`Conflict` or :class:`NotFound`; the caller's transaction then
    rolls back.
    """
    values, errors = _VALIDATORS[kind](form)
    if errors:
        raise Invalid(errors)
    if kind == "seeks":
        check = seen_version is not None if match_existing else check_version
        return _write_seeks(session, actor_name, values, seen_version, check)
    if item_id is None and match_existing:
        item_id = find_existing(session, kind, values)
        check_version = seen_version is not None
    before = None
    if item_id is not None:
        before = snapshot(session, kind, item_id)
        if before is None:
            raise NotFound(kind, item_id)
    if kind in ("project", "city") and not match_existing:
        values = _contact_checked_when_entered(values, before)
    writer = {"project": _project_columns, "city": _city_columns, "theme": _theme_columns, "event": _event_columns}[kind]
    columns, links, mine = writer(session, values, item_id, errors)
    if errors:
        raise Invalid(errors)
    model = MODELS[kind]
    if before is None:
        slug = mine.pop("slug")
        row = model(slug=slug, **columns, version=1, archived=False)
        session.add(row)
        session.flush()
        item_id, action = row.id, "create"
    else:
        mine["slug"] = before["slug"]
        mine["archived"] = before["archived"]
        unchanged = not differing_fields(mine, before)
        # A stale row that changes nothing (an import of an unchanged item) is simply unchanged.
        if check_version and seen_version != before["version"] and not (match_existing and unchanged):
            raise Conflict(kind, item_id, seen_version, mine | {"version": seen_version}, before)
        if unchanged:
            return Saved(kind, item_id, before["slug"], before["version"], "unchanged")
        condition = [model.id == item_id]
        if check_version:
            condition.append(model.version == seen_version)
        result = session.execute(
            update(model).where(*condition).values(**columns, version=model.version + 1, updated_at=auth.now_utc())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # pragma: no cover - the write lock makes this the same check as above
            raise Conflict(kind, item_id, seen_version, mine, snapshot(session, kind, item_id) or {})
        action = "update"
    for table, own, other, ids in links:
        _set_links(session, table, own, item_id, other, ids)
    session.flush()
    session.expire_all()
    after = snapshot(session, kind, item_id)
    _audit(session, actor_name, kind, item_id, action, before, after)
    return Saved(kind, item_id, after["slug"], after["version"], action)


def _duplicate_title(session: Session, city: City, title: str, item_id: int | None) -> bool:
    same = select(Project.id).where(Project.city_id == city.id, Project.title_key == fold(title))
    if item_id is not None:
        same = same.where(Project.id != item_id)
    return session.scalar(same.limit(1)) is not None


def _project_columns(session: Session, values: dict, item_id: int | None, errors: list[FieldError]):  # noqa: ANN202
    slug = _given_slug(values, errors)
    city = session.scalar(select(City).where(City.slug == values["city"]))
    if city is None:
        errors.append(FieldError("city", "validation.unknown_ref", (("value", shown_value(values["city"])),)))
    elif _duplicate_title(session, city, values["title"], item_id):
        errors.append(FieldError("title", "validation.duplicate_title", (("city", city.name),)))
    theme_ids = _ids_by_slug(session, Theme, values["themes"], "themes", errors)
    partners = [s for s in values["partners"] if s != values["city"]]
    values["partners"] = partners
    partner_ids = _ids_by_slug(session, City, partners, "partners", errors)
    columns = {k: values[k] for k in (
        "title", "lang", "summary", "status", "start_date", "end_date", "contact_name", "contact_email",
        "contact_checked", "links", "source", "translations",
    )}
    columns["title_key"] = fold(values["title"])
    if city is not None:
        columns["city_id"] = city.id
    if item_id is None:
        slug = slug or _unique_slug(session, Project, f"{values['city']}-{values['title']}", 160)
    links = [(project_themes, "project_id", "theme_id", theme_ids), (project_partners, "project_id", "city_id", partner_ids)]
    return columns, links, _values_snapshot(values) | {"slug": slug}


def _city_columns(session: Session, values: dict, item_id: int | None, errors: list[FieldError]):  # noqa: ANN202
    slug = _given_slug(values, errors)
    country = values["country"]
    place = None
    if values["geonames_id"]:
        place = place_by_id(values["geonames_id"])
    elif values["name"]:
        found = places_by_name(values["name"], (country,) if country else COUNTRIES)
        place = found[0] if found else None
    if place is None:
        errors.append(FieldError("geonames_id", "validation.not_in_gazetteer", (("value", shown_value(values["name"])),)))
    elif place.country not in COUNTRIES or (country and place.country != country):
        errors.append(FieldError("country", "validation.wrong_country", (("place", place.name), ("country", place.country))))
    else:
        other = session.scalar(select(City.id).where(City.geonames_id == place.geonames_id))
        if other is not None and other != item_id:
            errors.append(FieldError("name", "validation.duplicate_city"))
        values["country"] = place.country
        values["geonames_id"] = place.geonames_id
    if item_id is None and not errors:
        slug = slug or slugify(values["name"])
        if session.scalar(select(City.id).where(City.slug == slug)) is not None:
            errors.append(FieldError("name", "validation.duplicate_city"))
    columns = {k: values[k] for k in (
        "name", "country", "geonames_id", "aliases", "lang", "profile", "contact_name", "contact_email",
        "contact_checked", "member_since", "translations",
    )}
    if place is not None:
        columns |= {"latitude": place.latitude, "longitude": place.longitude, "population": place.population}
    return columns, [], _values_snapshot(values) | {"slug": slug}


def _theme_columns(session: Session, values: dict, item_id: int | None, errors: list[FieldError]):  # noqa: ANN202
    slug = _given_slug(values, errors)
    if values["position"] is None:
        if item_id is not None:
            values["position"] = session.get(Theme, item_id).position
        else:
            last = session.scalars(select(Theme.position).where(Theme.framework == values["framework"])).all()
            values["position"] = max(last, default=0) + 1
    if item_id is None:
        slug = slug or _unique_slug(session, Theme, values["name"], 80)
    columns = {k: values[k] for k in ("name", "framework", "lang", "description", "period", "position", "translations")}
    return columns, [], _values_snapshot(values) | {"slug": slug}


def _event_columns(session: Session, values: dict, item_id: int | None, errors: list[FieldError]):  # noqa: ANN202
    slug = _given_slug(values, errors)
    host_id = None
    if values["host"]:
        host_id = session.scalar(select(City.id).where(City.slug == values["host"]))
        if host_id is None:
            errors.append(FieldError("host", "validation.unknown_ref", (("value", shown_value(values["host"])),)))
    city_ids = _ids_by_slug(session, City, values["cities"], "cities", errors)
    theme_ids = _ids_by_slug(session, Theme, values["themes"], "themes", errors)
    columns = {k: values[k] for k in (
        "title", "kind", "lang", "start_date", "end_date", "location", "description", "programme", "outcomes",
        "source", "translations",
    )}
    columns["host_city_id"] = host_id
    if item_id is None:
        year = values["start_date"].year if values["start_date"] else ""
        slug = slug or _unique_slug(session, Event, f"{values['kind']}-{year}-{values['title']}", 160)
    links = [(event_cities, "event_id", "city_id", city_ids), (event_themes, "event_id", "theme_id", theme_ids)]
    return columns, links, _values_snapshot(values) | {"slug": slug}


def _write_seeks(session: Session, actor_name: str, values: dict, seen_version: int | None, check_version: bool) -> Saved:
    errors: list[FieldError] = []
    city = session.scalar(select(City).where(City.slug == values["city"]))
    if city is None:
        raise Invalid([FieldError("city", "validation.unknown_ref", (("value", shown_value(values["city"])),))])
    theme_ids = _ids_by_slug(session, Theme, values["themes"], "themes", errors)
    if errors:
        raise Invalid(errors)
    before = snapshot(session, "seeks", city.id)
    mine = _values_snapshot(values) | {"version": before["version"]}
    unchanged = not differing_fields(mine, before)
    if check_version and seen_version != before["version"] and not unchanged:
        raise Conflict("seeks", city.id, seen_version, mine | {"version": seen_version}, before)
    if unchanged:
        return Saved("seeks", city.id, city.slug, city.version, "unchanged")
    # The city's version guards its list of sought themes too.
    session.execute(
        update(City).where(City.id == city.id).values(version=City.version + 1, updated_at=auth.now_utc())
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(CitySeek).where(CitySeek.city_id == city.id))
    for theme_id in dict.fromkeys(theme_ids):
        session.add(CitySeek(city_id=city.id, theme_id=theme_id, note=values["note"]))
    session.flush()
    session.expire_all()
    after = snapshot(session, "seeks", city.id)
    _audit(session, actor_name, "seeks", city.id, "update", before, after)
    return Saved("seeks", city.id, city.slug, after["version"], "update")


# --- public API: one transaction each -------------------------------------------------------


def save(engine: Engine, actor: auth.Actor, kind: str, form: Any, *, item_id: int | None = None, seen_version: int | None = None) -> Saved:
    """Create (``item_id`` None) or update an item; the update must carry the version the coordinator saw."""
    try:
        with write_session(engine) as session:
            actor_name = auth.require_role(session, actor)
            return write_form(session, actor_name, kind, form, item_id=item_id, seen_version=seen_version)
    except IntegrityError as exc:
        # Only a simultaneous save can get past the checks above (PostgreSQL has no store-wide
        # write lock): the store's unique constraints refused it, and nothing was written.
        raise Invalid([FieldError("slug", "validation.simultaneous")]) from exc


def save_project(engine: Engine, actor: auth.Actor, form: ProjectForm, *, item_id: int | None = None, seen_version: int | None = None) -> Saved:
    """Create or update a project."""
    return save(engine, actor, "project", form, item_id=item_id, seen_version=seen_version)


def save_city(engine: Engine, actor: auth.Actor, form: CityForm, *, item_id: int | None = None, seen_version: int | None = None) -> Saved:
    """Create or update a member city (its coordinates come from the gazetteer)."""
    return save(engine, actor, "city", form, item_id=item_id, seen_version=seen_version)


def save_theme(engine: Engine, actor: auth.Actor, form: ThemeForm, *, item_id: int | None = None, seen_version: int | None = None) -> Saved:
    """Create or update a theme."""
    return save(engine, actor, "theme", form, item_id=item_id, seen_version=seen_version)


def save_event(engine: Engine, actor: auth.Actor, form: EventForm, *, item_id: int | None = None, seen_version: int | None = None) -> Saved:
    """Create or update an event."""
    return save(engine, actor, "event", form, item_id=item_id, seen_version=seen_version)


def save_seeks(engine: Engine, actor: auth.Actor, form: SeeksForm, *, seen_version: int | None) -> Saved:
    """Replace the themes a city seeks; ``seen_version`` is the city's version."""
    return save(engine, actor, "seeks", form, seen_version=seen_version)


def set_archived(engine: Engine, actor: auth.Actor, kind: str, item_id: int, seen_version: int | None, archived: bool) -> Saved:
    """Archive (hide from the browsing pages) or restore an item; reversible, never a deletion."""
    if kind not in ARCHIVABLE:
        raise ValueError(f"{kind} items are not archived")
    model = MODELS[kind]
    with write_session(engine) as session:
        actor_name = auth.require_role(session, actor)
        before = snapshot(session, kind, item_id)
        if before is None:
            raise NotFound(kind, item_id)
        result = session.execute(
            update(model).where(model.id == item_id, model.version == seen_version)
            .values(archived=archived, version=model.version + 1, updated_at=auth.now_utc())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict(kind, item_id, seen_version, before | {"archived": archived, "version": seen_version}, before)
        session.expire_all()
        after = snapshot(session, kind, item_id)
        action = "archive" if archived else "restore"
        _audit(session, actor_name, kind, item_id, action, before, after)
        return Saved(kind, item_id, after["slug"], after["version"], action)


def set_archived_in(session: Session, actor_name: str, kind: str, item_id: int, archived: bool) -> bool:
    """Set the archived flag inside the caller's transaction (imports); audited. Returns whether it changed."""
    model = MODELS[kind]
    before = snapshot(session, kind, item_id)
    if before is None:
        raise NotFound(kind, item_id)
    if before["archived"] == archived:
        return False
    session.execute(
        update(model).where(model.id == item_id)
        .values(archived=archived, version=model.version + 1, updated_at=auth.now_utc())
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    _audit(session, actor_name, kind, item_id, "archive" if archived else "restore", before, snapshot(session, kind, item_id))
    return True


def archive(engine: Engine, actor: auth.Actor, kind: str, item_id: int, seen_version: int | None) -> Saved:
    """Archive an item (it can be restored)."""
    return set_archived(engine, actor, kind, item_id, seen_version, True)


def restore(engine: Engine, actor: auth.Actor, kind: str, item_id: int, seen_version: int | None) -> Saved:
    """Bring an archived item back."""
    return set_archived(engine, actor, kind, item_id, seen_version, False)


# --- reads for the editing page --------------------------------------------------------


@dataclass(frozen=True)
class ItemRef:
    """One item in the editor's pick list."""

    kind: str
    id: int
    slug: str
    label: str
    version: int
    archived: bool
    city: str = ""


def item_refs(engine: Engine, kind: str) -> list[ItemRef]:
    """Every item of ``kind`` (archived ones too), for choosing what to edit."""
    with Session(engine) as session:
        if kind in ("city", "seeks"):
            rows = session.execute(select(City.id, City.slug, City.name, City.version, City.archived).order_by(City.name))
            return [ItemRef(kind, i, s, n, v, bool(a), s) for i, s, n, v, a in rows]
        if kind == "project":
            rows = session.execute(
                select(Project.id, Project.slug, Project.title, Project.version, Project.archived, City.slug, City.name)
                .join(City, City.id == Project.city_id).order_by(City.name, Project.title)
            )
            return [ItemRef(kind, i, s, f"{t} — {cn}", v, bool(a), cs) for i, s, t, v, a, cs, cn in rows]
        if kind == "theme":
            rows = session.execute(
                select(Theme.id, Theme.slug, Theme.name, Theme.version, Theme.archived).order_by(Theme.framework, Theme.position)
            )
            return [ItemRef(kind, i, s, n, v, bool(a)) for i, s, n, v, a in rows]
        rows = session.execute(
            select(Event.id, Event.slug, Event.title, Event.version, Event.archived, Event.start_date)
            .order_by(Event.start_date.desc(), Event.title)
        )
        return [ItemRef(kind, i, s, f"{t} ({d.isoformat() if d else '—'})", v, bool(a)) for i, s, t, v, a, d in rows]


def load_item(engine: Engine, kind: str, item_id: int) -> dict:
    """The stored item as a snapshot (with its ``version``); raises :class:`NotFound`."""
    with Session(engine) as session:
        snap = snapshot(session, kind, item_id)
    if snap is None:
        raise NotFound(kind, item_id)
    return snap
