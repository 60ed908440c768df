"""Capacity: how many live-map sessions one dashboard process holds at a 5 s refresh, and what two replicas hold.

Run: ``python bench/bench_capacity.py [--db PATH_OR_URL [--data-path DIR]] [--rows 200000]
[--sessions 1,2,4,8,16,32,48,64,96,128] [--replicas 1,2] [--window-s 30]``. Without ``--db`` it seeds ``--rows`` demo seizures into a store in a
temporary folder; with it, the servers are given ``--db`` as ``CORDON_DB`` as it is (a file or a lake URL).
For each replica count it starts that many Streamlit processes on the one store (tests/e2e/conftest.py
``start_app``), then ramps the number of sessions until the refresh's p95 goes over
:data:`P95_TARGET_S` (or a refresh fails), and stops its servers.

A session is a headless client of Streamlit's own websocket protocol (``/_stcore/stream``, the protobuf
``BackMsg``/``ForwardMsg`` of ``streamlit.proto``, over the ``websockets`` package that Streamlit ships with),
clients alternating between the replicas. Each carries the cookie of a session of its own account
(``queries.sessions.start``/``redeem``, as the session route would), opens the live map (a full run of the
page) and then does what the browser's timer does: every interval of the fragment's ``auto_rerun`` message, on
a fixed beat whether or not the last refresh has come back, it sends the fragment's rerun
(``is_auto_rerun``), with the hashes of the cached messages it holds, as the browser does (so an unchanged deck
comes back as a reference to it). It sends no widget states: the fragment draws the view of the page's first
run, which they do not change. The clients start spread evenly over one refresh interval, as browsers opened
at different moments are.

* **Latency** of a refresh: from sending it to the ``script_finished`` of the run that served it (the first
  run that started after it was sent). A refresh counts only if that run ended as a successful fragment
  run with no exception on the page and drew the map: the deck arrived (or a reference to a deck already
  sent), and the first run's deck had the records' layer (:data:`RECORDS_LAYER`), so the page is the live
  map and not the sign-in screen.
* **Server CPU**: the servers' user + system time from ``/proc/<pid>/stat`` over the steady window (after
  every client has opened the map and refreshed once), per second of window (cores) and per session.
* The clients' own CPU (this process) and the other processes' (the machine's busy time from ``/proc/stat`` less
  the servers' and the clients'), over the same window: on a shared machine the others' share is what the
  servers did not get, and says how far a step's figures are the server's own. Before each step the bench waits
  (``--quiet-cores``, ``--quiet-wait-s``) for the others to quiet down; ``--niceness -10`` (as root) lets the
  servers and clients take the cores before other work does.

Writes the table to bench/results/capacity.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from dashboard.state import View
from queries import sessions
from queries.access import Grant, add_user, read_user
from queries.clock import beijing_now
from queries.store import Store, using_data_path
from queries.stores import open_store

USER, PASSWORD = "capacity", "a long passphrase for load testing"
P95_TARGET_S = 1.0  # a refresh must come back within this, at the 95th percentile
RECORDS_LAYER = "hexagons"  # the default view's records layer: a deck that has it is the live map's
STREAM_PATH = "/_stcore/stream"
FRAGMENT_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
PAGE_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
GRACE_S = 10.0  # after the window, how long a refresh sent in it may still take before it counts as lost
QUIET_SAMPLE_S = 5.0  # how long the machine's busy time is sampled before a step
OPEN_TIMEOUT_S = 120.0  # the live map's first run, for every client of a step
SEED_END = datetime(2026, 11, 29, 12)
RESULTS = ROOT / "bench" / "results" / "capacity.md"


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile of ``values`` (linear between ranks, as numpy computes it); nan for none."""
    return float(np.percentile(values, q)) if values else float("nan")


