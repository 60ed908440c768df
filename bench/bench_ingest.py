"""Import speed at 1,000,000 rows: Cordon's ingest against a plain load of the same file.

    python bench/bench_ingest.py [--rows 1000000] [--out bench/results/ingest.md]

Exports the demo seizures of ``bench/out/cordon-1000000.duckdb`` (made by bench_live_map.py) as a
CSV and a Parquet file with Chinese headers and values, as a customs post would send them (查获时间
in Chinese date form in the CSV, 渠道 陆路口岸, 查获单位 海关, 目的国 越南…), then imports each into
a fresh store holding the reference tables, in the same run:

* **Cordon**: ``queries.ingest.ingest_file``: read, map, validate every field (vectorised), convert,
  locate (province, county, zone), check against stored records, insert with H3 cells, record the
  import, all in one transaction.
* **plain**: ``pandas.read_csv`` (or ``read_parquet``) of the same file, then
  ``INSERT INTO plain SELECT * FROM frame`` into a DuckDB table of its columns: no mapping, no
  validation, no locating, nothing a person could trust, the least any loader does.

Rows per second are rows in the file over wall time from opening the file to the commit. The
store and the plain table are new files on the same disk for every run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tomllib
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.demo_geography import import_geography
from queries.ingest import ingest_file
from queries.ingest.mapping import DEFAULT_MAPPING
from queries.seed import write_reference
from queries.store import Store

SOURCE_DB = ROOT / "bench" / "out" / "cordon-1000000.duckdb"
OUT = ROOT / "bench" / "out"
TARGETS = {"parquet": 100_000, "csv": 20_000}

# Export column → (Chinese header, the value table its codes are spelled from, or None).
EXPORT = {
    "source_id": ("编号", None),
    "occurred_at": ("查获时间", None),
    "time_precision": ("时间精度", "time_precision"),
    "lon": ("经度", None),
    "lat": ("纬度", None),
    "geo_precision": ("位置精度", "geo_precision"),
    "channel": ("渠道", "channel"),
    "checkpoint": ("口岸", None),
    "hub": ("加工点", None),
    "item": ("物品", None),
    "form": ("形态", "form"),
    "quantity_kg": ("重量(千克)", None),
    "value_cny": ("案值(元)", None),
    "declared_as": ("申报品名", None),
    "concealment": ("藏匿方式", "concealment"),
    "detection": ("发现方式", "detection"),
    "agency": ("查获单位", "agency"),
    "destination_iso3": ("目的国", "country"),
    "case_status": ("案件状态", "case_status"),
    "source_ref": ("备注", None),
}


def chinese_spellings() -> dict[str, dict[str, str]]:
    """Code → its first Chinese spelling in the default mapping, per value table."""
    values = tomllib.loads(DEFAULT_MAPPING.read_text(encoding="utf-8"))["values"]
    return {table: {code: spellings[0] for code, spellings in codes.items()} for table, codes in values.items()}


def export(rows: int) -> tuple[Path, Path]:
    """The first ``rows`` demo seizures as a Chinese CSV and Parquet file (made once)."""
    csv_path, parquet_path = OUT / f"ingest-{rows}.csv", OUT / f"ingest-{rows}.parquet"
    if csv_path.exists() and parquet_path.exists():
        return csv_path, parquet_path
    con = duckdb.connect(str(SOURCE_DB), read_only=True)
    frame = con.execute(
        "SELECT s.*, c.name_zh AS checkpoint, h.name_zh AS hub, i.name_zh AS item_zh FROM seizures s "
        "LEFT JOIN checkpoints c USING (checkpoint_id) LEFT JOIN processing_hubs h USING (hub_id) "
        "JOIN controlled_items i USING (item) ORDER BY seizure_id LIMIT $rows", {"rows": rows}).df()
    con.close()
    spellings = chinese_spellings()
    frame["item"] = frame["item_zh"]
    out = pd.DataFrame({header: frame[column].map(spellings[table]) if table else frame[column]
                        for column, (header, table) in EXPORT.items()})
    out.to_parquet(parquet_path, index=False)
    out["查获时间"] = frame["occurred_at"].dt.strftime("%Y年%m月%d日 %H:%M:%S")
    out.to_csv(csv_path, index=False, encoding="utf-8")
    return csv_path, parquet_path


def fresh_store(name: str) -> Store:
    """A new store with the reference tables (checkpoints and hubs are what 口岸 and 加工点 name)."""
    from geodata.demo_geography import demo_geography

    path = OUT / f"{name}.duckdb"
    for leftover in OUT.glob(f"{name}.duckdb*"):
        leftover.unlink()
    store = Store(path)
    with store.writing() as con:
        write_reference(con, demo_geography())
    return store


def cordon(path: Path, geography) -> tuple[float, str]:
    store = fresh_store(f"ingest-cordon-{path.suffix[1:]}")
    started = time.perf_counter()
    result = ingest_file(store, path, geography)
    return time.perf_counter() - started, (f"{result.accepted:,} new, {result.rejected:,} rejected")


def plain(path: Path) -> tuple[float, str]:
    target = OUT / f"ingest-plain-{path.suffix[1:]}.duckdb"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    con = duckdb.connect(str(target))
    con.register("frame", frame)
    con.execute("CREATE TABLE plain AS SELECT * FROM frame LIMIT 0")
    con.execute("INSERT INTO plain SELECT * FROM frame")
    count = con.execute("SELECT count(*) FROM plain").fetchone()[0]
    con.close()
    return time.perf_counter() - started, f"{count:,} rows"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.md")
    args = parser.parse_args()
    if not SOURCE_DB.exists():
        print(f"{SOURCE_DB} is missing; make it with: python bench/bench_live_map.py", file=sys.stderr)
        return 2
    csv_path, parquet_path = export(args.rows)
    geography = import_geography()
    geography.locate([108.3], [22.8])  # load the layers before timing
    lines = [
        "# Import speed",
        "",
        (f"`python bench/bench_ingest.py --rows {args.rows}` on {platform.machine()} ({os.cpu_count()} cores, load "
         f"average {os.getloadavg()[0]:.1f} at the start), Python {platform.python_version()}, {args.rows:,} demo "
         f"seizures exported with Chinese headers and values."),
        "",
        "| file | size | Cordon ingest | rows/s | target | plain read + INSERT | rows/s | Cordon result |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for fmt, path in (("parquet", parquet_path), ("csv", csv_path)):
        seconds, outcome = cordon(path, geography)
        plain_seconds, _ = plain(path)
        size = path.stat().st_size / 2**20
        lines.append(f"| {fmt} | {size:,.0f} MB | {seconds:.1f} s | **{args.rows / seconds:,.0f}** | "
                     f"{TARGETS[fmt]:,} | {plain_seconds:.1f} s | {args.rows / plain_seconds:,.0f} | {outcome} |")
        print(lines[-1], flush=True)
    lines += ["", (f"Load average {os.getloadavg()[0]:.1f} at the end. Cordon: read, map, validate every field, "
                   "convert, locate, match against the store, insert with H3 cells, record the import, one "
                   "transaction. Plain: `pandas.read_csv`/`read_parquet` then `INSERT INTO plain SELECT * FROM "
                   "frame` into DuckDB, nothing checked."), "", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
