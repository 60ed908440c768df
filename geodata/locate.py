"""Locate points in the reference geography and measure their distance to the land boundary.

``locate`` answers, for each (lon, lat) in WGS84, which country, province, county and border
zone it falls in; ``distance_to_boundary_km`` gives the distance to China's international land
boundary in ``METRIC_CRS``. Both are vectorised and read the committed layers once.

Points on a shared edge intersect two polygons; the one with the lowest code wins, so the answer
is deterministic. A point in China is never also reported in a neighbour: provinces are checked
first and a neighbour only for points outside every province. Points at sea, or outside China
and its 14 neighbours, get ``None`` throughout.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geodata.crs import METRIC_CRS, WGS84
from geodata.reference import load_layer

LOCATE_COLUMNS = (
    "country_iso3",
    "province_code",
    "province_zh",
    "province_en",
    "county_code",
    "county_en",
    "county_zh",
    "zone_code",
)


def _check_lonlat(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    if lon.ndim != 1 or lat.ndim != 1:
        raise ValueError(f"lon and lat must be 1-D, got shapes {lon.shape} and {lat.shape}")
    if len(lon) != len(lat):
        raise ValueError(f"lon and lat must have the same length, got {len(lon)} and {len(lat)}")
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        bad = int(np.flatnonzero(~(np.isfinite(lon) & np.isfinite(lat)))[0])
        raise ValueError(f"lon/lat must be finite, got NaN or infinity at position {bad}")
    if (np.abs(lat) > 90).any():
        bad = int(np.flatnonzero(np.abs(lat) > 90)[0])
        raise ValueError(f"lat must be within [-90, 90], got {lat[bad]} at position {bad}")
    if (np.abs(lon) > 180).any():
        bad = int(np.flatnonzero(np.abs(lon) > 180)[0])
        raise ValueError(f"lon must be within [-180, 180], got {lon[bad]} at position {bad}")
    return lon, lat


class _PolygonIndex:
    """Which polygon of a layer (sorted by ``key``) each point falls in; -1 for none.

    Polygons are prepared once. The points are sorted by longitude once per call, so each
    polygon's bounding box picks its candidates with two binary searches and a latitude test, and
    ``intersects_xy`` tests only those: no geometry is made for the points, so a million points
    take well under a second. Polygons are visited in ``key`` order and only claim points not yet
    claimed, so a point on a shared edge goes to the lowest key.
    """

    def __init__(self, gdf: gpd.GeoDataFrame, key: str):
        self.frame = gdf.sort_values(key, kind="stable").reset_index(drop=True)
        self.geoms = self.frame.geometry.values.to_numpy()
        shapely.prepare(self.geoms)
        self.bounds = shapely.bounds(self.geoms)

    def hits(self, x: np.ndarray, y: np.ndarray, by_x: np.ndarray | None = None) -> np.ndarray:
        """``by_x``: the points' order by longitude, when the caller has it already."""
        found = np.full(len(x), -1, dtype=np.int64)
        if len(x) == 0:
            return found
        by_x = np.argsort(x, kind="stable") if by_x is None else by_x
        sorted_x, sorted_y = x[by_x], y[by_x]
        starts = np.searchsorted(sorted_x, self.bounds[:, 0], side="left")
        stops = np.searchsorted(sorted_x, self.bounds[:, 2], side="right")
        for i, (geom, (_, ymin, _, ymax), start, stop) in enumerate(zip(self.geoms, self.bounds, starts, stops)):
            if start == stop:
                continue
            in_box = (sorted_y[start:stop] >= ymin) & (sorted_y[start:stop] <= ymax)
            candidates = by_x[start:stop][in_box]
            candidates = candidates[found[candidates] < 0]
            inside = shapely.intersects_xy(geom, x[candidates], y[candidates])
            found[candidates[inside]] = i
        return found

    def column(self, hits: np.ndarray, name: str) -> np.ndarray:
        values = self.frame[name].to_numpy(dtype=object)
        out = np.full(len(hits), None, dtype=object)
        out[hits >= 0] = values[hits[hits >= 0]]
        return out