def cpu_seconds(stat: str) -> float:
    """A process's user + system CPU time in seconds, from the text of its ``/proc/<pid>/stat`` (fields 14 and 15;
    the command name before them is in parentheses and may hold spaces)."""
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_seconds(stat: str) -> float:
    """The CPU time all processes have used (every core's time but idle and I/O wait), in seconds, from the text
    of ``/proc/stat`` (its first line: user nice system idle iowait irq softirq steal …, in clock ticks)."""
    ticks = [int(value) for value in stat.splitlines()[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """The CPU seconds every process on this machine has used so far."""
    return busy_seconds(Path("/proc/stat").read_text())


def process_cpu(pids: list[int]) -> float:
    """The CPU seconds the processes ``pids`` have used so far."""
    return sum(cpu_seconds(Path(f"/proc/{pid}/stat").read_text()) for pid in pids)


def children() -> set[int]:
    """The ids of this process's child processes (the servers it started)."""
    return {int(pid) for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()}


@dataclass
class Step:
    """One step of the ramp: ``sessions`` clients spread over ``replicas`` servers, what they measured in the
    window, and what the servers and the clients used."""

    replicas: int
    sessions: int
    window_s: float
    latencies: list[float] = field(default_factory=list)  # seconds, refreshes sent in the window that drew the map
    opens: list[float] = field(default_factory=list)  # seconds, each client's first run of the page
    failures: list[str] = field(default_factory=list)  # refreshes that failed, came back without the map, or never
    interval_s: float = 0.0  # the refresh interval the server asked for
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    machine_cpu_s: float = 0.0  # every process's, the servers' and clients' included

    def holds(self) -> bool:
        """Whether the servers held this many sessions: every refresh of the window drew the map, with a p95
        of at most :data:`P95_TARGET_S`."""
        return bool(self.latencies) and not self.failures and percentile(self.latencies, 95) <= P95_TARGET_S

    def row(self) -> str:
        cores = self.server_cpu_s / self.window_s
        lat = [1000 * value for value in self.latencies]
        return (f"| {self.replicas} | {self.sessions} | {self.interval_s:g} | {len(self.latencies)} | "
                f"{len(self.failures)} | {percentile(lat, 50):,.0f} | **{percentile(lat, 95):,.0f}** | "
                f"{max(lat, default=float('nan')):,.0f} | {statistics.median(self.opens) if self.opens else 0:.2f} | "
                f"{cores:.2f} | {100 * cores / self.sessions:.1f} | "
                f"{1000 * self.server_cpu_s / max(len(self.latencies), 1):,.0f} | "
                f"{self.client_cpu_s / self.window_s:.2f} | {self.others_cpu_s / self.window_s:.2f} | "
                f"{'yes' if self.holds() else '**no**'} |")

    @property
    def others_cpu_s(self) -> float:
        """The CPU time of every other process on the machine in the window."""
        return max(0.0, self.machine_cpu_s - self.server_cpu_s - self.client_cpu_s)


HEADER = ("| replicas | sessions | refresh s | refreshes | failed | p50 ms | p95 ms | max ms | open s (median) "
          "| server CPU (cores) | server CPU per session (% of a core) | server CPU per refresh ms "
          "| clients' CPU (cores) | other processes' CPU (cores) | holds |\n"
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")


def capacity(steps: list[Step]) -> int:
    """The most sessions of a ramp that held, counting only up to its first step that did not (0: none held)."""
    held = 0
    for step in steps:
        if not step.holds():
            break
        held = step.sessions
    return held


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


async def run_step(step: Step, urls: list[str], tokens: list[str], query: str, spread_s: float,
                   servers: list[int]) -> None:
    """``step.sessions`` clients on ``urls`` (alternating), spread over ``spread_s``; the window measured once
    every one has opened the map and had time for a refresh."""
    clients = [LiveMapClient(urls[i % len(urls)], tokens[i], query) for i in range(step.sessions)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(client.run(spread_s * i / step.sessions, stop)) for i, client in enumerate(clients)]
    await asyncio.wait_for(asyncio.gather(*(client.opened_event.wait() for client in clients)),
                           OPEN_TIMEOUT_S + spread_s)
    await asyncio.sleep(max((client.interval_s for client in clients), default=0) + 1)
    cpu, mine, everyone, start = process_cpu(servers), time.process_time(), machine_cpu(), time.monotonic()
    await asyncio.sleep(step.window_s)
    end = time.monotonic()
    step.server_cpu_s, step.client_cpu_s = process_cpu(servers) - cpu, time.process_time() - mine
    step.machine_cpu_s = machine_cpu() - everyone
    await asyncio.sleep(GRACE_S)
    stop.set()
    await asyncio.gather(*tasks)
    for client in clients:
        if client.open_error:
            step.failures.append(f"open: {client.open_error}")
        if client.opened is not None:
            step.opens.append(client.opened)
        step.interval_s = max(step.interval_s, client.interval_s)
        step.latencies += [latency for sent, latency in client.timed if start <= sent <= end]
        step.failures += [problem for sent, problem in client.failed if start <= sent <= end]


def seeded_store(folder: Path, rows: int) -> str:
    """A file store of ``rows`` demo seizures in ``folder``."""
    from geodata.demo_geography import demo_geography
    from queries.seed import seed

    path = folder / "cordon.duckdb"
    started = time.perf_counter()
    seed(Store(path), demo_geography(), rows=rows, seed=1, end=SEED_END)
    print(f"seeded {rows:,} seizures in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return str(path)


def session_tokens(db: str, count: int) -> list[str]:
    """``count`` session cookies of the bench's planner account (made if missing), one per client."""
    store = open_store(db)
    with store.reading() as con:
        made = read_user(con, USER) is not None  # by an earlier run on this store
    if not made:
        add_user(store, USER, PASSWORD, "planner", grants=[Grant("all")], actor="os:bench", source="cli",
                 now=beijing_now())
    now = beijing_now()
    return [sessions.redeem(store, sessions.start(store, USER, now), now) for _ in range(count)]


def wait_for_quiet(most_cores: float, limit_s: float) -> None:
    """Before a step, while the servers sit idle: wait (at most ``limit_s``) until the other processes of this
    shared machine use at most ``most_cores`` over :data:`QUIET_SAMPLE_S`, so that they take less from the step."""
    waited = time.monotonic()
    while True:
        before = machine_cpu()
        time.sleep(QUIET_SAMPLE_S)
        busy = (machine_cpu() - before) / QUIET_SAMPLE_S
        if busy <= most_cores or time.monotonic() - waited >= limit_s:
            return
        print(f"    others use {busy:.1f} cores: waiting for at most {most_cores:g}", file=sys.stderr)


def ramp(db: str, replicas: int, counts: list[int], args) -> list[Step]:
    """Start ``replicas`` servers on ``db``, ramp the sessions through ``counts`` until a step does not hold."""
    from tests.e2e.conftest import start_app

    tokens = session_tokens(db, max(counts))
    steps: list[Step] = []
    with ExitStack() as stack:
        urls, pids = [], []
        for _ in range(replicas):
            before = children()
            urls.append(stack.enter_context(start_app(db)))
            pids += sorted(children() - before)
        for count in counts:
            wait_for_quiet(args.quiet_cores, args.quiet_wait_s)
            step = Step(replicas, count, args.window_s)
            # the clients start spread over the default view's refresh interval
            asyncio.run(run_step(step, urls, tokens, args.view, spread_s=View.refresh, servers=pids))
            steps.append(step)
            print(step.row(), flush=True)
            for problem in sorted(set(step.failures))[:5]:
                print(f"    {problem}", file=sys.stderr)
            if not step.holds():
                break
    return steps


def report(steps: list[Step], args, db_label: str) -> str:
    title = (f"Live-map capacity ({datetime.now():%Y-%m-%d %H:%M}; {os.cpu_count()} cores; {db_label}; "
             f"window {args.window_s:g} s; p95 target {P95_TARGET_S:g} s)")
    command = " ".join(["python bench/bench_capacity.py", *sys.argv[1:]])
    lines = [title, "", f"`{command}`", "", HEADER, *(step.row() for step in steps), ""]
    for replicas in sorted({step.replicas for step in steps}):
        held = capacity([step for step in steps if step.replicas == replicas])
        lines.append(f"- {replicas} replica{'s' if replicas > 1 else ''}: holds **{held}** sessions "
                     f"(the most of the ramp with every refresh back, p95 ≤ {P95_TARGET_S:g} s)")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="the store the servers use (CORDON_DB), a file or ducklake:postgres:<libpq>; "
                                     "default: a new seeded file store")
    parser.add_argument("--data-path", help="a lake's data files (default: $CORDON_DATA_PATH)")
    parser.add_argument("--rows", type=int, default=200_000, help="demo seizures to seed when --db is not given")
    parser.add_argument("--sessions", default="1,2,4,8,16,32,48,64,96,128", help="the ramp of concurrent sessions")
    parser.add_argument("--replicas", default="1,2", help="server processes on the one store, one ramp each")
    parser.add_argument("--window-s", type=float, default=30.0, help="the steady window each step measures")
    parser.add_argument("--quiet-cores", type=float, default=0.5,
                        help="before each step, wait until other processes use at most this many cores")
    parser.add_argument("--quiet-wait-s", type=float, default=300.0, help="... but no longer than this")
    parser.add_argument("--niceness", type=int, default=0,
                        help="the bench's and its servers' scheduling niceness; below 0 (root only) they take the "
                             "cores first on a machine other work shares")
    parser.add_argument("--view", default="", help="URL query of the live map's view (default: the default view)")
    args = parser.parse_args()
    os.setpriority(os.PRIO_PROCESS, 0, args.niceness)  # before any thread or server starts: they inherit it
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped by kill: the servers are stopped too
    counts = [int(value) for value in args.sessions.split(",")]
    with tempfile.TemporaryDirectory() as folder, using_data_path(args):  # the servers inherit the environment
        db = args.db or seeded_store(Path(folder), args.rows)
        label = "the store given" if args.db else f"a file store of {args.rows:,} demo seizures"
        print(HEADER)
        steps = [step for replicas in args.replicas.split(",")
                 for step in ramp(db, int(replicas), counts, args)]
    text = report(steps, args, label)
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
