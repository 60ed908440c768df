"""A headless browser on Cordon's live map, for bench/bench_capacity.py: one session over Streamlit's own
websocket protocol (``/_stcore/stream``, the protobuf ``BackMsg``/``ForwardMsg`` of ``streamlit.proto``, over the
``websockets`` package that Streamlit ships with).

It carries the cookie of a session of its own (made by the caller), opens the live map (a full run of the page)
and then does what the browser's timer does: every interval of the fragment's ``auto_rerun`` message, on a fixed
beat whether or not the last refresh has come back, it sends the fragment's rerun (``is_auto_rerun``), with the
hashes of the cached messages it holds, as the browser does (so an unchanged deck comes back as a reference to
it). It sends no widget states: the fragment draws the view of the page's first run, which they do not change.

The **latency** of a refresh runs from sending it to the ``script_finished`` of the run that served it (the
first run that started after it was sent). A refresh counts only if that run ended as a successful fragment run
with no exception on the page and drew the map: the deck arrived (or a reference to a deck already sent), and
the first run's deck had the records' layer (:data:`RECORDS_LAYER`), so the page is the live map and not the
sign-in screen.
"""

from __future__ import annotations

import asyncio
import json
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from queries import sessions

RECORDS_LAYER = "hexagons"  # the default view's records layer: a deck that has it is the live map's
STREAM_PATH = "/_stcore/stream"
FRAGMENT_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
PAGE_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
OPEN_TIMEOUT_S = 120.0  # the live map's first run, for every client of a step


def _deck_layers(spec: str) -> set[str]:
    return {layer.get("id") for layer in json.loads(spec).get("layers", [])}


class LiveMapClient:
    """One browser's live map over Streamlit's websocket: opens the page, then refreshes the fragment on the
    server's beat and times each refresh (see the module's docstring)."""

    def __init__(self, url: str, token: str, query: str) -> None:
        self.ws_url = url.replace("http://", "ws://", 1) + STREAM_PATH
        self.token, self.query = token, query
        self.cached: set[str] = set()  # hashes of the cacheable messages received, sent back with each rerun
        self.decks: set[str] = set()  # hashes of the deck messages received
        self.page_hash = ""
        self.fragment_id, self.interval_s = "", 0.0
        self.beat = 0.0  # when the timer was set: the first run's auto_rerun message, as in the browser
        self.pending: list[float] = []  # send times of refreshes not yet served by a run
        self.in_run: list[float] = []  # those the current run serves (sent before it started)
        self.run_problem: str | None = None  # what the current run showed instead of the live map
        self.run_deck = False
        self.timed: list[tuple[float, float]] = []  # (sent, latency) of refreshes that drew the map
        self.failed: list[tuple[float, str]] = []  # (sent, what went wrong)
        self.opened: float | None = None  # seconds, the first run of the page
        self.open_error: str | None = None
        self.opened_event = asyncio.Event()

    def _rerun(self, fragment: bool) -> bytes:
        message = BackMsg()
        state = message.rerun_script
        state.query_string, state.page_script_hash = self.query, self.page_hash
        state.cached_message_hashes.extend(sorted(self.cached))
        if fragment:
            state.fragment_id, state.is_auto_rerun = self.fragment_id, True
        return message.SerializeToString()

    def _receive(self, message: ForwardMsg, first: bool) -> str | None:
        """Take one message in; what went wrong with the run it ends, or None (also while it goes on)."""
        kind = message.WhichOneof("type")
        if message.metadata.cacheable and message.hash:
            self.cached.add(message.hash)
        if kind == "new_session":
            self.page_hash = message.new_session.page_script_hash
        elif kind == "session_status_changed" and message.session_status_changed.script_is_running:
            started = time.monotonic()
            self.in_run += [sent for sent in self.pending if sent <= started]
            self.pending = [sent for sent in self.pending if sent > started]
            self.run_problem, self.run_deck = None, False
        elif kind == "auto_rerun" and message.auto_rerun.interval != self.interval_s:
            self.fragment_id, self.interval_s = message.auto_rerun.fragment_id, message.auto_rerun.interval
            self.beat = time.monotonic()
        elif kind == "ref_hash":
            self.run_deck = self.run_deck or message.ref_hash in self.decks
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            shown = element.WhichOneof("type")
            if shown == "exception":
                self.run_problem = f"an exception: {element.exception.type}: {element.exception.message[:200]}"
            elif shown == "alert" and element.alert.format == element.alert.ERROR:
                self.run_problem = f"an error on the page: {element.alert.body[:200]}"
            elif shown == "deck_gl_json_chart":
                self.decks.add(message.hash)
                self.run_deck = True
                if first and RECORDS_LAYER not in _deck_layers(element.deck_gl_json_chart.json):
                    self.run_problem = f"a map without the {RECORDS_LAYER!r} layer (the sign-in page?)"
        elif kind == "script_finished":
            expected = PAGE_DONE if first else FRAGMENT_DONE
            if message.script_finished != expected:
                return f"the run ended {ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)}"
            if self.run_problem:
                return f"the run showed {self.run_problem}"
            return None if self.run_deck else "the run sent no map"
        return None

    async def run(self, delay_s: float, stop: asyncio.Event) -> None:
        """Open the live map after ``delay_s``, then refresh it until ``stop``; the outcome is kept on self."""
        await asyncio.sleep(delay_s)
        headers = {"Cookie": f"{sessions.SESSION_COOKIE}={self.token}"}
        try:
            async with connect(self.ws_url, subprotocols=["streamlit"], additional_headers=headers, max_size=None,
                               open_timeout=OPEN_TIMEOUT_S, ping_interval=None) as ws:
                started = time.monotonic()
                await ws.send(self._rerun(fragment=False))
                await self._serve(ws, first=True, started=started)
                if self.open_error is None:
                    ticker = asyncio.create_task(self._tick(ws, stop))
                    await asyncio.wait([asyncio.create_task(self._serve(ws, first=False, started=started)),
                                        asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
                    ticker.cancel()
        except Exception as error:  # noqa: BLE001 - a client that breaks is reported, not raised
            self.open_error = self.open_error or f"{type(error).__name__}: {error}"
        finally:
            self.opened_event.set()
            self.failed += [(sent, "no answer") for sent in self.pending + self.in_run]

    async def _serve(self, ws, first: bool, started: float) -> None:
        """Read messages: the first run's (then return), or the refreshes' until the connection ends."""
        async for data in ws:
            message = ForwardMsg()
            message.ParseFromString(data)
            problem = self._receive(message, first)
            if message.WhichOneof("type") != "script_finished":
                continue
            now = time.monotonic()
            if first:
                self.opened, self.open_error = now - started, problem
                if not problem and not self.fragment_id:
                    self.open_error = "the page asked for no refresh (no auto_rerun message)"
                self.opened_event.set()
                return
            for sent in self.in_run:
                if problem:
                    self.failed.append((sent, problem))
                else:
                    self.timed.append((sent, now - sent))
            self.in_run = []

    async def _tick(self, ws, stop: asyncio.Event) -> None:
        """The browser's timer (a ``setInterval``): a refresh every interval on a fixed beat."""
        beat = self.beat
        while not stop.is_set():
            beat += self.interval_s
            await asyncio.sleep(max(0.0, beat - time.monotonic()))
            if stop.is_set():
                return
            self.pending.append(time.monotonic())
            await ws.send(self._rerun(fragment=True))
