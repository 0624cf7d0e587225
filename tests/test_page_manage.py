"""/manage through Streamlit's AppTest: sign-in, create, validation messages, conflict merge, archive/restore, accounts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from afus import auth, editing
from afus.i18n import t
from afus.models import Project, User
from tests.apptest import all_text, as_read, run_page, tables

PASSWORD = "correct horse battery"
OP = auth.Operator("tests")
NEW = "manage_project_new_0"


@pytest.fixture
def accounts(engine):
    auth.add_user(engine, "coord", "coordinator", PASSWORD, by=OP)
    auth.add_user(engine, "boss", "admin", PASSWORD, by=OP)
    return engine


def _signed_in_page(engine, name: str = "coord", lang: str = "en", **params):
    """/manage run on its own (AppTest loses sidebar widgets of an st.navigation app after its first run)."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import ROOT

    at = AppTest.from_file(str(ROOT / "pages" / "manage.py"), default_timeout=30)
    at.session_state["lang"] = lang
    at.session_state["auth_user"] = auth.sign_in(engine, name, PASSWORD)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def _frame(at, *columns: str):
    """The first table showing all of ``columns`` (AppTest does not expose a table's key)."""
    return next(frame for frame in tables(at) if set(columns) <= set(frame.columns))


def _texts(elements) -> list[str]:
    return [as_read(e.value) for e in elements]


def _project(engine, title: str) -> Project | None:
    with Session(engine) as s:
        return s.scalars(select(Project).where(Project.title == title)).one_or_none()


def test_anonymous_visitors_can_export_but_see_no_editing(engine):
    at = run_page("pages/manage.py", lang="fr")
    assert not at.exception
    text = all_text(at)
    assert "Les coordinateurs et coordinatrices se connectent ici" in text
    assert [b.label for b in at.get("download_button")] == ["Fichiers CSV (zip)", "Classeur Excel", "JSON"]
    assert not [r for r in at.radio if r.key == "manage_section"]
    assert not [t for t in at.text_input if t.key and t.key.startswith("manage_project")]


def _first_run(engine, lang: str = "en", **state):
    # AppTest shows the sidebar of an st.navigation app on its first run only (widgets there do not
    # survive a rerun in AppTest), so the sidebar is checked on a first run with the state prepared.
    from streamlit.testing.v1 import AppTest

    from tests.apptest import ROOT

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception
    return at


def test_manage_offers_sign_in_in_the_users_language_and_refuses_a_wrong_password(accounts):
    at = run_page("pages/manage.py", lang="sv")
    assert at.text_input(key="auth_name").label == "Användarnamn"
    assert at.text_input(key="auth_password").label == "Lösenord"
    assert "Samordnare loggar in här" in all_text(at)
    at.text_input(key="auth_name").input("coord")
    at.text_input(key="auth_password").input("fel lösenord")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Fel användarnamn eller lösenord\\."]
    assert "auth_user" not in at.session_state
    at.run()  # the page again, as when coming back to it: the old refusal is gone
    assert not at.error and at.text_input(key="auth_name").value == "coord"
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert at.session_state["auth_user"].name == "coord"
    assert not at.error and at.radio(key="manage_section") is not None  # the workspace opens


def test_other_pages_have_no_sign_in_form(accounts):
    at = _first_run(accounts, "fr")
    assert not at.sidebar.text_input and not at.text_input
    assert not at.sidebar.button


def test_sidebar_shows_who_is_signed_in(accounts):
    at = _first_run(accounts, auth_user=auth.sign_in(accounts, "coord", PASSWORD))
    assert "Signed in as coord \\(coordinator\\)" in [c.value for c in at.sidebar.caption]
    assert at.sidebar.button(key="auth_sign_out").label == "Sign out"


