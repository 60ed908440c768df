"""Map-ready geometry records: straight segments for the line layers, every shared edge once."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, box

from geodata.crs import WGS84
from geodata.reference import load_layer
from geodata.shapes import line_segments, outline_segments, segment_rows


def _frame(*geometries) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=list(geometries), crs=WGS84)


def test_adjacent_polygons_share_their_edge_once_and_every_edge_is_kept():
    segments = outline_segments(_frame(box(0, 0, 1, 1), box(1, 0, 2, 1)), 0.0)
    assert len(segments) == 7
    covered = shapely.union_all(shapely.linestrings(segments.reshape(-1, 2, 2)))
    assert covered.equals(shapely.union_all([box(0, 0, 1, 1).boundary, box(1, 0, 2, 1).boundary]))


def test_segments_along_a_line_drawn_over_them_are_left_out():
    line = LineString([(0, 0), (2, 0)])  # the bottom edges of both boxes
    segments = outline_segments(_frame(box(0, 0, 1, 1), box(1, 0, 2, 1)), 0.0, away_from=line, distance=0.01)
    assert len(segments) == 5 and not (segments[:, [1, 3]] == 0).all(axis=1).any()


def test_small_parts_are_left_out_and_a_wrong_crs_is_refused():
    tiny = box(5, 5, 5.01, 5.01)
    assert len(outline_segments(_frame(shapely.MultiPolygon([box(0, 0, 1, 1), tiny])), 0.0, min_area=0.01)) == 4
    with pytest.raises(ValueError, match="EPSG:4326"):
        outline_segments(_frame(box(0, 0, 1, 1)).set_crs(3857, allow_override=True), 0.0)


def test_lines_become_consecutive_segments_with_their_fields():
    segments = line_segments(_frame(LineString([(0, 0), (1, 0), (1, 1)]), LineString([(5, 5), (6, 5)])))
    assert segments.tolist() == [[0, 0, 1, 0], [1, 0, 1, 1], [5, 5, 6, 5]]
    assert segment_rows(segments[:1], kind=2) == [{"s": [0.0, 0.0], "t": [1.0, 0.0], "kind": 2}]


def test_the_real_province_lines_are_shared_once_and_follow_the_provinces():
    provinces = load_layer("provinces")
    segments = outline_segments(provinces, 0.04, decimals=3, min_area=0.01)
    ends = np.round(np.vstack([segments[:, :2], segments[:, 2:]]), 3)
    assert len(np.unique(segments, axis=0)) == len(segments)
    # every end lies on a province outline, within the simplification's reach
    outlines = shapely.STRtree(provinces.boundary.to_numpy())  # no union of them all: that alone took a minute
    near, _ = outlines.query(shapely.points(ends), predicate="dwithin", distance=0.1)
    assert len(np.unique(near)) == len(ends)
