"""Operations on a store: maintenance, backup and restore, and moving a site's file into the network's lake.

``python -m queries maintain|backup|restore|migrate-store`` call these functions; the tests call them directly.

* **maintain**: on the lake, DuckLake's maintenance step by step, in the order its ``CHECKPOINT`` runs them (which
  DuckLake recommends for periodic maintenance), each its own call so that the snapshot policy is Cordon's and what
  every step did is reported; on the file, DuckDB's ``CHECKPOINT``.
* **backup / restore**: the file copied under its shared lock (no writer is mid-commit, readers go on); the lake as
  a ``pg_dump`` of its catalog database taken in one exported PostgreSQL snapshot, then its data files. A manifest
  gives each table's rows and content hash, the lake's snapshot id and the files' SHA-256; a restore checks them.
* **migrate-store**: every table of a file copied into an empty lake in one lake transaction, ids moved past.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from queries import __version__
from queries.lake import is_lake_url
from queries.schema_rules import ALLOCATED_IDS, table_columns
from queries.settings import env_number
from queries.store import Store, StoreError
from queries.stores import AnyStore, write_retrying

KEEP_SNAPSHOTS_ENV, KEEP_SNAPSHOTS_DAYS = "CORDON_KEEP_SNAPSHOTS_DAYS", 30
# Files no snapshot needs are removed once unused this long: a read that began before still finds its files
# (reads last seconds), and a write still in progress keeps the files it has not committed yet.
UNUSED_FILES_GRACE = timedelta(hours=1)
MAINTENANCE_CLAIM = "maintenance"  # maintenance and backups take turns: a cleanup never removes a file being copied
MANIFEST = "manifest.json"
FILE_COPY = "cordon.duckdb"
CATALOG_DUMP = "catalog.dump"
DATA_FOLDER = "data"
MOVE_BATCH_ROWS = 500_000  # rows per batch moved from a file into a lake (memory stays bounded)


def keep_snapshots_days(environ: Mapping[str, str] = os.environ) -> float:
    """How many days of a lake's snapshots maintenance keeps (``$CORDON_KEEP_SNAPSHOTS_DAYS``): exports name the
    snapshot they were computed from, and ``--as-of`` reproduces them within this time."""
    return env_number(environ, KEEP_SNAPSHOTS_ENV, KEEP_SNAPSHOTS_DAYS, float)


# -- what a store holds ----------------------------------------------------------------------------------------


def record_tables() -> list[str]:
    """Every table of the schema but ``schema_version`` (which each store writes for itself, at its own time)."""
    return [table for table in table_columns() if table != "schema_version"]


def fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int | str]]:
    """Each table's rows and a content hash (the sum of its rows' hashes: independent of order, changed by any
    value), the same for a file and a lake that hold the same rows."""
    found = {}
    for table in record_tables():
        columns = ", ".join(f'"{column.name}"' for column in table_columns()[table])  # names from the schema
        rows, digest = con.execute(
            f'SELECT count(*), coalesce(sum(hash({columns})::HUGEINT), 0)::VARCHAR FROM "{table}"').fetchone()
        found[table] = {"rows": rows, "hash": digest}
    return found


def differences(expected: Mapping[str, Mapping], found: Mapping[str, Mapping]) -> list[str]:
    """The tables whose rows or content differ, each said as ``table: N rows expected, M found``."""
    return [f"{table}: {want['rows']:,} rows expected, {found.get(table, {}).get('rows', 0):,} found"
            + ("" if found.get(table, {}).get("rows") != want["rows"] else " with other content")
            for table, want in expected.items() if found.get(table) != want]


# -- maintain ----------------------------------------------------------------------------------------------------


@dataclass
class Maintenance:
    """What ``maintain`` did: counts by what was done (a lake), or lines said (a file)."""

    store: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"maintained {self.store}:", *(f"  {what}: {count:,}" for what, count in self.counts.items()),
                *(f"  {note}" for note in self.notes)]


def maintain(store: AnyStore, keep_days: float | None = None, grace: timedelta = UNUSED_FILES_GRACE) -> Maintenance:
    """Maintain ``store``: the lake's files merged and its snapshots older than ``keep_days`` (default
    :func:`keep_snapshots_days`) expired, files unused for ``grace`` removed; the file checkpointed."""
    if not store.exists():
        raise StoreError(f"no store at {store.path}; nothing to maintain")
    if is_lake_url(store.path):
        return _maintain_lake(store, keep_snapshots_days() if keep_days is None else keep_days, grace)
    return _maintain_file(store)


def _maintain_file(store: Store) -> Maintenance:
    """DuckDB's CHECKPOINT: what the write-ahead log holds written into the file (every writer's close does it
    too, so usually there is nothing left to do; a writer that was killed leaves its log)."""
    size = "SELECT wal_size, used_blocks, free_blocks FROM pragma_database_size()"
    with store.writing() as con:
        before = con.execute(size).fetchone()
        con.execute("CHECKPOINT")
        after = con.execute(size).fetchone()
    return Maintenance(str(store.path), notes=[
        f"checkpoint: write-ahead log {before[0]} before, {after[0]} after",
        (f"blocks in use {before[1]:,} → {after[1]:,}, free {before[2]:,} → {after[2]:,} "
        f"(file {os.path.getsize(store.path):,} bytes)")])


def _total(rows: pa.Table, column: str) -> int:
    return int(pc.sum(rows[column]).as_py() or 0)


def _maintain_lake(store: AnyStore, keep_days: float, grace: timedelta) -> Maintenance:
    """DuckLake's maintenance functions in CHECKPOINT's order, each one lake transaction retried on a conflict
    with a site's write (sites go on writing; the maintenance claim keeps two maintenances or a backup apart)."""
    expire_before = datetime.now(UTC) - timedelta(days=keep_days)
    remove_before = datetime.now(UTC) - grace

    def call(sql: str, params: dict | None = None):
        return write_retrying(store, lambda con: con.execute(sql, params).to_arrow_table(), MAINTENANCE_CLAIM)

    counts = {"inlined rows written to data files": _total(call("CALL ducklake_flush_inlined_data('lake')"),
                                                           "rows_flushed")}
    counts[f"snapshots expired (older than {keep_days:g} days)"] = len(
        call("CALL ducklake_expire_snapshots('lake', older_than => $before)", {"before": expire_before}))
    merged = call("CALL ducklake_merge_adjacent_files('lake')")
    counts["small files merged"] = _total(merged, "files_processed")
    counts["files they were merged into"] = _total(merged, "files_created")
    counts["files rewritten without their deleted rows"] = _total(
        call("CALL ducklake_rewrite_data_files('lake')"), "files_processed")
    counts["files removed that no snapshot needs"] = len(
        call("CALL ducklake_cleanup_old_files('lake', older_than => $before)", {"before": remove_before}))
    counts["files removed that no commit named"] = len(
        call("CALL ducklake_delete_orphaned_files('lake', older_than => $before)", {"before": remove_before}))
    return Maintenance(store.path, counts, [(f"files are removed {grace.total_seconds() / 60:g} minutes after the "
                                             f"lake stopped needing them (a read or a write in progress keeps its files)")])


