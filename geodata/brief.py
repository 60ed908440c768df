"""The situation brief for commanders: what one A4 page says about an area and a period.

Data and drawing are kept apart. :func:`build_brief` reads one snapshot of the store and runs the
analyses into a :class:`Brief`: the headline figures against the equal period before (as the
dashboard computes them, ``queries.views.comparison``), Gi* hot and cold spots
(``geodata.hotspots``), DBSCAN clusters (``geodata.clusters``) and the largest of them as a table,
the filters and parameters in words, the data cut-off, whether the records are synthetic and, on a
lake, the snapshot read (``--as-of`` reads it again).
``geodata.brief_render.render_brief`` draws it (PNG or PDF, offline, from Cordon's own layers), so
tests can check the figures without pixels.

The area on the map follows the filters: the chosen border zones, else the chosen counties, else
the chosen provinces, else the provinces and zones the reader may see (their ``Scope``), else the
border region (Guangxi and Yunnan with their neighbours' side of the border): results close to the
area widen the map, those far from it are listed beside it (``geodata.brief_frame``), so the border
is never a strip at the bottom of a map of China. The analyses take the same default
parameters as their command lines (``python -m geodata hotspots|clusters``), so the brief's hot
spots and clusters are those an analyst gets for the same view. Its words are in the catalogue of
``queries.labels`` (``t``), with the dashboard's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

import duckdb
import geopandas as gpd
import h3
import pandas as pd

from geodata.analysis_data import read_analysis_points
from geodata.clusters import DBSCANParams, find_clusters, labelled_shares
from geodata.crs import METRIC_CRS, WGS84
from geodata.export_sources import snapshot_read
from geodata.hotspots import HotSpotParams, hot_spots
from geodata.reference import border_region, load_layer
from queries import __version__
from queries.clock import beijing_now
from queries.filters import ANY_BORDER_ZONE, Filters, narrowing
from queries.labels import LANGUAGES, label, t
from queries.labels import name as place_name
from queries.views import comparison

if TYPE_CHECKING:
    from queries.access import Scope

LANGS = tuple(LANGUAGES)
FORMATS = ("png", "pdf")
TOP_CLUSTERS = 8
KPI_FIELDS = ("seizures", "kg", "value_cny")  # columns of the view_summary query
FILE_NAME_AREA = 40  # characters of the area's name in a file name


@dataclass(frozen=True)
class BriefArea:
    """The area the brief maps.

    kind: "zones", "counties", "provinces", "granted" (no place filter, a reader who may see only some
    provinces or zones: those) or "view" (no place filter, no such limit: the border region).
    name: its name for the title, in the brief's language; name_en: in English (for the file name).
    shapes: the chosen units (name_en, name_zh, geometry) in EPSG:4326; empty for "view".
    bounds: (west, south, east, north) in METRIC_CRS metres, the part of the map that must show
    (``geodata.brief_frame.map_frame`` widens it for results close to it).
    """

    kind: str
    name: str
    name_en: str
    shapes: gpd.GeoDataFrame
    bounds: tuple[float, float, float, float]


@dataclass(frozen=True)
class Kpi:
    """One headline figure of the view and the same figure for the equal period before (None: open period)."""

    field: str
    value: float
    previous: float | None

    @property
    def change(self) -> float | None:
        """The relative change against the previous period; None without one or when it was 0."""
        if self.previous is None or pd.isna(self.previous) or self.previous == 0:
            return None
        return (self.value - self.previous) / self.previous


@dataclass(frozen=True)
class Brief:
    """Everything a situation brief shows, gathered by :func:`build_brief`.

    lang: "en" or "zh". area: what the map shows. period / previous_period: [start, end) of the
    view and of the period it is compared with (Beijing time, as ``Filters``), None when open.
    kpis: seizures, kg and value (CNY) against the previous period. hot_spots: Gi* hexagons
    (``hot_spots(...).frame``). clusters: every cluster (``find_clusters(...).table``).
    top_clusters: the largest ``TOP_CLUSTERS`` with their rank (the number on the map), seizures,
    kg, value_cny, main_items, zone, checkpoint and checkpoint_km, zone and checkpoint named in
    ``lang``. filter_lines / parameter_lines: (label, text) pairs, in ``lang``. analysed /
    left_out: seizures used by the analyses and those left out as known only to the county or
    province. seizures / synthetic: records in the view and how many of them are synthetic.
    cut_off: when the newest record of the view was ingested (Beijing time). generated_at: Beijing
    time. version: Cordon's version. snapshot: the lake snapshot it was computed from (``python -m geodata
    brief --as-of`` computes it again); None on a file store, which keeps none.
    """

    lang: str
    area: BriefArea
    period: tuple[datetime, datetime] | None
    previous_period: tuple[datetime, datetime] | None
    kpis: tuple[Kpi, ...]
    hot_spots: gpd.GeoDataFrame
    clusters: gpd.GeoDataFrame
    top_clusters: pd.DataFrame
    filter_lines: tuple[tuple[str, str], ...]
    parameter_lines: tuple[tuple[str, str], ...]
    analysed: int
    left_out: int
    seizures: int
    synthetic: int
    cut_off: datetime | None
    generated_at: datetime
    version: str
    snapshot: int | None

    @property
    def period_text(self) -> str:
        """The period as the title states it."""
        return period_label(self.period) if self.period else t("all_records", self.lang)


def period_label(bounds: tuple[datetime, datetime]) -> str:
    """A [start, end) period in words: '2026-03-01 – 2026-05-31' (both days included) for whole
    days, with the times otherwise ('2026-09-01 08:39 – 2026-11-30 08:39')."""
    start, end = bounds
    if start.time() == time() and end.time() == time():
        return f"{start:%Y-%m-%d} – {end - timedelta(days=1):%Y-%m-%d}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


def _bounds(filters: Filters | None) -> tuple[datetime, datetime] | None:
    """[start, end) of the filters' period; None when it is open."""
    if filters is None or filters.start is None or filters.end is None:
        return None
    return filters.start, filters.end


