"""Imports into the store: refused rows kept with their line and reason, idempotence, updates with
history, coordinate systems, checkpoints and hubs, hostile text, the command line."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from queries.__main__ import main
from queries.ingest import IngestError, check, ingest, ingest_file, known_places, read_path, read_upload
from queries.store import Store
from tests.queries.ingest_fixtures import NOW, seizure_row, write_csv


@pytest.fixture
def places_store(store) -> Store:
    """The reference tables (checkpoints and hubs that imports can name) in a file and, a second run of each
    test, in a lake (conftest's ``store``): an import stores, refuses and updates alike on both."""
    from geodata.demo_geography import demo_geography
    from queries.seed import write_reference

    with store.writing() as con:
        write_reference(con, demo_geography())
    return store


# Published pairs (wandergis/coordtransform, as in tests/geodata/test_coords.py): WGS84 (116.404, 39.915)
# is GCJ-02 (116.41024449916938, 39.91640428150164); GCJ-02 (116.404, 39.915) is BD-09
# (116.41036949371029, 39.92133699351021) and WGS84 about (116.39775550083061, 39.91359571849836).
CRS_CASES = [
    ("wgs84", (116.404, 39.915), (116.404, 39.915), 0.0),
    ("gcj02", (116.41024449916938, 39.91640428150164), (116.404, 39.915), 1e-9),
    ("bd09", (116.41036949371029, 39.92133699351021), (116.39775550083061, 39.91359571849836), 1e-4),
]


def stored(store: Store, sql: str = "SELECT * FROM seizures WHERE NOT is_synthetic ORDER BY source_id") -> pd.DataFrame:
    with store.reading() as con:
        return con.execute(sql).df()


def test_a_gbk_file_with_bad_rows_lands_its_good_rows_and_keeps_the_bad_ones(tmp_path, places_store, geography):
    rows = [seizure_row(i) for i in range(6)]
    rows[2] = seizure_row(2, lon="22.8", lat="108.3")
    rows[4] = seizure_row(4, item="钛精矿", occurred_at="2031-01-01")
    path = write_csv(tmp_path / "凭祥海关_2025-03.csv", rows, "gbk")
    result = ingest_file(places_store, path, geography, now=NOW)

    assert (result.rows_read, result.accepted, result.rejected, result.encoding) == (6, 4, 2, "gb18030")
    assert result.source == "凭祥海关" and result.by_reason == {"swapped": 1, "unknown": 1, "future": 1}
    records = stored(places_store)
    assert records["source_id"].tolist() == ["R-0", "R-1", "R-3", "R-5"]
    assert set(records["checkpoint_id"]) == {"youyiguan"} and set(records["zone_code"]) == {"451481"}
    refused = stored(places_store, "SELECT * FROM rejected_rows ORDER BY line")
    assert refused["line"].tolist() == [4, 6] and set(refused["file_name"]) == {"凭祥海关_2025-03.csv"}
    assert json.loads(refused["raw"][0])["纬度"] == "108.3"
    assert "latitude (纬度) 108.3 is out of range (-90 to 90) — latitude and longitude look swapped" in refused["reason"][0]
    assert list(refused["rules"][1]) == ["unknown", "future"]
    run = stored(places_store, "SELECT * FROM imports").iloc[0]
    assert (run["kind"], run["encoding"], run["accepted"], run["rejected"], run["rows_read"]) == (
        "seizures", "gb18030", 4, 2, 6)


def test_rows_naming_only_their_checkpoint_or_county_land_on_its_point(tmp_path, places_store, geography):
    rows = [{**seizure_row(i), "县(市、区)": ""} for i in range(5)]
    rows[1].update({"经度": "", "纬度": "", "口岸": "", "县(市、区)": "凭祥市"})
    rows[2].update({"经度": "", "纬度": "", "口岸": "", "县(市、区)": "河口"})  # 河口瑶族自治县, by its short name
    rows[3].update({"经度": "", "纬度": "", "口岸": "", "县(市、区)": "桃花源"})
    rows[4].update({"经度": "", "纬度": "", "县(市、区)": "河口"})  # 口岸 友谊关: the checkpoint comes first
    result = ingest_file(places_store, write_csv(tmp_path / "posts.csv", rows), geography, now=NOW)
    assert (result.accepted, result.rejected) == (4, 1), result.rejected_rows["reason"].tolist()
    assert "county (县(市、区)) '桃花源'" in result.rejected_rows["reason"][0]
    records = stored(places_store).set_index("source_id")
    assert records.loc[["R-0", "R-1", "R-2", "R-4"], "geo_precision"].tolist() == ["point", "county", "county", "town"]
    assert records.loc[["R-1", "R-2", "R-4"], "county_code"].tolist() == ["451481", "532532", "451481"]
    anchors = stored(places_store, "SELECT code, anchor_lon, anchor_lat FROM admin_units").set_index("code")
    assert records.loc["R-2", ["lon", "lat"]].tolist() == anchors.loc["532532", ["anchor_lon", "anchor_lat"]].tolist()
    crossing = stored(places_store, "SELECT lon, lat FROM checkpoints WHERE checkpoint_id = 'youyiguan'").iloc[0]
    assert records.loc["R-4", ["lon", "lat"]].tolist() == crossing.tolist()


def test_importing_the_same_file_again_adds_nothing(tmp_path, places_store, geography):
    path = write_csv(tmp_path / "week.csv", [seizure_row(i) for i in range(5)])
    first = ingest_file(places_store, path, geography, now=NOW)
    before = stored(places_store)
    again = ingest_file(places_store, path, geography, now=NOW)
    assert (first.accepted, again.accepted, again.updated, again.unchanged) == (5, 0, 0, 5)
    pd.testing.assert_frame_equal(stored(places_store), before)
    assert stored(places_store, "SELECT count(*) AS n FROM imports")["n"][0] == 2


def test_a_changed_row_updates_its_record_and_keeps_the_previous_version(tmp_path, places_store, geography):
    rows = [seizure_row(i) for i in range(3)]
    ingest_file(places_store, write_csv(tmp_path / "week.csv", rows), geography, now=NOW)
    before = stored(places_store).set_index("source_id")
    rows[1] = seizure_row(1, quantity="99", lon="106.80", lat="22.10", case_status="结案")
    result = ingest_file(places_store, write_csv(tmp_path / "week.csv", rows), geography, now=NOW)
    assert (result.accepted, result.updated, result.unchanged) == (0, 1, 2)

    after = stored(places_store).set_index("source_id")
    assert after.at["R-1", "seizure_id"] == before.at["R-1", "seizure_id"]
    assert (after.at["R-1", "quantity_kg"], after.at["R-1", "case_status"]) == (99.0, "closed")
    assert after.at["R-1", "h3_cell"] != before.at["R-1", "h3_cell"]
    history = stored(places_store, "SELECT * FROM seizure_history")
    assert len(history) == 1 and history.at[0, "import_id"] == result.import_id
    assert (history.at[0, "seizure_id"], history.at[0, "quantity_kg"], history.at[0, "h3_cell"]) == (
        before.at["R-1", "seizure_id"], before.at["R-1", "quantity_kg"], before.at["R-1", "h3_cell"])


def test_rows_without_an_id_are_found_again_by_their_content(tmp_path, places_store, geography):
    rows = [{k: v for k, v in seizure_row(i).items() if k != "编号"} for i in range(4)]
    ingest_file(places_store, write_csv(tmp_path / "东兴_1.csv", rows[:3]), geography, now=NOW)
    result = ingest_file(places_store, write_csv(tmp_path / "东兴_2.csv", rows), geography, now=NOW)
    assert (result.unchanged, result.accepted, result.source) == (3, 1, "东兴")


def _web_map_row(i: int) -> dict[str, str]:
    """A seizure row with an ``id`` key and its point in one 经纬度 cell, in either order."""
    row = {("id" if header == "编号" else header): value for header, value in seizure_row(i).items()}
    lon, lat = row.pop("经度"), row.pop("纬度")
    return {**row, "经纬度": f"{lon},{lat}" if i % 2 else f"{lat}，{lon}"}


def test_an_id_column_is_the_key_and_a_one_cell_point_is_split(tmp_path, places_store, geography):
    parsed = read_path(write_csv(tmp_path / "web.csv", [_web_map_row(i) for i in range(4)]))
    assert (parsed.columns["source_id"], parsed.columns["coordinates"]) == ("id", "经纬度") and not parsed.unmapped
    result = ingest(places_store, parsed, geography, now=NOW)
    assert (result.accepted, result.rejected) == (4, 0) and "no key column" not in result.summary()
    records = stored(places_store)
    assert records["source_id"].tolist() == [f"R-{i}" for i in range(4)]
    assert_allclose(records[["lon", "lat"]].to_numpy(),
                    [[float(seizure_row(i)[axis]) for axis in ("经度", "纬度")] for i in range(4)])
    again = ingest(places_store, read_path(write_csv(tmp_path / "web.csv", [_web_map_row(i) for i in range(4)])),
                   geography, now=NOW)
    assert (again.accepted, again.unchanged) == (0, 4)


def test_a_one_cell_point_that_fits_neither_order_is_refused_under_its_header(tmp_path, places_store, geography):
    rows = [_web_map_row(0), {**_web_map_row(1), "经纬度": "22,53"}]
    result = ingest(places_store, read_path(write_csv(tmp_path / "web.csv", rows)), geography, now=NOW)
    assert (result.accepted, result.by_reason) == (1, {"outside_area": 1})
    assert "(lon 22, lat 53)" in result.rejected_rows["reason"][0]


def test_a_file_without_a_key_column_says_so_and_its_re_import_stores_nothing_new(tmp_path, places_store, geography):
    rows = [{k: v for k, v in seizure_row(i).items() if k != "编号"} for i in range(3)]
    path = write_csv(tmp_path / "keyless.csv", rows)
    first = ingest_file(places_store, path, geography, now=NOW)
    before = stored(places_store)
    again = ingest_file(places_store, path, geography, now=NOW)
    assert (first.accepted, again.accepted, again.updated, again.unchanged) == (3, 0, 0, 3)
    pd.testing.assert_frame_equal(stored(places_store), before)
    assert "no key column" in first.summary() and not read_path(path).keyed


def test_a_record_twice_in_one_file_is_refused_the_second_time(tmp_path, places_store, geography):
    rows = [seizure_row(0), seizure_row(1), seizure_row(0, quantity="7")]
    result = ingest_file(places_store, write_csv(tmp_path / "dup.csv", rows), geography, now=NOW)
    assert (result.accepted, result.by_reason) == (2, {"duplicate": 1})
    assert "the same record (dup, R-0) is at line 2 above" in result.rejected_rows["reason"][0]


@pytest.mark.parametrize(("crs", "given", "wgs84", "tolerance"), CRS_CASES)
def test_each_coordinate_system_is_converted_to_wgs84(tmp_path, places_store, geography, crs, given, wgs84, tolerance):
    row = seizure_row(0, lon=repr(given[0]), lat=repr(given[1]), 口岸="", 渠道="快递")
    parsed = read_path(write_csv(tmp_path / f"{crs}.csv", [row]), crs=crs)
    assert ingest(places_store, parsed, geography, now=NOW).accepted == 1
    record = stored(places_store).iloc[0]
    assert_allclose((record["lon"], record["lat"]), wgs84, rtol=0, atol=tolerance + 1e-12)
    assert record["province_code"] == "110000"  # Beijing


def test_degrees_minutes_seconds_land_as_decimal_degrees(tmp_path, places_store, geography):
    row = seizure_row(0, lon="东经106°42′43.2″", lat="21°58′33.6″N")
    ingest_file(places_store, write_csv(tmp_path / "dms.csv", [row]), geography, now=NOW)
    assert_allclose(stored(places_store)[["lon", "lat"]].iloc[0], (106.712, 21.976), atol=1e-12)


def test_html_and_script_round_trip_unchanged(tmp_path, places_store, geography):
    hostile = "<script>alert(1)</script><img src=x onerror=\"alert('备注')\">&amp;"
    row = seizure_row(0, 备注=hostile, 申报品名="<b>锌精矿</b>")
    ingest_file(places_store, write_csv(tmp_path / "x.csv", [row]), geography, now=NOW)
    record = stored(places_store).iloc[0]
    assert (record["source_ref"], record["declared_as"]) == (hostile, "<b>锌精矿</b>")


def test_a_huge_field_refuses_its_row_with_the_limit(tmp_path, places_store, geography):
    rows = [seizure_row(0), seizure_row(1, 备注="长" * 10_000)]
    result = ingest_file(places_store, write_csv(tmp_path / "x.csv", rows), geography, now=NOW)
    assert (result.accepted, result.by_reason) == (1, {"too_long": 1})
    assert "note (备注) is 10,000 characters long, more than the 500 allowed" in result.rejected_rows["reason"][0]


def test_checkpoints_are_imported_and_updated_with_history(tmp_path, places_store, geography):
    rows = [{"口岸编码": "nanxi", "中文名": "南溪", "英文名": "Nanxi", "类型": "二类口岸", "经度": "106.62",
             "纬度": "23.90", "对方国家": "越南", "查获单位": "海关"}]
    parsed = read_path(write_csv(tmp_path / "ports.csv", rows), kind="checkpoints")
    assert ingest(places_store, parsed, geography, now=NOW).accepted == 1
    rows[0]["英文名"] = "Nanxi crossing"
    result = ingest_file(places_store, write_csv(tmp_path / "ports.csv", rows), geography, kind="checkpoints",
                         now=NOW)
    assert result.updated == 1
    port = stored(places_store, "SELECT * FROM checkpoints WHERE checkpoint_id = 'nanxi'").iloc[0]
    assert (port["name_en"], port["kind"], port["counterpart_iso3"], port["province_code"]) == (
        "Nanxi crossing", "land_port_class2", "VNM", "450000")  # (a made-up port, placed in Baise)
    assert stored(places_store, "SELECT name_en FROM checkpoint_history")["name_en"].tolist() == ["Nanxi"]
    assert "nanxi" in known_places(places_store).checkpoints.values()


def test_hubs_are_imported_and_a_hub_in_no_country_is_refused(tmp_path, places_store, geography):
    rows = [{"加工点编码": "baise", "中文名": "百色", "类型": "冶炼厂", "矿种": "镓；锗", "经度": "106.62", "纬度": "23.90",
             "风险等级": "2", "是否持证": "否"},
            {"加工点编码": "at_sea", "中文名": "海上", "类型": "集散地", "矿种": "Sb", "经度": "112.0", "纬度": "15.0"}]
    result = ingest_file(places_store, write_csv(tmp_path / "hubs.csv", rows), geography, kind="hubs", now=NOW)
    assert (result.accepted, result.by_reason) == (1, {"not_located": 1})
    hub = stored(places_store, "SELECT * FROM processing_hubs WHERE hub_id = 'baise'").iloc[0]
    assert (list(hub["item_groups"]), hub["country_iso3"], hub["risk_tier"], hub["licensed"], hub["name_en"]) == (
        ["Ga", "Ge"], "CHN", 2, False, "百色")


@pytest.mark.parametrize(("kind", "table", "key", "row"), [
    ("checkpoints", "checkpoints", "checkpoint_id",
     {"checkpoint_id": "nanxi", "name_zh": "南溪", "name_en": "Nanxi", "kind": "land_port_class2", "lon": "106.62",
      "lat": "23.90", "counterpart_iso3": "VNM", "agency": "customs"}),
    ("hubs", "processing_hubs", "hub_id",
     {"hub_id": "baise", "name_zh": "百色", "kind": "smelter_refinery", "item_groups": "Ga", "lon": "106.62",
      "lat": "23.90"}),
])
def test_a_place_file_with_english_headers_takes_its_id_column_as_the_record_id(tmp_path, places_store, geography,
                                                                                kind, table, key, row):
    parsed = read_path(write_csv(tmp_path / f"{kind}.csv", [row]), kind=kind)
    assert parsed.columns[key] == key and key not in parsed.unmapped
    assert ingest(places_store, parsed, geography, now=NOW).accepted == 1
    assert row[key] in stored(places_store, f"SELECT {key} FROM {table}")[key].tolist()
    seizure = {("checkpoint_id" if header == "口岸" else header): value for header, value in seizure_row(0).items()}
    seizures = read_path(write_csv(tmp_path / "seizures.csv", [seizure]))
    assert seizures.columns["checkpoint"] == "checkpoint_id"  # in a seizures file: the checkpoint it refers to


def test_the_upload_api_previews_and_checks_without_writing(tmp_path, places_store, geography):
    rows = [seizure_row(0), seizure_row(1, 数量="-3"), seizure_row(2)]
    data = write_csv(tmp_path / "upload.csv", rows, "gbk").read_bytes()
    parsed = read_upload("upload.csv", data, kind="seizures", crs="wgs84")
    assert parsed.encoding == "gb18030" and parsed.preview(2)["line"].tolist() == [2, 3]
    verdicts = check(parsed, geography, known_places(places_store), NOW).verdicts
    assert verdicts["line"].tolist() == [2, 3, 4] and verdicts["ok"].tolist() == [True, False, True]
    assert "out of range" in verdicts["reason"][1]
    assert stored(places_store).empty


def test_the_command_line_imports_each_file_and_reports_errors_by_file(tmp_path, places_store, capsys):
    good = write_csv(tmp_path / "good.csv", [seizure_row(0), seizure_row(1, 渠道="飞船")])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["ingest", "--db", str(places_store.path), str(empty), str(good)]) == 2
    captured = capsys.readouterr()
    assert "error: empty.csv is empty (0 bytes)" in captured.err
    assert "good.csv (seizures, utf-8, source 'good'): 2 rows — 1 new, 0 updated, 0 unchanged, 1 rejected" in captured.out
    assert "rejected, unknown: 1" in captured.out and "查获时间 → occurred_at" in captured.out
    from queries.access import read_audit

    imported = read_audit(places_store, kind="import")  # the file that landed, with who ran it
    assert len(imported) == 1 and imported["source"].iloc[0] == "cli"
    assert json.loads(imported["details"].iloc[0])["file"] == "good.csv"


