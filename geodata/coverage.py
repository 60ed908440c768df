"""Coverage gaps for planners: how far each hot spot or cluster is from the nearest checkpoint.

Distances are measured in ``METRIC_CRS`` from the checkpoint to the feature's area (a hexagon, or
the hull of a cluster's seizures): 0 when a checkpoint lies inside it. A hot spot far from every
checkpoint is one that no post is placed to intercept.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.crs import METRIC_CRS
from geodata.reference import load_layer

CHECKPOINT_COLUMNS = ("checkpoint_id", "checkpoint_en", "checkpoint_zh", "checkpoint_km")


def nearest_checkpoints(areas: gpd.GeoSeries, checkpoints: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """The checkpoint nearest to each area and its distance in km (``CHECKPOINT_COLUMNS``).

    Parameters
    ----------
    areas : GeoSeries
        Polygons, lines or points with a CRS.
    checkpoints : GeoDataFrame, optional
        With id, name_en, name_zh and point geometry; default ``load_layer("checkpoints")``.

    Examples
    --------
    >>> near = nearest_checkpoints(gpd.GeoSeries([shapely.Point(107.97, 21.55)], crs="EPSG:4326"))
    >>> near.loc[0, "checkpoint_id"], bool(near.loc[0, "checkpoint_km"] < 1)
    ('dongxing', True)
    """
    if not isinstance(areas, gpd.GeoSeries) or areas.crs is None:
        raise ValueError(f"areas must be a GeoSeries with a CRS, got {type(areas).__name__} "
                         f"with crs={getattr(areas, 'crs', None)}")
    checkpoints = load_layer("checkpoints") if checkpoints is None else checkpoints
    if checkpoints.empty:
        raise ValueError("there are no checkpoints to measure distances to")
    if areas.empty:
        return pd.DataFrame({name: pd.Series(dtype=float if name == "checkpoint_km" else object)
                             for name in CHECKPOINT_COLUMNS})
    posts = checkpoints.to_crs(METRIC_CRS).geometry.values
    (area_at, post_at), metres = shapely.STRtree(posts).query_nearest(
        areas.to_crs(METRIC_CRS).values, return_distance=True, all_matches=False)
    order = np.argsort(area_at)
    post_at = post_at[order]
    return pd.DataFrame({
        "checkpoint_id": checkpoints["id"].to_numpy(object)[post_at],
        "checkpoint_en": checkpoints["name_en"].to_numpy(object)[post_at],
        "checkpoint_zh": checkpoints["name_zh"].to_numpy(object)[post_at],
        "checkpoint_km": metres[order] / 1000.0,
    })


def coverage_gaps(features: gpd.GeoDataFrame, min_km: float = 0.0,
                  checkpoints: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The features at least ``min_km`` from every checkpoint, farthest first, with the nearest one.

    ``features`` are significant hot spot cells (``cells[cells["bin"] > 0]``) or clusters. Clusters
    already carry their distance (measured from the hull of their seizures, before the outline's
    margin) and keep it; other features get ``CHECKPOINT_COLUMNS`` measured from their geometry.
    """
    if not isinstance(features, gpd.GeoDataFrame):
        raise TypeError(f"features must be a GeoDataFrame, got {type(features).__name__}")
    if min_km < 0:
        raise ValueError(f"min_km must be 0 or more, got {min_km}")
    if "checkpoint_km" not in features.columns:
        near = nearest_checkpoints(features.geometry, checkpoints)
        features = features.assign(**{name: near[name].to_numpy() for name in CHECKPOINT_COLUMNS})
    return features[features["checkpoint_km"] >= min_km].sort_values("checkpoint_km", ascending=False)
