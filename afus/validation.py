"""Form input and import rows: dataclasses at the edge, and the rules every write applies.

The same functions check what a coordinator types on ``/manage`` and every
row of an imported spreadsheet. They are pure: rules that need the store
(unknown city, duplicate title) are checked by :mod:`afus.editing` inside
the write transaction, with the same :class:`FieldError` messages.

Text is kept as typed (Unicode, accents, emoji, right-to-left scripts):
only surrounding whitespace is removed. Whatever it contains is rendered as
text by the pages, so ``<script>`` in a title is a title, not a script.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from afus.i18n import LANGS, t
from afus.models import COUNTRIES, EVENT_KINDS, FRAMEWORKS, STATUSES

TITLE_MAX = 120
SUMMARY_MAX = 1500
LONG_TEXT_MAX = 5000
NAME_MAX = 200
SOURCE_MAX = 300
URL_MAX = 500
LINKS_MAX = 20
EMAIL_MAX = 254
SHOWN_VALUE_MAX = 40

_EMAIL = re.compile(
    r"^[^\s@<>()\[\]\\,;:\"]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$", re.UNICODE
)
# A date, or a spreadsheet's midnight timestamp of one.
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$")
# Characters that carry no visible text: a field made only of these is empty.
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}


# --- errors -----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    """One problem with one field, rendered in the interface language by :meth:`message`."""

    field: str
    key: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str) -> str:
        """The problem in ``lang``, naming the field."""
        return t(self.key, lang, label=field_label(self.field, lang), **dict(self.params))


def field_label(name: str, lang: str) -> str:
    """A field's label in ``lang``; translated fields read e.g. "Title (Swedish)"."""
    base, _, code = name.partition("_")
    if code in LANGS and f"field.{base}" in _LABELLED:
        return t("field.translated", lang, label=t(f"field.{base}", lang), language=t(f"language.{code}", lang))
    return t(f"field.{name}", lang)


_LABELLED = {
    "field.title", "field.summary", "field.name", "field.description", "field.profile",
}


def _error(name: str, key: str, **params: object) -> FieldError:
    return FieldError(name, key, tuple(params.items()))


def shown_value(value: object) -> str:
    """A bad value as quoted back in a message: one line, at most a few dozen characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN_VALUE_MAX else text[: SHOWN_VALUE_MAX - 1] + "…"


# --- field rules (pure) -----------------------------------------------------------------


def is_blank(value: str) -> bool:
    """True when ``value`` has no visible character (spaces, zero-width characters...)."""
    return all(unicodedata.category(ch) in _INVISIBLE for ch in value)


def clean_text(
    errors: list[FieldError], name: str, value: object, max_length: int, *, required: bool = False, multiline: bool = False
) -> str:
    """Text as typed minus surrounding whitespace; appends problems to ``errors``."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if is_blank(text):
        if required:
            errors.append(_error(name, "validation.required"))
        return ""
    allowed = {"\n", "\t"} if multiline else set()
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
        errors.append(_error(name, "validation.control_chars"))
    if len(text) > max_length:
        errors.append(_error(name, "validation.too_long", max=max_length, length=len(text)))
    return text


def clean_choice(errors: list[FieldError], name: str, value: object, allowed: tuple[str, ...], default: str | None = None) -> str:
    """One of ``allowed`` (``default`` when empty)."""
    text = ("" if value is None else str(value)).strip()
    if not text and default is not None:
        return default
    if text not in allowed:
        if not text:
            errors.append(_error(name, "validation.required"))
        else:
            errors.append(_error(name, "validation.bad_choice", value=shown_value(text), allowed=", ".join(allowed)))
    return text


def clean_date(errors: list[FieldError], name: str, value: object) -> dt.date | None:
    """A date from a date, a datetime or ``YYYY-MM-DD`` text; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text or text.lower() in ("nan", "nat", "none"):
        return None
    match = _ISO_DATE.match(text)
    try:
        if match is None:
            raise ValueError(text)
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        errors.append(_error(name, "validation.bad_date"))
        return None


def clean_email(errors: list[FieldError], name: str, value: object) -> str:
    """A well-formed e-mail address, or empty."""
    text = ("" if value is None else str(value)).strip()
    if not text:
        return ""
    if len(text) > EMAIL_MAX or not _EMAIL.match(text):
        errors.append(_error(name, "validation.bad_email"))
    return text


def is_web_link(url: str) -> bool:
    """True for an ``http``/``https`` URL with a host and nothing that could break out of a link."""
    if len(url) > URL_MAX or any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in url):
        return False
    if any(ch in url for ch in '<>"\'`\\'):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def clean_links(errors: list[FieldError], name: str, value: object) -> list[str]:
    """Web links, one per line (or a list); only ``http``/``https`` are accepted.

    An address written as people say it, ``www.umea.se``, gets ``https://``.
    """
    if value is None:
        items: list[str] = []
    elif isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = str(value).replace("\r", "\n").split("\n")
    links = [item.strip() for item in items if item.strip()]
    links = [f"https://{url}" if url.lower().startswith("www.") else url for url in links]
    for line, url in enumerate(links, start=1):
        if not is_web_link(url):
            errors.append(_error(name, "validation.bad_link", line=line))
    if len(links) > LINKS_MAX:
        errors.append(_error(name, "validation.too_many", max=LINKS_MAX))
    return links


def clean_slugs(value: object) -> list[str]:
    """A list of identifiers from a list or text separated by ``;``, ``,`` or ``|``; order kept, no repeats."""
    if value is None:
        items: list[str] = []
    elif isinstance(value, (list, tuple, set)):
        items = [str(v) for v in value]
    else:
        items = re.split(r"[;,|\n]", str(value))
    out: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def clean_int(errors: list[FieldError], name: str, value: object) -> int | None:
    """A whole number, or None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors.append(_error(name, "validation.bad_number"))
        return None
    try:
        number = float(value)
        if number != int(number):
            raise ValueError
        return int(number)
    except (TypeError, ValueError, OverflowError):
        errors.append(_error(name, "validation.bad_number"))
        return None