def _units(layer: str, codes, what: str) -> gpd.GeoDataFrame:
    """The rows of reference ``layer`` with these codes, in the order given; unknown codes are a ValueError."""
    rows = load_layer(layer).set_index("code")
    unknown = [code for code in codes if code not in rows.index]
    if unknown:
        raise ValueError(f"unknown {what} code(s) {', '.join(map(str, unknown))}; see geodata/layers/{layer}.parquet")
    return rows.loc[list(codes)].reset_index()


def _names(units: gpd.GeoDataFrame, lang: str, most: int = 3) -> str:
    """The names of the first ``most`` units, for a title."""
    names = [place_name(row, lang) for _, row in units.iterrows()]
    return _listed(names[:most], lang) + ("…" if len(names) > most else "")


def _listed(names: list[str], lang: str) -> str:
    """Names one after the other, as a title lists them."""
    return ("、" if lang == "zh" else ", ").join(names)


def brief_area(filters: Filters, lang: str, scope: Scope | None = None) -> BriefArea:
    """The area to map for ``filters``: the chosen zones, counties or provinces, else the provinces
    and zones ``scope`` grants (when it does not grant everything), else the border region (the
    provinces that hold border zones, ``geodata.reference.border_region``)."""
    kind, units, title = _area_units(filters, scope)
    bounds = (tuple(float(v) for v in units.to_crs(METRIC_CRS).total_bounds) if not units.empty
              else border_region())
    return BriefArea(kind=kind, name=title(lang), name_en=title("en"),
                     shapes=units[["name_en", "name_zh", "geometry"]].reset_index(drop=True), bounds=bounds)


