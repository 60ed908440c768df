"""Load Cordon's reference layers (GeoParquet files in ``geodata/layers``).

The layers are built by ``python -m geodata build`` and committed; see ``layers/PROVENANCE.md``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd

from geodata.crs import METRIC_CRS

LAYERS_DIR = Path(__file__).resolve().parent / "layers"
LAYERS = ("provinces", "counties", "countries", "boundary", "zones", "checkpoints", "hubs")
NEIGHBOUR_KM = 100  # how far into Myanmar, Laos and Viet Nam the border region reaches
Bounds = tuple[float, float, float, float]  # west, south, east, north in METRIC_CRS metres


@functools.cache
def _read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_parquet(LAYERS_DIR / f"{name}.parquet")


def load_layer(name: str) -> gpd.GeoDataFrame:
    """Return a copy of the reference layer ``name`` (WGS84), read once and cached.

    Examples
    --------
    >>> load_layer("provinces").crs.to_epsg()
    4326
    """
    if name not in LAYERS:
        raise ValueError(f"unknown layer {name!r}; choose one of {', '.join(LAYERS)}")
    return _read(name).copy()


def border_region() -> Bounds:
    """The provinces that hold border zones (Guangxi and Yunnan) and the neighbours' side of the
    border, ``NEIGHBOUR_KM`` beyond the zones: their bounds in METRIC_CRS."""
    provinces, zones = load_layer("provinces"), load_layer("zones").to_crs(METRIC_CRS)
    held = provinces[provinces["code"].isin(zones["province_code"])].to_crs(METRIC_CRS)
    x0, y0, x1, y1 = zones.total_bounds
    margin = NEIGHBOUR_KM * 1000
    west, south, east, north = held.total_bounds
    return (float(min(west, x0 - margin)), float(min(south, y0 - margin)), float(max(east, x1 + margin)),
            float(max(north, y1 + margin)))
