"""Shared fixtures: a fresh store per test (SQLite or PostgreSQL, tests/stores.py); AppTest helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import argon2
import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from afus import auth, db
from benchmarks.harness import scan_components_once
from tests import stores

ROOT = Path(__file__).resolve().parent.parent

# A new AppTest would otherwise rescan every installed package for Streamlit components.
scan_components_once()

# Passwords hashed in this process use argon2's cheapest profile, made for
# tests (a real hash costs about 0.2 s of CPU, and the fixtures sign in often).
# The app servers and the command line the tests start hash with the app's
# own parameters; test_cli_users checks a stored hash has them.
auth._hasher = PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)

# Real-browser fixtures (app_server, browser, page) and the PostgreSQL server (pg_url).
pytest_plugins = ["tests.browser_support", "tests.pg_support"]


# AFUS_TEST_BACKEND=postgresql runs every store test (the fixtures below) and
# every test app server on a fresh PostgreSQL database instead of a SQLite file.
TEST_BACKEND = stores.BACKEND

# What a test needs, by marker (pytest.ini); a test needing the other backend is
# deselected, and `make test` runs one pass per backend, so each runs once.
PASS_OF_MARKER = {"postgres": "postgresql", "sqlite": "sqlite", "backend_independent": "sqlite", "rendering": "sqlite"}
# Fixtures that put a test on a store of the suite's backend.
STORE_FIXTURES = frozenset({"db_url", "engine", "empty_engine", "app_server", "private_app_server"})

# The longest files, longest first (seconds in a SQLite pass on 3 workers: 215,
# 192, 147, 147, 60, 59, 54, 54, 52). They are collected first, and `make test`
# runs pytest-xdist with --dist loadfile --no-loadscope-reorder, which hands out
# files in collection order: the long ones start at once and the short ones fill
# the gaps, instead of a long file starting last and running alone.
LONG_FILES = (
    "test_accessibility.py",
    "test_benchmarks.py",
    "test_browser_seminar.py",
    "test_browser_journey.py",
    "test_browser_peers.py",
    "test_security.py",
    "test_import_export.py",
    "test_keyboard.py",
    "test_browser_manage.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the tests of this pass (those for this backend, and every test that uses the store), the long files first."""
    keep, drop = [], []
    for item in items:
        if {"pg_url", "pg_server"} & set(item.fixturenames):
            item.add_marker(pytest.mark.postgres)
        if item.get_closest_marker("backend_independent") and STORE_FIXTURES & set(item.fixturenames):
            raise pytest.UsageError(f"{item.nodeid} is marked backend_independent but uses a test store")
        wanted = {PASS_OF_MARKER[m.name] for m in item.iter_markers() if m.name in PASS_OF_MARKER}
        (keep if not wanted or TEST_BACKEND in wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
    if missing := [name for name in LONG_FILES if not (ROOT / "tests" / name).exists()]:
        raise pytest.UsageError(f"LONG_FILES in tests/conftest.py names files that do not exist: {missing}")
    rank = {name: n for n, name in enumerate(LONG_FILES)}
    items[:] = sorted(keep, key=lambda item: rank.get(item.path.name, len(LONG_FILES)))  # stable: file order kept otherwise


def pytest_report_header(config: pytest.Config) -> str:
    other = "PostgreSQL" if TEST_BACKEND == "sqlite" else "SQLite"
    return f"store backend: {TEST_BACKEND} (AFUS_TEST_BACKEND); tests for {other} alone run in its own pass"


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


@pytest.fixture(scope="module")
def seeded_network(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 (afus.network.Network)
    """One seeded snapshot for a module's read-only tests (tests that write use ``engine``)."""
    from afus.network import load_network

    store = stores.new_store("seeded", tmp_path_factory.mktemp("seeded-network"))
    eng = db.make_engine(store.url)
    snapshot = load_network(eng)
    eng.dispose()
    store.drop()
    return snapshot


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    yield
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    db.get_engine.cache_clear()
