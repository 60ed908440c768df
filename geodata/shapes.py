"""Geometries as plain records (lists of [lon, lat]) for map layers that take flat rows.

Map layers receive one flat record per shape, so that every field a tooltip names sits at the top
level of the record and can be escaped before it leaves the server. Coordinates are rounded to
``decimals`` places (5 places is about 1 m) to keep the payload small.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geodata.crs import WGS84


def _ring(coords: np.ndarray, decimals: int) -> list[list[float]]:
    return np.round(coords[:, :2], decimals).tolist()


def _check(gdf: gpd.GeoDataFrame, columns: list[str]) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"expected a GeoDataFrame, got {type(gdf).__name__}")
    if gdf.crs is None or not gdf.crs.equals(WGS84):
        raise ValueError(f"expected coordinates in {WGS84}, got {gdf.crs}")
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise ValueError(f"columns {missing} not in the frame; it has {list(gdf.columns)}")


def polygon_records(gdf: gpd.GeoDataFrame, columns: list[str], tolerance: float = 0.0,
                    decimals: int = 5, min_area: float = 0.0) -> list[dict]:
    """One record per polygon part: ``{"polygon": [outer ring, *holes], **columns}``.

    ``tolerance`` (degrees) simplifies the shapes first, preserving topology; parts smaller than
    ``min_area`` (square degrees; 0.01 is about 100 km² in the south) are left out, so that a
    base map does not carry every islet.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=WGS84)
    >>> polygon_records(frame, ["name"])[0]["name"]
    'a'
    """
    _check(gdf, columns)
    geometry = gdf.geometry.simplify(tolerance) if tolerance else gdf.geometry
    records = []
    for values, shape in zip(gdf[columns].to_dict("records"), geometry):
        for part in shapely.get_parts(shape):
            if isinstance(part, shapely.Polygon) and not part.is_empty and part.area >= min_area:
                rings = [part.exterior, *part.interiors]
                records.append({"polygon": [_ring(np.asarray(r.coords), decimals) for r in rings], **values})
    return records


def path_records(gdf: gpd.GeoDataFrame, columns: list[str], tolerance: float = 0.0, decimals: int = 5) -> list[dict]:
    """One record per line part: ``{"path": [[lon, lat], ...], **columns}``."""
    _check(gdf, columns)
    geometry = gdf.geometry.simplify(tolerance) if tolerance else gdf.geometry
    records = []
    for values, shape in zip(gdf[columns].to_dict("records"), geometry):
        for part in shapely.get_parts(shape):
            if isinstance(part, shapely.LineString) and not part.is_empty:
                records.append({"path": _ring(np.asarray(part.coords), decimals), **values})
    return records
