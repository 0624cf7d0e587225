"""A second floor for "ready": the empty page plus one small plotly bar chart, nothing of ours.

Any Streamlit page with a plotly chart loads and runs plotly's module in
the browser on every visit (about 1.4 s of CPU here, whatever the chart);
this page measures that framework cost alone, so ``bench_pages.py`` can
show how much of a page's time is the chart library and how much is ours.
"""

import plotly.graph_objects as go
import streamlit as st

st.title("Chart page")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), config={"displaylogo": False})
