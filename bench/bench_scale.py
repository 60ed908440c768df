"""Scale, side by side in one run: N seizures in the lake (DuckLake, PostgreSQL catalog) and in one DuckDB file.

Run: ``python bench/bench_scale.py [--rows 10000000] [--writers 4] [--import-rows 250000] [--repeat 3]``, then
``python bench/bench_scale.py --stretch [--repeat 1]``. Try it at ``--rows 1000000`` first: the 10,000,000-row run
takes about half an hour on the shared 2-core machine.

* **Data**: ``--rows`` demo seizures (``queries.demo.generate_seizures``), generated in parts of
  :data:`PART_ROWS` (each its own seed, so the source ids differ; kept in bench/out/scale/ and reused by a
  larger run), then put in time order by DuckDB into one Parquet file, as records arrive (the seed does the
  same, so that a date filter skips whole row groups, and on the lake whole files).
* **Load**: both stores get the reference tables, then the seizures in :data:`LOAD_BATCH_ROWS`-row
  transactions through Cordon's one write path (``queries.seizures.insert_seizures``: the key check, the H3
  cells, the ids), the file first, then the lake: a ThrowawayCluster (tests/postgres_cluster.py) with its
  flushes to disk on (``durable=True``) for the catalog, the Parquet files in a temporary folder.
* **Live map**: each filter change of bench/bench_live_map.py (``STEPS``) on the file, then on the lake, in
  turns: the page's queries (``queries.views.map_data`` on a fresh read connection) and the full filter
  change (queries, layers and the deck's JSON); medians of ``--repeat``.
* **Gi\\***: the Analysis page's hot spots at its defaults over every seizure of the store, as
  bench/bench_analysis.py runs a request in the process (``geodata.worker.ANALYSES``, limits lifted), each
  store in a fresh process: the read of the analysis points, the analysis, the peak memory.
* **Imports**: ``--writers`` Chinese Parquet files of ``--import-rows`` records each (from bench_ingest.py's
  export), each its own source: on the lake, one process per file importing at once (``queries.ingest
  .ingest_file``, started together once each has loaded its geography); on the file, one process importing
  them one after another (one writer at a time is all a file has); and the same one-writer run on the lake.
  Rows per second: every record stored over the time from the first start to the last commit.
* ``--stretch`` (a run of its own): :data:`STRETCH_ROWS` seizures in a lake, if the disk has room (checked first;
  otherwise the reason is written): the ``--rows`` seizures in time order copied until there are as many, each
  copy under source ids of its own; the load and the live map's medians. Its section replaces the stretch
  section of the results.

Prints markdown and writes it to bench/results/scale.md.

It stays whole because it is one comparison end to end: the file and the lake are loaded from the same
seizures and measured in turns in one run, so each table's two rows compare like with like on the same
machine, and its Gi* and import cases are this file started again with ``--case`` in processes of their own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from bench_analysis import _status_mb
from bench_ingest import commit, export
from bench_live_map import NOW, STEPS, filter_change, query_only, timed, view_for

from queries.filters import Filters
from queries.store import LAKE_PREFIX, Store, run
from queries.stores import open_store

OUT = ROOT / "bench" / "out" / "scale"
RESULTS = ROOT / "bench" / "results" / "scale.md"
PART_ROWS = 1_000_000  # rows generated at once (the generator holds about 3 GB for a million)
FIRST_SEED = 1000  # parts are seeds FIRST_SEED, FIRST_SEED + 1, ...: a larger run reuses a smaller one's
LOAD_BATCH_ROWS = 1_000_000  # seizures per load transaction
STRETCH_ROWS = 100_000_000
SORT_MEMORY = "6GB"  # DuckDB's memory while putting the parts in time order; beyond it, it spills to disk
DISK_MARGIN = 1.5  # the stretch runs only where the free space is this many times its estimated need
CATALOG_DATABASE = "cordon_scale"
WRITER_LETTERS = "abcdefghijklmnopqrstuvwxyz"


# -- data ------------------------------------------------------------------------------------------------------

def generated_parts(rows: int) -> list[Path]:
    """``rows`` demo seizures as Parquet parts of PART_ROWS rows (made once each)."""
    from geodata.demo_geography import demo_geography
    from queries.demo import generate_seizures

    OUT.mkdir(parents=True, exist_ok=True)
    parts, geo = [], None
    for index, start in enumerate(range(0, rows, PART_ROWS)):
        size, seed = min(PART_ROWS, rows - start), FIRST_SEED + index
        path = OUT / f"part-{seed}-{size}.parquet"
        if not path.exists():
            geo = geo or demo_geography()
            started = time.perf_counter()
            generate_seizures(geo, rows=size, seed=seed, end=NOW).to_parquet(path.with_suffix(".partial"), index=False)
            path.with_suffix(".partial").rename(path)
            print(f"generated {path.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        parts.append(path)
    return parts


def time_ordered(rows: int) -> Path:
    """The ``rows`` seizures in one Parquet file in time order (made once)."""
    path = OUT / f"seizures-{rows}.parquet"
    if not path.exists():
        parts = [str(part) for part in generated_parts(rows)]
        started = time.perf_counter()
        con = duckdb.connect(config={"memory_limit": SORT_MEMORY, "temp_directory": str(OUT / "sort-spill"),
                                     "enable_progress_bar": False})
        partial = str(path.with_suffix(".partial"))
        con.execute(f"COPY (SELECT * FROM read_parquet($parts) ORDER BY occurred_at) TO '{partial}' "
                    "(FORMAT parquet)", {"parts": parts})
        con.close()
        path.with_suffix(".partial").rename(path)
        print(f"ordered {rows:,} rows in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path


def load(store, seizures: Path, copies: int = 1) -> float:
    """Seconds to write the reference tables and every seizure of ``seizures`` into ``store``, ``copies`` times
    (each copy after the first under source ids of its own: ``<copy>-<source id>``)."""
    from geodata.demo_geography import demo_geography
    from queries.seed import write_reference
    from queries.seizures import insert_seizures

    started = time.perf_counter()
    with store.writing() as con:
        write_reference(con, demo_geography())
    for copy in range(copies):
        for batch in pq.ParquetFile(seizures).iter_batches(batch_size=LOAD_BATCH_ROWS):
            frame = pa.Table.from_batches([batch]).to_pandas()
            if copy:
                frame["source_id"] = f"{copy}-" + frame["source_id"]
            with store.writing() as con:
                insert_seizures(con, frame)
    return time.perf_counter() - started


def import_files(writers: int, rows: int, prefix: str) -> list[Path]:
    """``writers`` Chinese Parquet files of ``rows`` records, named ``<prefix>-a``, ``-b``...: each its own source."""
    if writers * rows > 1_000_000:
        raise SystemExit(f"--writers x --import-rows is {writers * rows:,}: bench_ingest's export holds 1,000,000 rows")
    _, whole = export(writers * rows)
    table = pq.read_table(whole)
    folder = OUT / f"imports-{rows}"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for index in range(writers):
        path = folder / f"{prefix}-{WRITER_LETTERS[index]}.parquet"
        if not path.exists():
            pq.write_table(table.slice(index * rows, rows), path)
        files.append(path)
    return files


# -- measures, some in a process of their own ------------------------------------------------------------------

def case_gi(location: str) -> dict:
    """Gi* at the Analysis page's defaults over every seizure of the store: read, then analyse."""
    from geodata.analysis_data import read_analysis_points
    from geodata.budget import Limits
    from geodata.export_sources import analysis_params
    from geodata.worker import ANALYSES

    store = open_store(location)
    store.exists()  # a lake is attached once per process (a dashboard's is already): not part of the read
    started = time.perf_counter()
    with store.reading() as con:
        points = read_analysis_points(con, Filters()).points
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    result = ANALYSES["hotspots"][1](points, analysis_params("hotspots"), Limits(timeout_s=1e9, max_mb=1e9))
    return {"read_s": read_s, "gi_s": time.perf_counter() - started, "points": len(points),
            "cells": len(result.frame), "peak_mb": _status_mb("VmHWM")}


