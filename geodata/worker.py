"""Heavy analyses off the server's threads: each in a worker process with a time and a memory limit,
at most ``workers`` at once and one per user, cancellable, their results in a cache bounded in
entries and bytes.

A worker is forked from a *forkserver* that has imported the analyses once (so it starts in tens
of milliseconds, not the seconds an interpreter takes to import them), never from the server
itself, whose other threads may hold a lock at the moment of a fork. In the worker, RLIMIT_AS caps
the address space at what it holds when the analysis starts (its input included) plus
``Limits.max_mb``: past that an allocation fails with MemoryError, which the worker reports. The
caller waits in short polls and calls ``on_wait`` at each (the Analysis page updates its status
there: Streamlit stops a script at such a call when its user reruns, cancels or leaves); past
``Limits.timeout_s`` the worker is killed. However the wait ends, the worker is killed and reaped.

Before any of this, :meth:`AnalysisRunner.run` checks the analysis's cost estimate against the same
limits (``geodata.budget``), so a request that cannot fit is refused without starting a worker.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import resource
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import forkserver, spawn
from pathlib import Path
from typing import Any

import pandas as pd

from geodata.budget import MAX_MB_ENV, MB, TIMEOUT_ENV, Limits, check
from geodata.clusters import estimate_clusters, find_clusters
from geodata.emerging import emerging_hot_spots, estimate_emerging
from geodata.hotspots import estimate_hot_spots, hot_spots
from geodata.results import AnalysisResult
from queries.settings import env_number

WORKERS_ENV = "CORDON_ANALYSIS_WORKERS"
CACHE_MB_ENV = "CORDON_ANALYSIS_CACHE_MB"
DEFAULT_WORKERS = 2
DEFAULT_CACHE_MB = 256
CACHE_ENTRIES = 32
POLL_S = 0.25
PRELOAD = ("geodata.worker",)  # what the forkserver imports once for every worker
ROOT = Path(__file__).resolve().parents[1]
_STARTING = threading.Lock()


def _clusters(points: pd.DataFrame, params, limits: Limits) -> AnalysisResult:
    return find_clusters(points, params, limits=limits).result


# Each analysis the runner takes: its cost estimate and the function that makes its result
# (a geodata.results.AnalysisResult, which pickles back from the worker).
ANALYSES = {
    "clusters": (estimate_clusters, _clusters),
    "hotspots": (estimate_hot_spots, hot_spots),
    "emerging": (estimate_emerging, emerging_hot_spots),
}


class AnalysisStopped(RuntimeError):
    """An analysis stopped in its worker: ``reason`` is "time" (past its time limit), "memory" (past
    its memory limit) or "died" (the worker ended without a result, e.g. killed by the system)."""

    def __init__(self, reason: str, limits: Limits, detail: str = ""):
        self.reason, self.limits, self.detail = reason, limits, detail
        super().__init__({
            "time": f"the analysis ran past its time limit of {limits.timeout_s:,g} s ({TIMEOUT_ENV}) and was stopped",
            "memory": f"the analysis needed more than its memory limit of {limits.max_mb:,.0f} MB ({MAX_MB_ENV}) "
                      "and was stopped",
            "died": f"the analysis's worker ended without a result ({detail})",
        }[reason] + "; narrow the filters or choose lighter parameters")

    def __reduce__(self):
        return AnalysisStopped, (self.reason, self.limits, self.detail)


class AnalysisBusy(RuntimeError):
    """A second analysis for a user whose first one is still running."""

    def __init__(self, user: str):
        self.user = user
        super().__init__(f"{user} already has an analysis running; wait for it to finish or cancel it")


@dataclass(frozen=True)
class Wait:
    """What a caller waits for at one poll: "queued" (for a free worker) or "running" (process ``pid``),
    for ``seconds`` since it began."""

    phase: str
    seconds: float
    pid: int | None = None


OnWait = Callable[[Wait], None]


def _address_space() -> int:
    """This process's address space in bytes (the first field of /proc/self/statm, in pages)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _work(conn, max_mb: float, function: Callable, args: tuple) -> None:
    """In the worker: cap the address space, run ``function(*args)``, send back what came of it."""
    try:
        limit = _address_space() + int(max_mb * MB)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        payload = pickle.dumps(("done", function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("memory", None))
    except Exception as error:  # noqa: BLE001 (any failure of the analysis goes back to the caller, raised again)
        try:
            payload = pickle.dumps(("error", error))
        except Exception:  # noqa: BLE001 (an exception that does not pickle goes back as its text)
            payload = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    conn.send_bytes(payload)
    conn.close()


def _context():
    """The forkserver context, its server running. It starts (once) importing the analyses, so that a
    worker imports nothing; Python 3.11's forkserver does not take its parent's sys.path, so it starts
    with the project's root on PYTHONPATH."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    with _STARTING:
        outer = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), outer]))
        try:
            forkserver.ensure_running()
        finally:
            if outer is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = outer
    return context


@contextmanager
def _main_left_out():
    """While a worker starts (under _STARTING): multiprocessing leaves the caller's ``__main__`` out of
    what the worker prepares. In Streamlit that module is the page script being run (Streamlit installs
    it as ``__main__``), which the worker would otherwise run again; a worker needs only the analyses."""
    prepared = spawn.get_preparation_data

    def without_main(name):
        return {key: value for key, value in prepared(name).items() if not key.startswith("init_main_from_")}

    spawn.get_preparation_data = without_main
    try:
        yield
    finally:
        spawn.get_preparation_data = prepared


def run_in_worker(function: Callable, args: tuple, limits: Limits, on_wait: OnWait | None = None,
                  poll_s: float = POLL_S) -> Any:
    """``function(*args)`` in a worker process within ``limits``: its result, or the exception it raised,
    or AnalysisStopped. ``function`` and its result travel pickled (a module-level function).
    ``on_wait`` is called at every poll (every ``poll_s`` seconds) until the result comes; whatever it
    raises ends the wait, and the worker is killed."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_work, args=(send, limits.max_mb, function, args), daemon=True)
    started = time.monotonic()
    with _STARTING, _main_left_out():
        process.start()
    send.close()
    try:
        while not receive.poll(poll_s):
            seconds = time.monotonic() - started
            if seconds > limits.timeout_s:
                raise AnalysisStopped("time", limits)
            if not process.is_alive() and not receive.poll():
                raise AnalysisStopped("died", limits, f"exit code {process.exitcode}")
            if on_wait is not None:
                on_wait(Wait("running", seconds, process.pid))
        try:
            status, value = pickle.loads(receive.recv_bytes())
        except EOFError:
            raise AnalysisStopped("died", limits, "it closed its pipe") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if status == "memory":
        raise AnalysisStopped("memory", limits)
    if status == "error":
        raise value
    return value


class ResultCache:
    """Results by key, kept pickled (each ``get`` gives its own copy): at most ``max_entries`` holding at
    most ``max_bytes`` together, the least recently used dropped first. A result larger than a quarter
    of ``max_bytes`` is not kept, so that one large result cannot push out all the others."""

    def __init__(self, max_entries: int = CACHE_ENTRIES, max_bytes: int = DEFAULT_CACHE_MB * MB):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ResultCache:
        """A cache of CACHE_ENTRIES results holding CORDON_ANALYSIS_CACHE_MB (or 256) MB."""
        return cls(CACHE_ENTRIES, int(env_number(environ, CACHE_MB_ENV, DEFAULT_CACHE_MB, float) * MB))

    def get(self, key: Hashable) -> Any | None:
        """The result kept for ``key``, or None."""
        with self._lock:
            data = self._items.get(key)
            if data is None:
                return None
            self._items.move_to_end(key)
        return pickle.loads(data)

    def put(self, key: Hashable, value: Any) -> bool:
        """Keep ``value`` for ``key``; whether it was kept."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > self.max_bytes // 4:
            return False
        with self._lock:
            self._items[key] = data
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries or self.nbytes > self.max_bytes:
                self._items.popitem(last=False)
        return True

    @property
    def nbytes(self) -> int:
        return sum(len(data) for data in self._items.values())

    def __len__(self) -> int:
        return len(self._items)


class AnalysisRunner:
    """Runs analyses for the users of one server: each checked against ``limits`` before it starts,
    then in a worker process within them; at most ``workers`` at once (a request waits for a free
    one) and one per user (a second is refused with AnalysisBusy)."""

    def __init__(self, limits: Limits | None = None, workers: int = DEFAULT_WORKERS):
        if workers < 1:
            raise ValueError(f"workers must be 1 or more, got {workers}")
        self.limits = limits or Limits.from_env()
        self._slots = threading.BoundedSemaphore(workers)
        self._running: set[str] = set()
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> AnalysisRunner:
        """A runner with the limits and CORDON_ANALYSIS_WORKERS of the environment."""
        return cls(Limits.from_env(environ), int(env_number(environ, WORKERS_ENV, DEFAULT_WORKERS, int)))

    def run(self, user: str, analysis: str, points: pd.DataFrame, params, on_wait: OnWait | None = None):
        """The result of ``analysis`` (clusters, hotspots or emerging) of ``points`` with ``params`` for
        ``user``: AnalysisRefused (a ValueError) without starting a worker when its estimate is over
        the limits, AnalysisBusy, AnalysisStopped, or the ValueError the analysis raised."""
        estimate, layer = ANALYSES[analysis]
        check(estimate(points, params), self.limits)
        return self.run_function(user, layer, (points, params, self.limits), on_wait)

    def run_function(self, user: str, function: Callable, args: tuple, on_wait: OnWait | None = None) -> Any:
        """``function(*args)`` in a worker for ``user``, once a worker is free (see :func:`run_in_worker`)."""
        with self._claim(user):
            started = time.monotonic()
            while not self._slots.acquire(timeout=POLL_S):
                if on_wait is not None:
                    on_wait(Wait("queued", time.monotonic() - started))
            try:
                return run_in_worker(function, args, self.limits, on_wait)
            finally:
                self._slots.release()

    @contextmanager
    def _claim(self, user: str):
        with self._lock:
            if user in self._running:
                raise AnalysisBusy(user)
            self._running.add(user)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(user)
