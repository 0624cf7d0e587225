"""An edit made elsewhere shows in a section that redraws alone (an ``st.fragment``), in Chromium.

A fragment's rerun runs only its function: the page module's own variables
are those of the page's last full run. These tests write to the store from
this process, as a coordinator's save in another app process would, then
use the section's own filter.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from afus import db
from afus.models import City, Theme
from tests.browser_support import choose, goto, wait_for_app, widget

pytestmark = pytest.mark.browser


def rename(database_url: str, model: type, slug: str, name: str) -> None:
    """Rename the city or theme ``slug`` in the store, as another app process would."""
    engine = db.make_engine(database_url)
    try:
        with db.write_session(engine) as session:
            session.execute(update(model).where(model.slug == slug).values(name=name))
    finally:
        engine.dispose()


def test_the_city_directory_search_finds_a_city_renamed_meanwhile(private_app_server, page) -> None:  # noqa: ANN001
    goto(page, private_app_server, "/cities")
    rename(private_app_server.database_url, City, "boras", "Borås Stad")
    search = widget(page, "cities_q").locator("input")
    search.fill("bor")
    search.press("Enter")
    wait_for_app(page)
    directory = page.locator("[data-testid='stMain']")
    directory.get_by_role("link", name="Borås Stad").wait_for()


def test_the_theme_balance_for_a_city_uses_its_new_name(private_app_server, page) -> None:  # noqa: ANN001
    goto(page, private_app_server, "/themes", section="balance")
    rename(private_app_server.database_url, City, "umea", "Umeå kommun")
    choose(page, "themes_city", "Umeå", typed="Ume")  # the list as drawn before the rename
    wait_for_app(page)
    captions = page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").all_inner_texts()
    assert any("Umeå kommun" in caption for caption in captions), captions


def test_the_theme_catalogue_opened_after_an_edit_shows_it(private_app_server, page) -> None:  # noqa: ANN001
    """The catalogue is a section drawn when its tab is chosen: it reads the store then, not at the page's last full run."""
    # In French, the theme's own language: the name itself is shown, not a translation.
    goto(page, private_app_server, "/themes", section="heatmap", lang="fr")
    rename(private_app_server.database_url, Theme, "public-spaces", "Des places et des rues pour tous")
    page.get_by_role("tab", name="Catalogue").click()
    wait_for_app(page)
    page.locator("[data-testid='stMain']").get_by_role("link", name=re.compile("^Des places et des rues pour tous")).wait_for()
