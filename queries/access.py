"""Access control and audit: accounts, roles, region scopes, sign-in and the audit trail.

The store side of Cordon's access control; the dashboard builds sign-in, page gating and the audit
page on it. All of it is plain functions and values over a :class:`~queries.store.Store`:

* **Roles** (``queries.constants.ROLES``, lowest first) and what each may do, :data:`PERMISSIONS`,
  defined once; :func:`may` answers for a page or an action.
* **Passwords** are argon2id hashes (argon2-cffi's defaults, RFC 9106's low-memory profile), kept
  to :func:`check_password`'s policy; a hash made with older parameters is replaced at the next
  sign-in.
* **Sign-in** (:func:`authenticate`) verifies one hash per attempt, also for a name that does not
  exist (against a dummy hash with the same parameters), so that the time taken does not tell which
  names exist. ``AccessPolicy.max_failures`` wrong passwords in a row lock the account for
  ``AccessPolicy.lock``. The hash is verified outside the store's write lock, so that attempts do
  not stall the other sessions' reads.
* **Scopes**: a user sees the provinces and border zones granted (:class:`Grant`); admins and users
  granted ``all`` see everything. ``Store.reading(scope=...)`` sets a :class:`Scope` on the
  connection and the ``filtered_seizures`` macro applies it to every query that reads seizures.
* **Audit**: each sign-in and each change writes its ``audit_log`` row in the transaction of the
  change (:func:`record_event`); nothing here or in queries/sql updates or deletes audit rows.
  DuckDB has no triggers and no grants: whoever can write the database file can still alter it,
  so the file's own permissions are the last line.

Times are Beijing time without a time zone, as the store keeps them; callers pass ``now``.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import secrets
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from queries.constants import ROLES
from queries.seed import beijing_now
from queries.settings import env_number
from queries.store import Store, bind, load_sql, run

ROLE_RANKS = {role: rank for rank, role in enumerate(ROLES)}

# Each page or action, and the lowest role that may use it: a role may do all that the roles below it may.
PERMISSIONS = {
    "live_map": "commander",
    "kpis": "commander",
    "filters": "analyst",
    "analysis": "analyst",
    "records": "analyst",
    "export": "planner",
    "brief": "planner",
    "users": "admin",
    "imports": "admin",
    "audit": "admin",
}

GRANT_KINDS = ("province", "zone", "all")
AUDIT_KINDS = (
    "sign_in",
    "sign_in_failed",
    "locked_out",
    "sign_out",
    "session_expired",
    "page_denied",
    "action_denied",
    "import",
    "export",
    "brief",
    "audit_export",
    "user_added",
    "user_disabled",
    "user_enabled",
    "grant_changed",
    "role_changed",
    "password_changed",
)
AUDIT_SOURCES = ("cli", "dashboard")
SIGN_IN_OUTCOMES = ("ok", "wrong", "locked", "disabled", "throttled")

ADMIN_USERNAME = "admin"
USERNAME_PATTERN = re.compile(r"[a-z][a-z0-9._-]{2,31}")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this bounds the work one request can ask for
ATTEMPTED_NAME_CHARS = 64  # how much of a name tried in a failed sign-in the audit trail keeps

# The policy's defaults and the environment variables that override them (see AccessPolicy.from_env).
DEFAULT_MAX_FAILURES = 5
DEFAULT_LOCK_MIN = 15
DEFAULT_SESSION_IDLE_MIN = 30
DEFAULT_SESSION_MAX_HOURS = 12
DEFAULT_CLIENT_ATTEMPTS_PER_MIN = 10
MAX_FAILURES_ENV = "CORDON_SIGNIN_MAX_FAILURES"
LOCK_MIN_ENV = "CORDON_SIGNIN_LOCK_MIN"
SESSION_IDLE_ENV = "CORDON_SESSION_IDLE_MIN"
SESSION_MAX_ENV = "CORDON_SESSION_MAX_HOURS"
CLIENT_ATTEMPTS_ENV = "CORDON_SIGNIN_CLIENT_PER_MIN"

HASHER = PasswordHasher()  # argon2id; t=3, m=64 MiB, p=4 (about 0.5 s a hash on the 2-core reference machine)
# One password hash at a time in this process, whoever asks: sign-ins from many clients queue here instead
# of taking every core from the sessions that are reading.
HASHING = threading.BoundedSemaphore(1)


# -- roles and policy ------------------------------------------------------------------------------

def _check_role(role: str) -> None:
    if role not in ROLE_RANKS:
        raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLES)}")


def may(role: str, action: str) -> bool:
    """Whether ``role`` may open the page or take the action ``action`` (a key of :data:`PERMISSIONS`).

    >>> may("analyst", "records"), may("analyst", "export")
    (True, False)
    """
    _check_role(role)
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}; known: {', '.join(PERMISSIONS)}")
    return ROLE_RANKS[role] >= ROLE_RANKS[PERMISSIONS[action]]


@dataclass(frozen=True)
class AccessPolicy:
    """The sign-in and session limits, in one place.

    max_failures: wrong passwords in a row that lock an account; lock: for how long; session_idle:
    how long a dashboard session may sit unused before it must sign in again; session_max: how long a
    session lasts however busy; client_attempts: sign-in attempts one client address may make a minute.
    """

    max_failures: int = DEFAULT_MAX_FAILURES
    lock: timedelta = timedelta(minutes=DEFAULT_LOCK_MIN)
    session_idle: timedelta = timedelta(minutes=DEFAULT_SESSION_IDLE_MIN)
    session_max: timedelta = timedelta(hours=DEFAULT_SESSION_MAX_HOURS)
    client_attempts: int = DEFAULT_CLIENT_ATTEMPTS_PER_MIN

    def __post_init__(self):
        for name in ("max_failures", "client_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be 1 or more, got {getattr(self, name)}")
        for name in ("lock", "session_idle", "session_max"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be longer than 0, got {getattr(self, name)}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> AccessPolicy:
        """The defaults, with ``CORDON_SIGNIN_MAX_FAILURES``, ``CORDON_SIGNIN_LOCK_MIN``,
        ``CORDON_SESSION_IDLE_MIN`` (minutes), ``CORDON_SESSION_MAX_HOURS`` and
        ``CORDON_SIGNIN_CLIENT_PER_MIN`` where set; a ValueError naming a bad one."""
        return cls(
            max_failures=env_number(environ, MAX_FAILURES_ENV, DEFAULT_MAX_FAILURES, int),
            lock=timedelta(minutes=env_number(environ, LOCK_MIN_ENV, DEFAULT_LOCK_MIN, float)),
            session_idle=timedelta(minutes=env_number(environ, SESSION_IDLE_ENV, DEFAULT_SESSION_IDLE_MIN, float)),
            session_max=timedelta(hours=env_number(environ, SESSION_MAX_ENV, DEFAULT_SESSION_MAX_HOURS, float)),
            client_attempts=env_number(environ, CLIENT_ATTEMPTS_ENV, DEFAULT_CLIENT_ATTEMPTS_PER_MIN, int),
        )


def session_expired(last_seen: datetime, now: datetime, idle: timedelta) -> bool:
    """Whether a session last used at ``last_seen`` has sat idle for ``idle`` or longer at ``now``."""
    if idle <= timedelta(0):
        raise ValueError(f"idle must be longer than 0, got {idle}")
    return now - last_seen >= idle


# -- regions ---------------------------------------------------------------------------------------

_CODE = re.compile(r"[0-9]{6}")


@dataclass(frozen=True, order=True)
class Grant:
    """A region a user may see: a province (``province:450000``), a border zone by its county code
    (``zone:451481``) or everything (``all``)."""

    kind: str
    code: str = "*"

    def __post_init__(self):
        if self.kind not in GRANT_KINDS:
            raise ValueError(f"unknown grant kind {self.kind!r}; known: {', '.join(GRANT_KINDS)}")
        if (self.code != "*") if self.kind == "all" else not _CODE.fullmatch(self.code):
            raise ValueError(f"a {self.kind} grant needs {'no code' if self.kind == 'all' else 'a six-digit code'}, "
                             f"got {self.code!r}")

    @classmethod
    def parse(cls, text: str) -> Grant:
        """``all``, ``province:CODE`` or ``zone:CODE``, as the command line and the audit trail write it."""
        if text == "all":
            return cls("all")
        kind, _, code = text.partition(":")
        if kind not in ("province", "zone") or not code:
            raise ValueError(f"a grant is 'all', 'province:CODE' or 'zone:CODE', got {text!r}")
        return cls(kind, code)

    def __str__(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.code}"


def _codes(values: Iterable[str], what: str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise TypeError(f"{what} must be a collection of codes, got the string {values!r}")
    codes = tuple(sorted(set(values)))
    bad = [code for code in codes if not (isinstance(code, str) and _CODE.fullmatch(code))]
    if bad:
        raise ValueError(f"{what} must be six-digit codes, got {bad}")
    return codes


@dataclass(frozen=True)
class Scope:
    """What a connection may read: the seizures of the granted provinces or border zones, or all.

    Hashable and ordered (codes sorted), so that the dashboard keys its caches by it: a cache shared
    between scopes would hand one user's rows to another.

    >>> Scope(provinces=["450000"]).everything, Scope.of([Grant("all")], "analyst").everything
    (False, True)
    """

    provinces: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    everything: bool = False

    def __post_init__(self):
        object.__setattr__(self, "provinces", _codes(self.provinces, "provinces"))
        object.__setattr__(self, "zones", _codes(self.zones, "zones"))
        if self.everything and (self.provinces or self.zones):
            raise ValueError(f"a scope of everything lists no regions, got {self.provinces + self.zones}")

    @classmethod
    def of(cls, grants: Iterable[Grant], role: str) -> Scope:
        """The scope of a user with ``role`` and ``grants``: everything for admins and ``all``."""
        _check_role(role)
        grants = tuple(grants)
        if role == "admin" or any(grant.kind == "all" for grant in grants):
            return cls(everything=True)
        return cls(provinces=[g.code for g in grants if g.kind == "province"],
                   zones=[g.code for g in grants if g.kind == "zone"])

    def apply(self, con: duckdb.DuckDBPyConnection) -> None:
        """Scope the connection: ``filtered_seizures`` then returns only this scope's rows."""
        if not self.everything:
            run(con, "access_scope_provinces", {"provinces": list(self.provinces)})
            run(con, "access_scope_zones", {"zones": list(self.zones)})