def case_import(location: str, *files: str) -> dict:
    """Import ``files`` one after another once the parent says go (a line on stdin); the wall clock at the
    start and at the last commit, and the records stored."""
    from geodata.demo_geography import import_geography
    from queries.ingest import ingest_file

    geography = import_geography()
    geography.locate([108.3], [22.8])  # load the layers before the start, as bench_ingest does
    store = open_store(location)
    store.migrate()
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.time()
    stored = sum(ingest_file(store, path, geography).accepted for path in files)
    return {"start": start, "end": time.time(), "stored": stored}


CASES = {"gi": case_gi, "import": case_import}


def in_processes(case: str, commands: list[list[str]]) -> list[dict]:
    """Run ``case`` in one process per argument list at once (imports start together when all are ready)."""
    processes = [subprocess.Popen([sys.executable, __file__, "--case", case, *arguments], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True) for arguments in commands]
    if case == "import":
        for process in processes:
            if process.stdout.readline().strip() != "ready":
                raise SystemExit(f"an import process did not start: exit {process.wait()}")
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.close()
    results = []
    for process in processes:
        output = process.stdout.read().strip().splitlines()
        if process.wait() != 0 or not output:
            raise SystemExit(f"{case} {' '.join(commands[processes.index(process)])} failed (exit {process.returncode})")
        results.append(json.loads(output[-1]))
    return results


