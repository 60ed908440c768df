"""Validating rows: a test per rule, a property test of the row validator (never lets an invalid row in,
never refuses a valid one) and a test that the frame validator gives the same verdicts and records."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.constants import AGENCIES, CASE_STATUSES, CHANNELS, FORMS, ITEM_BY_CODE, ITEMS
from queries.ingest import AREA_OF_INTEREST, load_mapping, validate_frame, validate_row
from queries.ingest.checks import HASHED_ID, WHITESPACE
from queries.ingest.fields import CHINA_LAND, PARTY_COLUMNS
from queries.labels import label
from tests.queries.ingest_fixtures import CHECKPOINT_POINTS, COUNTY_ANCHORS, NOW, rules

MAPPING = load_mapping()


def row(**overrides) -> dict[str, str]:
    """One valid seizure row as the mapping reads it (field → text)."""
    raw = {"source_id": "R-1", "occurred_at": "2025年3月4日 14:05", "lon": "106.712", "lat": "21.976",
           "item": "锑精矿", "quantity": "1.2", "unit": "吨", "channel": "陆路口岸", "checkpoint": "友谊关",
           "agency": "凭祥海关缉私分局", "destination_iso3": "越南", "case_status": "侦查中", "source_ref": "note"}
    raw.update(overrides)
    return {key: value for key, value in raw.items() if value is not None}


def reasons(raw: dict, **rule_overrides) -> list:
    verdict = validate_row(raw, rules(**rule_overrides))
    assert isinstance(verdict, list), f"expected a refusal, got {verdict}"
    return verdict


def test_a_valid_row_becomes_a_clean_record():
    record = validate_row(row(), rules())
    assert record == {
        "source": "test", "source_id": "R-1", "occurred_at": datetime(2025, 3, 4, 14, 5), "time_precision": "exact",
        "lon": 106.712, "lat": 21.976, "geo_precision": "point", "channel": "land_port",
        "checkpoint_id": "youyiguan", "hub_id": None, "item": "antimony", "item_group": "Sb", "form": "concentrate",
        "quantity_kg": 1200.0, "value_cny": None, "declared_as": None, "concealment": None,
        "concealment_text": None, "detection": None, "detection_text": None, "agency": "customs",
        "destination_iso3": "VNM", "case_status": "under_investigation", "source_ref": "note",
        **dict.fromkeys(PARTY_COLUMNS)}


@pytest.mark.parametrize("field", ["occurred_at", "lon", "lat", "item", "channel", "agency"])
def test_required_fields(field):
    found = reasons(row(**{field: "  "}))
    assert [(r.rule, r.field) for r in found] == [("required", field)]
    assert "is empty" in found[0].message


def test_a_quantity_is_required():
    assert [r.rule for r in reasons(row(quantity=None))] == ["required"]


def test_a_row_with_a_county_and_no_coordinates_sits_on_the_county_anchor():
    record = validate_row(row(lon=None, lat=None, checkpoint=None, county="凭祥市"), rules())
    assert (record["lon"], record["lat"], record["geo_precision"]) == (106.766, 22.094, "county")
    coarser = validate_row(row(lon=None, lat=None, checkpoint=None, county="451481", geo_precision="省"), rules())
    assert coarser["geo_precision"] == "province"
    given = validate_row(row(county="凭祥"), rules())  # coordinates, when given, are the record's
    assert (given["lon"], given["lat"], given["geo_precision"]) == (106.712, 21.976, "point")


def test_a_row_with_a_checkpoint_and_no_coordinates_sits_on_the_crossing_known_to_the_town():
    record = validate_row(row(lon=None, lat=None, county="凭祥"), rules())  # the checkpoint comes first
    assert (record["lon"], record["lat"], record["geo_precision"], record["checkpoint_id"]) == (
        106.7122, 21.9764, "town", "youyiguan")
    assert validate_row(row(lon=None, lat=None, geo_precision="县"), rules())["geo_precision"] == "county"


def test_an_unknown_county_or_half_a_coordinate_is_refused():
    unknown = reasons(row(lon=None, lat=None, checkpoint=None, county="桃花源县"))
    assert [(r.rule, r.field) for r in unknown] == [("unknown", "county")]
    assert "桃花源县" in unknown[0].message and "451481" in unknown[0].message
    assert [(r.rule, r.field) for r in reasons(row(lat=None, county="凭祥"))] == [("required", "lat")]
    assert [(r.rule, r.field) for r in reasons(row(lon=None, lat=None, checkpoint=None))] == [
        ("required", "lon"), ("required", "lat")]


def test_the_mapping_default_fills_a_missing_case_status():
    assert validate_row(row(case_status=None), rules())["case_status"] == "open"


@pytest.mark.parametrize(("field", "text", "message"), [
    ("occurred_at", "last Tuesday", "date (occurred_at)|is not a date Cordon reads"),
    ("lon", "east", "longitude 'east' is neither decimal degrees"),
    ("quantity", "a lot", "is not a number with an optional unit"),
    ("value_cny", "12元", "is not a number"),
])
def test_types(field, text, message):
    found = reasons(row(**{field: text}))
    assert [r.rule for r in found] == ["unreadable"]
    assert any(part in found[0].message for part in message.split("|"))


@pytest.mark.parametrize(("field", "text", "message"), [
    ("quantity", "0", "out of range (more than 0 and at most 10,000,000 kg)"),
    ("quantity", "10001", "out of range"),  # tonnes: more than 10,000 t
    ("value_cny", "-5", "value (CNY) -5 is out of range (0 or more)"),
])
def test_ranges(field, text, message):
    found = reasons(row(**{field: text}))
    assert [r.rule for r in found] == ["out_of_range"] and message in found[0].message


@pytest.mark.parametrize(("field", "text", "closest"), [("channel", "teleport", None), ("agency", "army", None),
                                                         ("case_status", "lost", None),
                                                         ("destination_iso3", "Atlantis", None),
                                                         ("checkpoint", "不存在口岸", None)])
def test_enumerations(field, text, closest):
    found = reasons(row(**{field: text}))
    assert [r.rule for r in found] == ["unknown"] and "is not one Cordon knows" in found[0].message


# How it was concealed and detected, as posts write them, and the category each names (None: none).
DESCRIBED = {
    "concealment": [("藏匿于货车驾驶室夹层", "vehicle_compartment"), ("混装于申报货物中", "mixed_with_legal_goods"),
                    ("以“铅精矿”名义伪报出口", "false_declaration"), ("mixed with declared goods", "mixed_with_legal_goods"),
                    ("Hidden in cargo (truck bed)", "hidden_in_cargo"), ("false_declaration", "false_declaration"),
                    ("藏在货车备胎内", None), ("unknown trick", None), ("nonetheless concealed", None),
                    ("无", "none"), ("司机无法解释货物来源", None)],
    "detection": [("经X光机查验发现", "x_ray"), ("根据群众举报线索", "intelligence_tip"), ("acting on a tip", "intelligence_tip"),
                  ("X-ray of the trailer", "x_ray"), ("CT", "x_ray"), ("司机神色慌张", None), ("luck", None)],
}


@pytest.mark.parametrize(("field", "text", "code"), [(field, text, code) for field, cases in DESCRIBED.items()
                                                     for text, code in cases])
def test_a_description_is_kept_as_written_with_the_category_it_names(field, text, code):
    raws = [row(**{field: f"  {text} "}), row(source_id="R-2")]
    record = validate_row(raws[0], rules())
    assert isinstance(record, dict), record
    assert (record[f"{field}_text"], record[field]) == (text, code)
    records, refused, _ = validate_frame(pd.DataFrame(raws, dtype="str"), rules())
    assert not refused.any()
    got = records.loc[0, [f"{field}_text", field]].tolist()
    assert got[0] == text and (got[1] == code or (code is None and pd.isna(got[1])))
    assert pd.isna(records.loc[1, field]) and pd.isna(records.loc[1, f"{field}_text"])


def test_a_description_longer_than_its_limit_is_refused_by_both_validators():
    raws = [row(detection="查" * 501)]
    found = reasons(raws[0])
    assert [(r.rule, r.field) for r in found] == [("too_long", "detection")]
    assert "501 characters long, more than the 500 allowed" in found[0].message
    _, refused, refusals = validate_frame(pd.DataFrame(raws, dtype="str"), rules())
    assert refused.tolist() == [True]
    assert frame_reasons(refusals, 0) == [(r.rule, r.field, r.message) for r in found]


@pytest.mark.parametrize(("text", "code"), [("海关", "customs"), ("东兴市公安局", "public_security"),
                                            ("边境派出所", "border_defence"), ("customs", "customs"),
                                            ("Public Security", "public_security")])
def test_enumerations_in_chinese_english_or_a_phrase(text, code):
    assert validate_row(row(agency=text), rules())["agency"] == code


@pytest.mark.parametrize(("text", "code"), [("邮政/快递", "postal_express"), ("快递", "postal_express"),
                                            ("land_port", "land_port"), ("Air cargo", "air_cargo")])
def test_channels_in_chinese_or_english(text, code):
    assert validate_row(row(channel=text), rules())["channel"] == code


@pytest.mark.parametrize(("text", "item", "form"), [("锑", "antimony", None), ("锑精矿", "antimony", "concentrate"),
                                                    ("氧化镝", "dysprosium", "oxide"), ("gallium metal", "gallium", "metal"),
                                                    ("钕铁硼磁体", "ndfeb_magnet", "magnet"), ("Sb", "antimony", None)])
def test_items_and_the_form_their_name_states(text, item, form):
    verdict = validate_row(row(item=text, form="ore" if form is None else None), rules())
    assert (verdict["item"], verdict["form"], verdict["item_group"]) == (item, form or "ore", ITEM_BY_CODE[item].group)


def test_an_unknown_item_suggests_the_closest_known_one():
    found = reasons(row(item="galium"))
    assert [r.rule for r in found] == ["unknown"]
    assert "'galium' is not one Cordon knows — did you mean gallium?" in found[0].message


def test_a_form_that_is_nowhere_is_asked_for_and_a_mapping_default_gives_it():
    assert [r.rule for r in reasons(row(item="锑"))] == ["no_form"]
    defaults = {**MAPPING.defaults, "form": "ore"}
    mapping = type(MAPPING)(MAPPING.name, MAPPING.columns, MAPPING.values, MAPPING.units, defaults)
    assert validate_row(row(item="锑"), rules(mapping=mapping))["form"] == "ore"
    assert validate_row(row(item="锑锭"), rules(mapping=mapping))["form"] == "metal"  # the name wins


def test_a_quantity_without_a_unit_is_refused_and_a_header_unit_counts():
    assert [r.rule for r in reasons(row(unit=None))] == ["no_unit"]
    assert validate_row(row(unit=None, quantity=None, quantity_t="2"), rules())["quantity_kg"] == 2000.0
    assert validate_row(row(unit=None, quantity="800 g"), rules())["quantity_kg"] == 0.8


def test_text_longer_than_its_limit():
    found = reasons(row(source_ref="x" * 501))
    assert [r.rule for r in found] == ["too_long"]
    assert found[0].message == "note is 501 characters long, more than the 500 allowed; shorten it"
    assert "(备注)" in reasons(row(source_ref="x" * 501), headers={"source_ref": "备注"})[0].message


def test_html_and_script_are_text_like_any_other():
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    assert validate_row(row(source_ref=hostile), rules())["source_ref"] == hostile


def test_dates_in_the_future_are_refused_in_beijing_time():
    found = reasons(row(occurred_at="2026-01-01 12:01"))
    assert [r.rule for r in found] == ["future"]
    assert "is in the future (now: 2026-01-01 12:00 Beijing time)" in found[0].message
    assert validate_row(row(occurred_at="2026-01-01"), rules())["time_precision"] == "day"  # today counts


def test_dates_before_2000_are_refused():
    assert [r.rule for r in reasons(row(occurred_at="1999-12-31"))] == ["too_early"]


def test_swapped_latitude_and_longitude_are_named():
    found = reasons(row(lon="22.8", lat="108.3"))
    assert [r.rule for r in found] == ["swapped"]
    assert found[0].message == "latitude 108.3 is out of range (-90 to 90) — latitude and longitude look swapped"


def test_points_outside_the_area_of_interest_are_refused():
    found = reasons(row(lon="2.35", lat="48.86"))
    assert [r.rule for r in found] == ["outside_area"]
    assert "outside the area of interest (lon 72.00 to 136.59" in found[0].message and "--crs" in found[0].message


def test_the_area_of_interest_is_china_and_a_border_strip():
    from geodata.reference import load_layer

    west, south, east, north = load_layer("provinces").total_bounds
    assert (CHINA_LAND.lon_min, CHINA_LAND.lat_min) <= (round(west, 2), round(south, 2))
    assert CHINA_LAND.lon_max >= round(east, 2) and CHINA_LAND.lat_max >= round(north, 2)
    assert AREA_OF_INTEREST.contains(CHINA_LAND.lon_min - 1.4, CHINA_LAND.lat_min - 1.4)  # the strip
    assert not AREA_OF_INTEREST.contains(CHINA_LAND.lon_min - 1.6, 30.0)


def test_a_row_without_source_id_gets_a_stable_hash_of_its_content():
    first, again = validate_row(row(source_id=None), rules()), validate_row(row(source_id=None), rules())
    assert first["source_id"] == again["source_id"] and first["source_id"].startswith(HASHED_ID)
    assert validate_row(row(source_id=None, quantity="1.3"), rules())["source_id"] != first["source_id"]


def test_several_broken_rules_are_all_reported():
    found = reasons(row(channel="teleport", lat="95", occurred_at="2030-01-01"))
    assert {r.rule for r in found} == {"unknown", "future", "out_of_range"}


# -- properties ---------------------------------------------------------------------------------

CHINESE = {table: {code: [s for s, c in MAPPING.values[table].items() if c == code and not s.isascii()]
                   for code in codes} for table, codes in (("channel", CHANNELS), ("agency", AGENCIES),
                                                           ("case_status", CASE_STATUSES), ("form", FORMS))}


def spelled(table: str, codes) -> st.SearchStrategy:
    """(text, code): a code as itself or as one of its Chinese spellings."""
    return st.sampled_from(codes).flatmap(lambda code: st.sampled_from([code, *CHINESE[table][code]]).map(
        lambda text: (text, code)))


ANY = object()  # a description's category not predicted by the test


def _dms(value: float, hemisphere: str) -> tuple[str, float]:
    degrees, minutes, seconds = int(value), int(value * 60) % 60, round(value * 3600 % 60, 1) % 60
    return f"{degrees}°{minutes}′{seconds}″{hemisphere}", degrees + minutes / 60 + seconds / 3600


@st.composite
def valid_rows(draw) -> tuple[dict[str, str], dict]:
    """A valid row and the values its record must have."""
    moment = draw(st.datetimes(datetime(2000, 1, 1), NOW)).replace(microsecond=0)
    style = draw(st.sampled_from(["iso", "chinese", "slash", "day", "compact"]))
    date_text, moment, precision = {
        "iso": (f"{moment:%Y-%m-%d %H:%M:%S}", moment, "exact"),
        "chinese": (f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}", moment.replace(second=0), "exact"),
        "slash": (f"{moment.year}/{moment.month}/{moment.day}", moment.replace(hour=0, minute=0, second=0), "day"),
        "day": (f"{moment:%Y-%m-%d}", moment.replace(hour=0, minute=0, second=0), "day"),
        "compact": (f"{moment:%Y%m%d}", moment.replace(hour=0, minute=0, second=0), "day"),
    }[style]
    lon = round(draw(st.floats(97.6, 111.0)), 6)
    lat = round(draw(st.floats(20.9, 29.2)), 6)
    county_text, checkpoint_text, place = "", "", {}
    chosen = draw(st.integers(0, 5))
    if chosen == 0:  # no coordinates, a county: the record sits on its anchor
        county_text = draw(st.sampled_from(["凭祥", "凭祥市", "451481", "Pingxiang"]))
        lon_text = lat_text = ""
        (lon, lat), place = COUNTY_ANCHORS["451481"], {"geo_precision": "county"}
    elif chosen == 1:  # no coordinates, a checkpoint (and maybe a county): the record sits on the crossing
        checkpoint_text, county_text = draw(st.sampled_from(["友谊关", "youyiguan"])), draw(st.sampled_from(["", "凭祥"]))
        lon_text = lat_text = ""
        (lon, lat), place = CHECKPOINT_POINTS["youyiguan"], {"geo_precision": "town", "checkpoint_id": "youyiguan"}
    elif draw(st.booleans()):
        (lon_text, lon), (lat_text, lat) = _dms(lon, "E"), _dms(lat, "N")
    else:
        lon_text, lat_text = repr(lon), repr(lat)
    point_text = ""
    if chosen > 1 and draw(st.booleans()):  # both in one cell, in either order, as a web map copies them
        pair = draw(st.sampled_from([(lon_text, lat_text), (lat_text, lon_text)]))
        point_text, lon_text, lat_text = draw(st.sampled_from([",", ", ", "，", " ", ";"])).join(pair), "", ""
    item = draw(st.sampled_from(ITEMS))
    item_text = draw(st.sampled_from([item.code, label(item.code, "zh")]))
    number = draw(st.decimals("0.001", "9000", places=3, allow_nan=False, allow_infinity=False))
    unit_text, factor = draw(st.sampled_from([("kg", 1.0), ("吨", 1000.0), ("公斤", 1.0), ("克", 0.001)]))
    channel, agency, status, form = (draw(spelled(t, c)) for t, c in (("channel", CHANNELS), ("agency", AGENCIES),
                                                                      ("case_status", CASE_STATUSES), ("form", FORMS)))
    note = draw(st.text(max_size=40))
    described = {field: draw(st.sampled_from(cases) | st.tuples(st.text(max_size=30), st.just(ANY)))
                 for field, cases in DESCRIBED.items()}
    raw = {"occurred_at": date_text, "lon": lon_text, "lat": lat_text, "item": item_text, "form": form[0],
           "quantity": str(number), "unit": unit_text, "channel": channel[0], "agency": agency[0],
           "case_status": status[0], "source_ref": note, "source_id": draw(st.sampled_from(["", "ID-7"])),
           "county": county_text, "checkpoint": checkpoint_text, "coordinates": point_text,
           **{field: text for field, (text, _) in described.items()}}
    expected = {"occurred_at": moment, "time_precision": precision, "lon": lon, "lat": lat, "item": item.code,
                "form": form[1], "quantity_kg": float(str(number)) * factor, "channel": channel[1],
                "agency": agency[1], "case_status": status[1], "source_ref": note.strip(WHITESPACE) or None, **place}
    for field, (text, code) in described.items():  # any words land; the category is checked where known
        expected[f"{field}_text"] = text.strip(WHITESPACE) or None
        if code is not ANY:
            expected[field] = code if text.strip(WHITESPACE) else None
    return raw, expected


BREAKS = {
    "required": lambda raw: {**raw, "channel": ""},
    "unreadable": lambda raw: {**raw, "occurred_at": "soon"},
    "unknown": lambda raw: {**raw, "item": "unobtainium"},
    "too_long": lambda raw: {**raw, "source_ref": "备" * 501},
    "out_of_range": lambda raw: {**raw, "quantity": "-1"},
    "swapped": lambda raw: {**raw, "lon": raw["lat"] or "22.1", "lat": raw["lon"] or "106.7"},
    "outside_area": lambda raw: {**raw, "lon": "-70.5", "lat": "-33.4"},
    "future": lambda raw: {**raw, "occurred_at": "2026-01-02"},
    "too_early": lambda raw: {**raw, "occurred_at": "1999-06-01"},
    "no_unit": lambda raw: {**raw, "unit": ""},
}


@settings(max_examples=150, deadline=None)
@given(valid_rows())
def test_the_row_validator_never_refuses_a_valid_row(case):
    raw, expected = case
    record = validate_row(raw, rules())
    assert isinstance(record, dict), record
    assert {key: record[key] for key in expected} == expected
    assert record["source_id"] == (raw["source_id"] or record["source_id"])


@settings(max_examples=150, deadline=None)
@given(valid_rows(), st.sampled_from(sorted(BREAKS)))
def test_the_row_validator_never_lets_an_invalid_row_in(case, rule):
    raw, _ = case
    verdict = validate_row(BREAKS[rule](raw), rules())
    assert isinstance(verdict, list) and rule in {r.rule for r in verdict}


def frame_reasons(refusals, position: int) -> list[tuple[str, str, str]]:
    """The (rule, field, words) of one row of a frame, from validate_frame's refusals, in their order."""
    return [(r.rule, r.field, r.words(np.array([position]))[0].as_py()) for r in refusals if r.rows[position]]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(valid_rows(), st.sampled_from([None, *sorted(BREAKS)])), min_size=1, max_size=12),
       st.sampled_from(["en", "zh"]))
