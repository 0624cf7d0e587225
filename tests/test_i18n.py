"""The interface catalogue: complete in English, French and Swedish, and every key the code uses exists."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import pkgutil
import string
from pathlib import Path

import pytest

import afus.catalogue
from afus import i18n
from afus.i18n import CATALOGUE, LANGS, t
from afus.models import COUNTRIES, EVENT_KINDS, FRAMEWORKS, STATUSES
from afus.pages import PAGES

pytestmark = pytest.mark.backend_independent  # runs once, in the SQLite pass

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("afus/**/*.py"), ROOT / "dashboard.py"])
TRANSLATE_FUNCTIONS = {"t", "tr"}


def placeholders(text: str) -> set[str]:
    """The values ``text`` shows (a singular/plural choice shows none)."""
    text = i18n.PLURAL_CHOICE.sub("", text)
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def catalogue_modules() -> list[Path]:
    return [Path(afus.catalogue.__path__[0]) / f"{m.name}.py" for m in pkgutil.iter_modules(afus.catalogue.__path__)]


def translate_calls(path: Path) -> list[tuple[int, ast.expr]]:
    """(line, first argument) of every ``t(...)``/``tr(...)``/``ui.tr(...)`` call in a source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in TRANSLATE_FUNCTIONS:
                found.append((node.lineno, node.args[0]))
    return found


def test_every_string_exists_in_every_language() -> None:
    problems = [
        f"{key}: {sorted(set(entry) ^ set(LANGS)) or 'empty text'}"
        for key, entry in CATALOGUE.items()
        if set(entry) != set(LANGS) or any(not str(entry[lang]).strip() for lang in LANGS)
    ]
    assert not problems, "strings missing a language:\n" + "\n".join(problems)
    assert i18n.missing_translations() == []


def test_placeholders_are_the_same_in_every_language() -> None:
    problems = []
    for key, entry in CATALOGUE.items():
        expected = placeholders(entry["en"])
        for lang in LANGS:
            if placeholders(entry[lang]) != expected:
                problems.append(f"{key} [{lang}]: {sorted(placeholders(entry[lang]))} != en {sorted(expected)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module_path", catalogue_modules(), ids=lambda p: p.stem)
def test_no_key_is_written_twice_in_an_area_module(module_path: Path) -> None:
    # A repeated key in one dict literal silently keeps the last one: read the source.
    tree = ast.parse(module_path.read_text(encoding="utf-8"))
    seen: set[str] = set()
    duplicates = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "STRINGS" for t in node.targets):
            assert isinstance(node.value, ast.Dict)
            for key in node.value.keys:
                if isinstance(key, ast.Constant):
                    if key.value in seen:
                        duplicates.append(key.value)
                    seen.add(key.value)
    assert not duplicates, f"{module_path.name} defines twice: {duplicates}"


def test_no_key_is_defined_in_two_area_modules() -> None:
    owners: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(afus.catalogue.__path__):
        for key in importlib.import_module(f"afus.catalogue.{info.name}").STRINGS:
            owners.setdefault(key, []).append(info.name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_every_key_used_in_the_code_exists() -> None:
    missing = []
    for path in SOURCES:
        rel = path.relative_to(ROOT)
        for line, arg in translate_calls(path):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if arg.value not in CATALOGUE:
                    missing.append(f"{rel}:{line}: {arg.value!r}")
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                # f"status.{x}": at least the family must exist.
                prefix = arg.values[0].value
                if not any(key.startswith(prefix) for key in CATALOGUE):
                    missing.append(f"{rel}:{line}: no key starts with {prefix!r}")
    assert not missing, "keys used but not in the catalogue:\n" + "\n".join(missing)


def test_the_scan_sees_the_code() -> None:
    """Guard the scan itself: it must find the page titles' and pages' calls."""
    calls = [c for p in SOURCES for c in translate_calls(p)]
    assert len(calls) > 20


@pytest.mark.parametrize(
    ("family", "values"),
    [("country", COUNTRIES), ("status", STATUSES), ("framework", FRAMEWORKS), ("event", EVENT_KINDS)],
)
def test_keys_built_from_model_values_all_exist(family: str, values: tuple[str, ...]) -> None:
    assert [f"{family}.{v}" for v in values if f"{family}.{v}" not in CATALOGUE] == []


def test_page_titles_exist() -> None:
    assert [p.title_key for p in PAGES if p.title_key not in CATALOGUE] == []


def test_each_language_reads_as_itself() -> None:
    assert t("nav.cities", "en") == "Cities"
    assert t("nav.cities", "fr") == "Villes"
    assert t("nav.cities", "sv") == "Städer"
    assert t("common.back", "fr", page="Villes") == "Retour à Villes"


def test_unknown_language_falls_back_to_english() -> None:
    assert i18n.normalize_lang("de") == "en"
    assert i18n.normalize_lang(" FR ") == "fr"
    assert i18n.normalize_lang(None) == "en"


def test_dates_and_numbers_follow_the_language() -> None:
    day = dt.date(2017, 11, 17)
    assert i18n.format_date(day, "en") == "17 November 2017"
    assert i18n.format_date(day, "fr") == "17 novembre 2017"
    assert i18n.format_date(day, "sv") == "17 november 2017"
    assert i18n.format_number(1234567, "en") == "1,234,567"
    assert i18n.format_number(1234567, "fr").replace("\u202f", " ").replace("\xa0", " ") == "1 234 567"
    assert i18n.format_number(1234567, "sv").replace("\xa0", " ") == "1 234 567"


def test_content_falls_back_and_says_so() -> None:
    translated = i18n.localized("Installation provisoire", "fr", {"en": {"title": "Temporary installation"}}, "title", "en")
    assert (translated.text, translated.fallback, translated.translated) == ("Temporary installation", False, True)
    fallback = i18n.localized("Installation provisoire", "fr", {}, "title", "sv")
    assert (fallback.text, fallback.lang, fallback.fallback) == ("Installation provisoire", "fr", True)


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("en", 1, "History (1 change)"),
        ("en", 0, "History (0 changes)"),
        ("fr", 0, "Historique (0 modification)"),
        ("fr", 1, "Historique (1 modification)"),
        ("fr", 2, "Historique (2 modifications)"),
        ("sv", 1, "Historik (1 ändring)"),
        ("sv", "1\u202f234", "Historik (1\u202f234 ändringar)"),  # a count already formatted for the language
    ],
)
def test_counted_words_agree_with_their_count(lang: str, count: object, expected: str) -> None:
    assert t("history.item_title", lang, count=count) == expected


def test_import_messages_agree_with_their_counts() -> None:
    assert t("io.import.apply", "en", count=1) == "Import 1 row"
    assert t("io.import.apply", "fr", count=3) == "Importer 3 lignes"
    assert t("io.summary", "fr", create=0, update=1, unchanged=1) == "0 nouveau, 1 mis à jour, 1 inchangé."
    assert t("io.import.has_errors", "sv", count=1) == "1 problem: inget importeras förrän det har rättats i filen."


def test_a_score_keeps_its_decimal_in_every_language() -> None:
    assert [i18n.format_number(4.0, lang, decimals=1) for lang in ("en", "fr", "sv")] == ["4.0", "4,0", "4,0"]
    assert i18n.format_number(4.0, "sv") == "4"  # counts and the like: no trailing zero