def test_sidebar_ends_a_session_whose_account_was_disabled(accounts):
    signed = auth.sign_in(accounts, "coord", PASSWORD)
    auth.set_disabled(accounts, "coord", True, by=OP)
    at = _first_run(accounts, "fr", auth_user=signed)
    assert "auth_user" not in at.session_state
    assert [w.value for w in at.sidebar.warning] == ["Votre compte a été désactivé ; votre session est terminée."]
    assert not at.sidebar.button  # signed out: no sign-out button any more


def test_create_a_project_with_accents_and_markup_kept_as_text(accounts):
    at = _signed_in_page(accounts)
    title = "Fête du vélo <script>alert(1)</script> à Umeå 🚲"
    at.text_input(key=f"{NEW}_title").input(title)
    at.selectbox(key=f"{NEW}_city").set_value("umea")
    at.multiselect(key=f"{NEW}_themes").set_value(["innovation"])
    at.text_input(key=f"{NEW}_cemail").input("anna@umea.se")
    at.button(key=f"{NEW}_save").click().run()
    assert not at.exception
    assert "Created." in _texts(at.success)
    stored = _project(accounts, title)
    assert stored is not None and stored.contact_email == "anna@umea.se"
    # The new project is now open for editing, at version 1.
    assert "Editing version 1." in as_read(all_text(at))
    assert all("<script>" not in m.value or "\\<script\\>" in m.value for m in at.markdown)


def test_validation_messages_per_field_and_nothing_written(accounts):
    at = _signed_in_page(accounts, lang="fr")
    at.text_input(key=f"{NEW}_title").input("   ")
    at.text_input(key=f"{NEW}_cemail").input("pas-un-courriel")
    at.text_area(key=f"{NEW}_links").input("javascript:alert(1)")
    at.date_input(key=f"{NEW}_start").set_value(dt.date(2025, 5, 1))
    at.date_input(key=f"{NEW}_end").set_value(dt.date(2024, 5, 1))
    with Session(accounts) as s:
        before = len(s.scalars(select(Project.id)).all())
    at.button(key=f"{NEW}_save").click().run()
    assert not at.exception
    errors = "\n".join(_texts(at.error))
    for message in (
        "Le champ « Titre » est obligatoire.",
        "Le champ « Ville » est obligatoire.",
        "Le champ « Courriel du contact » n'est pas une adresse électronique valide.",
        "Liens, ligne 1 : seuls les liens web commençant par http:// ou https:// sont acceptés.",
        "La date de fin ne peut pas précéder la date de début.",
    ):
        assert f"- {message}" in errors
    with Session(accounts) as s:
        assert len(s.scalars(select(Project.id)).all()) == before


def _open_grille(at):
    pid = _project_id(at)
    at.selectbox(key="manage_pick_project").set_value(pid).run()
    assert not at.exception
    return pid


def _project_id(at) -> int:
    from afus import db

    with Session(db.get_engine()) as s:
        return s.scalar(select(Project.id).where(Project.slug == "saint-brieuc-place-de-la-grille"))


