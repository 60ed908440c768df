"""Cordon's page script, which Streamlit runs for every browser (served by dashboard/app.py: run that
one). It opens the store, asks for a sign-in, draws the shared sidebar and routes to the pages the
user's role allows; each page file renders from the :class:`~dashboard.context.PageContext` that this
run put in the session."""

from __future__ import annotations

from functools import partial

import duckdb
import streamlit as st

from dashboard import style
from dashboard.auth import current_user, require, sign_out
from dashboard.config import db_path
from dashboard.context import CONTEXT_KEY, PAGES_DIR, PageContext, minute_now
from dashboard.controls import PROBLEMS_KEY, sidebar
from dashboard.data import Source, admin_units, area_codes, data_extent, data_version
from dashboard.i18n import LANGUAGES, t
from dashboard.screens.sign_in import render as sign_in_screen
from dashboard.startup import prepared_store, start_seed, wait_for_seed
from dashboard.state import View, decode
from queries.access import may, region_line
from queries.constants import DISPLAY_ROLE
from queries.store import StoreError

# file in dashboard/screens, URL path, icon, the action of queries.access.PERMISSIONS it needs, and
# whether it shows the records of the view (then the sidebar offers the period, filters and layers)
PAGES = (
    ("live_map.py", "live", ":material/map:", "live_map", True),
    ("analysis.py", "analysis", ":material/monitoring:", "analysis", True),
    ("records.py", "records", ":material/table_rows:", "records", True),
    ("network.py", "network", ":material/hub:", "network", True),
    ("screening.py", "screening", ":material/fact_check:", "screening", False),
    ("typical_cases.py", "typical", ":material/menu_book:", "typical_cases", True),
    ("import_records.py", "import", ":material/upload_file:", "imports", False),
    ("users.py", "users", ":material/group:", "users", False),
    ("audit.py", "audit", ":material/policy:", "audit", False),
)


DISPLAY_VIEW_KEY = "display_view"


def display_view(units) -> View:
    """A display account's view: the one its URL gives (/?period=24h&refresh=15&zone=…, within its grants),
    read once a session, as there is no sidebar to change it; wrong parameters are said on the page."""
    if DISPLAY_VIEW_KEY not in st.session_state:
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        st.session_state[DISPLAY_VIEW_KEY], st.session_state[PROBLEMS_KEY] = decode(query, area_codes(units))
    return st.session_state[DISPLAY_VIEW_KEY]


def store_error(path: str, error: Exception) -> None:
    """A database Cordon cannot open or read: say so, in both languages, instead of a traceback."""
    st.error(f"{t('store_error', 'en', path=path)}\n\n{t('store_error', 'zh', path=path)}\n\n`{error}`")
    st.stop()


st.set_page_config(page_title="Cordon", page_icon="🛡️", layout="wide", initial_sidebar_state=style.SIDEBAR_PX)
st.html(style.PAGE_CSS)  # style alone: Streamlit puts it outside the page's blocks
path = db_path()
lang = st.session_state.get("w_lang") or (st.query_params.get("lang") if st.query_params.get("lang") in LANGUAGES
                                          else "en")
try:
    store = prepared_store(path)  # once per server process: the first start creates it, its seed runs behind
except (StoreError, duckdb.Error, OSError) as error:
    store_error(path, error)
now = minute_now()
user = current_user(store)
# Routed before the sign-in, so that a link to a page (/analysis?...) still leads there after it: until
# then every page is the sign-in screen, under the page's own address.
pages = {
    url: (
        st.Page(PAGES_DIR / file if user else partial(sign_in_screen, store, lang), title=t(f"page_{url}", lang),
                icon=icon, url_path=url, default=url == "live"),
        action,
        shows_view,
    )
    for file, url, icon, action, shows_view in PAGES
}
chosen = st.navigation([page for page, _, _ in pages.values()], position="hidden")
if user is None:
    chosen.run()
    start_seed(path)  # a first start's demo seizures, while the person reads the sign-in page
    st.stop()
_, chosen_action, chosen_shows_view = next(entry for entry in pages.values() if entry[0] is chosen)

source = Source(path, user.scope)
try:
    wait_for_seed(path, lang)  # a first start's demo seizures, seeded behind the sign-in page
    version = data_version(path)
    units, extent = admin_units(path, version), data_extent(source, version)
except (StoreError, duckdb.Error, OSError) as error:
    store_error(path, error)
if user.role == DISPLAY_ROLE:  # a wall screen: the live map alone, full-screen, no sidebar (screens/live_map.py)
    view = display_view(units)
else:
    with st.sidebar:
        for page, action, _ in pages.values():
            if may(user.role, action):
                st.page_link(page)
    view = sidebar(units, extent, now, may(user.role, "filters"), chosen_shows_view)
    with st.sidebar:
        st.divider()
        st.caption(t("signed_in_as", view.lang, name=user.display_name, role=t(f"role_{user.role}", view.lang)))
        if user.role != "admin":  # admins see everything, whatever they were granted
            st.caption(t("signed_in_region", view.lang, regions=region_line(user.grants, units, view.lang)))
        if st.button(t("sign_out", view.lang), key="sign_out", icon=":material/logout:"):
            sign_out(store, view.lang)
st.session_state[CONTEXT_KEY] = PageContext(user=user, source=source, view=view, units=units, extent=extent)
require(store, user, chosen_action, now, view.lang)
chosen.run()
