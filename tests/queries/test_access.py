"""queries.access without a store: roles and permissions, the policy values, passwords, grants, scopes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest
from argon2 import PasswordHasher

from queries import access
from queries.access import AccessPolicy, Grant, Scope, check_password, may, passwords, session_expired
from queries.constants import ROLES
from queries.store import Store, write_frame

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # the same algorithm, at a test's cost


@pytest.fixture
def cheap_hashing(monkeypatch):
    """argon2id with the smallest parameters, so that tests can sign in many times."""
    monkeypatch.setattr(passwords, "HASHER", CHEAP)


def accounts_store(folder) -> Store:
    """A migrated store in ``folder`` whose admin_units hold two provinces, two border zones and an
    inland county (what grants are checked against), and no account."""
    store = Store(folder / "cordon.duckdb")
    units = pd.DataFrame([
        ("450000", "province", "广西", "Guangxi", "450000", False, 108.3, 22.8),
        ("530000", "province", "云南", "Yunnan", "530000", False, 102.7, 25.0),
        ("451481", "county", "凭祥市", "Pingxiang", "450000", True, 106.8, 22.1),
        ("533102", "county", "瑞丽市", "Ruili", "530000", True, 97.9, 24.0),
        ("450102", "county", "兴宁区", "Xingning", "450000", False, 108.3, 22.9),
    ], columns=["code", "level", "name_zh", "name_en", "province_code", "is_border_zone", "anchor_lon", "anchor_lat"])
    with store.writing() as con:
        write_frame(con, "upsert_admin_units", units)
    return store


def test_each_role_may_do_what_the_roles_below_it_may():
    pages = {
        "display": {"live_map", "kpis"},
        "commander": {"live_map", "kpis"},
        "analyst": {"live_map", "kpis", "filters", "analysis", "records", "network", "typical_cases", "screening",
                    "screening_review"},
        "planner": {"live_map", "kpis", "filters", "analysis", "records", "network", "typical_cases", "screening",
                    "screening_review", "export", "brief"},
        "admin": set(access.PERMISSIONS),
    }
    assert tuple(pages) == ROLES
    for role, allowed in pages.items():
        assert {action for action in access.PERMISSIONS if may(role, action)} == allowed, role


def test_unknown_roles_and_actions_are_refused_by_name():
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        may("boss", "live_map")
    with pytest.raises(ValueError, match="unknown action 'delete_everything'"):
        may("admin", "delete_everything")


def test_the_policy_defaults_and_their_environment_overrides():
    assert AccessPolicy.from_env({}) == AccessPolicy(5, timedelta(minutes=15), timedelta(minutes=30))
    policy = AccessPolicy.from_env({"CORDON_SIGNIN_MAX_FAILURES": "3", "CORDON_SIGNIN_LOCK_MIN": "60",
                                    "CORDON_SESSION_IDLE_MIN": "7.5"})
    assert policy == AccessPolicy(3, timedelta(hours=1), timedelta(minutes=7.5))


def test_a_display_session_lasts_a_week_unless_the_environment_says_otherwise():
    policy = AccessPolicy.from_env({})
    assert policy.session_lifetime("display") == timedelta(days=7) == policy.longest_session
    assert policy.session_lifetime("commander") == policy.session_lifetime("admin") == timedelta(hours=12)
    shorter = AccessPolicy.from_env({"CORDON_DISPLAY_SESSION_MAX_HOURS": "24", "CORDON_SESSION_MAX_HOURS": "36"})
    assert shorter.session_lifetime("display") == timedelta(hours=24) and shorter.longest_session == timedelta(hours=36)
    with pytest.raises(ValueError, match="CORDON_DISPLAY_SESSION_MAX_HOURS must be more than 0"):
        AccessPolicy.from_env({"CORDON_DISPLAY_SESSION_MAX_HOURS": "0"})


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CORDON_SIGNIN_MAX_FAILURES", "2.5", "must be a whole number, got '2.5'"),
    ("CORDON_SIGNIN_MAX_FAILURES", "0", "must be more than 0, got '0'"),
    ("CORDON_SIGNIN_LOCK_MIN", "soon", "must be a number, got 'soon'"),
    ("CORDON_SESSION_IDLE_MIN", "-5", "must be more than 0"),
    ("CORDON_SESSION_IDLE_MIN", "inf", "must be more than 0"),
])
def test_a_bad_policy_value_in_the_environment_is_named(name, value, message):
    with pytest.raises(ValueError, match=f"{name} {message}"):
        AccessPolicy.from_env({name: value})


def test_a_session_expires_after_the_idle_time():
    seen, idle = datetime(2026, 5, 1, 9, 0), timedelta(minutes=30)
    assert not session_expired(seen, seen + timedelta(minutes=29, seconds=59), idle)
    assert session_expired(seen, seen + timedelta(minutes=30), idle)
    assert session_expired(seen, seen + timedelta(days=2), idle)
    with pytest.raises(ValueError, match="idle must be longer than 0"):
        session_expired(seen, seen, timedelta(0))


@pytest.mark.parametrize(("password", "message"), [
    ("eleven-char", "at least 12 characters, got 11"),
    ("x" * 1025, "at most 1024 characters, got 1025"),
    ("my name is Ana-Li, ok?", "must not contain the username 'ana-li'"),
])
def test_the_password_policy_names_the_rule_and_never_the_password(password, message):
    with pytest.raises(ValueError, match=message) as refused:
        check_password(password, "ana-li")
    assert password not in str(refused.value)


def test_a_password_within_the_policy_passes():
    check_password("twelve chars", "ana")
    check_password("长城长城长城长城长城长城", "ana")  # characters, not bytes


def test_the_hash_is_argon2id_at_or_above_owasps_minimum():
    hasher = passwords.HASHER
    assert hasher.type.name == "ID" and hasher.time_cost >= 2 and hasher.memory_cost >= 19 * 1024


def test_passwords_are_hashed_with_a_salt_each(cheap_hashing):
    first, second = passwords.hash_password("correct horse battery"), passwords.hash_password("correct horse battery")
    assert first.startswith("$argon2id$") and first != second
    assert "correct horse battery" not in first


@pytest.mark.parametrize(("text", "grant"), [
    ("all", Grant("all")), ("province:450000", Grant("province", "450000")), ("zone:451481", Grant("zone", "451481")),
])
def test_grants_read_and_write_their_text_form(text, grant):
    assert Grant.parse(text) == grant and str(grant) == text


@pytest.mark.parametrize("text", ["everything", "province:", "province:4500", "county:450102", "zone:45148x", "all:*"])
def test_a_bad_grant_is_refused_with_what_it_got(text):
    with pytest.raises(ValueError, match="got"):
        Grant.parse(text)


def test_a_scope_is_the_union_of_grants_and_admins_see_everything():
    grants = [Grant("province", "450000"), Grant("zone", "533102"), Grant("zone", "533102")]
    assert Scope.of(grants, "analyst") == Scope(provinces=("450000",), zones=("533102",))
    assert Scope.of(grants, "admin") == Scope(everything=True)
    assert Scope.of([*grants, Grant("all")], "commander") == Scope(everything=True)
    assert Scope.of([], "planner") == Scope()  # no grant: nothing
    assert Scope(provinces=["530000", "450000"]) == Scope(provinces=("450000", "530000"))  # one value, one cache key
    assert hash(Scope(provinces=["530000", "450000"])) == hash(Scope(provinces=("450000", "530000")))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"provinces": "450000"}, "provinces must be a collection of codes, got the string"),
    ({"zones": ["45148"]}, r"zones must be six-digit codes, got \['45148'\]"),
    ({"provinces": ["450000"], "everything": True}, "a scope of everything lists no regions"),
])
def test_a_bad_scope_is_refused(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        Scope(**kwargs)
