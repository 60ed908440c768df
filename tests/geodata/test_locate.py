"""locate() and distance_to_boundary_km() on known places."""

import numpy as np
import pandas as pd
import pytest

from geodata.locate import LOCATE_COLUMNS, distance_to_boundary_km, locate


def test_nanning_is_in_guangxi_outside_any_zone():
    row = locate([108.3167], [22.8167]).iloc[0]
    assert row["country_iso3"] == "CHN"
    assert row["province_code"] == "450000" and row["province_en"] == "Guangxi"
    assert row["zone_code"] is None


def test_dongxing_town_is_in_its_border_zone():
    row = locate([107.97167], [21.54778]).iloc[0]
    assert row["county_zh"] == "东兴市"
    assert row["zone_code"] == row["county_code"] == "450681"


def test_gulf_of_tonkin_is_in_no_country():
    row = locate([108.3], [21.2]).iloc[0]
    assert row.isna().all()


def test_lang_son_is_in_vietnam():
    row = locate([106.76], [21.85]).iloc[0]
    assert row["country_iso3"] == "VNM"
    assert row["province_code"] is None


def test_inland_hub_gets_province_but_no_county():
    row = locate([114.9326], [25.84664]).iloc[0]
    assert row["province_en"] == "Jiangxi"
    assert row["county_code"] is None


def test_columns_and_length():
    frame = locate(np.array([108.3, 106.76, 0.0]), np.array([22.8, 21.85, 0.0]))
    assert list(frame.columns) == list(LOCATE_COLUMNS)
    assert len(frame) == 3


def test_point_on_a_shared_edge_gets_one_deterministic_county():
    from geodata.reference import load_layer

    counties = load_layer("counties").set_index("code")
    edge = counties.at["451481", "geometry"].boundary.intersection(counties.at["451422", "geometry"].boundary)
    point = edge.interpolate(0.5, normalized=True)
    first = locate([point.x], [point.y]).iloc[0]
    assert first["county_code"] in ("451422", "451481")
    assert locate([point.x], [point.y]).iloc[0]["county_code"] == first["county_code"]


def test_a_large_batch_is_located_as_each_point_would_be_alone():
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(97, 110, 200_000), rng.uniform(20, 27, 200_000)
    frame = locate(lon, lat)
    assert len(frame) == 200_000 and frame["country_iso3"].isin(["CHN"]).mean() > 0.4
    for at in rng.choice(200_000, 25, replace=False):
        alone = locate([lon[at]], [lat[at]]).iloc[0]
        assert alone.fillna("").to_dict() == frame.iloc[at].fillna("").to_dict()


def test_counties_and_provinces_are_those_a_plain_polygon_test_gives():
    """Against shapely's own test, polygon by polygon in code order (the first that holds a point wins)."""
    import shapely

    from geodata.reference import load_layer

    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(97, 112, 3_000), rng.uniform(20, 27, 3_000)
    frame = locate(lon, lat)
    for layer, column in (("counties", "county_code"), ("provinces", "province_code")):
        expected = np.full(len(lon), None, dtype=object)
        for code, geom in load_layer(layer).sort_values("code")[["code", "geometry"]].itertuples(index=False):
            inside = shapely.intersects_xy(geom, lon, lat) & pd.isna(expected)
            expected[inside] = code
        assert frame[column].tolist() == expected.tolist()


def test_distances_to_the_boundary():
    km = distance_to_boundary_km([106.71222, 108.3167], [21.97639, 22.8167])
    assert km[0] < 3
    assert 100 < km[1] < 250


def test_distances_in_a_large_batch_are_those_of_each_point_alone():
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(97, 110, 100_000), rng.uniform(20, 27, 100_000)
    km = distance_to_boundary_km(lon, lat)
    assert (km >= 0).all()
    for at in rng.choice(100_000, 25, replace=False):
        assert distance_to_boundary_km([lon[at]], [lat[at]])[0] == pytest.approx(km[at])


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        ([108.0, 109.0], [22.0], "same length"),
        ([float("nan")], [22.0], "finite"),
        ([108.0], [95.0], "lat must be within"),
        ([200.0], [22.0], "lon must be within"),
    ],
)
@pytest.mark.parametrize("function", [locate, distance_to_boundary_km])
def test_bad_input_raises(function, lon, lat, message):
    with pytest.raises(ValueError, match=message):
        function(lon, lat)


def test_empty_input_gives_empty_results():
    assert len(locate([], [])) == 0
    assert isinstance(locate([], []), pd.DataFrame)
