"""Read-only tables (``afus.ui.table``): short ones as plain HTML tables, long ones in the scrolling grid."""

from __future__ import annotations

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


def test_text_cells_and_headers_are_escaped_numbers_stay_numbers() -> None:
    frame = pd.DataFrame({"Name [x](y)": ["<b>Malmö</b>", "a_b*c"], "Projects": [3, 4]})
    shown = ui.inert_table(frame)
    assert list(shown.columns) == [ui.escape_markdown("Name [x](y)"), "Projects"]
    assert shown.iloc[:, 0].tolist() == [ui.escape_markdown("<b>Malmö</b>"), ui.escape_markdown("a_b*c")]
    assert shown["Projects"].tolist() == [3, 4] and shown["Projects"].dtype == frame["Projects"].dtype
    assert frame.iloc[0, 0] == "<b>Malmö</b>"  # the caller's frame is left as it was


def test_decimals_are_shown_as_the_language_writes_them_without_trailing_zeros() -> None:
    frame = pd.DataFrame({"City": ["Malmö"], "Score": [4.94], "Latitude": [57.721], "Projects": [3]})
    french = ui.localized_decimals(frame, "fr").to_html()
    assert "4,94" in french and "57,721" in french and "4,9400" not in french
    english = ui.localized_decimals(frame, "en").to_html()
    assert "4.94<" in english and "57.721<" in english and "4.9400" not in english
    assert ui.localized_decimals(frame, "en").data["Score"].tolist() == [4.94]  # still a number underneath
    whole = frame[["City", "Projects"]]
    assert ui.localized_decimals(whole, "fr") is whole  # nothing to format: the frame as it is
