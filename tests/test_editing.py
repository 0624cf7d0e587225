"""Writes: no lost work (optimistic locking), reversible archiving, permissions at write time, audit, concurrency."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from afus import auth, db, editing
from afus.models import AuditEntry, City, Project
from afus.network import load_network
from afus.validation import CityForm, EventForm, ProjectForm, SeeksForm, ThemeForm

PASSWORD = "correct horse battery"
OP = auth.Operator("tests")


@pytest.fixture
def users(engine):
    auth.add_user(engine, "coord", "coordinator", PASSWORD, by=OP)
    auth.add_user(engine, "other", "coordinator", PASSWORD, by=OP)
    auth.add_user(engine, "boss", "admin", PASSWORD, by=OP)
    return {name: auth.sign_in(engine, name, PASSWORD) for name in ("coord", "other", "boss")}


def _project_id(engine, slug: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(Project.id).where(Project.slug == slug))


def _counts(engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(Project)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
            db.data_version(engine),
        )


GRILLE = "saint-brieuc-place-de-la-grille"


def test_second_save_of_the_same_version_gets_a_conflict_and_the_first_save_survives(engine, users):
    pid = _project_id(engine, GRILLE)
    seen_by_a = editing.load_item(engine, "project", pid)
    seen_by_b = editing.load_item(engine, "project", pid)
    form_a = editing.form_from_snapshot("project", seen_by_a)
    form_b = editing.form_from_snapshot("project", seen_by_b)
    form_a.summary = "Résumé revu par A."
    form_a.contact_name = "Anne"
    form_b.summary = "Résumé revu par B."
    form_b.status = "completed"

    saved = editing.save_project(engine, users["coord"], form_a, item_id=pid, seen_version=seen_by_a["version"])
    assert (saved.action, saved.version) == ("update", seen_by_a["version"] + 1)
    before = _counts(engine)
    with pytest.raises(editing.Conflict) as conflict:
        editing.save_project(engine, users["other"], form_b, item_id=pid, seen_version=seen_by_b["version"])
    assert _counts(engine) == before
    c = conflict.value
    assert (c.seen_version, c.current_version) == (seen_by_b["version"], saved.version)
    assert c.mine["summary"] == "Résumé revu par B." and c.theirs["summary"] == "Résumé revu par A."
    # A's new contact counts as checked today: the date differs too.
    assert set(c.differing_fields()) == {"summary", "status", "contact_name", "contact_checked"}
    stored = editing.load_item(engine, "project", pid)
    assert (stored["summary"], stored["contact_name"], stored["status"]) == ("Résumé revu par A.", "Anne", "ongoing")

    # B merges: keeps their status, takes A's summary and contact, saves against the newer version.
    merged = editing.merge_values(c.mine, c.theirs, {"summary", "contact_name"})
    done = editing.save_project(
        engine, users["other"], editing.form_from_snapshot("project", merged), item_id=pid, seen_version=merged["version"]
    )
    stored = editing.load_item(engine, "project", pid)
    assert (stored["summary"], stored["contact_name"], stored["status"]) == ("Résumé revu par A.", "Anne", "completed")
    assert done.version == saved.version + 1


def test_create_update_archive_restore_every_kind_is_audited(engine, users):
    coord = users["coord"]
    theme = editing.save_theme(engine, coord, ThemeForm(name="Mobilité douce", framework="afus_theme", translations={"sv": {"name": "Gång och cykel"}}))
    city = editing.save_city(engine, coord, CityForm(name="Lyon", country="FR"))
    project = editing.save_project(engine, coord, ProjectForm(title="Vélo-école", city="lyon", themes=[theme.slug], partners=["malmo", "lyon"]))
    event = editing.save_event(
        engine, coord, EventForm(title="Webinaire mobilité", kind="webinar", start_date=dt.date(2026, 3, 2), cities=["lyon", "malmo"], themes=[theme.slug])
    )
    seeks = editing.save_seeks(engine, coord, SeeksForm(city="lyon", themes=[theme.slug, "innovation"], note="Après le webinaire"), seen_version=city.version)
    stored_city = editing.load_item(engine, "city", city.id)
    assert stored_city["geonames_id"] and stored_city["country"] == "FR"
    assert editing.load_item(engine, "project", project.id)["partners"] == ["malmo"]  # its own city is not a partner
    assert editing.load_item(engine, "seeks", city.id)["themes"] == sorted([theme.slug, "innovation"])

    for kind, saved in (("theme", theme), ("city", editing.load_item(engine, "city", city.id)), ("project", project), ("event", event)):
        item_id = saved.id if hasattr(saved, "id") else city.id
        version = saved.version if hasattr(saved, "version") else saved["version"]
        archived = editing.archive(engine, coord, kind, item_id, version)
        restored = editing.restore(engine, coord, kind, item_id, archived.version)
        assert (archived.action, restored.action) == ("archive", "restore")

    with Session(engine) as s:
        rows = s.execute(select(AuditEntry.kind, AuditEntry.action, AuditEntry.actor)).all()
    assert {(k, a) for k, a, _ in rows} >= {
        ("user", "create"),
        ("theme", "create"), ("city", "create"), ("project", "create"), ("event", "create"), ("seeks", "update"),
        ("theme", "archive"), ("theme", "restore"), ("city", "archive"), ("city", "restore"),
        ("project", "archive"), ("project", "restore"), ("event", "archive"), ("event", "restore"),
    }
    assert {actor for k, _, actor in rows if k != "user"} == {"coord"}
    assert seeks.action == "update"


def test_audit_row_holds_values_before_and_after(engine, users):
    pid = _project_id(engine, GRILLE)
    seen = editing.load_item(engine, "project", pid)
    form = editing.form_from_snapshot("project", seen)
    form.title = "Place de la Grille : expérimentation"
    editing.save_project(engine, users["coord"], form, item_id=pid, seen_version=seen["version"])
    with Session(engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.kind == "project", AuditEntry.item_id == pid)).one()
    assert entry.before["title"] == "Expérimentation place de la Grille"
    assert entry.after["title"] == "Place de la Grille : expérimentation"
    assert (entry.actor, entry.action, entry.item_label) == ("coord", "update", "Place de la Grille : expérimentation")


def test_unchanged_save_writes_nothing_new(engine, users):
    pid = _project_id(engine, GRILLE)
    seen = editing.load_item(engine, "project", pid)
    saved = editing.save_project(engine, users["coord"], editing.form_from_snapshot("project", seen), item_id=pid, seen_version=seen["version"])
    assert (saved.action, saved.version) == ("unchanged", seen["version"])


def test_archive_is_reversible_and_hides_from_browsing(engine, users):
    pid = _project_id(engine, GRILLE)
    seen = editing.load_item(engine, "project", pid)
    archived = editing.archive(engine, users["coord"], "project", pid, seen["version"])
    assert GRILLE not in set(load_network(engine).projects["slug"])
    # An archive against a stale version is a conflict too.
    with pytest.raises(editing.Conflict):
        editing.restore(engine, users["other"], "project", pid, seen["version"])
    editing.restore(engine, users["other"], "project", pid, archived.version)
    assert GRILLE in set(load_network(engine).projects["slug"])
    with Session(engine) as s:
        assert s.get(Project, pid).title == "Expérimentation place de la Grille"


def _expired(signed: auth.SignedIn) -> auth.SignedIn:
    return dataclasses.replace(signed, last_seen=signed.last_seen - auth.idle_timeout() - dt.timedelta(seconds=1))


@pytest.mark.parametrize("who", ["anonymous", "disabled", "expired", "password changed"])
def test_writes_are_refused_server_side_without_a_valid_session(engine, users, who):
    actor = {"anonymous": None, "disabled": users["other"], "expired": _expired(users["coord"]), "password changed": users["other"]}[who]
    if who == "disabled":
        auth.set_disabled(engine, "other", True, by=OP)
    if who == "password changed":
        auth.set_password(engine, "other", "another long password", by=OP)
    pid = _project_id(engine, GRILLE)
    version = editing.load_item(engine, "project", pid)["version"]
    before = _counts(engine)
    expected = {
        "anonymous": "Sign in as a coordinator to make changes.",
        "disabled": "Your account has been disabled; your session has ended.",
        "expired": "Your session ended after a period of inactivity. Sign in again; nothing was saved.",
        "password changed": "The password of your account was changed; sign in again.",
    }[who]
    for attempt in (
        lambda: editing.save_project(engine, actor, ProjectForm(title="Interdit", city="malmo")),
        lambda: editing.archive(engine, actor, "project", pid, version),
        lambda: editing.save_theme(engine, actor, ThemeForm(name="Interdit", framework="afus_theme")),
        lambda: editing.save_seeks(engine, actor, SeeksForm(city="malmo", themes=["innovation"]), seen_version=1),
    ):
        with pytest.raises(auth.AuthError) as refused:
            attempt()
        assert refused.value.message("en") == expected
    assert _counts(engine) == before


def test_coordinators_edit_content_but_only_admins_manage_accounts(engine, users):
    editing.save_project(engine, users["coord"], ProjectForm(title="Par une coordinatrice", city="paris"))
    editing.save_project(engine, users["boss"], ProjectForm(title="Par un admin", city="paris"))
    with pytest.raises(auth.PermissionDenied):
        auth.set_disabled(engine, "other", True, by=users["coord"])
    auth.set_disabled(engine, "other", True, by=users["boss"])


def test_a_new_city_takes_coordinates_from_the_gazetteer(engine, users):
    saved = editing.save_city(engine, users["coord"], CityForm(name="Uppsala", country="SE"))
    with Session(engine) as s:
        city = s.get(City, saved.id)
        assert city.slug == "uppsala" and city.population > 100_000
        assert 59 < city.latitude < 60.5 and 17 < city.longitude < 18.5
    with pytest.raises(editing.Invalid) as unknown:
        editing.save_city(engine, users["coord"], CityForm(name="Atlantis", country="FR"))
    assert unknown.value.messages("en") == [
        "“Atlantis” was not found in the gazetteer of French and Swedish places; give its GeoNames id."
    ]
    with pytest.raises(editing.Invalid) as twice:
        editing.save_city(engine, users["coord"], CityForm(name="Malmö", country="SE"))
    assert twice.value.messages("fr") == ["Cette ville fait déjà partie du réseau."]


def test_a_renamed_project_frees_its_old_title_and_holds_the_new_one(engine, users):
    pid = _project_id(engine, GRILLE)
    seen = editing.load_item(engine, "project", pid)
    form = editing.form_from_snapshot("project", seen)
    form.title = "Place de la Grille, saison 2"
    editing.save_project(engine, users["coord"], form, item_id=pid, seen_version=seen["version"])

    twin = editing.form_from_snapshot("project", editing.load_item(engine, "project", pid))
    twin.slug, twin.title = "", "PLACE DE LA GRILLE, Saison 2"
    with pytest.raises(editing.Invalid) as taken:
        editing.save_project(engine, users["coord"], twin)
    assert taken.value.messages("en") == ["Saint-Brieuc already has a project with this title."]
    twin.title = "Expérimentation place de la Grille"  # the old title is free again
    assert editing.save_project(engine, users["coord"], twin).action == "create"


def test_twenty_writers_in_parallel_threads(engine, users):
    start = threading.Barrier(20)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            editing.save_project(engine, users["coord"], ProjectForm(title=f"Projet parallèle {n}", city="grenoble"))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert failures == []
    with Session(engine) as s:
        titles = set(s.scalars(select(Project.title).where(Project.title.like("Projet parallèle %"))))
        audits = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.kind == "project"))
    assert titles == {f"Projet parallèle {n}" for n in range(20)}
    assert audits == 20


def test_the_write_layer_on_postgresql(pg_url):
    """Same guarantees on PostgreSQL: versioned updates, conflict, audit, all-or-nothing import, parallel writers."""
    from afus import imports, schema, seed

    pg = db.make_engine(pg_url)
    try:
        schema.upgrade(pg)
        seed.seed(pg)
        pid = _project_id(pg, GRILLE)
        seen = editing.load_item(pg, "project", pid)
        form = editing.form_from_snapshot("project", seen)
        form.summary = "Première écriture 🚲"
        editing.save_project(pg, OP, form, item_id=pid, seen_version=seen["version"])
        form.summary = "Seconde écriture"
        with pytest.raises(editing.Conflict) as conflict:
            editing.save_project(pg, OP, form, item_id=pid, seen_version=seen["version"])
        assert conflict.value.theirs["summary"] == "Première écriture 🚲"
        assert editing.load_item(pg, "project", pid)["summary"] == "Première écriture 🚲"

        before = _counts(pg)
        bad = b"title,city\nBon,paris\n,paris\n"
        with pytest.raises(imports.ImportFailed):
            imports.apply(pg, OP, "projects.csv", bad)
        assert _counts(pg) == before

        errors: list[BaseException] = []

        def write(n: int) -> None:
            try:
                editing.save_project(pg, OP, ProjectForm(title=f"PG parallèle {n}", city="paris"))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
        assert errors == []
        with Session(pg) as s:
            assert s.scalar(select(func.count()).select_from(Project).where(Project.title.like("PG parallèle %"))) == 20
            assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.kind == "project")) == 21
    finally:
        pg.dispose()


def test_a_save_refused_by_the_stores_constraints_is_a_message(engine, users, monkeypatch):
    # As if a simultaneous save had passed the duplicate check (possible on PostgreSQL).
    monkeypatch.setattr(editing, "_duplicate_title", lambda *args: False)
    before = _counts(engine)
    with pytest.raises(editing.Invalid) as refused:
        editing.save_project(engine, users["coord"], ProjectForm(title="Expérimentation place de la Grille", city="saint-brieuc"))
    assert refused.value.messages("en") == ["A colleague saved a similar item at the same moment. Check the list, then save again."]
    assert _counts(engine) == before


def test_a_merge_keeps_by_default_what_each_side_changed():
    base = {"title": "T", "summary": "old", "source": "", "status": "ongoing", "version": 1}
    mine = base | {"summary": "mine", "status": "completed"}
    theirs = base | {"summary": "theirs", "source": "Bilateral meeting", "version": 2}
    who = editing.changed_by(base, mine, theirs)
    assert who == {"summary": "both", "source": "theirs", "status": "mine"}
    take = [name for name, side in who.items() if editing.default_choice(side) == "theirs"]
    merged = editing.merge_values(mine, theirs, take)
    assert (merged["summary"], merged["source"], merged["status"], merged["version"]) == ("mine", "Bilateral meeting", "completed", 2)
    # Without the version opened, nothing is assumed: every differing field is the coordinator's to decide.
    assert set(editing.changed_by(None, mine, theirs).values()) == {"both"}


def test_a_contact_entered_in_a_form_counts_as_checked_today(engine):
    today = auth.now_utc().date().isoformat()
    saved = editing.save_project(engine, OP, ProjectForm(title="Contact test", city="paris", contact_name="Léa Martin"))
    with Session(engine) as session:
        snap = editing.snapshot(session, "project", saved.id)
    assert snap["contact_checked"] == today  # not listed at once as "never checked"
    # Another field edited: the date stays; a date given in the form is kept.
    later = editing.save_project(
        engine, OP, editing.form_from_snapshot("project", snap | {"summary": "x", "contact_checked": "2024-05-01"}),
        item_id=saved.id, seen_version=snap["version"],
    )
    with Session(engine) as session:
        snap = editing.snapshot(session, "project", later.id)
    assert snap["contact_checked"] == "2024-05-01"
    # A new e-mail with the old date left as it was: checked today.
    editing.save_project(
        engine, OP, editing.form_from_snapshot("project", snap | {"contact_email": "lea@paris.fr"}),
        item_id=saved.id, seen_version=snap["version"],
    )
    with Session(engine) as session:
        assert editing.snapshot(session, "project", saved.id)["contact_checked"] == today