def test_a_bad_mapping_is_an_error_naming_the_key(tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nwhen = ["日期"]\n', encoding="utf-8")
    with pytest.raises(IngestError, match="m.toml: \\[columns\\] has an unknown field 'when'"):
        read_upload("x.csv", "日期\n2025-01-01\n".encode(), mapping=mapping)
    mapping.write_text('source = "东兴海关"\n[columns]\nsource_ref = ["说明", "案情"]\n[values.channel]\n'
                       'unofficial_path = ["小路"]\n', encoding="utf-8")
    parsed = read_upload("x.csv", "案情,渠道\n好,小路\n".encode(), mapping=mapping)
    assert parsed.columns == {"channel": "渠道", "source_ref": "案情"} and parsed.source == "东兴海关"
    assert parsed.mapping.values["channel"]["小路"] == "unofficial_path"


def test_the_import_run_records_its_file_and_times(tmp_path, places_store, geography):
    path = write_csv(tmp_path / "run.csv", [seizure_row(0)])
    result = ingest_file(places_store, path, geography, crs="gcj02", now=datetime(2026, 1, 1, 12, 0))
    run = stored(places_store, "SELECT * FROM imports").iloc[0]
    assert (run["import_id"], run["crs"], run["mapping"], run["format"], run["file_bytes"]) == (
        result.import_id, "gcj02", "default", "csv", path.stat().st_size)
    assert run["started_at"] == pd.Timestamp("2026-01-01 12:00") and len(run["file_sha256"]) == 64


def web_map_rows_without_agency(count: int) -> list[dict[str, str]]:
    """Seizure rows as the issue's third file has them: the point in one 经纬度 cell as a web map copies it
    ("106.74,22.53"), no agency column and no key column."""
    left_out = ("编号", "查获单位", "经度", "纬度")
    return [{**{header: value for header, value in seizure_row(i).items() if header not in left_out},
             "经纬度": "106.74,22.53"} for i in range(count)]


def test_coordinates_are_lacking_only_where_no_column_gives_the_point_or_names_the_place(tmp_path):
    rows = [{header: value for header, value in seizure_row(i).items() if header not in ("经度", "纬度", "查获单位")}
            for i in range(2)]
    assert read_path(write_csv(tmp_path / "named.csv", rows)).unfilled == ("agency",)  # placed by its 口岸
    unplaced = [{header: value for header, value in row.items() if header != "口岸"} for row in rows]
    assert read_path(write_csv(tmp_path / "unplaced.csv", unplaced)).unfilled == ("lon", "lat", "agency")


def test_a_value_for_the_whole_file_is_given_once_on_the_command_line(tmp_path, places_store, capsys):
    # a post's sheet without an agency column: refused whole, unless the command says whose it is
    path = write_csv(tmp_path / "no_agency.csv", web_map_rows_without_agency(3))
    assert read_path(path).unfilled == ("agency",)  # the one-cell point gives lon and lat
    assert main(["ingest", "--db", str(places_store.path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "0 new" in out and stored(places_store).empty
    assert ("no column gives the agency, so every row is refused: give it once for the whole file with "
            "--set agency=VALUE (VALUE one of customs, public_security, state_security, postal, border_defence)") in out
    assert main(["ingest", "--db", str(places_store.path), str(path), "--set", "agency=海关"]) == 0
    out = capsys.readouterr().out
    assert "3 new" in out and "--set" not in out
    assert stored(places_store)["agency"].tolist() == ["customs"] * 3
    assert main(["ingest", "--db", str(places_store.path), str(path), "--set", "agancy=customs"]) == 2
    assert "--set names unknown fields ['agancy']" in capsys.readouterr().err