def imports(location: str, files: list[Path], together: bool) -> dict:
    """Import ``files`` into the store at ``location``: one process each at once, or one process in turn."""
    names = [str(path) for path in files]
    commands = [[location, name] for name in names] if together else [[location, *names]]
    done = in_processes("import", commands)
    seconds = max(d["end"] for d in done) - min(d["start"] for d in done)
    stored = sum(d["stored"] for d in done)
    return {"seconds": seconds, "stored": stored, "rows_s": stored / seconds}


def newest_arrival(store) -> int:
    """The newest arrival mark: records arriving after it would be ringed as new (none, as at a first look)."""
    with store.reading() as con:
        return int(run(con, "data_extent", Filters().params()).iloc[0]["newest_arrival"])


def live_map(stores: dict, repeat: int) -> tuple[list[str], dict]:
    """The live map's filter changes on each store, in turns: per-step medians, and the medians over the steps."""
    from dashboard import startup

    base = {lang: startup.base_map(lang) for lang in ("en", "zh")}
    newest = {name: newest_arrival(store) for name, store in stores.items()}
    header = " | ".join(f"{name}: queries ms | {name}: filter→map ms" for name in stores)
    lines = [f"| filter change | seizures | {header} |", "|---|---:|" + "---:|---:|" * len(stores)]
    medians = {name: {"queries": [], "full": []} for name in stores}
    for label, query in STEPS:
        view = view_for(query)
        filters = view.filters(NOW)
        cells, seizures = [], None
        for name, store in stores.items():
            queries_s = [timed(query_only, store, view, filters, newest[name])[0] for _ in range(repeat)]
            changes = [timed(filter_change, store, view, filters, newest[name], base[view.lang]) for _ in range(repeat)]
            seizures = int(changes[-1][1][0]["summary"]["seizures"])
            for kind, seconds in (("queries", queries_s), ("full", [s for s, _ in changes])):
                medians[name][kind].append(statistics.median(seconds) * 1000)
            cells.append(f"{medians[name]['queries'][-1]:,.0f} | {medians[name]['full'][-1]:,.0f}")
        lines.append(f"| {label} | {seizures:,} | {' | '.join(cells)} |")
        print(lines[-1], flush=True)
    overall = {name: {kind: statistics.median(values) for kind, values in kinds.items()}
               for name, kinds in medians.items()}
    cells = " | ".join(f"**{overall[name]['queries']:,.0f}** | **{overall[name]['full']:,.0f}**" for name in stores)
    lines.append(f"| **median over the steps** | | {cells} |")
    return lines, overall


