"""The Typical cases page's parts, called directly: a case's route placed and named, its pattern in the user's
language, the records like it as a table with the why, and the map drawing the route and the records."""

from __future__ import annotations

import pandas as pd

from dashboard.screens.typical_cases import case_deck
from geodata.typical_case_map import like_table, pattern_lines, place_names, route_places
from queries.typical_cases import find_case

SOLDER = find_case("TC-2025-07")  # bismuth declared as solder paste, by air, at Nanning (江南区, Guangxi)
LIKE = pd.DataFrame({
    "seizure_id": [7, 8], "occurred_at": pd.to_datetime(["2025-05-01", "2025-04-02"]), "item": ["bismuth", "tin"],
    "form": ["alloy", "metal"], "quantity_kg": [600.0, 20.0], "channel": ["air_cargo", "land_port"],
    "agency": ["customs", "customs"], "site_en": [None, "Dongxing"], "site_zh": [None, "东兴"],
    "county_en": ["Jiangnan", "Dongxing"], "county_zh": ["江南区", "东兴市"], "province_en": ["Guangxi"] * 2,
    "province_zh": ["广西壮族自治区"] * 2, "declared_as": ["焊锡膏", None], "concealment": ["false_declaration", None],
    "concealment_text": [None, None], "lon": [108.17, 107.97], "lat": [22.61, 21.55], "parts_matched": [5, 1],
    "item_matched": [True, False], "channel_matched": [True, False],
    "route_matched": [["county:450105", "province:450000"], ["province:450000"]],
    "concealment_matched": [True, False], "words_matched": [["焊锡膏"], []], "total_rows": [2, 2],
})


def test_the_route_is_placed_and_named_in_the_users_language():
    places = route_places(SOLDER)
    assert list(places["token"]) == ["county:450105", "province:450000"]
    county = places.iloc[0]
    assert 107.9 < county["lon"] < 108.6 and 22.3 < county["lat"] < 23.0  # inside Nanning's Jiangnan district
    assert place_names(places, "zh") == {"county:450105": "江南区", "province:450000": "广西壮族自治区"}


def test_the_pattern_gives_every_part_and_says_which_the_report_does_not():
    names = place_names(route_places(SOLDER), "zh")
    lines = dict(pattern_lines(SOLDER, "zh", names))
    assert lines == {"物项": "铋", "渠道": "航空货运", "路线": "江南区、广西壮族自治区", "藏匿方式": "伪报品名",
                     "申报为": "焊锡膏、低温锡膏、锡膏、solder paste"}
    assert dict(pattern_lines(find_case("TC-2025-01"), "en", {}))["Declared as"] == "not reported"


def test_the_records_table_puts_the_parts_and_the_why_first():
    names = place_names(route_places(SOLDER), "en")
    table = like_table(LIKE, "en", names)
    assert list(table.columns[:3]) == ["ID", "Parts matched", "Why"]
    assert table["Why"].iloc[0] == ("Item: Bismuth; Channel: Air cargo; Route: Jiangnan District, Guangxi; "
                                    "Concealment: False declaration; Declared as: 焊锡膏")
    assert table["Why"].iloc[1] == "Route: Guangxi"


def test_the_map_draws_the_route_and_the_records_like_it():
    places = route_places(SOLDER)
    drawn = case_deck(places, LIKE, "zh").to_json()
    assert '"typical-route"' in drawn and '"typical-like"' in drawn and "江南区" in drawn
    alone = case_deck(route_places(find_case("TC-2025-06")), LIKE.iloc[:0], "en").to_json()
    assert '"typical-route"' not in alone and '"typical-like"' not in alone  # no place known, no record: the base map
