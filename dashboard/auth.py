"""Sign-in, sessions and role checks for the dashboard, over ``queries.access`` and ``queries.sessions``.

Nothing is shown before a sign-in. The sign-in lives in a server-side session (``queries.sessions``)
whose random token is an HttpOnly, SameSite=Strict cookie, set by Cordon's session route
(dashboard/server.py): every run, the live map's refresh included, reads that cookie from the browser's
own connection, finds the session and re-reads the account, so that a reconnect without the cookie, a
sign-out, an idle or expired session, a disabled account or a new role or grants take effect at the
next run. Pages check the role with :func:`require`, which refuses with a message and an audit row;
what a user may *read* is enforced below the pages, by the scope of the store's connection
(``queries.access.Scope``).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from urllib.parse import urlencode, urlsplit

import streamlit as st

from dashboard.i18n import t
from dashboard.server import SIGN_OUT_ROUTE, session_url
from queries import sessions
from queries.access import ClientThrottle, User, authenticate, may, record_event
from queries.clock import beijing_now
from queries.store import AUDIT_CLAIM, Store

DENIED_KEY = "denied_logged"
EXPIRED_NOTE_KEY = "session_expired_note"


def audit(store: Store, kind: str, username: str, details: dict, now: datetime) -> None:
    """One row of the audit trail, written by the dashboard."""
    with store.writing(AUDIT_CLAIM) as con:
        record_event(con, kind, username, details, source="dashboard", at=now)


def browser_token() -> str | None:
    """The session cookie that this browser sent when it connected (None: none, as before a sign-in)."""
    return st.context.cookies.get(sessions.SESSION_COOKIE)


def current_user(store: Store, *, activity: bool = True) -> User | None:
    """The signed-in, active user of this browser's session, or None (no cookie, signed out, idle or past
    its end, account disabled or gone). ``activity``: the run was asked for by the person (False for the
    live map's own refresh, which must not keep a session from going idle)."""
    found = sessions.check(store, browser_token(), beijing_now(), activity=activity)
    if found.ended in ("idle", "expired"):
        st.session_state[EXPIRED_NOTE_KEY] = True
    return found.user


def still_signed_in(store: Store, user: User, *, activity: bool) -> User:
    """For a fragment's own run (the live map's refresh, or a click inside it: ``activity``): the account
    checked again as on a full run; when the session has ended or the account changed (role, grants,
    disabled), the whole page runs again, which signs out or applies the new scope, and this run sends
    nothing more."""
    now_user = current_user(store, activity=activity)
    if now_user != user:
        st.rerun(scope="app")
    return now_user


def go_to(url: str, lang: str) -> None:
    """Send the browser to ``url`` (one of Cordon's session routes) and end this run; a link does the same
    where scripts do not run. ``url`` holds only URL-safe characters (:func:`dashboard.server.session_url`)."""
    target = json.dumps(url).replace("<", "\\u003c")  # never a "</script>" inside the script
    st.html(f"<script>window.location.replace({target})</script>", unsafe_allow_javascript=True)
    st.link_button(t("continue", lang), url, type="primary")
    st.stop()


def this_page() -> str:
    """The path and query of the page this browser is on, where the sign-in leads back to."""
    query = urlencode([(key, value) for key in st.query_params for value in st.query_params.get_all(key)])
    return (urlsplit(st.context.url or "").path or "/") + (f"?{query}" if query else "")


def client_address() -> str | None:
    """The address this browser connects from, as the server sees it (a proxy's, behind one)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


@cache
def client_throttle() -> ClientThrottle:
    """The one throttle of sign-in attempts per client address of this server process."""
    return ClientThrottle()


def sign_out(store: Store, lang: str) -> None:
    """End this browser's session (with its audit row) and have the session route drop the cookie."""
    sessions.end(store, browser_token(), beijing_now())
    go_to(SIGN_OUT_ROUTE, lang)


def sign_in_form(store: Store, lang: str) -> None:
    """The sign-in form; a correct one opens a session and sends the browser to trade its ticket for the
    session's cookie, then back to the page that was asked for."""
    with st.form("sign_in_form"):
        username = st.text_input(t("username", lang), key="s_username", max_chars=64)
        password = st.text_input(t("password", lang), type="password", key="s_password", max_chars=1024)
        submitted = st.form_submit_button(t("sign_in", lang), type="primary")
    if not submitted:
        return
    now = beijing_now()
    attempt = authenticate(store, username.strip().lower(), password, now, source="dashboard",
                           client=client_address(), throttle=client_throttle())
    if attempt.outcome == "throttled":
        st.error(t("sign_in_throttled", lang))
        return
    if attempt.outcome != "ok":  # the same words for every failure: they must not tell which names exist
        st.error(t("sign_in_failed", lang))
        return
    ticket = sessions.start(store, attempt.user.username, now, client=client_address())
    go_to(session_url(ticket, this_page()), lang)


def require(store: Store, user: User, action: str, now: datetime, lang: str) -> None:
    """Stop the page, with a message and one audit row, unless ``user``'s role may do ``action``."""
    if may(user.role, action):
        return
    if st.session_state.get(DENIED_KEY) != action:  # one row per refusal, not one per rerun
        audit(store, "page_denied", user.username, {"page": action, "role": user.role}, now)
        st.session_state[DENIED_KEY] = action
    st.error(t("denied", lang, role=t(f"role_{user.role}", lang)))
    st.stop()
