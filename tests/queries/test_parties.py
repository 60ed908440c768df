"""Cases and parties (migration 012): a post's file with party columns lands its seizures with their parties,
roles and case on both stores; a re-import adds nothing; a wrong USCC refuses its row with the reason in both
languages; the identifiers' rules (the enumerations are checked against the constants in test_schema)."""

from __future__ import annotations

import pandas as pd
import pytest

from queries.ingest import ingest_file, validate_row
from queries.parties import BadIdentifier, name_kind, read_phone, read_plate, read_uscc
from queries.store import Store
from tests.queries.ingest_fixtures import NOW, rules, seizure_row, write_csv

USCC = "91451481MA5KXW2Y0N"  # check character computed per GB 32100-2015
MISTYPED_USCC = "91451481MA5KXW2Y0M"
PARTIES = ["发货人", "收货人", "承运人", "车牌号", "运单号", "统一社会信用代码", "联系电话", "案件编号"]


@pytest.fixture
def places_store(store) -> Store:
    """conftest's empty store (a file, then a lake) with the checkpoints imports can name."""
    from geodata.demo_geography import demo_geography
    from queries.seed import write_reference

    with store.writing() as con:
        write_reference(con, demo_geography())
    return store


def post_row(i: int, **parties: str) -> dict[str, str]:
    """A post's seizure row with party columns: two seizures of one case, one consignor (a company with its USCC)."""
    row = seizure_row(i)
    row.update({"发货人": "凭祥市恒通贸易有限公司", "收货人": "NGUYEN VAN AN", "承运人": "广西速达物流有限公司",
                "车牌号": "桂F·3A721", "运单号": f"YD2025{i:04d}", "统一社会信用代码": USCC,
                "联系电话": "138-0771-2345", "案件编号": "凭关缉字[2025]17号"})
    row.update(parties)
    return row


def read(store: Store, sql: str) -> pd.DataFrame:
    with store.reading() as con:
        return con.execute(sql).df()


LINKS = """SELECT s.source_id, l.role, p.kind, p.value, p.uscc, l.written_as
           FROM seizure_parties l JOIN parties p USING (party_id) JOIN seizures s USING (seizure_id)
           ORDER BY s.source_id, l.role"""


def test_a_posts_file_lands_its_seizures_with_their_parties_roles_and_case(tmp_path, places_store, geography):
    path = write_csv(tmp_path / "凭祥海关_parties.csv", [post_row(0), post_row(1)])
    result = ingest_file(places_store, path, geography, now=NOW)
    assert (result.accepted, result.rejected) == (2, 0)

    links = read(places_store, LINKS)
    first = links[links["source_id"] == "R-0"].set_index("role")
    assert first["kind"].to_dict() == {"carrier": "company", "consignee": "person", "consignor": "company",
                                       "contact": "phone", "conveyance": "vehicle", "waybill": "waybill"}
    assert first.loc["consignor", "uscc"] == USCC and first.loc["consignor", "value"] == "凭祥市恒通贸易有限公司"
    assert first.loc["conveyance", "value"] == "桂F3A721" and first.loc["contact", "value"] == "13807712345"
    assert first.loc["waybill", "value"] == "YD20250000"
    # the record keeps its key (编号) and the waybill column is the waybill party's; both rows share one consignor
    parties = read(places_store, "SELECT kind, count(*) AS n FROM parties GROUP BY kind ORDER BY kind")
    assert dict(zip(parties["kind"], parties["n"])) == {"company": 2, "person": 1, "phone": 1, "vehicle": 1,
                                                        "waybill": 2}
    cases = read(places_store, "SELECT c.source_id, c.agency, c.status, c.opened_on, count(*) AS seizures "
                               "FROM cases c JOIN seizure_cases USING (case_id) GROUP BY ALL")
    assert cases.to_dict("records") == [{"source_id": "凭关缉字[2025]17号", "agency": "customs",
                                         "status": "under_investigation",
                                         "opened_on": pd.Timestamp("2025-03-01"), "seizures": 2}]

    again = ingest_file(places_store, path, geography, now=NOW)
    assert (again.accepted, again.unchanged) == (0, 2)
    counts = "SELECT (SELECT count(*) FROM parties), (SELECT count(*) FROM seizure_parties), " \
             "(SELECT count(*) FROM cases), (SELECT count(*) FROM seizure_cases)"
    assert read(places_store, counts).iloc[0].tolist() == [7, 12, 1, 2]


