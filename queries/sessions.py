"""Web sessions: the server side of a dashboard sign-in, bound to an HttpOnly cookie.

A sign-in that passes :func:`queries.access.authenticate` starts a session (:func:`start`) and gets a
one-time *ticket*. The browser trades the ticket at Cordon's session route (dashboard/server.py) for a
random *token* (:func:`redeem`), which the route puts in an HttpOnly, SameSite=Strict cookie; from then
on every run of the dashboard, the live map's refresh included, finds its session and its account by
that cookie (:func:`check`). So:

* the Streamlit session id no longer carries a sign-in: a client that reconnects to someone's session
  without their cookie is signed out at its first run;
* the session outlives a reload and a reconnect of the browser, until it is signed out, sits idle
  (``AccessPolicy.session_idle``: only what its person does counts, not the live map's own refresh),
  reaches its absolute end (``AccessPolicy.session_lifetime``), or its account is disabled;
* a *display* account (``queries.constants.DISPLAY_ROLE``: a wall screen that only watches) has no person
  at the keyboard: the live map's refresh is its use, so it does not go idle while the page refreshes,
  and its session lasts ``AccessPolicy.display_session_max``; disabling the account still ends it at
  the next refresh;
* only SHA-256 digests of tickets and tokens are stored, so the database file holds nothing that signs in.

Times are Beijing time without a time zone, as the store keeps them; callers pass ``now``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from queries.access import AccessPolicy, User, read_user, record_event
from queries.constants import DISPLAY_ROLE
from queries.store import ACCOUNTS_CLAIM, Store, run

SESSION_COOKIE = "cordon_session"
TICKET_LIFETIME = timedelta(minutes=1)  # from the sign-in to the browser's visit of the session route
TOUCH_EVERY = timedelta(seconds=30)  # how often a busy session's last use is written (not on every run)
CLIENT_CHARS = 100


def digest(secret: str) -> str:
    """The SHA-256 of a ticket or token, as the store keeps it."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionCheck:
    """What a run found: the ``user`` of an open session (None when there is none), and why a session was
    ended by this check (``idle``, ``expired``, ``account``; None when it was not)."""

    user: User | None
    ended: str | None = None


def start(store: Store, username: str, now: datetime, *, client: str | None = None,
          policy: AccessPolicy | None = None) -> str:
    """Open a session for ``username`` (who has just signed in) and return its one-time ticket, valid for
    :data:`TICKET_LIFETIME`: the browser trades it for the session's cookie (:func:`redeem`)."""
    policy = policy or AccessPolicy.from_env()
    ticket = secrets.token_urlsafe(32)
    with store.writing(ACCOUNTS_CLAIM) as con:
        user = read_user(con, username)
        lifetime = policy.session_lifetime(user.role if user else "")
        run(con, "sessions_insert", {
            "session_id": secrets.token_hex(16), "username": username, "ticket_hash": digest(ticket),
            "ticket_expires_at": now + TICKET_LIFETIME, "client": (client or None) and client[:CLIENT_CHARS],
            "now": now, "expires_at": now + lifetime,
        })
    return ticket


def redeem(store: Store, ticket: str, now: datetime) -> str | None:
    """The session token for an unused, unexpired ``ticket`` (which cannot be used again), or None."""
    if not ticket or len(ticket) > 200:
        return None
    token = secrets.token_urlsafe(32)
    with store.writing(ACCOUNTS_CLAIM) as con:
        traded = run(con, "sessions_redeem", {"ticket_hash": digest(ticket), "token_hash": digest(token), "now": now})
    return token if traded.iat[0, 0] else None


def _open_session(con, token: str):
    """The row of the session that ``token`` belongs to, unless there is none or it has ended."""
    found = run(con, "sessions_find", {"token_hash": digest(token)})
    return None if not len(found) or found["ended_at"].notna().iloc[0] else found.iloc[0]


def _lapse(session, now: datetime, policy: AccessPolicy) -> str | None:
    """Why an open session has lapsed at ``now`` (``expired``: past its end; ``idle``: unused for the
    policy's idle time), or None while it has not."""
    if now >= session["expires_at"]:
        return "expired"
    if now - session["last_active_at"] >= policy.session_idle:
        return "idle"
    return None


def is_open(store: Store, token: str | None, now: datetime, policy: AccessPolicy | None = None) -> bool:
    """Whether ``token`` belongs to an open session at ``now``, without writing anything (the websocket
    guard's question, asked once per connection)."""
    if not token:
        return False
    with store.reading() as con:
        session = _open_session(con, token)
    return session is not None and _lapse(session, now, policy or AccessPolicy.from_env()) is None


def check(store: Store, token: str | None, now: datetime, *, activity: bool,
          policy: AccessPolicy | None = None) -> SessionCheck:
    """The account of the session whose cookie holds ``token``, checked at ``now``: the session open, not
    idle beyond the policy, not past its end, and its account active. A session found lapsed is ended
    here (an idle one with a ``session_expired`` row in the audit trail). ``activity``: this run was
    asked for by the session's person (a click, a page), not by the live map's refresh; it keeps the
    session from going idle. Every run of a display account's session counts as its use."""
    if not token:
        return SessionCheck(None)
    policy = policy or AccessPolicy.from_env()
    with store.reading() as con:
        session = _open_session(con, token)
        if session is None:
            return SessionCheck(None)
        user = read_user(con, session["username"])
    lapse = _lapse(session, now, policy)
    if lapse:
        return SessionCheck(None, _end(store, session, now, lapse))
    if user is None or not user.active:
        return SessionCheck(None, _end(store, session, now, "account"))
    if (activity or user.role == DISPLAY_ROLE) and now - session["last_active_at"] >= TOUCH_EVERY:
        with store.writing(ACCOUNTS_CLAIM) as con:
            run(con, "sessions_touch", {"session_id": session["session_id"], "now": now})
    return SessionCheck(user)


def end(store: Store, token: str | None, now: datetime) -> None:
    """Sign out: end the session of ``token`` (if open) with a ``sign_out`` row in the audit trail."""
    if not token:
        return
    with store.reading() as con:
        session = _open_session(con, token)
    if session is not None:
        _end(store, session, now, "sign_out")


# The audit row each way of ending writes (an account disabled has its own row, written by the change).
_END_EVENTS = {"sign_out": "sign_out", "idle": "session_expired", "expired": "session_expired", "account": None}


def _end(store: Store, session, now: datetime, reason: str) -> str:
    with store.writing(ACCOUNTS_CLAIM) as con:
        ended = run(con, "sessions_end", {"session_id": session["session_id"], "now": now, "reason": reason})
        if ended.iat[0, 0] and _END_EVENTS[reason]:  # not already ended by another run of the same browser
            record_event(con, _END_EVENTS[reason], session["username"], {"reason": reason}, source="dashboard", at=now)
    return reason
