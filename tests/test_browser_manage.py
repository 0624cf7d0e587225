"""The coordinator's journey in headless Chromium: sign in, add, see it inert on /projects, conflict, archive, import."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from afus.text import slugify
from tests.browser_support import (
    choose,
    goto,
    main_text,
    new_context,
    start_from_top,
    tab_to,
    wait_for_app,
    widget,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PASSWORD = "journey password 1"
TITLE = "Fête de l'été à Umeå <script>alert('xss')</script> <img src=x onerror=alert(2)>"
SLUG = slugify(f"umea-{TITLE}", 160)


@pytest.fixture(scope="module")
def server(private_app_server):  # noqa: ANN001, ANN201
    """The test server's store with two coordinators, made with the command line as an operator would."""
    for name, role in (("claire", "admin"), ("sven", "coordinator")):
        env = {**os.environ, "AFUS_DATABASE_URL": private_app_server.database_url, "AFUS_PASSWORD": PASSWORD}
        done = subprocess.run(
            [sys.executable, "-m", "afus", "user", "add", name, "--role", role],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr
    return private_app_server


def watch_dialogs(page) -> list[str]:  # noqa: ANN001
    """Every alert/confirm the page tries to open (an executed injection would open one)."""
    opened: list[str] = []

    def _dialog(dialog) -> None:  # noqa: ANN001
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", _dialog)
    return opened


def sidebar(page):  # noqa: ANN001, ANN201
    return page.locator("[data-testid='stSidebar']")


def sign_in(page, name: str, password: str) -> None:  # noqa: ANN001
    """Sign in with the form on /manage (the page shown)."""
    widget(page, "auth_name").locator("input").fill(name)
    widget(page, "auth_password").locator("input").fill(password)
    page.locator("[data-testid='stMain']").get_by_role("button", name="Sign in").click()
    wait_for_app(page)


def click(page, name: str) -> None:  # noqa: ANN001
    page.locator("[data-testid='stMain']").get_by_role("button", name=name, exact=True).click()
    wait_for_app(page)


def see(page, text: str) -> None:  # noqa: ANN001
    """Wait until the main area shows ``text`` (a save reruns the script twice: the write, then the fresh view)."""
    expect(page.locator("[data-testid='stMain']")).to_contain_text(text, timeout=30_000)


def healthy(page) -> None:  # noqa: ANN001
    assert page.locator("[data-testid='stException']").count() == 0, main_text(page)[:2000]
    assert page.page_errors == []
    assert page.blocked_requests == []


def fill_text(page, key: str, value: str) -> None:  # noqa: ANN001
    box = widget(page, key).locator("textarea, input").first
    box.fill(value)
    box.press("Tab")


def injected_anything(page) -> bool:  # noqa: ANN001
    """Whether the title's markup became live DOM (a script element with its code, or the <img>)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('script')].some(s => s.textContent.includes(\"alert('xss')\"))"
        " || document.querySelectorAll('img[src=\"x\"]').length > 0"
    )


def test_coordinator_journey(server, page, browser, tmp_path) -> None:  # noqa: ANN001
    # A page load starts a new Streamlit session (signed out), so the coordinator stays in this
    # tab and a reader's tab beside it looks at /projects.
    dialogs = watch_dialogs(page)
    goto(page, server, "/")  # (a fresh server's very first visit goes to / in this test; see test_browser_journey)
    goto(page, server, "/manage")
    see(page, "Coordinators sign in here")
    assert not sidebar(page).get_by_role("textbox").count()  # the sidebar has no sign-in form, on any page
    reader = page.context.new_page()
    reader_dialogs = watch_dialogs(reader)

    # Sign in: a wrong password first, then the right one.
    sign_in(page, "claire", "not the password")
    expect(page.locator("[data-testid='stMain']")).to_contain_text("Name or password is wrong.")
    sign_in(page, "claire", PASSWORD)
    expect(sidebar(page)).to_contain_text("Signed in as claire (admin)")

    # Add a project whose title carries accents and injection strings.
    fill_text(page, "manage_project_new_0_title", TITLE)
    choose(page, "manage_project_new_0_city", "Umeå")
    click(page, "Create")
    see(page, "Created.")
    see(page, "Editing version 1.")  # the new project stays open for editing
    healthy(page)

    # /projects shows the title as text, and nothing ran.
    goto(reader, server, "/projects", project=SLUG)
    see(reader, TITLE)
    assert not injected_anything(reader)
    assert not injected_anything(page)

    # A second coordinator, in another browser, saves the same project first.
    other = new_context(browser, viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        page_b = other.new_page()
        goto(page_b, server, "/manage")
        sign_in(page_b, "sven", PASSWORD)
        expect(sidebar(page_b)).to_contain_text("Signed in as sven")
        choose(page_b, "manage_pick_project", f"{TITLE} — Umeå")
        summary_b = page_b.locator("[data-testid='stMain']").get_by_role("textbox", name="Summary", exact=True)
        summary_b.fill("Résumé de Sven.")
        summary_b.press("Tab")
        click(page_b, "Save changes")
        see(page_b, "Saved.")
    finally:
        other.close()

    # The first coordinator's save is refused with both versions; they merge.
    summary_a = page.locator("[data-testid='stMain']").get_by_role("textbox", name="Summary", exact=True)
    summary_a.fill("Résumé de Claire.")
    summary_a.press("Tab")
    click(page, "Save changes")
    see(page, "Someone else saved this item after you opened it")
    see(page, "You opened version 1; the saved version is now 2.")
    assert page.locator(".st-key-manage_conflict_box_project [data-testid='stTable']").count() == 1  # long texts wrap in full
    see(page, "Saved in between by sven")
    click(page, "Save the merged version")
    see(page, "Saved.")
    see(page, "Editing version 3.")

    # Archive (gone from /projects), then restore (back).
    click(page, "Archive")
    see(page, "Archived. It can be restored at any time.")
    goto(reader, server, "/projects", project=SLUG)
    expect(reader.locator("[data-testid='stMain']")).not_to_contain_text(TITLE)
    click(page, "Restore")
    see(page, "Restored.")
    goto(reader, server, "/projects", project=SLUG)
    see(reader, TITLE)
    see(reader, "Résumé de Claire.")

    # Import a spreadsheet with one bad row: the row message, and nothing imported.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "projects"
    sheet.append(["title", "city", "summary"])
    sheet.append(["Atelier vélo importé", "grenoble", "Réparer ensemble"])
    sheet.append(["", "grenoble", "Sans titre"])
    path = tmp_path / "from-grenoble.xlsx"
    workbook.save(path)
    widget(page, "manage_section").get_by_text("Import", exact=True).click()
    wait_for_app(page)
    widget(page, "manage_upload").locator("input[type='file']").set_input_files(str(path))
    wait_for_app(page)
    see(page, "projects, row 3: Title is required.")
    see(page, "1 problem: nothing will be imported until it is fixed")
    assert page.get_by_role("button", name=re.compile(r"^Import \d+ rows?$")).count() == 0
    goto(reader, server, "/projects", project="grenoble-atelier-velo-importe")
    expect(reader.locator("[data-testid='stMain']")).not_to_contain_text("Réparer ensemble")
    # The corrected file: imported, and its preview is not left on offer for a second click.
    sheet.delete_rows(3)
    fixed = tmp_path / "from-grenoble-fixed.xlsx"
    workbook.save(fixed)
    widget(page, "manage_upload").locator("input[type='file']").set_input_files(str(fixed))
    wait_for_app(page)
    page.get_by_role("button", name="Import 1 row").click()
    see(page, "1 new, 0 updated, 0 unchanged.")
    expect(page.get_by_role("button", name=re.compile(r"^Import \d+ rows?$"))).to_have_count(0)
    goto(reader, server, "/projects", project="grenoble-atelier-velo-importe")
    expect(reader.locator("[data-testid='stMain']")).to_contain_text("Réparer ensemble")
    assert dialogs == [] and reader_dialogs == []
    healthy(page)


def test_sign_in_and_out_with_the_keyboard_alone(server, page) -> None:  # noqa: ANN001
    goto(page, server, "/manage")
    start_from_top(page)
    tab_to(page, ".st-key-auth_name input")
    page.keyboard.type("sven")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")  # submits the form
    expect(sidebar(page)).to_contain_text("Signed in as sven (coordinator)")
    wait_for_app(page)
    start_from_top(page)
    tab_to(page, ".st-key-auth_sign_out button")
    page.keyboard.press("Enter")
    expect(sidebar(page)).to_contain_text("You are signed out.")
    expect(page.locator("[data-testid='stMain']")).to_contain_text("Coordinators sign in here")
    expect(page.locator("[data-testid='stMain']")).not_to_contain_text("You are signed out.")  # said once, not twice


def test_typed_text_survives_a_look_at_another_section_or_page(server, page) -> None:  # noqa: ANN001
    """A coordinator types, clicks another section straight from the box, comes back: the text is there, and saves."""
    goto(page, server, "/manage")
    sign_in(page, "sven", PASSWORD)
    expect(sidebar(page)).to_contain_text("Signed in as sven (coordinator)")
    main = page.locator("[data-testid='stMain']")
    title, summary = (main.get_by_role("textbox", name=name, exact=True) for name in ("Title *", "Summary"))
    title.fill("Compost partagé, Borås")
    summary.fill("Typed, then a look at the themes.")
    hint = widget(page, "manage_project_new_0_summary").locator("[data-testid='InputInstructions']")
    expect(hint).to_have_count(1)  # Streamlit's "Press Ctrl+Enter to apply": English only, and nothing to apply before Save
    expect(hint).to_be_hidden()
    sections = widget(page, "manage_section")
    sections.get_by_text("Themes", exact=True).click()  # still in the summary box: no Tab, no save
    expect(summary).to_have_count(0)
    wait_for_app(page)
    sections.get_by_text("Projects", exact=True).click()
    wait_for_app(page)
    expect(title).to_have_value("Compost partagé, Borås")
    expect(summary).to_have_value("Typed, then a look at the themes.")
    # Another page and back: still there. The link works straight from a box being typed in.
    summary.fill("Typed, then a look at the themes and the projects.")
    sidebar(page).get_by_role("link", name="Projects").click()
    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.get_by_role("heading", name="Projects", level=1)).to_be_visible()
    sidebar(page).get_by_role("link", name="Manage").click()
    wait_for_app(page)
    expect(title).to_have_value("Compost partagé, Borås")
    shown = summary.input_value()  # what was typed last reaches the app with the next rerun, when not a page link's
    assert shown.startswith("Typed, then a look at the themes")
    choose(page, "manage_project_new_0_city", "Borås")
    click(page, "Create")
    see(page, "Created.")
    expect(summary).to_have_value(shown)  # the project as the form showed it
    healthy(page)
