"""Export everything, for anyone: CSV files in a zip, an Excel workbook with one sheet per kind, JSON.

The tables are what :mod:`afus.imports` reads back (round trip tested):
one row per item, keyed by its ``slug``; references are slugs separated by
``; ``, links one per line, translations in ``<field>_<lang>`` columns.

Exports are inert: a cell that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``...) is written as text in Excel and prefixed with
``'`` in CSV (the import removes that prefix again).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from afus.editing import snapshot
from afus.i18n import LANGS
from afus.models import City, CitySeek, Event, Project, Theme
from afus.spreadsheet import inert_cell

# Sheet (and CSV file) name -> item kind, in the order an import needs them.
SHEETS: dict[str, str] = {"themes": "theme", "cities": "city", "projects": "project", "seeks": "seeks", "events": "event"}
TRANSLATED_FIELDS: dict[str, tuple[str, ...]] = {
    "project": ("title", "summary"),
    "city": ("profile",),
    "theme": ("name", "description"),
    "event": ("title", "description"),
    "seeks": (),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "theme": ("slug", "framework", "position", "name", "lang", "description", "period"),
    "city": (
        "slug", "name", "country", "geonames_id", "aliases", "lang", "profile", "contact_name", "contact_email",
        "contact_checked", "member_since",
    ),
    "project": (
        "slug", "city", "title", "lang", "summary", "status", "start_date", "end_date", "themes", "partners",
        "contact_name", "contact_email", "contact_checked", "links", "source",
    ),
    "seeks": ("city", "themes", "note"),
    "event": (
        "slug", "kind", "title", "lang", "start_date", "end_date", "host", "location", "cities", "themes",
        "description", "programme", "outcomes", "source",
    ),
}
LIST_SEPARATOR = "; "
FORMAT_NAME = "afus-export"
FORMAT_VERSION = 1


def columns(kind: str) -> list[str]:
    """The columns of one kind's table: translations, the archived flag and the version it was read at included.

    An import of the file refuses a row whose item has changed since that
    version (someone edited it after the export): re-importing an old file
    never quietly undoes newer edits.
    """
    extra = [f"{name}_{code}" for name in TRANSLATED_FIELDS[kind] for code in LANGS]
    return [*COLUMNS[kind], *extra, *(["archived"] if kind != "seeks" else []), "version"]


def flat_row(kind: str, snap: dict) -> dict[str, object]:
    """A snapshot as one spreadsheet row."""
    row: dict[str, object] = {}
    for name in COLUMNS[kind]:
        value = snap.get(name)
        if name == "links":
            value = "\n".join(value or [])
        elif isinstance(value, list):
            value = LIST_SEPARATOR.join(value)
        row[name] = "" if value is None else value
    translations = snap.get("translations") or {}
    for name in TRANSLATED_FIELDS[kind]:
        for code in LANGS:
            row[f"{name}_{code}"] = (translations.get(code) or {}).get(name, "")
    if kind != "seeks":
        row["archived"] = "yes" if snap.get("archived") else ""
    row["version"] = snap.get("version", "")
    return row


def snapshots(engine: Engine) -> dict[str, list[dict]]:
    """Every item of every kind (archived ones too), as snapshots, per sheet name."""
    out: dict[str, list[dict]] = {}
    with Session(engine) as session:
        ids = {
            "themes": session.scalars(select(Theme.id).order_by(Theme.framework, Theme.position, Theme.id)).all(),
            "cities": session.scalars(select(City.id).order_by(City.slug)).all(),
            "projects": session.scalars(select(Project.id).order_by(Project.slug)).all(),
            "seeks": session.scalars(
                select(City.id).where(City.id.in_(select(CitySeek.city_id))).order_by(City.slug)
            ).all(),
            "events": session.scalars(select(Event.id).order_by(Event.start_date, Event.slug)).all(),
        }
        for sheet, kind in SHEETS.items():
            rows = []
            for item_id in ids[sheet]:
                snap = snapshot(session, kind, item_id)
                if snap is not None:
                    rows.append(snap)
            out[sheet] = rows
    return out


def tables(engine: Engine) -> dict[str, list[dict[str, object]]]:
    """Every kind as flat rows, per sheet name."""
    return {sheet: [flat_row(SHEETS[sheet], s) for s in snaps] for sheet, snaps in snapshots(engine).items()}


def export_csv_zip(engine: Engine) -> bytes:
    """A zip of one UTF-8 CSV file per kind (``projects.csv``, ``cities.csv``...)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet, rows in tables(engine).items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            header = columns(SHEETS[sheet])
            writer.writerow(header)
            for row in rows:
                writer.writerow([inert_cell(row.get(c)) for c in header])
            archive.writestr(f"{sheet}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def export_xlsx(engine: Engine) -> bytes:
    """An Excel workbook with one sheet per kind; every text cell is stored as text, never as a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in tables(engine).items():
        ws = workbook.create_sheet(sheet)
        header = columns(SHEETS[sheet])
        ws.append(header)
        for row in rows:
            ws.append([row.get(c) for c in header])
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING  # openpyxl would otherwise store "=..." as a formula
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_json(engine: Engine) -> bytes:
    """Everything as JSON: ``{"format": "afus-export", "projects": [...], ...}`` with lists and translations kept structured."""
    payload: dict[str, object] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "exported_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
    }
    payload |= snapshots(engine)
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
