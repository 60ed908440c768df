"""A Streamlit client without a browser, speaking the websocket protocol by hand as an attacker's script
does: it can leave out the cookie and the Origin header, or ask to reconnect to someone's session id."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from queries import sessions


@dataclass
class Seen:
    """What the server sent a client, decoded: headings, metrics (label → value), and the session's id."""

    session_id: str | None = None
    events: list[tuple[str, str, str]] = field(default_factory=list)  # ("heading", text, "") or ("metric", label, value)
    runs_finished: int = 0  # runs that ended, a run cut short for another (st.rerun) not counted
    refresh_fragment: str | None = None  # the fragment the server asked the browser to rerun on a timer

    @property
    def headings(self) -> list[str]:
        return [text for kind, text, _ in self.events if kind == "heading"]

    def metric(self, label: str) -> list[str]:
        return [value for kind, name, value in self.events if kind == "metric" and name == label]

    def after(self, heading: str) -> list[tuple[str, str, str]]:
        """The events after the last ``heading``."""
        last = max(i for i, (kind, text, _) in enumerate(self.events) if kind == "heading" and text == heading)
        return self.events[last + 1:]


class RawClient:
    """One websocket connection to a Cordon server at ``base_url`` (http://host:port)."""

    def __init__(self, base_url: str, *, token: str | None = None, reconnect_to: str | None = None) -> None:
        headers = {"Cookie": f"{sessions.SESSION_COOKIE}={token}"} if token else None
        protocols = ["streamlit", "xsrf"] + ([reconnect_to] if reconnect_to else [])
        self.ws = connect(base_url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=protocols,
                          additional_headers=headers, origin=None, open_timeout=30, max_size=None,
                          legacy=True)  # a connection to hold, not a context manager
        self.seen = Seen()

    def send(self, kind: str, **client_state) -> None:
        """Send a back message of ``kind`` (rerun_script with ``query_string=...``, clear_cache, ...)."""
        message = BackMsg()
        if kind == "rerun_script":
            message.rerun_script.query_string = client_state.get("query_string", "")
            message.rerun_script.page_name = client_state.get("page_name", "")
            if client_state.get("fragment_id"):
                message.rerun_script.fragment_id = client_state["fragment_id"]
                message.rerun_script.is_auto_rerun = True
        elif kind == "clear_cache":
            message.clear_cache = True
        elif kind == "app_heartbeat":
            message.app_heartbeat = True
        else:
            raise ValueError(f"this client does not send {kind!r}")
        self.ws.send(message.SerializeToString())

    def refresh(self, query_string: str) -> None:
        """What the browser does on the live map's timer: rerun the refreshing fragment."""
        assert self.seen.refresh_fragment, "the server asked for no refresh"
        self.send("rerun_script", query_string=query_string, fragment_id=self.seen.refresh_fragment)

    def read_until(self, done: Callable[[Seen], bool], limit_s: float = 90) -> Seen:
        """Read what the server sends until ``done(seen)`` or ``limit_s`` seconds without it (then return
        anyway: the caller's assertion says what was missing); a closed connection ends the reading."""
        give_up = time.monotonic() + limit_s
        while not done(self.seen) and time.monotonic() < give_up:
            try:
                data = self.ws.recv(timeout=max(0.1, give_up - time.monotonic()))
            except TimeoutError:
                break
            except ConnectionClosed:
                break
            self._record(data)
        return self.seen

    def _record(self, data: bytes) -> None:
        message = ForwardMsg()
        message.ParseFromString(data)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.seen.session_id = message.new_session.initialize.session_id
        elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.seen.runs_finished += 1
        elif kind == "auto_rerun":
            self.seen.refresh_fragment = message.auto_rerun.fragment_id
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "heading":
                self.seen.events.append(("heading", element.heading.body, ""))
            elif element.WhichOneof("type") == "metric":
                self.seen.events.append(("metric", element.metric.label, element.metric.body))

    def close(self) -> None:
        self.ws.close()
