"""Cached loaders: the base geography and each page's rows (what they read from is made ready by
``dashboard.startup``).

The store lives in ``st.cache_resource``; query results in ``st.cache_data``, keyed by the user's
scope (:class:`Source`), the view and the data version (:func:`data_version`), so that records a
writer commits show on the next run while an unchanged view costs nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pandas as pd
import shapely
import streamlit as st

from dashboard import style
from dashboard.config import BASE_MAP_EXTENT, MAP_LIMITS
from dashboard.i18n import label, t
from dashboard.live_layers import live_map_deck
from dashboard.map_layers import BOUNDARY_LINE, ZONE_LINE
from dashboard.state import AreaCodes
from dashboard.tooltips import tooltip_fields
from geodata.analysis_data import AnalysisPoints, read_analysis_points
from geodata.budget import AnalysisRefused
from geodata.coverage import CHECKPOINT_COLUMNS
from geodata.emerging import EmergingParams, just_emerged
from geodata.places import PLACE_COLUMNS
from geodata.reference import load_layer
from geodata.shapes import (
    line_segments,
    outline_segments,
    polygon_records,
    segment_rows,
    segments_away_from,
)
from geodata.worker import AnalysisRunner, OnWait, ResultCache
from queries import views
from queries.access import Scope
from queries.filters import Filters, Focus
from queries.store import run
from queries.stores import open_store

BASE_LINE_SETS = ("lines", "lines_and_zones")  # the base map's records in no language


@dataclass(frozen=True)
class Source:
    """The database a page reads and the scope of the signed-in user's grants. It is the first argument
    of every cached loader of seizures, so it is part of every cache key: a result cached for one
    scope is never served to another."""

    path: str
    scope: Scope

    def reading(self):
        """A reading connection that sees only this scope's seizures (``queries.access.Scope``)."""
        return open_store(self.path).reading(scope=self.scope)


def data_version(path: str) -> int:
    """Changes whenever a writer has committed new or changed records or places to the store, and not
    when it wrote only accounts or the audit trail (a sign-in or an export would otherwise empty every
    session's caches). The store's change marker (the file's modification time, the lake's snapshot id)
    is the cheap check; only when it moves is the store asked what changed."""
    return _data_signature(path, open_store(path).change_marker())


@st.cache_data(show_spinner=False, max_entries=16)
def _data_signature(path: str, modified_ns: int) -> int:
    with open_store(path).reading() as con:
        row = run(con, "data_signature", Filters().params()).iloc[0]
    return hash((int(row["seizures"]), int(row["newest_id"]), str(row["newest_ingested"]), int(row["newest_import"])))


@st.cache_data(show_spinner=False)
def base_geography(lang: str) -> dict[str, str]:
    """The base map as JSON text of flat records (serialized once, sent on every run), each with and
    without the border zones: ``areas`` (China and its neighbours, named in tooltips) and
    ``areas_and_zones`` (the zones on top, with their tooltips), and the lines of :func:`base_lines`.
    Two layers for the whole base map, since every layer type (and every change of a layer's inputs)
    costs its own shader work where WebGL runs in software (docs/performance.md)."""
    countries = load_layer("countries")
    countries["geometry"] = countries.geometry.clip_by_rect(*BASE_MAP_EXTENT)
    countries["fill"] = [list(style.CHINA_FILL if iso == "CHN" else style.NEIGHBOUR_FILL) for iso in countries["iso3"]]
    areas = polygon_records(countries, ["iso3", "fill"], tolerance=0.04, decimals=3, min_area=0.02)
    for record in areas:
        record.update(tooltip_fields(label(record.pop("iso3"), lang), []))
    zones = load_layer("zones")
    zones["fill"] = [list(style.ZONE_FILL)] * len(zones)
    zone_records = polygon_records(
        zones, ["name_en", "name_zh", "province_zh", "neighbour_iso3", "boundary_km", "fill"], tolerance=0.004
    )
    for record in zone_records:
        neighbours = ", ".join(label(iso3, lang) for iso3 in record.pop("neighbour_iso3").split(";"))
        record.update(
            tooltip_fields(
                t("border_zone_of", lang, name=f"{record.pop('name_en')} {record.pop('name_zh')}"),
                [
                    (t("province", lang), record.pop("province_zh")),
                    (t("borders", lang), neighbours),
                    (t("land_boundary", lang), f"{record.pop('boundary_km'):.0f} km"),
                ],
            )
        )
    areas_json = {"areas": areas, "areas_and_zones": areas + zone_records}
    return {name: json.dumps(rows, separators=(",", ":"), ensure_ascii=False) for name, rows in areas_json.items()} | (
        base_lines()
    )