def test_conflict_shows_both_versions_and_merges_per_field(accounts):
    at = _signed_in_page(accounts)
    pid = _open_grille(at)
    prefix = f"manage_project_{pid}_1"
    # A colleague saves in between.
    seen = editing.load_item(accounts, "project", pid)
    theirs = editing.form_from_snapshot("project", seen)
    theirs.summary = "Résumé de la collègue."
    theirs.contact_name = "Claire"
    editing.save_project(accounts, OP, theirs, item_id=pid, seen_version=1)

    at.text_area(key=f"{prefix}_summary").input("Mon résumé.")
    at.selectbox(key=f"{prefix}_status").set_value("completed")
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception
    text = all_text(at)
    assert "Someone else saved this item after you opened it" in text
    assert "Saved in between by tests (" in as_read(text)  # who, and when
    assert editing.load_item(accounts, "project", pid)["summary"] == "Résumé de la collègue."  # nothing overwritten
    # The refused form is put away while the conflict is open: its save would only be refused again.
    assert not [b for b in at.button if b.key == f"{prefix}_save"]
    table = _frame(at, "Field", "Your version", "Saved version")
    assert list(table.columns) == ["Field", "Changed by", "Your version", "Saved version"]
    rows = {r["Field"]: (r["Changed by"], r["Your version"], r["Saved version"]) for r in table.to_dict("records")}
    assert rows["Summary"] == ("Both of you", "Mon résumé.", "Résumé de la collègue.")
    assert rows["Contact name"] == ("Your colleague", "", "Claire")
    assert rows["Status"] == ("You", "completed", "ongoing")
    # By default each side keeps what it changed: the colleague's contact is not undone by an untouched field.
    assert at.radio(key="manage_merge_project_2_contact_name").value == "theirs"
    assert at.radio(key="manage_merge_project_2_summary").value == "mine"
    assert at.radio(key="manage_merge_project_2_status").value == "mine"
    # Both wrote in the summary: both texts can be kept, the saved one first.
    assert at.radio(key="manage_merge_project_2_summary").options == ["Keep mine", "Take the saved one", "Keep both (saved text first)"]
    at.radio(key="manage_merge_project_2_summary").set_value("both")
    at.button(key="manage_merge_save_project").click().run()
    assert not at.exception
    stored = editing.load_item(accounts, "project", pid)
    assert (stored["summary"], stored["status"], stored["contact_name"], stored["version"]) == (
        "Résumé de la collègue.\n\nMon résumé.", "completed", "Claire", 3
    )
    assert "Saved." in _texts(at.success)


def test_archive_and_restore_from_the_page(accounts):
    at = _signed_in_page(accounts)
    pid = _open_grille(at)
    at.button(key=f"manage_archive_project_{pid}_1").click().run()
    assert editing.load_item(accounts, "project", pid)["archived"] is True
    assert "Archived. It can be restored at any time." in _texts(at.success)
    at.button(key=f"manage_archive_project_{pid}_2").click().run()
    assert editing.load_item(accounts, "project", pid)["archived"] is False
    history = [c.action for c in __import__("afus.history", fromlist=["x"]).item_history(accounts, "project", pid)]
    assert history == ["restore", "archive"]


@pytest.mark.parametrize("how", ["expired", "disabled", "password"])
def test_an_ended_session_cannot_write_whatever_the_page_showed(accounts, how):
    at = _signed_in_page(accounts)
    if how == "expired":
        user = at.session_state["auth_user"]
        at.session_state["auth_user"] = dataclasses.replace(user, last_seen=user.last_seen - dt.timedelta(hours=2))
        expected = "Your session ended after a period of inactivity. Sign in again; nothing was saved."
    elif how == "disabled":
        auth.set_disabled(accounts, "coord", True, by=OP)
        expected = "Your account has been disabled; your session has ended."
    else:
        auth.set_password(accounts, "coord", "a brand new password", by=OP)
        expected = "The password of your account was changed; sign in again."
    at.text_input(key=f"{NEW}_title").input("Ne doit pas être écrit")
    at.selectbox(key=f"{NEW}_city").set_value("paris")
    at.button(key=f"{NEW}_save").click().run()
    assert not at.exception
    assert expected in _texts(at.error)
    assert _project(accounts, "Ne doit pas être écrit") is None
    assert "auth_user" not in at.session_state  # signed out in this browser session too


def test_admins_manage_accounts_coordinators_do_not_see_them(accounts):
    at = _signed_in_page(accounts)
    assert "Accounts" not in at.radio(key="manage_section").options
    at = _signed_in_page(accounts, "boss", section="accounts")
    assert at.radio(key="manage_section").value == "accounts"
    assert [table.proto.alt for table in at.dataframe] == ["Accounts"]  # the table's name for a screen reader
    at.text_input(key="manage_account_name").input("nouvelle")
    at.text_input(key="manage_account_password").input("un mot de passe long")
    next(b for b in at.button if b.label == "Add an account").click().run()
    assert not at.exception
    assert "Account nouvelle added." in _texts(at.success)
    with Session(accounts) as s:
        assert s.scalar(select(User.role).where(User.name == "nouvelle")) == "coordinator"


