"""The Analysis page's tables and tooltips name hot spots and clusters by where they are, never by a hexagon id."""

import pandas as pd
import pytest

from dashboard.analysis_layers import place_line
from dashboard.screens.clusters import cluster_table, labelled
from dashboard.screens.hotspots import by_category, emerging_table, hot_spot_table
from geodata.analysis_data import read_analysis_points
from geodata.clusters import DBSCANParams, find_clusters
from geodata.emerging import NO_PATTERN, EmergingParams, emerging_hot_spots
from geodata.hotspots import HotSpotParams, hot_spots
from queries.filters import Filters
from queries.labels import t
from queries.stores import open_store

H3_ID = r"^[0-9a-f]{15}$"


@pytest.fixture(scope="module")
def results(seeded_db):
    with open_store(seeded_db).reading() as con:
        points = read_analysis_points(con, Filters()).points
    cells = hot_spots(points, HotSpotParams()).frame
    emerging = emerging_hot_spots(points, EmergingParams(step="week")).frame
    clusters = find_clusters(points, DBSCANParams()).result.frame
    return cells[cells["bin"] > 0], by_category(emerging[emerging["category"] != NO_PATTERN]), clusters


def _cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_tables_show_the_place_in_the_readers_language_and_no_hexagon_id(results, lang):
    hot, emerging, clusters = results
    tables = [hot_spot_table(hot, lang), emerging_table(emerging, lang), cluster_table(labelled(clusters, lang), lang)]
    for table in tables:
        assert len(table) and t("place", lang) in table.columns
        places = table[t("place", lang)]
        assert (places.str.len() > 0).all()
        assert places.map(_cjk).all() if lang == "zh" else not places.map(_cjk).any()
        for column in table.columns:
            assert not table[column].astype(str).str.match(H3_ID).any(), column
    assert list(tables[0].columns[:2]) == [t("place", lang), t("distance_km", lang)]
    pingxiang = "Pingxiang" if lang == "en" else "凭祥市"
    assert tables[2][t("place", lang)].str.startswith(pingxiang).any()


def test_a_tooltip_says_where_a_feature_is():
    row = pd.Series({"place_en": "Pingxiang, 3 km from Youyiguan", "place_zh": "凭祥市，距友谊关 3 公里"})
    assert place_line(row, "en") == ("Place", "Pingxiang, 3 km from Youyiguan")
    assert place_line(row, "zh") == ("地点", "凭祥市，距友谊关 3 公里")


def test_the_live_maps_alert_banner_names_each_new_hot_spot_by_its_place():
    from dashboard.screens.live_map import alert_text

    flagged = pd.DataFrame({"cell": ["874151d02ffffff"], "category": ["new hot spot"], "seizures": [12],
                            "place_en": ["Pingxiang, 3 km from Youyiguan"], "place_zh": ["凭祥市，距友谊关 3 公里"]})
    assert "New hot spot: Pingxiang, 3 km from Youyiguan, 12 seizures" in alert_text(flagged, "en")
    assert "凭祥市，距友谊关 3 公里" in alert_text(flagged, "zh") and "874151d02ffffff" not in alert_text(flagged, "zh")
