"""Border zones: the county-level units along the land boundary."""

import geopandas as gpd
import shapely

from geodata.crs import to_metric
from geodata.reference import load_layer

GUANGXI = {"东兴市", "防城区", "宁明县", "凭祥市", "龙州县", "大新县", "靖西市", "那坡县"}


def test_guangxi_has_exactly_the_eight_border_counties():
    zones = load_layer("zones")
    assert set(zones.loc[zones["province_code"] == "450000", "name_zh"]) == GUANGXI
    assert (zones.loc[zones["province_code"] == "450000", "neighbour_iso3"] == "VNM").all()


def test_yunnan_has_25_border_counties():
    zones = load_layer("zones")
    yunnan = zones[zones["province_code"] == "530000"]
    assert len(yunnan) == 25
    expected = {"河口瑶族自治县", "勐腊县", "瑞丽市", "江城哈尼族彝族自治县"}
    assert expected <= set(yunnan["name_zh"])
    by_name = dict(zip(yunnan["name_zh"], yunnan["neighbour_iso3"]))
    assert by_name["江城哈尼族彝族自治县"] == "LAO;VNM"
    assert by_name["瑞丽市"] == "MMR"


def test_every_zone_touches_the_boundary():
    zones = to_metric(load_layer("zones"))
    line = shapely.union_all(to_metric(load_layer("boundary")).geometry.values)
    assert (zones.distance(line) < 1.0).all()
    assert (zones["boundary_km"] >= 1.0).all()


def test_no_inland_county_is_a_zone():
    counties = load_layer("counties")
    zones = load_layer("zones")
    inland = counties[~counties["code"].isin(zones["code"])]
    line = shapely.union_all(to_metric(load_layer("boundary")).geometry.values)
    shared = to_metric(inland).buffer(100).intersection(line).length
    assert (shared < 1000).all()


def test_zones_are_counties_with_english_names():
    zones = load_layer("zones")
    counties = load_layer("counties").set_index("code")
    assert zones["code"].isin(counties.index).all()
    assert (zones["name_en"] != "").all()
    assert isinstance(zones, gpd.GeoDataFrame)


def test_counties_flag_exactly_the_zones():
    counties = load_layer("counties")
    zones = load_layer("zones")
    assert set(counties.loc[counties["is_border_zone"], "code"]) == set(zones["code"])
    assert set(counties["province_code"]) == {"450000", "530000"}
