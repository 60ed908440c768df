"""Several processes share one store: readers keep reading while a writer appends, and nobody
meets an error: on the file none meets DuckDB's lock error (each reads or writes under the store's
lock file, then closes); on the lake readers take no lock at all and see each commit."""

from __future__ import annotations

import multiprocessing
import time

from queries.seizures import insert_seizures
from queries.stores import open_store
from tests.conftest import seizure_row

WRITES = 12


def _reader(path: str, data_path: str | None, stop_at: float, results) -> None:
    store, reads, errors, last = open_store(path, data_path), 0, [], 0
    while time.monotonic() < stop_at or not reads:  # at least one read, however late a loaded machine starts it
        try:
            with store.reading() as con:
                count = con.execute("SELECT count(*) FROM seizures").fetchone()[0]
            if count < last:
                errors.append(f"count went back from {last} to {count}")
            last, reads = count, reads + 1
        except Exception as error:  # any error at all fails the test below
            errors.append(repr(error))
    results.put(("reader", reads, errors))


def _writer(path: str, data_path: str | None, results) -> None:
    store, errors = open_store(path, data_path), []
    for batch in range(WRITES):
        try:
            with store.writing() as con:
                frame = seizure_row(source_id=f"W-{batch}")
                insert_seizures(con, frame)
        except Exception as error:
            errors.append(repr(error))
        time.sleep(0.05)
    results.put(("writer", WRITES, errors))


def test_readers_and_a_writer_in_separate_processes_meet_no_lock_error(store):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    stop_at = time.monotonic() + 6.0
    where = (str(store.path), getattr(store, "data_path", None))
    workers = [context.Process(target=_reader, args=(*where, stop_at, results)) for _ in range(2)]
    workers.append(context.Process(target=_writer, args=(*where, results)))
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)

    assert all(not errors for _, _, errors in reports), reports
    assert all(count > 0 for _, count, _ in reports)
    with store.reading() as con:
        ids = {row[0] for row in con.execute("SELECT source_id FROM seizures").fetchall()}
    assert ids == {f"W-{batch}" for batch in range(WRITES)}
