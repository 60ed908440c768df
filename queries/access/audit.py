"""The audit trail: each sign-in and each change writes its ``audit_log`` row in the transaction of the change.

Nothing here or in queries/sql updates or deletes audit rows. DuckDB has no triggers and no grants:
whoever can write the database file can still alter it, so the file's own permissions are the last line.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from queries.clock import beijing_now
from queries.store import AUDIT_CLAIM, Store, new_ids, run

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
    "personal_data_view",  # an account shown a person's identity number or phone unmasked (queries.sensitive)
)
AUDIT_SOURCES = ("cli", "dashboard")


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
    (audit_id,) = new_ids(con, "audit_log", 1)
    run(con, "audit_insert",
        {"audit_id": audit_id, "at": at, "username": username, "kind": kind, "details": text, "source": source})


def record_cli_event(store: Store, kind: str, details: Mapping[str, Any]) -> None:
    """Append an event done by the command line's operator (:func:`os_actor`, source ``cli``), at
    Beijing time now, in a write transaction of its own."""
    with store.writing(AUDIT_CLAIM) as con:
        record_event(con, kind, os_actor(), details, source="cli", at=beijing_now())


def read_audit(store: Store, *, since: datetime | None = None, kind: str | None = None,
               username: str | None = None) -> pd.DataFrame:
    """The audit trail, oldest first: audit_id, event_at, username, kind, details (JSON text), source."""
    if kind is not None and kind not in AUDIT_KINDS:
        raise ValueError(f"unknown audit kind {kind!r}; known: {', '.join(AUDIT_KINDS)}")
    with store.reading() as con:
        return run(con, "audit_list", {"since": since, "kind": kind, "username": username})
