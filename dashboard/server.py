"""What Cordon adds to Streamlit's server (dashboard/app.py mounts it with ``st.App``): the session
routes that set and clear the HttpOnly session cookie, a guard on the websocket, and logs without
Streamlit's session ids.

* ``GET /cordon/session?ticket=…&next=…`` trades a sign-in's one-time ticket for the session's token
  (``queries.sessions.redeem``) in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS, also behind a
  proxy that says ``X-Forwarded-Proto: https``) and sends the browser back to ``next``, a path of this
  site. ``GET /cordon/sign-out`` ends the cookie's session and drops the cookie.
* The websocket guard (:class:`WebSocketGuard`) lets a client without an open session send only what
  the sign-in page needs (:data:`SIGNED_OUT_MESSAGES`), and nobody send Streamlit's server-wide
  messages (``clear_cache`` empties every user's caches); it drops a request to reconnect to an
  existing Streamlit session from a client without an open session.
* :func:`redact_session_ids`: Streamlit logs session ids on reconnects; the log shows a digest instead.
"""

from __future__ import annotations

import hashlib
import logging
import re
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse
from starlette.routing import Route
from streamlit.proto.BackMsg_pb2 import BackMsg

from dashboard.config import db_path
from queries import sessions
from queries.access import AccessPolicy
from queries.clock import beijing_now
from queries.store import Store, StoreError
from queries.stores import open_store

SESSION_ROUTE = "/cordon/session"
SIGN_OUT_ROUTE = "/cordon/sign-out"
LOG = logging.getLogger(__name__)

# Streamlit's back messages (streamlit/proto/BackMsg.proto) that a client may send. Before a sign-in: run
# the page (the form), stop a run and keep the connection alive. After it, also what file uploads and
# large tables need. Never: clear_cache (it empties every user's caches), set_run_on_save, load_git_info
# and the debug messages, none of which a site's users need.
SIGNED_OUT_MESSAGES = frozenset({"rerun_script", "stop_script", "app_heartbeat"})
SIGNED_IN_MESSAGES = SIGNED_OUT_MESSAGES | {"file_urls_request", "backend_operation_request"}


def session_url(ticket: str, next_path: str) -> str:
    """The session route's address for ``ticket``, leading back to ``next_path``; every character is
    URL-safe (the next path percent-encoded whole), so that it can be written into a script."""
    return f"{SESSION_ROUTE}?{urlencode({'ticket': ticket, 'next': next_path}, quote_via=quote, safe='')}"


def safe_next(next_path: str | None) -> str:
    """``next_path`` when it is a path of this site ("/analysis?…"), else "/": the session route never
    sends a browser to another site."""
    if not next_path or not next_path.startswith("/") or next_path.startswith(("//", "/\\")) or any(
        ord(char) < 32 for char in next_path
    ):
        return "/"
    return next_path


def _store() -> Store:
    return open_store(db_path())


def _redirect(request: Request, to: str) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


async def start_session(request: Request) -> RedirectResponse:
    """Trade the ticket for the session cookie and go back to the page; a used, expired or unknown ticket
    just goes back (the page then asks for a sign-in again)."""
    response = _redirect(request, safe_next(request.query_params.get("next")))
    try:
        token = await run_in_threadpool(sessions.redeem, _store(), request.query_params.get("ticket", ""),
                                        beijing_now())
    except (StoreError, OSError) as error:
        LOG.warning("session route: the store could not be read (%s)", error)
        return response
    if token:
        # kept as long as the longest session may last (a display's); each ends on the server at its own end
        response.set_cookie(sessions.SESSION_COOKIE, token,
                            max_age=int(AccessPolicy.from_env().longest_session.total_seconds()),
                            path="/", httponly=True, samesite="strict", secure=_secure(request))
    return response


async def end_session(request: Request) -> RedirectResponse:
    """End the cookie's session (if the page has not already) and drop the cookie."""
    try:
        await run_in_threadpool(sessions.end, _store(), request.cookies.get(sessions.SESSION_COOKIE), beijing_now())
    except (StoreError, OSError) as error:
        LOG.warning("sign-out route: the store could not be written (%s)", error)
    response = _redirect(request, "/")
    response.delete_cookie(sessions.SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=_secure(request))
    return response


def routes() -> list[Route]:
    """Cordon's HTTP routes beside Streamlit's."""
    return [Route(SESSION_ROUTE, start_session, methods=["GET"]), Route(SIGN_OUT_ROUTE, end_session, methods=["GET"])]


def back_message_type(data: bytes) -> str | None:
    """The kind of a Streamlit back message (None for bytes that are not one: Streamlit refuses those)."""
    message = BackMsg()
    try:
        message.ParseFromString(data)
    except Exception:  # noqa: BLE001 - protobuf raises its own DecodeError and others for garbage
        return None
    return message.WhichOneof("type")


def _without_reconnect(scope: dict) -> dict:
    """The websocket ``scope`` without the id of an existing Streamlit session to reconnect to (the third
    entry of Sec-WebSocket-Protocol): such a client gets a new session of its own."""
    headers = []
    for name, value in scope["headers"]:
        if name == b"sec-websocket-protocol":
            value = b", ".join([part.strip() for part in value.split(b",")][:2])
        headers.append((name, value))
    return {**scope, "headers": headers}


class WebSocketGuard:
    """ASGI middleware on Streamlit's websocket: what a client may send depends on whether its connection
    carries the cookie of an open session (checked once, when it connects)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        token = HTTPConnection(scope).cookies.get(sessions.SESSION_COOKIE)
        try:
            signed_in = await run_in_threadpool(sessions.is_open, _store(), token, beijing_now())
        except (StoreError, OSError):
            signed_in = False
        if not signed_in:
            scope = _without_reconnect(scope)
        allowed = SIGNED_IN_MESSAGES if signed_in else SIGNED_OUT_MESSAGES

        async def guarded_receive():
            while True:
                message = await receive()
                if message["type"] == "websocket.receive" and message.get("bytes") is not None:
                    kind = back_message_type(message["bytes"])
                    if kind is not None and kind not in allowed:
                        LOG.warning("dropped a %r message from a %s client", kind,
                                    "signed-in" if signed_in else "signed-out")
                        continue
                return message

        await self.app(scope, guarded_receive, send)


def middleware() -> list[Middleware]:
    """Cordon's middleware, run before Streamlit's own."""
    return [Middleware(WebSocketGuard)]


_SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class SessionIdRedactor(logging.Filter):
    """Replaces each Streamlit session id (a UUID) in a log record by a short digest: enough to follow one
    session through the log, not enough to reconnect to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SESSION_ID.sub(lambda m: "session#" + hashlib.sha256(m.group().encode()).hexdigest()[:10], message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


# The loggers of Streamlit's that write session ids.
SESSION_ID_LOGGERS = ("streamlit.runtime.websocket_session_manager", "streamlit.runtime.app_session",
                      "streamlit.runtime.runtime", "streamlit.runtime.media_file_manager",
                      "streamlit.web.server.starlette.starlette_websocket")


def redact_session_ids() -> None:
    """Put :class:`SessionIdRedactor` on the loggers that write session ids (once)."""
    for name in SESSION_ID_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, SessionIdRedactor) for existing in logger.filters):
            logger.addFilter(SessionIdRedactor())
