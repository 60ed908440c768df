"""Cordon's entry point: ``python -m streamlit run dashboard/app.py``. It only routes to the pages."""

from __future__ import annotations

import streamlit as st

from dashboard.pages import live_map

st.set_page_config(page_title="Cordon", page_icon="🛡️", layout="wide")
page = st.navigation([st.Page(live_map.render, title="Live map", icon="🗺️", url_path="live", default=True)])
page.run()