def _area_units(filters: Filters, scope: Scope | None):
    """(kind, units, title): the kind of area, its units (EPSG:4326; empty for "view" and when
    nothing is granted) and a function naming it in a language."""
    zones = [code for code in filters.zones if code != ANY_BORDER_ZONE]
    provinces = load_layer("provinces").set_index("code")
    limited = scope is not None and not scope.everything

    def in_provinces(units: gpd.GeoDataFrame, lang: str) -> str:
        return _names(provinces.loc[list(dict.fromkeys(units["province_code"]))], lang)

    def zone_names(units: gpd.GeoDataFrame, lang: str) -> str:
        return (f"{_names(units, lang)} ({in_provinces(units, lang)})" if len(units) <= 3
                else t("zones_in", lang, count=len(units), provinces=in_provinces(units, lang)))

    def zones_in(units: gpd.GeoDataFrame, lang: str) -> str:
        return t("zones_in", lang, count=len(units), provinces=in_provinces(units, lang))

    if zones:
        units = _units("zones", zones, "border-zone")
        return "zones", units, lambda lang: zone_names(units, lang)
    if ANY_BORDER_ZONE in filters.zones:
        units = load_layer("zones")
        if filters.provinces:
            units = units[units["province_code"].isin(filters.provinces)]
            if units.empty:
                raise ValueError(f"no border zone lies in the chosen provinces {', '.join(filters.provinces)}")
            return "zones", units, lambda lang: zones_in(units, lang)
        if limited:
            units = units[units["province_code"].isin(scope.provinces) | units["code"].isin(scope.zones)]
            return "zones", units, lambda lang: zones_in(units, lang) if not units.empty else t("none_granted", lang)
        return "zones", units, lambda lang: t("all_zones", lang)
    if filters.counties:
        units = _units("counties", filters.counties, "county")
        return "counties", units, lambda lang: f"{_names(units, lang)} ({in_provinces(units, lang)})"
    if filters.provinces:
        units = _units("provinces", filters.provinces, "province")
        return "provinces", units, lambda lang: _names(units, lang)
    if limited:
        granted = [_units("provinces", scope.provinces, "province"), _units("zones", scope.zones, "border-zone")]

        def granted_names(lang: str) -> str:
            names = [_names(granted[0], lang)] if scope.provinces else []
            names += [zone_names(granted[1], lang)] if scope.zones else []
            return _listed(names, lang) or t("none_granted", lang)

        return "granted", pd.concat(granted, ignore_index=True), granted_names
    empty = gpd.GeoDataFrame({"name_en": [], "name_zh": []}, geometry=[], crs=WGS84)
    return "view", empty, lambda lang: t("all_areas", lang)


def brief_file_name(brief: Brief, fmt: str) -> str:
    """The brief's file name, plain ASCII for every system and mail client: Cordon, the day it was
    generated and its area in English, e.g. ``cordon-brief-2026-12-06-guangxi.pdf``. The one name of
    a brief, for the command line's default and the dashboard's download."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    ascii_name = unicodedata.normalize("NFKD", brief.area.name_en).encode("ascii", "ignore").decode()
    area = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(area) > FILE_NAME_AREA:
        area = area[:FILE_NAME_AREA].rsplit("-", 1)[0]
    return f"cordon-brief-{brief.generated_at:%Y-%m-%d}-{area or 'area'}.{fmt}"


def filter_lines(filters: Filters, lang: str) -> tuple[tuple[str, str], ...]:
    """The filters of the view in words, one (label, text) per declared filter set (queries.filters.
    FILTERS, in their order); values typed by users (the text search) are quoted as they are."""
    lines = []
    for f, value in narrowing(filters):
        if f.kind == "number":
            shown = f"≥ {value:,g} {f.unit}".rstrip()
        elif f.kind == "text":
            shown = f"“{value}”"
        elif isinstance(f.codes, str):  # admin codes: the place's name and its code
            table = load_layer(f.codes).set_index("code")
            shown = ", ".join(t("any_zone", lang) if code == ANY_BORDER_ZONE
                              else f"{place_name(table.loc[code], lang)} ({code})" if code in table.index
                              else str(code) for code in value)
        else:
            shown = ", ".join(label(code, lang) for code in value)
        lines.append((label(f.title, lang), shown))
    return tuple(lines) or ((t("f_none", lang), t("none", lang)),)


def parameter_lines(hot_spot_params: HotSpotParams, cluster_params: DBSCANParams, analysed: int, left_out: int,
                    lang: str) -> tuple[tuple[str, str], ...]:
    """The analyses' methods and parameters in words, and how many seizures they used and left out."""
    hot = hot_spot_params
    p_values = (t("p_permutations", lang, permutations=hot.permutations) if hot.permutations
                else t("p_normal", lang))
    window = (t("p_window", lang, days=f"{cluster_params.window_days:g}") if cluster_params.window_days else "")
    return (
        (t("p_hot_spots", lang), t("p_hot_spots_value", lang, resolution=hot.resolution,
                                   area=f"{h3.average_hexagon_area(hot.resolution, 'km^2'):.2g}", rings=hot.rings,
                                   weight=t(f"w_{hot.weight}", lang), p_values=p_values, fdr=t("p_fdr", lang) if hot.fdr else "")),
        (t("p_clusters", lang), t("p_dbscan_value", lang, min_count=cluster_params.min_count,
                                  eps_km=f"{cluster_params.eps_km:g}", window=window,
                                  outline_km=f"{cluster_params.outline_km:g}")),
        (t("p_points", lang), t("p_points_value", lang, analysed=analysed, left_out=left_out)),
    )


