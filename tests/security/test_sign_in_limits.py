"""Sign-in limits beyond an account's lockout (issue 16 F): attempts per client address, one password hash at a
time, and the websocket guard's rules on what a client may send before and after a sign-in."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from dashboard import server
from queries import sessions
from queries.access import AccessPolicy, ClientThrottle, Grant, add_user, authenticate, passwords, read_audit
from queries.clock import beijing_now
from tests.conftest import PASSWORD

NOW = datetime(2026, 11, 30, 9, 0)


@pytest.fixture
def accounts(store):
    add_user(store, "ana", PASSWORD, "analyst", grants=[Grant("all")], actor="admin", source="cli", now=NOW)
    return store


def test_a_client_past_its_attempts_a_minute_is_refused_before_any_hash(accounts, monkeypatch):
    verified = []
    real_verify = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda *args: verified.append(1) or real_verify(*args))
    policy, throttle = AccessPolicy(client_attempts=3, max_failures=100), ClientThrottle()
    outcomes = [authenticate(accounts, f"name{n}", "a wrong password", NOW + timedelta(seconds=n), policy=policy,
                             client="10.0.0.7", throttle=throttle).outcome for n in range(5)]
    assert outcomes == ["wrong", "wrong", "wrong", "throttled", "throttled"] and len(verified) == 3
    # another address is not held back; the first one is again after a minute
    assert authenticate(accounts, "ana", PASSWORD, NOW + timedelta(seconds=5), policy=policy, client="10.0.0.8",
                        throttle=throttle).outcome == "ok"
    assert authenticate(accounts, "ana", PASSWORD, NOW + timedelta(seconds=61), policy=policy, client="10.0.0.7",
                        throttle=throttle).outcome == "ok"
    throttled = read_audit(accounts, kind="sign_in_failed")
    assert throttled["details"].str.contains('"throttled"').sum() == 1  # one row for the minute, not one per attempt
    assert throttled["details"].str.contains('"client": "10.0.0.7"').all()


def test_the_client_limit_is_read_from_the_environment():
    assert AccessPolicy.from_env({"CORDON_SIGNIN_CLIENT_PER_MIN": "4"}).client_attempts == 4
    assert AccessPolicy.from_env({"CORDON_SESSION_MAX_HOURS": "2"}).session_max == timedelta(hours=2)
    with pytest.raises(ValueError, match="CORDON_SIGNIN_CLIENT_PER_MIN must be a whole number"):
        AccessPolicy.from_env({"CORDON_SIGNIN_CLIENT_PER_MIN": "many"})


def test_password_hashes_are_computed_one_at_a_time(accounts, monkeypatch):
    running, most = [], []
    real_verify = passwords.verify

    def counted(*args):
        running.append(1)
        most.append(len(running))
        time.sleep(0.05)  # long enough for the other threads to arrive
        running.pop()
        return real_verify(*args)

    monkeypatch.setattr(passwords, "verify", counted)
    threads = [threading.Thread(target=authenticate, args=(accounts, "ana", "a wrong password", NOW),
                                kwargs={"policy": AccessPolicy(max_failures=100)}) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(most) == 4 and max(most) == 1


def _message(kind: str) -> bytes:
    message = BackMsg()
    if kind == "rerun_script":
        message.rerun_script.query_string = ""
    elif kind == "file_urls_request":
        message.file_urls_request.request_id = "upload-1"
    else:
        setattr(message, kind, True)
    return message.SerializeToString()


def _through_guard(cookie: str | None, kinds: list[str]) -> list:
    """What Streamlit's websocket endpoint would get from a client that connects (with ``cookie``, asking to
    reconnect to a session id) and sends messages of ``kinds``: its protocols header, then each message's kind."""
    headers = [(b"sec-websocket-protocol", b"streamlit, xsrf, 0123-session-id")]
    if cookie:
        headers.append((b"cookie", f"{sessions.SESSION_COOKIE}={cookie}".encode()))
    scope = {"type": "websocket", "path": "/_stcore/stream", "headers": headers, "query_string": b""}
    incoming = [{"type": "websocket.receive", "bytes": _message(kind)} for kind in kinds]
    incoming.append({"type": "websocket.disconnect", "code": 1000})
    got = []

    async def endpoint(scope, receive, send):
        got.append(dict(scope["headers"])[b"sec-websocket-protocol"].decode())
        while (message := await receive())["type"] != "websocket.disconnect":
            got.append(server.back_message_type(message["bytes"]))

    async def receive():
        return incoming.pop(0)

    async def send(message):
        pass

    with ThreadPoolExecutor(1) as thread:  # an event loop of its own, whatever runs in this thread
        thread.submit(asyncio.run, server.WebSocketGuard(endpoint)(scope, receive, send)).result()
    return got


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_websocket_guard_passes_only_what_a_client_may_send(store, monkeypatch, signed_in):
    monkeypatch.setenv("CORDON_DB", str(store.path))
    token = None
    if signed_in:
        add_user(store, "ana", PASSWORD, "analyst", grants=[Grant("all")], actor="admin", source="cli", now=NOW)
        now = beijing_now()
        token = sessions.redeem(store, sessions.start(store, "ana", now), now)
    got = _through_guard(token, ["clear_cache", "set_run_on_save", "load_git_info", "file_urls_request",
                                 "app_heartbeat", "rerun_script"])
    if signed_in:  # its own session may be resumed after a reconnect
        assert got == ["streamlit, xsrf, 0123-session-id", "file_urls_request", "app_heartbeat", "rerun_script"]
    else:  # a new session of its own, and only what the sign-in page needs
        assert got == ["streamlit, xsrf", "app_heartbeat", "rerun_script"]


def test_an_ended_session_s_cookie_counts_as_none(store, monkeypatch):
    monkeypatch.setenv("CORDON_DB", str(store.path))
    add_user(store, "ana", PASSWORD, "analyst", grants=[Grant("all")], actor="admin", source="cli", now=NOW)
    now = beijing_now()
    token = sessions.redeem(store, sessions.start(store, "ana", now), now)
    sessions.end(store, token, now)
    assert _through_guard(token, ["file_urls_request", "rerun_script"]) == ["streamlit, xsrf", "rerun_script"]


def test_session_ids_in_streamlits_log_are_replaced_by_a_digest():
    import logging

    class Kept(logging.Handler):  # Streamlit's loggers do not propagate: listen on the logger itself
        def __init__(self):
            super().__init__()
            self.lines = []

        def emit(self, record):
            self.lines.append(record.getMessage())

    server.redact_session_ids()
    logger, kept = logging.getLogger("streamlit.runtime.websocket_session_manager"), Kept()
    logger.addHandler(kept)
    session_id = "3f0c2a9e-8b1d-4c57-9a43-0e6d2b7f1c88"
    try:
        logger.warning("Session with id %s is already connected! Reconnecting to existing session.", session_id)
    finally:
        logger.removeHandler(kept)
    (line,) = kept.lines
    assert session_id not in line and line.startswith("Session with id session#")
