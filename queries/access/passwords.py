"""Passwords: argon2id hashes (argon2-cffi's defaults, RFC 9106's low-memory profile) and the policy they keep.

Every hash and verification goes through this module's :data:`HASHER`, so that tests swap in a cheaper
one with the same algorithm in one place; callers use ``passwords.hash_password(...)`` and friends by
their module, for the same reason.
"""

from __future__ import annotations

import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this bounds the work one request can ask for

HASHER = PasswordHasher()  # argon2id; t=3, m=64 MiB, p=4 (about 0.5 s a hash on the 2-core reference machine)
# One password hash at a time in this process, whoever asks: sign-ins from many clients queue here instead
# of taking every core from the sessions that are reading.
HASHING = threading.BoundedSemaphore(1)

_DUMMY: dict[str, str] = {}


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


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` with the current parameters (slow on purpose: hash outside locks)."""
    return HASHER.hash(password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with other parameters than the current ones."""
    return HASHER.check_needs_rehash(password_hash)


def dummy_hash() -> str:
    """The hash a name that does not exist is verified against: a random secret's, made with the
    current parameters (again when they change), so that it costs what a real account's costs."""
    if "hash" not in _DUMMY or needs_rehash(_DUMMY["hash"]):
        _DUMMY["hash"] = hash_password(secrets.token_urlsafe(32))
    return _DUMMY["hash"]


def verify(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the hash (argon2 compares in constant time)."""
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
