"""Import speed at 1,000,000 rows, and of a monthly workbook: Cordon's ingest against a plain load of the same file.

    python bench/bench_ingest.py [--rows 1000000] [--workbook-rows 100000] [--out bench/results/ingest.md]

Exports the demo seizures of ``bench/out/cordon-1000000.duckdb`` (made by bench_live_map.py) as a
CSV and a Parquet file with Chinese headers and values, as a customs post would send them (查获时间
in Chinese date form in the CSV, 渠道 陆路口岸, 查获单位 海关, 目的国 越南…), then imports each into
a fresh store holding the reference tables, in the same run:

* **Cordon**: ``queries.ingest.ingest_file``: read, map, validate every field (vectorised), convert,
  locate (province, county, zone), check against stored records, insert with H3 cells, record the
  import, all in one transaction.
* **plain, pandas**: ``pandas.read_csv`` (or ``read_parquet``) of the same file, then
  ``INSERT INTO plain SELECT * FROM frame`` into a DuckDB table of its columns, the loader many write;
* **plain, DuckDB**: DuckDB reading the file itself, ``INSERT INTO plain SELECT * FROM read_parquet(?)``
  (or ``read_csv(?)``), the strongest plain load: parallel, Arrow-native, no Python in between.
  Neither maps, validates or locates anything: nothing a person could trust, the least any loader does.

The workbook: ``--workbook-rows`` demo seizures of 2025 (drawn evenly from the year), one sheet a
month (2025年1月 … 2025年12月), each drawn as a customs post draws it by the import tests' own
builder (``tests/queries/test_ingest_layout.py``): a title row, a header over two rows with 查获地点
merged over 经度 and 纬度, a 序号 column, dates as 2025.03.04, the unit in the quantity cell (1.2吨,
350公斤, 800克), a 合计 row, a blank row and notes under the table. Cordon reads and imports it as
``python -m queries ingest`` does; the plain way is ``pandas.read_excel(sheet_name=None)`` of every
sheet (openpyxl, header on the sheet's third row), ``concat`` and the same INSERT: totals and notes
land as rows, the unit stays in the text. A workbook has no DuckDB-direct load here: DuckDB reads
.xlsx only through its ``excel`` extension (fetched from the network, not installed), and the faster
reader python-calamine is not installed either, so openpyxl, pandas' default, is the usual one.

Rows per second are rows in the file over wall time from opening the file to the commit. The
store and the plain table are new files on the same disk for every run.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

import duckdb
import numpy as np
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
# The least rows a second for a file, or the most seconds for the workbook (issue 17).
TARGETS = {"parquet": 100_000, "csv": 20_000}
WORKBOOK_TARGET_S = 30
FILES = ("parquet", "csv", "xlsx", "xlsx-inline")

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


SEIZURES_WITH_NAMES = (
    "SELECT s.*, c.name_zh AS checkpoint, h.name_zh AS hub, i.name_zh AS item_zh FROM seizures s "
    "LEFT JOIN checkpoints c USING (checkpoint_id) LEFT JOIN processing_hubs h USING (hub_id) "
    "JOIN controlled_items i USING (item) ")


def chinese(frame: pd.DataFrame) -> pd.DataFrame:
    """Demo seizures (with their checkpoint's, hub's and item's Chinese names) under the EXPORT headers,
    every coded value in its Chinese spelling."""
    spellings = chinese_spellings()
    frame = frame.assign(item=frame["item_zh"])
    return pd.DataFrame({header: frame[column].map(spellings[table]) if table else frame[column]
                         for column, (header, table) in EXPORT.items()})


def export(rows: int) -> tuple[Path, Path]:
    """The first ``rows`` demo seizures as a Chinese CSV and Parquet file (made once)."""
    csv_path, parquet_path = OUT / f"ingest-{rows}.csv", OUT / f"ingest-{rows}.parquet"
    if csv_path.exists() and parquet_path.exists():
        return csv_path, parquet_path
    con = duckdb.connect(str(SOURCE_DB), read_only=True)
    frame = con.execute(SEIZURES_WITH_NAMES + "ORDER BY seizure_id LIMIT $rows", {"rows": rows}).df()
    con.close()
    out = chinese(frame)
    out.to_parquet(parquet_path, index=False)
    out["查获时间"] = frame["occurred_at"].dt.strftime("%Y年%m月%d日 %H:%M:%S")
    out.to_csv(csv_path, index=False, encoding="utf-8")
    return csv_path, parquet_path


def quantity_cells(kg: pd.Series) -> pd.Series:
    """Quantities as a post types them, the unit in the cell: 1.2吨 from a tonne, 350公斤, 800克 under a kilo."""
    def number(values: pd.Series, decimals: int) -> pd.Series:
        return values.round(decimals).astype(str).str.replace(r"\.?0+$", "", regex=True)

    return pd.Series(np.select([kg >= 1000, kg >= 1], [number(kg / 1000, 3) + "吨", number(kg, 1) + "公斤"],
                               number(kg * 1000, 0) + "克"), index=kg.index)


# How a post names an item in its form, in one cell (锑精矿, 氧化镝, 金属镓), as the import reads it; the
# catalogue's names that state a form already (离子型稀土精矿, 钕铁硼磁体) lose it first.
ITEM_IN_FORM = {"oxide": "氧化{}", "metal": "金属{}", "concentrate": "{}精矿", "ore": "{}矿", "compound": "{}化合物",
                "alloy": "{}合金", "magnet": "{}磁体", "scrap": "{}废料"}
STATED_FORM = re.compile("(精矿|磁体)$")


def workbooks(rows: int) -> tuple[Path, Path]:
    """``rows`` demo seizures of 2025 as a post's workbook of one sheet a month, its texts in each cell
    as openpyxl writes them and in one shared table as Excel and WPS save them (made once)."""
    from tests.queries.test_ingest_layout import _workbook

    inline, shared = OUT / f"ingest-{rows}-monthly-inline.xlsx", OUT / f"ingest-{rows}-monthly.xlsx"
    if inline.exists() and shared.exists():
        return shared, inline
    con = duckdb.connect(str(SOURCE_DB), read_only=True)
    frame = con.execute(SEIZURES_WITH_NAMES + "WHERE year(occurred_at) = 2025 ORDER BY hash(seizure_id) LIMIT $rows",
                        {"rows": rows}).df().sort_values("occurred_at", ignore_index=True)
    con.close()
    names = chinese(frame)
    # the columns of the builder's sheet: 编号, 查获日期, 经度, 纬度, 物品, 数量, 渠道, 口岸, 查获单位
    cells = pd.DataFrame({
        "编号": names["编号"], "查获日期": frame["occurred_at"].dt.strftime("%Y.%m.%d"),
        "经度": names["经度"].round(6), "纬度": names["纬度"].round(6),
        "物品": [ITEM_IN_FORM[form].format(STATED_FORM.sub("", name))
               for form, name in zip(frame["form"], frame["item_zh"], strict=True)],
        "数量": quantity_cells(frame["quantity_kg"]), "渠道": names["渠道"],
        "口岸": names["口岸"].astype(object).where(names["口岸"].notna(), None), "查获单位": names["查获单位"]})
    months = frame["occurred_at"].dt.month
    data = _workbook(*((month, cells[months == month].values.tolist()) for month in range(1, 13)))
    inline.write_bytes(data)
    shared.write_bytes(shared_strings(data))
    return shared, inline


_INLINE_CELL = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t( xml:space="preserve")?>(.*?)</t></is></c>', re.DOTALL)


def shared_strings(data: bytes) -> bytes:
    """A workbook openpyxl wrote (each text in its cell, inlineStr) with its texts moved to the
    shared-strings part, cells naming them by number: the form Excel and WPS save."""
    strings: dict[bytes, int] = {}

    def shared(cell: re.Match) -> bytes:
        index = strings.setdefault(b"<t%s>%s</t>" % (cell[3] or b"", cell[4]), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (cell[1], cell[2] or b"", index)

    main = b"http://schemas.openxmlformats.org"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename.startswith("xl/worksheets/sheet"):
                content = _INLINE_CELL.sub(shared, content)
            elif entry.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                          b'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings'
                                          b'+xml"/></Types>')
            elif entry.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdStrings" Type="%s/officeDocument/'
                                          b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                          b'</Relationships>' % main)
            target.writestr(entry, content)
        target.writestr("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        b'<sst xmlns="%s/spreadsheetml/2006/main" uniqueCount="%d">%s</sst>'
                        % (main, len(strings), b"".join(b"<si>%s</si>" % text for text in strings)))
    return out.getvalue()


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


def plain_read(path: Path) -> pd.DataFrame:
    """The file as pandas reads it, every sheet of a workbook one under the other (its header taken
    from the sheet's third row, the lower of the two drawn; mixed columns as text, as DuckDB needs)."""
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    sheets = pd.read_excel(path, sheet_name=None, header=2, engine="openpyxl")
    return pd.concat(sheets.values(), ignore_index=True).astype(str)


# The plain ways: what the INSERT reads from (a fixed list, so the only text put into SQL) for each way.
PLAIN_SOURCES = {"pandas": "frame", ".parquet": "read_parquet($path)", ".csv": "read_csv($path)"}


def plain(path: Path, way: str) -> tuple[float, str]:
    """Seconds to load the file into a new DuckDB table of its columns, ``way`` "pandas" (read by
    pandas, the frame inserted) or "duckdb" (DuckDB reads the file itself), and the rows loaded."""
    target = OUT / f"ingest-plain-{way}-{path.suffix[1:]}.duckdb"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(str(target))
    if way == "pandas":
        con.register("frame", plain_read(path))
        source, params = PLAIN_SOURCES["pandas"], {}
    else:
        source, params = PLAIN_SOURCES[path.suffix], {"path": str(path)}
    con.execute(f"CREATE TABLE plain AS SELECT * FROM {source} LIMIT 0", params)
    con.execute(f"INSERT INTO plain SELECT * FROM {source}", params)
    count = con.execute("SELECT count(*) FROM plain").fetchone()[0]
    con.close()
    return time.perf_counter() - started, f"{count:,} rows"


def commit() -> str:
    """The commit the code measured is at (a tree outside git, such as a git archive, says so)."""
    found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=False, capture_output=True,
                           text=True)
    return f"commit {found.stdout.strip()}" if found.returncode == 0 else "a tree outside git"


def target(fmt: str, rows: int, seconds: float) -> str:
    """The file's target and whether this run met it."""
    if fmt.startswith("xlsx"):
        return f"< {WORKBOOK_TARGET_S} s — {'met' if seconds < WORKBOOK_TARGET_S else 'missed'}"
    return f"≥ {TARGETS[fmt]:,} rows/s — {'met' if rows / seconds >= TARGETS[fmt] else 'missed'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workbook-rows", type=int, default=100_000)
    parser.add_argument("--files", nargs="+", choices=FILES, default=list(FILES))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way on each file; the best is reported")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.md")
    args = parser.parse_args()
    if not SOURCE_DB.exists():
        print(f"{SOURCE_DB} is missing; make it with: python bench/bench_live_map.py", file=sys.stderr)
        return 2
    csv_path, parquet_path = export(args.rows)
    shared, inline = workbooks(args.workbook_rows)
    files = {"parquet": (parquet_path, args.rows, "Parquet"), "csv": (csv_path, args.rows, "CSV"),
             "xlsx": (shared, args.workbook_rows, "xlsx, 12 monthly sheets, as Excel/WPS save it"),
             "xlsx-inline": (inline, args.workbook_rows, "the same as openpyxl writes it (texts in their cells)")}
    geography = import_geography()
    geography.locate([108.3], [22.8])  # load the layers before timing
    lines = [
        "# Import speed",
        "",
        (f"`python bench/bench_ingest.py --rows {args.rows} --workbook-rows {args.workbook_rows} --repeat "
         f"{args.repeat}` at {commit()} on {platform.machine()} ({os.cpu_count()} cores, shared with other work), Python "
         f"{platform.python_version()}: demo seizures with Chinese headers and values, each file imported by Cordon "
         f"into a new store and loaded the plain way, in turns, {args.repeat} times each; the best time is "
         f"reported with Cordon's slowest, and the load average (1 min) at the start of each run."),
        "",
        ("| file | rows | size | load | Cordon ingest (slowest) | rows/s | target | plain: pandas read + INSERT | "
         "rows/s | plain: DuckDB reads the file + INSERT | rows/s | Cordon result |"),
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for fmt in args.files:
        path, rows, label = files[fmt]
        ways = ("pandas",) if fmt.startswith("xlsx") else ("pandas", "duckdb")
        loads, ours, theirs = [], [], {way: [] for way in ways}
        for _ in range(args.repeat):
            loads.append(os.getloadavg()[0])
            seconds, outcome = cordon(path, geography)
            ours.append(seconds)
            for way in ways:
                theirs[way].append(plain(path, way)[0])
        best = min(ours)
        plain_cells = " | ".join(f"{min(theirs[way]):.1f} s | {rows / min(theirs[way]):,.0f}" if way in theirs
                                 else "– | –" for way in ("pandas", "duckdb"))
        size = path.stat().st_size / 2**20
        lines.append(f"| {label} | {rows:,} | {size:,.1f} MB | {min(loads):.1f}–{max(loads):.1f} | "
                     f"{best:.1f} s ({max(ours):.1f} s) | **{rows / best:,.0f}** | {target(fmt, rows, best)} | "
                     f"{plain_cells} | {outcome} |")
        print(lines[-1], flush=True)
    lines += ["", (f"Load average {os.getloadavg()[0]:.1f} at the end. Cordon: read, map, validate every field, "
                   "convert, locate, match against the store, insert with H3 cells, record the import, one "
                   "transaction (the workbook: every sheet, its title, two-row header, 序号 column, totals and notes "
                   "told apart from the records). Plain, pandas: `pandas.read_csv`/`read_parquet`/"
                   "`read_excel(sheet_name=None)` (openpyxl, + `concat`) then `INSERT INTO plain SELECT * FROM frame` "
                   "into DuckDB. Plain, DuckDB: `INSERT INTO plain SELECT * FROM read_parquet(?)`/`read_csv(?)`, "
                   "DuckDB reading the file itself (not for a workbook: DuckDB's `excel` extension is not installed, "
                   "nor python-calamine). Neither plain way checks, maps or locates anything."), "", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
