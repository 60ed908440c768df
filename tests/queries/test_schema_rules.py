"""One definition of the schema's rules: the file's constraints and the lake's checks refuse the same rows,
values written by single statements are checked before the lake commits, and record ids never repeat."""

from __future__ import annotations

import threading
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from queries.lake import LAKE_PREFIX, LakeStore
from queries.schema_rules import table_columns, table_rules
from queries.store import StoreError, new_ids, run
from tests.conftest import seizure_row

NOW = datetime(2026, 12, 6, 10, 0)
ARGON = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"

# A valid row of each table with rules beyond NOT NULL, and values that break them (or not: a NULL passes a
# CHECK, a long but allowed text passes) — each stored or refused by the file and by the lake alike.
VALID = {
    "seizures": seizure_row(seizure_id=1).iloc[0].to_dict(),
    "users": {"user_id": 1, "username": "ana.li", "display_name": "Ana Li", "password_hash": ARGON, "role": "analyst",
              "active": True, "created_at": NOW, "updated_at": NOW, "password_changed_at": NOW, "failed_sign_ins": 0},
    "user_grants": {"username": "ana.li", "kind": "province", "code": "450000", "granted_at": NOW},
    "web_sessions": {"session_id": "a" * 32, "username": "ana.li", "ticket_hash": "b" * 64, "created_at": NOW,
                     "last_active_at": NOW, "expires_at": NOW},
    "audit_log": {"audit_id": 1, "event_at": NOW, "username": "ana.li", "kind": "export", "details": "{}",
                  "source": "cli"},
}
BREAKS = {
    "seizures": [("lat", 91.0), ("lon", 180.0), ("channel", "teleport"), ("quantity_kg", 0.0),
                 ("quantity_kg", 10_000_001.0), ("value_cny", None), ("value_cny", -0.01), ("country_iso3", "cn"),
                 ("country_iso3", None), ("source", ""), ("source_id", "x" * 201), ("declared_as", "字" * 500),
                 ("occurred_at", datetime(1999, 12, 31)), ("concealment", "in a shoe"), ("detection", None)],
    "users": [("username", "Ana"), ("username", "an"), ("role", "root"), ("password_hash", "plain"),
              ("display_name", ""), ("failed_sign_ins", -1), ("role", "display")],
    "user_grants": [("kind", "county"), ("code", "*"), ("code", "4500"), ("kind", "all")],
    "web_sessions": [("session_id", "A" * 32), ("ticket_hash", None), ("ticket_hash", "short"), ("client", "c" * 101),
                     ("end_reason", "idle")],
    "audit_log": [("details", "[1]"), ("details", "not json"), ("kind", "coffee"), ("source", "web"), ("username", "")],
}


def _outcome(store, table: str, row: dict) -> str:
    """'stored', or 'refused' when the store's rules refuse the row (and nothing was written)."""
    frame = pd.DataFrame([row]).astype({name: "object" for name in row})
    columns = {c.name: c.data_type for c in table_columns()[table]}
    try:
        with store.writing() as con:
            con.register("incoming", frame)
            select = ", ".join(f'CAST("{name}" AS {columns[name]}) AS "{name}"' for name in row)
            con.execute(f'INSERT INTO "{table}" BY NAME SELECT {select} FROM incoming')
            con.unregister("incoming")
            con.execute(f'DELETE FROM "{table}"')  # each row on its own: no key clash between the cases
        return "stored"
    except duckdb.ConstraintException:
        return "refused"


def test_the_file_and_the_lake_refuse_the_same_rows(file_store, lake_store):
    outcomes = {"file": [], "lake": []}
    for table, breaks in BREAKS.items():
        for column, value in [(None, None), *breaks]:
            row = dict(VALID[table]) | ({column: value} if column else {})
            for name, store in (("file", file_store), ("lake", lake_store)):
                outcomes[name].append((table, column, value, _outcome(store, table, row)))
    assert outcomes["lake"] == outcomes["file"]
    refused = [case for case in outcomes["file"] if case[3] == "refused"]
    assert len(refused) >= 25 and any(case[3] == "stored" and case[1] for case in outcomes["file"])
    assert all(case[3] == "stored" for case in outcomes["file"] if case[1] is None)  # the valid rows pass


def test_the_rules_are_read_from_the_migrations_and_the_lake_keeps_only_not_null(lake_store):
    rules = table_rules()
    assert {rule.kind for rule in rules["users"]} == {"CHECK", "UNIQUE"}  # user_id: allocated, unique by construction
    assert any("quantity_kg > 0" in (rule.expression or "") for rule in rules["seizures"])
    with lake_store.reading() as con:
        kinds = {row[0] for row in con.execute(
            "SELECT DISTINCT constraint_type FROM duckdb_constraints() WHERE database_name = 'lake'").fetchall()}
    assert kinds == {"NOT NULL"}


def test_a_value_written_by_a_statement_is_checked_before_the_lake_commits(lake_store):
    with lake_store.writing() as con:
        con.register("incoming", pd.DataFrame([VALID["users"]]))
        con.execute("INSERT INTO users BY NAME SELECT * FROM incoming")
    with pytest.raises(duckdb.ConstraintException, match="role"), lake_store.writing() as con:
        run(con, "users_set_role", {"username": "ana.li", "role": "root", "now": NOW})
    with pytest.raises(duckdb.ConstraintException, match="UNIQUE"), lake_store.writing() as con:
        (user_id,) = new_ids(con, "users", 1)
        run(con, "users_insert", {"user_id": user_id, "username": "ana.li", "display_name": "Twin",
                                  "password_hash": ARGON, "role": "planner", "now": NOW})
    with lake_store.reading() as con:
        assert con.execute("SELECT username, role FROM users").fetchall() == [("ana.li", "analyst")]


def test_record_ids_never_repeat_across_sites_writing_at_once(lake_store):
    # two sites on one lake: two stores (each its own connection to the catalog), eight writers
    sites = [lake_store, LakeStore(lake_store.path, lake_store.data_path)]
    taken: list[int] = []
    lock = threading.Lock()

    def write(site) -> None:
        for _ in range(5):
            with site.writing() as con:
                ids = new_ids(con, "seizures", 100)
            with lock:
                taken.extend(ids)

    threads = [threading.Thread(target=write, args=(sites[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 4000 and len(set(taken)) == 4000


def test_a_lake_url_never_carries_a_password_and_names_its_database():
    with pytest.raises(StoreError, match="PGPASSFILE"):
        LakeStore(LAKE_PREFIX + "host=db.example dbname=cordon user=cordon password=hunter2")
    with pytest.raises(StoreError, match="dbname"):
        LakeStore(LAKE_PREFIX + "host=db.example user=cordon")
    with pytest.raises(StoreError, match="not valid"):
        LakeStore(LAKE_PREFIX + "host=db.example dbname='unclosed")
