"""Import projects, cities (and every other kind the export writes) from CSV, Excel, a zip of CSVs or JSON.

Every row goes through the same rules as the /manage forms
(:func:`afus.editing.write_form`). :func:`preview` runs the whole import in
a transaction that is rolled back, so it reports exactly what
:func:`apply` would do, with row-level errors and their row numbers.
:func:`apply` runs it again in one write transaction: either every row goes
in, or none does. Rows are matched to stored items by ``slug`` (or by
their natural key: a project's city and title, a city's gazetteer entry...),
so importing the same file twice creates no duplicates.

Uploads are bounded (:data:`MAX_UPLOAD_BYTES`, :data:`MAX_ROWS`, the
uncompressed size of zips and workbooks) and checked before parsing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from afus import auth, browse, editing
from afus.db import is_sqlite, write_session
from afus.exports import COLUMNS, SHEETS, TRANSLATED_FIELDS
from afus.i18n import CatalogueError, LANGS, t
from afus.models import COUNTRIES, EVENT_KINDS, STATUSES, City
from afus.validation import FieldError, clean_int

MAX_UPLOAD_BYTES = 5_000_000
MAX_UNCOMPRESSED_BYTES = 50_000_000
MAX_ZIP_MEMBERS = 200
MAX_ROWS = 5_000
ACCEPTED_SUFFIXES = ("csv", "xlsx", "zip", "json")
_SHEET_ALIASES = {
    "project": "projects", "projets": "projects", "projekt": "projects",
    "city": "cities", "villes": "cities", "städer": "cities", "stader": "cities",
    "theme": "themes", "thèmes": "themes", "teman": "themes",
    "seek": "seeks", "event": "events", "événements": "events", "evenements": "events", "evenemang": "events",
}


# --- refusals and results -------------------------------------------------------------------


class ImportRefused(CatalogueError):
    """The file as a whole cannot be imported (too big, not a spreadsheet, unknown table...)."""


@dataclass(frozen=True)
class SourceRow:
    """One row of an uploaded table: its sheet, the row number a spreadsheet shows, its cells by column."""

    sheet: str
    number: int
    cells: dict[str, object]


@dataclass(frozen=True)
class RowError:
    """A problem with one row."""

    sheet: str
    number: int
    error: FieldError

    def message(self, lang: str) -> str:
        """E.g. "projects, row 7: Title is required."."""
        return t("io.row_error", lang, sheet=self.sheet, row=self.number, message=self.error.message(lang))


@dataclass(frozen=True)
class PlannedRow:
    """What one row does: create, update or unchanged."""

    sheet: str
    number: int
    label: str
    action: str


@dataclass(frozen=True)
class ImportPlan:
    """The outcome of an import (or of its preview)."""

    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def counts(self) -> Counter:
        """Rows per action."""
        return Counter(r.action for r in self.rows)


class ImportFailed(Exception):
    """At least one row is wrong; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} row error(s)")
        self.errors = errors


# --- reading the upload ----------------------------------------------------------------------


