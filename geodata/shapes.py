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


def line_segments(gdf: gpd.GeoDataFrame, tolerance: float = 0.0, decimals: int = 5) -> np.ndarray:
    """The lines of a frame as straight segments, one row ``[lon1, lat1, lon2, lat2]`` each, simplified by
    ``tolerance`` degrees first: what a segment layer (deck.gl's LineLayer, which a software renderer
    draws far faster than a PathLayer) takes.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> frame = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 0), (1, 1)])], crs=WGS84)
    >>> line_segments(frame).tolist()
    [[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 1.0]]
    """
    _check(gdf, [])
    geometry = gdf.geometry.simplify(tolerance) if tolerance else gdf.geometry
    return _segments(shapely.get_parts(geometry.to_numpy()), decimals)


def _segments(lines, decimals: int) -> np.ndarray:
    """Consecutive vertices of each line as ``[lon1, lat1, lon2, lat2]`` rows."""
    coords, line = shapely.get_coordinates(lines, return_index=True)
    coords = np.round(coords, decimals)
    same_line = line[:-1] == line[1:]
    return np.hstack([coords[:-1][same_line], coords[1:][same_line]])


def outline_segments(gdf: gpd.GeoDataFrame, tolerance: float, decimals: int = 5, min_area: float = 0.0,
                     away_from: shapely.Geometry | None = None, distance: float = 0.0) -> np.ndarray:
    """The outlines of a frame of polygons that do not overlap (provinces, counties) as unique straight
    segments, one row ``[lon1, lat1, lon2, lat2]`` each: simplified as a coverage (``tolerance`` in
    degrees, as shapely.coverage_simplify takes it), so that an edge two polygons share comes out the
    same for both and is kept once; parts smaller than ``min_area`` left out; and, if ``away_from`` is
    given, without the segments lying within ``distance`` degrees of it (a line drawn over them anyway).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> frame = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=WGS84)
    >>> len(outline_segments(frame, 0.0))  # 8 edges, the shared one once
    7
    """
    _check(gdf, [])
    simplified = shapely.coverage_simplify(gdf.geometry.to_numpy(), tolerance) if tolerance else gdf.geometry.to_numpy()
    parts = shapely.get_parts(simplified)
    segments = _segments(shapely.get_parts(shapely.boundary(parts[shapely.area(parts) >= min_area])), decimals)
    reverse = (segments[:, 0] > segments[:, 2]) | ((segments[:, 0] == segments[:, 2]) & (segments[:, 1] > segments[:, 3]))
    segments[reverse] = segments[reverse][:, [2, 3, 0, 1]]
    segments = np.unique(segments[(segments[:, :2] != segments[:, 2:]).any(axis=1)], axis=0)
    return segments if away_from is None else segments_away_from(segments, away_from, distance)


def segments_away_from(segments: np.ndarray, line: shapely.Geometry, distance: float) -> np.ndarray:
    """The ``segments`` whose middle lies farther than ``distance`` degrees from ``line``."""
    shapely.prepare(line)
    middles = shapely.points((segments[:, :2] + segments[:, 2:]) / 2)
    return segments[~shapely.dwithin(middles, line, distance)]


def segment_rows(segments: np.ndarray, **fields) -> list[dict]:
    """Records ``{"s": [lon, lat], "t": [lon, lat], **fields}`` of an array of segments."""
    return [{"s": row[:2], "t": row[2:], **fields} for row in segments.tolist()]
