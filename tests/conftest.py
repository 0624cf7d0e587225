"""Shared fixtures: a fresh store per test (SQLite or PostgreSQL, tests/stores.py); AppTest helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from afus import db
from tests import stores

ROOT = Path(__file__).resolve().parent.parent

# Real-browser fixtures (app_server, browser, page) and the PostgreSQL server (pg_url).
pytest_plugins = ["tests.browser_support", "tests.pg_support"]


# AFUS_TEST_BACKEND=postgresql runs every store test (the fixtures below) and
# every test app server on a fresh PostgreSQL database instead of a SQLite file.
TEST_BACKEND = stores.BACKEND


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """A fresh store, set as AFUS_DATABASE_URL: a SQLite file, or a PostgreSQL database (AFUS_TEST_BACKEND).

    It is seeded when the test also uses ``engine``, has the schema alone with
    ``empty_engine``, and is empty otherwise; each is a copy of a template
    built once per process (``tests/stores.py``).
    """
    kind = "seeded" if "engine" in request.fixturenames else "schema" if "empty_engine" in request.fixturenames else "empty"
    store = stores.new_store(kind, tmp_path)
    request.addfinalizer(store.drop)
    monkeypatch.setenv(db.ENV_URL, store.url)
    return store.url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A seeded store (schema at head, seed content loaded)."""
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def empty_engine(db_url: str) -> Iterator[Engine]:
    """A store with the schema but no content."""
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    yield
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    db.get_engine.cache_clear()
