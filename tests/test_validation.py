"""Bad input, table-driven, through the very function /manage calls: exact messages, nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from afus import auth, db, editing
from afus.models import AuditEntry, Project
from afus.validation import ProjectForm, clean_links, is_web_link

PASSWORD = "correct horse battery"


@pytest.fixture
def coordinator(engine):
    auth.add_user(engine, "coord", "coordinator", PASSWORD, by=auth.Operator("tests"))
    return auth.sign_in(engine, "coord", PASSWORD)


def _state(engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        projects = s.scalar(select(func.count()).select_from(Project))
        audit = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.kind == "project"))
    return projects, audit, db.data_version(engine)


def _form(**overrides) -> ProjectForm:
    values = {"title": "Un projet neuf", "city": "malmo", "summary": "Résumé.", "lang": "fr"}
    return ProjectForm(**(values | overrides))


LINK_ERROR = "Links, line {n}: only web links starting with http:// or https:// are accepted."
BAD_INPUTS = [
    ("empty title", {"title": ""}, "en", ["Title is required."]),
    ("whitespace title", {"title": "   \t\n  "}, "en", ["Title is required."]),
    ("zero-width and direction marks only", {"title": "\u200b\u200f\u2066\u2069"}, "en", ["Title is required."]),
    ("10,000-character title", {"title": "é" * 10_000}, "en", ["Title may have at most 120 characters (it has 10000)."]),
    ("10,000-character summary", {"summary": "s" * 10_000}, "en", ["Summary may have at most 1500 characters (it has 10000)."]),
    ("line break in title", {"title": "two\nlines"}, "en", ["Title contains line breaks or invisible control characters."]),
    ("NUL in title", {"title": "nul\x00byte"}, "en", ["Title contains line breaks or invisible control characters."]),
    ("javascript: link", {"links": "javascript:alert(1)"}, "en", [LINK_ERROR.format(n=1)]),
    ("data: link", {"links": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="}, "en", [LINK_ERROR.format(n=1)]),
    ("markdown javascript link", {"links": "[x](javascript:alert(1))"}, "en", [LINK_ERROR.format(n=1)]),
    ("malformed second link", {"links": "https://malmo.se/\nhttp//broken"}, "en", [LINK_ERROR.format(n=2)]),
    ("link with a space", {"links": "https://exa mple.org/"}, "en", [LINK_ERROR.format(n=1)]),
    ("link with a quote", {"links": 'https://example.org/"onmouseover=alert(1)'}, "en", [LINK_ERROR.format(n=1)]),
    ("ftp link", {"links": "ftp://example.org/file"}, "en", [LINK_ERROR.format(n=1)]),
    ("e-mail without @", {"contact_email": "not-an-email"}, "en", ["Contact e-mail is not a valid e-mail address."]),
    ("e-mail without domain", {"contact_email": "anna@"}, "en", ["Contact e-mail is not a valid e-mail address."]),
    ("e-mail without dot", {"contact_email": "anna@localhost"}, "en", ["Contact e-mail is not a valid e-mail address."]),
    ("e-mail with markup", {"contact_email": "<script>@malmo.se"}, "en", ["Contact e-mail is not a valid e-mail address."]),
    ("dates reversed", {"start_date": "2024-05-01", "end_date": "2023-05-01"}, "en", ["The end date cannot be before the start date."]),
    ("date in another format", {"start_date": "31/12/2020"}, "en", ["Start date is not a date (write it as YYYY-MM-DD)."]),
    ("impossible date", {"end_date": "2023-02-30"}, "en", ["End date is not a date (write it as YYYY-MM-DD)."]),
    (
        "duplicate title in the city",
        {"city": "saint-brieuc", "title": "Expérimentation place de la Grille"},
        "en",
        ["Saint-Brieuc already has a project with this title."],
    ),
    (
        "duplicate title, other case and no accents",
        {"city": "saint-brieuc", "title": "  EXPERIMENTATION place de la grille "},
        "en",
        ["Saint-Brieuc already has a project with this title."],
    ),
    ("unknown city", {"city": "atlantis"}, "en", ["City: “atlantis” is not known."]),
    ("unknown theme", {"themes": ["no-such-theme"]}, "en", ["Themes: “no-such-theme” is not known."]),
    ("unknown status", {"status": "<b>done</b>"}, "en", ["Status: “<b>done</b>” is not one of planned, ongoing, completed."]),
    ("translated title too long", {"translations": {"sv": {"title": "x" * 121}}}, "en", ["Title (Swedish) may have at most 120 characters (it has 121)."]),
    ("French messages", {"title": " ", "contact_email": "x@"}, "fr", [
        "Le champ « Titre » est obligatoire.",
        "Le champ « Courriel du contact » n'est pas une adresse électronique valide.",
    ]),
    ("Swedish messages", {"start_date": "2024-05-01", "end_date": "2023-05-01", "links": "data:,x"}, "sv", [
        "Länkar, rad 1: endast webblänkar som börjar med http:// eller https:// godtas.",
        "Slutdatumet kan inte ligga före startdatumet.",
    ]),
]


@pytest.mark.parametrize(("case", "overrides", "lang", "expected"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_refused_with_the_exact_message_and_nothing_written(engine, coordinator, case, overrides, lang, expected):
    before = _state(engine)
    with pytest.raises(editing.Invalid) as refused:
        editing.save_project(engine, coordinator, _form(**overrides))
    assert refused.value.messages(lang) == expected
    assert _state(engine) == before


KEPT_AS_TYPED = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[y](data:text/html;base64,PHNjcmlwdD4=)",
    "Umeå cœur 🚲♻️ à vélo",
    "مشروع الحي المستدام",
    "Noll\u200bbredd och \u202eomvänd",
]


@pytest.mark.parametrize("title", KEPT_AS_TYPED)
def test_unusual_text_is_stored_exactly_as_typed(engine, coordinator, title):
    projects, audit, version = _state(engine)
    saved = editing.save_project(engine, coordinator, _form(title=f"  {title} ", summary=title))
    stored = editing.load_item(engine, "project", saved.id)
    assert (stored["title"], stored["summary"]) == (title, title)
    assert _state(engine) == (projects + 1, audit + 1, version + 1)


def test_an_address_written_as_people_say_it_gets_https():
    errors = []
    assert clean_links(errors, "links", "www.umea.se\nWWW.Malmo.se/x\nhttps://paris.fr") == [
        "https://www.umea.se", "https://WWW.Malmo.se/x", "https://paris.fr"
    ]
    assert errors == []
    clean_links(errors, "links", "umea.se")  # not recognisably a web address: still refused
    assert [e.key for e in errors] == ["validation.bad_link"]


def test_web_links_accepted():
    assert is_web_link("https://www.malmo.se/hallbarhet?x=1#y")
    assert is_web_link("http://saint-brieuc.fr")
    assert not is_web_link("https://")
    assert not is_web_link("JaVaScRiPt:alert(1)")
    assert not is_web_link("//evil.example")
