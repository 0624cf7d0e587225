"""A second floor for "ready": the empty page plus one small ECharts bar chart, nothing of ours.

Any Streamlit page with a chart loads and runs the chart library's module in
the browser on every visit (the app draws every chart, maps included, with
Streamlit's ECharts element); this page measures that framework cost alone,
so ``bench_pages.py`` can show how much of a page's time is the chart
library and how much is ours.
"""

import streamlit as st

st.title("Chart page")
st.echarts_chart(
    {"xAxis": {"type": "category", "data": ["a", "b", "c"]}, "yAxis": {"type": "value"}, "series": [{"type": "bar", "data": [1, 3, 2]}]},
    height=300,
    renderer="svg",
)
