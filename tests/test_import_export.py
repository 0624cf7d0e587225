"""Import and export: round trips, all-or-nothing, row-level messages, no duplicates, bounded and inert files."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from afus import auth, db, editing, exports, imports
from afus.models import AuditEntry, City, Project
from afus.validation import ProjectForm
from tests import stores

OP = auth.Operator("tests")


def _state(engine) -> tuple[int, int, int, int]:
    with Session(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(Project)),
            s.scalar(select(func.count()).select_from(City)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
            db.data_version(engine),
        )


def _content(engine) -> dict:
    """What the store holds, as its JSON export, without its own bookkeeping (export time, item versions)."""
    payload = json.loads(exports.export_json(engine))
    payload.pop("exported_at")
    for rows in payload.values():
        for row in rows if isinstance(rows, list) else ():
            row.pop("version", None)
    return payload


def _csv(rows: list[list[object]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


EXPORTS = {
    "afus.zip": exports.export_csv_zip,
    "afus.xlsx": exports.export_xlsx,
    "afus.json": exports.export_json,
}


@pytest.mark.parametrize("filename", list(EXPORTS))
def test_reimporting_an_export_changes_nothing_and_creates_no_duplicates(engine, filename):
    data = EXPORTS[filename](engine)
    before = _state(engine)
    plan = imports.preview(engine, filename, data)
    assert plan.errors == []
    assert set(plan.counts()) == {"unchanged"} and len(plan.rows) > 20
    imports.apply(engine, OP, filename, data)
    projects, cities, audit, _ = _state(engine)
    assert (projects, cities, audit) == before[:3]


def test_a_large_csv_export_with_quotes_late_in_the_file_reimports_unchanged(engine):
    """The file's format is not guessed from its first kilobytes: a quote after them is still a quote."""
    for n in range(60):  # plain rows first: the quotes of the seed projects come well after 4 KB
        editing.save_project(engine, OP, ProjectForm(title=f"AAA plain project {n:02d}", city="malmo", summary="A summary, with a comma " * 4))
    editing.save_project(engine, OP, ProjectForm(
        title='ZZZ a "break-away" project', city="paris", summary='He said "yes", then "no"; l\'énergie',
        translations={"sv": {"title": 'Ett "utbrytar"-projekt', "summary": 'Sa "ja", sedan "nej"'}},
    ))
    editing.save_project(engine, OP, ProjectForm(title='=HYPERLINK("http://evil.example","click")', city="umea"))
    data = exports.export_csv_zip(engine)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        text = z.read("projects.csv").decode("utf-8-sig")
    assert '""' not in text[:4096] and '""' in text  # the case that broke
    plan = imports.preview(engine, "afus.zip", data)
    assert plan.errors == []
    assert set(plan.counts()) == {"unchanged"}


@pytest.mark.parametrize("filename", list(EXPORTS))
def test_an_export_loads_into_an_empty_store_identically(engine, tmp_path, filename):
    editing.save_project(engine, OP, ProjectForm(
        title="Cœur de ville 🚲", city="umea", lang="sv", contact_email="a@umea.se", contact_checked="2025-01-02",
        links="https://www.umea.se/\nhttps://example.org/a?b=c", themes=["innovation", "capital-social"], partners=["grenoble"],
        translations={"fr": {"title": "Cœur de ville", "summary": "Résumé"}},
    ))
    pid = editing.find_existing(Session(engine), "project", {"city": "umea", "title": "Cœur de ville 🚲"})
    editing.archive(engine, OP, "project", pid, 1)
    other_store = stores.new_store("schema", tmp_path, "other.db")  # on the suite's backend
    other = db.make_engine(other_store.url)
    imports.apply(other, OP, filename, EXPORTS[filename](engine))
    assert _content(other) == _content(engine)
    other.dispose()
    other_store.drop()


def test_one_bad_row_among_500_leaves_the_store_unchanged(engine):
    rows = [["city", "title", "summary", "start_date", "end_date"]]
    rows += [["malmo", f"Projet importé {n}", "Résumé", "2024-01-01", "2025-01-01"] for n in range(500)]
    rows[251][3:5] = ["2025-06-01", "2024-06-01"]  # row 252 of the sheet: dates reversed
    data = _csv(rows)
    before = _state(engine)
    plan = imports.preview(engine, "projects.csv", data)
    assert [e.message("en") for e in plan.errors] == ["projects, row 252: The end date cannot be before the start date."]
    assert _state(engine) == before  # the preview wrote nothing
    with pytest.raises(imports.ImportFailed) as failed:
        imports.apply(engine, OP, "projects.csv", data)
    assert [e.message("fr") for e in failed.value.errors] == [
        "projects, ligne 252 : La date de fin ne peut pas précéder la date de début."
    ]
    assert _state(engine) == before

    rows[251][3:5] = ["2024-06-01", "2025-06-01"]
    done = imports.apply(engine, OP, "projects.csv", _csv(rows))
    assert done.counts() == {"create": 500}
    assert _state(engine)[0] == before[0] + 500
    again = imports.apply(engine, OP, "projects.csv", _csv(rows))
    assert again.counts() == {"unchanged": 500}
    assert _state(engine)[0] == before[0] + 500


