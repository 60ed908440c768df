"""The network store: Cordon's tables in a DuckLake whose catalog is a PostgreSQL database.

Chosen by the store URL ``ducklake:postgres:<libpq connection string>`` (``--db`` / ``CORDON_DB``) with
a data path for the Parquet files (``--data-path`` / ``CORDON_DATA_PATH``). Every process computes with
DuckDB over the same tables, through the same query files, macros and write paths as the file store;
what DuckLake lacks, this module supplies:

* **rules**: the lake keeps NOT NULL; every CHECK and key rule of the migrations is checked in the
  write path before the commit (queries.schema_rules, one definition for both stores);
* **ids**: no sequences; record ids are handed out in blocks by a counter table in the catalog database
  (``cordon.id_blocks``), so ids stay BIGINTs, unique across every site, and URLs keep working;
* **writers**: any number at once. A write declares *claims* (``writing("seizures:<source>")``): PostgreSQL
  advisory locks held from before its transaction begins until after it commits, so that two writers
  of the same records (two sites importing the same file) decide in turn, the second seeing the first's
  rows: a record is stored once. Unrelated writers proceed together; DuckLake merges their commits. A
  write without claims (seeding, migrations) has the store to itself;
* **readers**: never blocked; each read is one transaction on one snapshot, whose id keys the caches
  and names every export (``reading(as_of=...)`` reads an earlier one).

Credentials never travel in the URL (it is logged and shown): libpq reads the password from
``PGPASSWORD`` or the password file (``PGPASSFILE``, ~/.pgpass) of the service account.

The module stays whole: the store, its writer and the catalog's locks, ids and role are one design (a
write's claims, ids and checks live and die with its transaction), and none of them is used apart.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from queries.schema_rules import add_column_sql, broken_rule, create_table_sql, table_columns
from queries.store import (
    ALLOCATED_IDS,
    LAKE_PREFIX,
    LATEST_VERSION,
    ReadScope,
    StoreError,
    ctrl_c_held,
    define_macros,
    is_lake_url,
    migration_versions,
)

LAKE_ALIAS = "lake"
ID_SCHEMA = "cordon"  # Cordon's own objects in the catalog database, beside DuckLake's
STORE_CLAIM = "store"  # taken shared by every claimed write, exclusively by a write without claims
# How a write whose commit lost to another's (DuckLake: "Transaction conflict") is tried again.
CONFLICT_ATTEMPTS, CONFLICT_WAIT_S, CONFLICT_BACKOFF = 6, 0.2, 2.0


class WriteConflict(StoreError):
    """Another site committed a conflicting change first; the write changed nothing and may be tried again."""


def extension_file(name: str) -> Path:
    """The DuckDB extension ``name`` as installed from its wheel (duckdb-extension-<name>): never downloaded."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    path = (Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
            if spec and spec.origin else None)
    if path is None or not path.is_file():
        raise StoreError(f"the DuckDB extension {name} for duckdb {duckdb.__version__} is not installed; "
                         f"run: python -m pip install -r requirements.txt")
    return path


def _literal(text: str) -> str:
    """``text`` as an SQL string literal (ATTACH takes no bound parameters; these are settings, not records)."""
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


_DATABASES: dict[tuple[str, str | None, int | None], duckdb.DuckDBPyConnection] = {}
_DATABASES_LOCK = threading.Lock()
T = TypeVar("T")
# Lakes this process found at the latest schema: a schema only moves forward, so it is asked once.
_CURRENT: set[str] = set()
_WRITTEN = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|MERGE\s+INTO)\s+\"?(\w+)\"?",
                      re.IGNORECASE)