def check_period(errors: list[FieldError], start: dt.date | None, end: dt.date | None) -> None:
    """The end may not come before the start."""
    if start and end and end < start:
        errors.append(_error("end_date", "validation.end_before_start"))


def clean_translations(
    errors: list[FieldError], value: object, source_lang: str, limits: dict[str, tuple[int, bool]]
) -> dict[str, dict[str, str]]:
    """``{lang: {field: text}}`` for the languages other than the source; empty entries dropped."""
    out: dict[str, dict[str, str]] = {}
    if not isinstance(value, dict):
        return out
    for code in LANGS:
        if code == source_lang:
            continue
        entry = value.get(code) or {}
        if not isinstance(entry, dict):
            continue
        cleaned = {}
        for name, (max_length, multiline) in limits.items():
            text = clean_text(errors, f"{name}_{code}", entry.get(name), max_length, multiline=multiline)
            if text:
                cleaned[name] = text
        if cleaned:
            out[code] = cleaned
    return out


# --- the forms --------------------------------------------------------------------


@dataclass
class ProjectForm:
    """A project as typed on /manage or read from an import row (references are slugs)."""

    title: str = ""
    city: str = ""
    summary: str = ""
    lang: str = "fr"
    status: str = "ongoing"
    start_date: object = None
    end_date: object = None
    contact_name: str = ""
    contact_email: str = ""
    contact_checked: object = None
    links: object = ""
    source: str = ""
    themes: object = field(default_factory=list)
    partners: object = field(default_factory=list)
    translations: dict = field(default_factory=dict)
    slug: str = ""


@dataclass
class CityForm:
    """A member city; coordinates and population come from the gazetteer entry ``geonames_id``."""

    name: str = ""
    country: str = ""
    geonames_id: object = None
    aliases: object = ""
    lang: str = "fr"
    profile: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_checked: object = None
    member_since: str = ""
    translations: dict = field(default_factory=dict)
    slug: str = ""


@dataclass
class ThemeForm:
    """A theme, track or lens of one framework."""

    name: str = ""
    framework: str = "afus_theme"
    lang: str = "fr"
    description: str = ""
    period: str = ""
    position: object = None
    translations: dict = field(default_factory=dict)
    slug: str = ""


@dataclass
class SeeksForm:
    """The themes one city has declared it wants to learn about."""

    city: str = ""
    themes: object = field(default_factory=list)
    note: str = ""


@dataclass
class EventForm:
    """A seminar, webinar, bilateral meeting or other network event."""

    title: str = ""
    kind: str = "webinar"
    lang: str = "fr"
    start_date: object = None
    end_date: object = None
    host: str = ""
    location: str = ""
    description: str = ""
    programme: str = ""
    outcomes: str = ""
    source: str = ""
    cities: object = field(default_factory=list)
    themes: object = field(default_factory=list)
    translations: dict = field(default_factory=dict)
    slug: str = ""


Cleaned = dict[str, object]


def validate_project(form: ProjectForm) -> tuple[Cleaned, list[FieldError]]:
    """Clean a project form; return the values (model columns plus ``city``, ``themes``, ``partners`` slugs) and the problems."""
    errors: list[FieldError] = []
    lang = clean_choice(errors, "lang", form.lang, LANGS, "fr")
    values: Cleaned = {
        "slug": (form.slug or "").strip(),
        "city": clean_text(errors, "city", form.city, 80, required=True),
        "title": clean_text(errors, "title", form.title, TITLE_MAX, required=True),
        "lang": lang,
        "summary": clean_text(errors, "summary", form.summary, SUMMARY_MAX, multiline=True),
        "status": clean_choice(errors, "status", form.status, STATUSES, "ongoing"),
        "start_date": clean_date(errors, "start_date", form.start_date),
        "end_date": clean_date(errors, "end_date", form.end_date),
        "contact_name": clean_text(errors, "contact_name", form.contact_name, NAME_MAX),
        "contact_email": clean_email(errors, "contact_email", form.contact_email),
        "contact_checked": clean_date(errors, "contact_checked", form.contact_checked),
        "links": clean_links(errors, "links", form.links),
        "source": clean_text(errors, "source", form.source, SOURCE_MAX),
        "themes": clean_slugs(form.themes),
        "partners": clean_slugs(form.partners),
        "translations": clean_translations(
            errors, form.translations, lang, {"title": (TITLE_MAX, False), "summary": (SUMMARY_MAX, True)}
        ),
    }
    check_period(errors, values["start_date"], values["end_date"])
    return values, errors


