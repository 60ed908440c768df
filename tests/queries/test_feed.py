"""The demo feed: plausible synthetic seizures appended as they happen, while dashboards keep reading.

The unit tests run the feed on a fake clock; the command-line tests run ``python -m queries feed``
for a few seconds on a copy of the session's seeded database.
"""

from __future__ import annotations

import itertools
import multiprocessing
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from queries.__main__ import main
from queries.feed import FEED_SOURCE, feed
from queries.store import Store, StoreError, run
from queries.stores import open_store
from tests.conftest import seeded_copy

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 11, 20, 12, 0, 0)


@pytest.fixture(scope="module")
def geo():
    from geodata.demo_geography import demo_geography

    return demo_geography()


class FakeClock:
    """Beijing time that moves only when the feed sleeps; ``interrupt_after`` sleeps end in Ctrl-C."""

    def __init__(self, start: datetime = START, interrupt_after: int | None = None):
        self.time, self.sleeps, self.interrupt_after = start, 0, interrupt_after

    def now(self) -> datetime:
        return self.time

    def sleep(self, seconds: float) -> None:
        if self.sleeps == self.interrupt_after:
            raise KeyboardInterrupt
        self.sleeps += 1
        self.time += timedelta(seconds=seconds)


class CountingStore(Store):
    """A store that counts its write transactions."""

    writes = 0

    def writing(self, *claims):
        self.writes += 1
        return super().writing()


def fed_rows(store: Store):
    with store.reading() as con:
        return con.execute("SELECT * FROM seizures WHERE source = $s ORDER BY source_id", {"s": FEED_SOURCE}).df()


def test_the_feed_writes_about_rate_times_minutes_of_plausible_synthetic_rows(tmp_path, geo):
    store = CountingStore(tmp_path / "c.duckdb")
    store.migrate()
    clock, batches = FakeClock(), []
    result = feed(store, geo, rate_per_minute=120, duration_s=300, seed=5, interval_s=20,
                  now=clock.now, sleep=clock.sleep, on_batch=batches.append)

    # 120 a minute for 5 minutes: 600 expected, Poisson sd about 24.
    assert 500 <= result.rows <= 700
    assert not result.interrupted and result.started == START and result.ended == START + timedelta(seconds=300)
    assert result.batches == len(batches) == store.writes == 15  # one transaction per tick
    assert [b.total for b in batches] == list(itertools.accumulate(len(b.source_ids) for b in batches))
    assert [i for b in batches for i in b.source_ids] == result.source_ids
    prefix = "FEED-20261120T120000-5-"
    assert result.source_ids == [f"{prefix}{n:07d}" for n in range(result.rows)]

    rows = fed_rows(store)
    assert rows["source_id"].tolist() == result.source_ids
    assert rows["is_synthetic"].all() and rows["source_ref"].str.startswith("SYNTHETIC").all()
    assert (rows["country_iso3"] == "CHN").all() and rows["h3_cell"].notna().all()
    assert rows["occurred_at"].between(START, result.ended).all()
    assert (rows["occurred_at"] <= rows["ingested_at"]).all() and (rows["ingested_at"] <= result.ended).all()
    assert rows["occurred_at"].is_monotonic_increasing
    assert (rows["time_precision"] == "exact").all() and (rows["case_status"] == "open").all()
    assert rows["channel"].nunique() >= 4 and rows["item"].nunique() >= 8  # the generator's variety

    # The same seed and clock give the same rows.
    again = Store(tmp_path / "again.duckdb")
    again.migrate()
    clock = FakeClock()
    feed(again, geo, rate_per_minute=120, duration_s=300, seed=5, interval_s=20, now=clock.now, sleep=clock.sleep)
    assert fed_rows(again).drop(columns="seizure_id").equals(rows.drop(columns="seizure_id"))


def test_ctrl_c_ends_the_feed_keeping_what_was_written(store, geo):
    clock = FakeClock(interrupt_after=6)
    result = feed(store, geo, rate_per_minute=60, seed=1, interval_s=5, now=clock.now, sleep=clock.sleep)
    assert result.interrupted and result.rows > 0
    assert result.ended == START + timedelta(seconds=30)
    assert fed_rows(store)["source_id"].tolist() == result.source_ids


def test_a_second_run_with_the_same_start_and_seed_is_refused_before_writing(store, geo):
    clock = FakeClock()
    first = feed(store, geo, rate_per_minute=60, duration_s=60, seed=3, interval_s=20, now=clock.now,
                 sleep=clock.sleep)
    assert first.rows > 0
    clock = FakeClock()  # the same start second again
    with pytest.raises(StoreError, match="another --seed"):
        feed(store, geo, rate_per_minute=60, duration_s=60, seed=3, interval_s=20, now=clock.now, sleep=clock.sleep)
    assert fed_rows(store)["source_id"].tolist() == first.source_ids


