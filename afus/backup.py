"""Consistent copies of a live SQLite store, and restoring one, with SQLite's online backup API.

:func:`backup` copies the store in one read transaction, so the copy is a
consistent snapshot even while the app is writing (WAL mode lets writers
go on meanwhile). :func:`restore` first keeps a copy of the current store
beside it, then copies the backup in, brings its schema to the newest
revision and moves the data-version stamp past both, so every running app
re-reads. PostgreSQL stores are backed up with ``pg_dump`` (see the README).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, update
from sqlalchemy.engine import make_url

from afus import db, schema
from afus.models import DataVersion

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (the command line prints it)."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup or restore did."""

    path: Path
    size_bytes: int
    data_version: int
    safety_copy: Path | None = None


def sqlite_path(url: str) -> Path:
    """The file behind a SQLite URL; raises :class:`BackupError` for other stores."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(f"{parsed.get_backend_name()} store: use pg_dump / pg_restore (see the README)")
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory store cannot be backed up")
    return Path(parsed.database).resolve()


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    return conn


def _data_version(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT version FROM data_version WHERE id = 1").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row else 0


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = _connect(target_path)
    try:
        source.backup(target)  # all pages in one step: one consistent snapshot
        target.execute("PRAGMA journal_mode = DELETE")  # a self-contained single file
    finally:
        target.close()


def check_store_file(path: Path) -> int:
    """Check that ``path`` is an intact AFUS SQLite store; return its data version."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite database")
    conn = _connect(path, read_only=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"{path} is damaged: {result}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"alembic_version", "cities", "projects", "data_version"} <= tables:
            raise BackupError(f"{path} is not an AFUS store")
        return _data_version(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    finally:
        conn.close()


def backup(url: str, destination: Path) -> BackupInfo:
    """Copy the live store at ``url`` to ``destination`` (replaced atomically when the copy is complete)."""
    source_path = sqlite_path(url)
    destination = Path(destination).resolve()
    if destination == source_path:
        raise BackupError("the backup cannot overwrite the store itself")
    if not source_path.is_file():
        raise BackupError(f"{source_path} does not exist")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    source = _connect(source_path)
    try:
        _copy(source, partial)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {exc}") from exc
    finally:
        source.close()
    version = check_store_file(partial)
    os.replace(partial, destination)
    return BackupInfo(destination, destination.stat().st_size, version)


def restore(url: str, backup_path: Path, engine: Engine | None = None) -> BackupInfo:
    """Replace the store at ``url`` with the backup at ``backup_path``, keeping a safety copy of the current store."""
    target_path = sqlite_path(url)
    backup_path = Path(backup_path).resolve()
    if backup_path == target_path:
        raise BackupError("the backup is the store itself")
    restored_version = check_store_file(backup_path)
    safety = None
    current_version = 0
    if target_path.is_file():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        safety = target_path.with_name(f"{target_path.stem}.before-restore-{stamp}{target_path.suffix}")
        current_version = backup(url, safety).data_version
    source = _connect(backup_path, read_only=True)
    target = _connect(target_path)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"restore failed (the store is unchanged; a copy is at {safety}): {exc}") from exc
    finally:
        target.close()
        source.close()
    engine = engine or db.make_engine(url)
    schema.upgrade(engine)  # an older backup gets the tables added since
    wanted = max(current_version, restored_version) + 1
    with db.write_session(engine) as session:
        # Past both versions: every running app sees a new stamp and re-reads.
        session.execute(update(DataVersion).where(DataVersion.id == 1).values(version=wanted - 1))
    return BackupInfo(target_path, target_path.stat().st_size, db.data_version(engine), safety)
