"""The Import page's should_stop: true once the browser session that uploaded the file has ended."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dashboard.screens import import_records
from queries.ingest.files import never_stop


class Server:
    """Streamlit's runtime as far as the page asks it: which sessions are active."""

    def __init__(self, active: set[str]):
        self.active = active

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.active


@pytest.fixture
def served(monkeypatch):
    """A run of the page in session 's1' of a server; the server and the run's yield checks."""
    server, yields = Server({"s1"}), []
    run = SimpleNamespace(session_id="s1", yield_check=lambda: yields.append(True))
    monkeypatch.setattr(import_records.runtime, "exists", lambda: True)
    monkeypatch.setattr(import_records.runtime, "get_instance", lambda: server)
    monkeypatch.setattr(import_records, "get_script_run_ctx", lambda suppress_warning=False: run)
    return server, yields


def test_the_work_stops_once_the_uploaders_session_has_ended(served):
    server, yields = served
    should_stop = import_records.session_ended()
    assert should_stop() is False
    server.active.clear()  # the tab closed: Streamlit drops the session from its active ones
    assert should_stop() is True
    assert len(yields) == 2  # each question lets Streamlit end the run for a rerun or stop it asked for


def test_work_nobody_can_leave_never_stops(served, monkeypatch):
    server, _ = served
    server.active.clear()  # not a browser's session (a script, a test)
    assert import_records.session_ended() is never_stop
    monkeypatch.setattr(import_records.runtime, "exists", lambda: False)
    assert import_records.session_ended() is never_stop
