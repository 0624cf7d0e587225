"""One catalogue of interface strings in English, French and Swedish, and locale formatting.

The catalogue is split by area (``afus/catalogue/<area>.py``, each a dict
``KEY -> {"en": ..., "fr": ..., "sv": ...}``) so that areas can grow apart;
:data:`CATALOGUE` merges them and refuses a key defined twice. Content
(titles, summaries) is not in the catalogue: see :func:`localized`.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import pkgutil
import re
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import parse_pattern

LANGS: tuple[str, ...] = ("en", "fr", "sv")
DEFAULT_LANG = "en"
LANG_NAMES = {"en": "English", "fr": "Français", "sv": "Svenska"}
_LOCALES = {"en": "en_GB", "fr": "fr_FR", "sv": "sv_SE"}


def _load_catalogue() -> dict[str, dict[str, str]]:
    import afus.catalogue as package

    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"afus.catalogue.{info.name}")
        for key, value in module.STRINGS.items():
            if key in merged:
                raise ValueError(f"interface string {key!r} is defined twice (afus/catalogue/{info.name}.py)")
            merged[key] = value
    return merged


CATALOGUE: dict[str, dict[str, str]] = _load_catalogue()


def normalize_lang(value: str | None) -> str:
    """A supported language code, or the default for anything else."""
    value = (value or "").strip().lower()[:2]
    return value if value in LANGS else DEFAULT_LANG


# "{n|ville|villes}" in a catalogue string: the singular or the plural word for the count ``n``.
PLURAL_CHOICE = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def is_singular(count: object, lang: str) -> bool:
    """Whether ``count`` takes the singular in ``lang``: 1 in English and Swedish, 0 and 1 in French."""
    digits = re.sub(r"[^\d-]", "", str(count))
    if not digits or digits == "-":
        return False
    number = abs(int(digits))
    return number < 2 if lang == "fr" else number == 1


def t(key: str, lang: str, /, **kwargs: object) -> str:
    """The interface string ``key`` in ``lang``, formatted with ``kwargs``.

    ``{name|one|other}`` picks the word that agrees with the count ``name``
    (see :func:`is_singular`). A key missing from the catalogue is a
    programming error (the catalogue test catches it); at run time it shows
    the key rather than failing.
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if not kwargs:
        return text
    text = PLURAL_CHOICE.sub(lambda m: m[2] if is_singular(kwargs.get(m[1]), lang) else m[3], text)
    return text.format(**kwargs)


def missing_translations() -> list[tuple[str, str]]:
    """(key, lang) pairs with no text; the test suite requires none."""
    return [(k, lang) for k, v in CATALOGUE.items() for lang in LANGS if not (v.get(lang) or "").strip()]


def format_date(value: dt.date | None, lang: str, fmt: str = "long") -> str:
    if value is None or value != value:  # None or NaT
        return ""
    return _babel_date(value, format=fmt, locale=_locale(normalize_lang(lang)))


def format_number(value: float | int | None, lang: str, decimals: int | None = None) -> str:
    """``value`` as ``lang`` writes it; with ``decimals``, exactly that many ("4,0"), else none trailing ("4")."""
    if value is None or value != value:
        return ""
    return _babel_decimal(value, format=_decimal_pattern(decimals), locale=_locale(normalize_lang(lang)))


# Babel parses a pattern and looks a locale up on every call: a page writes
# hundreds of numbers (scores, counts) on a large network.
@functools.cache
def _decimal_pattern(decimals: int | None):  # noqa: ANN202 (babel.numbers.NumberPattern | None)
    if decimals is None:
        return None
    return parse_pattern("#,##0." + "0" * decimals if decimals > 0 else "#,##0")


@functools.cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES[lang])


class CatalogueError(Exception):
    """A refusal whose message is an interface string (shown in the user's language)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str) -> str:
        """The refusal in ``lang``."""
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class Localized:
    """A piece of content in the best available language."""

    text: str
    lang: str
    fallback: bool  # True when shown in another language than the one asked for
    translated: bool  # True when the text is a translation, not the source wording


def localized(source_text: str, source_lang: str, translations: dict | None, field: str, lang: str) -> Localized:
    """Content ``field`` in ``lang``: the source if written in it, else its translation, else the source."""
    if source_lang == lang:
        return Localized(source_text or "", lang, False, False)
    text = ((translations or {}).get(lang) or {}).get(field)
    if text:
        return Localized(text, lang, False, True)
    return Localized(source_text or "", source_lang, True, False)
