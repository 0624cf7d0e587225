"""A fresh store for each test, on the backend the suite runs on.

``AFUS_TEST_BACKEND=postgresql`` (also ``postgres``, ``pg``) puts every store
the fixtures and the test app servers create on PostgreSQL (the server of
``tests/pg_support.py``); anything else, or nothing, on SQLite files.

Migrating and seeding take a second or more; a suite of hundreds of tests
does it once per process instead. The first store of a kind is built into a
template (a SQLite file in a temporary directory, or a PostgreSQL template
database) and every store after it is a copy: a file copy, or ``CREATE
DATABASE ... TEMPLATE``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tests.ci import skip_or_fail

BACKEND = "postgresql" if os.environ.get("AFUS_TEST_BACKEND", "sqlite").strip().lower() in ("postgresql", "postgres", "pg") else "sqlite"
Kind = Literal["seeded", "schema", "empty"]  # seed content loaded / schema at head, no content / nothing at all


@dataclass(frozen=True)
class Store:
    """A store made for a test: its SQLAlchemy URL and whether it is a PostgreSQL database."""

    url: str
    on_postgres: bool

    def drop(self) -> None:
        """Drop a PostgreSQL store (a SQLite file goes with its temporary directory)."""
        if self.on_postgres:
            from tests import pg_support

            pg_support.shared_server().drop_database(self.url)


def on_postgres() -> bool:
    return BACKEND == "postgresql"


def new_store(kind: Kind, directory: Path, name: str = "afus-test.db") -> Store:
    """A fresh store of ``kind``: a PostgreSQL database, or the SQLite file ``directory / name``."""
    if on_postgres():
        from tests import pg_support

        reason = pg_support.postgres_missing_reason()
        if reason:
            skip_or_fail(reason)  # under CI, where PostgreSQL is installed, a failure
        server = pg_support.shared_server()
        template = "template0" if kind == "empty" else server.template(seeded=kind == "seeded")
        return Store(server.create_database(template=template), on_postgres=True)
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind != "empty":
        shutil.copyfile(_sqlite_template(seeded=kind == "seeded"), path)
    return Store(f"sqlite:///{path}", on_postgres=False)


def build(url: str, *, seeded: bool) -> None:
    """Bring the empty store at ``url`` to the schema's head and, when ``seeded``, load the seed; close every connection."""
    from afus import db, schema, seed

    engine = db.make_engine(url)
    try:
        schema.upgrade(engine)
        if seeded:
            seed.seed(engine)
    finally:
        engine.dispose()


_sqlite_templates: dict[bool, Path] = {}


def _sqlite_template(seeded: bool) -> Path:
    """A SQLite file at the schema's head (seeded or not), built once per process."""
    if seeded not in _sqlite_templates:
        directory = Path(tempfile.mkdtemp(prefix="afus-template-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        path = directory / ("seeded.db" if seeded else "schema.db")
        build(f"sqlite:///{path}", seeded=seeded)  # disposing the engine checkpoints the WAL into the file
        leftovers = [p.name for p in directory.iterdir() if p != path]
        if leftovers:
            raise RuntimeError(f"the SQLite template left {leftovers} beside it; a copy of the file alone would be incomplete")
        _sqlite_templates[seeded] = path
    return _sqlite_templates[seeded]


def add_french_cities(url: str, count: int) -> None:
    """``count`` more French member cities, "Ville 01" to "Ville NN", in the store at ``url`` (a network growing past a page's cards)."""
    from afus import db
    from afus.models import City

    engine = db.make_engine(url)
    try:
        with db.write_session(engine) as session:
            session.add_all(City(slug=f"ville-{n:02d}", name=f"Ville {n:02d}", country="FR") for n in range(1, count + 1))
    finally:
        engine.dispose()