def test_every_section_renders_in_every_language(accounts):
    for lang in ("en", "fr", "sv"):
        at = _signed_in_page(accounts, "boss", lang=lang)
        for section in ("project", "city", "theme", "seeks", "event", "import", "export", "history", "accounts"):
            at.session_state["manage_section"] = section  # (set_value would format with the test's language)
            at.run()
            assert not at.exception, (lang, section)
            assert not at.error, (lang, section, [e.value for e in at.error])
            # An empty box of choices says so in the interface language, not in Streamlit's English ("Choose options").
            placeholders = {box.proto.placeholder for box in at.multiselect}
            assert placeholders <= {t("common.choose_many", lang)}, (lang, section, placeholders)


def test_history_section_lists_changes_and_stale_contacts(accounts):
    form = editing.form_from_snapshot("project", editing.load_item(accounts, "project", 1))
    form.contact_name = "Per"
    form.contact_checked = dt.date(2020, 1, 1)
    editing.save_project(accounts, OP, form, item_id=1, seen_version=1)
    at = _signed_in_page(accounts, section="history")
    changes = _frame(at, "Item", "After")
    assert "Per" in set(changes["After"])
    stale = _frame(at, "Contact name", "Contact last checked")
    assert list(stale["Contact name"]) == ["Per"]
    # Each table is named for a screen reader as its heading reads.
    headings = [h.value for h in at.subheader]
    names = [table.proto.alt for table in at.dataframe]
    assert names and all(name in headings for name in names), (names, headings)
    assert "Contacts not checked for over a year (1)" in names
    # A contact without an address is an empty cell, not the grid's English "None".
    assert all(table.proto.HasField("placeholder") and table.proto.placeholder == "" for table in at.dataframe)


def test_overview_lists_changes_since_a_date_and_contacts_to_check(accounts):
    form = editing.form_from_snapshot("project", editing.load_item(accounts, "project", 1))
    form.contact_name = "Per <b>Persson</b>"
    form.contact_checked = "2020-01-02"
    editing.save_project(accounts, OP, form, item_id=1, seen_version=1)
    at = run_page("pages/overview.py", lang="fr")
    assert not at.exception
    text = as_read(all_text(at))
    assert "Garder le contenu à jour" in text
    assert "Contacts non vérifiés depuis plus d'un an (1)" in text
    changes = _frame(at, "Élément", "Quoi")
    assert list(changes["Quoi"]) == ["modification"]
    contacts = _frame(at, "Nom du contact")
    assert list(contacts["Nom du contact"]) == ["Per <b>Persson</b>"]  # a table cell: shown as text
    assert list(contacts["Contact vérifié le"]) == ["2 janvier 2020"]


def test_text_typed_when_the_session_ends_comes_back_after_signing_in_again(accounts):
    at = _signed_in_page(accounts)
    user = at.session_state["auth_user"]
    at.session_state["auth_user"] = dataclasses.replace(user, last_seen=user.last_seen - dt.timedelta(hours=2))
    at.text_input(key=f"{NEW}_title").input("Typed over half an hour")
    at.selectbox(key=f"{NEW}_city").set_value("paris")
    at.text_area(key=f"{NEW}_summary").input("A long summary that must not be lost.")
    at.button(key=f"{NEW}_save").click().run()
    assert "Your session ended after a period of inactivity. Sign in again; nothing was saved." in _texts(at.error)
    at.run()  # the next rerun: the sign-in form, no edit form any more
    assert "What you had typed is kept in this browser tab" in all_text(at)
    at.text_input(key="auth_name").input("coord")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()  # the sign-in form's button
    assert not at.exception
    assert "is back in the form below: check it, then save." in all_text(at)
    assert at.text_input(key=f"{NEW}_title").value == "Typed over half an hour"
    assert at.text_area(key=f"{NEW}_summary").value == "A long summary that must not be lost."
    at.button(key=f"{NEW}_save").click().run()
    assert _project(accounts, "Typed over half an hour").summary == "A long summary that must not be lost."


