"""The schema refuses bad rows with a message naming the rule, and its enumerations match constants."""

from __future__ import annotations

import re
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from queries import constants
from queries.seizures import insert_seizures
from queries.store import LATEST_VERSION, Store, StoreError, migrate, run, schema_version
from tests.conftest import seizure_row


def _insert(store: Store, frame) -> int:
    with store.writing() as con:
        return insert_seizures(con, frame)


def test_a_valid_row_is_stored(store):
    assert _insert(store, seizure_row()) == 1
    with store.reading() as con:
        assert con.execute("SELECT source_id, quantity_kg FROM seizures").fetchall() == [("T-1", 1200.0)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lat": 108.3}, "lat BETWEEN -90 AND 90"),
        ({"lon": -200.0}, "lon BETWEEN -180 AND 180"),
        ({"channel": "teleport"}, "channel IN"),
        ({"form": "liquid"}, "form IN"),
        ({"agency": "army"}, "agency IN"),
        ({"time_precision": "year"}, "time_precision IN"),
        ({"geo_precision": "country"}, "geo_precision IN"),
        ({"item_group": "gold"}, "item_group IN"),
        ({"quantity_kg": 0.0}, "quantity_kg > 0"),
        ({"quantity_kg": -5.0}, "quantity_kg > 0"),
        ({"value_cny": -1.0}, "value_cny >= 0"),
        ({"destination_iso3": "vietnam"}, "destination_iso3"),
        ({"case_status": "lost"}, "case_status IN"),
        ({"occurred_at": datetime(1990, 1, 1)}, "occurred_at >="),
        ({"concealment_text": "藏" * 501}, "length(concealment_text) <= 500"),
        ({"detection_text": "x" * 501}, "length(detection_text) <= 500"),
    ],
)
def test_check_constraints_refuse_bad_rows_and_name_the_rule(store, overrides, message):
    with pytest.raises(StoreError) as refused:
        _insert(store, seizure_row(**overrides))
    assert "insert_seizures: a row was refused by the schema" in str(refused.value)
    assert message in str(refused.value)
    with store.reading() as con:
        assert con.execute("SELECT count(*) FROM seizures").fetchone()[0] == 0


@pytest.mark.parametrize("column", ["source", "source_id", "occurred_at", "lon", "lat", "channel", "item", "agency"])
def test_required_fields_cannot_be_null(store, column):
    with pytest.raises(StoreError, match=f"NOT NULL constraint failed: seizures.{column}"):
        _insert(store, seizure_row(**{column: None}))


def test_the_same_source_record_cannot_be_stored_twice(store):
    _insert(store, seizure_row())
    with pytest.raises(StoreError, match=r"\(source, source_id\) = \('test', 'T-1'\) is already stored"):
        _insert(store, seizure_row(quantity_kg=5.0))
    with store.reading() as con:
        assert con.execute("SELECT quantity_kg FROM seizures").fetchall() == [(1200.0,)]


def test_a_frame_giving_one_record_twice_is_refused_whole(store):
    frame = pd.concat([seizure_row(source_id="A"), seizure_row(source_id="B"), seizure_row(source_id="B")])
    with pytest.raises(StoreError, match=r"\('test', 'B'\) is given 2 times"):
        _insert(store, frame)
    with store.reading() as con:
        assert con.execute("SELECT count(*) FROM seizures").fetchone()[0] == 0


def test_the_same_source_id_from_another_source_is_another_record(store):
    assert _insert(store, pd.concat([seizure_row(), seizure_row(source="other post")])) == 2


def test_a_large_write_handed_over_in_arrow_batches_stores_the_same_rows(store, monkeypatch):
    frame = pd.concat([seizure_row(source_id=f"B-{i}", quantity_kg=float(i + 1), hub_id=None if i % 2 else "x1",
                                   declared_as=None if i % 3 else f"<b>{i}</b> 锑")
                       for i in range(10)], ignore_index=True)
    monkeypatch.setattr("queries.store.WRITE_BATCH_ROWS", 3)  # 10 rows: four batches
    assert _insert(store, frame) == 10
    with store.reading() as con:
        stored = con.execute("SELECT source_id, hub_id, declared_as, occurred_at, h3_cell IS NOT NULL FROM seizures "
                             "ORDER BY quantity_kg").fetchall()
    assert stored == [(f"B-{i}", None if i % 2 else "x1", None if i % 3 else f"<b>{i}</b> 锑",
                       datetime(2025, 3, 1, 10, 30), True) for i in range(10)]


def test_a_refused_row_refuses_the_whole_write(store):
    good, bad = seizure_row(source_id="A"), seizure_row(source_id="B", lat=99.0)
    with pytest.raises(StoreError):
        _insert(store, pd.concat([good, bad]))
    with store.reading() as con:
        assert con.execute("SELECT count(*) FROM seizures").fetchone()[0] == 0


