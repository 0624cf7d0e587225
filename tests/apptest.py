"""Helpers for Streamlit AppTest runs of the real entry point."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from afus.ui import use_navigation_only

# AppTest, like the server, would otherwise run pages/ in legacy mode (afus.ui.use_navigation_only).
use_navigation_only()

ROOT = Path(__file__).resolve().parent.parent


def run_page(page: str, timeout: float = 30, **params: str) -> AppTest:
    """Run ``dashboard.py`` on ``page`` (e.g. ``"pages/cities.py"``) with query ``params``."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    return at


def all_text(at: AppTest) -> str:
    """Every piece of visible text of the run, joined (for assertions)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success", "metric"):
        for el in getattr(at, kind, []):
            value = getattr(el, "value", None)
            label = getattr(el, "label", None)
            parts.extend(str(v) for v in (label, value) if v is not None)
    return "\n".join(parts)
