"""Alembic migrations: empty to head on SQLite and PostgreSQL, and head matches the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from afus import db, schema
from afus.models import Base, Project
from afus.text import fold


@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.sqlite), pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrate.db'}"
    return request.getfixturevalue("pg_url")


def test_one_linear_history() -> None:
    script = ScriptDirectory.from_config(schema.alembic_config())
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert revisions[-1].down_revision is None  # a single base, the first table on
    assert all(r.doc for r in revisions), "every migration says what it does"


def test_upgrade_from_empty_to_head_creates_every_table(empty_url: str) -> None:
    engine = db.make_engine(empty_url)
    try:
        assert schema.current_revision(engine) is None
        schema.upgrade(engine)
        assert schema.current_revision(engine) == schema.head_revision()
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        schema.upgrade(engine)  # again: nothing to do, no error
        assert schema.current_revision(engine) == schema.head_revision()
    finally:
        engine.dispose()


def test_head_matches_the_models(empty_url: str) -> None:
    """Autogenerate finds nothing to add: the migrations and the models agree."""
    engine = db.make_engine(empty_url)
    try:
        schema.upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], "models and migrations differ; add a migration:\n" + "\n".join(map(str, diff))
    finally:
        engine.dispose()


def test_each_step_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    """Every revision can be walked down to empty and up again on SQLite (batch mode)."""
    from alembic import command

    engine = db.make_engine(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    cfg = schema.alembic_config()
    try:
        schema.upgrade(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert schema.current_revision(engine) is None
        assert [t for t in inspect(engine).get_table_names() if t != "alembic_version"] == []
        schema.upgrade(engine)
        assert schema.current_revision(engine) == schema.head_revision()
    finally:
        engine.dispose()


def test_upgrade_gives_stored_projects_their_folded_title_key(engine) -> None:  # noqa: ANN001
    """0003 on a store with content: every project gets the key its title folds to."""
    from alembic import command

    cfg = schema.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert "title_key" not in {c["name"] for c in inspect(engine).get_columns("projects")}
    schema.upgrade(engine)
    with Session(engine) as session:
        rows = session.execute(select(Project.title, Project.title_key)).all()
    assert len(rows) == 7
    assert [key for _, key in rows] == [fold(title) for title, _ in rows]
    assert any(key != title for title, key in rows)  # capitals and accents folded