@st.cache_data(show_spinner=False)
def base_lines() -> dict[str, str]:
    """The base map's lines as JSON text of straight segments, every shared edge once, in no language:
    ``lines`` (province lines) and ``lines_and_zones`` (province lines but those the land boundary
    covers, then the zones' outlines, ``kind`` 1, and the boundary, ``kind`` 2, on top)."""
    boundary = load_layer("boundary")
    boundary_line = shapely.union_all(boundary.geometry.to_numpy())
    provinces = outline_segments(load_layer("provinces"), 0.04, decimals=3, min_area=0.01)
    zones = outline_segments(load_layer("zones"), 0.004, decimals=4, away_from=boundary_line, distance=0.005)
    records = dict(zip(BASE_LINE_SETS, (
        segment_rows(provinces),
        segment_rows(segments_away_from(provinces, boundary_line, 0.01))
        + segment_rows(zones, kind=ZONE_LINE)
        + segment_rows(line_segments(boundary, 0.004, decimals=4), kind=BOUNDARY_LINE),
    )))
    return {name: json.dumps(rows, separators=(",", ":")) for name, rows in records.items()}


@st.cache_data(show_spinner=False, max_entries=4)
def admin_units(path: str, version: int) -> pd.DataFrame:
    """Provinces and counties with their names, for the area filters."""
    with open_store(path).reading() as con:
        return run(con, "admin_unit_names")


def area_codes(units: pd.DataFrame) -> AreaCodes:
    counties = units[units["level"] == "county"]
    return AreaCodes(
        provinces=frozenset(units.loc[units["level"] == "province", "code"]),
        counties=frozenset(counties["code"]),
        zones=frozenset(counties.loc[counties["is_border_zone"], "code"]),
    )


@st.cache_data(show_spinner=False, max_entries=4)
def data_extent(source: Source, version: int) -> pd.Series:
    """First and last record, newest arrival and count, for the time slider and the "new" marks."""
    with source.reading() as con:
        return run(con, "data_extent", Filters().params()).iloc[0]


@st.cache_data(show_spinner=False, max_entries=32)
def map_data(source: Source, version: int, filters: Filters, hex_res: int, after: int | None,
             parts: tuple[str, ...]) -> dict:
    """The view's :func:`queries.views.map_data` (records that arrived after the mark ``after`` marked new;
    None: none), and ``newest_arrival``, the arrival mark of the newest record the user may see, read in the
    same snapshot of the store: the mark after which the next refresh counts records as new."""
    with source.reading() as con:
        data = views.map_data(con, filters, hex_res, after, MAP_LIMITS, parts)
        return data | {"newest_arrival": int(run(con, "data_extent", Filters().params()).iloc[0]["newest_arrival"])}


def map_parts(shown: tuple[str, ...], density: str) -> tuple[str, ...]:
    """The parts of the map data that the layers shown need (see queries.views.map_data)."""
    return tuple(
        part
        for part, needed in (
            ("hexagons", density != "none"),
            ("points", "points" in shown),
            ("arcs", "arcs" in shown),
            ("hubs", "places" in shown),
        )
        if needed
    )


@st.cache_data(show_spinner=False, max_entries=32)
def live_map_spec(
    source: Source,
    version: int,
    filters: Filters,
    hex_res: int,
    after: int | None,
    shown: tuple[str, ...],
    density: str,
    weight: str,
    lang: str,
    base: dict[str, str],
    alert_stamp: datetime | None,
    _data: dict,
    _alerts: pd.DataFrame | None,
) -> str:
    """The live map's deck JSON for one view at one data version (built once, then served from the cache)
    on ``base`` (:func:`dashboard.startup.base_map`), from ``_data``, the view's :func:`map_data` with
    :func:`map_parts`, and ``_alerts``, its :func:`alerts` as of ``alert_stamp`` (None: a replay has
    none), which the page has already read: they are not hashed (Streamlit skips arguments whose name
    starts with "_"), as the other arguments, the cache key, determine them."""
    return live_map_deck(_data, base, shown, density, weight, lang, _alerts).to_json()


ALERT_WEEKS = 12  # the alerts' analysis: this many whole weeks before the current one, and the current one
ALERT_PARAMS = EmergingParams(resolution=6, step="week")
ALERT_INTERVAL_MIN = 15
ALERT_COLUMNS = ("cell", "category", "previous_category", "seizures", *CHECKPOINT_COLUMNS, *PLACE_COLUMNS)


