"""Clusters: the same partition as scikit-learn's DBSCAN, space-time clusters, HDBSCAN and the cluster table."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.spatial import cKDTree
from sklearn.cluster import DBSCAN, HDBSCAN

from geodata.analysis_data import read_analysis_points
from geodata.cluster_labels import dbscan_labels, hdbscan_labels, st_dbscan_labels
from geodata.clusters import CLUSTER_COLUMNS, DBSCANParams, HDBSCANParams, find_clusters, project
from geodata.crs import METRIC_CRS
from queries.filters import Filters
from queries.stores import open_store


@pytest.fixture(scope="module")
def demo_points(seeded_db):
    with open_store(seeded_db).reading() as con:
        return read_analysis_points(con, Filters()).points


def _mixed_densities(seed: int) -> np.ndarray:
    """Metres: tight and loose blobs, a line of points, uniform scatter and exact duplicates."""
    rng = np.random.default_rng(seed)
    parts = [rng.normal(centre, spread, (size, 2)) for centre, spread, size in
             (((0, 0), 150, 800), ((3000, 500), 600, 600), ((-4000, 2000), 1500, 400), ((9000, -3000), 60, 300))]
    parts.append(np.column_stack([np.linspace(-8000, 8000, 300), np.full(300, -6000.0)]))
    parts.append(rng.uniform(-15000, 15000, (700, 2)))
    parts.append(np.repeat([[500.0, -500.0]], 40, axis=0))
    return np.concatenate(parts)


def _thin_lines(seed: int) -> np.ndarray:
    """Metres: 30 short, thin, crossing lines of points. Where two lines pass close, the cells' extreme
    points do not settle whether their cores are within eps, and the exact check has to."""
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(30):
        centre, angle, length = rng.uniform(0, 5000, 2), rng.uniform(0, np.pi), rng.uniform(200, 1500)
        along = rng.uniform(-length / 2, length / 2, rng.integers(5, 40))
        lines.append(centre + np.column_stack([along * np.cos(angle), along * np.sin(angle)])
                     + rng.normal(0, 20, (len(along), 2)))
    return np.concatenate(lines)


def assert_same_partition_as(ours: np.ndarray, theirs: DBSCAN, xy: np.ndarray, eps: float):
    """Cores grouped alike (one-to-one up to label names), the same noise, and each border point in
    the cluster of some core within eps (scikit-learn gives it to the first core to reach it)."""
    core = np.zeros(len(xy), dtype=bool)
    core[theirs.core_sample_indices_] = True
    pairs = pd.crosstab(ours[core], theirs.labels_[core]) > 0
    assert (pairs.sum(axis=1) == 1).all() and (pairs.sum(axis=0) == 1).all()
    assert ((ours == -1) == (theirs.labels_ == -1)).all()
    tree = cKDTree(xy[core])
    for i in np.flatnonzero(~core & (ours >= 0)):
        reachable = set(ours[core][tree.query_ball_point(xy[i], eps)])
        assert ours[i] in reachable


@pytest.mark.parametrize(("eps", "min_count"), [(1000.0, 10), (300.0, 4), (5000.0, 30), (150.0, 2)])
def test_dbscan_gives_scikit_learns_partition_on_the_demo_points(demo_points, eps, min_count):
    xy = project(demo_points["lon"], demo_points["lat"])
    ours = dbscan_labels(xy, eps, min_count)
    assert_same_partition_as(ours, DBSCAN(eps=eps, min_samples=min_count).fit(xy), xy, eps)


@pytest.mark.parametrize(("eps", "min_count", "seed"), [(200.0, 5, 1), (400.0, 12, 2), (90.0, 3, 3), (1200.0, 40, 4)])
def test_dbscan_gives_scikit_learns_partition_on_mixed_densities(eps, min_count, seed):
    xy = _mixed_densities(seed)
    ours = dbscan_labels(xy, eps, min_count)
    assert ours.max() >= 1
    assert_same_partition_as(ours, DBSCAN(eps=eps, min_samples=min_count).fit(xy), xy, eps)


@pytest.mark.parametrize("seed", [54, 63, 119, 258, 374])
def test_dbscan_gives_scikit_learns_partition_where_cells_must_be_joined_point_by_point(seed):
    xy = _thin_lines(seed)
    ours = dbscan_labels(xy, 150.0, 3)
    assert_same_partition_as(ours, DBSCAN(eps=150.0, min_samples=3).fit(xy), xy, 150.0)


def test_dbscan_numbers_clusters_from_the_largest_and_handles_no_cores():
    xy = np.concatenate([np.zeros((3, 2)), np.full((5, 2), 1000.0), [[50000.0, 0.0]]])
    assert dbscan_labels(xy, eps=10, min_count=3).tolist() == [1, 1, 1, 0, 0, 0, 0, 0, -1]
    assert dbscan_labels(xy, eps=10, min_count=6).tolist() == [-1] * 9
    assert dbscan_labels(np.empty((0, 2)), eps=10, min_count=3).tolist() == []


def test_space_time_dbscan_equals_dbscan_on_the_space_time_distance():
    rng = np.random.default_rng(5)
    xy = _mixed_densities(5)[::4]
    days = rng.uniform(0, 400, len(xy))
    burst = rng.permutation(len(xy))[: len(xy) // 2]
    days[burst] = rng.normal(100, 10, len(burst))  # half the points in one busy season
    eps, window, min_count = 800.0, 20.0, 5
    ours = st_dbscan_labels(xy, days, eps, window, min_count, chunk=97)
    metres = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    distance = np.maximum(metres / eps, np.abs(days[:, None] - days[None, :]) / window)
    theirs = DBSCAN(eps=1.0, min_samples=min_count, metric="precomputed").fit(distance)
    assert ours.max() >= 2
    core = np.zeros(len(xy), dtype=bool)
    core[theirs.core_sample_indices_] = True
    pairs = pd.crosstab(ours[core], theirs.labels_[core]) > 0
    assert (pairs.sum(axis=1) == 1).all() and (pairs.sum(axis=0) == 1).all()
    assert ((ours == -1) == (theirs.labels_ == -1)).all()
    for i in np.flatnonzero(~core & (ours >= 0)):
        assert ours[i] in set(ours[core & (distance[i] <= 1.0)])


def test_space_time_clusters_split_one_place_into_its_busy_periods():
    xy = np.zeros((40, 2))
    days = np.concatenate([np.arange(20) * 0.5, 200 + np.arange(20) * 0.5])
    assert set(st_dbscan_labels(xy, days, eps=100.0, window_days=3.0, min_count=5)) == {0, 1}
    assert set(dbscan_labels(xy, eps=100.0, min_count=5)) == {0}


def test_hdbscan_finds_clusters_of_different_densities_as_scikit_learn_does():
    rng = np.random.default_rng(6)
    xy = np.concatenate([rng.normal((0, 0), 100, (300, 2)), rng.normal((20000, 0), 2000, (300, 2)),
                         rng.uniform(-30000, 50000, (100, 2))])
    ours = hdbscan_labels(xy, min_cluster_size=30)
    theirs = HDBSCAN(min_cluster_size=30, copy=True).fit_predict(xy)
    assert ours.max() == 1
    assert (ours[:300] == ours[0]).mean() > 0.95 and (ours[300:600] == ours[300]).mean() > 0.9
    pairs = pd.crosstab(ours, theirs)
    assert (pairs > 0).sum(axis=1).max() == 1  # every one of our groups lies within one of theirs


def _frame(lon, lat, **columns) -> pd.DataFrame:
    n = len(lon)
    base = {"seizure_id": np.arange(n), "lon": lon, "lat": lat, "quantity_kg": np.full(n, 10.0),
            "value_cny": np.full(n, 100.0), "occurred_at": pd.Timestamp("2025-01-01"), "item": "antimony",
            "channel": "unofficial_path", "zone_code": None}
    return pd.DataFrame({**base, **columns})


def test_the_cluster_table_sums_its_members_and_measures_the_nearest_checkpoint():
    rng = np.random.default_rng(7)
    dongxing = (107.97167, 21.54778)  # the Dongxing crossing
    far = (105.20, 23.60)  # open country in Malipo county, about 15 km from the nearest post
    lon = np.concatenate([dongxing[0] + rng.normal(0, 0.002, 30), far[0] + rng.normal(0, 0.002, 12), [104.0]])
    lat = np.concatenate([dongxing[1] + rng.normal(0, 0.002, 30), far[1] + rng.normal(0, 0.002, 12), [26.0]])
    items = ["antimony"] * 20 + ["tungsten"] * 10 + ["gallium"] * 12 + ["graphite"]
    days = [datetime(2025, 1, 1) + timedelta(days=i) for i in range(43)]
    points = _frame(lon, lat, item=items, occurred_at=days, zone_code=["450681"] * 30 + [None] * 13)
    found = find_clusters(points, DBSCANParams(eps_km=1.0, min_count=5, outline_km=0.5))
    assert found.labels.tolist() == [0] * 30 + [1] * 12 + [-1]
    table = found.table
    assert list(table.columns) == list(CLUSTER_COLUMNS) and table.crs.to_epsg() == 4326
    assert table["seizures"].tolist() == [30, 12] and table["kg"].tolist() == [300.0, 120.0]
    assert table.loc[0, "main_items"] == "antimony 67 %, tungsten 33 %"
    assert table.loc[0, "main_channels"] == "unofficial_path 100 %"
    assert table.loc[0, "first_seen"] == pd.Timestamp(days[0]) and table.loc[1, "last_seen"] == pd.Timestamp(days[41])
    assert table.loc[0, "zone_code"] == "450681" and table.loc[0, "zone_en"] == "Dongxing"
    assert pd.isna(table.loc[1, "zone_code"])
    assert table.loc[0, "checkpoint_id"] == "dongxing" and table.loc[0, "checkpoint_km"] < 0.5
    assert table.loc[1, "checkpoint_km"] > 5
    outlines = table.to_crs(METRIC_CRS).geometry
    members = shapely.points(project(lon[:30], lat[:30]))
    assert shapely.contains(outlines.iloc[0], members).all()
    hull = shapely.convex_hull(shapely.multipoints(members))
    assert outlines.iloc[0].area == pytest.approx(hull.buffer(500).area, rel=0.01)
    assert found.result.parameters == {"params": {"method": "dbscan", "eps_km": 1.0, "min_count": 5,
                                                  "window_days": None, "outline_km": 0.5}}


def test_a_single_spot_still_gets_an_outline_and_no_points_give_an_empty_table():
    points = _frame(np.full(6, 106.0), np.full(6, 22.5))
    table = find_clusters(points, DBSCANParams(min_count=3, outline_km=0.3)).table
    assert table.to_crs(METRIC_CRS).geometry.iloc[0].area == pytest.approx(np.pi * 300**2, rel=0.01)
    empty = find_clusters(_frame([], []), HDBSCANParams())
    assert empty.labels.tolist() == [] and empty.table.empty and list(empty.table.columns) == list(CLUSTER_COLUMNS)


def test_parameters_are_checked_with_messages_that_say_what_was_wrong():
    with pytest.raises(ValueError, match="eps_km must be more than 0, got 0"):
        DBSCANParams(eps_km=0)
    with pytest.raises(ValueError, match="window_days"):
        DBSCANParams(window_days=-1)
    with pytest.raises(ValueError, match="min_cluster_size must be 2 or more"):
        HDBSCANParams(min_cluster_size=1)
    with pytest.raises(TypeError, match="DBSCANParams or HDBSCANParams"):
        find_clusters(_frame([], []), {"eps_km": 1})


def test_the_shares_of_main_items_and_channels_take_labels_and_keep_their_percentages():
    from geodata.clusters import labelled_shares

    names = {"antimony": "锑", "ree_concentrate": "离子型稀土精矿"}
    assert labelled_shares("antimony 60 %, ree_concentrate 40 %", names.get) == "锑 60 %, 离子型稀土精矿 40 %"
    assert labelled_shares("", names.get) == ""
