"""AFUS dashboard: page config, navigation and sidebar. Run with `make run`."""

import streamlit as st

from afus import ui
from afus.pages import PAGES

st.set_page_config(page_title="AFUS", page_icon="🤝", layout="wide")

ui.init_lang()
pages = [
    st.Page(spec.file, title=ui.tr(spec.title_key), icon=spec.icon, url_path=spec.url_path or None, default=spec.url_path == "")
    for spec in PAGES
]
current = st.navigation(pages)
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
