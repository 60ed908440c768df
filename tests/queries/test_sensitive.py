"""Personal data (issue 21, item 8): the masking rule of each kind, the personal-data grant (store, command line),
the audit of every unmasked view of a person, and exports of people's data refused to a role without the grant or
that may not export; on both stores."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pytest

from queries import access
from queries.sensitive import mask_parties, may_export_personal, sees_personal_data, show_parties, shown_value
from tests.queries.test_access import CHEAP
from tests.queries.test_access_grants import cli, db  # noqa: F401 (fixture)

NOW = datetime(2026, 5, 1, 9, 0)
AUDITED = {"actor": "os:admin", "source": "cli", "now": NOW}
RESIDENT_ID = "450102199001011231"  # Nanning's Xingning district, born 1990-01-01; check character computed


@pytest.mark.parametrize(("kind", "value", "masked"), [
    ("id_number", RESIDENT_ID, "450102********1231"),  # place code and last four
    ("id_number", "E12345678", "E*****678"),  # a passport: first one and last three
    ("phone", "13800000000", "138****0000"),  # a mobile: operator prefix and last four
    ("phone", "07711234567", "077****4567"),  # a landline with its area code
    ("phone", "8521234", "85***34"),  # a number without area code
    ("phone", "12345", "***45"),  # a short number: its last two
    ("phone", "95", "**"),  # nothing left in clear when there is little to hide it in
    ("company", "凭祥市恒通贸易有限公司", "凭祥市恒通贸易有限公司"),  # not personal data
    ("person", "黄某明", "黄某明"),  # people's names are kept (docs/parties.md)
])
def test_each_kind_is_masked_by_its_rule_for_one_without_the_grant(kind, value, masked):
    assert shown_value(kind, value, sees=False) == masked
    assert shown_value(kind, value, sees=True) == value


PARTIES = pd.DataFrame({"party_id": [1, 2, 3, 4], "kind": ["person", "phone", "company", "vehicle"],
                        "value": ["黄某明", "13800000000", "某隆商贸有限公司", "桂F3A721"],
                        "written_as": ["黄某明", "138-0000-0000", "某隆商贸有限公司", "桂F·3A721"],
                        "sensitive_id_number": [RESIDENT_ID, None, None, None]})


def test_a_frame_of_parties_is_masked_where_it_holds_personal_data():
    masked = mask_parties(PARTIES, sees=False)
    assert masked["value"].tolist() == ["黄某明", "138****0000", "某隆商贸有限公司", "桂F3A721"]
    assert masked["written_as"].tolist()[1] == "138******0000"  # as written, hyphens hidden too
    assert masked["sensitive_id_number"].tolist()[0] == "450102********1231"
    assert PARTIES["value"].tolist()[1] == "13800000000"  # the caller's frame is left as it was
    assert mask_parties(PARTIES, sees=True) is PARTIES


def _views(store) -> list[dict]:
    with store.reading() as con:
        rows = con.execute("SELECT username, details FROM audit_log WHERE kind = 'personal_data_view' "
                           "ORDER BY audit_id").fetchall()
    return [{"username": username, **json.loads(details)} for username, details in rows]


def test_the_grant_unmasks_and_every_unmasked_view_of_a_person_is_audited(store, monkeypatch):
    monkeypatch.setattr(access.passwords, "HASHER", CHEAP)
    ana = access.add_user(store, "ana", "correct horse battery", "analyst", **AUDITED)
    assert not ana.personal_data and not sees_personal_data(ana)
    shown = show_parties(store, PARTIES, ana, "network")
    assert shown["value"].tolist()[1] == "138****0000" and _views(store) == []  # masked: nothing to audit

    ana = access.set_personal_data(store, "ana", True, **AUDITED)
    assert ana.personal_data and sees_personal_data(ana)
    assert access.get_user(store, "ana").personal_data
    shown = show_parties(store, PARTIES, ana, "network")
    assert shown["value"].tolist()[1] == "13800000000" and shown["sensitive_id_number"][0] == RESIDENT_ID
    assert _views(store) == [{"username": "ana", "parties": [1, 2], "where": "network"}]  # the person and the phone
    show_parties(store, PARTIES[PARTIES["kind"] == "company"], ana, "network")
    assert len(_views(store)) == 1  # a view of no person is not one of personal data

    access.set_personal_data(store, "ana", False, **AUDITED)
    assert not access.get_user(store, "ana").personal_data
    changes = access.read_audit(store, kind="grant_changed")["details"].map(json.loads).tolist()
    assert changes == [{"user": "ana", "personal_data": True}, {"user": "ana", "personal_data": False}]


@pytest.mark.parametrize(("role", "granted", "exports"), [
    ("planner", True, True), ("admin", True, True),
    ("planner", False, False),  # may export, not granted
    ("analyst", True, False),  # granted, may not export
    ("display", True, False),  # a wall screen never shows personal data
])
def test_exports_of_peoples_data_need_the_grant_and_a_role_that_may_export(role, granted, exports):
    user = access.User(username="u", display_name="u", role=role, active=True, grants=(), failed_sign_ins=0,
                       locked_until=None, created_at=NOW, updated_at=NOW, password_changed_at=NOW,
                       last_sign_in_at=None, personal_data=granted)
    assert may_export_personal(user) is exports
    assert sees_personal_data(user) is (granted and role != "display")


def test_users_personal_data_grants_and_revokes_from_the_command_line(db, monkeypatch, capsys):  # noqa: F811
    assert cli(monkeypatch, "users", "add", "ana", "--db", db, "--role", "planner",
               "--password-stdin", stdin="correct horse battery\n") == 0
    assert "; personal data masked;" in capsys.readouterr().out
    assert cli(monkeypatch, "users", "personal-data", "ana", "grant", "--db", db) == 0
    assert "; personal data unmasked;" in capsys.readouterr().out
    assert cli(monkeypatch, "users", "personal-data", "ana", "revoke", "--db", db) == 0
    assert "; personal data masked;" in capsys.readouterr().out
