"""Naming the features of an analysis (geodata.places.with_places) at scale, side by side with the naive way.

Run: ``python bench/bench_places.py [--cells 50000] [--reps 3]``. Makes ``--cells`` resolution-8 H3 hexagons
spread over the Guangxi + Yunnan border region (seeded), then measures the median of ``--reps`` runs of:

* the nearest checkpoint of each hexagon (``geodata.coverage.nearest_checkpoints``), which the dashboard
  computed after every Gi* and emerging analysis before the names came;
* ``with_places``: that, the county of each centre (``geodata.locate``) and the names in both languages,
  each distinct (county, checkpoint, whole km) worded once;
* the naive way: the same, with ``place_name`` called for every hexagon in each language.

Prints a markdown table and writes it to bench/results/places.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import h3
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.coverage import nearest_checkpoints
from geodata.crs import WGS84
from geodata.hotspots import cell_polygons
from geodata.places import area_names, place_name, with_places
from queries.labels import LANGUAGES

RESULTS = ROOT / "bench" / "results" / "places.md"


def hexagons(count: int, seed: int = 7) -> gpd.GeoDataFrame:
    """``count`` distinct resolution-8 hexagons around random points of the border region."""
    rng = np.random.default_rng(seed)
    cells: set[str] = set()
    while len(cells) < count:
        lat, lon = rng.uniform(21.0, 26.0, count), rng.uniform(97.5, 109.5, count)
        cells.update(h3.latlng_to_cell(a, b, 8) for a, b in zip(lat, lon, strict=True))
    chosen = sorted(cells)[:count]
    polygons = cell_polygons(np.array([int(c, 16) for c in chosen], dtype=np.uint64))
    return gpd.GeoDataFrame({"cell": chosen}, geometry=gpd.GeoSeries(polygons, crs=WGS84), crs=WGS84)


def naive(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """with_places' result the plain way: every hexagon's name worded on its own."""
    near = nearest_checkpoints(features.geometry)
    lon, lat = shapely.get_coordinates(shapely.centroid(features.geometry.values)).T
    areas = area_names(lon, lat)
    names = {f"place_{lang}": [place_name(area, checkpoint, km, lang) for area, checkpoint, km
                               in zip(areas[f"area_{lang}"], near[f"checkpoint_{lang}"], near["checkpoint_km"],
                                      strict=True)]
             for lang in LANGUAGES}
    return features.assign(**names)


def median_seconds(call, reps: int) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=50_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    features = hexagons(args.cells)
    with_places(features.head(10))  # the layers read once, outside the timing
    assert naive(features)["place_zh"].tolist() == with_places(features)["place_zh"].tolist()
    rows = [("nearest checkpoints only (what the dashboard added before)",
             median_seconds(lambda: nearest_checkpoints(features.geometry), args.reps)),
            ("with_places: checkpoints, counties, names worded once per distinct name",
             median_seconds(lambda: with_places(features), args.reps)),
            ("naive: the same, every hexagon's name worded", median_seconds(lambda: naive(features), args.reps))]
    machine = (f"{platform.machine()}, python {platform.python_version()}, {os.cpu_count()} cores, load average "
               f"{os.getloadavg()[0]:.1f}; median of {args.reps} runs")
    lines = [machine, "",
             f"| {args.cells:,} hexagons (resolution 8) | s | µs a hexagon |", "|---|---|---|",
             *(f"| {name} | {seconds:.2f} | {seconds / args.cells * 1e6:.0f} |" for name, seconds in rows)]
    print("\n".join(lines))
    RESULTS.write_text("# Naming analysis features (bench/bench_places.py)\n\n" + "\n".join(lines) + "\n",
                       encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
