"""Conversions between WGS84 and the Chinese web-map coordinate systems GCJ-02 and BD-09.

GCJ-02 is the obfuscated datum that Chinese web maps (Amap, Tencent) must publish; BD-09 is
Baidu's further offset of GCJ-02. The forward transform WGS84 -> GCJ-02 is the widely published
formula (Krasovsky semi-major axis 6378245 m, eccentricity squared 0.00669342162296594323, as in
wandergis/coordtransform and eviltransform). It has no closed-form inverse: ``gcj02_to_wgs84``
solves it by fixed-point iteration to better than 1e-9 degrees instead of the usual one-step
approximation, which is off by up to a few metres. GCJ-02 -> BD-09 is Baidu's published formula;
its published inverse is refined the same way.

Like every reference implementation, points outside the rough China bounding box
(lon 72.004-137.8347, lat 0.8293-55.8271) are returned unchanged by the GCJ-02 functions.
All functions take numpy arrays (or scalars) of longitudes and latitudes of the same shape and
return a ``(lon, lat)`` tuple of float arrays.
"""

from __future__ import annotations

import numpy as np

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_MAX_ITERATIONS = 30
_INVERSE_TOLERANCE_DEG = 1e-10


def _check(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat must have the same shape, got {lon.shape} and {lat.shape}")
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise ValueError("lon and lat must be finite numbers, got NaN or infinity")
    return lon, lat


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _gcj02_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 105.0
    y = lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Shift WGS84 coordinates to GCJ-02.

    Examples
    --------
    >>> wgs84_to_gcj02(116.404, 39.915)  # doctest: +SKIP
    (array(116.41024449916938), array(39.91640428150164))
    """
    lon, lat = _check(lon, lat)
    dlon, dlat = _gcj02_offset(lon, lat)
    return lon + dlon, lat + dlat


def _invert(forward, lon: np.ndarray, lat: np.ndarray, start: tuple[np.ndarray, np.ndarray]):
    """Solve ``forward(x, y) == (lon, lat)`` by fixed-point iteration from ``start``."""
    xlon, xlat = start
    for _ in range(_MAX_ITERATIONS):
        flon, flat = forward(xlon, xlat)
        elon, elat = flon - lon, flat - lat
        xlon, xlat = xlon - elon, xlat - elat
        if max(np.abs(elon).max(initial=0.0), np.abs(elat).max(initial=0.0)) < _INVERSE_TOLERANCE_DEG:
            break
    return xlon, xlat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Invert GCJ-02 to WGS84 by fixed-point iteration (error below 1e-9 degrees).

    Examples
    --------
    >>> gcj02_to_wgs84(116.41024449916938, 39.91640428150164)  # doctest: +SKIP
    (array(116.404), array(39.915))
    """
    lon, lat = _check(lon, lat)
    return _invert(wgs84_to_gcj02, lon, lat, (lon.copy(), lat.copy()))


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Shift GCJ-02 coordinates to Baidu's BD-09."""
    lon, lat = _check(lon, lat)
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Shift Baidu BD-09 coordinates back to GCJ-02.

    Starts from Baidu's published inverse formula (off by up to 1e-6 degrees, about 0.1 m) and
    refines it by fixed-point iteration to below 1e-9 degrees.
    """
    lon, lat = _check(lon, lat)
    x, y = lon - 0.0065, lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, lon, lat, (z * np.cos(theta), z * np.sin(theta)))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert Baidu BD-09 coordinates to WGS84 (via GCJ-02, inverted iteratively)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
