"""Coordinate reference systems used by Cordon.

Layers and inputs are stored in WGS84 (EPSG:4326). Distances and areas are computed in
``METRIC_CRS``, an Albers equal-area conic on the WGS84 datum with standard parallels 21N and
27N and central meridian 104E. Those parallels bracket China's borders with Vietnam, Laos and
Myanmar (about 21-28.5N, 97-108.5E): across that band the scale error stays below 0.2 %, and one
projection serves Yunnan and Guangxi together where UTM would split them between zones 47, 48
and 49. Further north the error grows (about 2 % at 35N, 8 % at 45N), so lengths that must be
right everywhere, such as the boundary lengths in the layers, are computed geodesically.
"""

from __future__ import annotations

import geopandas as gpd

WGS84 = "EPSG:4326"
METRIC_CRS = "+proj=aea +lat_1=21 +lat_2=27 +lat_0=0 +lon_0=104 +datum=WGS84 +units=m +no_defs"


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` reprojected to ``METRIC_CRS``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(104, 24)], crs=WGS84)
    >>> round(to_metric(g).geometry.x.iloc[0], 3)
    0.0
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"to_metric expects a GeoDataFrame, got {type(gdf).__name__}")
    if gdf.crs is None:
        raise ValueError("to_metric needs a GeoDataFrame with a CRS, got one with crs=None")
    return gdf.to_crs(METRIC_CRS)