def test_a_waybill_key_column_keys_the_record_and_names_its_waybill(tmp_path, places_store, geography):
    rows = [{("运单号" if header == "编号" else header): value for header, value in seizure_row(i).items()}
            for i in range(2)]
    result = ingest_file(places_store, write_csv(tmp_path / "waybills.csv", rows), geography, now=NOW)
    assert result.accepted == 2
    links = read(places_store, LINKS)
    assert links["source_id"].tolist() == ["R-0", "R-1"] and set(links["role"]) == {"waybill"}
    assert links["value"].tolist() == ["R-0", "R-1"]


def test_a_mistyped_uscc_refuses_its_row_with_the_reason_in_both_languages(tmp_path, places_store, geography):
    path = write_csv(tmp_path / "bad_uscc.csv", [post_row(0), post_row(1, 统一社会信用代码=MISTYPED_USCC)])
    result = ingest_file(places_store, path, geography, now=NOW)
    assert (result.accepted, result.rejected) == (1, 1)
    reason = result.rejected_rows["reason"][0]
    assert MISTYPED_USCC in reason and "check character (the 18th) should be N" in reason

    said = validate_row({"uscc": MISTYPED_USCC, "occurred_at": "2025-03-01", "lon": "106.71", "lat": "21.97",
                         "item": "锑精矿", "quantity": "1 kg", "channel": "陆路口岸", "agency": "海关"},
                        rules(lang="zh"))
    assert [(r.rule, r.field) for r in said] == [("unreadable", "uscc")]
    assert "校验码（第 18 位）应为 N" in said[0].message


def test_a_file_without_party_columns_stores_no_party(tmp_path, places_store, geography):
    result = ingest_file(places_store, write_csv(tmp_path / "plain.csv", [seizure_row(0)]), geography, now=NOW)
    assert result.accepted == 1
    counts = "SELECT (SELECT count(*) FROM parties), (SELECT count(*) FROM cases)"
    assert read(places_store, counts).iloc[0].tolist() == [0, 0]


def test_a_row_naming_no_party_keeps_the_content_hash_it_had():
    """The hash 0.12 gave this keyless row (a re-import of a file imported then finds its records again)."""
    keyless = {"occurred_at": "2025-03-01", "lon": "106.71", "lat": "21.97", "item": "锑精矿", "quantity": "1 kg",
               "channel": "陆路口岸", "agency": "海关", "case_status": "open"}
    assert validate_row(keyless, rules())["source_id"] == "sha1:767b36e4ea786f934799"
    assert validate_row({**keyless, "consignor": "某某"}, rules())["source_id"] != "sha1:767b36e4ea786f934799"


@pytest.mark.parametrize(("text", "expected"), [(USCC, USCC), ("９１４５１４８１ma5kxw2y0n", USCC)])
def test_a_uscc_is_read_half_width_and_upper_case(text, expected):
    assert read_uscc(text) == expected


@pytest.mark.parametrize(("text", "problem"), [(MISTYPED_USCC, "check"), ("9145148", "length"),
                                               ("91451481MA5KXW2YOO", "format")])
def test_a_uscc_that_is_none_says_why(text, problem):
    with pytest.raises(BadIdentifier) as bad:
        read_uscc(text)
    assert bad.value.problem == problem


def test_phones_and_plates_are_read_loosely():
    assert read_phone("+86 (771) 852-1234") == "867718521234"
    assert read_plate("桂A·12345") == "桂A12345" and read_plate("29C-123.45") == "29C12345"
    for reader, text in ((read_phone, "138 0771 2345 / 139"), (read_phone, "1234"), (read_plate, "无"),
                         (read_plate, "ABCDEF")):
        with pytest.raises(BadIdentifier):
            reader(text)


@pytest.mark.parametrize(("name", "kind"), [("凭祥市恒通贸易有限公司", "company"), ("东兴市永发五金厂", "company"),
                                            ("Hanoi Metals Trading Co., Ltd.", "company"), ("张伟", "person"),
                                            ("NGUYEN VAN AN", "person"), ("Li Sa", "person")])
def test_a_name_is_a_company_or_a_persons(name, kind):
    assert name_kind(name) == kind