# -- backup and restore ------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _empty_folder(folder: Path, what: str) -> Path:
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise StoreError(f"{what} {folder} is not an empty folder; give a new or empty one")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _manifest(kind: str, store: AnyStore, tables: dict, files: dict[str, str], snapshot: int | None) -> dict:
    return {"format": 1, "kind": kind, "store": str(store.path), "made_at": datetime.now(UTC).isoformat(),
            "cordon": __version__, "duckdb": duckdb.__version__, "snapshot": snapshot, "tables": tables,
            "files": files}


def read_manifest(folder: str | os.PathLike[str]) -> dict:
    """The manifest of the backup in ``folder``."""
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{folder} holds no backup: {MANIFEST} is missing (make one with python -m queries "
                         f"backup --to {folder})") from None
    except json.JSONDecodeError as error:
        raise StoreError(f"{path} is not a backup's manifest: {error}") from error


def backup(store: AnyStore, folder: str | os.PathLike[str]) -> dict:
    """Back ``store`` up into the new or empty ``folder``; returns the manifest written there."""
    if not store.exists():
        raise StoreError(f"no store at {store.path}; nothing to back up")
    folder = _empty_folder(Path(folder), "the backup folder")
    manifest = _backup_lake(store, folder) if is_lake_url(store.path) else _backup_file(store, folder)
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


