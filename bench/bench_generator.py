"""How long the demo generator takes, and the seed into a DuckDB file, at 20k to 1M seizures.

Run: ``python bench/bench_generator.py [--rows 20000 200000 1000000] [--out bench/out]``.
Side by side in the same run: the generator alone, the full ``seed`` (reference tables, generation
and the DuckDB insert under the write lock), and the usual way of loading the same frame, a plain
``pandas.DataFrame.to_sql``-style row-by-row ``executemany`` INSERT, on the smallest size only
(it is too slow for the large ones; its rate is reported). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from geodata.demo_geography import demo_geography
from queries.demo import generate_seizures
from queries.seed import seed
from queries.store import Store

END = datetime(2026, 11, 29, 12, 0)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_insert_rate(frame, path: Path, rows: int) -> float:
    """Rows per second of a row-by-row executemany INSERT of the first ``rows`` rows."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE seizures AS SELECT * FROM frame LIMIT 0")
    subset = frame.head(rows)
    placeholders = ", ".join("?" for _ in subset.columns)
    started = time.perf_counter()
    con.executemany(f"INSERT INTO seizures VALUES ({placeholders})", subset.itertuples(index=False, name=None))
    elapsed = time.perf_counter() - started
    con.close()
    return rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 200_000, 1_000_000])
    args = parser.parse_args()
    geo = demo_geography()
    print(f"{platform.node()}: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print("| seizures | generate s | seed into DuckDB s | rows/s (seed) | peak RSS MB |")
    print("|---|---|---|---|---|")
    naive = None
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            started = time.perf_counter()
            frame = generate_seizures(geo, rows=rows, seed=1, end=END)
            generated = time.perf_counter() - started
            started = time.perf_counter()
            seed(Store(Path(folder) / f"seed-{rows}.duckdb"), geo, rows=rows, seed=1, end=END)
            seeded = time.perf_counter() - started
            print(f"| {rows:,} | {generated:.1f} | {seeded:.1f} | {rows / seeded:,.0f} | {peak_rss_mb():,.0f} |")
            if naive is None:
                naive = naive_insert_rate(frame, Path(folder) / "naive.duckdb", min(rows, 5_000))
    print(f"\nUsual way, row-by-row executemany INSERT of the same rows: {naive:,.0f} rows/s "
          f"(1,000,000 rows would take {1_000_000 / naive / 60:,.0f} min)")


if __name__ == "__main__":
    main()
