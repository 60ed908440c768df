"""Signing in: outcomes, the lockout under brute force (an injected clock, no sleeping), unknown names,
rehashing, the first admin, and account changes, each with its audit rows."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from queries import access
from queries.access import AccessPolicy, Grant, authenticate, passwords
from queries.store import Store
from tests.queries.test_access import CHEAP, accounts_store

NOW = datetime(2026, 5, 1, 9, 0)
PASSWORD = "correct horse battery"
CLI = {"actor": "os:tester", "source": "cli", "now": NOW}


@pytest.fixture
def empty_store(tmp_path, monkeypatch) -> Store:
    """A store without accounts; argon2id at a test's cost, so that tests can sign in many times."""
    monkeypatch.setattr(passwords, "HASHER", CHEAP)
    return accounts_store(tmp_path)


@pytest.fixture
def store(empty_store) -> Store:
    """A store with one analyst, ana, who sees Guangxi."""
    access.add_user(empty_store, "ana", PASSWORD, "analyst", display_name="Ana Li",
                    grants=[Grant("province", "450000")], **CLI)
    return empty_store


def audit(store, **filters) -> list[tuple[str, str, dict]]:
    rows = access.read_audit(store, **filters)
    return [(row.username, row.kind, json.loads(row.details)) for row in rows.itertuples()]


def test_the_right_password_signs_in_and_returns_the_user_with_its_scope(store):
    signed = authenticate(store, "ana", PASSWORD, NOW)
    assert signed.outcome == "ok"
    assert (signed.user.username, signed.user.role, signed.user.last_sign_in_at) == ("ana", "analyst", NOW)
    assert signed.user.scope == access.Scope(provinces=("450000",))
    assert audit(store, kind="sign_in") == [("ana", "sign_in", {"rehashed": False})]


def test_names_are_matched_without_case_or_surrounding_spaces(store):
    assert authenticate(store, "  ANA ", PASSWORD, NOW).outcome == "ok"


@pytest.mark.parametrize("password", ["correct horse batter", "CORRECT HORSE BATTERY", "", PASSWORD + " "])
def test_a_wrong_password_is_wrong_and_counted(store, password):
    signed = authenticate(store, "ana", password, NOW)
    assert (signed.outcome, signed.user) == ("wrong", None)
    assert access.get_user(store, "ana").failed_sign_ins == 1
    assert audit(store, kind="sign_in_failed") == [
        ("ana", "sign_in_failed", {"reason": "wrong_password", "failures": 1})]


def test_brute_force_hits_the_lockout_which_lifts_after_the_lock_time(store):
    policy = AccessPolicy(max_failures=5, lock=timedelta(minutes=15))
    outcomes = [authenticate(store, "ana", f"guess number {n}", NOW + timedelta(seconds=n), policy=policy).outcome
                for n in range(1, 6)]
    assert outcomes == ["wrong"] * 4 + ["locked"]
    locked_at = NOW + timedelta(seconds=5)
    assert access.get_user(store, "ana").locked_until == locked_at + timedelta(minutes=15)
    # while locked, even the right password is refused, and the lock is not extended
    for later in (timedelta(seconds=1), timedelta(minutes=14, seconds=59)):
        assert authenticate(store, "ana", PASSWORD, locked_at + later, policy=policy).outcome == "locked"
    assert access.get_user(store, "ana").locked_until == locked_at + timedelta(minutes=15)
    assert [kind for _, kind, _ in audit(store)].count("locked_out") == 1
    # after the lock time the right password works and the count starts again
    signed = authenticate(store, "ana", PASSWORD, locked_at + timedelta(minutes=15), policy=policy)
    assert signed.outcome == "ok" and signed.user.failed_sign_ins == 0 and signed.user.locked_until is None


def test_after_a_lapsed_lock_failures_are_counted_afresh(store):
    policy = AccessPolicy(max_failures=2, lock=timedelta(minutes=1))
    assert [authenticate(store, "ana", "wrong wrong wrong", NOW, policy=policy).outcome for _ in range(2)] == [
        "wrong", "locked"]
    after = NOW + timedelta(minutes=2)
    assert authenticate(store, "ana", "wrong wrong wrong", after, policy=policy).outcome == "wrong"
    assert access.get_user(store, "ana").failed_sign_ins == 1


def test_a_locked_attempt_is_audited_with_the_lock(store):
    policy = AccessPolicy(max_failures=1)
    authenticate(store, "ana", "nope nope nope", NOW, policy=policy)
    authenticate(store, "ana", PASSWORD, NOW, policy=policy)
    until = str(NOW + policy.lock)
    assert audit(store)[-3:] == [
        ("ana", "sign_in_failed", {"reason": "wrong_password", "failures": 1}),
        ("ana", "locked_out", {"failures": 1, "locked_until": until}),
        ("ana", "sign_in_failed", {"reason": "locked", "locked_until": until}),
    ]


