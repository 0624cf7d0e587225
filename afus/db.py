"""The one place that opens the store.

``AFUS_DATABASE_URL`` takes any SQLAlchemy URL; the default is an embedded
SQLite file under ``data/``. SQLite connections get foreign keys, WAL and a
busy timeout; writes go through :func:`write_session`, which takes the
write lock up front (``BEGIN IMMEDIATE``) and bumps the data-version stamp.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select, text, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from afus.models import DataVersion

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_SQLITE = DATA_DIR / "afus.db"
ENV_URL = "AFUS_DATABASE_URL"
BUSY_TIMEOUT_MS = 10_000


def database_url() -> str:
    """The configured store URL (``AFUS_DATABASE_URL`` or the embedded default)."""
    return os.environ.get(ENV_URL) or f"sqlite:///{DEFAULT_SQLITE}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling would defeat BEGIN IMMEDIATE:
    # switch it off and emit BEGIN ourselves (SQLAlchemy's documented recipe).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        mode = conn.info.pop("sqlite_begin", "BEGIN")
        conn.exec_driver_sql(mode)


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default: :func:`database_url`)."""
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        # A "file:...?mode=ro&uri=true" URL names an existing file opened read-only.
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """A process-wide engine per URL."""
    return make_engine(url or database_url())


@contextlib.contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


_write_numbers = itertools.count(1)  # next() is atomic: two threads' writes never share a number
_last_write = 0


def local_writes() -> int:
    """The number of this process's latest content write: a data-version stamp read before it changed is stale."""
    return _last_write


@contextlib.contextmanager
def write_session(engine: Engine, *, content: bool = True) -> Iterator[Session]:
    """A transaction that holds the write lock from its start and bumps the data version.

    Commits when the block ends normally; any exception rolls back everything,
    so no half-written rows remain. ``content=False``: a write that is not
    content (sign-in bookkeeping) leaves the data version, and so every
    cached read, as it is.
    """
    global _last_write
    with engine.connect() as conn:
        if is_sqlite(engine):
            # A read-then-write needs the lock up front, or SQLite fails with
            # "database is locked" instead of waiting on the busy timeout.
            conn.info["sqlite_begin"] = "BEGIN IMMEDIATE"
        with conn.begin():
            with Session(bind=conn, expire_on_commit=False) as session:
                yield session
                session.flush()
                if content:
                    bump_data_version(session)
                    session.flush()
    if content:
        _last_write = next(_write_numbers)


def bump_data_version(session: Session) -> None:
    """Increment the data-version stamp inside the caller's transaction."""
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    result = session.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=now)
    )
    if result.rowcount == 0:
        session.add(DataVersion(id=1, version=1, changed_at=now))
        session.flush()


def data_version(engine: Engine) -> int:
    """The current data-version stamp (0 for an empty store)."""
    with engine.connect() as conn:
        try:
            value = conn.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar()
        except Exception:  # schema not created yet
            return -1
    return int(value or 0)


def ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


# --- store failures -------------------------------------------------------------

# SQLSTATEs (PostgreSQL) and message fragments (SQLite) of failures that are
# the store's condition, not the request's: the user is told, nothing is retried.
_READ_ONLY_STATES = {"25006"}  # read_only_sql_transaction
_FULL_STATES = {"53100", "53200"}  # disk_full, out_of_memory
_UNAVAILABLE_STATES_PREFIXES = ("08", "57P")  # connection exceptions, operator intervention


def store_failure(exc: BaseException) -> str | None:
    """What is wrong with the store behind ``exc``: "read_only", "full", "unavailable", or ``None``.

    ``None`` means the error is not a store condition (a constraint, a bug)
    and must not be hidden behind a "try again later" message.
    """
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    message = str(orig).lower()
    state = getattr(orig, "sqlstate", None) or ""
    if state in _READ_ONLY_STATES or "readonly database" in message or "read-only" in message:
        return "read_only"
    if state in _FULL_STATES or "database or disk is full" in message or "no space left" in message:
        return "full"
    if exc.connection_invalidated or state.startswith(_UNAVAILABLE_STATES_PREFIXES):
        return "unavailable"
    if isinstance(exc, (OperationalError, InterfaceError)):
        return "unavailable"
    return None
