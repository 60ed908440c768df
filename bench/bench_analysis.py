"""Hot-spot analytics at scale, side by side with the usual way, each case in its own process.

Run: ``python bench/bench_analysis.py [--quick]``. Seeds (once, kept in bench/out/) databases of
demo seizures, then measures, each case in a fresh subprocess (time of the call; peak resident
memory of the process, and its growth over the process before the call):

* DBSCAN (eps 1 km, 10 seizures) on 1,000,000 points, Cordon's grid DBSCAN on METRIC_CRS metres,
  against two usual ways with scikit-learn, at growing sizes: ``DBSCAN(algorithm='kd_tree')`` on the
  same metres (the fair baseline: the same points and metric, and scikit-learn's fastest tree for
  them; the run stops if its partition is not Cordon's) and the common haversine recipe (ball tree,
  lat/lon in radians, eps over the Earth's mean radius). A baseline is not run at a size where its
  memory, growing as the square of the points from the last size it ran, would pass the 12 GB budget
  (nor after it failed: out of time or memory); where it ran, its partition is compared with Cordon's;
* HDBSCAN on 100,000 points: the ``hdbscan`` package's Boruvka KD-tree (what Cordon uses) against
  scikit-learn's ``HDBSCAN``;
* Gi* on 50,000 hexagons with 999 permutations: Cordon's chunked conditional permutations against
  esda's ``G_Local(star=True, permutations=999)``, which keeps an n x 999 matrix. esda compiles its
  permutation loop with numba when numba is installed (not one of Cordon's requirements; the table
  says which ran, numba's compilation done before the timing): here esda 2.9 with numba 0.68 took
  16.5 s at 50,000 hexagons against 9.0 s without, so the baseline is esda without numba;
* emerging hot spots over two years of weekly steps on the default data (20,000 demo rows);
* the live map's alerts at 1,200,000 seizures: the last 12 weeks read in SQL and classified twice
  (``dashboard.data._alerts``), against the same classification over the whole record;
* the limits on heavy analyses (``geodata.budget``, ``geodata.worker``), request by request
  (``LIMIT_REQUESTS``): the cost estimate (its own time and memory) against the analysis run in the
  process, whether the default limits let it run, and the same request through the Analysis page's
  runner (estimate, then a worker), whose time includes sending the points and the result.

Prints markdown tables and writes them to bench/results/analysis.md (``--only limits``, or another
section: only that one, printed and written to bench/results/analysis-<section>.md).

It stays whole because it runs itself: each case is this file started again with ``--case`` in a fresh process
(so that a case's time and peak memory are its own), and each table is drawn from its cases' results in the
parent, so a case and the table that reports it are read and changed in one place.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np

OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results" / "analysis.md"
END = datetime(2026, 11, 20, 12, 0)
MEMORY_BUDGET = 12 * 1024**3  # resident memory a baseline may need; not run at a size expected to pass it
ADDRESS_SPACE_LIMIT = 16 * 1024**3  # RLIMIT_AS of a baseline's process: address space runs ahead of residence
EARTH_RADIUS_KM = 6371.0088  # the mean radius, as in the haversine recipe
TIMEOUT_S = 300


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process in MB; unlike ru_maxrss, not inherited from the parent."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field)) / 1024


def _rss_mb() -> float:
    """Resident MB now; also restarts the peak (VmHWM) from here, so that the peak is the call's."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _status_mb("VmRSS")


def _database(rows: int) -> Path:
    from geodata.demo_geography import demo_geography
    from queries.seed import seed
    from queries.store import Store

    path = OUT / f"analysis-{rows}.duckdb"
    if not path.exists():
        seed(Store(path), demo_geography(), rows=rows, seed=2026, end=END)
    return path


def _points(rows: int, n: int | None = None):
    """The analysis points of a demo database of ``rows`` rows, the first ``n`` of a fixed shuffle."""
    from geodata.analysis_data import read_analysis_points
    from queries.filters import Filters
    from queries.store import Store

    with Store(_database(rows)).reading() as con:
        points = read_analysis_points(con, Filters()).points
    if n is not None:
        if n > len(points):
            raise ValueError(f"{rows} rows give {len(points)} analysis points, fewer than {n}")
        points = points.sample(n=n, random_state=1).reset_index(drop=True)
    return points


