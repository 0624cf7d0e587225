"""The data-version stamp as pages read it (``afus.ui.data_version``): once per run, fresh after a write."""

from __future__ import annotations

from sqlalchemy import event

from afus import ui
from tests.apptest import run_page


def _count_stamp_reads(engine) -> list[str]:  # noqa: ANN001
    reads: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, *args) -> None:  # noqa: ANN001, ANN002
        if "data_version" in statement and statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    return reads


def test_a_page_run_asks_the_store_for_the_stamp_once(engine, db_url):
    """/themes reads the snapshot, the match inputs and several per-version results: one query for the stamp."""
    at = run_page("pages/themes.py", city="umea")
    reads = _count_stamp_reads(ui._engine(db_url))  # the app's engine: the one cached for this store
    at.run()
    assert not at.exception
    assert len(reads) == 1


def script_writing_in_the_middle_of_a_run() -> None:
    import streamlit as st

    from afus import db, ui

    before, again, first, first_again = ui.data_version(), ui.data_version(), ui.network(), ui.network()
    with db.write_session(ui.engine()):
        pass  # a save: bumps the stamp
    st.write(f"{before} {again} {ui.data_version()} {first is first_again} {ui.network() is first}")


def test_a_write_in_the_run_is_seen_in_the_same_run(engine):
    """The stamp and the snapshot are read once per run, and again after a write."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(script_writing_in_the_middle_of_a_run)
    at.run()
    assert not at.exception
    before, again, after, same_snapshot, same_after_write = at.markdown[0].value.split()
    assert again == before and int(after) == int(before) + 1
    assert same_snapshot == "True" and same_after_write == "False"
    at.run()  # the next run reads the stamp anew
    assert int(at.markdown[0].value.split()[0]) == int(after)


def test_a_shared_result_is_built_once_per_data_version(engine):
    builds: list[int] = []

    def build() -> str:
        builds.append(1)
        return f"built {len(builds)}"

    first = ui.per_version(("test.result", "en"), build)
    assert ui.per_version(("test.result", "en"), build) is first and len(builds) == 1
    ui.per_version(("test.result", "fr"), build)  # another key: built for it
    assert len(builds) == 2
    from afus import db

    with db.write_session(ui.engine()):
        pass  # a save: the next ask builds anew
    assert ui.per_version(("test.result", "en"), build) == "built 3"


def test_a_room_asking_at_once_builds_a_shared_result_once(engine):
    import threading
    import time

    builds: list[int] = []

    def slow_build() -> int:
        builds.append(1)
        time.sleep(0.2)
        return 42

    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(ui.per_version(("test.slow",), slow_build))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [42] * 8 and len(builds) == 1


def test_shared_results_are_bounded(engine, monkeypatch):
    monkeypatch.setattr(ui, "PER_VERSION_MAX", 3)
    for n in range(5):
        ui.per_version(("test.bounded", n), lambda n=n: n)
    builds: list[int] = []
    ui.per_version(("test.bounded", 0), lambda: builds.append(1))  # the oldest was dropped: built again
    ui.per_version(("test.bounded", 4), lambda: builds.append(1))  # the latest is kept
    assert len(builds) == 1
