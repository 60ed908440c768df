"""An unattended inbox: files dropped into a folder are imported one by one, then moved.

``python -m queries watch --db PATH --inbox DIR`` imports each file that has settled (its size and
time unchanged for ``settle_s``), then moves it to ``DIR/done/`` (imported, refused rows included)
or ``DIR/failed/`` (not read at all: the reason says why), renamed ``YYYYMMDD-HHMMSS_NAME`` so that
a nightly export of the same name never overwrites the last, with ``NAME.report.json`` beside it
and an ``import`` audit row (:func:`recent_reports` reads them back for the Import page). Files
whose names start with a dot or end in ``.part``/``.tmp`` are being written under a temporary name
and are left alone until renamed into place.

An import is one transaction and the file is moved only after it commits: a crash mid-import leaves
the file in the inbox and the store as it was, and the next pass imports it again. A crash between
the commit and the move imports it twice, which stores nothing new (imports are idempotent) but
adds an ``imports`` row.

One watcher at a time reads an inbox (two would take the same file): :func:`watch` holds an flock
on ``DIR/.cordon-watch.lock`` while it runs, and a second one stops at once naming the lock and
the process holding it. The system releases the lock when its process ends, however it ends, so
a killed watcher leaves no stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from queries import access
from queries.clock import beijing_now
from queries.ingest import IngestError, Limits, Mapping, ingest, read_path
from queries.ingest.places import ImportGeography
from queries.store import Store, run

DONE, FAILED = "done", "failed"
POLL_S = 10.0  # seconds between passes over the inbox
SETTLE_S = 30.0  # seconds a file's size and time must stay unchanged before it is read
TEMPORARY_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload")
REPORT_SUFFIX = ".report.json"
RECENT_REPORTS = 20  # how many of the inbox's latest files the Import page lists
LOCK_NAME = ".cordon-watch.lock"  # starts with a dot: never taken for a file to import (waiting_files)


class InboxBusy(ValueError):
    """Another process is watching the inbox."""


@dataclass(frozen=True)
class Sighting:
    """A file as last seen: its size and modification time, and since when (seconds since the epoch)
    they have been so as far as the inbox knows."""

    size: int
    mtime: float
    since: float


def observe(previous: Sighting | None, size: int, mtime: float, now: float) -> Sighting:
    """The sighting of a file of ``size`` bytes modified at ``mtime``, seen at ``now``: unchanged
    since ``previous`` saw the same size and time; on first sight, unchanged since its modification
    time (so that a single pass, ``--once``, can take a file written long enough ago); else since now."""
    if previous is not None and (previous.size, previous.mtime) == (size, mtime):
        return previous
    return Sighting(size, mtime, min(mtime, now) if previous is None else now)


def settled(sighting: Sighting, now: float, settle_s: float) -> bool:
    """Whether a file has stayed the same for ``settle_s`` seconds: a file still being written has not."""
    return now - sighting.since >= settle_s


@dataclass
class Report:
    """What became of one inbox file: ``status`` done or failed, where it went, what the import
    stored and refused (the audit row's details and the refusals in batches) or why it failed."""

    file: str
    status: str
    moved_to: str
    at: str
    details: dict = field(default_factory=dict)
    refusals: list[dict] = field(default_factory=list)
    error: str | None = None


def waiting_files(inbox: Path) -> list[Path]:
    """The files in ``inbox`` (not its done/ and failed/ folders, nor files under a temporary name), by name."""
    return sorted(path for path in inbox.iterdir() if path.is_file() and not path.name.startswith(".")
                  and not path.name.lower().endswith(TEMPORARY_SUFFIXES))


def _destination(inbox: Path, status: str, name: str, at: datetime) -> Path:
    folder = inbox / status
    folder.mkdir(exist_ok=True)
    stem, counter = f"{at:%Y%m%d-%H%M%S}_{name}", 1
    target = folder / stem
    while target.exists() or target.with_name(target.name + REPORT_SUFFIX).exists():
        counter += 1
        target = folder / f"{at:%Y%m%d-%H%M%S}-{counter}_{name}"
    return target


def import_file(store: Store, path: Path, geography: ImportGeography, *, kind: str = "seizures",
                mapping: Mapping | None = None, crs: str = "wgs84", limits: Limits | None = None,
                before_commit: Callable[[], None] | None = None) -> Report:
    """Import the inbox file at ``path``, record an audit row, write its report and move it to done/
    (imported) or failed/ (an :class:`IngestError`: unreadable, too large, no known header…).
    Other errors (the store cannot be written) are raised and the file stays in the inbox."""
    inbox = path.parent
    try:
        result = ingest(store, read_path(path, kind, mapping, crs, limits), geography, before_commit=before_commit)
    except IngestError as error:
        status, details, refusals, message = FAILED, {"file": path.name, "kind": kind, "error": str(error)}, [], str(error)
    else:
        status, details, message = DONE, result.audit_details(), None
        refusals = json.loads(result.batches.drop(columns="at").to_json(orient="records", force_ascii=False))
    at = beijing_now()
    target = _destination(inbox, status, path.name, at)
    details = {**details, "crs": crs, "inbox": status, "moved_to": target.name, "inbox_dir": str(inbox.resolve())}
    access.record_cli_event(store, "import", details)
    report = Report(path.name, status, str(target.relative_to(inbox)), at.isoformat(), details, refusals, message)
    target.with_name(target.name + REPORT_SUFFIX).write_text(
        json.dumps(asdict(report), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(path, target)
    return report


def recent_reports(store: Store, limit: int = RECENT_REPORTS) -> pd.DataFrame:
    """The ``limit`` latest files inbox watchers took, newest first, as their audit rows say
    (queries/sql/inbox_recent.sql): at (Beijing time), file, status (done or failed), moved_to
    (done/NAME or failed/NAME, as the report says), inbox_dir (the folder), rows, new, updated,
    unchanged, rejected (missing for a failed file) and error (why a file failed). The audit trail
    knows what every watcher of the store did, whichever folder it watches."""
    with store.reading() as con:
        return run(con, "inbox_recent", {"limit": limit})


def process_inbox(store: Store, inbox: str | Path, geography: ImportGeography, *, settle_s: float = SETTLE_S,
                  sightings: dict[Path, Sighting] | None = None, now: float | None = None,
                  on_report: Callable[[Report], None] | None = None, **options) -> list[Report]:
    """One pass over ``inbox``: import every file that has settled (:func:`settled`), oldest name
    first, and say what became of each. ``sightings`` carries what earlier passes saw (updated in
    place; files gone are forgotten); ``now`` defaults to the clock; ``options`` go to :func:`import_file`."""
    inbox, now = Path(inbox), time.time() if now is None else now
    sightings = {} if sightings is None else sightings
    waiting = waiting_files(inbox)
    for gone in set(sightings) - set(waiting):
        del sightings[gone]
    reports = []
    for path in waiting:
        stat = path.stat()
        sightings[path] = observe(sightings.get(path), stat.st_size, stat.st_mtime, now)
        if not settled(sightings[path], now, settle_s):
            continue
        reports.append(import_file(store, path, geography, **options))
        del sightings[path]
        if on_report is not None:
            on_report(reports[-1])
    return reports


@contextmanager
def holding(inbox: Path) -> Iterator[Path]:
    """Hold the inbox's lock (``LOCK_NAME`` in ``inbox``, an exclusive flock with our pid written in
    it) for the ``with`` block and yield its path; raise :class:`InboxBusy`, naming the lock file and
    the pid written in it, if another process holds it. Closing the file, or the process ending, releases it."""
    path = inbox / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise ValueError(f"{path}: cannot create the watcher's lock ({error.strerror}); the watcher must be "
                         "able to write in the inbox (it moves files to done/ and failed/)") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            raise InboxBusy(f"{inbox}: another watcher (pid {holder}) is watching this inbox and holds {path}; "
                            "run one watcher per inbox: stop the other one, or give another --inbox") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)


def watch(store: Store, inbox: str | Path, geography: ImportGeography, *, poll_s: float = POLL_S, once: bool = False,
          **options) -> None:
    """Pass over ``inbox`` every ``poll_s`` seconds until interrupted (or once, with ``once``:
    for cron and tests), holding its lock throughout (:func:`holding`: :class:`InboxBusy` if another
    watcher has it); ``options`` go to :func:`process_inbox`."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise ValueError(f"{inbox}: no such folder; create it or give another --inbox")
    sightings: dict[Path, Sighting] = {}
    with holding(inbox):
        while True:
            process_inbox(store, inbox, geography, sightings=sightings, **options)
            if once:
                return
            time.sleep(poll_s)
