"""Operations (issue 20, item 6): maintenance while a site writes, the restore drill on both stores, and moving a
site's file into an empty lake (queries.operations, ``python -m queries maintain|backup|restore|migrate-store``)."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

import pandas as pd
import pytest

from queries import operations
from queries.__main__ import main
from queries.lake import LAKE_PREFIX, LakeStore, is_lake_url
from queries.seizures import insert_seizures
from queries.store import Store, StoreError, seizures_claim
from queries.stores import open_store, write_retrying
from tests.conftest import seizure_row


def _write(store, first: int, count: int, source: str = "test") -> None:
    """Seizures ``T-first`` … of ``source`` in one write."""
    rows = pd.concat([seizure_row(source=source, source_id=f"T-{i}") for i in range(first, first + count)])
    write_retrying(store, lambda con: insert_seizures(con, rows.reset_index(drop=True)), seizures_claim(source))


def _held(store) -> dict:
    with store.reading() as con:
        return operations.fingerprints(con)


@pytest.fixture
def other_store(store, tmp_path, request):
    """A second, not yet created store of the same kind as ``store``: a new file path, or an empty database of
    the run's PostgreSQL with a new data path."""
    if not is_lake_url(store.path):
        yield Store(tmp_path / "restored" / "cordon.duckdb")
        return
    cluster, name = request.getfixturevalue("postgres_cluster"), f"restored_{uuid.uuid4().hex}"
    other = LakeStore(LAKE_PREFIX + cluster.create_database(name), tmp_path / "restored-files")
    yield other
    other.close()
    cluster.drop_database(name)


def test_restore_drill_gives_back_exactly_the_backed_up_rows_and_a_working_store(store, other_store, tmp_path):
    _write(store, 0, 40)
    backed_up = _held(store)
    manifest = operations.backup(store, tmp_path / "backup")
    _write(store, 40, 7)  # written after the backup: not in it

    assert manifest["tables"] == backed_up and manifest["tables"]["seizures"]["rows"] == 40
    assert operations.read_manifest(tmp_path / "backup") == manifest
    if is_lake_url(store.path):
        assert manifest["snapshot"] is not None and "catalog.dump" in manifest["files"]
        with store.reading(as_of=manifest["snapshot"]) as con:
            assert operations.fingerprints(con) == backed_up

    operations.restore(tmp_path / "backup", other_store)

    assert _held(other_store) == backed_up  # counts and content, every table
    _write(other_store, 100, 1)  # the restored store takes writes, and hands out no id twice
    with other_store.reading() as con:
        ids = con.execute("SELECT count(*), count(DISTINCT seizure_id) FROM seizures").fetchone()
        stored = con.execute("SELECT source_id FROM seizures WHERE source_id = 'T-100'").fetchall()
    assert ids == (41, 41) and stored == [("T-100",)]


def test_restore_refuses_a_damaged_backup_and_a_target_that_holds_data(store, other_store, tmp_path):
    _write(store, 0, 3)
    manifest = operations.backup(store, tmp_path / "backup")
    with pytest.raises(StoreError, match="not an empty folder"):
        operations.backup(store, tmp_path / "backup")
    with pytest.raises(StoreError, match="restore it into a"):
        operations.restore(tmp_path / "backup", Store(tmp_path / "x.duckdb") if is_lake_url(store.path) else
                           LakeStore(LAKE_PREFIX + "dbname=none", tmp_path / "none"))
    with pytest.raises(StoreError, match="exists|holds"):
        operations.restore(tmp_path / "backup", store)

    damaged = tmp_path / "backup" / next(name for name in manifest["files"] if name != "manifest.json")
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"?")
    with pytest.raises(StoreError, match="the backup is damaged"):
        operations.restore(tmp_path / "backup", other_store)


def test_maintain_and_backup_while_a_site_writes_lose_nothing(lake_store, tmp_path):
    """A writer keeps committing small batches while maintenance runs twice (first keeping every snapshot, then
    none) and a backup is taken: nothing is lost, and the backup holds exactly the snapshot it names."""
    _write(lake_store, 0, 30)
    first = lake_store.change_marker()
    for batch in range(1, 4):
        _write(lake_store, batch * 30, 30)
    written, stop, failures = [4 * 30], threading.Event(), []

    def site() -> None:
        while not stop.is_set():
            try:
                _write(lake_store, written[0], 30)
                written[0] += 30
            except Exception as error:  # noqa: BLE001 (reported by the test)
                failures.append(repr(error))
                return

    writer = threading.Thread(target=site)
    writer.start()
    try:
        # the product's grace before unused files go: with none, a file the writing site's open transaction
        # still reads was removed under it (CI saw "Cannot open file … .parquet")
        kept = operations.maintain(lake_store, keep_days=1)
        expired = operations.maintain(lake_store, keep_days=0)
        manifest = operations.backup(lake_store, tmp_path / "backup")
    finally:
        stop.set()
        writer.join(timeout=120)

    assert failures == []
    assert kept.counts["small files merged"] >= 4 and kept.counts["snapshots expired (older than 1 days)"] == 0
    assert expired.counts["snapshots expired (older than 0 days)"] > 0
    assert any("small files merged" in line for line in kept.lines())
    with lake_store.reading() as con:
        assert con.execute("SELECT count(*), count(DISTINCT source_id) FROM seizures").fetchone() == (written[0],) * 2
    assert first not in lake_store.snapshot_ids()  # expired by the second run, whose policy keeps none
    with lake_store.reading(as_of=manifest["snapshot"]) as con:
        assert operations.fingerprints(con) == manifest["tables"]


