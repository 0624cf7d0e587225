"""Hardening under faults: a read-only store, a full disk, a store that goes away and comes back.

In every case the user reads a clear message in their language (no
traceback), nothing half-written remains, and the app recovers by itself on
the next rerun once the store is back. SQLite faults use real files: the
store opened read-only (``mode=ro``; the tests run as root, for whom a
``chmod`` would not stop a write) and SQLite's ``max_page_count`` as a disk
that fills up. The PostgreSQL case stops and restarts a real server.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import DBAPIError
from streamlit.testing.v1 import AppTest

from afus import auth, db, editing, schema, seed
from afus.i18n import t
from afus.models import AuditEntry, Project
from afus.validation import ProjectForm
from tests import pg_support
from tests.apptest import all_text, run_page
from tests.ci import skip_or_fail

# These faults are of a SQLite file; the PostgreSQL ones are at the end.
sqlite_only = pytest.mark.sqlite  # a fault of the SQLite store file


def read_only_url(path: Path) -> str:
    """The SQLite store at ``path`` opened read-only, as a locked-down file would be."""
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def project_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Project)).scalar_one()


def audit_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


def new_project(title: str = "Jardins partagés du centre", summary: str = "") -> ProjectForm:
    translations = {lang: {"title": title, "summary": summary} for lang in ("en", "sv")} if summary else {}
    return ProjectForm(title=title, city="saint-brieuc", summary=summary, lang="fr", status="ongoing", translations=translations)


def guarded_write_script() -> None:
    """An AppTest script: one coordinator write through the app's engine, guarded like every page."""
    from afus import auth, editing, ui
    from afus.validation import ProjectForm

    with ui.store_guard():
        summary = "Une longue description. " * 60  # big enough to need new pages
        translations = {lang: {"title": "Essai", "summary": summary} for lang in ("en", "sv")}
        form = ProjectForm(title="Essai", city="malmo", lang="fr", summary=summary, translations=translations)
        editing.save_project(ui.engine(), auth.Operator(), form)
        import streamlit as st

        st.success("saved")


# --- classification of store errors (pure) ------------------------------------------


def test_a_constraint_error_is_not_passed_off_as_a_store_failure(engine: Engine) -> None:
    with pytest.raises(DBAPIError) as caught:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO cities (id, slug) VALUES (1, NULL)"))
    assert db.store_failure(caught.value) is None
    assert db.store_failure(ValueError("not a store error")) is None


# --- read-only store ------------------------------------------------------------------


@sqlite_only
def test_read_only_store_still_shows_every_page(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(db_url.split("///", 1)[1])
    monkeypatch.setenv(db.ENV_URL, read_only_url(path))
    for page in ("pages/overview.py", "pages/cities.py", "pages/projects.py", "pages/peers.py"):
        at = run_page(page, lang="fr")
        assert not at.exception, page
        assert not at.error, (page, [e.value for e in at.error])


@sqlite_only
def test_write_to_read_only_store_says_so_and_changes_nothing(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(db_url.split("///", 1)[1])
    before_projects, before_version, before_audit = project_count(engine), db.data_version(engine), audit_count(engine)
    monkeypatch.setenv(db.ENV_URL, read_only_url(path))

    at = AppTest.from_function(guarded_write_script, default_timeout=30)
    at.session_state["lang"] = "sv"
    at.run()

    assert not at.exception
    assert [e.value for e in at.error] == [t("store.read_only", "sv")]
    assert not at.success
    assert (project_count(engine), db.data_version(engine), audit_count(engine)) == (before_projects, before_version, before_audit)


@sqlite_only
def test_store_failure_names_read_only(engine: Engine, db_url: str) -> None:
    ro = db.make_engine(read_only_url(Path(db_url.split("///", 1)[1])))
    with pytest.raises(DBAPIError) as caught:
        editing.save_project(ro, auth.Operator(), new_project())
    assert db.store_failure(caught.value) == "read_only"
    ro.dispose()


# --- disk full ---------------------------------------------------------------------------


def fill_disk(engine: Engine, spare_pages: int = 2):  # noqa: ANN201 (the listener, to free the space again)
    """Make the store's "disk" full: no more than ``spare_pages`` new pages for every new connection."""

    @event.listens_for(engine, "connect")
    def _cap(dbapi_conn, _record):  # noqa: ANN001
        cur = dbapi_conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages + spare_pages}")
        cur.close()

    engine.dispose()  # pooled connections opened before the cap would ignore it
    return _cap


@sqlite_only
def test_disk_full_during_a_write_leaves_no_partial_write(engine: Engine, db_url: str) -> None:
    before = (project_count(engine), db.data_version(engine), audit_count(engine))
    capped = db.make_engine(db_url)
    fill_disk(capped, spare_pages=0)
    big = "Une longue description. " * 60  # 1,440 characters in three languages, and its audit row: new pages

    with pytest.raises(DBAPIError) as caught:
        editing.save_project(capped, auth.Operator(), new_project(summary=big))
    assert db.store_failure(caught.value) == "full"
    assert (project_count(engine), db.data_version(engine), audit_count(engine)) == before
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"

    # Space is freed (a connection without the cap): the same write now succeeds whole.
    saved = editing.save_project(engine, auth.Operator(), new_project(summary=big))
    assert saved.action == "create"
    assert project_count(engine) == before[0] + 1
    assert audit_count(engine) == before[2] + 1
    capped.dispose()


@sqlite_only
def test_disk_full_message_in_the_app_then_recovery(engine: Engine, db_url: str) -> None:
    from afus import ui

    # The app's own engine (cached per process, shared with AppTest runs) gets the cap.
    app_engine = ui._engine(db_url)
    cap = fill_disk(app_engine, spare_pages=0)
    before = (project_count(engine), db.data_version(engine))

    at = AppTest.from_function(guarded_write_script, default_timeout=30)
    at.session_state["lang"] = "fr"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("store.full", "fr")]
    assert (project_count(engine), db.data_version(engine)) == before

    event.remove(app_engine, "connect", cap)
    app_engine.dispose()
    at.run()  # the user presses "Try again" once space is freed
    assert not at.error
    assert [s.value for s in at.success] == ["saved"]
    assert project_count(engine) == before[0] + 1