class CountingHasher(PasswordHasher):
    """The cheap hasher, noting in ``verified`` each hash it verifies against."""

    def verify(self, password_hash, password):
        self.verified.append(password_hash)
        return super().verify(password_hash, password)


def test_an_unknown_name_costs_one_verification_against_a_hash_with_the_same_parameters(store, monkeypatch):
    hasher = CountingHasher(time_cost=1, memory_cost=8, parallelism=1)
    verified = hasher.verified = []
    monkeypatch.setattr(passwords, "HASHER", hasher)
    assert authenticate(store, "ana", "not her password", NOW).outcome == "wrong"
    assert authenticate(store, "nobody", "not her password", NOW).outcome == "wrong"
    assert len(verified) == 2
    assert not any(passwords.needs_rehash(h) for h in verified)  # both made with the current parameters
    assert verified[0].split("$")[:4] == verified[1].split("$")[:4]  # same algorithm, version and cost
    assert audit(store, username="nobody") == [("nobody", "sign_in_failed", {"reason": "unknown_user"})]


def test_an_unknown_name_is_never_locked_and_a_long_one_is_cut_in_the_audit(store):
    outcomes = {authenticate(store, "x" * 500, "guess guess guess", NOW, policy=AccessPolicy(max_failures=1)).outcome
                for _ in range(3)}
    assert outcomes == {"wrong"}
    assert {name for name, _, _ in audit(store, kind="sign_in_failed")} == {"x" * access.ATTEMPTED_NAME_CHARS}


def test_a_disabled_account_cannot_sign_in(store):
    access.set_active(store, "ana", False, **CLI)
    assert authenticate(store, "ana", PASSWORD, NOW).outcome == "disabled"
    assert audit(store, kind="sign_in_failed") == [("ana", "sign_in_failed", {"reason": "disabled"})]
    access.set_active(store, "ana", True, **CLI)
    assert authenticate(store, "ana", PASSWORD, NOW).outcome == "ok"


def test_a_hash_with_outdated_parameters_is_replaced_at_the_next_sign_in(store, monkeypatch):
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(passwords, "HASHER", stronger)
    signed = authenticate(store, "ana", PASSWORD, NOW)
    assert signed.outcome == "ok"
    assert audit(store, kind="sign_in") == [("ana", "sign_in", {"rehashed": True})]
    with store.reading() as con:
        stored = con.execute("SELECT password_hash FROM users WHERE username = 'ana'").fetchone()[0]
    assert "m=16,t=2,p=1" in stored and not stronger.check_needs_rehash(stored)
    assert authenticate(store, "ana", PASSWORD, NOW).outcome == "ok"  # the new hash verifies


def test_ensure_admin_creates_one_admin_once(empty_store):
    password = access.ensure_admin(empty_store, now=NOW)
    assert isinstance(password, str) and len(password) >= access.MIN_PASSWORD_LENGTH
    assert access.ensure_admin(empty_store, now=NOW) is None
    assert [(u.username, u.role, u.active) for u in access.list_users(empty_store)] == [("admin", "admin", True)]
    assert authenticate(empty_store, "admin", password, NOW).user.scope == access.Scope(everything=True)
    details = [d for _, kind, d in audit(empty_store) if kind == "user_added"]
    assert details == [{"user": "admin", "role": "admin", "grants": []}]
    assert password not in access.read_audit(empty_store).to_csv()


def test_ensure_admin_does_nothing_where_accounts_exist(store):
    assert access.ensure_admin(store, now=NOW) is None
    assert [u.username for u in access.list_users(store)] == ["ana"]


def test_account_changes_take_effect_and_write_their_audit_rows(store):
    access.add_user(store, "root.admin", "another long password", "admin", **CLI)
    access.change_grants(store, "ana", grant=[Grant("zone", "533102")], revoke=[Grant("province", "450000")], **CLI)
    assert access.get_user(store, "ana").scope == access.Scope(zones=("533102",))
    access.set_role(store, "ana", "planner", **CLI)
    access.set_password(store, "ana", "a brand new passphrase", **CLI)
    access.set_active(store, "ana", False, **CLI)
    access.set_active(store, "ana", True, **CLI)
    assert authenticate(store, "ana", PASSWORD, NOW).outcome == "wrong"
    assert authenticate(store, "ana", "a brand new passphrase", NOW).user.role == "planner"
    changes = [(actor, kind, details) for actor, kind, details in audit(store) if actor == "os:tester"]
    assert changes == [
        ("os:tester", "user_added", {"user": "ana", "role": "analyst", "grants": ["province:450000"]}),
        ("os:tester", "user_added", {"user": "root.admin", "role": "admin", "grants": []}),
        ("os:tester", "grant_changed", {"user": "ana", "granted": ["zone:533102"], "revoked": ["province:450000"],
                                        "grants": ["zone:533102"]}),
        ("os:tester", "role_changed", {"user": "ana", "from": "analyst", "to": "planner"}),
        ("os:tester", "password_changed", {"user": "ana"}),
        ("os:tester", "user_disabled", {"user": "ana"}),
        ("os:tester", "user_enabled", {"user": "ana"}),
    ]
    assert {source for *_, source in access.read_audit(store).itertuples()} == {"cli", "dashboard"}


