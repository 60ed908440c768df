"""Accounts: who may sign in, with which role and regions; each change written with its audit row.

The last active admin can be neither disabled nor demoted, so that someone can always manage the others.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from queries.access import passwords
from queries.access.audit import os_actor, record_event
from queries.access.policy import locked
from queries.access.regions import Grant, Scope
from queries.access.roles import check_role
from queries.clock import beijing_now
from queries.store import ACCOUNTS_CLAIM, Store, bind, load_sql, new_ids, run

ADMIN_USERNAME = "admin"
USERNAME_PATTERN = re.compile(r"[a-z][a-z0-9._-]{2,31}")


@dataclass(frozen=True)
class User:
    """An account as the dashboard and the command line see it (never its password hash)."""

    username: str
    display_name: str
    role: str
    active: bool
    grants: tuple[Grant, ...]
    failed_sign_ins: int
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime
    password_changed_at: datetime
    last_sign_in_at: datetime | None
    personal_data: bool = False  # sees identity and phone numbers unmasked (migration 015; queries.sensitive)

    @property
    def scope(self) -> Scope:
        """What this user may read: pass it to ``Store.reading(scope=...)``."""
        return Scope.of(self.grants, self.role)

    def locked(self, now: datetime) -> bool:
        """Whether the account is locked out at ``now``."""
        return locked(self.locked_until, now)


def fetch_rows(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of a query file as dicts of Python values (None for NULL)."""
    sql = load_sql(name)
    cursor = con.execute(sql, bind(sql, params))
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _users(con: duckdb.DuckDBPyConnection, username: str | None = None) -> list[User]:
    return [
        User(**{**row, "grants": tuple(Grant(g["kind"], g["code"]) for g in row["grants"])})
        for row in fetch_rows(con, "users_list", {"username": username})
    ]


def account(con: duckdb.DuckDBPyConnection, username: str) -> User:
    """The account named ``username``, read on an open connection; a ValueError saying how to list them if none."""
    found = _users(con, username)
    if not found:
        raise ValueError(f"no user {username!r}; list them with: python -m queries users list")
    return found[0]


def _check_username(username: str) -> None:
    if not (isinstance(username, str) and USERNAME_PATTERN.fullmatch(username)):
        raise ValueError("a username has 3 to 32 characters: lowercase letters, digits, '.', '_' or '-', "
                         f"starting with a letter; got {username!r}")


def get_user(store: Store, username: str) -> User | None:
    """The account named ``username``, or None. The dashboard calls it on every rerun and signs the
    session out when it is None or not ``active``, so that disabling an account, a new role or new
    grants take effect at once."""
    with store.reading() as con:
        return read_user(con, username)


def read_user(con: duckdb.DuckDBPyConnection, username: str) -> User | None:
    """The account named ``username``, read on an open connection, or None."""
    found = _users(con, username)
    return found[0] if found else None


def list_users(store: Store) -> list[User]:
    """Every account, by name."""
    with store.reading() as con:
        return _users(con)


def _check_region_known(con: duckdb.DuckDBPyConnection, grant: Grant) -> None:
    if grant.kind == "all":
        return
    if not fetch_rows(con, "users_region_known", {"kind": grant.kind, "code": grant.code})[0]["known"]:
        what = "province" if grant.kind == "province" else "border zone (a border county's code)"
        raise ValueError(f"{grant.code} is not a {what} in admin_units; "
                         "the reference tables are written by: python -m queries seed")


def _insert_user(con: duckdb.DuckDBPyConnection, username: str, password_hash: str, role: str,
                 display_name: str, grants: tuple[Grant, ...], *, actor: str, source: str, now: datetime) -> User:
    if _users(con, username):
        raise ValueError(f"user {username!r} already exists")
    for grant in grants:
        _check_region_known(con, grant)
    (user_id,) = new_ids(con, "users", 1)
    run(con, "users_insert", {"user_id": user_id, "username": username, "display_name": display_name,
                              "password_hash": password_hash, "role": role, "now": now})
    for grant in grants:
        run(con, "users_grant", {"username": username, "kind": grant.kind, "code": grant.code, "now": now})
    record_event(con, "user_added", actor,
                 {"user": username, "role": role, "grants": [str(g) for g in grants]}, source=source, at=now)
    return account(con, username)


def add_user(store: Store, username: str, password: str, role: str, *, display_name: str | None = None,
             grants: Iterable[Grant] = (), actor: str, source: str, now: datetime) -> User:
    """Create an active account with its grants (a non-admin without grants sees nothing)."""
    _check_username(username)
    check_role(role)
    passwords.check_password(password, username)
    display_name = display_name or username
    if not 1 <= len(display_name) <= 100:
        raise ValueError(f"a display name has 1 to 100 characters, got {len(display_name)}")
    grants = tuple(sorted(set(grants)))
    password_hash = passwords.hash_password(password)  # before the write lock: hashing takes a while
    with store.writing(ACCOUNTS_CLAIM) as con:
        return _insert_user(con, username, password_hash, role, display_name, grants,
                            actor=actor, source=source, now=now)