class LakeStore:
    """A DuckLake with a PostgreSQL catalog, used like :class:`queries.store.Store`.

    Parameters
    ----------
    url : str
        ``ducklake:postgres:`` followed by a libpq connection string without a password.
    data_path : str, optional
        Where the Parquet files live (a folder, shared by every site); needed when the lake is created,
        read from the catalog afterwards. Default: ``$CORDON_DATA_PATH``.
    """

    def __init__(self, url: str, data_path: str | os.PathLike[str] | None = None):
        if not is_lake_url(url):
            raise ValueError(f"a lake URL starts with {LAKE_PREFIX!r}: {url!r}")
        self.path = url
        self.conninfo = url[len(LAKE_PREFIX):].strip()
        try:
            settings = conninfo_to_dict(self.conninfo)
        except psycopg.ProgrammingError as error:
            raise StoreError(f"the lake URL's connection string is not valid libpq: {error}") from error
        if "password" in settings:
            raise StoreError("the lake URL must not hold a password (URLs are logged): put it in the service "
                             "account's password file (PGPASSFILE, ~/.pgpass) or in PGPASSWORD")
        if "dbname" not in settings:
            raise StoreError(f"the lake URL names no database: add dbname=<name> after {LAKE_PREFIX}")
        data_path = data_path or os.environ.get("CORDON_DATA_PATH") or None
        self.data_path = str(Path(data_path).resolve()) + os.sep if data_path else None

    def __repr__(self) -> str:
        return f"LakeStore({self.path!r})"

    # -- connections ---------------------------------------------------------------------------------------

    def _database(self, as_of: int | None = None) -> duckdb.DuckDBPyConnection:
        """This process's DuckDB with the lake attached (once: attaching costs a catalog round trip)."""
        key = (self.conninfo, self.data_path, as_of)
        with _DATABASES_LOCK:
            if key not in _DATABASES:
                db = duckdb.connect()
                for name in ("postgres_scanner", "ducklake"):
                    db.execute(f"LOAD {_literal(str(extension_file(name)))}")
                options = []
                if self.data_path and as_of is None:
                    Path(self.data_path).mkdir(parents=True, exist_ok=True)
                    options.append(f"DATA_PATH {_literal(self.data_path)}")
                if as_of is not None:
                    options.append(f"SNAPSHOT_VERSION {int(as_of)}")
                try:
                    db.execute(f"ATTACH {_literal('ducklake:postgres:' + self.conninfo)} AS {LAKE_ALIAS}"
                               + (f" ({', '.join(options)})" if options else ""))
                except duckdb.Error as error:
                    db.close()
                    raise StoreError(f"cannot open the lake {self.path}: {error}") from error
                _DATABASES[key] = db
            return _DATABASES[key]

    def close(self) -> None:
        """Detach this process from the lake (its cached connections); the next use attaches again."""
        with _DATABASES_LOCK:
            for key in [key for key in _DATABASES if key[0] == self.conninfo]:  # with any data path or snapshot
                _DATABASES.pop(key).close()

    def _cursor(self, as_of: int | None = None, macros: bool = True) -> duckdb.DuckDBPyConnection:
        con = self._database(as_of).cursor()
        con.execute(f"USE {LAKE_ALIAS}; SET enable_progress_bar = false")  # no bars in a command's output
        if macros:
            define_macros(con)
            # records arrive in the order of DuckLake's row ids, assigned at commit (macros/arrival.sql)
            con.execute("CREATE OR REPLACE TEMP MACRO arrival(seizure_id, row_id) AS row_id")
        return con

    def _catalog(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.conninfo, autocommit=True)
        except psycopg.Error as error:
            raise StoreError(f"cannot reach the lake's catalog {self.path}: {error}") from error

    # -- schema ----------------------------------------------------------------------------------------------

    def _asked(self, question: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """``question(con)`` on a connection of its own, without the macros (the schema may not exist yet)."""
        con = self._cursor(macros=False)
        try:
            return question(con)
        finally:
            con.close()

    def exists(self) -> bool:
        """Whether the lake holds Cordon's tables."""
        return self._asked(self._has_schema)

    @staticmethod
    def _has_schema(con: duckdb.DuckDBPyConnection) -> bool:
        """Whether the lake has its schema_version table. Asked of duckdb_columns(), not duckdb_tables(), which
        sizes every table from the catalog: about 150 ms on every read (bench/bench_scale.py)."""
        return bool(con.execute("SELECT count(*) FROM duckdb_columns() WHERE database_name = $db AND table_name = "
                                "'schema_version'", {"db": LAKE_ALIAS}).fetchone()[0])

    def migrate(self) -> list[int]:
        """Bring the lake's tables to the latest schema; return the versions recorded (empty when current).

        The lake is made from the schema the migrations build (queries.schema_rules), not by replaying
        them: tables missing are created, columns a later migration added are added. A migration that
        drops, renames or retypes a column must say how the lake follows, here. A current lake is only
        read (every import asks); an upgrade has the store to itself."""
        if self.conninfo in _CURRENT or self._current_version() == LATEST_VERSION:
            _CURRENT.add(self.conninfo)
            return []
        with self._claims(()) as catalog:
            catalog.execute(f"CREATE SCHEMA IF NOT EXISTS {ID_SCHEMA}")
            catalog.execute(f"CREATE TABLE IF NOT EXISTS {ID_SCHEMA}.id_blocks (kind text PRIMARY KEY, next bigint NOT NULL)")
            con = self._cursor(macros=False)
            try:
                con.execute("BEGIN TRANSACTION")
                current = self._version(con)
                if current > LATEST_VERSION:
                    raise StoreError(f"the lake is at schema version {current}, newer than this Cordon knows "
                                     f"({LATEST_VERSION}); upgrade Cordon before opening it")
                stored = {(t, c) for t, c in con.execute(
                    "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = $db", {"db": LAKE_ALIAS}
                ).fetchall()}
                for table, columns in table_columns().items():
                    if not any(t == table for t, _ in stored):
                        con.execute(create_table_sql(table))
                        continue
                    for column in columns:
                        if (table, column.name) not in stored:
                            con.execute(add_column_sql(table, column))
                applied = [version for version, _ in migration_versions() if version > current]
                for version, name in migration_versions():
                    if version > current:
                        con.execute("INSERT INTO schema_version (version, name, applied_at) "
                                    "VALUES ($v, $n, current_localtimestamp())", {"v": version, "n": name})
                con.execute("COMMIT")
                _CURRENT.add(self.conninfo)
                return applied
            except BaseException:
                con.execute("ROLLBACK")
                raise
            finally:
                con.close()

    def _current_version(self) -> int:
        return self._asked(self._version)

    @staticmethod
    def _version(con: duckdb.DuckDBPyConnection) -> int:
        if not LakeStore._has_schema(con):
            return 0
        return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]

    # -- reading ---------------------------------------------------------------------------------------------

    @contextmanager
    def reading(self, scope: ReadScope | None = None, as_of: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection reading one snapshot of the lake (the latest, or ``as_of``), for the ``with`` block.

        Readers take no lock: a writer's commit makes a new snapshot that the next read sees."""
        kept = self.snapshot_ids() if as_of is not None else None
        if kept is not None and as_of not in kept:
            listed = ", ".join(map(str, kept)) if len(kept) <= 12 else f"{kept[0]} to {kept[-1]} ({len(kept)} in all)"
            raise StoreError(f"the lake has no snapshot {as_of} (never made, or expired by maintenance); it keeps "
                             f"{listed}: give one of those to --as-of")
        con = self._cursor(as_of)
        try:
            con.execute("BEGIN TRANSACTION")
            version = LATEST_VERSION if self.conninfo in _CURRENT and as_of is None else self._version(con)
            if version != LATEST_VERSION:
                raise StoreError(f"the lake is at schema version {version}, this Cordon needs {LATEST_VERSION}; "
                                 f"run: python -m queries migrate --db {self.path}")
            if scope is not None:
                scope.apply(con)
            yield con
        finally:
            try:
                con.execute("ROLLBACK")
            finally:
                con.close()

    def snapshot_ids(self) -> list[int]:
        """The lake's snapshots still kept, oldest first."""
        return self._asked(lambda con: [row[0] for row in con.execute(
            f"SELECT snapshot_id FROM {LAKE_ALIAS}.snapshots() ORDER BY snapshot_id").fetchall()])

    @staticmethod
    def snapshot(con: duckdb.DuckDBPyConnection) -> int:
        """The snapshot an open reading connection sees: what its results were computed from."""
        return con.execute(f"FROM {LAKE_ALIAS}.current_snapshot()").fetchone()[0]

    def change_marker(self) -> int:
        """Moves whenever anything was committed (a new snapshot); the dashboard asks what changed only then."""
        return self._asked(self.snapshot)

    # -- writing ---------------------------------------------------------------------------------------------

    @contextmanager
    def _claims(self, claims: tuple[str, ...]) -> Iterator[psycopg.Connection]:
        """Hold the advisory locks of ``claims`` (and the store's, shared; exclusive without claims)."""
        catalog = self._catalog()
        try:
            store_lock = "pg_advisory_lock_shared" if claims else "pg_advisory_lock"
            catalog.execute(f"SELECT {store_lock}(hashtextextended(%s, 0))", (f"cordon:{STORE_CLAIM}",))
            for claim in sorted(set(claims)):  # one order everywhere: no deadlock between claimants
                catalog.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (f"cordon:{claim}",))
            yield catalog
        finally:
            catalog.close()  # ends the session: its advisory locks go with it

    @contextmanager
    def writing(self, *claims: str) -> Iterator[LakeWriter]:
        """A connection inside one lake transaction, committed if the block ends normally and every row it
        wrote keeps the schema's rules (:class:`StoreError` otherwise, and nothing is written).

        ``claims`` name what the write decides about (``"seizures:<source>"``, ``"accounts"``,
        ``"sessions"``…): writers of the same claim run one after the other, each seeing what the previous
        committed. A commit that loses to a conflicting change raises :class:`WriteConflict`: try again
        with :func:`queries.stores.write_retrying`."""
        self.migrate()
        with ctrl_c_held(), self._claims(claims) as catalog:
            con = self._cursor()
            writer = LakeWriter(con, catalog)
            try:
                con.execute("BEGIN TRANSACTION")
                yield writer
                writer.check_written()
                try:
                    con.execute("COMMIT")
                except duckdb.TransactionException as error:
                    raise WriteConflict(f"another writer changed the same records first: {error}") from error
            except BaseException:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # a failed COMMIT has already ended the transaction
                raise
            finally:
                con.close()


