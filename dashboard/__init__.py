"""Cordon's Streamlit app: pages, widgets and pydeck layer builders (the only UI layer)."""