def ensure_admin(store: Store, *, source: str = "dashboard", now: datetime | None = None) -> str | None:
    """On a store without any account, create ``admin`` with a random password and return the
    password, for the caller to print once to the terminal (never to a log file or a page); None
    when accounts exist. Call it at start-up, after the database is created and seeded."""
    now = now or beijing_now()
    with store.writing(ACCOUNTS_CLAIM) as con:
        if fetch_rows(con, "users_counts", {})[0]["accounts"]:
            return None
        password = secrets.token_urlsafe(18)  # 24 characters, 144 random bits
        _insert_user(con, ADMIN_USERNAME, passwords.hash_password(password), "admin", "Administrator", (),
                     actor=os_actor(), source=source, now=now)
    return password


def _refuse_losing_the_last_admin(con: duckdb.DuckDBPyConnection, user: User) -> None:
    if user.role == "admin" and user.active and fetch_rows(con, "users_counts", {})[0]["active_admins"] <= 1:
        raise ValueError(f"{user.username!r} is the last active admin; make another admin first")


def set_active(store: Store, username: str, active: bool, *, actor: str, source: str, now: datetime) -> User:
    """Enable or disable an account; either lifts its lockout. The last active admin stays enabled."""
    with store.writing(ACCOUNTS_CLAIM) as con:
        user = account(con, username)
        if not active:
            _refuse_losing_the_last_admin(con, user)
        run(con, "users_set_active", {"username": username, "active": active, "now": now})
        record_event(con, "user_enabled" if active else "user_disabled", actor, {"user": username},
                     source=source, at=now)
        return account(con, username)


def set_role(store: Store, username: str, role: str, *, actor: str, source: str, now: datetime) -> User:
    """Give an account another role. The last active admin stays an admin."""
    check_role(role)
    with store.writing(ACCOUNTS_CLAIM) as con:
        user = account(con, username)
        if role != "admin":
            _refuse_losing_the_last_admin(con, user)
        run(con, "users_set_role", {"username": username, "role": role, "now": now})
        record_event(con, "role_changed", actor, {"user": username, "from": user.role, "to": role},
                     source=source, at=now)
        return account(con, username)


def change_grants(store: Store, username: str, *, grant: Iterable[Grant] = (), revoke: Iterable[Grant] = (),
                  actor: str, source: str, now: datetime) -> User:
    """Grant and revoke regions of an account; its audit row lists both and the grants that result."""
    grant, revoke = tuple(sorted(set(grant))), tuple(sorted(set(revoke)))
    if not grant and not revoke:
        raise ValueError("give at least one region to grant or revoke")
    with store.writing(ACCOUNTS_CLAIM) as con:
        account(con, username)
        for region in grant:
            _check_region_known(con, region)
            run(con, "users_grant", {"username": username, "kind": region.kind, "code": region.code, "now": now})
        for region in revoke:
            run(con, "users_revoke", {"username": username, "kind": region.kind, "code": region.code})
        user = account(con, username)
        record_event(con, "grant_changed", actor,
                     {"user": username, "granted": [str(g) for g in grant], "revoked": [str(g) for g in revoke],
                      "grants": [str(g) for g in user.grants]}, source=source, at=now)
        return user


def set_personal_data(store: Store, username: str, granted: bool, *, actor: str, source: str,
                      now: datetime) -> User:
    """Grant or revoke an account's sight of personal data (identity and phone numbers unmasked, every view of a
    person audited: queries.sensitive); audited as a grant change."""
    with store.writing(ACCOUNTS_CLAIM) as con:
        account(con, username)
        run(con, "users_personal_data_grant" if granted else "users_personal_data_revoke",
            {"username": username, "now": now, "actor": actor})
        record_event(con, "grant_changed", actor, {"user": username, "personal_data": granted},
                     source=source, at=now)
        return account(con, username)


def set_password(store: Store, username: str, password: str, *, actor: str, source: str, now: datetime) -> User:
    """Give an account a new password (kept to the policy); its lockout is lifted."""
    passwords.check_password(password, username)
    password_hash = passwords.hash_password(password)
    with store.writing(ACCOUNTS_CLAIM) as con:
        account(con, username)
        run(con, "users_set_password", {"username": username, "password_hash": password_hash, "now": now})
        record_event(con, "password_changed", actor, {"user": username}, source=source, at=now)
        return account(con, username)