def _backup_file(store: Store, folder: Path) -> dict:
    """The file copied under its shared lock (readers go on, no writer is mid-commit), then opened and checked."""
    copy = folder / FILE_COPY
    with store.reading() as con:
        tables = fingerprints(con)
        shutil.copyfile(store.path, copy)
        wal = store.path.with_name(store.path.name + ".wal")  # a killed writer's log, replayed by whoever opens it
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
    copied = sorted(folder.iterdir())
    checked = Store(copy)
    with checked.reading() as con:
        found = fingerprints(con)
    for lock in set(folder.iterdir()) - set(copied):  # the lock files the check made beside the copy
        lock.unlink()
    if found != tables:
        raise StoreError(f"the copy {copy} differs from {store.path}: " + "; ".join(differences(tables, found)))
    return _manifest("file", store, tables, {path.name: _sha256(path) for path in copied}, None)


def postgres_program(name: str) -> str:
    """A PostgreSQL client program (pg_dump, pg_restore): on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda path: int(path.split("/")[-3])
                    if path.split("/")[-3].isdigit() else 0, reverse=True)), None)
    if not found:
        raise StoreError(f"{name} is not installed; it comes with PostgreSQL's client programs: "
                         f"apt-get install postgresql-client-15")
    return found


def _run_program(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise StoreError(f"{what} failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}")


def _catalog(lake: AnyStore, autocommit: bool = False):
    """A connection to ``lake``'s catalog database (psycopg), or a StoreError saying it cannot be reached."""
    import psycopg

    try:
        return psycopg.connect(lake.conninfo, autocommit=autocommit)
    except psycopg.Error as error:
        raise StoreError(f"cannot reach the lake's catalog database {lake.path}: {error}") from error


def _data_path(catalog) -> Path:
    row = catalog.execute("SELECT value FROM ducklake_metadata WHERE key = 'data_path' AND scope IS NULL").fetchone()
    if row is None:
        raise StoreError("the lake's catalog names no data path (ducklake_metadata data_path)")
    return Path(row[0])


def _backup_lake(store: AnyStore, folder: Path) -> dict:
    """The catalog dumped in one PostgreSQL snapshot exported to pg_dump (so the dump holds exactly the lake
    snapshot whose rows the manifest counts), then the data files copied: a file the dump names was written
    before it and stays, since cleanups wait for the maintenance claim held here."""
    import psycopg

    with store.writing(MAINTENANCE_CLAIM), _catalog(store) as catalog:
        catalog.isolation_level, catalog.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        exported = catalog.execute("SELECT pg_export_snapshot()").fetchone()[0]
        snapshot = catalog.execute("SELECT max(snapshot_id) FROM ducklake_snapshot").fetchone()[0]
        data_path = _data_path(catalog)
        _run_program([postgres_program("pg_dump"), "--format=custom", f"--snapshot={exported}",
                      f"--file={folder / CATALOG_DUMP}", f"--dbname={store.conninfo}"], "pg_dump of the lake's catalog")
        catalog.rollback()
        files = {CATALOG_DUMP: _sha256(folder / CATALOG_DUMP)}
        for source in sorted(path for path in data_path.rglob("*") if path.is_file()):
            relative = source.relative_to(data_path).as_posix()
            target = folder / DATA_FOLDER / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            files[f"{DATA_FOLDER}/{relative}"] = _sha256(target)
    with store.reading(as_of=snapshot) as con:
        tables = fingerprints(con)
    return _manifest("lake", store, tables, files, snapshot)