def test_row_errors_name_the_row_and_the_rule(engine):
    data = _csv([
        ["title", "city", "contact_email", "links"],
        ["Bon projet", "paris", "x@paris.fr", "https://paris.fr"],
        ["", "paris", "", ""],
        ["Lien piégé", "paris", "", "javascript:alert(1)"],
        ["Ville inconnue", "atlantis", "", ""],
        ["Expérimentation place de la Grille", "saint-brieuc", "pas-un-courriel", ""],
    ])
    messages = [e.message("en") for e in imports.preview(engine, "projets.csv", data).errors]
    assert messages == [
        "projects, row 3: Title is required.",
        "projects, row 4: Links, line 1: only web links starting with http:// or https:// are accepted.",
        "projects, row 5: City: “atlantis” is not known.",
        "projects, row 6: Contact e-mail is not a valid e-mail address.",
    ]


def test_cities_from_a_french_excel_csv(engine):
    data = _csv([["name", "country", "profile"], ["Lyon", "FR", "Métropole"], ["Nulle-Part-sur-Mer", "FR", ""]], ";", "cp1252")
    plan = imports.preview(engine, "villes.csv", data)
    assert [e.message("en") for e in plan.errors] == [
        "cities, row 3: “Nulle-Part-sur-Mer” was not found in the gazetteer of French and Swedish places; give its GeoNames id."
    ]
    ok = _csv([["name", "country", "profile"], ["Lyon", "FR", "Métropole"]], ";", "cp1252")
    assert imports.apply(engine, OP, "villes.csv", ok).counts() == {"create": 1}
    with Session(engine) as s:
        lyon = s.scalars(select(City).where(City.slug == "lyon")).one()
        assert lyon.profile == "Métropole" and lyon.population > 400_000


def test_excel_workbook_with_one_sheet_filled_in_by_a_city(engine):
    wb = Workbook()
    ws = wb.active
    ws.title = "Feuil1"
    ws.append(["Title", "City", "Start date", "Summary"])
    ws.append(["Atelier vélo", "grenoble", __import__("datetime").datetime(2026, 4, 1), "Réparer ensemble"])
    ws.append(["Sans ville", None, None, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    plan = imports.preview(engine, "grenoble.xlsx", buffer.getvalue())
    assert [e.message("sv") for e in plan.errors] == ["projects, rad 3: Fältet ”Stad” måste fyllas i."]
    assert [(r.label, r.action) for r in plan.rows] == [("Atelier vélo", "create")]


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "'quoted"]


def test_exports_are_inert_and_round_trip_formula_like_text(engine, tmp_path):
    for n, text in enumerate(FORMULAS):
        editing.save_project(engine, OP, ProjectForm(title=f"<script>alert({n})</script>", city="paris", summary=text))
    with zipfile.ZipFile(io.BytesIO(exports.export_csv_zip(engine))) as z:
        cells = {c for row in csv.reader(io.StringIO(z.read("projects.csv").decode("utf-8-sig"))) for c in row}
    assert {f"'{formula}" for formula in FORMULAS} <= cells
    assert not cells & set(FORMULAS)
    wb = load_workbook(io.BytesIO(exports.export_xlsx(engine)))
    cells = [c for row in wb["projects"].iter_rows() for c in row if c.value in FORMULAS]
    assert len(cells) == len(FORMULAS) and all(c.data_type == "s" for c in cells)
    other_store = stores.new_store("schema", tmp_path, "other.db")
    other = db.make_engine(other_store.url)
    for name, export in EXPORTS.items():
        imports.apply(other, OP, name, export(engine))
        assert _content(other) == _content(engine)
    other.dispose()
    other_store.drop()


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("big.csv", b"title,city\n" + b"x" * (imports.MAX_UPLOAD_BYTES + 1), "The file is too large (at most 5 MB, unpacked content included)."),
        ("tool.exe", b"MZ\x90\x00", "Only these file types are accepted: csv, xlsx, zip, json."),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "This file cannot be read as CSV, Excel, zip or JSON."),
        ("binary.csv", b"title,city\n\x00\x01\x02", "This file cannot be read as CSV, Excel, zip or JSON."),
        ("empty.csv", b"   \n", "The file holds no rows."),
        ("bad.json", b"{not json", "This file cannot be read as CSV, Excel, zip or JSON."),
        ("notes.csv", b"foo,bar\n1,2\n", "“notes.csv” is not one of the tables themes, cities, projects, seeks, events, and its columns do not say which it is."),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(engine, filename, data, expected):
    before = _state(engine)
    with pytest.raises(imports.ImportRefused) as refused:
        imports.preview(engine, filename, data)
    assert refused.value.message("en") == expected
    assert _state(engine) == before