def test_the_frame_validator_agrees_with_the_row_validator(cases, lang):
    raws = [BREAKS[rule](raw) if rule else raw for (raw, _), rule in cases]
    frame = pd.DataFrame(raws, dtype="str")
    records, refused, refusals = validate_frame(frame, rules(lang=lang))
    for position, raw in enumerate(raws):
        verdict = validate_row(raw, rules(lang=lang))
        assert refused[position] == isinstance(verdict, list), (raw, verdict)
        if isinstance(verdict, list):  # the same reasons, in the same words and order
            assert frame_reasons(refusals, position) == [(r.rule, r.field, r.message) for r in verdict]
        if isinstance(verdict, dict):
            got = records.loc[position].to_dict()
            for key, want in verdict.items():
                value = got[key]
                assert (pd.isna(value) and want is None) or value == want, (key, value, want)
    assert len(records) == int((~refused).sum())


def test_the_frame_validator_reads_typed_columns_like_their_text():
    raws = [row(source_id=f"T-{i}", quantity=str(q)) for i, q in enumerate((1.5, 2.0, 0.25))]
    raws.append(row(source_id="T-3", lon=None, lat=None, checkpoint=None, county="凭祥市"))  # placed by its county
    text_records, _, _ = validate_frame(pd.DataFrame(raws, dtype="str"), rules())
    typed = pd.DataFrame(raws).assign(quantity=[1.5, 2.0, 0.25, 1.2], lon=[106.712] * 3 + [np.nan],
                                      lat=[21.976] * 3 + [np.nan])
    typed_records, refused, _ = validate_frame(typed, rules())
    assert not refused.any() and typed_records["geo_precision"].tolist() == ["point"] * 3 + ["county"]
    pd.testing.assert_frame_equal(typed_records.astype(object), text_records.astype(object))
