"""Operations on a seeded store: how long moving a site's file into a lake, maintaining, backing up and restoring
take (queries.operations), on a 2-core machine with a throwaway PostgreSQL that flushes to disk.

Run: ``python bench/bench_operations.py [--rows 200000] [--runs 3]``. A file is seeded with ``--rows`` demo seizures;
each run moves it into a fresh lake (``migrate-store``), writes 20 small batches into the lake as sites do, then
times ``maintain``, ``backup`` and ``restore`` of the lake and of the file. Side by side for the file's backup:
Cordon's way (the file's bytes copied under its shared lock, then opened and every table's rows and content hash
checked) against DuckDB's own copy (``COPY FROM DATABASE`` into a new file, the alternative the design weighed).
Prints a markdown table of medians.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb
import pandas as pd

from geodata.demo_geography import demo_geography
from queries import operations
from queries.lake import LAKE_PREFIX, LakeStore
from queries.seed import seed
from queries.seizures import insert_seizures
from queries.store import Store, seizures_claim
from queries.stores import write_retrying
from tests.conftest import seizure_row
from tests.postgres_cluster import ThrowawayCluster


def timed(results: dict[str, list[float]], name: str, work):
    started = time.perf_counter()
    value = work()
    results.setdefault(name, []).append(time.perf_counter() - started)
    return value


def duckdb_copy(store: Store, target: Path) -> None:
    """The naive alternative: DuckDB's COPY FROM DATABASE into a new file, under the same shared lock."""
    with store.reading():
        con = duckdb.connect()
        con.execute(f"ATTACH '{store.path}' AS source (READ_ONLY)")  # ATTACH takes no parameters; the bench's paths
        con.execute(f"ATTACH '{target}' AS target")
        con.execute("COPY FROM DATABASE source TO target")
        con.close()


def site_writes(lake, batches: int) -> None:
    for batch in range(batches):
        rows = pd.concat([seizure_row(source="bench", source_id=f"B-{batch}-{i}") for i in range(50)])
        write_retrying(lake, lambda con, rows=rows: insert_seizures(con, rows.reset_index(drop=True)),
                       seizures_claim("bench"))


def one_run(cluster, source: Store, folder: Path, run: int, results: dict[str, list[float]]) -> None:
    lake = LakeStore(LAKE_PREFIX + cluster.create_database(f"lake_{run}"), folder / "lake")
    restored = LakeStore(LAKE_PREFIX + cluster.create_database(f"restored_{run}"), folder / "restored")
    timed(results, "migrate-store (file into an empty lake)", lambda: operations.move_file_into_lake(source, lake))
    site_writes(lake, 20)
    timed(results, "maintain, lake (snapshots kept)", lambda: operations.maintain(lake, keep_days=30))
    timed(results, "backup, lake (pg_dump + data files + manifest)", lambda: operations.backup(lake, folder / "lb"))
    timed(results, "restore, lake (pg_restore + files + check)", lambda: operations.restore(folder / "lb", restored))
    timed(results, "maintain, file (CHECKPOINT)", lambda: operations.maintain(source))
    timed(results, "backup, file: bytes under the read lock + check (Cordon)",
          lambda: operations.backup(source, folder / "fb"))
    timed(results, "backup, file: COPY FROM DATABASE (naive, no check)",
          lambda: duckdb_copy(source, folder / "copy.duckdb"))
    timed(results, "restore, file (copy + check)",
          lambda: operations.restore(folder / "fb", Store(folder / "restored.duckdb")))
    lake.close()
    restored.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cordon-ops-"))
    source = Store(folder / "site.duckdb")
    seed(source, demo_geography(), rows=args.rows, seed=7, end=datetime(2026, 11, 20, 12, 0))
    results: dict[str, list[float]] = {}
    with ThrowawayCluster(durable=True) as cluster:
        for run in range(args.runs):
            one_run(cluster, source, folder / f"run-{run}", run, results)
    print(f"{args.rows:,} seeded seizures, {args.runs} runs, medians (load {Path('/proc/loadavg').read_text().split()[0]})\n")
    print("| operation | seconds |\n|---|---|")
    for name, times in results.items():
        print(f"| {name} | {statistics.median(times):.2f} |")
    print(f"\nthe seeded file: {source.path.stat().st_size / 1e6:.1f} MB")
    shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
