"""A directory longer than the cards (a growing network), in Chromium: one table, and a row opens its city."""

from __future__ import annotations

import pytest

from tests.a11y_support import violations_in_both_themes
from tests.browser_support import address_has, follow, goto, main_text, query_params, wait_until_drawn
from tests.stores import add_french_cities

pytestmark = pytest.mark.browser


def test_a_row_of_the_long_directory_opens_the_city_and_the_way_back_is_the_table(private_app_server, page) -> None:  # noqa: ANN001
    add_french_cities(private_app_server.database_url, 5)  # 15 cities: more than the dozen the cards show
    goto(page, private_app_server, "/cities")
    grid = page.locator("[data-testid='stMain'] [data-testid='stDataFrame']")
    grid.wait_for()
    assert grid.count() == 1 and "15 of 15 member cities" in main_text(page)
    assert page.locator("[data-testid='stMain'] [class*='st-key-'] a[href*='city=']").count() == 0  # no cards
    wait_until_drawn(page)
    found = violations_in_both_themes(page)
    assert not found, "axe-core on the long directory:\n" + "\n".join(f"{t} theme:\n{r}" for t, r in found.items())

    def click_first_row() -> None:
        wait_until_drawn(page)  # the grid measured once everything above it is in place
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box, under the header row

    follow(page, click_first_row, address_has("/cities", city="boras"))
    assert page.locator("[data-testid='stMain'] h1").first.inner_text().strip() == "Borås"
    assert page.page_errors == []

    follow(page, page.get_by_role("link", name="All member cities"), lambda url: "city=" not in url)
    assert "city" not in query_params(page)
    grid.wait_for()  # the table again, nothing chosen: it does not open Borås a second time
    wait_until_drawn(page)
    assert "city" not in query_params(page) and "15 of 15 member cities" in main_text(page)