class LakeWriter:
    """A lake connection inside a write: a DuckDB connection that also checks the schema's rules on what
    it writes (statements over the registered frame ``incoming`` at once, the others before the commit)
    and hands out record ids from the catalog's blocks."""

    def __init__(self, con: duckdb.DuckDBPyConnection, catalog: psycopg.Connection):
        self._con, self._catalog = con, catalog
        self._registered: set[str] = set()
        self._written: dict[str, bool] = {}  # table -> only inserted into (by statements with values)
        self._allocated: dict[str, list[range]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def register(self, name: str, value: Any) -> LakeWriter:
        self._con.register(name, value)
        self._registered.add(name)
        return self

    def unregister(self, name: str) -> LakeWriter:
        self._con.unregister(name)
        self._registered.discard(name)
        return self

    def execute(self, sql: str, parameters: Any = None) -> duckdb.DuckDBPyConnection:
        """Run ``sql``; a write over ``incoming`` is checked at once (its result, the rows written, is kept
        for the caller), other writes before the commit."""
        written = _WRITTEN.match(sql)
        if not written:
            return self._con.execute(sql, parameters)
        statement, table = written.group(1).split()[0].upper(), written.group(2)
        if not ("incoming" in self._registered and re.search(r"\bincoming\b", sql)):
            self._written[table] = self._written.get(table, True) and statement == "INSERT"
            return self._con.execute(sql, parameters)
        result = self._con.execute(sql, parameters).to_arrow_table()
        if self._check(table, "incoming", inserted=statement == "INSERT"):
            self._written[table] = False  # a rule the frame could not judge: the table is checked at the commit
        self._con.register("written_result", result)  # replaced by the next write's
        return self._con.execute("SELECT * FROM written_result")

    def _check(self, table: str, rows: str, *, inserted: bool) -> bool:
        """Raise the file's error for a rule ``rows`` break; return whether some rule was left unjudged."""
        verdict = broken_rule(self._con, table, rows, inserted=inserted)
        if verdict.broken is not None:  # as the file says it, so that callers handle both alike
            raise duckdb.ConstraintException(f"Constraint Error: {verdict.broken}")
        return verdict.unjudged

    def check_written(self) -> None:
        """Check the rules on the tables written by statements with values (an account, a session, an
        audit event), and those a frame could not judge: the whole table, or where rows were only inserted
        with allocated ids, those rows."""
        for table, only_inserted in sorted(self._written.items()):
            id_column, ranges = ALLOCATED_IDS.get(table), self._allocated.get(table)
            if only_inserted and id_column and ranges:
                ids = ", ".join(str(i) for block in ranges for i in block)
                self._check(table, f'(SELECT * FROM "{table}" WHERE "{id_column}" IN ({ids}))', inserted=False)
            else:
                self._check(table, f'"{table}"', inserted=False)

    def new_ids(self, table: str, count: int) -> range:
        """``count`` new ids for ``table``'s allocated id column, unique across every site."""
        kind = ALLOCATED_IDS[table]
        row = self._catalog.execute(
            f"INSERT INTO {ID_SCHEMA}.id_blocks AS b (kind, next) VALUES (%(kind)s, 1 + %(count)s) "
            "ON CONFLICT (kind) DO UPDATE SET next = b.next + %(count)s RETURNING next - %(count)s",
            {"kind": kind, "count": count}).fetchone()
        block = range(row[0], row[0] + count)
        self._allocated.setdefault(table, []).append(block)
        return block

    def ids_start_after(self, table: str, largest: int) -> None:
        """Make the next ids of ``table`` larger than ``largest`` (records moved in from a file)."""
        self._catalog.execute(
            f"INSERT INTO {ID_SCHEMA}.id_blocks AS b (kind, next) VALUES (%(kind)s, %(next)s) "
            "ON CONFLICT (kind) DO UPDATE SET next = greatest(b.next, %(next)s)",
            {"kind": ALLOCATED_IDS[table], "next": largest + 1})


def catalog_setup(role: str, database: str) -> list[sql.Composed]:
    """What a PostgreSQL superuser runs, once, to give Cordon its catalog: a login role that is no superuser and
    may create neither databases nor roles, owning one database that no other role may connect to. The role
    owns the tables DuckLake and Cordon create there, and nothing else; its password is set apart from this
    (psql's ``\\password``), so that it is in no file or shell history."""
    role_id, database_id = sql.Identifier(role), sql.Identifier(database)
    return [
        sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS").format(role_id),
        sql.SQL("CREATE DATABASE {} OWNER {}").format(database_id, role_id),
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database_id),
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(database_id, role_id),
    ]


def retry_wait(attempt: int) -> float:
    """Seconds to wait before try ``attempt`` (from 1) of a write that lost a conflict."""
    return CONFLICT_WAIT_S * CONFLICT_BACKOFF ** (attempt - 1)


def sleep_before(attempt: int) -> None:
    time.sleep(retry_wait(attempt))