def _grid_values(cells: int, seed: int = 1):
    import h3.api.basic_int as h3int

    rings = int(np.ceil((-3 + np.sqrt(9 + 12 * (cells - 1))) / 6))
    disk = np.array(sorted(h3int.grid_disk(h3int.latlng_to_cell(23.0, 105.0, 7), rings)), dtype=np.uint64)[:cells]
    return disk, np.random.default_rng(seed).poisson(3, len(disk)).astype(float)


# -- the cases, each run in a subprocess: prepare (not timed), then call (timed) -----------------

def case_dbscan_cordon(n: int) -> dict:
    from geodata.cluster_labels import dbscan_labels
    from geodata.clusters import project

    points = _points(1_200_000, n)
    xy = project(points["lon"], points["lat"])
    before = _rss_mb()
    start = time.perf_counter()
    labels = dbscan_labels(xy, 1000.0, 10)
    seconds = time.perf_counter() - start
    np.save(OUT / f"labels-cordon-{n}.npy", labels)
    return {"seconds": seconds, "before_mb": before, "clusters": int(labels.max()) + 1}


def _sklearn_dbscan(name: str, n: int, model, coordinates) -> dict:
    """Fit scikit-learn's ``model`` to ``coordinates(points)`` of n points under ADDRESS_SPACE_LIMIT; its labels
    and cores kept in OUT for the comparison with Cordon's."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    data = coordinates(_points(1_200_000, n))
    before = _rss_mb()
    start = time.perf_counter()
    model.fit(data)
    seconds = time.perf_counter() - start
    np.save(OUT / f"labels-{name}-{n}.npy", model.labels_)
    core = np.zeros(n, dtype=bool)
    core[model.core_sample_indices_] = True
    np.save(OUT / f"core-{name}-{n}.npy", core)
    return {"seconds": seconds, "before_mb": before, "clusters": int(model.labels_.max()) + 1}


def case_dbscan_kd_tree(n: int) -> dict:
    from sklearn.cluster import DBSCAN

    from geodata.clusters import project

    return _sklearn_dbscan("kd_tree", n, DBSCAN(eps=1000.0, min_samples=10, algorithm="kd_tree"),
                           lambda points: project(points["lon"], points["lat"]))


def case_dbscan_haversine(n: int) -> dict:
    from sklearn.cluster import DBSCAN

    return _sklearn_dbscan("haversine", n, DBSCAN(eps=1.0 / EARTH_RADIUS_KM, min_samples=10, algorithm="ball_tree",
                                                  metric="haversine"),
                           lambda points: np.radians(points[["lat", "lon"]].to_numpy()))


def case_hdbscan_cordon(n: int) -> dict:
    from geodata.cluster_labels import hdbscan_labels
    from geodata.clusters import project

    xy = project(*_points(1_200_000, n)[["lon", "lat"]].to_numpy().T)
    before = _rss_mb()
    start = time.perf_counter()
    labels = hdbscan_labels(xy, min_cluster_size=15)
    return {"seconds": time.perf_counter() - start, "before_mb": before, "clusters": int(labels.max()) + 1}


def case_hdbscan_sklearn(n: int) -> dict:
    from sklearn.cluster import HDBSCAN

    from geodata.clusters import project

    xy = project(*_points(1_200_000, n)[["lon", "lat"]].to_numpy().T)
    before = _rss_mb()
    start = time.perf_counter()
    labels = HDBSCAN(min_cluster_size=15, copy=True).fit_predict(xy)
    return {"seconds": time.perf_counter() - start, "before_mb": before, "clusters": int(labels.max()) + 1}


def case_gi_cordon(n: int) -> dict:
    from geodata.hotspots import GiStar, ring_weights

    cells, values = _grid_values(n)
    before = _rss_mb()
    start = time.perf_counter()
    w = ring_weights(cells, 2)
    gi = GiStar(values, w, permutations=999, seed=1)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "before_mb": before, "cells": len(gi.z)}


def case_gi_esda(n: int) -> dict:
    import esda
    import libpysal

    from geodata.hotspots import ring_weights

    cells, values = _grid_values(n)
    w = ring_weights(cells, 2)
    # With numba, esda compiles its permutation loop on the first call: done here, untimed, as in a warm session.
    esda.G_Local(np.arange(25.0), libpysal.weights.lat2W(5, 5), transform="B", star=True, permutations=9, seed=1)
    before = _rss_mb()
    start = time.perf_counter()
    neighbours = {i: [int(j) for j in w.indices[w.indptr[i]:w.indptr[i + 1]] if j != i] for i in range(n)}
    pysal_w = libpysal.weights.W(neighbours, silence_warnings=True)
    gi = esda.G_Local(values, pysal_w, transform="B", star=True, permutations=999, seed=1)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "before_mb": before, "cells": len(gi.Zs)}


def case_emerging(n: int) -> dict:
    from geodata.emerging import EmergingParams, emerging_hot_spots

    points = _points(20_000)
    recent = points[points["occurred_at"] >= "2024-11-20"]
    before = _rss_mb()
    start = time.perf_counter()
    cells = emerging_hot_spots(recent, EmergingParams(step="week")).frame
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "before_mb": before, "cells": len(cells), "steps": int(cells["steps"].iloc[0]),
            "points": len(recent)}


def case_alerts(window: int) -> dict:
    """The live map's alerts at the end of the 1.2M database: over the alert window (``window`` 1) as the
    dashboard computes them, or over the whole record (0), the way without a window."""
    import dashboard.data as dashboard_data
    from geodata.analysis_data import read_analysis_points
    from geodata.emerging import just_emerged
    from queries.access import Scope
    from queries.filters import Filters
    from queries.store import Store

    path = _database(1_200_000)
    before = _rss_mb()
    start = time.perf_counter()
    if window:
        everything = dashboard_data.Source(str(path), Scope(everything=True))
        found = dashboard_data._alerts.__wrapped__(everything, Filters(), END)
    else:
        with Store(path).reading() as con:
            found = just_emerged(read_analysis_points(con, Filters()).points, dashboard_data.ALERT_PARAMS)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "before_mb": before, "alerts": len(found)}


# Requests to the analyses: label, rows of the demo database, a sample of its seizures (or all),
# analysis, parameters, and whether to run it even when refused (the probe, for the comparison).
LIMIT_REQUESTS = (
    ("the probe: space-time clusters, 50 km, min 2, 3,650 days", 20_000, None, "clusters",
     {"eps_km": 50, "min_count": 2, "window_days": 3650}, True),
    ("clusters, the page's defaults (1 km, min 10)", 1_200_000, None, "clusters", {}, False),
    ("Gi*, the page's defaults", 1_200_000, None, "hotspots", {}, False),
    ("emerging, the page's defaults (monthly)", 1_200_000, None, "emerging", {}, False),
    ("space-time clusters, 0.1 km, min 3, 1 day", 1_200_000, None, "clusters",
     {"eps_km": 0.1, "min_count": 3, "window_days": 1}, False),
    ("Gi*, resolution 8, 5 rings, 9,999 permutations", 1_200_000, None, "hotspots",
     {"resolution": 8, "rings": 5, "permutations": 9999}, False),
    ("emerging, resolution 8, weekly", 1_200_000, None, "emerging", {"resolution": 8, "step": "week"}, False),
    ("HDBSCAN, min 10, 300,000 of the seizures", 1_200_000, 300_000, "clusters",
     {"method": "hdbscan", "min_cluster_size": 10}, False),
    ("HDBSCAN, min 10", 1_200_000, None, "clusters", {"method": "hdbscan", "min_cluster_size": 10}, False),
)


def _request(index: int):
    """The points and parameters of LIMIT_REQUESTS[index]."""
    from geodata.export_sources import analysis_params

    _, rows, sample, analysis, given, _ = LIMIT_REQUESTS[index]
    return _points(rows, sample), analysis, analysis_params(analysis, given)


def case_limits_estimate(index: int) -> dict:
    from geodata.budget import Limits
    from geodata.worker import ANALYSES

    points, analysis, params = _request(index)
    before = _rss_mb()
    start = time.perf_counter()
    estimate = ANALYSES[analysis][0](points, params)
    seconds = time.perf_counter() - start
    limits = Limits()
    return {"seconds": seconds, "before_mb": before, "seizures": len(points), "estimate_s": estimate.seconds,
            "estimate_mb": estimate.mb, "runs": estimate.seconds <= limits.timeout_s and estimate.mb <= limits.max_mb}


def case_limits_in_process(index: int) -> dict:
    from geodata.budget import Limits
    from geodata.worker import ANALYSES

    points, analysis, params = _request(index)
    before = _rss_mb()
    start = time.perf_counter()
    ANALYSES[analysis][1](points, params, Limits(timeout_s=1e9, max_mb=1e9))
    return {"seconds": time.perf_counter() - start, "before_mb": before}


def case_limits_worker(index: int) -> dict:
    """The request through the Analysis page's runner with the default limits (the forkserver started
    before, as on a server that has run one analysis)."""
    from geodata.budget import AnalysisRefused, Limits
    from geodata.worker import AnalysisRunner, AnalysisStopped

    points, analysis, params = _request(index)
    runner = AnalysisRunner(Limits())
    runner.run_function("bench", abs, (-1,))
    before = _rss_mb()
    start = time.perf_counter()
    try:
        runner.run("bench", analysis, points, params)
        outcome = "ran"
    except AnalysisRefused:
        outcome = "refused"
    except AnalysisStopped as stopped:
        outcome = f"stopped ({stopped.reason})"
    return {"seconds": time.perf_counter() - start, "before_mb": before, "outcome": outcome}


CASES = {name[5:]: function for name, function in globals().items() if name.startswith("case_")}


def _run(case: str, n: int) -> dict:
    """Run one case in a fresh process; its result, or why it failed."""
    try:
        done = subprocess.run([sys.executable, __file__, "--case", case, "--n", str(n)], capture_output=True,
                              text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return {"failed": f"over {TIMEOUT_S} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["killed"])[-1]
        out_of_memory = f"out of memory ({ADDRESS_SPACE_LIMIT / 1024**3:.0f} GB address space)"
        return {"failed": out_of_memory if "MemoryError" in done.stderr else last[:80]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mb(result: dict) -> str:
    return f"{result['peak_mb']:,.0f} ({result['peak_mb'] - result['before_mb']:+,.0f})"


def _agreement(name: str, n: int) -> tuple[float, int]:
    """How a baseline's partition compares with Cordon's: the adjusted Rand index on the baseline's
    cores (border points may go to either of two clusters) and the points noise in one only."""
    from sklearn.metrics import adjusted_rand_score

    ours, theirs = np.load(OUT / f"labels-cordon-{n}.npy"), np.load(OUT / f"labels-{name}-{n}.npy")
    core = np.load(OUT / f"core-{name}-{n}.npy")
    return adjusted_rand_score(ours[core], theirs[core]), int(((ours == -1) != (theirs == -1)).sum())


def _alert_lines() -> list[str]:
    lines = ["", "### Live-map alerts, 1,200,000 demo seizures (weekly Gi*, resolution 6, classified twice)", "",
             "| way | s | MB | alerts |", "|---|---|---|---|"]
    for label, window in (("Cordon: the last 12 weeks, read in SQL", 1), ("the whole record", 0)):
        result = _run("alerts", window)
        lines.append(f"| {label} | {result['seconds']:.2f} | {_mb(result)} | {result['alerts']} |"
                     if "failed" not in result else f"| {label} | {result['failed']} | | |")
        print(lines[-1], flush=True)
    return lines


def _limit_lines() -> list[str]:
    from geodata.budget import Limits

    limits = Limits()
    lines = ["", f"### Limits on heavy analyses (default limits: {limits.timeout_s:g} s, {limits.max_mb:,.0f} MB)", "",
             ("| request | seizures | estimate: s, MB (its own time, MB) | under the limits | in the process: s, MB | "
              "through the page's runner: s, server MB |"), "|---|---|---|---|---|---|"]
    for index, (label, *_, run_anyway) in enumerate(LIMIT_REQUESTS):
        estimate = _run("limits_estimate", index)
        if "failed" in estimate:
            lines.append(f"| {label} | | {estimate['failed']} | | | |")
            continue
        if estimate["runs"] or run_anyway:
            ran = _run("limits_in_process", index)
            in_process = ran.get("failed") or f"{ran['seconds']:.2f}, {_mb(ran)}"
        else:
            in_process = "not run"
        worker = _run("limits_worker", index)
        through = worker.get("failed") or f"{worker['outcome']} in {worker['seconds']:.3f} s, {_mb(worker)}"
        lines.append(f"| {label} | {estimate['seizures']:,} | {estimate['estimate_s']:,.1f} s, "
                     f"{estimate['estimate_mb']:,.0f} MB ({estimate['seconds']:.3f} s, "
                     f"{estimate['peak_mb'] - estimate['before_mb']:+,.0f} MB) | "
                     f"{'yes' if estimate['runs'] else 'no: refused'} | {in_process} | {through} |")
        print(lines[-1], flush=True)
    return lines


DBSCAN_SIZES = (20_000, 50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000)
DBSCAN_BASELINES = (("kd_tree", "scikit-learn KD-tree, same metres"), ("haversine", "scikit-learn haversine, ball tree"))


def _baseline_cell(name: str, n: int, ours: dict, last: dict) -> str:
    """'s | MB | times Cordon's s | agreement' of a baseline at n points, or why it was not run; ``last``
    holds the baseline's last run (n and growth in MB) or its failure, and is updated."""
    if "failed" in last:
        return f"not run: {last['failed']} at {last['n']:,} | | |"
    if last:
        needed = last["growth_mb"] * (n / last["n"]) ** 2
        if needed > MEMORY_BUDGET / 1024**2:
            return f"not run: would need about {needed / 1024:,.0f} GB | | |"
    theirs = _run(f"dbscan_{name}", n)
    if "failed" in theirs:
        last.update(n=n, failed=theirs["failed"])
        return f"{theirs['failed']} | | |"
    last.update(n=n, growth_mb=max(theirs["peak_mb"] - theirs["before_mb"], 1.0))
    ari, noise_apart = _agreement(name, n)
    if name == "kd_tree" and (ari < 1 - 1e-12 or noise_apart):
        raise SystemExit(f"scikit-learn's KD-tree on the same metres and Cordon's DBSCAN differ at {n:,} points: "
                         f"adjusted Rand index {ari:.6f} on its cores, {noise_apart} points noise in one only")
    return (f"{theirs['seconds']:.2f} | {_mb(theirs)} | {theirs['seconds'] / ours['seconds']:.0f}x | "
            f"{ari:.4f}, {noise_apart}")


