"""History of an item, changes since a date, contacts due for a check."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from afus import auth, db, editing, history
from afus.models import AuditEntry, Project
from afus.validation import ProjectForm

OP = auth.Operator("tests")


def _save(engine, **fields):
    return editing.save_project(engine, OP, ProjectForm(**({"city": "malmo", "title": "Cirkulär stad"} | fields)))


def test_item_history_lists_every_write_newest_first(engine):
    created = _save(engine, summary="v1", lang="sv")
    seen = editing.load_item(engine, "project", created.id)
    form = editing.form_from_snapshot("project", seen)
    form.summary = "v2"
    updated = editing.save_project(engine, OP, form, item_id=created.id, seen_version=seen["version"])
    editing.archive(engine, OP, "project", created.id, updated.version)
    changes = history.item_history(engine, "project", created.id)
    assert [c.action for c in changes] == ["archive", "update", "create"]
    assert [(f.field, f.before, f.after) for f in changes[1].fields] == [("summary", "v1", "v2")]
    assert [(f.field, f.before, f.after) for f in changes[0].fields] == [("archived", False, True)]
    assert {f.field for f in changes[2].fields} >= {"title", "summary", "city", "lang"}
    assert all(c.actor == "tests" for c in changes)


def test_changes_since_a_date(engine):
    _save(engine, title="Avant le séminaire")
    with db.write_session(engine) as s:
        s.execute(update(AuditEntry).values(at=dt.datetime(2025, 5, 1, 12)))
    _save(engine, title="Après le séminaire")
    titles = [c.item_label for c in history.changes_since(engine, dt.date(2025, 6, 1))]
    assert titles == ["Après le séminaire"]
    assert len(history.changes_since(engine, dt.date(2025, 1, 1))) == 2
    auth.add_user(engine, "someone", "coordinator", "long enough password", by=OP)
    assert all(c.kind != "user" for c in history.changes_since(engine, dt.date(2025, 1, 1)))


def test_contacts_not_checked_for_over_a_year(engine):
    today = dt.date(2026, 6, 1)
    _save(engine, title="Jamais vérifié", contact_name="Ann", contact_email="ann@malmo.se")
    with db.write_session(engine) as s:  # as a file import leaves it: a contact with no date (a form would say today)
        s.execute(update(Project).where(Project.title == "Jamais vérifié").values(contact_checked=None))
    _save(engine, title="Vérifié il y a 2 ans", contact_name="Bo", contact_checked="2024-05-01")
    _save(engine, title="Vérifié récemment", contact_name="Cy", contact_checked="2026-01-10")
    _save(engine, title="Juste un an", contact_name="Di", contact_checked="2025-06-01")
    _save(engine, title="Sans contact")
    stale = history.stale_contacts(engine, today)
    assert [(c.label, c.contact_name) for c in stale] == [("Jamais vérifié", "Ann"), ("Vérifié il y a 2 ans", "Bo")]
    assert stale[1].checked == dt.date(2024, 5, 1)
    # Archived projects no longer ask for attention.
    with Session(engine) as s:
        pid = s.scalar(select(Project.id).where(Project.title == "Jamais vérifié"))
    editing.archive(engine, OP, "project", pid, 1)
    assert [c.label for c in history.stale_contacts(engine, today)] == ["Vérifié il y a 2 ans"]


def test_changed_fields_is_pure_and_ignores_the_version():
    fields = history.changed_fields({"title": "a", "version": 1, "links": []}, {"title": "b", "version": 2, "links": []})
    assert fields == [history.FieldChange("title", "a", "b")]
    assert history.is_stale(None, dt.date(2026, 1, 1))
    assert not history.is_stale(dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert history.is_stale(dt.date(2024, 12, 31), dt.date(2026, 1, 1))


def test_since_last_seminar_defaults_to_the_latest_seminar_held():
    today = dt.date(2026, 6, 1)
    events = [("seminar", dt.date(2025, 10, 2)), ("seminar", dt.date(2026, 9, 1)), ("webinar", dt.date(2026, 5, 1)), ("seminar", None)]
    assert history.since_last_seminar(events, today) == dt.date(2025, 10, 2)
    assert history.since_last_seminar([("partnership", dt.date(2017, 11, 17))], today) == dt.date(2026, 3, 3)
