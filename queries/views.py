"""What each page reads for a view: plain functions over an open connection, one query file each.

The dashboard caches these per data version; the benchmarks call them directly. Every query is
bounded: hexagons, points and flows are cut at a limit, and the frames say how many there were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from queries.filters import Filters, Focus
from queries.store import run

BUCKETS = ("day", "week", "month")


@dataclass(frozen=True)
class MapLimits:
    """How much of a view the map may carry to the browser."""

    points: int = 2_000
    hexagons: int = 4_000
    arcs: int = 150


def sample_rate(total: int, limit: int) -> int:
    """Of every million seizures, how many the points query lets through to its sort: enough that
    about 20 % more than ``limit`` pass (the set is fixed by each record's id), all of them when the
    view holds fewer than twice the limit."""
    if total <= 2 * limit:
        return 1_000_000
    return min(1_000_000, math.ceil(1_000_000 * 1.2 * limit / total))


def summary(
    con: duckdb.DuckDBPyConnection, filters: Filters, focus: Focus | None = None, after: int | None = None
) -> pd.Series:
    """Headline figures of a view (one row): seizures, kg, value, synthetic, coarse, newest arrival, and
    how many arrived after the mark ``after`` (macros/arrival.sql)…"""
    return run(con, "view_summary", {**filters.params(focus), "after": after}).iloc[0]


def comparison(
    con: duckdb.DuckDBPyConnection, filters: Filters, after: int | None = None
) -> tuple[pd.Series, pd.Series | None]:
    """The view's figures and those of the equal period before it (None for an open period)."""
    previous = filters.previous()
    return summary(con, filters, after=after), (summary(con, previous) if previous else None)


MAP_PARTS = ("hexagons", "points", "arcs", "hubs")


def map_data(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    hex_res: int,
    after: int | None,
    limits: MapLimits = MapLimits(),
    parts: tuple[str, ...] = MAP_PARTS,
) -> dict[str, pd.DataFrame | pd.Series | None]:
    """What the live map shows for a view: figures (now and the previous period) and the checkpoints
    with their counts always; of hexagons, a sample of points (new ones first), cross-border flows
    and hubs, the ``parts`` drawn (each is a scan of the view's rows: a hidden layer costs nothing)."""
    params = filters.params()
    current, previous = comparison(con, filters, after)
    queries = {
        "hexagons": ("view_hexagons", {"hex_res": hex_res, "hex_limit": limits.hexagons}),
        "points": (
            "view_points",
            {
                "after": after,
                "point_limit": limits.points,
                "sample_per_million": sample_rate(int(current["seizures"]), limits.points),
            },
        ),
        "arcs": ("view_arcs", {"arc_limit": limits.arcs}),
        "hubs": ("view_hubs", {}),
    }
    unknown = set(parts) - set(queries)
    if unknown:
        raise ValueError(f"unknown map parts {sorted(unknown)}; known: {', '.join(MAP_PARTS)}")
    return {
        "summary": current,
        "previous": previous,
        "checkpoints": run(con, "view_checkpoints", params),
        **{
            part: run(con, name, {**params, **extra}) if part in parts else None
            for part, (name, extra) in queries.items()
        },
    }


def bucket_for(filters: Filters, first: pd.Timestamp | None, last: pd.Timestamp | None) -> str:
    """The time bucket that gives a readable series: days up to ~3 months, weeks up to ~2 years, else months."""
    start = filters.start or first
    end = filters.end or last
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return "week"
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days
    return "day" if days <= 100 else "week" if days <= 750 else "month"


def series(con: duckdb.DuckDBPyConnection, filters: Filters, bucket: str, focus: Focus | None = None) -> pd.DataFrame:
    """Seizures and kg per time bucket, by mineral group and by channel (long form: dimension, key)."""
    if bucket not in BUCKETS:
        raise ValueError(f"unknown time bucket {bucket!r}; known: {', '.join(BUCKETS)}")
    return run(con, "view_series", {**filters.params(focus), "bucket": bucket})


def drill_down(
    con: duckdb.DuckDBPyConnection, filters: Filters, focus: Focus, bucket: str, limit: int = 500
) -> dict[str, pd.DataFrame | pd.Series]:
    """The records behind one thing on the map (within the view's filters), their series and mineral mix."""
    params = filters.params(focus)
    return {
        "summary": summary(con, filters, focus),
        "records": run(con, "view_records", {**params, "limit": limit, "offset": 0}),
        "series": series(con, filters, bucket, focus),
        "mix": run(con, "view_mix", params),
    }


def records(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int, offset: int) -> pd.DataFrame:
    """One page of the view's records, newest first, with the total count in ``total_rows``."""
    return run(con, "view_records", {**filters.params(), "limit": limit, "offset": offset})


def zones(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Seizures, kg and value per border zone, with the previous period's beside them."""
    current = run(con, "view_zones", filters.params())
    previous = filters.previous()
    if previous is None:
        return current.assign(previous_seizures=pd.NA, previous_kg=pd.NA)
    before = run(con, "view_zones", previous.params()).set_index("zone_code")
    return current.assign(
        previous_seizures=current["zone_code"].map(before["seizures"]),
        previous_kg=current["zone_code"].map(before["kg"]),
    )


def crossings(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Checkpoints by the view's seizures, with the previous period's count beside them."""
    current = run(con, "view_checkpoints", filters.params())
    previous = filters.previous()
    before = run(con, "view_checkpoints", previous.params()).set_index("checkpoint_id") if previous else None
    return current.assign(
        previous_seizures=current["checkpoint_id"].map(before["seizures"]) if before is not None else pd.NA
    )
