"""Several app processes on one PostgreSQL: edits show everywhere, simultaneous edits conflict.

Two real ``streamlit run`` processes (two ports) share one PostgreSQL
database, as behind a reverse proxy with sticky sessions. Every write bumps
the data-version stamp in the database, and each process keys its cached
snapshot on it, so a change made anywhere shows on the next rerun in every
process. Two coordinators saving the same project at the same moment from
two processes get one save and one conflict, never a lost write.
"""

from __future__ import annotations

import multiprocessing
import sys
import types
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from afus import auth, db, editing
from afus.models import AuditEntry, Project
from tests.browser_support import AppServer, init_store, main_text, new_context, start_app_server, wait_for_app

SLUG_QUERY = select(Project.id, Project.slug, Project.title, Project.version).order_by(Project.id).limit(1)


@pytest.fixture
def two_apps(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, AppServer]]:
    """Two app processes on one freshly seeded PostgreSQL database."""
    init_store(pg_url)
    with (
        start_app_server(tmp_path_factory.mktemp("app-a"), database_url=pg_url, seed=False) as a,
        start_app_server(tmp_path_factory.mktemp("app-b"), database_url=pg_url, seed=False) as b,
    ):
        yield a, b


def _first_project(url: str) -> tuple[int, str, str, int]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        row = conn.execute(SLUG_QUERY).one()
    engine.dispose()
    return tuple(row)  # type: ignore[return-value]


def _rename(url: str, item_id: int, seen_version: int, title: str) -> editing.Saved:
    engine = db.make_engine(url)
    try:
        form = editing.form_from_snapshot("project", editing.load_item(engine, "project", item_id))
        form.title = title
        return editing.save_project(engine, auth.Operator(name="coordinator"), form, item_id=item_id, seen_version=seen_version)
    finally:
        engine.dispose()


def test_an_edit_in_one_process_shows_on_the_next_rerun_in_the_other(two_apps, browser) -> None:  # noqa: ANN001
    a, b = two_apps
    item_id, slug, title, version = _first_project(a.database_url)
    pages = {}
    context = new_context(browser)
    try:
        for name, server in (("a", a), ("b", b)):
            pages[name] = context.new_page()
            pages[name].goto(server.url("/projects", project=slug, lang="fr"))  # the title as written
            wait_for_app(pages[name])
            assert title in main_text(pages[name])  # both processes have cached this snapshot

        new_title = "Place de la Grille : expérimentation prolongée"
        saved = _rename(a.database_url, item_id, version, new_title)
        assert saved.action == "update"

        for name in ("a", "b"):
            page = pages[name]
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            page.keyboard.press("r")  # Streamlit's "rerun" key: the same session, the next run
            wait_for_app(page)
            assert new_title in main_text(page), name
    finally:
        context.close()


def _save_in_another_process(url: str, item_id: int, seen_version: int, title: str, barrier, results) -> None:  # noqa: ANN001
    barrier.wait(timeout=60)
    try:
        saved = _rename(url, item_id, seen_version, title)
        results.put(("saved", title, saved.version))
    except editing.Conflict as exc:
        results.put(("conflict", title, exc.current_version if hasattr(exc, "current_version") else None))
    except Exception as exc:  # reported to the test, which fails with it
        results.put(("error", title, repr(exc)))


def test_simultaneous_edits_from_two_processes_give_one_conflict(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A spawned process first re-runs the parent's __main__. Streamlit leaves the last script an
    # AppTest ran there (an AppTest.from_function script fails outside AppTest): the workers get a
    # __main__ with no file, and import what they run by its module name.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    init_store(pg_url)
    item_id, _slug, _title, version = _first_project(pg_url)
    spawn = multiprocessing.get_context("spawn")
    for round_no in range(3):
        barrier, results = spawn.Barrier(2), spawn.Queue()
        titles = (f"Version A{round_no}", f"Version B{round_no}")
        workers = [
            spawn.Process(target=_save_in_another_process, args=(pg_url, item_id, version, title, barrier, results))
            for title in titles
        ]
        for worker in workers:
            worker.start()
        outcomes = sorted(results.get(timeout=120) for _ in workers)
        for worker in workers:
            worker.join(timeout=60)
        kinds = sorted(kind for kind, _, _ in outcomes)
        assert kinds == ["conflict", "saved"], outcomes
        winner = next(title for kind, title, _ in outcomes if kind == "saved")

        engine = db.make_engine(pg_url)
        with engine.connect() as conn:
            stored_title, stored_version = conn.execute(
                select(Project.title, Project.version).where(Project.id == item_id)
            ).one()
            updates = conn.execute(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "update")
            ).scalar_one()
        engine.dispose()
        assert (stored_title, stored_version) == (winner, version + 1)
        assert updates == round_no + 1  # one audited update per round: the loser wrote nothing
        version = stored_version