def _dbscan_lines(big: int) -> list[str]:
    header = " | ".join(f"{label} s | MB | / Cordon | ARI, noise apart" for _, label in DBSCAN_BASELINES)
    lines = ["", "### DBSCAN, eps 1 km, min 10 seizures", "",
             ("ARI: adjusted Rand index of the baseline's clusters against Cordon's on the baseline's core points; "
              "noise apart: points noise in one and not the other. A baseline is not run where its memory, growing "
              f"as the square of the points from the last size it ran, would pass {MEMORY_BUDGET / 1024**3:.0f} GB."), "",
             f"| points | Cordon s | MB | {header} |", "|---|---|---|" + "---|---|---|---|" * len(DBSCAN_BASELINES)]
    last = {name: {} for name, _ in DBSCAN_BASELINES}
    for n in (s for s in DBSCAN_SIZES if s <= big):
        ours = _run("dbscan_cordon", n)
        if "failed" in ours:
            raise SystemExit(f"Cordon's DBSCAN failed at {n:,} points: {ours['failed']}")
        cells = " | ".join(_baseline_cell(name, n, ours, last[name]) for name, _ in DBSCAN_BASELINES)
        lines.append(f"| {n:,} | {ours['seconds']:.2f} | {_mb(ours)} | {cells} |")
        print(lines[-1], flush=True)
    return lines


