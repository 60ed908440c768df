"""Files laid out as people draw them (issue 17, items 1 and 2): a header over two rows with its group
cells merged, a serial-number column, totals rows, blank rows and notes under the table, and a workbook
of one sheet per month, every sheet read and reported on its own."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from queries.ingest import IngestError, Limits, check, ingest, known_places, read_path, read_upload
from tests.queries.ingest_fixtures import NOW, geography, places_store  # noqa: F401 (fixtures)

COLUMNS = ["序号", "编号", "查获日期", "查获地点", None, "物品", "数量", "渠道", "口岸", "查获单位"]


def _month(sheet, month: int, rows: list[list]) -> None:
    """A month's sheet as a customs post draws it: a title, a header over two rows (查获地点 merged
    over 经度 and 纬度, the other header cells merged down), numbered rows, a 合计 row, a blank row,
    a note and who filled it in."""
    sheet.title = f"2025年{month}月"
    sheet.append([f"东兴海关2025年{month}月战略矿产查获情况表"])
    sheet.merge_cells("A1:J1")
    sheet.append(COLUMNS)
    sheet.append([None, None, None, "经度", "纬度", None, None, None, None, None])
    for column in "ABCFGHIJ":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("D2:E2")
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append(["合计", None, None, None, None, None, f"{len(rows)}批", None, None])
    sheet.append([])
    sheet.append(["注：数量以海关称重为准"])
    sheet.append(["填表人：张三", None, None, None, "制表日期：2025.05.06"])


def _row(key: str, day: str, quantity: str) -> list:
    return [key, day, 106.712, 21.976, "锑精矿", quantity, "陆路口岸", "友谊关", "凭祥海关"]


MARCH = [_row("R-1", "2025.03.04", "1.2吨"), _row("R-2", "2025.03.09", "350公斤"), _row("R-3", "2025.03.15", "800克")]
APRIL = [_row("R-4", "2025.04.02", "2吨"), _row("R-5", "2025.04.20", "15公斤")]


def _workbook(*months: tuple[int, list[list]], empty: str | None = None) -> bytes:
    book = Workbook()
    for i, (month, rows) in enumerate(months):
        _month(book.active if i == 0 else book.create_sheet(), month, rows)
    if empty:
        book.create_sheet(empty)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_probes_workbook_imports_every_row_of_both_sheets(places_store, geography):  # noqa: F811
    parsed = read_upload("东兴海关2025.xlsx", _workbook((3, MARCH), (4, APRIL)))
    table = parsed.table
    assert list(table.frame.columns) == ["编号", "查获日期", "经度", "纬度", "物品", "数量", "渠道", "口岸", "查获单位"]
    assert parsed.columns["lon"] == "经度" and parsed.columns["lat"] == "纬度"
    assert table.groups == {"经度": "查获地点", "纬度": "查获地点"} and table.serial == ["序号"]
    assert [(s.name, s.rows, s.ragged) for s in table.sheets] == [("2025年3月", 3, 0), ("2025年4月", 2, 0)]
    assert [kind for _, kind, _ in table.sheets[1].passed_over] == ["total", "note", "note"]
    assert table.sheets[1].passed_over[0] == (6, "total", "合计 2批") and table.ragged == {}
    assert [table.where(line) for line in table.lines] == [
        "sheet '2025年3月' row 4", "sheet '2025年3月' row 5", "sheet '2025年3月' row 6",
        "sheet '2025年4月' row 4", "sheet '2025年4月' row 5"]
    assert table.sheet_of(table.lines).tolist() == ["2025年3月"] * 3 + ["2025年4月"] * 2
    assert parsed.preview(4)[["sheet", "row", "编号"]].values.tolist() == [
        ["2025年3月", 4, "R-1"], ["2025年3月", 5, "R-2"], ["2025年3月", 6, "R-3"], ["2025年4月", 4, "R-4"]]
    checked = check(parsed, geography, known_places(places_store), NOW)
    assert checked.rejected.empty and checked.records["source_id"].tolist() == ["R-1", "R-2", "R-3", "R-4", "R-5"]
    assert checked.records["quantity_kg"].tolist() == [1200.0, 350.0, 0.8, 2000.0, 15.0]
    assert checked.sheets.to_dict("records")[1] == {
        "sheet": "2025年4月", "rows": 2, "ok": 2, "refused": 0,
        "passed_over": "row 6 “合计 2批”; row 8 “注：数量以海关称重为准”; row 9 “填表人：张三 制表日期：2025.05.06”"}
    result = ingest(places_store, parsed, geography, now=NOW)
    assert (result.rows_read, result.accepted, result.rejected) == (5, 5, 0)
    assert "  sheet '2025年3月': 3 rows, 3 ok, 0 rejected; passed over: row 7 “合计 3批”" in result.summary()


def test_refusals_say_their_sheet(places_store, geography):  # noqa: F811
    april = [_row("R-4", "2025.04.02", "2吨"), _row("R-5", "not a date", "15公斤")]
    parsed = read_upload("posts.xlsx", _workbook((3, MARCH[:1]), (4, april)))
    checked = check(parsed, geography, known_places(places_store), NOW)
    batch = checked.batches[checked.batches["field"] == "occurred_at"].iloc[0]
    assert batch["lines"] == "sheet '2025年4月' row 5"
    assert checked.rejected["line"].map(parsed.table.where).tolist() == ["sheet '2025年4月' row 5"]
    assert checked.sheets[["sheet", "rows", "ok", "refused"]].values.tolist() == [["2025年3月", 1, 1, 0],
                                                                                ["2025年4月", 2, 1, 1]]
    ingest(places_store, parsed, geography, now=NOW)
    with places_store.reading() as con:  # stored as a person finds it
        assert con.execute("SELECT sheet, line FROM rejected_rows").fetchall() == [("2025年4月", 5)]


def test_a_record_repeated_on_another_sheet_is_refused_with_the_sheet_it_is_on(places_store, geography):  # noqa: F811
    parsed = read_upload("posts.xlsx", _workbook((3, MARCH[:1]), (4, MARCH[:1])))
    reason = check(parsed, geography, known_places(places_store), NOW).rejected["reason"].tolist()
    assert reason == ["the same record (posts, R-1) is at sheet '2025年3月' row 4 above; each record once"]


def test_only_the_sheets_named_are_read(tmp_path):
    data = _workbook((3, MARCH), (4, APRIL))
    april = read_upload("posts.xlsx", data, sheets=["2025年4月"]).table
    assert april.frame["编号"].tolist() == ["R-4", "R-5"] and [s.name for s in april.sheets] == ["2025年4月"]
    assert april.lines.tolist() == [4, 5] and april.where(4) == "row 4"
    path = tmp_path / "posts.xlsx"
    path.write_bytes(data)
    assert read_path(path, sheets=["2025年3月"]).table.frame["编号"].tolist() == ["R-1", "R-2", "R-3"]
    with pytest.raises(IngestError, match=r"posts.xlsx has no sheet named '5月'; its sheets are '2025年3月', '2025年4月'"):
        read_upload("posts.xlsx", data, sheets=["5月"])
    with pytest.raises(IngestError, match=r"x.csv is a csv file, without sheets"):
        read_upload("x.csv", "编号,物品\nR-1,锑\n".encode(), sheets=["5月"])


def test_an_empty_sheet_is_reported_not_skipped_without_a_word():
    table = read_upload("posts.xlsx", _workbook((3, MARCH), empty="说明")).table
    assert [(s.name, s.rows) for s in table.sheets] == [("2025年3月", 3), ("说明", 0)]


def test_each_sheet_is_held_to_the_sheet_limit_and_the_workbook_to_the_file_limit():
    data = _workbook((3, MARCH), (4, APRIL))
    with pytest.raises(IngestError, match=r"posts.xlsx, sheet '2025年3月': more than 4 rows under its header"):
        read_upload("posts.xlsx", data, limits=Limits(max_sheet_rows=4))
    with pytest.raises(IngestError, match=r"posts.xlsx has more than 10 rows under its header"):
        read_upload("posts.xlsx", data, limits=Limits(max_rows=10, max_sheet_rows=10))
    assert len(read_upload("posts.xlsx", data, limits=Limits(max_sheet_rows=6)).table.frame) == 5


def test_a_header_over_two_rows_in_a_csv_names_each_column_by_its_lowest_cell():
    text = "查获情况表,,,,\n编号,查获时间,查获地点,,物品\n,,经度,纬度,\nR-1,2025-03-04,106.7,21.9,锑\n"
    table = read_upload("x.csv", text.encode()).table
    assert list(table.frame.columns) == ["编号", "查获时间", "经度", "纬度", "物品"]
    assert table.groups == {"经度": "查获地点", "纬度": "查获地点"} and table.lines.tolist() == [4]


def test_a_first_data_row_is_not_taken_for_more_header():
    numbers = read_upload("x.csv", "编号,查获地点,,物品\nR-1,106.7,21.9,锑\n".encode()).table
    assert numbers.lines.tolist() == [2] and list(numbers.frame.columns) == ["编号", "查获地点", "column 3", "物品"]
    full = read_upload("y.csv", "编号,,物品\nR-1,x,锑\n".encode()).table
    assert full.lines.tolist() == [2] and full.groups == {}
    loose = read_upload("z.csv", "编号,物品,,备注\nR-1,锑,x,\n".encode()).table
    assert loose.lines.tolist() == [2] and loose.frame["column 3"].tolist() == ["x"]


@pytest.mark.parametrize("serial", ["序号", "No.", "no"])
def test_a_serial_number_column_is_not_read(serial):
    table = read_upload("x.csv", f"{serial},编号,物品\n1,R-1,锑\n2,R-2,镓\n".encode()).table
    assert list(table.frame.columns) == ["编号", "物品"] and table.serial == [serial]
    assert table.frame["编号"].tolist() == ["R-1", "R-2"]


@pytest.mark.parametrize("total", ["合计", "小计", "总 计", "Total", "Subtotal:"])
def test_totals_rows_blank_rows_and_notes_are_passed_over_with_their_lines(total):
    text = f"编号,物品,数量\nR-1,锑,3\n{total},,3\n\n注：单位为千克,,\n填表人：张三,,\n制表日期：2025.03.31\n"
    table = read_upload("x.csv", text.encode()).table
    assert table.frame["编号"].tolist() == ["R-1"] and table.lines.tolist() == [2] and table.ragged == {}
    assert table.passed_over == [(3, "total", f"{total} 3"), (5, "note", "注：单位为千克"),
                                 (6, "note", "填表人：张三"), (7, "note", "制表日期：2025.03.31")]


def test_a_row_that_only_mentions_a_total_further_along_is_data():
    table = read_upload("x.csv", "编号,物品,备注\nR-1,锑,合计两批\nR-2,Totalmix,x\n".encode()).table
    assert table.frame["编号"].tolist() == ["R-1", "R-2"] and table.passed_over == []


def test_the_command_line_reads_the_sheets_named_with_sheet(tmp_path, capsys):
    from queries.__main__ import main

    path = tmp_path / "东兴海关2025.xlsx"
    path.write_bytes(_workbook((3, MARCH), (4, APRIL)))
    assert main(["ingest", "--db", str(tmp_path / "c.duckdb"), str(path), "--sheet", "2025年4月"]) == 0
    assert ": 2 rows — " in capsys.readouterr().out
    assert main(["ingest", "--db", str(tmp_path / "c.duckdb"), str(path), "--sheet", "2025年3月",
                 "--sheet", "2025年4月"]) == 0
    assert ": 5 rows — " in capsys.readouterr().out
    assert main(["ingest", "--db", str(tmp_path / "c.duckdb"), str(path), "--sheet", "5月"]) == 2
    assert "has no sheet named '5月'" in capsys.readouterr().err


def test_a_regular_csv_with_a_totals_row_is_read_row_by_row_so_the_total_is_passed_over():
    table = read_upload("x.csv", "编号,物品,数量\nR-1,锑,3\nR-2,镓,4\n 合计,,7\n".encode()).table
    assert table.frame["编号"].tolist() == ["R-1", "R-2"] and table.passed_over == [(4, "total", "合计 7")]
