"""Screening the stored parties and the review queue (migration 013): an import stores an open hit for a consignee
written as a variant of a listed name, with its reason, once; an entry not yet in force on the seizure's day gives
none; a dismissal needs a note and is audited; a changed list screens again and keeps the reviews."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime

import pytest

from queries.__main__ import main
from queries.control_lists import COLUMNS, import_entries
from queries.ingest import ingest_file
from queries.screening_hits import ReviewError, read_hits, review_hit, screen_all_parties, screen_stored
from queries.store import Store
from tests.queries.ingest_fixtures import NOW, seizure_row, write_csv

LISTED = "TEST-2025-01"  # in force from 2025-01-01, before the seizures (2025-03-01)
LATER = "TEST-2025-02"  # in force from 2025-06-01, after them
REVIEWED = datetime(2026, 1, 2, 9, 0)


def entry_row(entry_id: str, name_zh: str, name_en: str, effective: str) -> dict[str, str]:
    return {**dict.fromkeys(COLUMNS, ""), "list": "unreliable_entity", "entry_id": entry_id, "names_zh": name_zh,
            "names_en": name_en, "country_iso3": "CHN", "announcement": "商务部公告2025年第99号",
            "announced_on": effective, "effective_from": effective, "source_url": "https://example.org/announcement"}


def write_list(path, later_from: str = "2025-06-01"):
    rows = [entry_row(LISTED, "深圳市华星稀土贸易有限公司", "Shenzhen Huaxing Rare Earth Trading Co., Ltd.", "2025-01-01"),
            entry_row(LATER, "海防精密合金有限公司", "Haifang Precision Alloys Co., Ltd.", later_from)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def with_lists(store: Store, tmp_path) -> Store:
    """``store`` with the checkpoints imports name and the two test entries."""
    from geodata.demo_geography import demo_geography
    from queries.seed import write_reference

    with store.writing() as con:
        write_reference(con, demo_geography())
    import_entries(store, write_list(tmp_path / "list.csv"), username="ana", source="cli", now=NOW,
                   rescreen=screen_all_parties)
    return store


@pytest.fixture
def listed_store(store, tmp_path) -> Store:
    """conftest's empty store (a file, then a lake) with the test entries: for the import's screening."""
    return with_lists(store, tmp_path)


@pytest.fixture
def listed_file(file_store, tmp_path) -> Store:
    """An empty file store with the test entries: for the review and the lists' import, whose writes go through
    the same lake write path as the import's (kept to one store for the suite's time)."""
    return with_lists(file_store, tmp_path)


def import_posts_file(store: Store, tmp_path, geography):
    """A post's file: the consignee writes the listed company in pinyin with its legal form; the consignor is the
    entry not yet in force on the seizures' day."""
    rows = [{**seizure_row(i), "发货人": "Haifang Precision Alloy Company Limited",
             "收货人": "SHENZHEN HUAXING XITU MAOYI YOUXIAN GONGSI"} for i in range(2)]
    return ingest_file(store, write_csv(tmp_path / "凭祥海关_parties.csv", rows), geography, now=NOW)


def test_an_import_stores_one_open_hit_for_a_listed_names_variant_and_none_for_an_entry_not_yet_in_force(
        tmp_path, listed_store, geography):
    import_posts_file(listed_store, tmp_path, geography)
    hits = read_hits(listed_store)
    assert hits[["status", "entry_id", "party_name", "kind"]].to_dict("records") == [{
        "status": "open", "entry_id": LISTED, "party_name": "SHENZHEN HUAXING XITU MAOYI YOUXIAN GONGSI",
        "kind": "company"}]  # no hit for LATER: not in force on 2025-03-01
    hit = hits.iloc[0]
    assert "pinyin of" in hit["reason"] and "legal form ignored" in hit["reason"]
    assert hit["screened_on"].date() == date(2025, 3, 1) and hit["matched_name"] == "深圳市华星稀土贸易有限公司"

    assert import_posts_file(listed_store, tmp_path, geography).unchanged == 2
    assert len(read_hits(listed_store)) == 1  # a re-import adds no second hit


def test_a_dismissal_needs_a_note_and_is_audited(tmp_path, listed_file, geography):
    import_posts_file(listed_file, tmp_path, geography)
    (hit_id,) = read_hits(listed_file)["hit_id"]
    with pytest.raises(ReviewError, match="needs a note"):
        review_hit(listed_file, hit_id, "dismissed", "  ", username="ana", source="cli", now=REVIEWED)
    assert read_hits(listed_file, "open")["hit_id"].tolist() == [hit_id]

    review_hit(listed_file, hit_id, "dismissed", "another Huaxing, in Ganzhou", username="ana", source="dashboard",
               now=REVIEWED)
    hit = read_hits(listed_file, "dismissed").iloc[0]
    assert (hit["reviewed_by"], hit["reviewed_at"], hit["review_note"]) == ("ana", REVIEWED, "another Huaxing, in Ganzhou")
    with listed_file.reading() as con:
        (details,) = con.execute("SELECT details FROM audit_log WHERE kind = 'import' AND event_at = ?",
                                 [REVIEWED]).fetchone()
    assert json.loads(details) | {"party_id": None} == {
        "kind": "screening_review", "hit_id": hit_id, "decision": "dismissed", "previous_status": "open",
        "party_id": None, "list": "unreliable_entity", "entry_id": LISTED, "note": "another Huaxing, in Ganzhou"}


def test_a_changed_list_screens_again_and_keeps_a_dismissed_hit_dismissed(tmp_path, listed_file, geography):
    import_posts_file(listed_file, tmp_path, geography)
    (hit_id,) = read_hits(listed_file)["hit_id"]
    review_hit(listed_file, hit_id, "dismissed", "not the listed company", username="ana", source="cli", now=REVIEWED)

    # a later announcement dates the second entry from before the seizures
    result = import_entries(listed_file, write_list(tmp_path / "list.csv", later_from="2025-02-01"), username="ana",
                            source="cli", now=REVIEWED, rescreen=screen_all_parties)
    assert (result.updated, result.hits_added) == (1, 1)
    hits = read_hits(listed_file).set_index("entry_id")
    assert hits.loc[LATER, "status"] == "open" and "legal form ignored" in hits.loc[LATER, "reason"]
    assert (hits.loc[LISTED, "status"], hits.loc[LISTED, "review_note"]) == ("dismissed", "not the listed company")


def test_screen_stored_and_the_hits_commands(tmp_path, listed_file, geography, capsys):
    file_store, db = listed_file, str(listed_file.path)
    import_posts_file(file_store, tmp_path, geography)
    # on demand, against the lists as they stood on a later day: the second entry is in force then
    assert screen_stored(file_store, on=date(2025, 7, 1), username="ana", source="cli", now=REVIEWED) == 1
    assert main(["screen", "--stored", "--on", "2025-07-01", "--db", db]) == 0  # nothing new
    assert "0 new hits" in capsys.readouterr().out

    assert main(["hits", "list", "--status", "open", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("2 hits open") and LISTED in listed and LATER in listed
    later_id = int(read_hits(file_store).set_index("entry_id").loc[LATER, "hit_id"])
    with pytest.raises(SystemExit):  # argparse: --note is required to dismiss
        main(["hits", "dismiss", str(later_id), "--db", db])
    assert main(["hits", "confirm", str(later_id), "--db", db]) == 0
    assert main(["hits", "dismiss", "999", "--note", "x", "--db", db]) == 2
    assert read_hits(file_store, "confirmed")["entry_id"].tolist() == [LATER]
