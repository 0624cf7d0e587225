"""AFUS dashboard: page config, navigation and sidebar. Run with `make run`."""

from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from afus import ui
from afus.pages import PAGES, PageSpec


def main(pages: Sequence[PageSpec] = PAGES, base: Path | None = None) -> None:
    """The app's frame around the page the address asks for: navigation, language, who is signed in.

    ``base``: the folder the page files are under, when the running script is
    not in it (``benchmarks/frame_page.py`` draws the same frame around a page of its own).
    """
    st.set_page_config(page_title="AFUS", page_icon="🤝", layout="wide")
    ui.init_lang()
    current = st.navigation(
        [
            st.Page(
                str(base / spec.file) if base else spec.file, title=ui.tr(spec.title_key), icon=spec.icon,
                url_path=spec.url_path or None, default=spec.url_path == "",
            )
            for spec in pages
        ]
    )  # fmt: skip
    ui.page_style()
    # Following an st.page_link to the page already shown does not update the
    # address bar's query string (Streamlit 1.67): say it again so the URL always
    # matches the view and can be shared. Only then: on a switch to another page,
    # saying it again would add a history entry (the old page without its
    # parameters) that the browser's Back button lands on first.
    if st.session_state.get("shown_page") == current.url_path:
        st.query_params.from_dict({name: st.query_params.get_all(name) for name in st.query_params})
    st.session_state["shown_page"] = current.url_path
    st.sidebar.caption(ui.tr("app.network"))
    ui.language_selector()
    with ui.store_guard():  # a read-only, full or unreachable store: a clear message, no traceback
        ui.account_sidebar()  # who is signed in, sign-out; ends an idle, disabled or re-passworded session
        current.run()


if __name__ == "__main__":  # Streamlit runs its main script as __main__
    main()
