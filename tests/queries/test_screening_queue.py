"""The review queue as a user sees it (queries.screening_hits.read_hits with a scope) and its CSV export
(geodata.export_hits): a hit is listed only to the users whose regions hold a seizure naming its party, with those
seizures counted, and its entry as the store holds it, in force or not on the day asked."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from datetime import date, datetime

from geodata.export_hits import COLUMNS, hits_csv
from queries.access import Scope
from queries.screening_hits import read_hits
from tests.queries.test_screening_hits import LISTED, import_posts_file, listed_file, listed_store  # noqa: F401 (fixtures)

GUANGXI, YUNNAN, PINGXIANG = "450000", "530000", "451481"
SEIZED = date(2025, 3, 1)  # the two seizures of import_posts_file, at Pingxiang (Guangxi) at 08:00 and 08:01


def test_a_hit_is_listed_only_within_the_regions_of_its_partys_seizures(tmp_path, listed_store, geography):  # noqa: F811 (fixture)
    import_posts_file(listed_store, tmp_path, geography)
    for scope in (Scope(provinces=(GUANGXI,)), Scope(zones=(PINGXIANG,)), Scope(everything=True), None):
        (hit,) = read_hits(listed_store, "open", scope, SEIZED).to_dict("records")
        assert (hit["entry_id"], hit["seizures"], hit["newest_seizure_at"]) == (LISTED, 2, datetime(2025, 3, 1, 8, 1))
    assert read_hits(listed_store, "open", Scope(provinces=(YUNNAN,)), SEIZED).empty
    assert read_hits(listed_store, "open", Scope(), SEIZED).empty  # no region granted: nothing
    assert read_hits(listed_store, "dismissed", Scope(provinces=(GUANGXI,)), SEIZED).empty


def test_a_hit_carries_its_entry_and_whether_it_is_in_force_on_the_day_asked(tmp_path, listed_file, geography):  # noqa: F811 (fixture)
    import_posts_file(listed_file, tmp_path, geography)
    (hit,) = read_hits(listed_file, on=SEIZED).to_dict("records")
    assert hit["entry_names"] == "深圳市华星稀土贸易有限公司;Shenzhen Huaxing Rare Earth Trading Co., Ltd."
    assert (hit["announcement"], hit["announced_on"], hit["in_force"]) == ("商务部公告2025年第99号", date(2025, 1, 1), True)
    assert not read_hits(listed_file, on=date(2024, 12, 31)).iloc[0]["in_force"]  # before the entry took effect


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(data[len(codecs.BOM_UTF8):].decode("utf-8"))))


def test_the_export_holds_the_scopes_hits_with_their_evidence_and_its_provenance(tmp_path, listed_file, geography):  # noqa: F811 (fixture)
    import_posts_file(listed_file, tmp_path, geography)
    download = hits_csv(listed_file, Scope(provinces=(GUANGXI,)), "open", SEIZED)
    (row,) = _rows(download.data)
    assert list(row) == list(COLUMNS)
    assert (row["entry_id"], row["party_name"], row["seizures"]) == (
        LISTED, "SHENZHEN HUAXING XITU MAOYI YOUXIAN GONGSI", "2")
    assert "pinyin of" in row["reason"] and row["matched_name"] == "深圳市华星稀土贸易有限公司"
    provenance = json.loads(download.provenance.data)
    assert download.provenance.file_name == download.file_name.removesuffix(".csv") + ".provenance.json"
    assert (provenance["records"], provenance["status"], provenance["scope"]) == (
        1, "open", {"everything": False, "provinces": [GUANGXI], "zones": []})
    assert provenance["file_sha256"] == hashlib.sha256(download.data).hexdigest()
    assert provenance["schema_version"] >= 13 and provenance["snapshot"] is None  # a file keeps no snapshots

    elsewhere = hits_csv(listed_file, Scope(provinces=(YUNNAN,)), None, SEIZED)
    assert _rows(elsewhere.data) == [] and json.loads(elsewhere.provenance.data)["records"] == 0
