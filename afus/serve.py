"""Serve the dashboard: ``python -m afus serve [streamlit options]``.

Why not plain ``streamlit run dashboard.py``: Streamlit 1.67 sees the
``pages/`` folder beside the entry point and starts each process in its
legacy multipage mode, so the first request for a sub-page (a shared link
such as ``/projects?lang=fr``) runs ``pages/projects.py`` alone, without
``dashboard.py``: no language, no sidebar, no sign-in. Our pages are
declared with ``st.navigation``; :func:`use_navigation_only` tells
Streamlit so before the server starts (AppTest tests call it too).
"""

from __future__ import annotations

import os
import sys

from afus.db import ROOT

ENTRY_POINT = ROOT / "dashboard.py"


def use_navigation_only() -> None:
    """Make Streamlit ignore the legacy ``pages/`` folder mode, in this process, for good."""
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "_afus_navigation_only", False):
        return
    original_init = PagesManager.__init__

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        original_init(self, *args, **kwargs)
        # The flag is a class attribute that each PagesManager (and each
        # AppTest run) derives from the folder's existence: pin it.
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = __init__
    PagesManager.uses_pages_directory = False
    PagesManager._afus_navigation_only = True


def serve(streamlit_args: list[str]) -> int:
    """Run the Streamlit server on the dashboard with ``streamlit_args`` (e.g. ``--server.port 8502``)."""
    use_navigation_only()
    from streamlit.web import cli as streamlit_cli

    os.chdir(ROOT)  # .streamlit/config.toml is read from the working directory
    sys.argv = ["streamlit", "run", str(ENTRY_POINT), *streamlit_args]
    try:
        streamlit_cli.main()
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0
