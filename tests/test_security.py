"""Security at the edges: cross-origin websockets, upload size and XSRF, import content, user text in the page.

The server tests run the real ``streamlit run`` with the project's
``.streamlit/config.toml`` (the working directory is the repository).
"""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from collections.abc import Iterator

import pytest

from afus import auth, db, editing, imports
from afus.validation import ProjectForm
from benchmarks import harness
from tests.browser_support import AppServer, goto, main_text, new_context, start_app_server

CONFIG = tomllib.loads((harness.ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
UPLOAD_PROBE = '''
import streamlit as st
st.title("Upload probe")
f = st.file_uploader("File", key="probe")
st.write(f"received {len(f.getvalue())} bytes" if f else "nothing yet")
'''


# --- settings that must hold in production ---------------------------------------------------


def test_production_settings_in_config() -> None:
    server = CONFIG["server"]
    assert server["enableXsrfProtection"] is True
    assert server.get("enableCORS", True) is True  # the websocket origin check depends on it
    assert 1 <= server["maxUploadSize"] <= 10  # megabytes; the import itself allows 5 MB
    assert server["maxUploadSize"] * 1024 * 1024 >= imports.MAX_UPLOAD_BYTES
    assert CONFIG["client"]["showErrorDetails"] == "none"
    # Watching the sources is for development: it costs every new session (see the config's comment).
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False


# --- cross-origin websocket ------------------------------------------------------------------------


def _handshake(server: AppServer, origin: str | None) -> str:
    """Open the app's websocket with ``origin``; "open" or the refusal."""
    from websockets.exceptions import InvalidHandshake
    from websockets.sync.client import connect

    ws_url = server.base_url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        with connect(ws_url, origin=origin, subprotocols=["streamlit"], open_timeout=10) as ws:
            ws.ping().wait(5)
            return "open"
    except InvalidHandshake as exc:
        return f"refused: {exc}"


def test_cross_origin_websocket_is_refused(app_server: AppServer) -> None:
    assert _handshake(app_server, "https://evil.example").startswith("refused")
    assert _handshake(app_server, "http://attacker.localhost.evil.example:8501").startswith("refused")
    # The app's own pages still connect (so the refusal above is about the origin).
    assert _handshake(app_server, app_server.base_url) == "open"


# --- uploads ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.Server]:
    from tests.browser_support import _skip_without_chromium

    _skip_without_chromium()
    workdir = tmp_path_factory.mktemp("upload")
    script = workdir / "upload_probe.py"
    script.write_text(UPLOAD_PROBE, encoding="utf-8")
    with harness.streamlit_server(script, log_dir=workdir) as server:
        yield server


def _captured_upload(page, server: harness.Server) -> tuple[str, dict[str, str]]:  # noqa: ANN001
    """Upload a small file through the page; the upload URL and XSRF header the browser used."""
    seen: list = []
    page.on("request", lambda r: seen.append(r) if "/_stcore/upload_file/" in r.url and r.method == "PUT" else None)
    page.goto(server.url)
    harness.wait_ready(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "small.csv", "mimeType": "text/csv", "buffer": b"title,city\nA,malmo\n"}]
    )
    page.get_by_text("received 19 bytes").wait_for()
    assert seen, "the browser made no upload request"
    request = seen[-1]
    return request.url, {"X-Xsrftoken": request.headers.get("x-xsrftoken", "")}


def test_uploads_are_bounded_by_the_server(upload_server: harness.Server, browser) -> None:  # noqa: ANN001
    limit = CONFIG["server"]["maxUploadSize"] * 1024 * 1024
    context = new_context(browser)
    try:
        page = context.new_page()
        url, xsrf = _captured_upload(page, upload_server)
        small = {"file": {"name": "again.csv", "mimeType": "text/csv", "buffer": b"title\nB\n"}}
        big = {"file": {"name": "big.csv", "mimeType": "text/csv", "buffer": b"x" * (limit + 2 * 1024 * 1024)}}

        assert page.request.put(url, multipart=small, headers=xsrf).status in (200, 204)
        assert page.request.put(url, multipart=big, headers=xsrf).status == 413
        assert page.request.put(url, multipart=small).status == 403  # no XSRF token: refused
    finally:
        context.close()


