"""The sign-in screen, which every page shows before a sign-in: the form beside a map of the border
zones (geography only, no record), and the choice of language in the sidebar.

Its map stands where the live map stands on the live page (the first column of the second block of
the block after the title; dashboard/screens/live_map.py), with the live map's key, selection mode,
height and row, and with a sidebar beside it as on the live page. While the form is filled in, the
browser loads deck.gl's code and the base map's files into its cache; the sign-in then reloads the page
(to take the session's cookie, dashboard/server.py), and the live map draws from that cache, in the
same place and at the same size.
"""

from __future__ import annotations

import streamlit as st

from dashboard.auth import EXPIRED_NOTE_KEY, sign_in_form
from dashboard.config import LIVE_MAP_HEIGHT, LIVE_MAP_KEY, LIVE_MAP_ROW
from dashboard.i18n import LANGUAGES, t
from dashboard.map_layers import base_layers, labelled_deck
from dashboard.startup import base_map
from queries.store import Store

LANGUAGE_KEY = "sign_in_lang"


def _language_chosen() -> None:
    """The language chosen before the sign-in goes into the URL, where the view after it is read from,
    and into the signed-in sidebar's choice where one is left from before a sign-out."""
    chosen = st.session_state[LANGUAGE_KEY]
    st.query_params["lang"] = chosen
    if "w_lang" in st.session_state:
        st.session_state["w_lang"] = chosen


def render(store: Store, lang: str) -> None:
    st.session_state[LANGUAGE_KEY] = lang  # the page's language, however it was chosen (URL, sidebar before)
    with st.sidebar:
        st.radio(t("language", lang), list(LANGUAGES), key=LANGUAGE_KEY, format_func=LANGUAGES.get, horizontal=True,
                 on_change=_language_chosen)
    st.title(t("sign_in_title", lang))
    with st.container():  # where the live page's fragment draws
        with st.container():  # where the live page has its headline (never empty: Streamlit drops those)
            st.caption(t("sign_in_intro", lang))
            if st.session_state.pop(EXPIRED_NOTE_KEY, False):
                st.info(t("session_expired", lang))
        map_column, form_column = st.columns(LIVE_MAP_ROW)
        with map_column:
            st.pydeck_chart(
                labelled_deck(base_layers(base_map(lang), True, lang)),
                height=LIVE_MAP_HEIGHT,
                key=LIVE_MAP_KEY,
                on_select="rerun",
                selection_mode="single-object",
            )
        with form_column:
            sign_in_form(store, lang)
