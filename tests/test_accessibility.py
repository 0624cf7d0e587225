"""axe-core finds no WCAG 2.1 A/AA violation on any page, in its list and detail views."""

from __future__ import annotations

import pytest

from afus.pages import PAGES
from tests.browser_support import axe_violations, format_violations, goto

pytestmark = pytest.mark.browser

VIEWS = [
    *[(f"/{p.url_path}", {}) for p in PAGES],
    ("/cities", {"city": "malmo"}),
    ("/cities", {"city": "saint-brieuc"}),
    ("/cities", {"city": "atlantis"}),  # the "not found" message
    ("/themes", {"theme": "public-spaces"}),
    ("/projects", {"q": "Umea"}),
    ("/projects", {"q": "zzzz-nothing-matches"}),  # the empty result
    ("/projects", {"project": "umea-gender-approach"}),
    ("/peers", {"city": "saint-brieuc"}),
    ("/peers", {"city": "saint-brieuc", "with": "umea"}),
    ("/seminar", {"slide": "2"}),
    ("/", {"lang": "fr"}),
    ("/cities", {"city": "umea", "lang": "sv"}),
]


def view_id(view: tuple[str, dict]) -> str:
    path, params = view
    return path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.parametrize("view", VIEWS, ids=view_id)
def test_no_wcag_21_aa_violation(app_server, page, view) -> None:  # noqa: ANN001
    path, params = view
    goto(page, app_server, path, **params)
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {view_id(view)}:\n{format_violations(violations)}"


def test_axe_catches_a_violation(app_server, page) -> None:  # noqa: ANN001
    """Guard the check itself: an image without a text alternative is reported."""
    goto(page, app_server, "/")
    page.evaluate(
        """() => { const img = document.createElement('img'); img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
                   document.querySelector("[data-testid='stMain']").appendChild(img); }"""
    )
    assert "image-alt" in {v["id"] for v in axe_violations(page)}
