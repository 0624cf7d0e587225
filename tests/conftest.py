"""Shared fixtures: a fresh, seeded SQLite store per test; AppTest helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from afus import db, schema, seed

ROOT = Path(__file__).resolve().parent.parent

# Real-browser fixtures (app_server, browser, page) and the PostgreSQL server (pg_url).
pytest_plugins = ["tests.browser_support", "tests.pg_support"]


# AFUS_TEST_BACKEND=postgresql runs every store test (the fixtures below) on a
# fresh PostgreSQL database instead of a SQLite file.
TEST_BACKEND = os.environ.get("AFUS_TEST_BACKEND", "sqlite").strip().lower()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """An empty store, set as AFUS_DATABASE_URL: a SQLite file, or a PostgreSQL database (AFUS_TEST_BACKEND)."""
    if TEST_BACKEND in ("postgresql", "postgres", "pg"):
        server = request.getfixturevalue("pg_server")
        url = server.create_database()
        request.addfinalizer(lambda: server.drop_database(url))
    else:
        url = f"sqlite:///{tmp_path / 'afus-test.db'}"
    monkeypatch.setenv(db.ENV_URL, url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A seeded store (schema at head, seed content loaded)."""
    eng = db.make_engine(db_url)
    schema.upgrade(eng)
    seed.seed(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def empty_engine(db_url: str) -> Iterator[Engine]:
    """A store with the schema but no content."""
    eng = db.make_engine(db_url)
    schema.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    yield
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    db.get_engine.cache_clear()
