"""Backups of a live SQLite store (while it is being written) and restores; the import/export verbs.

Backup and restore use SQLite's online backup API, so those tests run on the
SQLite suite only; on PostgreSQL the verbs refuse and point to pg_dump /
pg_restore (``test_postgresql_points_to_pg_dump``,
``test_backup_verbs_on_postgresql_point_to_pg_dump``). The import and export
verbs run on both backends.
"""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from afus import auth, backup, db, editing, exports
from afus.cli import main
from afus.models import AuditEntry, Project
from afus.validation import ProjectForm

OP = auth.Operator("tests")
sqlite_only = pytest.mark.sqlite  # SQLite's online backup API; PostgreSQL stores use pg_dump


def _content(engine) -> dict:
    payload = json.loads(exports.export_json(engine))
    payload.pop("exported_at")
    return payload


@sqlite_only
def test_backups_taken_while_the_app_writes_are_consistent(engine, db_url, tmp_path):
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        n = 0
        try:
            while not stop.is_set() and n < 400:
                editing.save_project(engine, OP, ProjectForm(title=f"Écrit pendant la sauvegarde {n}", city="boras"))
                written.append(n)
                n += 1
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    copies = []
    try:
        while len(written) < 5:
            thread.join(0.05)
        for i in range(3):
            copies.append(backup.backup(db_url, tmp_path / f"copy-{i}.db"))
    finally:
        stop.set()
        thread.join(timeout=120)
    assert errors == []
    for info in copies:
        conn = sqlite3.connect(info.path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        projects = conn.execute("SELECT count(*) FROM projects WHERE title LIKE 'Écrit pendant%'").fetchone()[0]
        audits = conn.execute("SELECT count(*) FROM audit_log WHERE kind = 'project' AND action = 'create'").fetchone()[0]
        version = conn.execute("SELECT version FROM data_version").fetchone()[0]
        conn.close()
        # Each copy is one moment: every project has its audit row, and the stamp counts each write.
        assert projects == audits >= 5
        assert version == info.data_version
    assert [c.data_version for c in copies] == sorted(c.data_version for c in copies)


@sqlite_only
def test_restore_brings_back_the_backup_and_keeps_the_current_store(engine, db_url, tmp_path):
    saved_copy = backup.backup(db_url, tmp_path / "before.db")
    snapshot_before = _content(engine)
    editing.save_project(engine, OP, ProjectForm(title="Ajouté après la sauvegarde", city="paris"))
    version_after_write = db.data_version(engine)
    info = backup.restore(db_url, saved_copy.path, engine)
    assert _content(engine) == snapshot_before
    # The stamp moves past both, so every running app re-reads.
    assert info.data_version > version_after_write
    assert info.safety_copy is not None and info.safety_copy.is_file()
    conn = sqlite3.connect(info.safety_copy)
    assert conn.execute("SELECT count(*) FROM projects WHERE title = 'Ajouté après la sauvegarde'").fetchone()[0] == 1
    conn.close()


@sqlite_only
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a database at all", "is not a SQLite database"),
        (None, "does not exist"),
    ],
)
def test_restore_refuses_what_is_not_an_intact_afus_store(engine, db_url, tmp_path, content, expected):
    path = tmp_path / "bad.db"
    if content is not None:
        path.write_bytes(content)
    before = _content(engine)
    with pytest.raises(backup.BackupError, match=expected):
        backup.restore(db_url, path, engine)
    assert _content(engine) == before


@sqlite_only
def test_other_sqlite_file_is_not_an_afus_store(engine, db_url, tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(backup.BackupError, match="not an AFUS store"):
        backup.restore(db_url, path, engine)


def test_postgresql_points_to_pg_dump():
    with pytest.raises(backup.BackupError, match="pg_dump"):
        backup.sqlite_path("postgresql+psycopg://afus@localhost/afus")


def test_command_line_export_and_import(engine, db_url, tmp_path, capsys):
    for name in ("all.zip", "all.xlsx", "all.json"):
        assert main(["--database-url", db_url, "export", str(tmp_path / name)]) == 0
    assert main(["--database-url", db_url, "import", "--dry-run", str(tmp_path / "all.xlsx")]) == 0
    assert "would import: 0 new, 0 updated" in capsys.readouterr().out

    bad = tmp_path / "projects.csv"
    bad.write_text("title,city\nBon,paris\n,paris\n", encoding="utf-8")
    with Session(engine) as s:
        count = s.scalar(select(func.count()).select_from(Project))
    assert main(["--database-url", db_url, "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "projects, row 3: Title is required." in err and "nothing was imported" in err
    bad.write_text("title,city\nBon,paris\nAussi bon,paris\n", encoding="utf-8")
    assert main(["--database-url", db_url, "import", str(bad)]) == 0
    assert "imported: 2 new, 0 updated, 0 unchanged." in capsys.readouterr().out
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Project)) == count + 2
        assert s.scalar(select(AuditEntry.actor).where(AuditEntry.item_label == "Bon")).endswith("(command line)")
    assert main(["--database-url", db_url, "export", str(tmp_path / "all.txt")]) == 1


@sqlite_only
def test_command_line_backup_and_restore(engine, db_url, tmp_path, capsys):
    copy = tmp_path / "afus-backup.db"
    assert main(["--database-url", db_url, "backup", str(copy)]) == 0
    assert "backed up to" in capsys.readouterr().out
    with Session(engine) as s:
        count = s.scalar(select(func.count()).select_from(Project))
    editing.save_project(engine, OP, ProjectForm(title="Ajouté après la sauvegarde", city="paris"))
    assert main(["--database-url", db_url, "restore", str(copy)]) == 0
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Project)) == count


def test_backup_verbs_on_postgresql_point_to_pg_dump(tmp_path, capsys):
    copy = tmp_path / "afus-backup.db"
    for verb in ("backup", "restore"):
        assert main(["--database-url", "postgresql+psycopg://x@localhost/afus", verb, str(copy)]) == 1
        assert "pg_dump" in capsys.readouterr().err
