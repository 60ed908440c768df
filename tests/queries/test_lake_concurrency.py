"""Concurrent writers on one lake (issue 20, item 3): processes importing the same file at the same moment store
it once; an update that keeps losing conflicts to other sites' inserts commits on its last try; the feed, two
importers (one correcting records), the inbox watcher, readers of the live map's queries and an export running
together meet no error, store every record once, hand out ids once and leave the audit trail append-only."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

from queries.store import seizures_claim
from tests.queries.ingest_fixtures import seizure_row, write_csv

SPAWN = multiprocessing.get_context("spawn")
ROWS = 300
# Each write of the race waits this long before its commit, so that the two transactions surely overlap: without
# the claim (queries.store.seizures_claim) both would find none of the records stored and both would insert them.
RACE_HOLD_S = 0.5
WAIT_S = 240  # how long the test waits for a process's report before failing (a hung process, not a slow one)


def _hold() -> None:
    time.sleep(RACE_HOLD_S)


def _import_at_barrier(url: str, data_path: str, path: str, barrier, results) -> None:
    """Read and check ``path`` like any import, wait at ``barrier`` for the other process, then import it."""
    from geodata.demo_geography import import_geography
    from queries.ingest import ingest, read_path
    from queries.stores import open_store

    try:
        store, geography, parsed = open_store(url, data_path), import_geography(), read_path(path)
        store.exists()  # attached before the barrier: both start their write at once
        barrier.wait(timeout=WAIT_S)
        result = ingest(store, parsed, geography, before_commit=_hold)
        results.put((Path(path).name, result.import_id, result.accepted, result.updated, result.unchanged, None))
    except Exception as error:  # noqa: BLE001 (reported, and failed, by the test)
        results.put((Path(path).name, None, 0, 0, 0, repr(error)))


def _site_file(folder: Path, name: str, first: int, last: int) -> Path:
    """A customs post's file of seizures ``R-first`` … ``R-(last - 1)`` (the file's name gives their source)."""
    return write_csv(folder / name, [seizure_row(i) for i in range(first, last)])


def _reference(store) -> None:
    """The checkpoints and counties the files name, as a seeded store holds them."""
    from geodata.demo_geography import demo_geography
    from queries.seed import write_reference

    with store.writing() as con:
        write_reference(con, demo_geography())


def _race(store, paths: list[Path]) -> list[tuple]:
    barrier, results = SPAWN.Barrier(len(paths)), SPAWN.Queue()
    workers = [SPAWN.Process(target=_import_at_barrier,
                             args=(store.path, store.data_path, str(path), barrier, results)) for path in paths]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=WAIT_S) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert [report for report in reports if report[-1]] == []
    return sorted(reports)


def _stored(store) -> tuple[int, int, int]:
    """Seizures stored, distinct (source, source_id) keys among them, distinct seizure ids."""
    with store.reading() as con:
        return con.execute("SELECT count(*), count(DISTINCT (source, source_id)), count(DISTINCT seizure_id) "
                           "FROM seizures").fetchone()


@pytest.mark.parametrize("second_rows", [None, (ROWS // 2, ROWS + ROWS // 2)], ids=["same file", "overlapping"])
def test_two_sites_importing_at_the_same_moment_store_each_record_once(lake_store, tmp_path, second_rows):
    """Two processes import one file (or two files of one source sharing half their rows) at the same moment:
    each record is stored once, one import finds it new and the other unchanged. This fails without the
    claim that makes the key check and the insert one decision (the importer's seizures_claim)."""
    _reference(lake_store)
    first = _site_file(tmp_path, "凭祥海关_2025-03-04.csv", 0, ROWS)
    second_rows = second_rows or (0, ROWS)
    second = first if second_rows == (0, ROWS) else _site_file(tmp_path, "凭祥海关_2025-03-11.csv", *second_rows)
    shared = ROWS - second_rows[0]

    reports = _race(lake_store, [first, second])

    assert _stored(lake_store) == (ROWS + second_rows[0],) * 3
    outcomes = sorted((new, unchanged) for _, _, new, _, unchanged, _ in reports)
    assert outcomes == [(ROWS - shared, shared), (ROWS, 0)]  # one stored all its rows, the other found the shared ones
    assert all(updated == 0 for _, _, _, updated, _, _ in reports)
    with lake_store.reading() as con:
        imports = con.execute("SELECT import_id, accepted, unchanged FROM imports ORDER BY import_id").fetchall()
    assert sorted(imports) == sorted((import_id, new, unchanged) for _, import_id, new, _, unchanged, _ in reports)


# -- a write that updates, against a stream of inserts ----------------------------------------------------------

def _insert_elsewhere(store, n: int) -> None:
    """Another site's write: one new record of its own source, under its own claim."""
    from queries.seizures import insert_seizures
    from tests.conftest import seizure_row as seizure_frame

    with store.writing(seizures_claim("other-site")) as con:
        insert_seizures(con, seizure_frame(source="other-site", source_id=f"O-{n}"))


def _writers_waiting(store) -> int:
    """How many sessions of the lake's catalog wait for one of Cordon's claims (an advisory lock)."""
    import psycopg

    with psycopg.connect(store.conninfo, autocommit=True) as catalog:
        return catalog.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()[0]


def test_an_update_that_loses_every_conflict_to_inserts_has_the_store_to_itself_on_its_last_try(lake_store):
    """On the lake an update conflicts with any insert into its table committed meanwhile: a correction retried
    against a steady feed would lose every time. Its last try holds the store (other writers wait) and commits."""
    from queries.lake import CONFLICT_ATTEMPTS
    from queries.seizures import insert_seizures
    from queries.stores import write_retrying
    from tests.conftest import seizure_row as seizure_frame

    with lake_store.writing(seizures_claim("test")) as con:
        insert_seizures(con, seizure_frame(quantity_kg=1200.0))
    tries, others = [], []

    def correct(con) -> None:
        tries.append(len(tries) + 1)
        con.execute("UPDATE seizures SET quantity_kg = quantity_kg + 1 WHERE source = 'test'")
        others.append(threading.Thread(target=_insert_elsewhere, args=(lake_store, len(tries))))
        others[-1].start()
        if len(tries) < CONFLICT_ATTEMPTS:
            others[-1].join()  # its insert commits first: this update's commit conflicts
            return
        while others[-1].is_alive() and not _writers_waiting(lake_store):
            time.sleep(0.05)  # until the other site either waits for this write or has committed before it

    write_retrying(lake_store, correct, seizures_claim("test"))
    for other in others:
        other.join()
    assert len(tries) == CONFLICT_ATTEMPTS
    with lake_store.reading() as con:
        assert con.execute("SELECT quantity_kg FROM seizures WHERE source = 'test'").fetchall() == [(1201.0,)]
        assert con.execute("SELECT count(*) FROM seizures WHERE source = 'other-site'").fetchone()[0] == len(others)


# -- many writers at once --------------------------------------------------------------------------------------

# How long the writers and readers run together: 10 s in the test run (three inbox files, the export with the third);
# CORDON_CONCURRENCY_RUN_S=60 for the minute a release is checked with (docs/network.md). The spawned workers read
# the same environment.
RUN_S = float(os.environ.get("CORDON_CONCURRENCY_RUN_S", "10"))
SITE_FILES = 4  # overlapping files of one customs post: file k holds R-(50k) … R-(50k + 99)
DROP_EVERY_S = 3.0  # the inbox receives a file this often
FEED_SEED = 20


def _counting_retries() -> list[int]:
    """Count, in this process, the writes tried again after a conflict (queries.store.write_retrying)."""
    from queries import lake

    tried, wait = [], lake.sleep_before

    def sleep_before(attempt: int) -> None:
        tried.append(attempt)
        wait(attempt)

    lake.sleep_before = sleep_before
    return tried


def _importer(url: str, data_path: str, paths: list[str], barrier, results) -> None:
    """Import ``paths`` in turn, again and again, for :data:`RUN_S` seconds (and each at least once)."""
    from geodata.demo_geography import import_geography
    from queries.ingest import ingest_file
    from queries.stores import open_store

    retries, outcomes, errors = _counting_retries(), [], []
    store, geography = open_store(url, data_path), import_geography()
    barrier.wait(timeout=WAIT_S)
    stop_at = time.monotonic() + RUN_S
    while time.monotonic() < stop_at:
        for path in paths:
            try:
                result = ingest_file(store, path, geography)
                outcomes.append((Path(path).name, result.import_id, result.accepted, result.updated,
                                 result.unchanged, result.rejected))
            except Exception as error:  # noqa: BLE001 (any error at all fails the test)
                errors.append(repr(error))
    results.put(("importer", outcomes, errors, len(retries)))


def _feeder(url: str, data_path: str, barrier, results) -> None:
    """The demo feed (fixed seed), a batch every half second for :data:`RUN_S` seconds."""
    from geodata.demo_geography import demo_geography
    from queries.feed import feed
    from queries.stores import open_store

    retries, errors, fed = _counting_retries(), [], []
    store, geography = open_store(url, data_path), demo_geography()
    barrier.wait(timeout=WAIT_S)
    try:
        fed = feed(store, geography, rate_per_minute=1200, duration_s=RUN_S, seed=FEED_SEED, interval_s=0.5).source_ids
    except Exception as error:  # noqa: BLE001 (any error at all fails the test)
        errors.append(repr(error))
    results.put(("feed", fed, errors, len(retries)))


def _watcher(url: str, data_path: str, inbox: str, dropped_all, barrier, results) -> None:
    """The inbox watcher, a pass every half second until the last file dropped has been taken."""
    from geodata.demo_geography import import_geography
    from queries.inbox import watch
    from queries.stores import open_store

    retries, errors = _counting_retries(), []
    store, geography = open_store(url, data_path), import_geography()
    barrier.wait(timeout=WAIT_S)
    while True:
        last = dropped_all.is_set()
        try:
            watch(store, inbox, geography, once=True, settle_s=0.0)
        except Exception as error:  # noqa: BLE001 (any error at all fails the test)
            errors.append(repr(error))
        if last:
            break
        time.sleep(0.5)
    results.put(("watcher", None, errors, len(retries)))


def _reader(url: str, data_path: str, barrier, results) -> None:
    """The live map's reads (queries.views.map_data, every layer), one refresh after another: the count of
    seizures never goes back, and what a refresh counts as new is exactly what it finds more than the one
    before (corrections update records in place: they are not new)."""
    from queries import views
    from queries.filters import Filters
    from queries.stores import open_store

    store, errors, counts, after = open_store(url, data_path), [], [], None
    barrier.wait(timeout=WAIT_S)
    stop_at = time.monotonic() + RUN_S
    while time.monotonic() < stop_at:
        try:
            with store.reading() as con:
                data = views.map_data(con, Filters(), 7, after)
            count, new = int(data["summary"]["seizures"]), int(data["summary"]["new_seizures"])
            if counts and new != count - counts[-1]:
                errors.append(f"{new} seizures counted as new where {count - counts[-1]} arrived")
            counts.append(count)
            after = int(data["summary"]["newest_arrival"])
        except Exception as error:  # noqa: BLE001 (any error at all fails the test)
            errors.append(repr(error))
    if counts != sorted(counts):
        errors.append(f"the count of seizures went back: {counts}")
    results.put(("reader", len(counts), errors, 0))


def _site_files(folder: Path, corrected: bool = False) -> dict[str, range]:
    """The overlapping files of one post (one source): path → the numbers of the records it holds. Where
    ``corrected``, every tenth record weighs more: importing these after the others updates those records
    (a delete and an insert on the lake, which conflict with other writers' inserts into the table)."""
    folder.mkdir()
    files = {}
    for k in range(SITE_FILES):
        rows = range(50 * k, 50 * k + 100)
        path = write_csv(folder / f"凭祥海关_2025-03-{k + 1:02d}.csv",
                         [seizure_row(i, quantity="99.5") if corrected and i % 10 == 0 else seizure_row(i)
                          for i in rows])
        files[str(path)] = rows
    return files


def _drop(inbox: Path, n: int) -> tuple[str, range]:
    """Drop the inbox's ``n``-th file (another post's, overlapping the one before), written under a temporary
    name and renamed into place as an upload is; its name and the numbers of its records."""
    rows = range(40 * n, 40 * n + 80)
    part = _site_file(inbox, f"东兴海关_{n:03d}.csv.part", rows.start, rows.stop)
    name = part.name.removesuffix(".part")
    part.rename(inbox / name)
    return name, rows


def _export(store, path: Path, as_of: int | None = None) -> tuple[int, int, str]:
    """Every seizure exported as CSV at ``path`` (from snapshot ``as_of``, or the latest): the snapshot read,
    the records written and their hash."""
    from geodata.export import export_seizures
    from queries.filters import Filters

    with store.reading(as_of=as_of) as con:
        provenance = export_seizures(con, Filters(), "csv", path)
        return store.snapshot(con), provenance.records, provenance.input_sha256


def test_writers_readers_and_an_export_together_meet_no_error_and_store_every_record_once(lake_store, tmp_path):
    """Four writer processes (two importers of one post's overlapping files, one of them correcting records;
    the feed; the inbox watcher, fed a file every few seconds), two processes reading the live map's queries and
    an export, for :data:`RUN_S` seconds. Conflicts retried are fine (printed); one given up is an error."""
    from queries.feed import FEED_SOURCE
    from queries.lake import LAKE_ALIAS

    _reference(lake_store)
    site, corrections = _site_files(tmp_path / "site"), _site_files(tmp_path / "corrections", corrected=True)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    results, dropped_all = SPAWN.Queue(), SPAWN.Event()
    work = [(_importer, (list(site),)), (_importer, (list(reversed(corrections)),)), (_feeder, ()),
            (_watcher, (str(inbox), dropped_all)), (_reader, ()), (_reader, ())]
    barrier = SPAWN.Barrier(len(work) + 1)
    workers = [SPAWN.Process(target=target, args=(lake_store.path, lake_store.data_path, *args, barrier, results))
               for target, args in work]
    for worker in workers:
        worker.start()
    barrier.wait(timeout=WAIT_S)
    started, inbox_rows, dropped, exported = time.monotonic(), set(), [], None
    while time.monotonic() < started + RUN_S - DROP_EVERY_S:
        name, rows = _drop(inbox, len(dropped))
        dropped.append(name)
        inbox_rows.update(rows)
        if exported is None and time.monotonic() > started + RUN_S / 3:  # the export, while all of them write
            exported = _export(lake_store, tmp_path / "during.csv")
        time.sleep(DROP_EVERY_S)
    dropped_all.set()
    reports = [results.get(timeout=WAIT_S + RUN_S) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)

    assert [(role, error) for role, _, errors, _ in reports for error in errors] == []
    retried = {}
    for role, _, _, count in reports:
        retried[role] = retried.get(role, 0) + count
    print(f"writes tried again after a conflict: {retried}")  # pytest -s shows it; given up would be an error

    imports = [outcome for role, outcomes, _, _ in reports if role == "importer" for outcome in outcomes]
    imported = {number for name, *_ in imports for number in site[str(tmp_path / "site" / name)]}
    updated = sum(updated for *_, updated, _, _ in imports)
    (fed,) = [ids for role, ids, _, _ in reports if role == "feed"]
    with lake_store.reading() as con:
        by_source = dict(con.execute("SELECT source, count(*) FROM seizures GROUP BY source").fetchall())
        feed_ids = {row[0] for row in con.execute("SELECT source_id FROM seizures WHERE source = $source",
                                                  {"source": FEED_SOURCE}).fetchall()}
        stored_imports = con.execute("SELECT count(*), count(DISTINCT import_id), sum(accepted), sum(updated) "
                                     "FROM imports").fetchone()
        archived = con.execute("SELECT count(*) FROM seizure_history").fetchone()[0]
        audit = con.execute("SELECT * FROM audit_log").fetchall()
        audit_ids = con.execute("SELECT count(DISTINCT audit_id), list(DISTINCT kind) FROM audit_log").fetchone()
        changes = {row[0] for row in con.execute(  # DuckLake's change feed of the trail, from the lake's start
            f"SELECT DISTINCT change_type FROM {LAKE_ALIAS}.table_changes('audit_log', 0, $end)",
            {"end": lake_store.snapshot(con)}).fetchall()}

    assert _stored(lake_store) == (sum(by_source.values()),) * 3  # every record once, each with an id of its own
    assert len(imported) == 50 * SITE_FILES + 50 and by_source["凭祥海关"] == len(imported)
    assert sum(new for _, _, new, _, _, _ in imports) == len(imported)  # each record new to exactly one import
    assert {rejected for *_, rejected in imports} == {0} and archived == updated > 0  # corrections went back and forth
    assert by_source["东兴海关"] == len(inbox_rows)  # every file dropped in the inbox taken once
    assert sorted(path.name.split("_", 1)[1] for path in (inbox / "done").glob("*.csv")) == dropped
    assert not (inbox / "failed").exists() and not list(inbox.glob("*.csv"))
    assert by_source[FEED_SOURCE] == len(fed) == len(set(fed)) > 0 and feed_ids == set(fed)
    everything = len(imports) + len(dropped)
    assert stored_imports == (everything, everything, len(imported) + len(inbox_rows), updated)
    assert audit_ids == (len(audit), ["import"]) and len(audit) == len(dropped)  # an audit row per inbox file
    assert changes == {"insert"}  # the audit trail was only ever appended to
    assert all(reads > 0 for role, reads, _, _ in reports if role == "reader")

    # the export made while they wrote, made again from its snapshot: the same rows (in an order a lake's
    # maintenance may change), the same hash
    snapshot = exported[0]
    assert _export(lake_store, tmp_path / "again.csv", as_of=snapshot) == exported
    assert sorted((tmp_path / "again.csv").read_text().splitlines()) == \
        sorted((tmp_path / "during.csv").read_text().splitlines())
    with lake_store.reading(as_of=snapshot) as con:  # the trail then is a part of the trail now
        assert set(con.execute("SELECT * FROM audit_log").fetchall()) <= set(audit)