def validate_city(form: CityForm) -> tuple[Cleaned, list[FieldError]]:
    """Clean a city form (the gazetteer check needs the package data and is done by the caller)."""
    errors: list[FieldError] = []
    lang = clean_choice(errors, "lang", form.lang, LANGS, "fr")
    country = ("" if form.country is None else str(form.country)).strip().upper()
    if country:
        country = clean_choice(errors, "country", country, COUNTRIES)
    aliases = form.aliases if isinstance(form.aliases, (list, tuple)) else str(form.aliases or "").split("|")
    values: Cleaned = {
        "slug": (form.slug or "").strip(),
        "name": clean_text(errors, "name", form.name, TITLE_MAX, required=True),
        "country": country,
        "geonames_id": clean_int(errors, "geonames_id", form.geonames_id),
        "aliases": clean_text(errors, "aliases", "|".join(a.strip() for a in aliases if str(a).strip()), 500),
        "lang": lang,
        "profile": clean_text(errors, "profile", form.profile, LONG_TEXT_MAX, multiline=True),
        "contact_name": clean_text(errors, "contact_name", form.contact_name, NAME_MAX),
        "contact_email": clean_email(errors, "contact_email", form.contact_email),
        "contact_checked": clean_date(errors, "contact_checked", form.contact_checked),
        "member_since": clean_text(errors, "member_since", form.member_since, 20),
        "translations": clean_translations(errors, form.translations, lang, {"profile": (LONG_TEXT_MAX, True)}),
    }
    return values, errors


def validate_theme(form: ThemeForm) -> tuple[Cleaned, list[FieldError]]:
    """Clean a theme form."""
    errors: list[FieldError] = []
    lang = clean_choice(errors, "lang", form.lang, LANGS, "fr")
    values: Cleaned = {
        "slug": (form.slug or "").strip(),
        "name": clean_text(errors, "name", form.name, 300, required=True),
        "framework": clean_choice(errors, "framework", form.framework, FRAMEWORKS),
        "lang": lang,
        "description": clean_text(errors, "description", form.description, LONG_TEXT_MAX, multiline=True),
        "period": clean_text(errors, "period", form.period, 40),
        "position": clean_int(errors, "position", form.position),
        "translations": clean_translations(
            errors, form.translations, lang, {"name": (300, False), "description": (LONG_TEXT_MAX, True)}
        ),
    }
    return values, errors


def validate_seeks(form: SeeksForm) -> tuple[Cleaned, list[FieldError]]:
    """Clean a city's list of sought themes."""
    errors: list[FieldError] = []
    values: Cleaned = {
        "city": clean_text(errors, "city", form.city, 80, required=True),
        "themes": clean_slugs(form.themes),
        "note": clean_text(errors, "note", form.note, SUMMARY_MAX, multiline=True),
    }
    return values, errors


def validate_event(form: EventForm) -> tuple[Cleaned, list[FieldError]]:
    """Clean an event form."""
    errors: list[FieldError] = []
    lang = clean_choice(errors, "lang", form.lang, LANGS, "fr")
    values: Cleaned = {
        "slug": (form.slug or "").strip(),
        "title": clean_text(errors, "title", form.title, 200, required=True),
        "kind": clean_choice(errors, "kind", form.kind, EVENT_KINDS),
        "lang": lang,
        "start_date": clean_date(errors, "start_date", form.start_date),
        "end_date": clean_date(errors, "end_date", form.end_date),
        "host": (form.host or "").strip(),
        "location": clean_text(errors, "location", form.location, 200),
        "description": clean_text(errors, "description", form.description, LONG_TEXT_MAX, multiline=True),
        "programme": clean_text(errors, "programme", form.programme, LONG_TEXT_MAX, multiline=True),
        "outcomes": clean_text(errors, "outcomes", form.outcomes, LONG_TEXT_MAX, multiline=True),
        "source": clean_text(errors, "source", form.source, SOURCE_MAX),
        "cities": clean_slugs(form.cities),
        "themes": clean_slugs(form.themes),
        "translations": clean_translations(
            errors, form.translations, lang, {"title": (200, False), "description": (LONG_TEXT_MAX, True)}
        ),
    }
    check_period(errors, values["start_date"], values["end_date"])
    return values, errors