# -- accounts --------------------------------------------------------------------------------------

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

    @property
    def scope(self) -> Scope:
        """What this user may read: pass it to ``Store.reading(scope=...)``."""
        return Scope.of(self.grants, self.role)

    def locked(self, now: datetime) -> bool:
        """Whether the account is locked out at ``now``."""
        return _locked(self.locked_until, now)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt and, when it is ``ok``, the user.

    ``wrong``: a wrong password or no such account; ``locked``: too many failures (this attempt's
    included); ``disabled``: the account is switched off. Show the same words for every outcome but
    ``ok``: telling them apart tells a stranger which names exist.
    """

    outcome: str
    user: User | None = None

    def __post_init__(self):
        if self.outcome not in SIGN_IN_OUTCOMES:
            raise ValueError(f"unknown sign-in outcome {self.outcome!r}; known: {', '.join(SIGN_IN_OUTCOMES)}")
        if (self.outcome == "ok") != (self.user is not None):
            raise ValueError(f"a sign-in carries its user exactly when it is ok, got {self.outcome} with {self.user}")


def _locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of a query file as dicts of Python values (None for NULL)."""
    sql = load_sql(name)
    cursor = con.execute(sql, bind(sql, params))
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _users(con: duckdb.DuckDBPyConnection, username: str | None = None) -> list[User]:
    return [
        User(**{**row, "grants": tuple(Grant(g["kind"], g["code"]) for g in row["grants"])})
        for row in _rows(con, "users_list", {"username": username})
    ]


