"""Cordon's entry point: ``python -m streamlit run dashboard/app.py``. It draws the shared sidebar and
routes to the pages; each page file renders from the :class:`~dashboard.context.PageContext` that this
run put in the session."""

from __future__ import annotations

import streamlit as st

from dashboard.config import db_path
from dashboard.context import CONTEXT_KEY, PAGES_DIR, PageContext, minute_now
from dashboard.controls import sidebar
from dashboard.data import admin_units, data_extent, data_version, get_store
from dashboard.i18n import t

st.set_page_config(page_title="Cordon", page_icon="🛡️", layout="wide")
path = db_path()
get_store(path)
version = data_version(path)
units, extent = admin_units(path, version), data_extent(path, version)
view = sidebar(units, extent, minute_now())
st.session_state[CONTEXT_KEY] = PageContext(path=path, view=view, units=units, extent=extent)
pages = [
    st.Page(
        PAGES_DIR / "live_map.py", title=t("page_live", view.lang), icon=":material/map:", url_path="live", default=True
    ),
    st.Page(
        PAGES_DIR / "analysis.py",
        title=t("page_analysis", view.lang),
        icon=":material/monitoring:",
        url_path="analysis",
    ),
    st.Page(
        PAGES_DIR / "records.py", title=t("page_records", view.lang), icon=":material/table_rows:", url_path="records"
    ),
]
st.navigation(pages).run()
