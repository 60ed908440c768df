"""Load Cordon's reference layers (GeoParquet files in ``geodata/layers``).

The layers are built by ``python -m geodata build`` and committed; see ``layers/PROVENANCE.md``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd

LAYERS_DIR = Path(__file__).resolve().parent / "layers"
LAYERS = ("provinces", "counties", "countries", "boundary", "zones", "checkpoints", "hubs")


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