def _hdbscan_lines(quick: bool) -> list[str]:
    lines = ["", "### HDBSCAN, min cluster size 15", "",
             "| points | Cordon (hdbscan, Boruvka KD-tree) s | MB | scikit-learn HDBSCAN s | MB |", "|---|---|---|---|---|"]
    for n in ([20_000] if quick else [20_000, 100_000]):
        ours, theirs = _run("hdbscan_cordon", n), _run("hdbscan_sklearn", n)
        other = theirs.get("failed") or f"{theirs['seconds']:.1f} | {_mb(theirs)}"
        lines.append(f"| {n:,} | {ours['seconds']:.1f} | {_mb(ours)} | {other} |")
        print(lines[-1], flush=True)
    return lines


def _gi_lines(quick: bool) -> list[str]:
    lines = ["", "### Gi* with 999 permutations, 2 rings (weights included)", "",
             "| hexagons | way | s | MB |", "|---|---|---|---|"]
    esda_loop = "numba" if importlib.util.find_spec("numba") else "plain Python, numba not installed"
    for cells in ([5_000] if quick else [5_000, 50_000]):
        for label, case in (("Cordon (chunked, shared draws)", "gi_cordon"),
                            (f"esda G_Local (n x 999 matrix; {esda_loop})", "gi_esda")):
            result = _run(case, cells)
            lines.append(f"| {cells:,} | {label} | {result['seconds']:.2f} | {_mb(result)} |" if "failed" not in result
                         else f"| {cells:,} | {label} | {result['failed']} | |")
            print(lines[-1], flush=True)
    return lines


