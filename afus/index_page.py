"""The HTML page the server sends first: Streamlit's own, told where the server is.

Streamlit's browser code does not know the server's address under a page's
path. For ``/peers`` it first asks ``/peers/_stcore/health``, gets a 404, waits
100 ms and only then asks ``/_stcore/health``. That delay happens on every first
load of a page other than the overview (Streamlit 1.67).

The page set here declares the base address through ``window.__streamlit``,
Streamlit's embedding setting: the page's own address up to the last segment
that names one of our pages. Under a reverse proxy's path prefix
(``/afus/peers``) this gives ``/afus``; for a deeper address (``/cities/malmo``)
it gives the root, so the app connects and says "Page not found" instead of
showing a blank page. An address naming none of our pages (``/unknown``) is
left to Streamlit's own guess.

Pure text and file work; ``afus.ui.serve`` points the server at the folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

_MARKER = "<head>"
_SCRIPT = """<script>
      (() => {{
        const pages = {pages};
        const segments = window.location.pathname.split("/");
        let at = segments.length - 1;
        while (at > 0 && !pages.includes(segments[at])) at -= 1;
        if (at > 0) {{
          const base = segments.slice(0, at).join("/");
          window.__streamlit = Object.assign({{}}, window.__streamlit, {{BACKEND_BASE_URL: window.location.origin + base}});
          // Deeper than a page (/cities/malmo): Streamlit's files are addressed relative
          // to the page ("./static/..."), so they are looked up from the app's base.
          if (at < segments.length - 1 && segments[segments.length - 1] !== "") {{
            document.write('<base href="' + base + '/">');
          }}
        }}
      }})()
    </script>"""


def with_base_address(index_html: str, page_paths: Iterable[str]) -> str:
    """``index_html`` with the script setting the server's base address first in ``<head>``."""
    if _MARKER not in index_html:
        raise ValueError("Streamlit's index.html has no <head>: this Streamlit version needs checking")
    names = json.dumps(sorted(p for p in page_paths if p))
    return index_html.replace(_MARKER, f"{_MARKER}\n    {_SCRIPT.format(pages=names)}", 1)


def static_dir_with_base_address(streamlit_static: str, target: str, page_paths: Iterable[str]) -> str:
    """A copy of Streamlit's static folder in ``target``: links to its files, our ``index.html``."""
    os.makedirs(target, exist_ok=True)
    for name in os.listdir(streamlit_static):
        if name != "index.html":
            os.symlink(os.path.join(streamlit_static, name), os.path.join(target, name))
    with open(os.path.join(streamlit_static, "index.html"), encoding="utf-8") as original:
        html = with_base_address(original.read(), page_paths)
    with open(os.path.join(target, "index.html"), "w", encoding="utf-8") as ours:
        ours.write(html)
    return target

