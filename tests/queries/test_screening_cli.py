"""``python -m queries screen``: a names file screened against the store's lists on a day, one row per hit."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest

from queries.__main__ import main
from queries.access import read_audit
from queries.control_lists import COLUMNS, import_entries

LISTED_CODE = "91440300MA5G000001"
ENTRIES = [
    {"list": "control", "entry_id": "T-1", "names_zh": "某某科技有限公司", "names_en": "Moumou Technology Co., Ltd.",
     "announcement": "商务部公告2025年第99号", "announced_on": "2025-01-02", "effective_from": "2025-01-02",
     "source_url": "https://example.org/99"},
    {"list": "unreliable_entity", "entry_id": "T-2", "names_en": "Listed Holding Inc.", "identifiers": LISTED_CODE,
     "announcement": "不可靠实体清单工作机制公告2025年第7号", "announced_on": "2025-04-04",
     "effective_from": "2025-04-04", "suspended_from": "2025-05-14", "source_url": "https://example.org/7",
     "change_source_url": "https://example.org/7-suspended"},
]


@pytest.fixture
def listed(file_store, tmp_path):
    """A store holding two entries: T-1 in force from 2025-01-02, T-2 from 2025-04-04, suspended from 2025-05-14."""
    path = tmp_path / "entries.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(ENTRIES)
    import_entries(file_store, path, username="os:test", source="cli", now=datetime(2025, 4, 5))
    return file_store


def _names(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _screen(store, names: Path, out: Path, *extra: str) -> int:
    return main(["screen", "--db", str(store.path), "--names", str(names), "--out", str(out), *extra])


def _hits(out: Path) -> list[dict[str, str]]:
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


PARTIES = [["id", "name", "uscc", "country"],
           ["p1", "Moumou Technology Limited", "", "USA"],
           ["p2", "某某科技股份有限公司", "", "CHN"],
           ["p3", "Unrelated Trading Co.", "", ""],
           ["p4", "Someone Else", LISTED_CODE, ""]]


def test_every_hit_is_written_with_the_party_row_entry_announcement_score_and_reason(listed, tmp_path, capsys):
    out = tmp_path / "hits.csv"
    assert _screen(listed, _names(tmp_path / "parties.csv", PARTIES), out, "--on", "2025-05-01") == 0
    hits = _hits(out)
    assert [(hit["id"], hit["entry_id"]) for hit in hits] == [("p1", "T-1"), ("p2", "T-1"), ("p4", "T-2")]
    first = hits[0]
    assert first["row"] == "2" and first["name"] == "Moumou Technology Limited" and first["country"] == "USA"
    assert first["list"] == "control" and first["announcement"] == "商务部公告2025年第99号"
    assert first["announcement_url"] == "https://example.org/99"
    assert first["entry_names"] == "某某科技有限公司; Moumou Technology Co., Ltd."
    assert first["matched_name"] == "Moumou Technology Co., Ltd." and float(first["score"]) == 100
    assert "legal form ignored" in first["reason"]
    assert "legal form ignored (股份有限公司 / 有限公司)" in hits[1]["reason"]
    assert hits[2]["reason"] == f"unified social credit code {LISTED_CODE} equals the listed identifier"
    assert "3 hits (3 parties)" in capsys.readouterr().out
    audit = json.loads(read_audit(listed, kind="export")["details"].iloc[-1])
    assert audit["kind"] == "screening" and audit["hits"] == 3 and audit["on"] == "2025-05-01"


def test_the_lists_are_taken_as_they_stood_on_the_day(listed, tmp_path):
    names, out = _names(tmp_path / "parties.csv", PARTIES), tmp_path / "hits.csv"
    assert _screen(listed, names, out, "--on", "2025-06-01") == 0  # T-2 suspended
    assert [hit["entry_id"] for hit in _hits(out)] == ["T-1", "T-1"]
    assert _screen(listed, names, out, "--on", "2024-12-31") == 0  # before either
    assert _hits(out) == []


def test_a_gbk_file_is_read(listed, tmp_path):
    names = _names(tmp_path / "gbk.csv", [["name"], ["某某科技有限责任公司"]], encoding="gbk")
    out = tmp_path / "hits.csv"
    assert _screen(listed, names, out, "--on", "2025-05-01") == 0
    assert [(hit["name"], hit["entry_id"]) for hit in _hits(out)] == [("某某科技有限责任公司", "T-1")]


def test_bad_rows_are_reported_by_row_and_column_and_skipped(listed, tmp_path, capsys):
    rows = [["name", "uscc"], ["Moumou Technology", ""], ["", "x"], ["Moumou Tech", "123"],
            ["Moumou Technology", "", "extra"], ["某某科技", ""]]
    out = tmp_path / "hits.csv"
    assert _screen(listed, _names(tmp_path / "bad.csv", rows), out, "--on", "2025-05-01") == 0
    reported = capsys.readouterr().err
    assert "bad.csv: line 3, column name: no name; skipped" in reported
    assert "line 4, column uscc: '123' is not a unified social credit code" in reported
    assert "line 5: 3 values where the header has 2; skipped" in reported
    assert [hit["row"] for hit in _hits(out)] == ["2", "6"]


@pytest.mark.parametrize(("rows", "expected"), [
    ([["company", "id"], ["Moumou", "1"]], "no 'name' column; the header has company, id"),
    (None, "cannot be read"),
])
def test_a_file_that_cannot_be_screened_exits_2_saying_why(listed, tmp_path, capsys, rows, expected):
    names = tmp_path / "names.csv"
    if rows is not None:
        _names(names, rows)
    out = tmp_path / "hits.csv"
    assert _screen(listed, names, out) == 2
    assert expected in capsys.readouterr().err
    assert not out.exists()


def test_a_bad_date_exits_2_naming_the_option(listed, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        _screen(listed, _names(tmp_path / "names.csv", PARTIES), tmp_path / "hits.csv", "--on", "2025-13-01")
    assert stopped.value.code == 2
    assert "--on: must be a date such as 2025-06-01, got '2025-13-01'" in capsys.readouterr().err