# -- the stores --------------------------------------------------------------------------------------------------

def folder_bytes(folder: Path) -> tuple[int, int]:
    """Parquet files under ``folder`` and the bytes of every file there."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    return sum(path.suffix == ".parquet" for path in files), sum(path.stat().st_size for path in files)


def lake_url(cluster, name: str) -> str:
    return LAKE_PREFIX + cluster.create_database(name)


def catalog_bytes(cluster, name: str) -> int:
    import psycopg

    with psycopg.connect(cluster.dsn(name)) as con:
        return con.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def versions(cluster) -> str:
    import importlib.metadata

    import psycopg

    with psycopg.connect(cluster.dsn()) as con:
        server = con.execute("SHOW server_version").fetchone()[0]
    packages = ("duckdb", "duckdb-extension-ducklake", "duckdb-extension-postgres-scanner", "psycopg")
    return ", ".join([f"PostgreSQL {server}"] + [f"{name} {importlib.metadata.version(name)}" for name in packages])


def machine_line() -> str:
    """The machine as the results describe it: processor, cores, memory, the disk of the temporary folder."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    disk = shutil.disk_usage(tempfile.gettempdir())
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, Python {platform.python_version()}; "
            f"temporary folder's disk {disk.free / 2**30:,.0f} GiB free of {disk.total / 2**30:,.0f}; "
            f"shared with other work (load average {os.getloadavg()[0]:.1f} at the start)")


def stretch(rows: int, repeat: int) -> list[str]:
    """STRETCH_ROWS seizures in a lake of their own, if the disk has room: the ``rows`` seizures in time order,
    copied until there are STRETCH_ROWS (each copy in time order after the one before); the load and the live map."""
    from tests.postgres_cluster import ThrowawayCluster

    seizures = time_ordered(rows)
    copies = STRETCH_ROWS // rows
    title = ["## Stretch: the lake at 100 million", "",
             (f"`python bench/bench_scale.py --stretch --rows {rows} --repeat {repeat}`: {copies} copies of the "
             f"{rows:,} seizures in time order, one after another ({copies * rows:,} seizures; a date filter finds "
             f"its rows in {copies} places of the lake instead of one), {machine_line()}."), ""]
    need = seizures.stat().st_size * copies * DISK_MARGIN  # the lake's files, about the size of their Parquet
    free = shutil.disk_usage(tempfile.gettempdir()).free
    if free < need:
        reason = (f"Not run: it needs about {need / 2**30:,.0f} GiB of disk for the lake's files (with a margin of "
                  f"{DISK_MARGIN}), {free / 2**30:,.0f} GiB are free.")
        print(reason, flush=True)
        return [*title, reason]
    with ThrowawayCluster(durable=True) as cluster, tempfile.TemporaryDirectory(prefix="cordon-stretch-") as temp:
        lake = open_store(lake_url(cluster, CATALOG_DATABASE), Path(temp) / "lake")
        seconds = load(lake, seizures, copies)
        files, size = folder_bytes(Path(temp) / "lake")
        print(f"loaded {copies * rows:,} in {seconds:,.0f} s", flush=True)
        lines, _ = live_map({"lake": lake}, repeat)
        lake.close()
    return [*title, (f"Load: {seconds:,.0f} s ({copies * rows / seconds:,.0f} rows/s); {files:,} Parquet files, "
            f"{size / 2**30:,.1f} GiB."), "", *lines, "", f"Load average {os.getloadavg()[0]:.1f} at the end."]