def restore(folder: str | os.PathLike[str], target: AnyStore) -> dict:
    """Restore the backup in ``folder`` into the empty ``target`` (a new file path, or a lake whose catalog
    database is empty, with a new or empty data path) and check its tables against the manifest; returns it."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["kind"] != ("lake" if is_lake_url(target.path) else "file"):
        raise StoreError(f"{folder} holds a backup of a {manifest['kind']}; restore it into a "
                         + ("lake (--db ducklake:postgres:...)" if manifest["kind"] == "lake" else "file (--db PATH)"))
    for name, digest in manifest["files"].items():
        if not (folder / name).is_file() or _sha256(folder / name) != digest:
            raise StoreError(f"{folder / name} is missing or not the file the backup wrote (its SHA-256 differs): "
                             f"the backup is damaged; restore another")
    if is_lake_url(target.path):
        _restore_lake(folder, target)
    else:
        _restore_file(folder, target, list(manifest["files"]))
    with target.reading() as con:
        found = fingerprints(con)
    if found != manifest["tables"]:
        raise StoreError(f"the restored store {target.path} differs from the backup: "
                         + "; ".join(differences(manifest["tables"], found)))
    return manifest


def _restore_file(folder: Path, target: Store, manifest_files: list[str]) -> None:
    if target.path.exists():
        raise StoreError(f"{target.path} exists; restore into a new file path (then move it into place)")
    target.path.parent.mkdir(parents=True, exist_ok=True)
    for name in manifest_files:  # the copy, and a killed writer's log if there was one
        shutil.copyfile(folder / name, target.path.with_name(target.path.name + name[len(FILE_COPY):]))


def _restore_lake(folder: Path, target: AnyStore) -> None:
    """The catalog restored into the empty database, owned by the role restoring it; the data files copied to
    the target's data path, which the catalog is then told."""
    if target.data_path is None:
        raise StoreError("give the restored lake's data path: --data-path DIR (or $CORDON_DATA_PATH)")
    with _catalog(target, autocommit=True) as catalog:
        tables = catalog.execute("SELECT count(*) FROM information_schema.tables "
                                 "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')").fetchone()[0]
        if tables:
            raise StoreError(f"the database of {target.path} holds {tables} tables; restore into a new, empty "
                             f"database (createdb)")
        data_path = _empty_folder(Path(target.data_path), "the data path")
        _run_program([postgres_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                      f"--dbname={target.conninfo}", str(folder / CATALOG_DUMP)], "pg_restore of the lake's catalog")
        for source in sorted((folder / DATA_FOLDER).rglob("*")):
            if source.is_file():
                destination = data_path / source.relative_to(folder / DATA_FOLDER)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
        catalog.execute("UPDATE ducklake_metadata SET value = %s WHERE key = 'data_path' AND scope IS NULL",
                        (str(data_path.resolve()) + os.sep,))


# -- moving a file into the lake ---------------------------------------------------------------------------------


@dataclass
class Move:
    """What ``migrate-store`` did: each table's rows in the file and in the lake after the move."""

    tables: dict[str, tuple[int, int]]
    already: bool  # the lake held exactly the file's rows already: nothing was written

    def lines(self, source: str, target: str) -> list[str]:
        head = (f"{target} already holds exactly the records of {source}: nothing written" if self.already
                else f"moved {source} into {target}:")
        return [head, *(f"  {table:<22} {file_rows:>10,} in the file, {lake_rows:>10,} in the lake"
                        for table, (file_rows, lake_rows) in self.tables.items())]


def move_file_into_lake(source: Store, lake: AnyStore) -> Move:
    """Copy every table of the file ``source`` into ``lake`` in one lake transaction, ids kept (URLs keep working)
    and the lake's id counters moved past them, then check each table's rows and content against the file.

    One transaction for all tables: a move that fails leaves the lake empty, to be run again. The lake must be
    empty (each record table without rows), or hold exactly the file's rows (then nothing is written): so a second
    run stores nothing twice, and records of other sites are never mixed with a copy of this file."""
    if not is_lake_url(lake.path) or is_lake_url(source.path):
        raise StoreError("migrate-store moves a DuckDB file (--from PATH) into a lake (--to ducklake:postgres:...)")
    with source.reading() as file_con:
        expected = fingerprints(file_con)
        with lake.writing() as con:  # no claim: the lake to itself while it is filled
            held = fingerprints(con)
            if held == expected:
                return Move({table: (want["rows"], want["rows"]) for table, want in expected.items()}, True)
            holding = [f"{table} ({found['rows']:,} rows)" for table, found in held.items() if found["rows"]]
            if holding:
                raise StoreError(f"the lake {lake.path} already holds records that are not (only) those of "
                                 f"{source.path}: {', '.join(holding)}; move a file into a new, empty lake")
            for table in record_tables():  # identifiers from the schema's own lists, never from the file's rows
                columns = ", ".join(f'"{column.name}"' for column in table_columns()[table])
                for batch in file_con.execute(f'SELECT {columns} FROM "{table}"').to_arrow_reader(MOVE_BATCH_ROWS):
                    con.register("incoming", pa.Table.from_batches([batch]))
                    try:
                        con.execute(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM incoming')
                    finally:
                        con.unregister("incoming")
                if table in ALLOCATED_IDS and expected[table]["rows"]:
                    largest = file_con.execute(f'SELECT max("{ALLOCATED_IDS[table]}") FROM "{table}"').fetchone()[0]
                    con.ids_start_after(table, largest)
    with lake.reading() as con:
        found = fingerprints(con)
    if found != expected:
        raise StoreError(f"the lake {lake.path} differs from {source.path} after the move: "
                         + "; ".join(differences(expected, found)))
    return Move({table: (want["rows"], found[table]["rows"]) for table, want in expected.items()}, False)
