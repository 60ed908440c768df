"""The party columns real files carry (issue 21, items 1 and 8): a post's sheet as drawn (title, a header over two
rows with 当事人信息 merged over its columns, quantities with their units in the cells, free text) lands identity
numbers (a resident's checked, a passport's loosely), two phone numbers in one cell, a consignee's address, and
reads 无牌 and 不详 as blank; a mistyped identity number refuses its row with the reason in both languages; on both
stores."""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from stdnum.cn import ric

from queries.ingest import ingest_file, validate_row
from queries.parties import mentions
from tests.queries.ingest_fixtures import NOW, rules
from tests.queries.test_parties import places_store, read  # noqa: F401 (fixture)

RESIDENT_ID = "450102199001011231"  # Nanning's Xingning district, born 1990-01-01; check character computed
MISTYPED_ID = RESIDENT_ID[:-1] + "2"
PASSPORT = "C1234567"
HEADER = ["序号", "编号", "查获日期", "经度", "纬度", "物品", "数量", "渠道", "口岸", "查获单位", "当事人信息", None, None,
          "车牌号", "收货地址", "备注"]
UNDER = [None] * 10 + ["当事人", "身份证号", "联系电话"] + [None] * 3


def _row(key: str, person: str, number: str, phones: str, plate: str, address: str, note: str) -> list:
    return [key, "2025.03.04", 106.712, 21.976, "锑精矿", "1.2吨", "陆路口岸", "友谊关", "凭祥海关", person, number,
            phones, plate, address, note]


ROWS = [
    _row("R-1", "黄某明", RESIDENT_ID, "13800000000/0771-1234567", "无牌", "越南谅山省同登镇",
         "司机称货物为建材，未申报；现场查获"),
    _row("R-2", "NGUYEN VAN AN", PASSPORT, "139 0000 0000", "桂F·3A721", "不详", "旅客随身携带"),
    _row("R-3", "韦某林", MISTYPED_ID, "-", "/", "", "证件号码待核实"),
]


def _sheet(path):
    """A post's month as it draws it: a title over the table, a header over two rows, numbered rows, a note."""
    book = Workbook()
    sheet = book.active
    sheet.append(["凭祥海关缉私分局2025年3月战略矿产查获登记表"])
    sheet.merge_cells("A1:P1")
    sheet.append(HEADER)
    sheet.append(UNDER)
    for column in "ABCDEFGHIJNOP":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("K2:M2")
    for number, row in enumerate(ROWS, start=1):
        sheet.append([number, *row])
    sheet.append(["注：当事人信息仅限办案使用"])
    book.save(path)
    return path


PARTIES = """SELECT s.source_id, l.role, p.kind, p.value, p.party_key, p.sensitive_id_number
             FROM seizure_parties l JOIN parties p USING (party_id) JOIN seizures s USING (seizure_id)
             ORDER BY s.source_id, l.role, p.value"""


def test_a_posts_sheet_lands_identity_numbers_phones_and_addresses(tmp_path, places_store, geography):  # noqa: F811
    result = ingest_file(places_store, _sheet(tmp_path / "凭祥海关2025年3月.xlsx"), geography, now=NOW)
    assert (result.accepted, result.rejected) == (2, 1)
    reason = result.rejected_rows["reason"][0]
    assert MISTYPED_ID in reason and "check character (the 18th) should be 1" in reason

    links = read(places_store, PARTIES)
    first = links[links["source_id"] == "R-1"]
    assert first[["role", "kind", "value"]].values.tolist() == [
        ["consignee", "address", "越南谅山省同登镇"], ["contact", "phone", "07711234567"],
        ["contact", "phone", "13800000000"], ["suspect", "person", "黄某明"]]  # 无牌: no vehicle
    person = first[first["kind"] == "person"].iloc[0]
    assert person["sensitive_id_number"] == RESIDENT_ID
    assert person["party_key"].startswith("id:") and RESIDENT_ID not in person["party_key"]
    second = links[links["source_id"] == "R-2"].set_index("kind")
    assert second.loc["person", "sensitive_id_number"] == PASSPORT and second.loc["person", "value"] == "NGUYEN VAN AN"
    assert second.loc["vehicle", "value"] == "桂F3A721" and second.loc["phone", "value"] == "13900000000"
    assert "address" not in second.index  # 不详
    quantities = read(places_store, "SELECT source_id, quantity_kg FROM seizures ORDER BY source_id")
    assert quantities["quantity_kg"].tolist() == [1200.0, 1200.0]


def test_a_mistyped_or_malformed_identity_number_is_refused_by_the_row_validator_in_chinese():
    row = {"occurred_at": "2025-03-01", "lon": "106.71", "lat": "21.97", "item": "锑精矿", "quantity": "1 kg",
           "channel": "陆路口岸", "agency": "海关", "suspect": "黄某明"}
    said = validate_row({**row, "id_number": MISTYPED_ID}, rules(lang="zh"))
    assert [(r.rule, r.field) for r in said] == [("unreadable", "id_number")]
    assert f"校验码（第 18 位）应为 {ric.calc_check_digit(MISTYPED_ID)}" in said[0].message
    born_on_no_day = "450102199002301234"
    born_on_no_day = born_on_no_day[:-1] + ric.calc_check_digit(born_on_no_day)
    assert "出生日期或地址码" in validate_row({**row, "id_number": born_on_no_day}, rules(lang="zh"))[0].message
    assert "not an identity number" in validate_row({**row, "id_number": "护照"}, rules())[0].message
    assert validate_row({**row, "id_number": "e 1234 5678"}, rules())["id_number"] == "E12345678"
    assert validate_row({**row, "id_number": "不详", "phone": "N/A"}, rules())["id_number"] is None


def test_an_identity_number_without_a_person_is_a_person_known_by_it_alone_shown_masked():
    records = pd.DataFrame({"seizure_id": [1, 2], "source": ["post", "post"], "consignor": ["某隆商贸有限公司", "黄某明"],
                            "id_number": [RESIDENT_ID, RESIDENT_ID]})
    found = mentions(records, {"consignor": ("consignor", None)}, "consignor", ("driver", "consignor"))
    alone, named = found[found["seizure_id"] == 1], found[found["seizure_id"] == 2]
    assert alone[["role", "kind", "written_as"]].values.tolist() == [
        ["consignor", "company", "某隆商贸有限公司"], ["other", "person", "450102********1231"]]
    # one number, one person: the one named on the second record is the one known by it on the first
    assert alone["party_key"].iloc[1] == named["party_key"].iloc[0]
    assert named["id_number"].tolist() == [RESIDENT_ID]
