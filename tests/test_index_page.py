"""The first page the server sends: a page's address connects at once, at the root or under a path prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from afus import index_page
from afus.i18n import t
from afus.pages import PAGES
from tests.browser_support import main_text, new_context, start_app_server, wait_for_app

STREAMLIT_HEAD = '<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n    <script type="module" src="./static/js/index.js"></script>\n'


def health_probes(page) -> list[str]:  # noqa: ANN001
    """Paths of the health checks the page made, in order (Streamlit's first step before connecting)."""
    probes: list[str] = []
    page.on("request", lambda request: probes.append(request.url.split("//", 1)[1].split("/", 1)[1]) if request.url.endswith("_stcore/health") else None)
    return probes


@pytest.mark.backend_independent
def test_the_address_script_comes_first_and_names_our_pages() -> None:
    html = index_page.with_base_address(STREAMLIT_HEAD, (p.url_path for p in PAGES))
    script_at, streamlit_at = html.index("window.__streamlit"), html.index("index.js")
    assert script_at < streamlit_at, "the address must be set before Streamlit's code reads it"
    assert '["cities", "manage", "peers", "projects", "seminar", "themes"]' in html
    assert html.count("<head>") == 1


@pytest.mark.backend_independent
def test_a_streamlit_page_without_head_is_refused_rather_than_served_unchanged() -> None:
    with pytest.raises(ValueError, match="Streamlit version"):
        index_page.with_base_address("<html><body></body></html>", ["peers"])


@pytest.mark.backend_independent
def test_the_static_folder_keeps_streamlits_files_and_serves_ours(tmp_path: Path) -> None:
    streamlit_static = tmp_path / "streamlit"
    (streamlit_static / "static" / "js").mkdir(parents=True)
    (streamlit_static / "static" / "js" / "index.js").write_text("// bundle")
    (streamlit_static / "index.html").write_text(STREAMLIT_HEAD)
    (streamlit_static / "favicon.png").write_bytes(b"\x89PNG")
    served = Path(index_page.static_dir_with_base_address(str(streamlit_static), str(tmp_path / "ours"), ["peers"]))
    assert (served / "static" / "js" / "index.js").read_text() == "// bundle"
    assert (served / "favicon.png").read_bytes() == b"\x89PNG"
    assert "window.__streamlit" in (served / "index.html").read_text()
    assert "window.__streamlit" not in (streamlit_static / "index.html").read_text(), "Streamlit's own file is untouched"


@pytest.mark.browser
def test_a_page_address_asks_the_server_once_and_connects(app_server, page) -> None:  # noqa: ANN001
    probes = health_probes(page)
    page.goto(app_server.url("/peers", city="malmo"))
    wait_for_app(page)
    assert probes == ["_stcore/health"], "no failed probe under the page's path, no 100 ms retry"
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.browser
def test_under_a_path_prefix_every_page_connects_and_links_keep_the_prefix(tmp_path: Path, browser) -> None:  # noqa: ANN001
    with start_app_server(tmp_path, path_prefix="afus") as server:
        context = new_context(browser, locale="en-GB")
        try:
            page = context.new_page()
            probes = health_probes(page)
            page.goto(server.url("/projects"))
            wait_for_app(page)
            assert probes == ["afus/_stcore/health"]
            assert t("nav.projects", "en") in main_text(page)
            page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=t("nav.peers", "en"), exact=True).click()
            page.wait_for_url(f"{server.base_url}/peers**")
            assert server.base_url.endswith("/afus")
            wait_for_app(page)
            assert t("nav.peers", "en") in main_text(page)
        finally:
            context.close()


@pytest.mark.browser
def test_an_address_deeper_than_a_page_connects_instead_of_staying_blank(app_server, page) -> None:  # noqa: ANN001
    """``/cities/malmo`` (a guess at a path-style address): the app loads and answers it as an unknown page."""
    page.goto(app_server.url("/cities/malmo"))
    wait_for_app(page)
    assert t("nav.overview", "en") in main_text(page)
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.browser
def test_a_link_without_a_language_opens_in_the_browsers(app_server, browser) -> None:  # noqa: ANN001
    lang = "fr"  # Swedish takes the same path (afus.ui.browser_lang); one browser run keeps CI short
    context = new_context(browser, locale="fr-FR")
    try:
        page = context.new_page()
        for path in ("/projects", "/projects?lang=de"):  # no language, or one the app does not speak
            page.goto(app_server.base_url + path)
            wait_for_app(page)
            assert t("nav.projects", lang) in main_text(page)
            page.wait_for_function(f"() => new URLSearchParams(location.search).get('lang') === '{lang}'")
        page.goto(app_server.url("/projects", lang="en"))  # an explicit choice wins
        wait_for_app(page)
        assert t("nav.projects", "en") in main_text(page)
    finally:
        context.close()