def test_enabling_or_a_new_password_lifts_a_lockout(store):
    authenticate(store, "ana", "nope nope nope", NOW, policy=AccessPolicy(max_failures=1))
    assert access.get_user(store, "ana").locked(NOW)
    access.set_active(store, "ana", True, **CLI)
    assert not access.get_user(store, "ana").locked(NOW)
    authenticate(store, "ana", "nope nope nope", NOW, policy=AccessPolicy(max_failures=1))
    access.set_password(store, "ana", "a brand new passphrase", **CLI)
    assert authenticate(store, "ana", "a brand new passphrase", NOW).outcome == "ok"


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: access.add_user(s, "ana", "some other password", "analyst", **CLI), "user 'ana' already exists"),
    (lambda s: access.add_user(s, "Bob", "some other password", "analyst", **CLI), "got 'Bob'"),
    (lambda s: access.add_user(s, "os:bob", "some other password", "analyst", **CLI), "got 'os:bob'"),
    (lambda s: access.add_user(s, "bob", "some other password", "chief", **CLI), "unknown role 'chief'"),
    (lambda s: access.add_user(s, "bob", "bob's password!", "analyst", **CLI), "must not contain the username"),
    (lambda s: access.add_user(s, "bob", "some other password", "analyst", grants=[Grant("zone", "450102")], **CLI),
     "450102 is not a border zone"),
    (lambda s: access.change_grants(s, "ana", grant=[Grant("province", "451481")], **CLI), "451481 is not a province"),
    (lambda s: access.change_grants(s, "ana", **CLI), "at least one region"),
    (lambda s: access.set_role(s, "zed", "admin", **CLI), "no user 'zed'"),
])
def test_a_bad_change_is_refused_and_changes_nothing(store, change, message):
    before = (access.list_users(store), access.read_audit(store))
    with pytest.raises(ValueError, match=message):
        change(store)
    after = (access.list_users(store), access.read_audit(store))
    assert after[0] == before[0] and after[1].equals(before[1])


def test_the_last_active_admin_cannot_be_disabled_or_demoted(store):
    access.add_user(store, "boss", "the chief's passphrase", "admin", **CLI)
    for change in (lambda: access.set_active(store, "boss", False, **CLI),
                   lambda: access.set_role(store, "boss", "planner", **CLI)):
        with pytest.raises(ValueError, match="'boss' is the last active admin"):
            change()
    access.add_user(store, "deputy", "a second passphrase", "admin", **CLI)
    assert access.set_role(store, "boss", "planner", **CLI).role == "planner"


def test_a_display_session_is_kept_alive_by_its_refresh_and_ends_at_its_own_lifetime(store):
    from queries import sessions

    access.add_user(store, "wall", PASSWORD, "display", grants=[Grant("province", "450000")], **CLI)
    # an idle limit of 6 h keeps the week of refreshes below to a few dozen checks (each one a write)
    policy = AccessPolicy(session_idle=timedelta(hours=6), session_max=timedelta(hours=12),
                          display_session_max=timedelta(days=7))
    wall = sessions.redeem(store, sessions.start(store, "wall", NOW, policy=policy), NOW)
    ana = sessions.redeem(store, sessions.start(store, "ana", NOW, policy=policy), NOW)
    assert sessions.check(store, ana, NOW + timedelta(hours=5), activity=False, policy=policy).user is not None
    assert sessions.check(store, ana, NOW + timedelta(hours=10), activity=False, policy=policy).ended == "idle"
    # a week of refreshes, nobody at the keyboard: the display's refresh is its use ...
    end = NOW + timedelta(days=7)
    now = NOW
    while now < end:
        assert sessions.check(store, wall, now, activity=False, policy=policy).user.role == "display"
        now += timedelta(hours=5)
    # ... until the end of its lifetime
    assert sessions.check(store, wall, end, activity=False, policy=policy) == sessions.SessionCheck(None, "expired")
    # with the refresh stopped (the screen is off), a display goes idle like any session
    wall = sessions.redeem(store, sessions.start(store, "wall", NOW, policy=policy), NOW)
    quiet = NOW + timedelta(hours=6)
    assert sessions.check(store, wall, quiet, activity=False, policy=policy) == sessions.SessionCheck(None, "idle")


def test_disabling_a_display_account_ends_its_session_at_the_next_refresh(store):
    from queries import sessions

    access.add_user(store, "wall", PASSWORD, "display", grants=[Grant("all")], **CLI)
    wall = sessions.redeem(store, sessions.start(store, "wall", NOW), NOW)
    assert sessions.check(store, wall, NOW, activity=False).user is not None
    access.set_active(store, "wall", False, **CLI)
    assert sessions.check(store, wall, NOW + timedelta(seconds=5), activity=False) == sessions.SessionCheck(None, "account")
    assert not sessions.is_open(store, wall, NOW + timedelta(seconds=6))