def test_a_zip_bomb_is_refused_before_unpacking(engine):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("projects.csv", "title,city\n" + "a" * (imports.MAX_UNCOMPRESSED_BYTES + 10))
    assert len(buffer.getvalue()) < imports.MAX_UPLOAD_BYTES
    with pytest.raises(imports.ImportRefused, match="io.error.too_big"):
        imports.preview(engine, "afus.zip", buffer.getvalue())


def test_anonymous_import_is_refused(engine):
    data = _csv([["title", "city"], ["Projet", "paris"]])
    before = _state(engine)
    with pytest.raises(auth.PermissionDenied):
        imports.apply(engine, None, "projects.csv", data)
    assert _state(engine) == before


def test_an_old_export_does_not_undo_newer_edits(engine):
    """A colleague edited a project after the export: importing the old file refuses that row, says why, writes nothing."""
    old_file = exports.export_xlsx(engine)
    pid = editing.find_existing(Session(engine), "project", {"city": "umea", "title": "Approche par le genre et « inclusion par l'exclusion »"})
    with Session(engine) as session:
        before = editing.snapshot(session, "project", pid)
    edited = editing.form_from_snapshot("project", before | {"summary": "Newer summary, written after the export."})
    editing.save_project(engine, OP, edited, item_id=pid, seen_version=before["version"])
    # The old file still holds every row as it was: one of them would now undo the newer summary.
    state = _state(engine)
    plan = imports.preview(engine, "afus.xlsx", old_file)
    [error] = plan.errors
    assert error.sheet == "projects" and error.error.field == "version"
    assert error.error.message("en").startswith(f"This row was exported at version {before['version']}, and the item has been changed since (now version {before['version'] + 1})")
    with pytest.raises(imports.ImportFailed):
        imports.apply(engine, OP, "afus.xlsx", old_file)
    assert _state(engine) == state
    with Session(engine) as session:
        assert editing.snapshot(session, "project", pid)["summary"] == "Newer summary, written after the export."
    # Emptying the row's version cell says "overwrite it on purpose"; a fresh export imports as unchanged.
    wb = load_workbook(io.BytesIO(old_file))
    sheet = wb["projects"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        row[header.index("version")].value = None
    buffer = io.BytesIO()
    wb.save(buffer)
    assert [r.action for r in imports.preview(engine, "afus.xlsx", buffer.getvalue()).rows if r.action != "unchanged"] == ["update"]
    assert {r.action for r in imports.preview(engine, "afus.xlsx", exports.export_xlsx(engine)).rows} == {"unchanged"}


def test_a_sheet_filled_in_with_words_instead_of_codes(engine):
    """A Swedish coordinator writes the city's name and the status as she reads them on the pages."""
    data = _csv([
        ["title", "city", "status", "summary"],
        ["Grönare skolgårdar", "Umeå", "pågående", "Skolgårdar i Ålidhem"],
        ["Vélos partagés", "GOTEBORG", "En cours", ""],
        ["Fel stad", "Atlantis", "Planerat", ""],
    ], ";")
    plan = imports.preview(engine, "projekt.csv", data)
    assert [e.message("sv") for e in plan.errors] == ["projects, rad 4: Stad: ”Atlantis” är okänt."]
    data = _csv([["title", "city", "status"], ["Grönare skolgårdar", "Umeå", "pågående"], ["Vélos partagés", "GOTEBORG", "En cours"]], ";")
    assert imports.apply(engine, OP, "projekt.csv", data).counts() == {"create": 2}
    with Session(engine) as s:
        rows = s.execute(select(City.slug, Project.status).join(Project.city).where(Project.title.in_(["Grönare skolgårdar", "Vélos partagés"]))).all()
    assert sorted(rows) == [("gothenburg", "ongoing"), ("umea", "ongoing")]
