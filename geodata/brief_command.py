"""``python -m geodata brief``: the brief of a view, gathered (``geodata.brief``) and drawn (``geodata.brief_render``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from geodata.brief import FORMATS, LANGS, TOP_CLUSTERS, brief_file_name, build_brief
from geodata.brief_render import output_format, render_brief
from geodata.clusters import DBSCANParams
from geodata.hotspots import HotSpotParams
from queries.clock import beijing_now
from queries.filters import Filters, period_bounds
from queries.labels import t
from queries.stores import open_store


def brief_command(db: Path, out: Path | None, filters: Filters, lang: str = "en", period: str | None = None,
                  parameters: Mapping[str, Any] | None = None, top: int | None = None, fmt: str = "pdf",
                  as_of: int | None = None) -> str:
    """``python -m geodata brief``: render the brief of ``filters`` from the store ``db`` and return
    the line to print. ``out``: the file (.png or .pdf), or a folder (None: the current one) where
    it is written as ``fmt`` under its plain name (``brief_file_name``). ``period`` (a preset such
    as "30d", ending now) replaces the filters' dates; ``parameters`` are HotSpotParams and
    DBSCANParams fields by name. ``as_of``: the lake snapshot to read (a brief's footer names the one it
    was computed from), None for the latest."""
    folder = Path() if out is None else Path(out) if Path(out).is_dir() else None
    if folder is None:
        output_format(out)
    elif fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if lang not in LANGS:
        raise ValueError(f"--lang must be one of {', '.join(LANGS)}, got {lang!r}")
    if period is not None:
        if filters.start or filters.end:
            raise ValueError("give --period or --from/--to, not both")
        start, end = period_bounds(period, beijing_now())
        filters = replace(filters, start=start, end=end)
    parameters = dict(parameters or {})
    hot_fields, cluster_fields = ({field.name for field in fields(kind)} for kind in (HotSpotParams, DBSCANParams))
    foreign = sorted(set(parameters) - hot_fields - cluster_fields)
    if foreign:
        raise ValueError(f"the brief takes hot-spot and DBSCAN parameters, got {', '.join(foreign)}")
    hot_spot_params = HotSpotParams(**{name: value for name, value in parameters.items() if name in hot_fields})
    cluster_params = DBSCANParams(**{name: value for name, value in parameters.items() if name in cluster_fields})
    with open_store(db).reading(as_of=as_of) as con:
        brief = build_brief(con, filters, lang, hot_spot_params, cluster_params, TOP_CLUSTERS if top is None else top)
    out = folder / brief_file_name(brief, fmt) if folder is not None else Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    render_brief(brief, out)
    read_from = "" if brief.snapshot is None else f"; read from {t('snapshot_of', 'en', snapshot=brief.snapshot)}"
    return (f"brief of {brief.area.name}, {brief.period_text}: {brief.seizures:,} seizures; clusters: "
            f"{len(brief.clusters)}; hot-spot hexagons: {int((brief.hot_spots['bin'] > 0).sum())}{read_from}; "
            f"written to {out}")