def test_maintain_keeps_the_snapshots_within_the_policy_readable(lake_store):
    for batch in range(3):
        _write(lake_store, batch * 30, 30)
    snapshot = lake_store.change_marker()
    kept = _held(lake_store)
    _write(lake_store, 500, 30)

    done = operations.maintain(lake_store, keep_days=1, grace=timedelta(0))

    assert done.counts["small files merged"] > 0 and done.counts["files removed that no snapshot needs"] >= 0
    with lake_store.reading(as_of=snapshot) as con:  # an export of that snapshot is reproduced after the merge
        assert operations.fingerprints(con) == kept


def test_a_file_is_backed_up_while_the_dashboard_reads(file_store, tmp_path):
    _write(file_store, 0, 3)
    with file_store.reading() as con:  # a dashboard session's read, still open: the backup shares its lock
        operations.backup(file_store, tmp_path / "backup")
        assert con.execute("SELECT count(*) FROM seizures").fetchone() == (3,)
    assert sorted(operations.read_manifest(tmp_path / "backup")["files"]) == ["cordon.duckdb"]


def test_maintain_checkpoints_a_file_and_changes_no_row(file_store, capsys):
    _write(file_store, 0, 5)
    before = _held(file_store)
    assert main(["maintain", "--db", str(file_store.path)]) == 0
    assert "checkpoint: write-ahead log" in capsys.readouterr().out
    assert _held(file_store) == before


def test_the_snapshot_policy_comes_from_the_environment():
    assert operations.keep_snapshots_days({}) == 30
    assert operations.keep_snapshots_days({"CORDON_KEEP_SNAPSHOTS_DAYS": "7"}) == 7
    with pytest.raises(ValueError, match="CORDON_KEEP_SNAPSHOTS_DAYS"):
        operations.keep_snapshots_days({"CORDON_KEEP_SNAPSHOTS_DAYS": "a month"})


def test_backup_and_restore_from_the_command_line(file_store, tmp_path, capsys):
    _write(file_store, 0, 4)
    assert main(["backup", "--db", str(file_store.path), "--to", str(tmp_path / "b")]) == 0
    assert "seizures" in capsys.readouterr().out
    restored = tmp_path / "r.duckdb"
    assert main(["restore", "--db", str(restored), "--from", str(tmp_path / "b")]) == 0
    assert "checked against the manifest" in capsys.readouterr().out
    assert _held(Store(restored)) == _held(file_store)
    assert main(["restore", "--db", str(restored), "--from", str(tmp_path / "b")]) == 2
    assert "restore into a new file path" in capsys.readouterr().err
    assert json.loads((tmp_path / "b" / "manifest.json").read_text())["kind"] == "file"


def test_migrate_store_moves_every_table_into_an_empty_lake_once(seeded_file, lake_store, capsys):
    source = open_store(seeded_file)
    expected = _held(source)
    with source.reading() as con:
        largest = con.execute("SELECT max(seizure_id) FROM seizures").fetchone()[0]

    assert main(["migrate-store", "--from", str(seeded_file), "--to", lake_store.path,
                 "--data-path", lake_store.data_path]) == 0
    out = capsys.readouterr().out
    assert "seizures" in out and "3,000 in the file,      3,000 in the lake" in out
    assert _held(lake_store) == expected
    snapshot = lake_store.change_marker()

    again = operations.move_file_into_lake(source, lake_store)  # a second run stores nothing twice
    assert again.already and lake_store.change_marker() == snapshot

    _write(lake_store, 0, 1, source="another site")  # new ids start after the file's
    with lake_store.reading() as con:
        new_id = con.execute("SELECT seizure_id FROM seizures WHERE source = 'another site'").fetchone()[0]
    assert new_id > largest
    with pytest.raises(StoreError, match="already holds records that are not"):
        operations.move_file_into_lake(source, lake_store)