def _account(con: duckdb.DuckDBPyConnection, username: str) -> User:
    found = _users(con, username)
    if not found:
        raise ValueError(f"no user {username!r}; list them with: python -m queries users list")
    return found[0]


def _check_username(username: str) -> None:
    if not (isinstance(username, str) and USERNAME_PATTERN.fullmatch(username)):
        raise ValueError("a username has 3 to 32 characters: lowercase letters, digits, '.', '_' or '-', "
                         f"starting with a letter; got {username!r}")


def check_password(password: str, username: str) -> None:
    """Refuse a password that breaks the policy, with a ValueError naming the rule (never the password):
    at least 12 characters, at most 1024, and not containing the username."""
    if not isinstance(password, str):
        raise TypeError(f"a password must be a str, got {type(password).__name__}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"a password may have at most {MAX_PASSWORD_LENGTH} characters, got {len(password)}")
    if username.lower() in password.lower():
        raise ValueError(f"a password must not contain the username {username!r}")


def os_actor() -> str:
    """Who runs this process, as the audit trail names the command line's operator: ``os:<login>``
    (Cordon's usernames have no colon, so it cannot be mistaken for an account)."""
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in the environment or the password database
        return "os:unknown"


def record_event(con: duckdb.DuckDBPyConnection, kind: str, username: str, details: Mapping[str, Any], *,
                 source: str, at: datetime) -> None:
    """Append an event to the audit trail inside the caller's write transaction, so that a change and
    its audit row are written together or not at all.

    username: who did it (or the name tried, for a failed sign-in); details: what, as JSON (which
    filters, how many records, which file, which account); values JSON lacks, such as dates, as text.

    >>> with store.writing() as con:                                             # doctest: +SKIP
    ...     record_event(con, "export", "ana", {"records": 120, "file": "gx.csv"}, source="dashboard", at=now)
    """
    if kind not in AUDIT_KINDS:
        raise ValueError(f"unknown audit kind {kind!r}; known: {', '.join(AUDIT_KINDS)}")
    if source not in AUDIT_SOURCES:
        raise ValueError(f"unknown audit source {source!r}; known: {', '.join(AUDIT_SOURCES)}")
    text = json.dumps(dict(details), ensure_ascii=False, sort_keys=True, default=str)
    run(con, "audit_insert", {"at": at, "username": username, "kind": kind, "details": text, "source": source})


def record_cli_event(store: Store, kind: str, details: Mapping[str, Any]) -> None:
    """Append an event done by the command line's operator (:func:`os_actor`, source ``cli``), at
    Beijing time now, in a write transaction of its own."""
    with store.writing() as con:
        record_event(con, kind, os_actor(), details, source="cli", at=beijing_now())


def read_audit(store: Store, *, since: datetime | None = None, kind: str | None = None,
               username: str | None = None) -> pd.DataFrame:
    """The audit trail, oldest first: audit_id, event_at, username, kind, details (JSON text), source."""
    if kind is not None and kind not in AUDIT_KINDS:
        raise ValueError(f"unknown audit kind {kind!r}; known: {', '.join(AUDIT_KINDS)}")
    with store.reading() as con:
        return run(con, "audit_list", {"since": since, "kind": kind, "username": username})


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
    if not _rows(con, "users_region_known", {"kind": grant.kind, "code": grant.code})[0]["known"]:
        what = "province" if grant.kind == "province" else "border zone (a border county's code)"
        raise ValueError(f"{grant.code} is not a {what} in admin_units; "
                         "the reference tables are written by: python -m queries seed")


def _insert_user(con: duckdb.DuckDBPyConnection, username: str, password_hash: str, role: str,
                 display_name: str, grants: tuple[Grant, ...], *, actor: str, source: str, now: datetime) -> User:
    if _users(con, username):
        raise ValueError(f"user {username!r} already exists")
    for grant in grants:
        _check_region_known(con, grant)
    run(con, "users_insert", {"username": username, "display_name": display_name,
                              "password_hash": password_hash, "role": role, "now": now})
    for grant in grants:
        run(con, "users_grant", {"username": username, "kind": grant.kind, "code": grant.code, "now": now})
    record_event(con, "user_added", actor,
                 {"user": username, "role": role, "grants": [str(g) for g in grants]}, source=source, at=now)
    return _account(con, username)


def add_user(store: Store, username: str, password: str, role: str, *, display_name: str | None = None,
             grants: Iterable[Grant] = (), actor: str, source: str, now: datetime) -> User:
    """Create an active account with its grants (a non-admin without grants sees nothing)."""
    _check_username(username)
    _check_role(role)
    check_password(password, username)
    display_name = display_name or username
    if not 1 <= len(display_name) <= 100:
        raise ValueError(f"a display name has 1 to 100 characters, got {len(display_name)}")
    grants = tuple(sorted(set(grants)))
    password_hash = HASHER.hash(password)  # before the write lock: hashing takes a while
    with store.writing() as con:
        return _insert_user(con, username, password_hash, role, display_name, grants,
                            actor=actor, source=source, now=now)


def ensure_admin(store: Store, *, source: str = "dashboard", now: datetime | None = None) -> str | None:
    """On a store without any account, create ``admin`` with a random password and return the
    password, for the caller to print once to the terminal (never to a log file or a page); None
    when accounts exist. Call it at start-up, after the database is created and seeded."""
    now = now or beijing_now()
    with store.writing() as con:
        if _rows(con, "users_counts", {})[0]["accounts"]:
            return None
        password = secrets.token_urlsafe(18)  # 24 characters, 144 random bits
        _insert_user(con, ADMIN_USERNAME, HASHER.hash(password), "admin", "Administrator", (),
                     actor=os_actor(), source=source, now=now)
    return password


def _refuse_losing_the_last_admin(con: duckdb.DuckDBPyConnection, user: User) -> None:
    if user.role == "admin" and user.active and _rows(con, "users_counts", {})[0]["active_admins"] <= 1:
        raise ValueError(f"{user.username!r} is the last active admin; make another admin first")


def set_active(store: Store, username: str, active: bool, *, actor: str, source: str, now: datetime) -> User:
    """Enable or disable an account; either lifts its lockout. The last active admin stays enabled."""
    with store.writing() as con:
        user = _account(con, username)
        if not active:
            _refuse_losing_the_last_admin(con, user)
        run(con, "users_set_active", {"username": username, "active": active, "now": now})
        record_event(con, "user_enabled" if active else "user_disabled", actor, {"user": username},
                     source=source, at=now)
        return _account(con, username)


def set_role(store: Store, username: str, role: str, *, actor: str, source: str, now: datetime) -> User:
    """Give an account another role. The last active admin stays an admin."""
    _check_role(role)
    with store.writing() as con:
        user = _account(con, username)
        if role != "admin":
            _refuse_losing_the_last_admin(con, user)
        run(con, "users_set_role", {"username": username, "role": role, "now": now})
        record_event(con, "role_changed", actor, {"user": username, "from": user.role, "to": role},
                     source=source, at=now)
        return _account(con, username)


def change_grants(store: Store, username: str, *, grant: Iterable[Grant] = (), revoke: Iterable[Grant] = (),
                  actor: str, source: str, now: datetime) -> User:
    """Grant and revoke regions of an account; its audit row lists both and the grants that result."""
    grant, revoke = tuple(sorted(set(grant))), tuple(sorted(set(revoke)))
    if not grant and not revoke:
        raise ValueError("give at least one region to grant or revoke")
    with store.writing() as con:
        _account(con, username)
        for region in grant:
            _check_region_known(con, region)
            run(con, "users_grant", {"username": username, "kind": region.kind, "code": region.code, "now": now})
        for region in revoke:
            run(con, "users_revoke", {"username": username, "kind": region.kind, "code": region.code})
        user = _account(con, username)
        record_event(con, "grant_changed", actor,
                     {"user": username, "granted": [str(g) for g in grant], "revoked": [str(g) for g in revoke],
                      "grants": [str(g) for g in user.grants]}, source=source, at=now)
        return user


def set_password(store: Store, username: str, password: str, *, actor: str, source: str, now: datetime) -> User:
    """Give an account a new password (kept to the policy); its lockout is lifted."""
    check_password(password, username)
    password_hash = HASHER.hash(password)
    with store.writing() as con:
        _account(con, username)
        run(con, "users_set_password", {"username": username, "password_hash": password_hash, "now": now})
        record_event(con, "password_changed", actor, {"user": username}, source=source, at=now)
        return _account(con, username)


# -- sign-in ---------------------------------------------------------------------------------------

_DUMMY: dict[str, str] = {}


def _dummy_hash() -> str:
    """The hash a name that does not exist is verified against: a random secret's, made with the
    current parameters (again when they change), so that it costs what a real account's costs."""
    if "hash" not in _DUMMY or HASHER.check_needs_rehash(_DUMMY["hash"]):
        _DUMMY["hash"] = HASHER.hash(secrets.token_urlsafe(32))
    return _DUMMY["hash"]


def _verify(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the hash (argon2 compares in constant time)."""
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class ClientThrottle:
    """Sign-in attempts per client address over the last minute, in this process: the limit that an
    account's lockout cannot give, against one client trying many names (or keeping the cores busy
    hashing). Thread-safe; one instance serves every session of the dashboard."""

    WINDOW = timedelta(minutes=1)

    def __init__(self) -> None:
        self._attempts: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, now: datetime, limit: int) -> bool:
        """Count an attempt of ``client`` at ``now``; False (and not counted) when it has made ``limit``
        within the last minute."""
        with self._lock:
            recent = self._attempts.setdefault(client, deque())
            while recent and recent[0] <= now - self.WINDOW:
                recent.popleft()
            if len(recent) >= limit:
                return False
            recent.append(now)
            if len(self._attempts) > 10_000:  # forget the addresses that have gone quiet
                self._attempts = {key: times for key, times in self._attempts.items() if times}
            return True


def authenticate(store: Store, username: str, password: str, now: datetime, *,
                 policy: AccessPolicy | None = None, source: str = "dashboard",
                 client: str | None = None, throttle: ClientThrottle | None = None) -> SignIn:
    """Check a sign-in attempt, update the account's lockout state and write the audit rows.

    One argon2 verification per attempt, whatever the name: an unknown name is verified against a
    dummy hash with the same parameters. A locked or disabled account is verified too, and refused.
    ``policy.max_failures`` wrong passwords in a row lock the account until ``now + policy.lock``
    (the attempt that locks it returns ``locked``); once the lock has lapsed, counting starts again.
    A right password resets the count and, when the hash's parameters are outdated, rehashes it.
    With a ``throttle``, an attempt beyond ``policy.client_attempts`` a minute from ``client`` is
    ``throttled`` before any hash is computed (its audit row: the first one of each minute). Hashes are
    computed one at a time in the process (:data:`HASHING`).

    >>> authenticate(store, "ana", "correct horse battery", beijing_now()).outcome   # doctest: +SKIP
    'ok'
    """
    if not isinstance(password, str):
        raise TypeError(f"a password must be a str, got {type(password).__name__}")
    policy = policy or AccessPolicy.from_env()
    name = str(username).strip().lower()[:ATTEMPTED_NAME_CHARS] or "-"
    client = client[:100] if client else None  # the command line has none
    if throttle is not None and not throttle.allow(client or "unknown", now, policy.client_attempts):
        if throttle.allow(f"audit:{client}", now, 1):  # one audit row a minute per client, not one per attempt
            with store.writing() as con:
                record_event(con, "sign_in_failed", name, {"reason": "throttled", "client": client or "unknown"},
                             source=source, at=now)
        return SignIn("throttled")
    with HASHING:
        dummy = _dummy_hash()  # first, so that making it costs the same on either path
        with store.reading() as con:
            found = _rows(con, "users_credentials", {"username": name})
        verified_hash = found[0]["password_hash"] if found else dummy
        matches = _verify(verified_hash, password) and bool(found)
        new_hash = HASHER.hash(password) if matches and HASHER.check_needs_rehash(verified_hash) else verified_hash
    with store.writing() as con:
        return _settle(con, name, matches, verified_hash, new_hash, now, policy, source, client)


def _settle(con: duckdb.DuckDBPyConnection, name: str, matches: bool, verified_hash: str, new_hash: str,
            now: datetime, policy: AccessPolicy, source: str, client: str | None) -> SignIn:
    """The outcome of a verified attempt, from the account as it is now (read again under the write
    lock: another attempt may have counted a failure since), with its state and audit rows written."""
    where = {"client": client} if client else {}

    def failed(reason: str, **details: Any) -> None:
        record_event(con, "sign_in_failed", name, {"reason": reason, **where, **details}, source=source, at=now)

    found = _rows(con, "users_credentials", {"username": name})
    if not found:
        failed("unknown_user")
        return SignIn("wrong")
    account = found[0]
    if not account["active"]:
        failed("disabled")
        return SignIn("disabled")
    if _locked(account["locked_until"], now):
        failed("locked", locked_until=account["locked_until"])
        return SignIn("locked")
    state = {"username": name, "password_hash": account["password_hash"], "signed_in_at": None}
    if matches and account["password_hash"] == verified_hash:
        run(con, "users_sign_in_state", {**state, "failed_sign_ins": 0, "locked_until": None,
                                         "signed_in_at": now, "password_hash": new_hash})
        record_event(con, "sign_in", name, {"rehashed": new_hash != verified_hash, **where}, source=source, at=now)
        return SignIn("ok", _account(con, name))
    failures = 1 if account["locked_until"] is not None else account["failed_sign_ins"] + 1  # a lapsed lock: afresh
    locked_until = now + policy.lock if failures >= policy.max_failures else None
    run(con, "users_sign_in_state", {**state, "failed_sign_ins": failures, "locked_until": locked_until})
    failed("wrong_password", failures=failures)
    if locked_until is None:
        return SignIn("wrong")
    record_event(con, "locked_out", name, {"failures": failures, "locked_until": locked_until}, source=source, at=now)
    return SignIn("locked")