def _emerging_lines() -> list[str]:
    result = _run("emerging", 0)
    lines = ["", "### Emerging hot spots, 2 years of weekly steps, default data (20,000 demo rows)", "",
             "| points | cells | steps | s | MB |", "|---|---|---|---|---|",
             f"| {result['points']:,} | {result['cells']:,} | {result['steps']} | {result['seconds']:.2f} | {_mb(result)} |"]
    print(lines[-1], flush=True)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--n", type=int)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a trial run")
    sections = {"dbscan": lambda: _dbscan_lines(100_000 if args.quick else 1_000_000),
                "hdbscan": lambda: _hdbscan_lines(args.quick), "gi": lambda: _gi_lines(args.quick),
                "emerging": _emerging_lines, "alerts": _alert_lines, "limits": _limit_lines}
    parser.add_argument("--only", choices=sorted(sections), help="one section, written to analysis-<section>.md")
    args = parser.parse_args()
    if args.case:
        result = CASES[args.case](args.n)
        result["peak_mb"] = _status_mb("VmHWM")
        print(json.dumps(result))
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    for rows in (1_200_000, 20_000):
        _database(rows)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            check=False).stdout.strip() or "unknown"
    if subprocess.run(["git", "-C", str(ROOT), "diff", "--quiet", "HEAD", "--", "geodata", "bench/bench_analysis.py"],
                      check=False).returncode:
        commit += " with uncommitted changes to geodata/ or this bench"
    lines = [(f"Commit {commit}; vm: {platform.machine()}, python {platform.python_version()}, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f} at the start; MB: peak resident memory of the process during the "
              "call, data included (in brackets: over the process just before it)")]
    for name in [args.only] if args.only else sections:
        lines += sections[name]()
    results = RESULTS.with_name(f"analysis-{args.only}.md") if args.only else RESULTS
    results.parent.mkdir(parents=True, exist_ok=True)
    lines.append(f"\nLoad average {os.getloadavg()[0]:.1f} at the end.")
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
