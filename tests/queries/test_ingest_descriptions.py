"""How a seizure was concealed and how it was detected are imported as the post wrote them: every row
lands whatever its words, the words are kept (and searched), and the category is derived where they
name one (NULL where they name none). Issue 17 item 4."""

from __future__ import annotations

import pandas as pd

from queries import views
from queries.filters import Filters
from queries.ingest import ingest_file
from queries.store import Store
from tests.queries.ingest_fixtures import NOW, seizure_row, write_csv

# (藏匿方式, 查获方式) as posts write them, and the categories they name.
WORDS = [
    ("藏在货车备胎内", "经X光机查验发现", None, "x_ray"),
    ("mixed with declared goods", "acting on a tip", "mixed_with_legal_goods", "intelligence_tip"),
    ("unknown trick", "司机神色慌张，民警盘查", None, None),
    ("藏匿于货车驾驶室夹层", "", "vehicle_compartment", None),
    ("", "布控查验", None, "random_inspection"),
]


def _rows(words=WORDS) -> list[dict[str, str]]:
    return [seizure_row(i, 藏匿方式=concealment, 查获方式=detection) for i, (concealment, detection, _, _) in
            enumerate(words)]


def _stored(store: Store) -> pd.DataFrame:
    with store.reading() as con:
        return con.execute("SELECT source_id, concealment, concealment_text, detection, detection_text "
                           "FROM seizures ORDER BY source_id").df().set_index("source_id")


def _none(values) -> list:
    return [None if pd.isna(value) else value for value in values]


def test_every_row_lands_with_its_words_as_written_and_the_category_they_name(tmp_path, places_store, geography):
    result = ingest_file(places_store, write_csv(tmp_path / "posts.csv", _rows()), geography, now=NOW)
    assert (result.accepted, result.rejected) == (len(WORDS), 0), result.rejected_rows["reason"].tolist()
    records = _stored(places_store)
    assert _none(records["concealment_text"]) == [c or None for c, _, _, _ in WORDS]
    assert _none(records["detection_text"]) == [d or None for _, d, _, _ in WORDS]
    assert _none(records["concealment"]) == [code for _, _, code, _ in WORDS]
    assert _none(records["detection"]) == [code for _, _, _, code in WORDS]


def test_a_changed_description_updates_the_record_and_archives_the_words_it_had(tmp_path, places_store, geography):
    path = tmp_path / "week.csv"
    ingest_file(places_store, write_csv(path, _rows()), geography, now=NOW)
    changed = [*WORDS]
    changed[0] = ("藏在货车备胎内，外覆煤块", *WORDS[0][1:])
    result = ingest_file(places_store, write_csv(path, _rows(changed)), geography, now=NOW)
    assert (result.accepted, result.updated, result.unchanged) == (0, 1, len(WORDS) - 1)
    assert _stored(places_store).at["R-0", "concealment_text"] == "藏在货车备胎内，外覆煤块"
    with places_store.reading() as con:
        history = con.execute("SELECT source_id, concealment_text, detection_text, import_id FROM seizure_history"
                              ).fetchall()
    assert history == [("R-0", "藏在货车备胎内", "经X光机查验发现", result.import_id)]


def test_the_search_finds_a_word_of_how_it_was_concealed_or_detected(tmp_path, places_store, geography):
    ingest_file(places_store, write_csv(tmp_path / "posts.csv", _rows()), geography, now=NOW)
    with places_store.reading() as con:
        for word, found in (("备胎", ["R-0"]), ("DECLARED GOODS", ["R-1"]), ("神色慌张", ["R-2"]), ("x光机", ["R-0"])):
            listed = views.records(con, Filters(text=word), limit=10, offset=0)
            assert sorted(listed["source_id"]) == found, word
    assert {"concealment_text", "detection_text"} <= set(listed.columns)  # the records list shows the words