def with_stretch(report: str, section: list[str]) -> str:
    """The results with ``section`` in place of the stretch section they hold, or after them."""
    kept = report.split("\n## Stretch")[0].rstrip("\n")
    return kept + "\n\n" + "\n".join(section) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--import-rows", type=int, default=250_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stretch", action="store_true",
                        help=f"only the stretch: {STRETCH_ROWS:,} seizures in the lake, added to the results")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.case:
        print(json.dumps(CASES[args.case](*rest)))
        return 0
    if args.stretch:
        section = stretch(args.rows, args.repeat)
        RESULTS.write_text(with_stretch(RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "", section),
                           encoding="utf-8")
        print("\n".join(section))
        return 0
    from tests.postgres_cluster import ThrowawayCluster

    header = [f"# Scale: {args.rows:,} seizures, the lake beside one DuckDB file", "",
              (f"`python bench/bench_scale.py --rows {args.rows} --writers {args.writers} --import-rows "
              f"{args.import_rows} --repeat {args.repeat}` at {commit()}; "
              f"{machine_line()}.")]
    print("\n".join(header), flush=True)
    seizures = time_ordered(args.rows)
    with ThrowawayCluster(durable=True) as cluster, tempfile.TemporaryDirectory(prefix="cordon-scale-") as temp:
        folder = Path(temp)
        stores = {"file": Store(folder / "cordon.duckdb"),
                  "lake": open_store(lake_url(cluster, CATALOG_DATABASE), folder / "lake")}
        locations = {"file": str(stores["file"].path), "lake": stores["lake"].path}
        os.environ["CORDON_DATA_PATH"] = str(folder / "lake")  # for the processes this one starts
        loaded = {name: load(store, seizures) for name, store in stores.items()}
        files, lake_size = folder_bytes(folder / "lake")
        file_size = stores["file"].path.stat().st_size
        catalog = catalog_bytes(cluster, CATALOG_DATABASE)
        report = [*header, "", versions(cluster) + ".", "", "## Load", "",
                  "| store | s | rows/s | on disk |", "|---|---:|---:|---|",
                  f"| file | {loaded['file']:,.0f} | {args.rows / loaded['file']:,.0f} | {file_size / 2**30:,.2f} GiB |",
                  (f"| lake | {loaded['lake']:,.0f} | {args.rows / loaded['lake']:,.0f} | {lake_size / 2**30:,.2f} GiB in "
                  f"{files:,} Parquet files; catalog {catalog / 2**20:,.0f} MiB |")]
        print("\n".join(report[-4:]), flush=True)
        map_lines, overall = live_map(stores, args.repeat)
        report += ["", "## Live map: filter change → map (server side, medians of each step)", "", *map_lines]
        report += ["", "## Gi* hot spots, the page's defaults, every seizure (each store in a fresh process)", "",
                   "| store | analysis points | read s | Gi* s | hexagons | peak MB |", "|---|---:|---:|---:|---:|---:|"]
        for name in stores:
            (gi,) = in_processes("gi", [[locations[name]]])
            report.append(f"| {name} | {gi['points']:,} | {gi['read_s']:.1f} | {gi['gi_s']:.1f} | {gi['cells']:,} | "
                          f"{gi['peak_mb']:,.0f} |")
            print(report[-1], flush=True)
        runs = [("lake", f"{args.writers} writers at once", imports(locations["lake"], import_files(
                    args.writers, args.import_rows, "site"), together=True)),
                ("file", "1 writer, the files in turn", imports(locations["file"], import_files(
                    args.writers, args.import_rows, "site"), together=False)),
                ("lake", "1 writer, the files in turn", imports(locations["lake"], import_files(
                    args.writers, args.import_rows, "solo"), together=False))]
        report += ["", (f"## Imports: {args.writers} files of {args.import_rows:,} records, each its own source, "
                   f"into the store holding {args.rows:,}"), "",
                   "| store | writers | records stored | s (first start to last commit) | rows/s |",
                   "|---|---|---:|---:|---:|"]
        report += [f"| {name} | {how} | {run_['stored']:,} | {run_['seconds']:.1f} | **{run_['rows_s']:,.0f}** |"
                   for name, how, run_ in runs]
        print("\n".join(report[-3:]), flush=True)
        report += ["", (f"Load average {os.getloadavg()[0]:.1f} at the end. Medians: file "
                   f"{overall['file']['full']:,.0f} ms, lake {overall['lake']['full']:,.0f} ms per filter change.")]
        RESULTS.write_text("\n".join(report) + "\n", encoding="utf-8")
        for store in stores.values():
            getattr(store, "close", lambda: None)()
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
