"""Hot spots and clusters are named by where they are: county (or province, or country) and nearest checkpoint."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.analysis_data import read_analysis_points
from geodata.clusters import DBSCANParams, find_clusters
from geodata.emerging import EmergingParams, emerging_hot_spots
from geodata.hotspots import HotSpotParams, hot_spots
from geodata.places import PLACE_COLUMNS, area_names, place_name, with_places
from queries.filters import Filters
from queries.stores import open_store

H3_ID = r"^[0-9a-f]{15}$"


def _areas(*points: tuple[float, float]) -> gpd.GeoDataFrame:
    """Small squares around (lon, lat) points, as hexagons are: the place is where their centre is."""
    return gpd.GeoDataFrame({"n": range(len(points))},
                            geometry=[shapely.Point(p).buffer(0.002, cap_style="square") for p in points], crs=4326)


def test_a_point_in_pingxiang_is_named_by_its_county_and_the_nearest_checkpoint_in_both_languages():
    named = with_places(_areas((106.73, 22.01))).iloc[0]
    assert named["county_code"] == "451481" and named["checkpoint_id"] == "youyiguan"
    km = round(named["checkpoint_km"])
    assert 2 <= km <= 6
    assert named["place_en"] == f"Pingxiang, {km} km from Youyiguan (Friendship Pass)"
    assert named["place_zh"] == f"凭祥市，距友谊关 {km} 公里"


def test_places_outside_the_border_zones_read_in_english_and_beyond_the_counties_by_province_or_country():
    nanning, guangzhou, vietnam = with_places(_areas((108.33, 22.83), (113.26, 23.13), (106.75, 22.0))).itertuples()
    assert nanning.place_en.startswith("Xingning District, ") and nanning.place_zh.startswith("兴宁区，")
    assert guangzhou.place_en.startswith("Guangdong, ") and pd.isna(guangzhou.county_code)
    assert vietnam.place_en.startswith("Vietnam, ") and vietnam.place_zh.startswith("越南，")
    for place in (nanning.place_en, guangzhou.place_en, vietnam.place_en):
        assert not any("\u4e00" <= c <= "\u9fff" for c in place)


@pytest.mark.parametrize("lang, at, off, alone", [
    ("en", "Pingxiang, at Youyiguan", "12 km from Dongxing", "Dongxing"),
    ("zh", "凭祥市，友谊关旁", "距东兴 12 公里", "东兴市"),
])
def test_place_name_says_at_when_the_checkpoint_is_within_half_a_km_and_leaves_out_what_is_missing(
        lang, at, off, alone):
    county, checkpoint = ("Dongxing", "Dongxing") if lang == "en" else ("东兴市", "东兴")
    pingxiang, youyiguan = ("Pingxiang", "Youyiguan") if lang == "en" else ("凭祥市", "友谊关")
    assert place_name(pingxiang, youyiguan, 0.49, lang) == at
    assert place_name(None, checkpoint, 11.6, lang) == off
    # a checkpoint named after its county: the name once
    assert place_name(county, checkpoint, 11.6, lang) == off
    assert place_name(county, checkpoint, 0.2, lang) == ("at Dongxing" if lang == "en" else "东兴旁")
    assert place_name(county, None, None, lang) == alone and place_name(None, None, None, lang) == ""
    assert place_name(county, checkpoint, 1234.4, lang).endswith(("1,234 km from Dongxing", "1,234 公里"))


def test_each_distinct_name_worded_once_gives_what_place_name_gives_for_each_row():
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(97.5, 109.5, 300), rng.uniform(21.2, 25.5, 300)
    named, areas = with_places(_areas(*zip(lon, lat, strict=True))), area_names(lon, lat)
    for lang in ("en", "zh"):
        expected = [place_name(None if pd.isna(area) else area, checkpoint, km, lang) for area, checkpoint, km
                    in zip(areas[f"area_{lang}"], named[f"checkpoint_{lang}"], named["checkpoint_km"], strict=True)]
        assert named[f"place_{lang}"].tolist() == expected


@pytest.fixture(scope="module")
def demo_points(seeded_db):
    with open_store(seeded_db).reading() as con:
        return read_analysis_points(con, Filters()).points


def test_every_analysis_names_its_features_and_keeps_its_key(demo_points):
    cells = hot_spots(demo_points, HotSpotParams()).frame
    emerging = emerging_hot_spots(demo_points, EmergingParams(step="week")).frame
    clusters = find_clusters(demo_points, DBSCANParams()).result.frame
    for frame, key in ((cells, "cell"), (emerging, "cell"), (clusters, "cluster")):
        assert set(PLACE_COLUMNS) <= set(frame.columns) and frame[key].notna().all()
        for lang in ("en", "zh"):
            assert (frame[f"place_{lang}"].str.len() > 0).all()
            assert not frame[f"place_{lang}"].str.match(H3_ID).any()
    assert cells["cell"].str.match(H3_ID).all()
    assert clusters["place_zh"].str.contains("旁|公里").all()  # each with its nearest checkpoint