# --- the store goes away and comes back ------------------------------------------------------


@sqlite_only
def test_missing_store_gives_a_clear_message_and_recovers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "later" / "afus.db"
    monkeypatch.setenv(db.ENV_URL, read_only_url(path))

    at = run_page("pages/cities.py", lang="fr")
    assert not at.exception
    assert [e.value for e in at.error] == [t("common.store_unavailable", "fr")]
    assert "Traceback" not in all_text(at)

    path.parent.mkdir()
    rw = db.make_engine(f"sqlite:///{path}")
    schema.upgrade(rw)
    seed.seed(rw)
    rw.dispose()
    at.run()
    assert not at.exception
    assert not at.error
    assert "Suède ·" in all_text(at)  # the directory lists member cities again


# --- PostgreSQL stopped and restarted while the app runs --------------------------------------


def _pg_ctl(args: list[str]) -> None:
    bin_dir = pg_support.postgres_bin_dir()
    command = [str(bin_dir / "pg_ctl"), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


class RestartablePostgres:
    """A throwaway PostgreSQL server these tests may stop and start again."""

    def __init__(self, server: pg_support.PgServer) -> None:
        self.server = server
        import psycopg

        conninfo = server.admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            self.data_dir = conn.execute("SHOW data_directory").fetchone()[0]
            port = conn.execute("SHOW port").fetchone()[0]
            sockets = conn.execute("SHOW unix_socket_directories").fetchone()[0]
        self.options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"

    def stop(self) -> None:
        _pg_ctl(["-D", self.data_dir, "-m", "fast", "-w", "stop"])

    def start(self) -> None:
        _pg_ctl(["-D", self.data_dir, "-l", f"{self.data_dir}/../restart.log", "-o", self.options, "-w", "-t", "60", "start"])


@pytest.fixture(scope="module")
def restartable_pg() -> Iterator[RestartablePostgres]:
    """A PostgreSQL server of this module's own (stopping the shared one would disturb other tests)."""
    reason = pg_support.postgres_missing_reason()
    if reason or os.environ.get(pg_support.ADMIN_URL_ENV):
        skip_or_fail(reason or "an external server (AFUS_TEST_POSTGRES_ADMIN_URL) cannot be restarted by a test")
    with pg_support.start_postgres() as server:
        yield RestartablePostgres(server)


@pytest.fixture
def pg_store(restartable_pg: RestartablePostgres, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = restartable_pg.server.create_database("afus_faults")
    eng = db.make_engine(url)
    schema.upgrade(eng)
    seed.seed(eng)
    eng.dispose()
    monkeypatch.setenv(db.ENV_URL, url)
    yield url
    restartable_pg.server.drop_database(url)


@pytest.mark.postgres
def test_postgres_restart_while_the_app_runs(restartable_pg: RestartablePostgres, pg_store: str) -> None:
    # The overview: the one page AppTest runs through dashboard.py on every rerun
    # (see the report on the legacy pages/ directory), so the language holds.
    at = run_page("pages/overview.py", lang="sv")
    assert not at.exception and not at.error
    restartable_pg.stop()
    try:
        at.run()
        assert not at.exception
        assert [e.value for e in at.error] == [t("common.store_unavailable", "sv")]
    finally:
        restartable_pg.start()
    at.run()  # the next rerun, with the pool's dead connections replaced
    assert not at.exception
    assert not at.error


@pytest.mark.postgres
def test_postgres_stopped_in_the_middle_of_a_write_leaves_nothing(restartable_pg: RestartablePostgres, pg_store: str) -> None:
    eng = db.make_engine(pg_store)
    before = (project_count(eng), db.data_version(eng), audit_count(eng))
    try:
        with pytest.raises(DBAPIError) as caught:
            with db.write_session(eng) as session:
                for n in range(20):
                    session.add(Project(slug=f"half-{n}", city_id=1, title=f"Half {n}", lang="fr"))
                session.flush()  # the rows are sent, not committed
                restartable_pg.stop()
    finally:
        restartable_pg.start()
    assert db.store_failure(caught.value) == "unavailable"
    eng.dispose()
    eng = db.make_engine(pg_store)
    assert (project_count(eng), db.data_version(eng), audit_count(eng)) == before
    eng.dispose()


# --- the entry point runs on every request ---------------------------------------------------------


def test_first_request_to_a_sub_page_runs_the_entry_point(tmp_path: Path, page) -> None:  # noqa: ANN001
    """A shared link to a sub-page, as the first request a process serves, still runs dashboard.py (afus.ui.use_navigation_only)."""
    from playwright.sync_api import expect

    from tests.browser_support import goto, main_text, start_app_server

    with start_app_server(tmp_path) as server:
        goto(page, server, "/projects", lang="sv")  # the very first request this process serves
        assert page.locator("h1").first.inner_text() == t("nav.projects", "sv")
        # The language box is drawn once its element module has loaded (a placeholder until then).
        expect(page.locator("[data-testid='stSidebar']")).to_contain_text(t("sidebar.language", "sv"))
        assert main_text(page)
