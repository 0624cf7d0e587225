import streamlit as st

from afus import ui

st.title(ui.tr("nav.projects"))
