"""The DuckDB store: one file, migrated on open, shared by one writer at a time and many readers.

DuckDB lets a single process hold a file read-write, and while it does no other process can open
the file at all. Cordon's processes (dashboard sessions, the demo feed, imports) therefore never
hold a connection open between operations: each read or write opens the file, works, and closes
it, under a cross-process lock file beside the database:

* readers share the lock, so any number of them read at once;
* a writer takes it exclusively, after closing a *gate* that stops new readers from queueing in
  front of it, so that a steady stream of readers cannot starve the feed or an import.

Nobody ever meets DuckDB's own "could not set lock" error; they wait a few milliseconds instead.
Writes are one transaction each: a write that fails (or a process killed mid-write) leaves the
file as it was.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from queries.cells import fill_missing_cells

SQL_DIR = Path(__file__).parent / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
MACROS_DIR = SQL_DIR / "macros"
DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "cordon.duckdb"



@contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block ends, then raise :class:`KeyboardInterrupt` once.

    DuckDB turns an interrupt that arrives inside a statement into its own error, which callers would
    take for a failed write; held, it ends the command between writes. Outside the main thread (the
    dashboard's sessions), where no signal arrives, this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if pressed:
        raise KeyboardInterrupt


# What a write decides about (queries.lake.LakeStore.writing: writers of one claim take turns on the lake;
# the file has one writer at a time whatever they claim). A write without a claim has the store to itself.
ACCOUNTS_CLAIM = "accounts"  # accounts, their grants and sign-in state, web sessions
AUDIT_CLAIM = "audit"  # appends to the audit trail, and nothing else
PLACES_CLAIM = "places"  # checkpoints and processing hubs from an import
PARTIES_CLAIM = "parties"  # parties an import's records name (stored once whatever the source)


def seizures_claim(source: str) -> str:
    """The claim of a write that decides which records of ``source`` are new (stored once per source)."""
    return f"seizures:{source}"


LAKE_PREFIX = "ducklake:postgres:"  # a store location naming a lake (queries.lake), not a file


def is_lake_url(location: str | os.PathLike[str]) -> bool:
    """Whether a store location names a lake rather than a file."""
    return str(location).startswith(LAKE_PREFIX)


class StoreError(RuntimeError):
    """A store operation failed; the message says what and what to do."""


class ReadScope(Protocol):
    """What ``Store.reading(scope=...)`` takes: something that narrows a connection's reads (the access
    package's ``Scope``), named here so that the store does not import the accounts built on it."""

    def apply(self, con: duckdb.DuckDBPyConnection) -> None:
        """Narrow what ``filtered_seizures`` returns on ``con``."""


def _named_files(directory: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted(directory.glob("*.sql"))}


QUERY_FILES = _named_files(SQL_DIR)
MIGRATION_FILES = _named_files(MIGRATIONS_DIR)


def migration_versions() -> list[tuple[int, str]]:
    """(version, name) of every migration file, in order; names look like ``001_core``."""
    return sorted((int(name.split("_", 1)[0]), name) for name in MIGRATION_FILES)


LATEST_VERSION = migration_versions()[-1][0]


def load_sql(name: str) -> str:
    """The text of the query file ``queries/sql/<name>.sql``; names come from an allow-list."""
    if name not in QUERY_FILES:
        raise ValueError(f"unknown query {name!r}; known queries: {', '.join(QUERY_FILES)}")
    return QUERY_FILES[name].read_text(encoding="utf-8")


PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def bind(sql: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The values of the named parameters ``sql`` uses, taken from ``params``.

    Callers may pass a larger mapping (all the filters, say); DuckDB refuses unused names, so only
    those the text mentions are bound. A parameter the text needs but ``params`` lacks is an error.
    """
    params = params or {}
    names = set(PARAMETER.findall(sql))
    missing = sorted(names - params.keys())
    if missing:
        raise StoreError(f"query needs parameters that were not given: {', '.join(missing)}")
    return {name: params[name] for name in names}


def run(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Run the named query with bound named parameters and return its rows as a DataFrame."""
    sql = load_sql(name)
    return con.execute(sql, bind(sql, params)).df()


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the session's SQL macros (queries/sql/macros/*.sql) on a fresh connection."""
    for path in sorted(MACROS_DIR.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


# Rows per Arrow batch handed to DuckDB: one row group, so that a large write is scanned, checked
# and compressed by every thread (a frame in one piece is written by one; bench/bench_ingest.py).
WRITE_BATCH_ROWS = 122_880


def _in_batches(frame: pd.DataFrame) -> pd.DataFrame | pa.Table:
    """``frame`` as an Arrow table cut into :data:`WRITE_BATCH_ROWS`-row batches when it is larger."""
    if len(frame) <= WRITE_BATCH_ROWS:
        return frame
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return pa.Table.from_batches(table.to_batches(max_chunksize=WRITE_BATCH_ROWS), table.schema)


def write_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> int:
    """Run the named write query over ``frame`` (seen by the SQL as ``incoming``); return rows written.

    A row that breaks a constraint fails the statement with :class:`StoreError`, whose message
    names the query and the constraint, and nothing of the frame is written.
    """
    con.register("incoming", _in_batches(frame))
    try:
        return con.execute(load_sql(name)).fetchone()[0]
    except duckdb.ConstraintException as error:
        raise StoreError(f"{name}: a row was refused by the schema: {error}") from error
    finally:
        con.unregister("incoming")


def query_over(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame,
               params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Run the named query over ``frame`` (seen by the SQL as ``incoming``) with bound ``params``; its rows."""
    sql = load_sql(name)
    con.register("incoming", frame)
    try:
        return con.execute(sql, bind(sql, params)).df()
    finally:
        con.unregister("incoming")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open database (0 for a new, empty file)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


# Steps a migration needs beyond SQL, run in its transaction: derived columns computed in Python.
AFTER_MIGRATION = {3: fill_missing_cells}


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Bring the schema up to ``target`` (default: the latest); return the versions applied.

    Each migration runs in its own transaction together with its row in ``schema_version``, so
    running this again, or on a file that is already current, changes nothing.
    """
    target = LATEST_VERSION if target is None else target
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())"
    )
    current = schema_version(con)
    if current > LATEST_VERSION:
        raise StoreError(
            f"the database is at schema version {current}, newer than this Cordon knows "
            f"({LATEST_VERSION}); upgrade Cordon before opening it"
        )
    applied = []
    for version, name in migration_versions():
        if current < version <= target:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(MIGRATION_FILES[name].read_text(encoding="utf-8"))
                if version in AFTER_MIGRATION:
                    AFTER_MIGRATION[version](con)
                con.execute("INSERT INTO schema_version (version, name) VALUES ($v, $n)", {"v": version, "n": name})
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            applied.append(version)
    return applied


class Store:
    """A Cordon database file and the lock that lets processes share it.

    Parameters
    ----------
    path : str or Path
        The DuckDB file; created (with its folder) and migrated by the first write.

    Examples
    --------
    >>> store = Store("data/cordon.duckdb")            # doctest: +SKIP
    >>> with store.reading() as con:                   # doctest: +SKIP
    ...     con.execute("SELECT count(*) FROM seizures").fetchone()
    """

    def __init__(self, path: str | os.PathLike[str]):
        if is_lake_url(path):
            raise ValueError(f"{path} is a lake, not a file: open it with queries.store.open_store")
        self.path = Path(path)
        if self.path.is_dir():
            raise ValueError(f"database path {self.path} is a folder; give a file such as {self.path / 'cordon.duckdb'}")
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._gate_path = self.path.with_name(self.path.name + ".gate")

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def exists(self) -> bool:
        """Whether the database file has been created."""
        return self.path.is_file()

    @contextmanager
    def _locked(self, path: Path, mode: int) -> Iterator[None]:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, mode)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @contextmanager
    def reading(self, scope: ReadScope | None = None, as_of: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection, held only for the ``with`` block.

        With a ``scope`` (queries.access.Scope: a user's granted provinces and zones), every query
        through ``filtered_seizures`` on it returns only their rows; None reads everything (the
        command line, the tests). The dashboard passes the signed-in user's scope on every read.
        """
        if as_of is not None:
            raise StoreError(f"{self.path} is a file, which keeps no snapshots; --as-of needs a lake store")
        if not self.exists():
            raise StoreError(f"no database at {self.path}; create it with: python -m queries seed --db {self.path}")
        with self._locked(self._gate_path, fcntl.LOCK_SH):
            pass  # wait while a writer holds the gate
        with self._locked(self._lock_path, fcntl.LOCK_SH):
            con = duckdb.connect(str(self.path), read_only=True)
            try:
                define_macros(con)
                version = schema_version(con)
                if version != LATEST_VERSION:
                    raise StoreError(
                        f"{self.path} is at schema version {version}, this Cordon needs {LATEST_VERSION}; "
                        f"run: python -m queries migrate --db {self.path}"
                    )
                if scope is not None:
                    scope.apply(con)
                yield con
            finally:
                con.close()

    @contextmanager
    def writing(self, *claims: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection inside one transaction: committed if the block ends normally.
        ``claims`` matter on the lake only (queries.lake.LakeStore.writing): the file has one writer at a time.

        A Ctrl-C during the transaction is held until it has committed (:func:`ctrl_c_held`), so a
        command stopped by the user ends between writes, never with DuckDB's error for an
        interrupted statement."""
        with (self._locked(self._gate_path, fcntl.LOCK_EX), self._locked(self._lock_path, fcntl.LOCK_EX),
              ctrl_c_held()):
            con = duckdb.connect(str(self.path))
            try:
                migrate(con)
                define_macros(con)
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            finally:
                con.close()

    def migrate(self) -> list[int]:
        """Create or upgrade the schema; return the versions applied (empty when current)."""
        with self._locked(self._gate_path, fcntl.LOCK_EX), self._locked(self._lock_path, fcntl.LOCK_EX):
            con = duckdb.connect(str(self.path))
            try:
                return migrate(con)
            finally:
                con.close()

    @staticmethod
    def snapshot(con: duckdb.DuckDBPyConnection) -> None:
        """The file keeps no snapshots: results name none (the lake's name theirs)."""

    def change_marker(self) -> int:
        """Moves whenever a writer committed (the file's modification time); the dashboard asks what changed only then."""
        return os.stat(self.path).st_mtime_ns


def add_store_options(parser: Any, db_default: Any) -> None:
    """``--db`` and ``--data-path``, as every command line takes them (``argparse`` parser)."""
    parser.add_argument("--db", default=db_default,
                        help="the store: a DuckDB file, or ducklake:postgres:<libpq connection string> "
                             "(default: $CORDON_DB or data/cordon.duckdb)")
    parser.add_argument("--data-path", default=None,
                        help="a lake's data files (a shared folder; default: $CORDON_DATA_PATH)")


@contextmanager
def using_data_path(args: Any) -> Iterator[None]:
    """While a command runs, make its ``--data-path`` the one every store it opens uses (and the processes it
    starts); afterwards the environment is as it was (a caller in the same process, a test, keeps its own)."""
    given, before = getattr(args, "data_path", None), os.environ.get("CORDON_DATA_PATH")
    if given:
        os.environ["CORDON_DATA_PATH"] = str(given)
    try:
        yield
    finally:
        if given and before is None:
            os.environ.pop("CORDON_DATA_PATH", None)
        elif given:
            os.environ["CORDON_DATA_PATH"] = before


# The record ids a file's sequences give (``<column>_seq``); a lake's come in blocks from its catalog.
ALLOCATED_IDS = {"seizures": "seizure_id", "users": "user_id", "audit_log": "audit_id", "imports": "import_id",
                 "cases": "case_id", "parties": "party_id", "screening_hits": "hit_id",
                 "entity_decisions": "decision_id"}


def new_ids(con: duckdb.DuckDBPyConnection, table: str, count: int) -> list[int]:
    """``count`` new ids for ``table``'s record id (:data:`ALLOCATED_IDS`) inside a write:
    from the file's sequence, or from the lake catalog's blocks."""
    if hasattr(con, "new_ids"):
        return list(con.new_ids(table, count))
    sequence = ALLOCATED_IDS[table] + "_seq"  # an identifier from the allow-list
    return [row[0] for row in con.execute(f"SELECT nextval('{sequence}') FROM range($n)", {"n": count}).fetchall()]