def top_clusters(clusters: gpd.GeoDataFrame, lang: str, top: int = TOP_CLUSTERS) -> pd.DataFrame:
    """The ``top`` largest clusters, ranked as ``find_clusters`` numbers them (most seizures first)
    and as the map labels them."""
    largest = clusters.sort_values("cluster").head(top)
    rows = [row for _, row in largest.iterrows()]
    return pd.DataFrame({
        "rank": largest["cluster"].to_numpy() + 1,
        "seizures": largest["seizures"].to_numpy(),
        "kg": largest["kg"].to_numpy(),
        "value_cny": largest["value_cny"].to_numpy(),
        "main_items": [labelled_shares(text, lambda code: label(code, lang)) for text in largest["main_items"]],
        "zone": [place_name(row, lang, "zone_en", "zone_zh") or "—" for row in rows],
        "checkpoint": [place_name(row, lang, "checkpoint_en", "checkpoint_zh") or "—" for row in rows],
        "checkpoint_km": largest["checkpoint_km"].to_numpy(),
    })


def build_brief(con: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "en",
                hot_spot_params: HotSpotParams | None = None, cluster_params: DBSCANParams | None = None,
                top: int = TOP_CLUSTERS, generated_at: datetime | None = None, scope: Scope | None = None) -> Brief:
    """Gather a situation brief for the view ``filters`` from an open store connection.

    The analyses' parameters default to those of their command lines (``HotSpotParams()``,
    ``DBSCANParams()``); ``generated_at`` defaults to now (Beijing time). ``scope``: the one the
    connection was opened with (``Store.reading(scope=...)``), which names the area when the filters
    do not; None (the command line): all areas.

    Examples
    --------
    >>> with Store("data/cordon.duckdb").reading() as con:                       # doctest: +SKIP
    ...     brief = build_brief(con, Filters(provinces=("450000",)), lang="en")
    >>> render_brief(brief, "guangxi.pdf")                                       # doctest: +SKIP
    """
    if not isinstance(filters, Filters):
        raise TypeError(f"filters must be a queries.filters.Filters, got {type(filters).__name__}")
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    hot_spot_params = hot_spot_params or HotSpotParams()
    cluster_params = cluster_params or DBSCANParams()
    if not isinstance(hot_spot_params, HotSpotParams):
        raise TypeError(f"hot_spot_params must be HotSpotParams, got {type(hot_spot_params).__name__}")
    if not isinstance(cluster_params, DBSCANParams):
        raise TypeError(f"cluster_params must be DBSCANParams, got {type(cluster_params).__name__}")
    if top < 1:
        raise ValueError(f"top must be 1 or more, got {top}")
    current, previous = comparison(con, filters)
    data = read_analysis_points(con, filters)
    area = brief_area(filters, lang, scope)
    clusters = find_clusters(data.points, cluster_params).table
    return Brief(
        lang=lang,
        area=area,
        period=_bounds(filters),
        previous_period=_bounds(filters.previous()),
        kpis=tuple(Kpi(field, float(current[field]), None if previous is None else float(previous[field]))
                   for field in KPI_FIELDS),
        hot_spots=hot_spots(data.points, hot_spot_params).frame,
        clusters=clusters,
        top_clusters=top_clusters(clusters, lang, top),
        filter_lines=filter_lines(filters, lang),
        parameter_lines=parameter_lines(hot_spot_params, cluster_params, len(data.points), data.left_out, lang),
        analysed=len(data.points),
        left_out=data.left_out,
        seizures=int(current["seizures"]),
        synthetic=int(current["synthetic"]),
        cut_off=None if pd.isna(current["last_ingested"]) else pd.Timestamp(current["last_ingested"]).to_pydatetime(),
        generated_at=generated_at or beijing_now(),
        version=__version__,
        snapshot=snapshot_read(con),
    )
