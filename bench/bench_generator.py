"""How long the demo generator takes, and the seed into a DuckDB file, at 20k to 1M seizures.

Run: ``python bench/bench_generator.py [--rows 20000 200000 1000000] [--out bench/out]``.
Side by side in the same run, at each size: the generator alone, the full ``seed`` (reference
tables, generation, the key check and the insert with H3 cells under the write lock), and the usual
way of loading the same generated frame: one ``INSERT INTO seizures SELECT * FROM frame`` into a new
DuckDB table of its columns (DuckDB scanning the pandas frame; no reference tables, no key check, no
H3 cells), reported as the generation plus that insert. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb
from bench_ingest import commit

from geodata.demo_geography import demo_geography
from queries.demo import generate_seizures
from queries.seed import seed
from queries.store import Store

END = datetime(2026, 11, 29, 12, 0)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def frame_insert_seconds(frame, path: Path) -> float:
    """Seconds to write ``frame`` into a new DuckDB file by one INSERT … SELECT * FROM frame."""
    started = time.perf_counter()
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE seizures AS SELECT * FROM frame LIMIT 0")
    con.execute("INSERT INTO seizures SELECT * FROM frame")
    con.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 200_000, 1_000_000])
    args = parser.parse_args()
    geo = demo_geography()
    print(f"{commit()}, {platform.processor() or platform.machine()} ({os.cpu_count()} cores), python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    print("| seizures | generate s | seed into DuckDB s | rows/s (seed) | usual: generate + one INSERT of the frame s "
          "| rows/s (usual) | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            started = time.perf_counter()
            frame = generate_seizures(geo, rows=rows, seed=1, end=END)
            generated = time.perf_counter() - started
            started = time.perf_counter()
            seed(Store(Path(folder) / f"seed-{rows}.duckdb"), geo, rows=rows, seed=1, end=END)
            seeded = time.perf_counter() - started
            usual = generated + frame_insert_seconds(frame, Path(folder) / f"usual-{rows}.duckdb")
            print(f"| {rows:,} | {generated:.1f} | {seeded:.1f} | {rows / seeded:,.0f} | {usual:.1f} | "
                  f"{rows / usual:,.0f} | {peak_rss_mb():,.0f} |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