def test_oversized_file_is_refused_in_the_browser(upload_server: harness.Server, browser) -> None:  # noqa: ANN001
    limit = CONFIG["server"]["maxUploadSize"] * 1024 * 1024
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(upload_server.url)
        harness.wait_ready(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "huge.csv", "mimeType": "text/csv", "buffer": b"x" * (limit + 1024)}]
        )
        # Streamlit's own refusal, e.g. "File must be 5.0MB or smaller."
        page.get_by_text(re.compile(rf"{CONFIG['server']['maxUploadSize']}(\.0)?\s?MB")).first.wait_for()
        assert "nothing yet" in page.locator('[data-testid="stMain"]').inner_text()
    finally:
        context.close()


# --- import: checked by content, not by the file's name ------------------------------------------------


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("projects.csv", b"title\n" + b"a" * (imports.MAX_UNCOMPRESSED_BYTES + 1))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("projects.xlsx", b"title,city\nA,malmo\n"),  # a CSV renamed .xlsx
        ("projects.xlsx", b"<html><script>alert(1)</script></html>"),
        ("projects.zip", b"not a zip at all"),
        ("projects.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),  # an image renamed .csv
        ("projects.json", b"\x00\x01binary"),
        ("projects.zip", _zip_bomb()),
        ("projects.exe", b"MZ\x90\x00"),
    ],
    ids=["csv-as-xlsx", "html-as-xlsx", "text-as-zip", "png-as-csv", "binary-as-json", "zip-bomb", "exe"],
)
def test_import_checks_content_not_the_name(engine, filename: str, data: bytes) -> None:  # noqa: ANN001
    with pytest.raises(imports.ImportRefused):
        imports.preview(engine, filename, data)


def test_import_refuses_an_oversized_upload(engine) -> None:  # noqa: ANN001
    with pytest.raises(imports.ImportRefused):
        imports.preview(engine, "projects.csv", b"title\n" + b"a" * imports.MAX_UPLOAD_BYTES)


# --- user text stays text in the browser ------------------------------------------------------------


HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1"> [click](javascript:alert(1))'
# Bare addresses, which Markdown would link by itself, on a second line.
HOSTILE_SUMMARY = HOSTILE_TITLE + "\nSecond line: https://evil.example/p.png, www.evil.example and someone@evil.example"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, str]]:
    from tests.browser_support import _skip_without_chromium

    _skip_without_chromium()
    with start_app_server(tmp_path_factory.mktemp("hostile")) as server:
        engine = db.make_engine(server.database_url)
        saved = editing.save_project(
            engine, auth.Operator(), ProjectForm(title=HOSTILE_TITLE, city="malmo", lang="en", summary=HOSTILE_SUMMARY)
        )
        engine.dispose()
        yield server, saved.slug


def test_user_text_is_never_html_or_a_link(hostile_server: tuple[AppServer, str], page) -> None:  # noqa: ANN001
    server, slug = hostile_server
    # The overview lists the new project in its table of recent changes (an HTML table of Markdown cells).
    for path, params in (("/projects", {"project": slug}), ("/projects", {"q": "click"}), ("/cities", {"city": "malmo"}), ("/", {})):
        goto(page, server, path, **params)
        assert page.evaluate("() => window.__pwned === undefined"), path
        main = page.locator('[data-testid="stMain"]')
        assert main.locator("img[src='x']").count() == 0, path
        assert main.locator("a[href^='javascript']").count() == 0, path
        assert main.locator("a[href*='evil.example']").count() == 0, path
    changes = main.locator("[data-testid='stTable']").filter(has_text="onerror")  # the recent changes
    changes.wait_for()
    assert HOSTILE_TITLE in changes.inner_text()  # shown, as text
    goto(page, server, "/projects", project=slug)
    assert "onerror" in main_text(page)  # shown, as text
    # The summary keeps its line break, and its addresses read as typed (the joiners are invisible).
    shown = main_text(page).replace("\u2060", "")
    assert "javascript:alert(1))\nSecond line: https://evil.example/p.png, www.evil.example and someone@evil.example" in shown
