"""Cordon's server: ``python -m streamlit run dashboard/app.py``. Streamlit serves the pages of
dashboard/main.py through ``st.App``, with Cordon's session routes and websocket guard beside them
(dashboard/server.py)."""

import streamlit as st

from dashboard.server import middleware, redact_session_ids, routes

redact_session_ids()
app = st.App("main.py", routes=routes(), middleware=middleware())
