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

    before = ui.data_version()
    again = ui.data_version()
    with db.write_session(ui.engine()):
        pass  # a save: bumps the stamp
    st.write(f"{before} {again} {ui.data_version()}")


def test_a_write_in_the_run_is_seen_in_the_same_run(engine):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(script_writing_in_the_middle_of_a_run)
    at.run()
    before, again, after = map(int, at.markdown[0].value.split())
    assert again == before and after == before + 1
    at.run()  # the next run reads the stamp anew
    assert int(at.markdown[0].value.split()[0]) == after


def script_reading_the_snapshot_around_a_write() -> None:
    import streamlit as st

    from afus import db, ui

    first, again = ui.network(), ui.network()
    with db.write_session(ui.engine()):
        pass  # a save: bumps the stamp
    st.write(f"{first is again} {ui.network() is first}")


def test_the_snapshot_is_taken_once_per_run_and_again_after_a_write(engine):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(script_reading_the_snapshot_around_a_write)
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "True False"