def suffix(filename: str) -> str:
    """The file's type from its name (``csv``, ``xlsx``, ``zip``, ``json``)."""
    return PurePosixPath(filename or "").suffix.lower().lstrip(".")


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused("io.error.unreadable") from exc
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused("io.error.too_big", size=MAX_UPLOAD_BYTES // 1_000_000)
    return archive


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ImportRefused("io.error.unreadable")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # what Excel writes as "CSV" on many French and Swedish PCs


def _uncsv(value: str) -> str:
    # Undo the export's guard against spreadsheet formulas ('=..., '+..., '-...).
    return value[1:] if value.startswith("'") else value


CSV_SEPARATORS = ",;\t"


def csv_separator(text: str) -> str:
    """The separator of a CSV file: the one its header line uses most (``,`` by default).

    Only the separator is guessed, from the header (plain column names).
    Quoting is always the standard one (``"`` doubled inside a quoted cell),
    as our exports and spreadsheets write it: guessing it from a sample
    misreads every quote after the sample.
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in CSV_SEPARATORS}
    best = max(CSV_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _csv_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=csv_separator(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], []
    except csv.Error as exc:
        raise ImportRefused("io.error.unreadable") from exc
    rows = []
    try:
        for values in reader:
            rows.append((reader.line_num, [_uncsv(v) for v in values]))
    except csv.Error as exc:
        raise ImportRefused("io.error.unreadable") from exc
    return header, rows


def _normalise_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def _table(sheet: str, header: list, rows: list[tuple[int, list]]) -> list[SourceRow]:
    names = [_normalise_header(h) for h in header]
    out = []
    for number, values in rows:
        cells = {n: v for n, v in zip(names, values, strict=False) if n}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue  # blank lines are not rows
        out.append(SourceRow(sheet, number, cells))
    return out


def _sheet_name(name: str, header: list) -> str:
    key = _normalise_header(PurePosixPath(name).stem)
    key = _SHEET_ALIASES.get(key, key)
    if key in SHEETS:
        return key
    names = {_normalise_header(h) for h in header}
    if {"title", "city"} <= names:
        return "projects"
    if {"name", "country"} <= names:
        return "cities"
    raise ImportRefused("io.error.unknown_table", name=name[:60], tables=", ".join(SHEETS))


def _excel_value(value: object) -> object:
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def read_tables(filename: str, data: bytes) -> dict[str, list[SourceRow]]:
    """The rows of an upload per sheet name (``projects``, ``cities``...); raises :class:`ImportRefused`."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRefused("io.error.too_big", size=MAX_UPLOAD_BYTES // 1_000_000)
    kind = suffix(filename)
    if kind not in ACCEPTED_SUFFIXES:
        raise ImportRefused("io.error.type", types=", ".join(ACCEPTED_SUFFIXES))
    if not data.strip():
        raise ImportRefused("io.error.empty")
    tables: dict[str, list[SourceRow]] = {}
    if kind == "csv":
        header, rows = _csv_rows(_decode(data))
        tables[_sheet_name(filename, header)] = _table(_sheet_name(filename, header), header, rows)
    elif kind == "zip":
        archive = _check_zip(data)
        for member in archive.infolist():
            path = PurePosixPath(member.filename)
            if member.is_dir() or path.suffix.lower() != ".csv" or path.name.startswith((".", "__")):
                continue
            header, rows = _csv_rows(_decode(archive.read(member)))
            sheet = _sheet_name(path.name, header)
            tables[sheet] = _table(sheet, header, rows)
    elif kind == "xlsx":
        _check_zip(data)  # a workbook is a zip: refuse a zip bomb before parsing
        from openpyxl import load_workbook

        try:
            # data_only: a formula's last computed value is read, nothing is evaluated.
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportRefused("io.error.unreadable") from exc
        for ws in workbook.worksheets:
            values = list(ws.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
            if not values:
                continue
            header = list(values[0])
            sheet = _sheet_name(ws.title, header)
            rows = [(i, [_excel_value(v) for v in row]) for i, row in enumerate(values[1:], start=2)]
            tables[sheet] = _table(sheet, header, rows)
        workbook.close()
    else:
        tables = _json_tables(data)
    if sum(len(rows) for rows in tables.values()) > MAX_ROWS:
        raise ImportRefused("io.error.too_many_rows", max=MAX_ROWS)
    if not any(tables.values()):
        raise ImportRefused("io.error.empty")
    return tables


def _json_tables(data: bytes) -> dict[str, list[SourceRow]]:
    try:
        payload = json.loads(_decode(data))
    except (ValueError, RecursionError) as exc:
        raise ImportRefused("io.error.unreadable") from exc
    if isinstance(payload, list):
        payload = {"projects": payload}
    if not isinstance(payload, dict):
        raise ImportRefused("io.error.unreadable")
    tables = {}
    for key, items in payload.items():
        sheet = _SHEET_ALIASES.get(str(key).lower(), str(key).lower())
        if sheet not in SHEETS:
            continue  # format, exported_at...
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ImportRefused("io.error.unreadable")
        tables[sheet] = [SourceRow(sheet, n, dict(item)) for n, item in enumerate(items, start=1)]
    return tables


# --- rows to forms ----------------------------------------------------------------------------


def _text(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from a spreadsheet
        return ""
    return value


# Single-valued columns a person may fill in with words rather than codes: "Umeå" for umea,
# "pågående" for ongoing, "Suède" for SE. Matched without case or accents.
WORDED_COLUMNS = {"city": "cities", "host": "cities", "status": "status", "kind": "event", "country": "country"}


def worded_values(session: Session) -> dict[str, dict[str, str]]:
    """Per kind of value, every wording (:func:`afus.browse.name_key`) and the code it stands for.

    Cities by name, slug and alias, as links and the directory find them; the
    other values by their labels in every language.
    """
    cities = pd.DataFrame(session.execute(select(City.slug, City.name, City.aliases)).all(), columns=["slug", "name", "aliases"])
    out = {"cities": browse.city_slug_lookup(cities)}
    for group, codes in (("status", STATUSES), ("event", EVENT_KINDS), ("country", COUNTRIES)):
        out[group] = {browse.name_key(t(f"{group}.{code}", lang)): code for code in codes for lang in LANGS}
        out[group] |= {browse.name_key(code): code for code in codes}
    return out


def row_to_form(kind: str, cells: dict[str, object], words: dict[str, dict[str, str]] | None = None):  # noqa: ANN201 - a form dataclass
    """The form a row describes (flat spreadsheet columns or structured JSON); ``words`` turn worded values into codes."""
    values = {name: _text(cells.get(name)) for name in COLUMNS[kind] if name in cells}
    for name, group in WORDED_COLUMNS.items():
        if words and isinstance(values.get(name), str) and values[name].strip():
            values[name] = words[group].get(browse.name_key(values[name]), values[name])
    translations = cells.get("translations")
    if not isinstance(translations, dict):
        translations = {}
        for name in TRANSLATED_FIELDS[kind]:
            for code in LANGS:
                text = _text(cells.get(f"{name}_{code}"))
                if text:
                    translations.setdefault(code, {})[name] = text
    if kind != "seeks":
        values["translations"] = translations
    for name in ("slug", "city", "host", "framework", "country", "status", "kind", "lang"):
        if name in values and not isinstance(values[name], str):
            values[name] = str(values[name])
    return editing.form_from_snapshot(kind, values)


def _archived_flag(cells: dict[str, object]) -> bool | None:
    if "archived" not in cells:
        return None
    value = cells["archived"]
    if isinstance(value, bool):
        return value
    return str(_text(value)).strip().lower() in ("yes", "true", "1", "oui", "ja", "x")


def _seen_version(cells: dict[str, object]) -> int | None:
    """The version an exported row was read at (None for a row written by hand, or a cleared cell)."""
    errors: list[FieldError] = []
    version = clean_int(errors, "version", _text(cells.get("version")))
    if errors:
        raise editing.Invalid(errors)
    return version


def _label(kind: str, cells: dict[str, object]) -> str:
    for name in ("title", "name", "city", "slug"):
        if cells.get(name):
            return str(cells[name])[:120]
    return ""


# --- running an import ---------------------------------------------------------------------------


def _run(session: Session, actor_name: str, tables: dict[str, list[SourceRow]]) -> ImportPlan:
    plan = ImportPlan()
    words = worded_values(session)
    for sheet, kind in SHEETS.items():  # themes and cities before the projects that use them
        for row in tables.get(sheet, []):
            try:
                with session.begin_nested():
                    seen = _seen_version(row.cells)
                    saved = editing.write_form(
                        session, actor_name, kind, row_to_form(kind, row.cells, words), seen_version=seen, match_existing=True
                    )
                    action = saved.action
                    wanted = _archived_flag(row.cells)
                    if kind in editing.ARCHIVABLE and wanted is not None:
                        changed = editing.set_archived_in(session, actor_name, kind, saved.id, wanted)
                        if changed and action == "unchanged":
                            action = "update"
            except editing.Invalid as exc:
                plan.errors.extend(RowError(sheet, row.number, e) for e in exc.errors)
                continue
            except editing.Conflict as conflict:
                stale = FieldError("version", "io.error.stale_row", (("seen", conflict.seen_version), ("now", conflict.current_version)))
                plan.errors.append(RowError(sheet, row.number, stale))
                continue
            except (editing.NotFound, SQLAlchemyError):
                plan.errors.append(RowError(sheet, row.number, FieldError("slug", "io.error.row_failed")))
                continue
            plan.rows.append(PlannedRow(sheet, row.number, _label(kind, row.cells), action))
    return plan


@contextlib.contextmanager
def _rolled_back_session(engine: Engine) -> Iterator[Session]:
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn.info["sqlite_begin"] = "BEGIN IMMEDIATE"
        transaction = conn.begin()
        try:
            with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
                yield session
        finally:
            transaction.rollback()


def preview(engine: Engine, filename: str, data: bytes) -> ImportPlan:
    """What importing the file would do, row by row, without writing anything."""
    tables = read_tables(filename, data)
    with _rolled_back_session(engine) as session:
        return _run(session, "preview", tables)


def apply(engine: Engine, actor: auth.Actor, filename: str, data: bytes) -> ImportPlan:
    """Import the file in one transaction: every row, or (with :class:`ImportFailed`) none."""
    tables = read_tables(filename, data)
    with write_session(engine) as session:
        actor_name = auth.require_role(session, actor)
        plan = _run(session, actor_name, tables)
        if plan.errors:
            raise ImportFailed(plan.errors)
        return plan


# --- for the page -----------------------------------------------------------------------------


def preview_table(plan: ImportPlan, lang: str) -> pd.DataFrame:
    """The rows of a preview as a table: sheet, row, item, what will happen (or the problem)."""
    rows = [
        {"sheet": r.sheet, "row": r.number, "item": r.label, "action": t(f"io.action.{r.action}", lang)} for r in plan.rows
    ]
    rows += [
        {"sheet": e.sheet, "row": e.number, "item": "", "action": e.error.message(lang)} for e in plan.errors
    ]
    frame = pd.DataFrame(rows, columns=["sheet", "row", "item", "action"]).sort_values(["sheet", "row"], kind="stable")
    return frame.rename(columns={c: t(f"io.column.{c}", lang) for c in frame.columns})


def summary(plan: ImportPlan, lang: str) -> str:
    """E.g. "3 new, 2 updated, 10 unchanged"."""
    counts = plan.counts()
    return t("io.summary", lang, create=counts.get("create", 0), update=counts.get("update", 0), unchanged=counts.get("unchanged", 0))
