"""The sign-in and session limits (lockout, idle and longest session, attempts per client) and their
``CORDON_...`` environment variables, defined once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from queries.constants import DISPLAY_ROLE
from queries.settings import env_number

# The policy's defaults and the environment variables that override them (see AccessPolicy.from_env).
DEFAULT_MAX_FAILURES = 5
DEFAULT_LOCK_MIN = 15
DEFAULT_SESSION_IDLE_MIN = 30
DEFAULT_SESSION_MAX_HOURS = 12
DEFAULT_DISPLAY_SESSION_MAX_HOURS = 7 * 24  # a wall screen signs in again once a week
DEFAULT_CLIENT_ATTEMPTS_PER_MIN = 10
MAX_FAILURES_ENV = "CORDON_SIGNIN_MAX_FAILURES"
LOCK_MIN_ENV = "CORDON_SIGNIN_LOCK_MIN"
SESSION_IDLE_ENV = "CORDON_SESSION_IDLE_MIN"
SESSION_MAX_ENV = "CORDON_SESSION_MAX_HOURS"
DISPLAY_SESSION_MAX_ENV = "CORDON_DISPLAY_SESSION_MAX_HOURS"
CLIENT_ATTEMPTS_ENV = "CORDON_SIGNIN_CLIENT_PER_MIN"


@dataclass(frozen=True)
class AccessPolicy:
    """The sign-in and session limits, in one place.

    max_failures: wrong passwords in a row that lock an account; lock: for how long; session_idle:
    how long a dashboard session may sit unused before it must sign in again; session_max: how long a
    session lasts however busy; display_session_max: the same for a display account's session (a wall
    screen, kept from going idle by the live map's refresh); client_attempts: sign-in attempts one client
    address may make a minute.
    """

    max_failures: int = DEFAULT_MAX_FAILURES
    lock: timedelta = timedelta(minutes=DEFAULT_LOCK_MIN)
    session_idle: timedelta = timedelta(minutes=DEFAULT_SESSION_IDLE_MIN)
    session_max: timedelta = timedelta(hours=DEFAULT_SESSION_MAX_HOURS)
    display_session_max: timedelta = timedelta(hours=DEFAULT_DISPLAY_SESSION_MAX_HOURS)
    client_attempts: int = DEFAULT_CLIENT_ATTEMPTS_PER_MIN

    def __post_init__(self):
        for name in ("max_failures", "client_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be 1 or more, got {getattr(self, name)}")
        for name in ("lock", "session_idle", "session_max", "display_session_max"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be longer than 0, got {getattr(self, name)}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> AccessPolicy:
        """The defaults, with ``CORDON_SIGNIN_MAX_FAILURES``, ``CORDON_SIGNIN_LOCK_MIN``,
        ``CORDON_SESSION_IDLE_MIN`` (minutes), ``CORDON_SESSION_MAX_HOURS``,
        ``CORDON_DISPLAY_SESSION_MAX_HOURS`` and ``CORDON_SIGNIN_CLIENT_PER_MIN`` where set; a ValueError
        naming a bad one."""
        return cls(
            max_failures=env_number(environ, MAX_FAILURES_ENV, DEFAULT_MAX_FAILURES, int),
            lock=timedelta(minutes=env_number(environ, LOCK_MIN_ENV, DEFAULT_LOCK_MIN, float)),
            session_idle=timedelta(minutes=env_number(environ, SESSION_IDLE_ENV, DEFAULT_SESSION_IDLE_MIN, float)),
            session_max=timedelta(hours=env_number(environ, SESSION_MAX_ENV, DEFAULT_SESSION_MAX_HOURS, float)),
            display_session_max=timedelta(hours=env_number(environ, DISPLAY_SESSION_MAX_ENV,
                                                           DEFAULT_DISPLAY_SESSION_MAX_HOURS, float)),
            client_attempts=env_number(environ, CLIENT_ATTEMPTS_ENV, DEFAULT_CLIENT_ATTEMPTS_PER_MIN, int),
        )

    def session_lifetime(self, role: str) -> timedelta:
        """How long a session of an account of ``role`` lasts at most, however busy."""
        return self.display_session_max if role == DISPLAY_ROLE else self.session_max

    @property
    def longest_session(self) -> timedelta:
        """The longest any session lasts: the lifetime of the cookie that carries one."""
        return max(self.session_max, self.display_session_max)


def session_expired(last_seen: datetime, now: datetime, idle: timedelta) -> bool:
    """Whether a session last used at ``last_seen`` has sat idle for ``idle`` or longer at ``now``."""
    if idle <= timedelta(0):
        raise ValueError(f"idle must be longer than 0, got {idle}")
    return now - last_seen >= idle


def locked(locked_until: datetime | None, now: datetime) -> bool:
    """Whether an account locked out until ``locked_until`` (None: never locked) is still locked at ``now``."""
    return locked_until is not None and locked_until > now
