"""An import is one transaction: killed (SIGKILL) just before it commits, it leaves the store as it was,
and running it again gives what one clean run gives. Imports, the feed and dashboard readers share the
store at once without a lock error and without losing a record."""

from __future__ import annotations

import multiprocessing
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from queries.__main__ import HOLD_BEFORE_COMMIT, main
from queries.store import Store
from tests.queries.ingest_fixtures import seizure_row, write_csv

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"seizures": "seizure_id", "imports": "import_id", "rejected_rows": "import_id, line",
          "seizure_history": "seizure_id, import_id"}
TIMES = ["ingested_at", "started_at", "finished_at", "replaced_at"]  # the clock's, not the data's


def snapshot(path: Path) -> dict[str, pd.DataFrame]:
    with Store(path).reading() as con:
        return {table: con.execute(f"SELECT * FROM {table} ORDER BY {order}").df().drop(columns=TIMES, errors="ignore")
                for table, order in TABLES.items()}


def assert_same(first: dict[str, pd.DataFrame], second: dict[str, pd.DataFrame]) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(first[table], second[table], obj=table)


def wait_for_line(process: subprocess.Popen, marker: str, limit_s: float = 300) -> list[str]:
    """Lines the process prints up to ``marker``; fails if it ends first (the limit only guards a hang)."""
    lines, deadline = [], time.monotonic() + limit_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1.0)
        if ready:
            line = process.stdout.readline()
            if not line:
                raise AssertionError(f"the import ended before {marker!r}: {lines} {process.stderr.read()}")
            lines.append(line)
            if marker in line:
                return lines
    raise AssertionError(f"no {marker!r} within {limit_s} s: {lines}")


def kill_before_commit(arguments: list[str]) -> None:
    """Run ``python -m queries ARGUMENTS`` with the import hold on and SIGKILL it where it holds, just before it commits."""
    process = subprocess.Popen([sys.executable, "-m", "queries", *arguments], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, HOLD_BEFORE_COMMIT: "1"})
    try:
        wait_for_line(process, "ingest: holding before commit")
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL


def test_a_killed_import_leaves_the_store_as_it_was_and_a_rerun_equals_a_clean_run(tmp_path, places_store):
    db = places_store.path
    first = write_csv(tmp_path / "week1.csv", [seizure_row(i) for i in range(200)])
    assert main(["ingest", "--db", str(db), str(first)]) == 0
    rows = [seizure_row(i, quantity=str(i + 100)) if i < 50 else seizure_row(i) for i in range(600)]
    rows[7] = seizure_row(7, 渠道="飞船")
    second = write_csv(tmp_path / "week2.csv", rows)
    clean = tmp_path / "clean" / "cordon.duckdb"
    clean.parent.mkdir()
    shutil.copy(db, clean)
    before = snapshot(db)

    kill_before_commit(["ingest", "--db", str(db), str(second)])
    assert_same(snapshot(db), before)

    assert main(["ingest", "--db", str(db), str(second)]) == 0
    assert main(["ingest", "--db", str(clean), str(second)]) == 0
    after, expected = snapshot(db), snapshot(clean)
    assert_same(after, expected)
    assert len(after["seizures"]) == 600 and len(after["seizure_history"]) == 49
    assert after["imports"]["updated"].tolist() == [0, 49] and after["rejected_rows"]["line"].tolist() == [9]


def _reader(path: str, stop, results) -> None:
    from queries import views
    from queries.filters import Filters

    store, reads, errors = Store(path), 0, []
    while not stop.is_set():
        try:
            with store.reading() as con:
                views.summary(con, Filters())
                views.map_data(con, Filters(), 6, 0)
            reads += 1
        except Exception as error:  # any error at all fails the test
            errors.append(repr(error))
    results.put(("reader", reads, errors))


def _feeder(path: str, results) -> None:
    from geodata.demo_geography import demo_geography
    from queries.feed import feed

    try:
        fed = feed(Store(path), demo_geography(), rate_per_minute=900, duration_s=4, seed=31)
        results.put(("feed", fed.source_ids, []))
    except Exception as error:
        results.put(("feed", [], [repr(error)]))


def _importer(path: str, file: str, results) -> None:
    from geodata.demo_geography import import_geography
    from queries.ingest import ingest_file

    try:
        result = ingest_file(Store(path), file, import_geography())
        results.put(("import", result.accepted, []))
    except Exception as error:
        results.put(("import", 0, [repr(error)]))


def test_readers_the_feed_and_two_imports_together_meet_no_error_and_lose_nothing(tmp_path, places_store):
    files = [write_csv(tmp_path / f"{post}.csv", [seizure_row(i, 编号=f"{post}-{i}") for i in range(300)])
             for post in ("dongxing", "hekou")]
    context = multiprocessing.get_context("spawn")
    results, stop = context.Queue(), context.Event()
    path = str(places_store.path)
    readers = [context.Process(target=_reader, args=(path, stop, results)) for _ in range(2)]
    writers = [context.Process(target=_feeder, args=(path, results))]
    writers += [context.Process(target=_importer, args=(path, str(file), results)) for file in files]
    for process in readers + writers:
        process.start()
    reports = [results.get(timeout=300) for _ in writers]
    stop.set()
    reports += [results.get(timeout=120) for _ in readers]
    for process in readers + writers:
        process.join(timeout=60)

    assert all(not errors for _, _, errors in reports), reports
    by_role = {}
    for role, value, _ in reports:
        by_role.setdefault(role, []).append(value)
    assert by_role["import"] == [300, 300] and all(reads > 0 for reads in by_role["reader"])
    with places_store.reading() as con:
        stored = con.execute("SELECT source, source_id FROM seizures").df()
    fed = set(by_role["feed"][0])
    assert fed and fed <= set(stored.loc[stored["source"] == "cordon-feed", "source_id"])
    for post in ("dongxing", "hekou"):
        assert set(stored.loc[stored["source"] == post, "source_id"]) == {f"{post}-{i}" for i in range(300)}
