"""The interaction floor: one text filter and one select filter over a short list, nothing else."""

import streamlit as st

st.title("Minimal page")
ITEMS = [f"item {n}" for n in range(50)]
query = st.text_input("Search", key="q")
group = st.selectbox("Group", ["all", "even", "odd"], key="group")
shown = [item for n, item in enumerate(ITEMS) if query in item and (group == "all" or (n % 2 == 0) == (group == "even"))]
st.write(f"{len(shown)} matches for '{query}' in {group}")
st.dataframe({"item": shown})