def _check_lists(con) -> dict[tuple[str, str], tuple[str, ...]]:
    """(table, column) → the values its CHECK ... IN (...) allows, read back from DuckDB."""
    found = {}
    for table, expression in con.execute(
        "SELECT table_name, expression FROM duckdb_constraints() WHERE constraint_type = 'CHECK'"
    ).fetchall():
        match = re.search(r"\(?\"?(\w+)\"? IN \(([^)]*)\)", expression)  # DuckDB quotes keywords: "role"
        if match:
            found[(table, match.group(1))] = tuple(re.findall(r"'([^']*)'", match.group(2)))
    return found


def test_check_enumerations_match_the_constants(file_store):
    with file_store.reading() as con:
        checks = _check_lists(con)
    expected = {
        ("seizures", "time_precision"): constants.TIME_PRECISIONS,
        ("seizures", "geo_precision"): constants.GEO_PRECISIONS,
        ("seizures", "channel"): constants.CHANNELS,
        ("seizures", "form"): constants.FORMS,
        ("seizures", "agency"): constants.AGENCIES,
        ("seizures", "case_status"): constants.CASE_STATUSES,
        ("seizures", "concealment"): constants.CONCEALMENTS,
        ("seizures", "detection"): constants.DETECTION_METHODS,
        ("seizures", "item_group"): constants.ITEM_GROUPS,
        ("controlled_items", "item_group"): constants.ITEM_GROUPS,
        ("checkpoints", "kind"): constants.CHECKPOINT_KINDS,
        ("checkpoints", "geo_precision"): constants.GEO_PRECISIONS,
        ("checkpoints", "agency"): constants.AGENCIES,
        ("processing_hubs", "kind"): constants.HUB_KINDS,
        ("processing_hubs", "geo_precision"): constants.GEO_PRECISIONS,
        ("users", "role"): constants.ROLES,
        ("cases", "agency"): constants.AGENCIES,
        ("cases", "status"): constants.CASE_STATUSES,
        ("parties", "kind"): constants.PARTY_KINDS,
        ("seizure_parties", "role"): constants.PARTY_ROLES,
        ("case_parties", "role"): constants.PARTY_ROLES,
    }
    for key, values in expected.items():
        assert checks.get(key) == tuple(values), key


def test_migrations_are_idempotent(tmp_path):
    path = tmp_path / "x.duckdb"
    con = duckdb.connect(str(path))
    assert migrate(con) == list(range(1, LATEST_VERSION + 1))
    assert migrate(con) == []
    assert schema_version(con) == LATEST_VERSION
    con.close()
    assert Store(path).migrate() == []


def test_an_older_file_is_upgraded_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=1)
    con.register("incoming", seizure_row())
    con.execute("INSERT INTO seizures BY NAME SELECT * FROM incoming")
    con.close()

    store = Store(path)
    with pytest.raises(StoreError, match="schema version 1.*python -m queries migrate"), store.reading():
        pass
    assert store.migrate() == list(range(2, LATEST_VERSION + 1))
    with store.reading() as con:
        assert con.execute("SELECT count(*) FROM seizures").fetchone()[0] == 1
        # migration 003 derived the H3 cell of the row that was already there
        assert con.execute("SELECT count(*) FROM seizures WHERE h3_cell IS NULL").fetchone()[0] == 0
        assert run(con, "status_tables").set_index("table_name").at["admin_units", "rows"] == 0


def test_migration_6_keeps_the_seizures_their_ids_and_their_constraints(tmp_path):
    path = tmp_path / "five.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=5)
    insert_seizures(con, pd.concat([seizure_row(source_id="A"), seizure_row(source_id="B")]))
    before = con.execute("SELECT * FROM seizures ORDER BY seizure_id").df()
    assert migrate(con, target=6) == [6]
    assert con.execute("SELECT * FROM seizures ORDER BY seizure_id").df().equals(before)
    kinds = con.execute("SELECT list_sort(list(DISTINCT constraint_type)) FROM duckdb_constraints() "
                        "WHERE table_name = 'seizures'").fetchone()[0]
    assert kinds == ["CHECK", "NOT NULL", "PRIMARY KEY"]
    insert_seizures(con, seizure_row(source_id="C"))  # the sequence goes on after the kept ids
    assert con.execute("SELECT max(seizure_id) FROM seizures").fetchone()[0] == before["seizure_id"].max() + 1
    with pytest.raises(duckdb.ConstraintException, match="lat BETWEEN"):
        con.execute("UPDATE seizures SET lat = 108.3 WHERE source_id = 'A'")
    con.close()


def test_reading_a_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(StoreError, match="python -m queries seed --db"), Store(tmp_path / "none.duckdb").reading():
        pass


def test_a_failed_write_block_leaves_the_store_as_it_was(store):
    _insert(store, seizure_row(source_id="kept"))
    with pytest.raises(RuntimeError, match="boom"), store.writing() as con:
        insert_seizures(con, seizure_row(source_id="lost"))
        raise RuntimeError("boom")
    with store.reading() as con:
        assert [r[0] for r in con.execute("SELECT source_id FROM seizures").fetchall()] == ["kept"]


def test_unknown_query_names_are_refused():
    from queries.store import load_sql

    with pytest.raises(ValueError, match="unknown query 'drop_everything'"):
        load_sql("drop_everything")


