import streamlit as st; st.title("Empty page")  # noqa: E702  (the floor: one line of Streamlit)
