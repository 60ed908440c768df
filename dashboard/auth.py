"""Sign-in, sessions and role checks for the dashboard, over ``queries.access``.

Nothing is shown before a sign-in. Every run re-reads the account, so that disabling it, changing
its role or its grants takes effect at once, and ends the session after the idle time
(``CORDON_SESSION_IDLE_MIN``). Pages check the role with :func:`require`, which refuses with a
message and an audit row; what a user may *read* is enforced below the pages, by the scope of the
store's connection (``queries.access.Scope``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import streamlit as st

from dashboard.i18n import t
from queries.access import AccessPolicy, User, authenticate, get_user, may, record_event, session_expired
from queries.store import Store

SIGNED_IN_KEY = "signed_in"
DENIED_KEY = "denied_logged"


@dataclass(frozen=True)
class SignedIn:
    """Who this browser session belongs to, and when it was last used."""

    username: str
    last_seen: datetime


def audit(store: Store, kind: str, username: str, details: dict, now: datetime) -> None:
    """One row of the audit trail, written by the dashboard."""
    with store.writing() as con:
        record_event(con, kind, username, details, source="dashboard", at=now)


def sign_out(store: Store, username: str, now: datetime, kind: str = "sign_out") -> None:
    """End the session (``kind``: sign_out or session_expired) and say so in the audit trail."""
    st.session_state.pop(SIGNED_IN_KEY, None)
    audit(store, kind, username, {}, now)


def current_user(store: Store, now: datetime, policy: AccessPolicy | None = None) -> User | None:
    """The signed-in, active user of this session, or None (never signed in, signed out, disabled,
    deleted, or idle for longer than the policy allows: then the session ends here)."""
    signed_in = st.session_state.get(SIGNED_IN_KEY)
    if signed_in is None:
        return None
    policy = policy or AccessPolicy.from_env()
    if session_expired(signed_in.last_seen, now, policy.session_idle):
        sign_out(store, signed_in.username, now, "session_expired")
        st.session_state["session_expired_note"] = True
        return None
    user = get_user(store, signed_in.username)
    if user is None or not user.active:
        st.session_state.pop(SIGNED_IN_KEY, None)
        return None
    st.session_state[SIGNED_IN_KEY] = replace(signed_in, last_seen=now)
    return user


def sign_in_form(store: Store, now: datetime, lang: str) -> None:
    """The sign-in form; a correct one signs the session in and reruns the page that was asked for."""
    with st.form("sign_in_form"):
        username = st.text_input(t("username", lang), key="s_username", max_chars=64)
        password = st.text_input(t("password", lang), type="password", key="s_password", max_chars=1024)
        submitted = st.form_submit_button(t("sign_in", lang), type="primary")
    if not submitted:
        return
    attempt = authenticate(store, username.strip().lower(), password, now, source="dashboard")
    if attempt.outcome != "ok":  # the same words for every failure: they must not tell which names exist
        st.error(t("sign_in_failed", lang))
        return
    st.session_state[SIGNED_IN_KEY] = SignedIn(attempt.user.username, now)
    st.rerun()


def require(store: Store, user: User, action: str, now: datetime, lang: str) -> None:
    """Stop the page, with a message and one audit row, unless ``user``'s role may do ``action``."""
    if may(user.role, action):
        return
    if st.session_state.get(DENIED_KEY) != action:  # one row per refusal, not one per rerun
        audit(store, "page_denied", user.username, {"page": action, "role": user.role}, now)
        st.session_state[DENIED_KEY] = action
    st.error(t("denied", lang, role=t(f"role_{user.role}", lang)))
    st.stop()