def alert_stamp(now: datetime) -> datetime:
    """``now`` to the quarter hour: alerts are recomputed at most every ``ALERT_INTERVAL_MIN`` minutes,
    not on every refresh (a weekly trend does not change from one minute to the next)."""
    return now.replace(minute=now.minute - now.minute % ALERT_INTERVAL_MIN, second=0, microsecond=0)


def alerts(source: Source, filters: Filters, stamp: datetime) -> pd.DataFrame:
    """The view's hexagons that have just become a new or intensifying hot spot (weekly Gi*, the last
    ``ALERT_WEEKS`` weeks to ``stamp``, whatever dates the view shows), with their nearest checkpoint and place."""
    return _alerts(source, replace(filters, start=None, end=None), stamp)


@st.cache_data(show_spinner=False, max_entries=8)
def _alerts(source: Source, filters: Filters, stamp: datetime) -> pd.DataFrame:
    monday = stamp.replace(hour=0, minute=0) - timedelta(days=stamp.weekday())
    with source.reading() as con:
        points = read_analysis_points(con, replace(filters, start=monday - timedelta(weeks=ALERT_WEEKS))).points
    try:
        found = just_emerged(points, ALERT_PARAMS)
    except ValueError:  # no precise record, or fewer than 3 weeks with records
        return pd.DataFrame({column: [] for column in ALERT_COLUMNS})
    return pd.DataFrame(found[list(ALERT_COLUMNS)])


@st.cache_data(show_spinner=False, max_entries=32)
def drill_down(source: Source, version: int, filters: Filters, focus: Focus, bucket: str) -> dict:
    with source.reading() as con:
        return views.drill_down(con, filters, focus, bucket)


@st.cache_data(show_spinner=False, max_entries=32)
def records(source: Source, version: int, filters: Filters, limit: int, offset: int) -> pd.DataFrame:
    with source.reading() as con:
        return views.records(con, filters, limit, offset)


@st.cache_data(show_spinner=False, max_entries=16)
def analysis(source: Source, version: int, filters: Filters, bucket: str) -> dict:
    with source.reading() as con:
        current, previous = views.comparison(con, filters)
        return {
            "summary": current,
            "previous": previous,
            "zones": views.zones(con, filters),
            "crossings": views.crossings(con, filters),
            "series": views.series(con, filters, bucket),
        }


@st.cache_data(show_spinner=False, max_entries=4)
def control_dates(path: str, version: int) -> pd.DataFrame:
    """When each export-control announcement took effect, for the time axes."""
    with open_store(path).reading() as con:
        return run(con, "control_dates")


@st.cache_data(show_spinner=False, max_entries=2)
def analysis_points(source: Source, version: int, filters: Filters) -> AnalysisPoints:
    """The view's precisely located seizures, the input of every analysis (one read for all of them)."""
    with source.reading() as con:
        return read_analysis_points(con, filters)


@st.cache_resource(show_spinner=False)
def analysis_runner() -> AnalysisRunner:
    """The server's one runner of analyses: its workers, their limits and who has one running."""
    return AnalysisRunner.from_env()


@st.cache_resource(show_spinner=False)
def analysis_results() -> ResultCache:
    """The analyses' results, for every session, bounded in entries and bytes (geodata.worker)."""
    return ResultCache.from_env()


def run_analysis(analysis: str, source: Source, version: int, filters: Filters, params, user: str,
                 on_wait: OnWait | None = None) -> dict:
    """The view's ``analysis`` (clusters, hotspots or emerging) with ``params``, run for ``user`` in a
    worker (``on_wait`` is called while it runs) and cached per scope, view, data version and
    parameters: ``result`` (a ``geodata.results.AnalysisResult``, its features named by their place and
    nearest checkpoint: ``geodata.places``), or ``refused`` (the AnalysisRefused: too heavy for the limits)
    or ``error`` (the view cannot have one: emerging hot spots without a precise record or with fewer
    than 3 time steps); and
    ``analysed`` and ``left_out``. Raises AnalysisBusy and AnalysisStopped, which are not cached: the
    same request may fit another time."""
    key = (analysis, source, version, filters, params)
    found = analysis_results().get(key)
    if found is not None:
        return found
    points = analysis_points(source, version, filters)
    try:
        result = analysis_runner().run(user, analysis, points.points, params, on_wait)
        found = {"result": result}
    except AnalysisRefused as refused:
        found = {"refused": refused}
    except ValueError as error:
        found = {"error": str(error)}
    found |= {"analysed": len(points.points), "left_out": points.left_out}
    analysis_results().put(key, found)
    return found
