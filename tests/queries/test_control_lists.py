"""China's lists as reference data: when an entry is in force, the release's file, imports and the store."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from queries.access import read_audit
from queries.control_lists import (
    COLUMNS,
    LISTS,
    RELEASE_CSV,
    ListEntry,
    ListFileError,
    entries_in_force,
    import_entries,
    read_entries,
    stored_entries,
    write_release_entries,
)

NOW = datetime(2026, 1, 5, 9, 0)

ENTRY = ListEntry(
    list_code="control", entry_id="T-1", names_zh=("某某科技有限公司",), names_en=("Moumou Technology Co., Ltd.",),
    former_names=(), identifiers=(), country_iso3="USA", announcement="商务部公告2025年第99号",
    announced_on=date(2025, 4, 9), effective_from=date(2025, 4, 10), suspended_from=None, suspended_until=None,
    removed_on=None, source_url="https://example.org/a")


@pytest.mark.parametrize(("changes", "day", "expected"), [
    ({}, date(2025, 4, 9), False),  # announced, not yet in effect
    ({}, date(2025, 4, 10), True),
    ({"removed_on": date(2025, 8, 12)}, date(2025, 8, 11), True),
    ({"removed_on": date(2025, 8, 12)}, date(2025, 8, 12), False),
    ({"suspended_from": date(2025, 5, 14), "suspended_until": date(2025, 8, 12)}, date(2025, 5, 13), True),
    ({"suspended_from": date(2025, 5, 14), "suspended_until": date(2025, 8, 12)}, date(2025, 5, 14), False),
    ({"suspended_from": date(2025, 5, 14), "suspended_until": date(2025, 8, 12)}, date(2025, 8, 12), True),
    ({"suspended_from": date(2025, 5, 14)}, date(2030, 1, 1), False),  # a suspension not lifted
])
def test_in_force_around_effective_suspension_and_removal(changes, day, expected):
    assert replace(ENTRY, **changes).in_force(day) is expected


def test_the_release_file_loads_and_every_entry_cites_its_announcement():
    entries = read_entries(RELEASE_CSV)
    assert len(entries) >= 30
    assert {entry.list_code for entry in entries} == set(LISTS)
    for entry in entries:
        assert entry.announcement and entry.source_url.startswith(("http://", "https://")), entry.entry_id
        assert entry.names_zh or entry.names_en, entry.entry_id
        assert entry.country_iso3 is None or len(entry.country_iso3) == 3
        if entry.suspended_from or entry.removed_on:  # a change cites where it was reported
            assert entry.change_source_url, entry.entry_id


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows([{column: row.get(column, "") for column in COLUMNS} for row in rows])
    return path


ROW = {"list": "unreliable_entity", "entry_id": "T-UEL-1", "names_zh": "某某防务公司;某某防務公司",
       "names_en": "Moumou Defense, Inc.", "former_names": "Old Moumou LLC", "country_iso3": "USA",
       "announcement": "不可靠实体清单工作机制公告2025年第99号", "announced_on": "2025-04-04",
       "effective_from": "2025-04-04", "suspended_from": "2025-05-14", "suspended_until": "2025-08-12",
       "source_url": "https://example.org/uel-99", "change_source_url": "https://example.org/uel-99-suspended"}


def test_import_adds_entries_audits_and_is_idempotent(store, tmp_path):
    path = _write(tmp_path / "uel99.csv", [ROW, {**ROW, "entry_id": "T-UEL-2", "names_zh": "", "names_en": "Other Co.",
                                                 "suspended_from": "", "suspended_until": "", "change_source_url": ""}])
    first = import_entries(store, path, username="os:test", source="cli", now=NOW)
    again = import_entries(store, path, username="os:test", source="cli", now=NOW)
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    with store.reading() as con:
        held = {entry.entry_id: entry for entry in stored_entries(con)}
        before, during, after = (entries_in_force(con, day) for day in
                                 (date(2025, 5, 13), date(2025, 6, 1), date(2025, 8, 12)))
    assert held["T-UEL-1"].names_zh == ("某某防务公司", "某某防務公司")
    assert held["T-UEL-1"].former_names == ("Old Moumou LLC",)
    assert [e.entry_id for e in before] == ["T-UEL-1", "T-UEL-2"]
    assert [e.entry_id for e in during] == ["T-UEL-2"]  # T-UEL-1 suspended
    assert [e.entry_id for e in after] == ["T-UEL-1", "T-UEL-2"]
    audits = read_audit(store, kind="import")
    assert len(audits) == 2
    assert json.loads(audits["details"].iloc[0])["kind"] == "control_lists"
    changed = _write(tmp_path / "uel99-removed.csv", [{**ROW, "removed_on": "2025-11-10"}])
    assert import_entries(store, changed, username="os:test", source="cli", now=NOW).updated == 1


def test_a_bad_file_names_line_and_field_and_writes_nothing(store, tmp_path):
    path = _write(tmp_path / "bad.csv", [ROW, {**ROW, "entry_id": "T-UEL-2", "announced_on": "2025-13-01"},
                                         {**ROW, "entry_id": "T-UEL-3", "list": "black", "source_url": ""}])
    with pytest.raises(ListFileError) as refused:
        import_entries(store, path, username="os:test", source="cli", now=NOW)
    message = str(refused.value)
    assert "line 3, field announced_on" in message
    assert "line 4, field list" in message and "line 4, field source_url" in message
    assert "line 2" not in message
    with store.reading() as con:
        assert stored_entries(con) == []
    assert read_audit(store, kind="import").empty


def test_release_refresh_keeps_what_a_site_imported(file_store, tmp_path):
    release = read_entries(RELEASE_CSV)[0]
    corrected = {column: "" for column in COLUMNS} | {
        "list": release.list_code, "entry_id": release.entry_id, "names_en": "Corrected name",
        "announcement": release.announcement, "announced_on": str(release.announced_on),
        "effective_from": str(release.effective_from), "source_url": "https://example.org/correction"}
    with file_store.writing() as con:
        write_release_entries(con)
    import_entries(file_store, _write(tmp_path / "fix.csv", [corrected]), username="os:test", source="cli", now=NOW)
    with file_store.writing() as con:
        write_release_entries(con)
        held = {entry.entry_id: entry for entry in stored_entries(con)}
    assert held[release.entry_id].names_en == ("Corrected name",)
    assert len(held) == len(read_entries(RELEASE_CSV))


def test_the_cli_imports_and_shows(file_store, tmp_path, capsys):
    from queries.__main__ import main

    path = _write(tmp_path / "uel99.csv", [ROW])
    assert main(["lists", "import", str(path), "--db", str(file_store.path)]) == 0
    assert main(["lists", "show", "--on", "2025-06-01", "--db", str(file_store.path)]) == 0
    assert "0 entries in force on 2025-06-01" in capsys.readouterr().out
    assert main(["lists", "show", "--on", "2025-09-01", "--list", "unreliable_entity", "--db", str(file_store.path)]) == 0
    assert "某某防务公司" in capsys.readouterr().out
    assert main(["lists", "import", str(_write(tmp_path / "bad.csv", [{**ROW, "country_iso3": "us"}])),
                 "--db", str(file_store.path)]) == 2
    assert "line 2, field country_iso3" in capsys.readouterr().err
