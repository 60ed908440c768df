"""The audit trail (every kind recorded, append-only, CSV safe in a spreadsheet), the schema's
enumerations against queries.access, and ``python -m queries users|audit``."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import duckdb
import pytest

from queries import access
from queries.__main__ import main
from queries.access import passwords
from queries.store import SQL_DIR, Store, run
from tests.queries.test_access import CHEAP, accounts_store
from tests.queries.test_schema import _check_lists

ROOT = SQL_DIR.parents[1]
NOW = datetime(2026, 5, 1, 9, 0)
PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    """A store without accounts; argon2id at a test's cost; the command line's operator is os:tester."""
    monkeypatch.setattr(passwords, "HASHER", CHEAP)
    monkeypatch.setattr("getpass.getuser", lambda: "tester")
    return accounts_store(tmp_path)


def test_the_schemas_enumerations_match_queries_access(store):
    with store.reading() as con:
        checks = _check_lists(con)
    assert checks[("user_grants", "kind")] == access.GRANT_KINDS
    assert checks[("audit_log", "kind")] == access.AUDIT_KINDS
    assert checks[("audit_log", "source")] == access.AUDIT_SOURCES


@pytest.mark.parametrize("kind", access.AUDIT_KINDS)
def test_every_kind_of_event_is_recorded_with_its_details(store, kind):
    details = {"filters": {"provinces": ["450000"], "start_at": datetime(2026, 4, 1)}, "records": 12,
               "file": "广西.csv"}
    with store.writing() as con:
        access.record_event(con, kind, "ana", details, source="dashboard", at=NOW)
    row = access.read_audit(store).iloc[-1]
    assert (row["event_at"], row["username"], row["kind"], row["source"]) == (NOW, "ana", kind, "dashboard")
    assert json.loads(row["details"]) == {"filters": {"provinces": ["450000"], "start_at": "2026-04-01 00:00:00"},
                                          "records": 12, "file": "广西.csv"}


def test_an_event_of_an_unknown_kind_or_source_is_refused(store):
    with store.writing() as con:
        with pytest.raises(ValueError, match="unknown audit kind 'erase'"):
            access.record_event(con, "erase", "ana", {}, source="cli", at=NOW)
        with pytest.raises(ValueError, match="unknown audit source 'api'"):
            access.record_event(con, "export", "ana", {}, source="api", at=NOW)
    with pytest.raises(ValueError, match="unknown audit kind 'erase'"):
        access.read_audit(store, kind="erase")


def test_the_schema_refuses_details_that_are_not_a_json_object(store):
    refused = pytest.raises(duckdb.ConstraintException, match="CHECK constraint failed on table audit_log")
    with refused, store.writing() as con:
        run(con, "audit_insert", {"audit_id": 1, "at": NOW, "username": "ana", "kind": "export", "details": "[1]", "source": "cli"})


def test_the_audit_trail_is_read_by_time_kind_and_user(store):
    with store.writing() as con:
        for at, kind, name in ((datetime(2026, 4, 1), "export", "ana"), (NOW, "export", "bo"), (NOW, "brief", "ana")):
            access.record_event(con, kind, name, {}, source="dashboard", at=at)
    assert access.read_audit(store)["audit_id"].is_monotonic_increasing
    assert len(access.read_audit(store, since=NOW)) == 2
    anas_exports = access.read_audit(store, kind="export", username="ana")
    assert anas_exports["event_at"].tolist() == [datetime(2026, 4, 1)]


# -- append-only -----------------------------------------------------------------------------------

AUDIT_CHANGE = re.compile(r"(?i)\b(update|delete\s+from|truncate(\s+table)?|drop\s+table|alter\s+table|"
                          r"insert\s+or\s+replace\s+into)\s+(main\.)?audit_log\b")
AUDIT_INSERT = re.compile(r"(?i)\binsert\s+(or\s+\w+\s+)?into\s+(main\.)?audit_log\b")
# A migration may make audit_log again to widen a CHECK (DuckDB cannot alter one), copying every row: 015 does.
REMADE = re.compile(r"(?is)insert\s+into\s+(audit_log_\d+)\s+by\s+name\s+select\s+\*\s+from\s+audit_log;\s*"
                    r"drop\s+table\s+audit_log;\s*alter\s+table\s+\1\s+rename\s+to\s+audit_log;")


def test_nothing_in_cordon_updates_or_deletes_audit_rows_and_one_file_inserts_them():
    sql_files = sorted(SQL_DIR.rglob("*.sql"))
    assert not [path.name for path in sql_files if AUDIT_CHANGE.search(REMADE.sub("", path.read_text()))]
    assert [path.name for path in sql_files if AUDIT_INSERT.search(path.read_text())] == ["audit_insert.sql"]
    assert "ON CONFLICT" not in (SQL_DIR / "audit_insert.sql").read_text().upper()
    python = [path for folder in ("queries", "geodata", "dashboard") for path in (ROOT / folder).rglob("*.py")]
    assert not [str(path) for path in python
                if AUDIT_CHANGE.search(path.read_text()) or AUDIT_INSERT.search(path.read_text())]


def test_queries_access_offers_only_appending_and_reading_the_audit_trail():
    public = {name for name in dir(access) if not name.startswith("_") and callable(getattr(access, name))}
    about_the_audit = {name for name in public if re.search(r"audit|event|log", name, re.IGNORECASE)}
    assert about_the_audit == {"record_event", "record_cli_event", "read_audit"}  # both append


# -- the command line ------------------------------------------------------------------------------

@pytest.fixture
def db(store) -> str:
    return str(store.path)


def cli(monkeypatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


def test_users_are_added_granted_and_listed_from_the_command_line(db, monkeypatch, capsys):
    assert cli(monkeypatch, "users", "add", "ana", "--db", db, "--role", "analyst", "--display-name", "Ana Li",
               "--grant", "province:450000", "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert cli(monkeypatch, "users", "grant", "ana", "zone:533102", "--db", db) == 0
    assert cli(monkeypatch, "users", "revoke", "ana", "province:450000", "--db", db) == 0
    assert cli(monkeypatch, "users", "role", "ana", "planner", "--db", db) == 0
    assert cli(monkeypatch, "users", "disable", "ana", "--db", db) == 0
    capsys.readouterr()
    assert cli(monkeypatch, "users", "--db", db, "list") == 0
    listed = capsys.readouterr().out
    line = r"^ana +planner +disabled +not locked; sees zone:533102 \(Ruili\); personal data masked; never signed in; Ana Li$"
    assert re.search(line, listed, re.MULTILINE)
    assert cli(monkeypatch, "users", "enable", "ana", "--db", db) == 0
    assert access.authenticate(Store(db), "ana", PASSWORD, NOW).outcome == "ok"
    kinds = access.read_audit(Store(db), username="os:tester")
    assert kinds["kind"].tolist() == ["user_added", "grant_changed", "grant_changed", "role_changed", "user_disabled",
                                      "user_enabled"]
    assert set(kinds["source"]) == {"cli"}


def test_a_password_is_typed_twice_unseen_or_read_from_stdin_never_taken_as_an_argument(db, monkeypatch, capsys):
    typed = iter(["a typed password", "a typed password", "first typing", "second typing"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert cli(monkeypatch, "users", "add", "bob", "--db", db, "--role", "commander") == 0
    assert cli(monkeypatch, "users", "passwd", "bob", "--db", db) == 2
    assert "the two passwords differ" in capsys.readouterr().err
    assert access.authenticate(Store(db), "bob", "a typed password", NOW).outcome == "ok"
    assert cli(monkeypatch, "users", "passwd", "bob", "--db", db, "--password-stdin", stdin="a piped password\r\n") == 0
    assert access.authenticate(Store(db), "bob", "a piped password", NOW).outcome == "ok"
    with pytest.raises(SystemExit):
        cli(monkeypatch, "users", "add", "cyd", "--db", db, "--role", "admin", "--password", "on the command line")
    assert "unrecognized arguments: --password" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (("users", "add", "cyd", "--role", "analyst", "--password-stdin"), "short\n", "at least 12 characters, got 5"),
    (("users", "grant", "nobody", "all"), "", "no user 'nobody'"),
    (("users", "grant", "ana", "county:450102"), "", "a grant is 'all', a province or a border zone"),
    (("users", "disable", "root"), "", "'root' is the last active admin"),
])
def test_a_refused_change_says_why_and_exits_2(db, monkeypatch, capsys, argv, stdin, message):
    access.add_user(Store(db), "ana", PASSWORD, "analyst", actor="os:tester", source="cli", now=NOW)
    access.add_user(Store(db), "root", "the chief's passphrase", "admin", actor="os:tester", source="cli", now=NOW)
    assert cli(monkeypatch, *argv, "--db", db, stdin=stdin) == 2
    assert message in capsys.readouterr().err


def test_the_audit_export_neutralises_formulas_and_is_itself_audited(db, monkeypatch, tmp_path, capsys):
    store = Store(db)
    names = ["=cmd|' /c calc'!a0", "+1+1", "-2+3", "@sum(1)", "plain"]
    for name in names:
        access.authenticate(store, name, "whatever it is", NOW)
    out = tmp_path / "audit.csv"
    assert cli(monkeypatch, "audit", "--db", db, "--kind", "sign_in_failed", "--out", str(out)) == 0
    assert "wrote 5 audit rows" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM, for Excel
    with out.open(newline="", encoding="utf-8-sig") as file:
        written = list(csv.DictReader(file))
    assert [row["username"] for row in written] == ["'=cmd|' /c calc'!a0", "'+1+1", "'-2+3", "'@sum(1)", "plain"]
    assert all(json.loads(row["details"]) == {"reason": "unknown_user"} for row in written)
    exported = access.read_audit(store, kind="audit_export").iloc[-1]
    assert exported["username"] == "os:tester" and exported["source"] == "cli"
    assert json.loads(exported["details"]) == {"out": str(out), "rows": 5, "since": None, "kind": "sign_in_failed",
                                               "user": None}


def test_the_audit_is_shown_in_the_terminal_and_a_bad_output_is_refused(db, monkeypatch, capsys, tmp_path):
    access.ensure_admin(Store(db), now=NOW)
    assert cli(monkeypatch, "audit", "--db", db, "--since", "2026-05-01", "--user", "os:tester") == 0
    out = capsys.readouterr().out
    assert "user_added" in out and '"user": "admin"' in out
    assert cli(monkeypatch, "audit", "--db", db, "--out", str(tmp_path / "audit.xlsx")) == 2
    assert "must be a file name ending in .csv" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli(monkeypatch, "audit", "--db", db, "--since", "yesterday")
    assert "must be a date or time" in capsys.readouterr().err


def test_the_audit_of_a_missing_database_says_how_to_create_it(tmp_path, monkeypatch, capsys):
    assert cli(monkeypatch, "audit", "--db", str(tmp_path / "none.duckdb")) == 2
    assert "python -m queries seed --db" in capsys.readouterr().err
