"""Read-only tables (``afus.ui.table``): short ones as plain HTML tables, long ones in the scrolling grid."""

from __future__ import annotations

import json

import pandas as pd
from streamlit.testing.v1 import AppTest

from afus import ui
from tests.apptest import tables


def _table_of(rows: int) -> AppTest:
    def page(rows: int) -> None:
        import pandas as pd

        from afus import ui

        ui.table(pd.DataFrame({"City": [f"City {n}" for n in range(rows)], "Projects": list(range(rows))}))

    at = AppTest.from_function(page, args=(rows,))
    at.run()
    assert not at.exception
    return at


def test_up_to_the_limit_a_table_is_plain_beyond_it_scrolls_in_the_grid() -> None:
    short = _table_of(ui.SHORT_TABLE_ROWS)
    assert len(short.get("table")) == 1 and not short.dataframe
    long = _table_of(ui.SHORT_TABLE_ROWS + 1)
    assert len(long.dataframe) == 1 and not long.get("table")
    assert tables(long)[0]["City"].tolist()[-1] == f"City {ui.SHORT_TABLE_ROWS}"
    # Its numbers are written by the grid with the reader's digit grouping; an unknown one is an empty cell.
    grid = long.dataframe[0].proto
    assert json.loads(grid.columns)["Projects"]["type_config"]["format"] == "localized"
    assert grid.HasField("placeholder") and grid.placeholder == ""


def test_text_cells_and_headers_are_escaped_numbers_stay_numbers() -> None:
    frame = pd.DataFrame({"Name [x](y)": ["<b>Malmö</b>", "a_b*c"], "Projects": [3, 4]})
    shown = ui.inert_table(frame)
    assert list(shown.columns) == [ui.escape_markdown("Name [x](y)"), "Projects"]
    assert shown.iloc[:, 0].tolist() == [ui.escape_markdown("<b>Malmö</b>"), ui.escape_markdown("a_b*c")]
    assert shown["Projects"].tolist() == [3, 4] and shown["Projects"].dtype == frame["Projects"].dtype
    assert frame.iloc[0, 0] == "<b>Malmö</b>"  # the caller's frame is left as it was


def test_numbers_are_shown_as_the_language_writes_them_without_trailing_zeros() -> None:
    frame = pd.DataFrame({"City": ["Malmö"], "Score": [4.94], "Latitude": [57.721], "Projects": [3], "Population": [344166]})
    french = ui.localized_numbers(frame, "fr").to_html()
    assert "4,94" in french and "57,721" in french and "4,9400" not in french and "344\u202f166" in french
    english = ui.localized_numbers(frame, "en").to_html()
    assert "4.94<" in english and "57.721<" in english and "4.9400" not in english and "344,166<" in english
    assert ">3<" in english and "3.0" not in english
    shown = ui.localized_numbers(frame, "en").data
    assert shown["Score"].tolist() == [4.94] and shown["Population"].tolist() == [344166]  # still numbers underneath
    text = frame[["City"]]
    assert ui.localized_numbers(text, "fr") is text  # nothing to format: the frame as it is


def test_a_long_tables_numbers_follow_the_readers_browser_and_stay_numbers() -> None:
    """The data grid writes numbers itself: with the browser's digit grouping ("localized"), sorted by value."""
    frame = pd.DataFrame({"City": ["Malmö"], "Population": [344166], "Latitude": [55.6], "Member": [True]})
    columns = ui.localized_number_columns(frame)
    assert set(columns) == {"Population", "Latitude"}
    assert all(column["type_config"]["format"] == "localized" for column in columns.values())