class Locator:
    """Point lookups against a set of reference layers (as ``load_layer`` returns them).

    Parameters
    ----------
    provinces, counties, zones, countries : GeoDataFrame
        The layers of the same names, in WGS84. ``countries`` may include China; only its
        other rows (the neighbours) are used, for points outside every province.
    """

    def __init__(self, provinces, counties, zones, countries):
        for name, gdf in (("provinces", provinces), ("counties", counties),
                          ("zones", zones), ("countries", countries)):
            if not isinstance(gdf, gpd.GeoDataFrame) or gdf.crs is None or gdf.crs != WGS84:
                raise ValueError(f"{name} must be a GeoDataFrame in {WGS84}, got {type(gdf).__name__} "
                                 f"with crs={getattr(gdf, 'crs', None)}")
        self._provinces = _PolygonIndex(provinces, "code")
        self._counties = _PolygonIndex(counties, "code")
        self._neighbours = _PolygonIndex(countries[countries["iso3"] != "CHN"], "iso3")
        self._zone_codes = frozenset(zones["code"])

    def locate(self, lon, lat) -> pd.DataFrame:
        """Return one row per point with the columns of ``LOCATE_COLUMNS`` (None where none)."""
        lon, lat = _check_lonlat(lon, lat)
        by_lon = np.argsort(lon, kind="stable")
        province = self._provinces.hits(lon, lat, by_lon)
        county = self._counties.hits(lon, lat, by_lon)
        neighbour = np.full(len(lon), -1, dtype=np.int64)
        outside = province < 0
        neighbour[outside] = self._neighbours.hits(lon[outside], lat[outside])
        country = self._neighbours.column(neighbour, "iso3")
        country[province >= 0] = "CHN"
        county_code = self._counties.column(county, "code")
        zone_code = np.where(pd.Series(county_code, dtype=object).isin(self._zone_codes), county_code, None)
        columns = {
            "country_iso3": country,
            "province_code": self._provinces.column(province, "code"),
            "province_zh": self._provinces.column(province, "name_zh"),
            "province_en": self._provinces.column(province, "name_en"),
            "county_code": county_code,
            "county_en": self._counties.column(county, "name_en"),
            "county_zh": self._counties.column(county, "name_zh"),
            "zone_code": zone_code,
        }
        return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})


class BoundaryDistance:
    """Distance from points to a set of lines (the land boundary), in METRIC_CRS.

    Parameters
    ----------
    lines : GeoDataFrame
        Line geometries in WGS84, e.g. ``load_layer("boundary")``.
    """

    def __init__(self, lines: gpd.GeoDataFrame):
        if not isinstance(lines, gpd.GeoDataFrame) or lines.crs is None:
            raise ValueError(f"lines must be a GeoDataFrame with a CRS, got {type(lines).__name__}")
        metric = lines.to_crs(METRIC_CRS).geometry.values
        parts = shapely.get_parts(metric[~shapely.is_empty(metric)])
        segments = []
        for part in parts:
            coords = shapely.get_coordinates(part)
            segments.append(shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1)))
        if not segments:
            raise ValueError("lines has no non-empty geometry to measure distances to")
        self._tree = shapely.STRtree(np.concatenate(segments))
        self._to_metric = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)

    def distance_km(self, lon, lat) -> np.ndarray:
        """Distance in km from each point to the nearest line."""
        lon, lat = _check_lonlat(lon, lat)
        x, y = self._to_metric.transform(lon, lat)
        (point_idx, _), dist = self._tree.query_nearest(shapely.points(x, y), return_distance=True)
        out = np.empty(len(lon))
        out[point_idx] = dist / 1000.0
        return out


@functools.lru_cache(maxsize=1)
def _default_locator() -> Locator:
    return Locator(load_layer("provinces"), load_layer("counties"), load_layer("zones"),
                   load_layer("countries"))


@functools.lru_cache(maxsize=1)
def _default_boundary() -> BoundaryDistance:
    return BoundaryDistance(load_layer("boundary"))


def locate(lon, lat) -> pd.DataFrame:
    """Locate WGS84 points: country, province, county and border zone.

    Parameters
    ----------
    lon, lat : array-like of float
        Same length, finite, lon in [-180, 180], lat in [-90, 90].

    Returns
    -------
    DataFrame
        One row per point, columns ``LOCATE_COLUMNS``; ``country_iso3`` is "CHN", a neighbour's
        ISO3 code or None (sea, or beyond the neighbours); county columns are None outside the
        provinces whose counties are in the ``counties`` layer.

    Examples
    --------
    >>> locate([108.32], [22.82]).loc[0, "province_en"]
    'Guangxi'
    """
    return _default_locator().locate(lon, lat)


def distance_to_boundary_km(lon, lat) -> np.ndarray:
    """Distance in km from WGS84 points to China's international land boundary.

    Examples
    --------
    >>> float(distance_to_boundary_km([106.7122], [21.9764])[0]) < 3
    True
    """
    return _default_boundary().distance_km(lon, lat)
