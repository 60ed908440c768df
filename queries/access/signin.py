"""Sign-in: one password verification per attempt, account lockout, and a throttle per client address.

:func:`authenticate` verifies one hash per attempt, also for a name that does not exist (against a
dummy hash with the same parameters), so that the time taken does not tell which names exist.
``AccessPolicy.max_failures`` wrong passwords in a row lock the account for ``AccessPolicy.lock``. The
hash is verified outside the store's write lock, so that attempts do not stall the other sessions' reads.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb

from queries.access import passwords
from queries.access.accounts import User, account, fetch_rows
from queries.access.audit import record_event
from queries.access.policy import AccessPolicy, locked
from queries.store import ACCOUNTS_CLAIM, AUDIT_CLAIM, Store, run

SIGN_IN_OUTCOMES = ("ok", "wrong", "locked", "disabled", "throttled")
ATTEMPTED_NAME_CHARS = 64  # how much of a name tried in a failed sign-in the audit trail keeps


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
    computed one at a time in the process (:data:`passwords.HASHING`).

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
            with store.writing(AUDIT_CLAIM) as con:
                record_event(con, "sign_in_failed", name, {"reason": "throttled", "client": client or "unknown"},
                             source=source, at=now)
        return SignIn("throttled")
    with passwords.HASHING:
        dummy = passwords.dummy_hash()  # first, so that making it costs the same on either path
        with store.reading() as con:
            found = fetch_rows(con, "users_credentials", {"username": name})
        verified_hash = found[0]["password_hash"] if found else dummy
        matches = passwords.verify(verified_hash, password) and bool(found)
        new_hash = passwords.hash_password(password) if matches and passwords.needs_rehash(verified_hash) else verified_hash
    with store.writing(ACCOUNTS_CLAIM) as con:
        return _settle(con, name, matches, verified_hash, new_hash, now, policy, source, client)


def _settle(con: duckdb.DuckDBPyConnection, name: str, matches: bool, verified_hash: str, new_hash: str,
            now: datetime, policy: AccessPolicy, source: str, client: str | None) -> SignIn:
    """The outcome of a verified attempt, from the account as it is now (read again under the write
    lock: another attempt may have counted a failure since), with its state and audit rows written."""
    where = {"client": client} if client else {}

    def failed(reason: str, **details: Any) -> None:
        record_event(con, "sign_in_failed", name, {"reason": reason, **where, **details}, source=source, at=now)

    found = fetch_rows(con, "users_credentials", {"username": name})
    if not found:
        failed("unknown_user")
        return SignIn("wrong")
    credentials = found[0]
    if not credentials["active"]:
        failed("disabled")
        return SignIn("disabled")
    if locked(credentials["locked_until"], now):
        failed("locked", locked_until=credentials["locked_until"])
        return SignIn("locked")
    state = {"username": name, "password_hash": credentials["password_hash"], "signed_in_at": None}
    if matches and credentials["password_hash"] == verified_hash:
        run(con, "users_sign_in_state", {**state, "failed_sign_ins": 0, "locked_until": None,
                                         "signed_in_at": now, "password_hash": new_hash})
        record_event(con, "sign_in", name, {"rehashed": new_hash != verified_hash, **where}, source=source, at=now)
        return SignIn("ok", account(con, name))
    # After a lapsed lock, counting starts afresh.
    failures = 1 if credentials["locked_until"] is not None else credentials["failed_sign_ins"] + 1
    locked_until = now + policy.lock if failures >= policy.max_failures else None
    run(con, "users_sign_in_state", {**state, "failed_sign_ins": failures, "locked_until": locked_until})
    failed("wrong_password", failures=failures)
    if locked_until is None:
        return SignIn("wrong")
    record_event(con, "locked_out", name, {"failures": failures, "locked_until": locked_until}, source=source, at=now)
    return SignIn("locked")
