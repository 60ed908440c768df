"""Typical cases: the library loads with its sources and known codes, and "records like this case" counts each
part of a pattern on planted seizures, lists why, and keeps to the region scope, on both stores."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.reference import load_layer
from queries.access import Scope
from queries.filters import Filters
from queries.seizures import insert_seizures
from queries.typical_cases import (
    LIBRARY_CSV,
    CaseFileError,
    TypicalCase,
    find_case,
    library,
    read_library,
    records_like,
    why,
)
from tests.conftest import seizure_row

PATTERN = TypicalCase(
    case_id="TC-TEST", title_zh="测试", title_en="Test", published_on=None, publisher="test",
    source_url="https://example.org/case", items=("bismuth",), declared_as=("焊锡膏", "solder paste"),
    concealment=("false_declaration",), route=("checkpoint:dongxing", "county:450105"), channels=("air_cargo",),
    summary_zh="测试", summary_en="Test", note="test",
)
# Each planted seizure matches the parts its name says (seizure_row's defaults: antimony, land_port, youyiguan in
# 451481, false_declaration, declared as lead concentrate), so that every part is counted on its own.
NOTHING = {"concealment": "hidden_in_cargo"}
BISMUTH_BY_AIR = {"item": "bismuth", "item_group": "Bi", "channel": "air_cargo", "declared_as": "焊锡膏"}
PLANTED = {
    "none": NOTHING,
    "item": {**NOTHING, "item": "bismuth", "item_group": "Bi"},
    "channel": {**NOTHING, "channel": "air_cargo", "checkpoint_id": None},
    "route_checkpoint": {**NOTHING, "checkpoint_id": "dongxing", "county_code": "450681", "zone_code": "450681"},
    "route_county": {**NOTHING, "county_code": "450105", "zone_code": None, "checkpoint_id": None},
    "concealment": {},
    "words": {**NOTHING, "declared_as": "Solder Paste 低温锡膏"},
    "words_in_text": {**NOTHING, "declared_as": "五金", "concealment_text": "标为焊锡膏"},
    "all": {**BISMUTH_BY_AIR, "checkpoint_id": None, "county_code": "450105", "zone_code": None},
    "yunnan_all": {**BISMUTH_BY_AIR, "checkpoint_id": "dongxing", "province_code": "530000", "county_code": "532532",
                   "zone_code": "532532"},
}
EXPECTED_PARTS = {"none": 0, "item": 1, "channel": 1, "route_checkpoint": 1, "route_county": 1, "concealment": 1,
                  "words": 1, "words_in_text": 1, "all": 5, "yunnan_all": 5}


@pytest.fixture
def planted(store):
    rows = pd.concat([seizure_row(source_id=name, **fields) for name, fields in PLANTED.items()], ignore_index=True)
    with store.writing() as con:
        insert_seizures(con, rows)
    return store


def like_by_name(con, min_parts: int) -> pd.DataFrame:
    found = records_like(con, PATTERN, Filters(), min_parts=min_parts)
    names = con.execute("SELECT seizure_id, source_id FROM seizures").df().set_index("seizure_id")["source_id"]
    return found.assign(name=found["seizure_id"].map(names)).set_index("name")


def test_each_part_of_the_pattern_is_counted_and_the_why_names_what_matched(planted):
    with planted.reading() as con:
        found = like_by_name(con, min_parts=1)
    assert found["parts_matched"].to_dict() == {name: n for name, n in EXPECTED_PARTS.items() if n}
    assert list(found["parts_matched"]) == sorted(found["parts_matched"], reverse=True)  # most parts first
    assert list(found.loc["route_checkpoint", "route_matched"]) == ["checkpoint:dongxing"]
    assert list(found.loc["route_county", "route_matched"]) == ["county:450105"]
    assert list(found.loc["words", "words_matched"]) == ["solder paste"]  # in any case; 低温锡膏 is not 焊锡膏
    assert list(found.loc["words_in_text", "words_matched"]) == ["焊锡膏"]
    assert why(found.loc["all"], "en", {"county:450105": "Jiangnan"}) == (
        "Item: Bismuth; Channel: Air cargo; Route: Jiangnan; Concealment: False declaration; Declared as: 焊锡膏")
    assert why(found.loc["item"], "zh").startswith("物项：")


def test_min_parts_keeps_only_the_records_matching_that_many(planted):
    with planted.reading() as con:
        assert set(like_by_name(con, min_parts=2).index) == {"all", "yunnan_all"}
        assert like_by_name(con, min_parts=5)["total_rows"].iloc[0] == 2
        with pytest.raises(ValueError, match="min_parts"):
            records_like(con, PATTERN, Filters(), min_parts=0)


def test_the_region_scope_and_the_filters_hold(planted):
    with planted.reading(scope=Scope(provinces=("450000",))) as con:
        assert "yunnan_all" not in like_by_name(con, min_parts=1).index
        assert "all" in like_by_name(con, min_parts=1).index
    with planted.reading() as con:
        only_yunnan = records_like(con, PATTERN, Filters(provinces=("530000",)), min_parts=1)
    assert len(only_yunnan) == 1 and only_yunnan["parts_matched"].iloc[0] == 5


def test_the_library_loads_with_a_source_for_every_case_and_codes_cordon_knows():
    cases = library()
    assert len(cases) >= 8
    assert len({case.case_id for case in cases}) == len(cases)
    places = {"checkpoint": set(load_layer("checkpoints")["id"]), "hub": set(load_layer("hubs")["id"]),
              "zone": set(load_layer("zones")["code"]), "county": set(load_layer("counties")["code"]),
              "province": set(load_layer("provinces")["code"])}
    for case in cases:
        assert case.source_url.startswith(("https://", "http://")) and case.note and case.publisher
        for token in case.route:
            kind, _, code = token.partition(":")
            assert code in places[kind], f"{case.case_id}: {token} is not a place Cordon knows"
    solder = find_case("TC-2025-07")
    assert solder.items == ("bismuth",) and "焊锡膏" in solder.declared_as and solder.channels == ("air_cargo",)
    with pytest.raises(ValueError, match="TC-2025-01"):
        find_case("TC-NONE")


def test_a_bad_library_file_is_refused_naming_each_line_and_field(tmp_path):
    lines = LIBRARY_CSV.read_text(encoding="utf-8").splitlines()
    header, first, second = lines[0], lines[1], lines[2]
    bad = tmp_path / "cases.csv"
    bad.write_text("\n".join([header, first.replace(",antimony,", ",unobtainium,"),
                              second.replace("2025-12-18", "18/12/2025"), first]) + "\n", encoding="utf-8")
    with pytest.raises(CaseFileError) as refused:
        read_library(bad)
    message = str(refused.value)
    assert "line 2: items: unknown code(s) unobtainium" in message
    assert "line 3: published_on '18/12/2025' is not YYYY-MM-DD" in message
    assert "line 4: case_id TC-2025-01 is given twice" in message


def test_the_command_line_lists_the_library_and_the_records_like_a_case_with_why(file_store, capsys):
    from queries.__main__ import main

    with file_store.writing() as con:
        insert_seizures(con, pd.concat([seizure_row(source_id="like", **PLANTED["all"]),
                                        seizure_row(source_id="unlike", **PLANTED["none"])], ignore_index=True))
    assert main(["typical", "list"]) == 0
    listed = capsys.readouterr().out
    assert "TC-2025-07  2025-05-19" in listed and "http://cn.office369.com/news/show-2077276.html" in listed
    assert main(["typical", "like", "TC-2025-07", "--db", str(file_store.path), "--min-parts", "3"]) == 0
    found = capsys.readouterr().out
    assert found.startswith("1 records like TC-2025-07") and "5 parts" in found
    assert "Route: county:450105, province:450000; Concealment: False declaration; Declared as: 焊锡膏" in found
    assert main(["typical", "like", "TC-NONE", "--db", str(file_store.path)]) == 2
