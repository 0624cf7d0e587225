"""CSV files people open in a spreadsheet: cells that never run as formulas, and the layout their Excel expects.

French and Swedish spreadsheet programs read ``;``-separated CSV with a
decimal comma (a comma-separated file opens there as one column); English
ones read ``,`` with a decimal point. Every file starts with a UTF-8 byte
order mark, so Umeå and Malmö keep their letters.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

# A cell starting like this would run as a formula (CSV injection), or lose its first character.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
SEPARATORS = {"en": ",", "fr": ";", "sv": ";"}


def inert_cell(value: object) -> str:
    """A cell as CSV text that no spreadsheet runs as a formula (``'`` prefix when needed)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def table_csv(table: pd.DataFrame, lang: str) -> bytes:
    """``table`` (its columns and rows, in order; not its index) as CSV bytes laid out for ``lang``'s spreadsheets."""
    separator = SEPARATORS.get(lang, ",")

    def cell(value: object) -> str:
        if isinstance(value, float) and separator == ";":
            return f"{value:g}".replace(".", ",")
        return inert_cell(value)

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow([inert_cell(c) for c in table.columns])
    for row in table.itertuples(index=False):
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
