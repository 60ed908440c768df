"""Exporting 1,000,000 seizure points: Cordon's streamed export against a plain GeoDataFrame, each in its own process.

Run: ``python bench/bench_export.py [--rows 1000000]``. Uses a copy (bench/out/export-<rows>.duckdb,
migrated to the current schema) of the live-map benchmark's demo database (bench/out/cordon-<rows>.duckdb,
seeded by bench_live_map.build_database when missing), so that the shared file is never upgraded
from here, and exports every seizure (no filter) to GeoPackage and to GeoParquet two ways, each
case in a fresh subprocess:

* Cordon (``geodata.export``): the provenance (count, SHA-256 of the rows, cut-off; one DuckDB
  query), then the rows streamed from DuckDB in Arrow record batches of 65,536 and written batch by
  batch (``pyogrio.write_arrow`` for GeoPackage, ``pyarrow.parquet.ParquetWriter`` for GeoParquet);
* plain: the same query read whole into pandas, a GeoDataFrame of points made from lon/lat, then
  ``GeoDataFrame.to_file(driver="GPKG")`` (pyogrio, geopandas' default engine, feature by feature)
  or ``GeoDataFrame.to_parquet`` (no provenance);
* plain with Arrow (GeoPackage only): the same GeoDataFrame written by
  ``to_file(driver="GPKG", engine="pyogrio", use_arrow=True)``, the fast way practitioners pick;
  ``to_parquet`` writes through Arrow already.

Per case: seconds of the export (Cordon's split into the provenance query and the writing), the
process's peak resident memory during the export and its growth over the process just before it
(libraries and nothing else loaded), the rows in the file read back and its size. Prints a markdown
table and writes it to bench/results/export.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_analysis import _rss_mb, _status_mb  # memory of this process: now (restarting the peak), peak

OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results" / "export.md"
TIMEOUT_S = 600
EXTENSIONS = {"gpkg": ".gpkg", "parquet": ".parquet"}


def _rows_in(path: Path, fmt: str) -> int:
    import pyarrow.parquet as pq
    import pyogrio

    if fmt == "parquet":
        return pq.read_metadata(path).num_rows
    return pyogrio.read_info(path, layer="seizures")["features"]


def case_cordon(db: Path, fmt: str) -> dict:
    from geodata.export import write_layer
    from geodata.export_sources import provenance_for, seizure_source
    from queries.filters import Filters
    from queries.store import Store

    out = OUT / f"export-cordon{EXTENSIONS[fmt]}"
    with Store(db).reading() as con:
        before = _rss_mb()
        start = time.perf_counter()
        provenance = provenance_for(con, "seizures", Filters())
        digest = time.perf_counter() - start
        write_layer(seizure_source(con, Filters(), provenance.records), out, fmt, provenance)
        seconds = time.perf_counter() - start
    peak = _status_mb("VmHWM")
    return {"seconds": seconds, "digest_seconds": digest, "before_mb": before, "peak_mb": peak, "path": str(out)}


def case_plain(db: Path, fmt: str, use_arrow: bool = False) -> dict:
    import geopandas as gpd

    from queries.filters import Filters
    from queries.store import Store, run

    out = OUT / f"export-plain{'-arrow' if use_arrow else ''}{EXTENSIONS[fmt]}"
    with Store(db).reading() as con:
        before = _rss_mb()
        start = time.perf_counter()
        rows = run(con, "export_seizures", Filters().params())
    frame = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(rows["lon"], rows["lat"]), crs="EPSG:4326")
    if fmt == "parquet":
        frame.to_parquet(out)
    else:
        frame.to_file(out, layer="seizures", driver="GPKG", engine="pyogrio", use_arrow=use_arrow)
    seconds = time.perf_counter() - start
    peak = _status_mb("VmHWM")
    return {"seconds": seconds, "before_mb": before, "peak_mb": peak, "path": str(out)}


CASES = {"cordon": case_cordon, "plain": case_plain, "plain-arrow": partial(case_plain, use_arrow=True)}


def _run(case: str, db: Path, fmt: str) -> dict:
    """Run one case in a fresh process; its result, or why it failed."""
    try:
        done = subprocess.run([sys.executable, __file__, "--case", case, "--db", str(db), "--format", fmt],
                              capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return {"failed": f"over {TIMEOUT_S} s"}
    if done.returncode != 0:
        return {"failed": (done.stderr.strip().splitlines() or ["killed"])[-1][:100]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="seizures in the demo database")
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--db", type=Path)
    parser.add_argument("--format", choices=sorted(EXTENSIONS))
    args = parser.parse_args()
    if args.case:
        print(json.dumps(CASES[args.case](args.db, args.format)))
        return 0

    from bench_ingest import commit
    from bench_live_map import build_database

    from queries.store import Store

    db = OUT / f"export-{args.rows}.duckdb"
    if not db.exists():
        shutil.copyfile(build_database(args.rows), db)
    Store(db).migrate()
    heading = (f"`python bench/bench_export.py --rows {args.rows}`: every seizure of {db.name} at {commit()} "
               f"({date.today().isoformat()}; {platform.machine()}, python {platform.python_version()}, 2 cores, "
               f"shared with other work, load average {os.getloadavg()[0]:.1f} at the start: times vary by ±30 % or "
               "more between runs, memory by a few MB)")
    lines = [heading, "",
             "| format | way | rows written | s | of which provenance s | peak MB (growth) | file MB |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for fmt in ("gpkg", "parquet"):
        ways = [("cordon", "Cordon: streamed batches + provenance")]
        if fmt == "gpkg":
            ways += [("plain", "plain GeoDataFrame `to_file`"),
                     ("plain-arrow", 'plain GeoDataFrame `to_file(engine="pyogrio", use_arrow=True)`')]
        else:
            ways += [("plain", "plain GeoDataFrame `to_parquet`")]
        for case, label in ways:
            result = _run(case, db, fmt)
            if "failed" in result:
                lines.append(f"| {fmt} | {label} | {result['failed']} | | | | |")
            else:
                path = Path(result["path"])
                digest = f"{result['digest_seconds']:.1f}" if "digest_seconds" in result else "–"
                lines.append(f"| {fmt} | {label} | {_rows_in(path, fmt):,} | {result['seconds']:.1f} | {digest} | "
                             f"{result['peak_mb']:,.0f} ({result['peak_mb'] - result['before_mb']:+,.0f}) | "
                             f"{path.stat().st_size / 1e6:,.0f} |")
            print(lines[-1], flush=True)
    lines.append(f"\nLoad average {os.getloadavg()[0]:.1f} at the end.")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
