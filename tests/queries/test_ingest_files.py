"""Reading import files: CSV encodings, Excel, GeoJSON, (Geo)Parquet, line numbers, and hostile files
(empty, binary, a zip bomb, a 1 GB file, a huge field), each refused with a clear error at a bounded cost."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from queries.ingest import IngestError, Limits, read_path, read_upload
from tests.dashboard.test_pages_name_codes import LATIN_WORD, english_words
from tests.queries.ingest_fixtures import seizure_row, write_csv


@pytest.mark.parametrize(("encoding", "detected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                    ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_csv_encodings_are_detected(tmp_path, encoding, detected):
    path = write_csv(tmp_path / "东兴海关.csv", [seizure_row(0), seizure_row(1, 备注="走私锑矿，藏于货物")], encoding)
    parsed = read_path(path)
    assert parsed.encoding == detected
    assert list(parsed.table.frame.columns)[:3] == ["编号", "查获时间", "经度"]
    assert parsed.table.frame["备注"].tolist() == ["row 0", "走私锑矿，藏于货物"]
    assert parsed.columns["source_ref"] == "备注" and parsed.unmapped == []


def test_text_in_no_known_encoding_is_refused_with_its_line():
    data = "编号,物品\nR-1,锑\n".encode() + b"R-2,\x80\x80\x81\n"
    with pytest.raises(IngestError, match=r"x.csv is neither UTF-8 nor GB18030/GBK text .* at line 3"):
        read_upload("x.csv", data)


def test_line_numbers_count_as_a_person_does(tmp_path):
    text = "编号,物品,备注\n\nR-1,锑,\"two\nlines\"\nR-2,镓,ok\n,,\nR-3,锗,x,extra\n"
    parsed = read_upload("lines.csv", text.encode())
    assert parsed.table.lines.tolist() == [3, 5]
    assert parsed.table.ragged == {7: (4, ["R-3", "锗", "x", "extra"])}
    assert parsed.table.frame["备注"].tolist() == ["two\nlines", "ok"]


def test_tab_and_semicolon_separated_files_are_read():
    assert read_upload("t.tsv", "编号\t物品\nR-1\t锑\n".encode()).table.frame["物品"].tolist() == ["锑"]
    assert read_upload("s.csv", "编号;物品\nR-1;锑\n".encode()).table.frame["物品"].tolist() == ["锑"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.csv", b"", "empty.csv is empty \\(0 bytes\\)"),
    ("blank.csv", b"\n \n", "blank.csv has no header and no rows"),
    ("header.csv", "编号,物品\n".encode(), "header.csv has no rows under its header"),
    ("junk.csv", bytes(range(256)) * 4, "junk.csv holds NUL bytes at line 1: it is binary"),
    ("bell.csv", b"a,b\n\x07,c\n", "bell.csv holds a control character at line 2"),
    ("wide.csv", "编号\n".encode("utf-16"), "wide.csv is UTF-16 text; save it as CSV UTF-8"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "Cordon cannot read .xls \\(save it as .xlsx or CSV\\)"),
    ("dup.csv", "编号,编号\n1,2\n".encode(), "dup.csv line 1: the header names 编号 more than once"),
    ("nothing.csv", b"foo,bar\n1,2\n", "none of its headers \\(foo, bar\\) is one the mapping"),
])
def test_unreadable_files_get_a_clear_error_naming_them(name, data, message):
    with pytest.raises(IngestError, match=message) as raised:
        read_upload(name, data)
    chinese = raised.value.say("zh")  # the Import page's reader's words: Chinese but for the file's own
    own = {*LATIN_WORD.findall(f"{name} {data.decode('utf-8', 'ignore')}"), "default"}  # ("default": the mapping's name)
    assert re.search("[\u4e00-\u9fff]", chinese) and set(english_words(chinese)) <= own, chinese


def test_a_huge_field_is_read_whole_or_named_by_its_line():
    data = ("编号,备注\nR-1,ok\nR-2," + "x" * 200_000 + "\n").encode()
    assert read_upload("big.csv", data).table.frame["备注"].str.len().tolist() == [2, 200_000]  # refused later
    irregular = data.replace(b"R-1", b"\nR-1")  # a blank line: read record by record, within csv's field limit
    with pytest.raises(IngestError, match="big.csv line 4: field larger than field limit"):
        read_upload("big.csv", irregular)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as stream:
        stream.truncate(2**30)  # 1 GB, sparse: nothing to read, nothing read
    with pytest.raises(IngestError, match=r"huge.csv is 1,024.0 MB, more than the import limit of 512.0 MB"):
        read_path(huge)
    with pytest.raises(IngestError, match="more than the import limit of 1,024 bytes"):
        read_upload("small.csv", b"x" * 2000, limits=Limits(max_bytes=1024))


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for values in rows:
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_excel_workbook_is_read_with_its_dates_numbers_and_row_numbers():
    data = _xlsx([["编号", "查获时间", "经度", "纬度", "数量", "单位"],
                  ["R-1", datetime(2025, 3, 4, 14, 5), 106.712, 21.976, 12, "kg"],
                  [None, None, None, None, None, None],
                  ["R-2", datetime(2025, 3, 5), 106.7, 21.9, 1.5, "吨"]])
    parsed = read_upload("posts.xlsx", data)
    frame = parsed.table.frame
    assert parsed.table.lines.tolist() == [2, 4] and parsed.table.line_word == "row"
    assert frame["查获时间"].tolist() == ["2025-03-04 14:05:00", "2025-03-05"]
    assert frame["数量"].tolist() == ["12", "1.5"] and frame["经度"].tolist() == ["106.712", "106.7"]


def test_title_rows_above_the_header_are_passed_over_and_kept_with_their_lines():
    text = "东兴海关2025年3月查获情况表,,,\n统计时间：2025-03-31,,,\n\n编号,物品,经度,纬度\nR-1,锑,106.7,21.9\n"
    table = read_upload("东兴海关.csv", text.encode("gbk")).table
    assert table.titles == [(1, "东兴海关2025年3月查获情况表"), (2, "统计时间：2025-03-31")]
    assert list(table.frame.columns) == ["编号", "物品", "经度", "纬度"] and table.lines.tolist() == [5]
    tabbed = read_upload("t.tsv", "东兴海关查获情况\n编号\t物品\nR-1\t锑\n".encode()).table
    assert tabbed.titles == [(1, "东兴海关查获情况")] and tabbed.frame["物品"].tolist() == ["锑"]
    sheet = read_upload("posts.xlsx", _xlsx([["河口口岸查获台账", None, None], [None, None, None],
                                             ["编号", "物品", "经度"], ["R-1", "锑", 103.9]])).table
    assert sheet.titles == [(1, "河口口岸查获台账")] and sheet.lines.tolist() == [4]


def test_a_one_column_file_is_not_taken_for_titles():
    table = read_upload("ids.csv", "编号\nR-1\nR-2\n".encode()).table
    assert table.titles == [] and table.frame["编号"].tolist() == ["R-1", "R-2"]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_its_unpacked_size_and_entry_count_before_opening():
    bomb = _zip({"xl/worksheets/sheet1.xml": b"\0" * (20 * 2**20)})
    assert len(bomb) < 100_000
    with pytest.raises(IngestError, match="bomb.xlsx unpacks to 20.0 MB, more than the limit of 10.0 MB"):
        read_upload("bomb.xlsx", bomb, limits=Limits(max_workbook_bytes=10 * 2**20))
    many = _zip({f"part{i}.xml": b"x" for i in range(1001)})
    with pytest.raises(IngestError, match="many.xlsx holds 1,001 parts, more than the 1,000"):
        read_upload("many.xlsx", many)
    with pytest.raises(IngestError, match="not a zip archive"):
        read_upload("fake.xlsx", b"just text")


def test_geojson_points_give_lon_and_lat_and_other_geometries_say_so():
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.712, 21.976]},
         "properties": {"编号": "G-1", "物品": "锑", "数量": 3}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
         "properties": {"编号": "G-2", "物品": "镓"}},
    ]}
    parsed = read_upload("points.geojson", json.dumps(document, ensure_ascii=False).encode())
    frame = parsed.table.frame
    assert frame["lon"].tolist() == ["106.712", "(a Polygon geometry, not a point)"]
    assert frame["数量"].tolist()[0] == "3" and parsed.table.line_word == "feature"
    with pytest.raises(IngestError, match="not a GeoJSON FeatureCollection"):
        read_upload("list.geojson", b"[1, 2]")


def test_parquet_keeps_its_types_and_geoparquet_gives_lon_and_lat(tmp_path):
    frame = pd.DataFrame({"编号": ["P-1", "P-2"], "查获时间": pd.to_datetime(["2025-03-04 14:05", "2025-03-05 00:00"]),
                          "数量": [12.5, 3.0]})
    frame.to_parquet(tmp_path / "plain.parquet")
    parsed = read_path(tmp_path / "plain.parquet")
    assert parsed.table.frame["数量"].dtype == float and parsed.table.line_word == "record"
    geo = gpd.GeoDataFrame(frame, geometry=shapely.points([106.712, 106.7], [21.976, 21.9]), crs="EPSG:4326")
    geo.to_parquet(tmp_path / "geo.parquet")
    located = read_path(tmp_path / "geo.parquet").table.frame
    assert located["lon"].tolist() == [106.712, 106.7] and located["lat"].tolist() == [21.976, 21.9]
    assert "geometry" not in located
    with pytest.raises(IngestError, match="not a Parquet file"):
        read_upload("bad.parquet", b"PAR1 not really")


def test_row_limits_come_from_the_environment_and_a_bad_one_is_named():
    limits = Limits.from_env({"CORDON_IMPORT_MAX_ROWS": "5000", "CORDON_IMPORT_MAX_SHEET_ROWS": " "}, max_bytes=10)
    assert (limits.max_rows, limits.max_sheet_rows, limits.max_bytes) == (5000, Limits().max_sheet_rows, 10)
    with pytest.raises(ValueError, match="CORDON_IMPORT_MAX_SHEET_ROWS must be a whole number, got '1e5'"):
        Limits.from_env({"CORDON_IMPORT_MAX_SHEET_ROWS": "1e5"})
    with pytest.raises(ValueError, match="CORDON_IMPORT_MAX_ROWS must be more than 0"):
        Limits.from_env({"CORDON_IMPORT_MAX_ROWS": "0"})


def test_geojson_and_parquet_past_the_row_limit_are_refused(tmp_path):
    limits = Limits(max_rows=2)
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.7, 21.9]},
                 "properties": {"编号": f"G-{i}"}} for i in range(3)]
    document = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    with pytest.raises(IngestError, match="points.geojson has more than 2 rows under its header"):
        read_upload("points.geojson", document, limits=limits)
    pd.DataFrame({"编号": ["P-1", "P-2", "P-3"]}).to_parquet(tmp_path / "three.parquet")
    with pytest.raises(IngestError, match="three.parquet has more than 2 rows under its header"):  # as declared
        read_path(tmp_path / "three.parquet", limits=limits)
    assert len(read_path(tmp_path / "three.parquet", limits=Limits(max_rows=3)).table.frame) == 3


def test_a_header_or_a_sheet_row_wider_than_an_import_reads_is_refused():
    with pytest.raises(IngestError, match="wide.csv: its header has 4 columns, more than the 3 an import reads"):
        read_upload("wide.csv", "编号,物品,经度,纬度\nR-1,锑,106.7,21.9\n".encode(), limits=Limits(max_columns=3))
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.active.append(["编号", "物品"])
    book.active.append(["R-1", "锑"])
    book.active.cell(row=2, column=12).font = Font(bold=True)  # an empty cell far right, as Excel may keep one
    buffer = io.BytesIO()
    book.save(buffer)
    far = read_upload("far.xlsx", buffer.getvalue(), limits=Limits(max_columns=3)).table
    assert list(far.frame.columns) == ["编号", "物品"] and far.frame["物品"].tolist() == ["锑"]
    with pytest.raises(IngestError, match="far.xlsx, sheet 'Sheet' row 2: a value right of column 3"):
        read_upload("far.xlsx", _xlsx([["编号", "物品"], ["R-1", "锑", None, "x"]]), limits=Limits(max_columns=3))


def test_the_lower_of_the_file_and_sheet_limits_bounds_a_sheet_and_its_message_says_which():
    data = _xlsx([["编号", "物品"], *[[f"R-{i}", "锑"] for i in range(4)]])
    with pytest.raises(IngestError, match="posts.xlsx has more than 3 rows under its header, the import limit for a file"):
        read_upload("posts.xlsx", data, limits=Limits(max_rows=3, max_sheet_rows=10))
    with pytest.raises(IngestError, match="posts.xlsx, sheet 'Sheet': more than 3 rows .* for a worksheet"):
        read_upload("posts.xlsx", data, limits=Limits(max_rows=10, max_sheet_rows=3))
