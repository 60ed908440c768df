"""Capacity: how many live-map sessions one dashboard process holds at a 5 s refresh, and what two replicas hold.

Run: ``python bench/bench_capacity.py [--db PATH_OR_URL [--data-path DIR]] [--rows 200000]
[--sessions 1,2,4,8,16,32,48,64,96,128] [--replicas 1,2] [--window-s 30]``. Without ``--db`` it seeds ``--rows`` demo seizures into a store in a
temporary folder; with it, the servers are given ``--db`` as ``CORDON_DB`` as it is (a file or a lake URL).
For each replica count it starts that many Streamlit processes on the one store (tests/e2e/conftest.py
``start_app``), then ramps the number of sessions until the refresh's p95 goes over
:data:`P95_TARGET_S` (or a refresh fails), and stops its servers.

A session is a headless browser on the live map (:class:`~bench.live_map_client.LiveMapClient`: Streamlit's
own websocket protocol, refreshing the map's fragment on the browser timer's fixed beat and timing each
refresh), clients alternating between the replicas. Each carries the cookie of a session of its own account
(``queries.sessions.start``/``redeem``, as the session route would). The clients start spread evenly over one
refresh interval, as browsers opened at different moments are.

* **Latency** of a refresh: from sending it to the ``script_finished`` of the run that served it; only refreshes
  that drew the live map count (what counts is said in bench/live_map_client.py).
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

from bench.live_map_client import OPEN_TIMEOUT_S, LiveMapClient
from dashboard.state import View
from queries import sessions
from queries.access import Grant, add_user, read_user
from queries.clock import beijing_now
from queries.store import Store, using_data_path
from queries.stores import open_store

USER, PASSWORD = "capacity", "a long passphrase for load testing"
P95_TARGET_S = 1.0  # a refresh must come back within this, at the 95th percentile
GRACE_S = 10.0  # after the window, how long a refresh sent in it may still take before it counts as lost
QUIET_SAMPLE_S = 5.0  # how long the machine's busy time is sampled before a step
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
