"""Which store a location names, and writing to either: the one place that knows both kinds.

``--db`` / ``CORDON_DB`` name a DuckDB file (queries.store.Store) or, starting with ``ducklake:postgres:``, a
DuckLake whose catalog is a PostgreSQL database (queries.lake.LakeStore). Both offer the same methods
(``reading``, ``writing``, ``migrate``, ``exists``, ``snapshot``, ``change_marker``), so the code above them
does not ask which it has.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import duckdb

from queries import lake
from queries.lake import CONFLICT_ATTEMPTS, LakeStore, WriteConflict
from queries.store import Store, is_lake_url

AnyStore = Store | LakeStore
T = TypeVar("T")


def open_store(location: str | os.PathLike[str], data_path: str | os.PathLike[str] | None = None) -> AnyStore:
    """The store at ``location``: a DuckDB file, or a DuckLake when it starts with ``ducklake:postgres:`` (its
    Parquet files under ``data_path``, default ``$CORDON_DATA_PATH``)."""
    if is_lake_url(location):
        return LakeStore(str(location), data_path)
    return Store(location)


def write_retrying(store: AnyStore, work: Callable[[duckdb.DuckDBPyConnection], T], *claims: str) -> T:
    """``work(con)`` inside ``store.writing(*claims)``, tried again with a growing wait when its commit lost
    to a conflicting change on the lake (never on the file, which has one writer at a time). The last try
    has the store to itself (no claims: other writers wait for it): a write that updates records conflicts
    with any insert into their table, and a steady feed would otherwise win every time. Should that try
    lose too (a writer outside Cordon), the conflict is raised, saying how often it was tried."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            with store.writing(*(claims if attempt < CONFLICT_ATTEMPTS else ())) as con:
                return work(con)
        except WriteConflict as conflict:
            if attempt == CONFLICT_ATTEMPTS:
                raise WriteConflict(f"{conflict} (tried {attempt} times; try again later)") from conflict
            lake.sleep_before(attempt)
    raise AssertionError("unreachable")