def test_bad_feed_arguments_and_a_missing_database_get_clear_errors(tmp_path, capsys):
    for flag, value, message in (("--rate", "0", "must be more than 0"), ("--rate", "fast", "must be a number"),
                                 ("--duration", "-3", "must be more than 0"), ("--seed", "-1", "must be 0 or more")):
        with pytest.raises(SystemExit):
            main(["feed", "--db", str(tmp_path / "x.duckdb"), flag, value])
        assert message in capsys.readouterr().err
    missing = tmp_path / "none.duckdb"
    assert main(["feed", "--db", str(missing), "--duration", "1"]) == 2
    assert f"python -m queries seed --db {missing}" in capsys.readouterr().err
    assert not missing.exists()


SUMMARY = re.compile(r"fed ([\d,]+) synthetic seizures .*source_id (FEED-\S+-)(\d{7}) to FEED-\S+-(\d{7})\)")


def reported_ids(out: str) -> list[str]:
    """The source ids a feed run's summary names (a contiguous range), checked against its count."""
    match = SUMMARY.search(out)
    assert match, out
    count, prefix, first, last = int(match[1].replace(",", "")), match[2], int(match[3]), int(match[4])
    assert first == 0 and last == count - 1
    return [f"{prefix}{n:07d}" for n in range(count)]


def feed_ids(path: Path) -> list[str]:
    return fed_rows(open_store(path))["source_id"].tolist()


def count_seizures(path: Path) -> int:
    with open_store(path).reading() as con:
        return con.execute("SELECT count(*) FROM seizures").fetchone()[0]


def test_the_command_line_feed_runs_for_its_duration_and_reports_what_it_wrote(seeded_db, tmp_path):
    db = seeded_copy(seeded_db, tmp_path / "cordon.duckdb")
    before = count_seizures(db)
    result = subprocess.run([sys.executable, "-m", "queries", "feed", "--db", str(db), "--rate", "600",
                             "--duration", "3", "--seed", "11"], check=False, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    ids = reported_ids(result.stdout)
    batch_totals = [int(t.replace(",", "")) for t in re.findall(r"\+\d+ seizures +([\d,]+) in total", result.stdout)]
    assert batch_totals and batch_totals[-1] == len(ids)
    assert count_seizures(db) == before + len(ids)
    assert feed_ids(db) == ids


def test_ctrl_c_stops_the_command_line_feed_cleanly(seeded_db, tmp_path):
    db = seeded_copy(seeded_db, tmp_path / "cordon.duckdb")
    # Ctrl-C's default action in the child, even where the test runner ignores it (a background job).
    process = subprocess.Popen([sys.executable, "-m", "queries", "feed", "--db", str(db), "--rate", "600"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509
    try:
        for _ in range(3):  # the heading and two batches
            process.stdout.readline()
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "stopped by Ctrl-C" in rest
    assert feed_ids(db) == reported_ids(rest)


def _fed_count(store: Store) -> int:
    with store.reading() as con:
        run(con, "status_seizures")
        return con.execute("SELECT count(*) FROM seizures WHERE source = $s", {"s": FEED_SOURCE}).fetchone()[0]


def _dashboard(path: str, stop, results) -> None:
    """A dashboard session: read the store over and over, as page loads do, until told to stop; then
    read once more, as the next page load would, to count the fed records it sees."""
    store, reads, errors, last, seen, final = open_store(path), 0, [], 0, set(), None
    deadline = time.monotonic() + 120  # in case the test dies before setting stop
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            count = _fed_count(store)
            if count < last:
                errors.append(f"fed rows went back from {last} to {count}")
            last, reads = count, reads + 1
            seen.add(count)
        except Exception as error:  # noqa: BLE001 - any error at all fails the test
            errors.append(repr(error))
    try:
        final = _fed_count(store)
    except Exception as error:  # noqa: BLE001
        errors.append(repr(error))
    results.put((reads, len(seen), final, errors))


def test_the_feed_and_two_dashboard_sessions_run_together_and_every_fed_record_is_visible(seeded_db, tmp_path):
    db = seeded_copy(seeded_db, tmp_path / "cordon.duckdb")
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    readers = [context.Process(target=_dashboard, args=(str(db), stop, results)) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        result = subprocess.run([sys.executable, "-m", "queries", "feed", "--db", str(db), "--rate", "1200",
                                 "--duration", "12"], check=False, cwd=ROOT, capture_output=True, text=True,
                                timeout=120)
    finally:
        stop.set()
    reports = [results.get(timeout=60) for _ in readers]
    for reader in readers:
        reader.join(timeout=30)

    assert result.returncode == 0, result.stderr
    assert all(not errors for *_, errors in reports), reports
    assert all(reads >= 20 for reads, *_ in reports), reports
    ids = reported_ids(result.stdout)
    assert len(ids) > 100
    assert all(counts >= 5 for _, counts, _, _ in reports), reports  # each session saw the rows arrive
    assert all(final == len(ids) for _, _, final, _ in reports), reports
    assert feed_ids(db) == ids