def test_migration_7_adds_the_sessions_table_and_its_rules(tmp_path):
    con = duckdb.connect(str(tmp_path / "six.duckdb"))
    migrate(con, target=6)
    assert migrate(con, target=7) == [7]
    row = {"session_id": "0" * 32, "username": "ana", "created_at": "2026-12-01 09:00", "last_active_at":
           "2026-12-01 09:00", "expires_at": "2026-12-01 21:00"}
    insert = ("INSERT INTO web_sessions (session_id, username, token_hash, created_at, last_active_at, expires_at, "
              "ended_at, end_reason) VALUES ($session_id, $username, $token_hash, $created_at, $last_active_at, "
              "$expires_at, $ended_at, $end_reason)")
    con.execute(insert, {**row, "token_hash": "a" * 64, "ended_at": None, "end_reason": None})
    for broken in ({"token_hash": "the token itself"}, {"ended_at": "2026-12-01 10:00"},
                   {"end_reason": "sign_out"}, {"session_id": "1" * 32, "ended_at": "2026-12-01 10:00",
                                                "end_reason": "forgotten"}):
        with pytest.raises(duckdb.ConstraintException):
            con.execute(insert, {**row, "session_id": "2" * 32, "token_hash": None, "ended_at": None, "end_reason": None,
                                 **broken})


def test_migration_8_keeps_the_seizures_and_their_history_and_adds_their_words(tmp_path):
    con = duckdb.connect(str(tmp_path / "seven.duckdb"))
    migrate(con, target=7)
    insert_seizures(con, pd.concat([seizure_row(source_id="A"), seizure_row(source_id="B", concealment=None)]))
    con.execute("INSERT INTO seizure_history BY NAME SELECT 1 AS import_id, TIMESTAMP '2025-03-03' AS replaced_at, * "
                "FROM seizures WHERE source_id = 'A'")
    before = con.execute("SELECT * FROM seizures ORDER BY seizure_id").df()
    assert migrate(con, target=8) == [8]
    after = con.execute("SELECT * FROM seizures ORDER BY seizure_id").df()
    assert after.drop(columns=["concealment_text", "detection_text"]).equals(before[after.columns.drop(
        ["concealment_text", "detection_text"])])
    assert after[["concealment_text", "detection_text"]].isna().all().all()
    columns = list(after.columns)
    assert columns[columns.index("concealment") + 1] == "concealment_text"
    assert columns[columns.index("detection") + 1] == "detection_text"
    assert con.execute("SELECT source_id, concealment, concealment_text FROM seizure_history").fetchall() == [
        ("A", "false_declaration", None)]
    insert_seizures(con, seizure_row(source_id="C", concealment=None, concealment_text="藏在货车备胎内"))
    assert con.execute("SELECT seizure_id, concealment_text FROM seizures WHERE source_id = 'C'").fetchone() == (
        before["seizure_id"].max() + 1, "藏在货车备胎内")
    with pytest.raises(duckdb.ConstraintException, match="concealment IN"):
        con.execute("UPDATE seizures SET concealment = 'in a tyre' WHERE source_id = 'C'")
    con.close()


def test_migration_9_names_the_sheet_of_a_refused_row(tmp_path):
    con = duckdb.connect(str(tmp_path / "eight.duckdb"))
    migrate(con, target=8)
    for line in (5, 20_000_006):  # the first sheet's row 5, the third sheet's row 6
        con.execute("INSERT INTO rejected_rows VALUES (1, 'posts.xlsx', $line, '{}', ['unknown'], 'why')", {"line": line})
    assert migrate(con, target=9) == [9]
    assert con.execute("SELECT sheet, line FROM rejected_rows ORDER BY sheet NULLS FIRST").fetchall() == [
        (None, 5), ("sheet 3", 6)]
    con.close()


def test_migration_10_keeps_the_accounts_and_admits_the_display_role(tmp_path):
    con = duckdb.connect(str(tmp_path / "nine.duckdb"))
    migrate(con, target=9)
    at = datetime(2026, 1, 1)

    def add(username: str, role: str) -> None:
        con.execute("INSERT INTO users (username, display_name, password_hash, role, active, created_at, updated_at, "
                    "password_changed_at) VALUES ($username, 'A', '$argon2id$v=19$x', $role, true, $at, $at, $at)",
                    {"username": username, "role": role, "at": at})

    add("ana", "analyst")
    with pytest.raises(duckdb.ConstraintException, match="CHECK constraint failed on table users"):
        con.execute("UPDATE users SET role = 'display'")
    before = con.execute("SELECT * FROM users").fetchall()
    assert migrate(con, target=10) == [10]
    assert con.execute("SELECT * FROM users").fetchall() == before
    add("wall", "display")
    with pytest.raises(duckdb.ConstraintException, match="CHECK constraint failed on table users"):
        con.execute("UPDATE users SET role = 'viewer'")
    assert con.execute("SELECT user_id FROM users WHERE username = 'wall'").fetchone()[0] == before[0][0] + 1
    con.close()
