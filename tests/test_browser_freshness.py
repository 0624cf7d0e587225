"""An edit made elsewhere shows in a section that redraws alone (an ``st.fragment``), in Chromium.

A fragment's rerun runs only its function: the page module's own variables
are those of the page's last full run. These tests write to the store from
this process, as a coordinator's save in another app process would, then
use the section's own filter.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from afus import db
from afus.models import City
from tests.browser_support import choose, goto, wait_for_app, widget

pytestmark = pytest.mark.browser


def rename_city(database_url: str, slug: str, name: str) -> None:
    engine = db.make_engine(database_url)
    try:
        with db.write_session(engine) as session:
            session.execute(update(City).where(City.slug == slug).values(name=name))
    finally:
        engine.dispose()


def test_the_city_directory_search_finds_a_city_renamed_meanwhile(private_app_server, page) -> None:  # noqa: ANN001
    goto(page, private_app_server, "/cities")
    rename_city(private_app_server.database_url, "boras", "Borås Stad")
    search = widget(page, "cities_q").locator("input")
    search.fill("bor")
    search.press("Enter")
    wait_for_app(page)
    directory = page.locator("[data-testid='stMain']")
    directory.get_by_role("link", name="Borås Stad").wait_for()


def test_the_theme_balance_for_a_city_uses_its_new_name(private_app_server, page) -> None:  # noqa: ANN001
    goto(page, private_app_server, "/themes", section="balance")
    rename_city(private_app_server.database_url, "umea", "Umeå kommun")
    choose(page, "themes_city", "Umeå", typed="Ume")  # the list as drawn before the rename
    wait_for_app(page)
    captions = page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").all_inner_texts()
    assert any("Umeå kommun" in caption for caption in captions), captions
