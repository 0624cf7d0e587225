"""The page list: files, stable URL paths and title keys (one place, used by the app, tests and docs)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str
    url_path: str  # "" for the overview at "/"
    title_key: str
    icon: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "", "nav.overview", ":material/dashboard:"),
    PageSpec("pages/cities.py", "cities", "nav.cities", ":material/location_city:"),
    PageSpec("pages/themes.py", "themes", "nav.themes", ":material/category:"),
    PageSpec("pages/projects.py", "projects", "nav.projects", ":material/work:"),
    PageSpec("pages/peers.py", "peers", "nav.peers", ":material/hub:"),
    PageSpec("pages/seminar.py", "seminar", "nav.seminar", ":material/co_present:"),
    PageSpec("pages/manage.py", "manage", "nav.manage", ":material/edit_note:"),
)


def page_file(url_path: str) -> str:
    """The script behind a URL path, e.g. ``page_file("cities") == "pages/cities.py"``."""
    return next(p.file for p in PAGES if p.url_path == url_path)
