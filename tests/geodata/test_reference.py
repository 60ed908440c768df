"""The committed reference layers load, are WGS84, valid and non-empty."""

import pytest

from geodata.reference import LAYERS, load_layer


@pytest.mark.parametrize("name", LAYERS)
def test_layer_loads_valid_wgs84(name):
    layer = load_layer(name)
    assert len(layer) > 0
    assert layer.crs.to_epsg() == 4326
    assert layer.geometry.is_valid.all()
    assert not layer.geometry.is_empty.any()


def test_load_layer_returns_a_copy():
    first = load_layer("provinces")
    first.loc[0, "name_en"] = "changed"
    assert load_layer("provinces").loc[0, "name_en"] != "changed"


def test_unknown_layer_names_the_allowed_ones():
    with pytest.raises(ValueError, match="provinces"):
        load_layer("rivers")


def test_all_34_provinces_with_english_names():
    provinces = load_layer("provinces")
    assert len(provinces) == 34
    assert provinces["code"].str.fullmatch(r"\d{6}").all()
    names = dict(zip(provinces["code"], provinces["name_en"]))
    assert names["450000"] == "Guangxi" and names["530000"] == "Yunnan" and names["150000"] == "Inner Mongolia"
    bordered = set(provinces.loc[provinces["has_land_border"], "name_en"])
    assert {"Guangxi", "Yunnan", "Tibet", "Xinjiang", "Heilongjiang"} <= bordered
    assert not {"Guangdong", "Jiangxi", "Hunan"} & bordered


def test_countries_hold_china_and_the_three_southern_neighbours():
    countries = load_layer("countries")
    assert {"CHN", "VNM", "LAO", "MMR"} <= set(countries["iso3"])
    assert countries["iso3"].is_unique


def test_boundary_lengths_are_plausible():
    boundary = load_layer("boundary").set_index("iso3")
    assert set(boundary.geometry.geom_type) == {"MultiLineString"}
    # Published lengths: Vietnam ~1300 km, Laos ~480 km, Myanmar ~2100 km; the simplified
    # line is somewhat shorter than the surveyed one.
    assert 1000 < boundary.at["VNM", "length_km"] < 1400
    assert 350 < boundary.at["LAO", "length_km"] < 560
    assert 1800 < boundary.at["MMR", "length_km"] < 2300