def _idle(at) -> None:
    """The session ends on its own: idle for two hours, then a save."""
    user = at.session_state["auth_user"]
    at.session_state["auth_user"] = dataclasses.replace(user, last_seen=user.last_seen - dt.timedelta(hours=2))
    at.button(key=f"{NEW}_save").click().run()


def _sign_out(at) -> None:
    del at.session_state["auth_user"]  # as the sidebar's button does


@pytest.mark.parametrize("end", [_idle, _sign_out], ids=["idle", "signed-out"])
def test_typed_text_is_only_given_back_to_the_same_person(accounts, end):
    at = _signed_in_page(accounts)
    at.text_input(key=f"{NEW}_title").input("Private draft")
    end(at)
    at.run()
    at.text_input(key="auth_name").input("boss")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert at.session_state["auth_user"].name == "boss"
    assert at.text_input(key=f"{NEW}_title").value == ""


def test_typed_text_stays_through_a_switch_of_section_or_item(accounts):
    at = _signed_in_page(accounts)
    at.text_input(key=f"{NEW}_title").input("Half-written project")
    at.text_area(key=f"{NEW}_summary").input("Two paragraphs typed before looking something up.")
    at.multiselect(key=f"{NEW}_themes").set_value(["innovation"])
    at.radio(key="manage_section").set_value("theme").run()
    assert not [t for t in at.text_input if t.key == f"{NEW}_title"]  # another section shows
    at.radio(key="manage_section").set_value("project").run()
    assert at.text_input(key=f"{NEW}_title").value == "Half-written project"
    assert at.text_area(key=f"{NEW}_summary").value == "Two paragraphs typed before looking something up."
    assert at.multiselect(key=f"{NEW}_themes").value == ["innovation"]
    # An item being edited: another item opened in between, then this one again.
    pid = _open_grille(at)
    prefix = f"manage_project_{pid}_1"
    at.text_area(key=f"{prefix}_summary").input("An edit not saved yet.")
    at.selectbox(key="manage_pick_project").set_value(0).run()
    assert at.text_input(key=f"{NEW}_title").value == "Half-written project"
    at.selectbox(key="manage_pick_project").set_value(pid).run()
    assert at.text_area(key=f"{prefix}_summary").value == "An edit not saved yet."
    at.button(key=f"{prefix}_save").click().run()
    assert editing.load_item(accounts, "project", pid)["summary"] == "An edit not saved yet."
    assert f"{prefix}_summary" not in at.session_state  # saved: the draft is gone, version 2 is edited
    assert at.text_area(key=f"manage_project_{pid}_2_summary").value == "An edit not saved yet."
    assert not at.exception


def test_a_new_citys_chosen_place_stays_through_a_switch_of_section(accounts):
    at = _signed_in_page(accounts)
    at.radio(key="manage_section").set_value("city").run()
    new_city = "manage_city_new_0"
    at.text_input(key=f"{new_city}_name").input("Villeneuve")
    at.selectbox(key=f"{new_city}_country").set_value("FR").run()
    places = at.radio(key=f"{new_city}_place")
    assert len(places.options) == 4  # four French towns of that name in the gazetteer
    places.set_value(places.options[1]).run()
    at.radio(key="manage_section").set_value("theme").run()
    at.radio(key="manage_section").set_value("city").run()
    assert at.radio(key=f"{new_city}_place").value.name == "Villeneuve-sur-Lot"
    at.text_input(key=f"{new_city}_name").input("Lyon").run()  # another name: its own place
    assert at.radio(key=f"{new_city}_place").value.name == "Lyon"
    assert not at.exception


def test_theme_choices_are_named_in_the_interface_language(accounts):
    at = _signed_in_page(accounts, lang="sv")
    options = at.multiselect(key=f"{NEW}_themes").options
    assert any(o.startswith("Miljömässigt (") for o in options), options  # the French source says "Environnemental"
    assert not any(o.startswith("Environnemental") for o in options)
