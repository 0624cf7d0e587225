"""The store on SQLite and on a real PostgreSQL server: init, seed counts, integrity, data version."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from afus import db, schema, seed
from afus.models import City, CitySeek, Event, Project, Theme

ROOT = Path(__file__).resolve().parent.parent
SEED_COUNTS = {City: 10, Theme: 25, Project: 7, CitySeek: 3, Event: 1}


@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.sqlite), pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store: a SQLite file, or a fresh database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    """A seeded store (in-process, as the command line does it), with an engine on it."""
    engine = db.make_engine(store_url)
    schema.upgrade(engine)
    seed.seed(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def cli_store(store_url: str) -> Iterator[Engine]:
    """A store initialised by the real command line ``python -m afus init``."""
    afus_cli(store_url, "init")
    engine = db.make_engine(store_url)
    yield engine
    engine.dispose()


def afus_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m afus ARGS`` in another process against the store at ``url``."""
    env = {**os.environ, db.ENV_URL: url}
    result = subprocess.run(
        [sys.executable, "-m", "afus", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return result


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {model.__name__: conn.scalar(select(func.count()).select_from(model)) for model in SEED_COUNTS}


def test_init_creates_schema_at_head_and_seeds_exact_counts(cli_store: Engine) -> None:
    assert schema.current_revision(cli_store) == schema.head_revision()
    assert counts(cli_store) == {model.__name__: n for model, n in SEED_COUNTS.items()}
    assert db.data_version(cli_store) >= 1


def test_init_twice_changes_nothing(cli_store: Engine, store_url: str) -> None:
    store = cli_store
    before = (counts(store), db.data_version(store), schema.current_revision(store))
    with store.connect() as conn:
        stamps_before = conn.execute(select(Project.slug, Project.updated_at, Project.version).order_by(Project.slug)).all()

    second = afus_cli(store_url, "init")

    assert "nothing changed" in second.stdout
    assert (counts(store), db.data_version(store), schema.current_revision(store)) == before
    with store.connect() as conn:
        assert conn.execute(select(Project.slug, Project.updated_at, Project.version).order_by(Project.slug)).all() == stamps_before


def test_foreign_keys_are_enforced(store: Engine) -> None:
    with pytest.raises(IntegrityError):
        with db.write_session(store) as session:
            session.execute(insert(Project).values(slug="orphan", city_id=999_999, title="Orphan", lang="fr"))
    with store.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Project).where(Project.slug == "orphan")) == 0


def test_slugs_are_unique(store: Engine) -> None:
    with pytest.raises(IntegrityError):
        with db.write_session(store) as session:
            session.add(City(slug="malmo", name="Another Malmö", country="SE"))
    assert counts(store)["City"] == 10


def test_every_write_bumps_the_data_version_and_another_process_sees_it(store: Engine, store_url: str) -> None:
    start = db.data_version(store)
    for step in range(1, 4):
        with db.write_session(store) as session:
            session.execute(update(City).where(City.slug == "malmo").values(profile=f"edit {step}"))
        assert db.data_version(store) == start + step

    seen_elsewhere = subprocess.run(
        [sys.executable, "-c", "from afus import db; print(db.data_version(db.make_engine()))"],
        cwd=ROOT, env={**os.environ, db.ENV_URL: store_url}, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert int(seen_elsewhere.stdout) == start + 3


def test_a_write_in_another_process_is_seen_here(store: Engine, store_url: str) -> None:
    start = db.data_version(store)
    script = (
        "from sqlalchemy import update\n"
        "from afus import db\n"
        "from afus.models import City\n"
        "with db.write_session(db.make_engine()) as s:\n"
        "    s.execute(update(City).where(City.slug == 'umea').values(profile='written elsewhere'))\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, db.ENV_URL: store_url}, check=True, timeout=60)

    assert db.data_version(store) == start + 1
    with store.connect() as conn:
        assert conn.scalar(select(City.profile).where(City.slug == "umea")) == "written elsewhere"


def test_a_failed_write_leaves_nothing_behind(store: Engine) -> None:
    before = (counts(store), db.data_version(store))

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with db.write_session(store) as session:
            session.add(City(slug="nantes", name="Nantes", country="FR"))
            session.execute(update(City).where(City.slug == "paris").values(profile="half-done"))
            session.flush()  # the rows reached the database before the failure
            raise Boom

    assert (counts(store), db.data_version(store)) == before
    with store.connect() as conn:
        assert conn.scalar(select(City.profile).where(City.slug == "paris")) != "half-done"


def test_a_write_failing_on_a_constraint_leaves_nothing_behind(store: Engine) -> None:
    before = (counts(store), db.data_version(store))
    with pytest.raises(IntegrityError):
        with db.write_session(store) as session:
            session.add(City(slug="nantes", name="Nantes", country="FR"))
            session.flush()
            session.add(City(slug="nantes", name="Nantes again", country="FR"))
    assert (counts(store), db.data_version(store)) == before


def test_dates_and_json_round_trip(store: Engine) -> None:
    with store.connect() as conn:
        event = conn.execute(select(Event.start_date, Event.translations)).one()
    assert event.start_date == dt.date(2017, 11, 17)
    assert event.translations["en"]["title"].startswith("Signing of the French–Swedish strategic partnership")


# --- SQLite only ---------------------------------------------------------------


def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    schema.upgrade(engine)
    connections = [engine.connect() for _ in range(3)]  # distinct pooled DBAPI connections
    try:
        for conn in connections:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
    finally:
        for conn in connections:
            conn.close()
        engine.dispose()


def test_sqlite_writer_waits_for_the_lock_instead_of_failing(tmp_path: Path) -> None:
    """A second writer waits on the busy timeout while another process holds the write lock."""
    url = f"sqlite:///{tmp_path / 'lock.db'}"
    engine = db.make_engine(url)
    schema.upgrade(engine)
    seed.seed(engine)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from sqlalchemy import update\n"
         "from afus import db\n"
         "from afus.models import City\n"
         "with db.write_session(db.make_engine()) as s:\n"
         "    s.execute(update(City).where(City.slug == 'paris').values(profile='first'))\n"
         "    print('locked', flush=True)\n"
         "    time.sleep(1.5)\n"],
        cwd=ROOT, env={**os.environ, db.ENV_URL: url}, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        start = db.data_version(engine)
        with db.write_session(engine) as session:
            session.execute(update(City).where(City.slug == "paris").values(profile="second"))
        assert holder.wait(timeout=30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
    with engine.connect() as conn:
        assert conn.scalar(select(City.profile).where(City.slug == "paris")) == "second"
        assert conn.execute(text("SELECT 1")).scalar() == 1
    assert db.data_version(engine) == start + 2
    engine.dispose()
