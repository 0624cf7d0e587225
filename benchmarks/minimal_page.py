"""The interaction floor: one text filter and one select filter over a short list, nothing else.

With ``?chart=1`` the page also draws one small bar chart that follows the
filters (Streamlit's ECharts element, keyed, as the app draws its charts):
the floor of an interaction whose result includes a chart.
"""

import streamlit as st

st.title("Minimal page")
ITEMS = [f"item {n}" for n in range(50)]
query = st.text_input("Search", key="q")
group = st.selectbox("Group", ["all", "even", "odd"], key="group")
shown = [item for n, item in enumerate(ITEMS) if query in item and (group == "all" or (n % 2 == 0) == (group == "even"))]
st.write(f"{len(shown)} matches for '{query}' in {group}")
if st.query_params.get("chart") == "1":
    # One bar per item shown: every change of either filter changes the chart.
    st.echarts_chart(
        {
            "animation": False,
            "xAxis": {"type": "category", "data": shown},
            "yAxis": {"type": "value"},
            "series": [{"type": "bar", "data": [int(item.split()[1]) for item in shown]}],
        },
        height=300,
        key="chart",
        renderer="svg",
    )
st.dataframe({"item": shown})
