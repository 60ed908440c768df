"""Coverage gaps: the nearest checkpoint of hot spots and clusters, and those beyond a distance."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geodata.analysis_data import read_analysis_points
from geodata.clusters import DBSCANParams, find_clusters
from geodata.coverage import CHECKPOINT_COLUMNS, coverage_gaps, nearest_checkpoints
from geodata.export_sources import coverage_gap_layer
from geodata.hotspots import HotSpotParams, hot_spots
from geodata.reference import load_layer
from queries.filters import Filters
from queries.stores import open_store

WGS84 = "EPSG:4326"


def test_the_nearest_checkpoint_and_its_distance_agree_with_the_geodesic_distance():
    posts = load_layer("checkpoints").set_index("id")
    hekou = posts.loc["hekou"]
    east = (hekou["lon"] + 0.1, hekou["lat"])  # about 10 km east of the Hekou crossing
    areas = gpd.GeoSeries([shapely.Point(hekou["lon"], hekou["lat"]), shapely.Point(*east),
                           shapely.Point(hekou["lon"], hekou["lat"]).buffer(0.05)], crs=WGS84)
    near = nearest_checkpoints(areas)
    assert list(near.columns) == list(CHECKPOINT_COLUMNS)
    assert near["checkpoint_id"].tolist() == ["hekou"] * 3
    assert near.loc[0, "checkpoint_km"] == 0 and near.loc[2, "checkpoint_km"] == 0  # inside the area
    _, _, metres = Geod(ellps="WGS84").inv(hekou["lon"], hekou["lat"], *east)
    assert near.loc[1, "checkpoint_km"] == pytest.approx(metres / 1000, rel=0.003)
    assert near.loc[1, "checkpoint_en"] == hekou["name_en"] and near.loc[1, "checkpoint_zh"] == hekou["name_zh"]


def test_a_chosen_set_of_checkpoints_is_used_and_bad_input_is_refused():
    one = load_layer("checkpoints").query("id == 'dongxing'")
    near = nearest_checkpoints(gpd.GeoSeries([shapely.Point(102.7, 25.0)], crs=WGS84), one)  # Kunming
    assert near.loc[0, "checkpoint_id"] == "dongxing" and near.loc[0, "checkpoint_km"] > 500
    with pytest.raises(ValueError, match="GeoSeries with a CRS"):
        nearest_checkpoints(gpd.GeoSeries([shapely.Point(0, 0)]))
    with pytest.raises(ValueError, match="min_km must be 0 or more"):
        coverage_gaps(gpd.GeoDataFrame(geometry=[], crs=WGS84), min_km=-1)
    assert nearest_checkpoints(gpd.GeoSeries([], crs=WGS84)).empty


@pytest.fixture(scope="module")
def demo_points(seeded_db):
    with open_store(seeded_db).reading() as con:
        return read_analysis_points(con, Filters()).points


def test_hot_spot_gaps_are_the_significant_cells_beyond_the_distance_farthest_first(demo_points):
    result = hot_spots(demo_points, HotSpotParams(resolution=7, rings=2))
    cells = result.frame
    hot = cells[cells["bin"] > 0]
    every = coverage_gaps(hot)
    gaps = coverage_gaps(hot, min_km=2)
    assert len(every) == len(hot) and every["checkpoint_km"].min() == 0  # hot spots at the crossings
    assert 0 < len(gaps) < len(hot) and (gaps["checkpoint_km"] >= 2).all()  # and along the trails
    assert gaps["checkpoint_km"].is_monotonic_decreasing
    assert set(gaps.index) == set(every.index[every["checkpoint_km"] >= 2])
    layer = coverage_gap_layer(result, 2, "hotspots")  # as exported: the gaps and what they were made with
    assert layer.frame.index.equals(gaps.index)
    assert layer.parameters == {"params": result.params_record, "min_km": 2, "gaps_of": "hotspots"}
    centres = gaps.to_crs("EPSG:3857").centroid.to_crs(WGS84)
    farther = nearest_checkpoints(gpd.GeoSeries(centres.values, crs=WGS84))["checkpoint_km"].to_numpy()
    assert (farther >= gaps["checkpoint_km"].to_numpy() - 1e-9).all()  # the centre is no nearer than the hexagon


def test_clusters_keep_the_distance_from_their_seizures_not_from_the_outline_margin(demo_points):
    table = find_clusters(demo_points, DBSCANParams(eps_km=1.0, min_count=10, outline_km=2.0)).table
    gaps = coverage_gaps(table, min_km=3)
    assert (gaps["checkpoint_km"] >= 3).all()
    assert set(gaps["cluster"]) == set(table.loc[table["checkpoint_km"] >= 3, "cluster"])
    measured_on_outline = nearest_checkpoints(table.geometry)["checkpoint_km"].to_numpy()
    assert (table["checkpoint_km"].to_numpy() >= measured_on_outline).all()
    assert np.any(table["checkpoint_km"].to_numpy() > measured_on_outline + 1.5)


def test_no_features_give_no_gaps():
    empty = gpd.GeoDataFrame(pd.DataFrame({"bin": []}), geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    gaps = coverage_gaps(empty, min_km=1)
    assert gaps.empty and set(CHECKPOINT_COLUMNS) <= set(gaps.columns)
