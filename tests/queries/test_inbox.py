"""The unattended inbox: files dropped into a folder are imported once settled, then moved to done/ or
failed/ with a report beside each and an audit row; a file still being written is left alone; a
SIGKILL mid-import leaves the file in the inbox and the store as it was; one watcher at a time holds an
inbox, and a killed one leaves no stale lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from queries import access
from queries.__main__ import HOLD_BEFORE_COMMIT, main
from queries.inbox import (
    LOCK_NAME,
    REPORT_SUFFIX,
    Sighting,
    observe,
    process_inbox,
    recent_reports,
    settled,
    waiting_files,
)
from tests.queries.ingest_fixtures import seizure_row, write_csv
from tests.queries.test_ingest_crash import ROOT, assert_same, kill_before_commit, snapshot, wait_for_line

SETTLE_S = 30.0


def _written_long_ago(path: Path) -> Path:
    """``path`` as if written an hour ago (its modification time set back), so it has settled."""
    past = time.time() - 3600
    os.utime(path, (past, past))
    return path


def _in(folder: Path) -> dict[str, Path]:
    """The files in ``folder`` by the name they had in the inbox (done/ and failed/ prefix a time stamp)."""
    return {path.name.split("_", 1)[1]: path for path in folder.iterdir()} if folder.is_dir() else {}


def _report(moved: Path) -> dict:
    return json.loads(moved.with_name(moved.name + REPORT_SUFFIX).read_text(encoding="utf-8"))


def test_a_file_is_settled_once_its_size_and_time_stay_the_same_for_the_settle_interval():
    first = observe(None, 100, mtime=1000.0, now=1000.5)
    assert first == Sighting(100, 1000.0, 1000.0) and not settled(first, 1029.0, SETTLE_S)
    growing = observe(first, 250, mtime=1020.0, now=1021.0)  # it grew: the wait starts again
    assert growing.since == 1021.0 and not settled(growing, 1050.0, SETTLE_S)
    same = observe(growing, 250, mtime=1020.0, now=1051.0)
    assert same is growing and settled(same, 1051.0, SETTLE_S)
    assert settled(observe(None, 100, mtime=0.0, now=5000.0), 5000.0, SETTLE_S)  # written long before first seen


def test_good_bad_and_slowly_written_files_each_end_in_their_place_with_a_report(tmp_path, places_store, geography):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = [seizure_row(i) for i in range(20)]
    rows[3] = seizure_row(3, quantity="abc")
    _written_long_ago(write_csv(inbox / "dongxing.csv", rows))
    bad = inbox / "notes.csv"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    _written_long_ago(bad)
    slow = inbox / "hekou.csv"
    lines = write_csv(tmp_path / "hekou.csv", [seizure_row(i, 编号=f"H-{i}") for i in range(30)]).read_bytes()
    slow.write_bytes(lines[: len(lines) // 2])  # half written, just now
    (inbox / "hekou2.csv.part").write_bytes(lines)  # under a temporary name: never read
    sightings: dict[Path, Sighting] = {}
    now = time.time()

    reports = process_inbox(places_store, inbox, geography, settle_s=SETTLE_S, sightings=sightings, now=now)
    assert sorted((report.file, report.status) for report in reports) == [("dongxing.csv", "done"),
                                                                          ("notes.csv", "failed")]
    done, failed = _in(inbox / "done"), _in(inbox / "failed")
    assert set(done) == {"dongxing.csv", "dongxing.csv" + REPORT_SUFFIX}
    assert set(failed) == {"notes.csv", "notes.csv" + REPORT_SUFFIX}
    assert sorted(path.name for path in inbox.iterdir() if path.is_file()) == ["hekou.csv", "hekou2.csv.part"]

    good = _report(done["dongxing.csv"])
    assert good["status"] == "done" and good["details"]["new"] == 19 and good["details"]["rejected"] == 1
    assert good["refusals"][0]["field"] == "quantity" and "abc" in good["refusals"][0]["example"]
    refused = _report(failed["notes.csv"])
    assert refused["status"] == "failed" and "notes.csv" in refused["error"] and not refused["details"].get("new")

    slow.write_bytes(lines)  # the rest arrives: it changed, so the wait starts again
    assert process_inbox(places_store, inbox, geography, settle_s=SETTLE_S, sightings=sightings, now=now + 20) == []
    assert process_inbox(places_store, inbox, geography, settle_s=SETTLE_S, sightings=sightings,
                         now=now + 20 + SETTLE_S)[0].status == "done"
    assert _report(_in(inbox / "done")["hekou.csv"])["details"]["new"] == 30

    with places_store.reading() as con:
        stored = con.execute("SELECT source_id FROM seizures WHERE source_id LIKE 'H-%' OR source_id LIKE 'R-%'").df()
    assert len(stored) == 49
    audit = access.read_audit(places_store, kind="import")
    details = [json.loads(text) for text in audit["details"]]
    assert [(row["file"], row["inbox"]) for row in details] == [("dongxing.csv", "done"), ("notes.csv", "failed"),
                                                                ("hekou.csv", "done")]
    assert set(audit["source"]) == {"cli"} and details[1]["error"] == refused["error"]

    by_hand = write_csv(tmp_path / "by_hand.csv", [seizure_row(i, 编号=f"M-{i}") for i in range(5)])
    assert main(["ingest", "--db", str(places_store.path), str(by_hand)]) == 0  # not through the inbox: not listed
    recent = recent_reports(places_store)
    assert recent["file"].tolist() == ["hekou.csv", "notes.csv", "dongxing.csv"]  # newest first
    hekou, notes, dongxing = recent.to_dict("records")
    assert [row["status"] for row in (hekou, notes, dongxing)] == ["done", "failed", "done"]
    assert [dongxing[key] for key in ("rows", "new", "updated", "unchanged", "rejected")] == [20, 19, 0, 0, 1]
    assert hekou["new"] == 30 and pd.isna(dongxing["error"])
    assert dongxing["moved_to"] == f"done/{done['dongxing.csv'].name}" and dongxing["inbox_dir"] == str(inbox.resolve())
    assert notes["error"] == refused["error"] and notes["moved_to"] == f"failed/{failed['notes.csv'].name}"
    assert pd.isna(notes["rows"]) and pd.isna(notes["new"])
    assert recent_reports(places_store, limit=1)["file"].tolist() == ["hekou.csv"]


def test_the_watch_command_imports_once_and_a_sigkill_mid_import_leaves_the_file_and_the_store(tmp_path,
                                                                                                places_store):
    db, inbox = places_store.path, tmp_path / "inbox"
    inbox.mkdir()
    first = _written_long_ago(write_csv(inbox / "week1.csv", [seizure_row(i) for i in range(100)]))
    assert main(["watch", "--db", str(db), "--inbox", str(inbox), "--once"]) == 0
    assert not first.exists() and "week1.csv" in _in(inbox / "done")
    second = _written_long_ago(write_csv(inbox / "week2.csv", [seizure_row(i, quantity=str(i + 100))
                                                               for i in range(3000)]))
    before = snapshot(db)

    kill_before_commit(["watch", "--once", "--db", str(db), "--inbox", str(inbox)])
    assert second.is_file() and set(_in(inbox / "done")) == {"week1.csv", "week1.csv" + REPORT_SUFFIX}
    assert not (inbox / "failed").exists()
    assert_same(snapshot(db), before)
    assert len(access.read_audit(places_store, kind="import")) == 1

    assert main(["watch", "--db", str(db), "--inbox", str(inbox), "--once"]) == 0  # the next pass takes it
    assert not second.exists() and _report(_in(inbox / "done")["week2.csv"])["details"]["updated"] == 100


def test_a_second_watcher_on_the_same_inbox_refuses_and_a_killed_watchers_lock_is_released(tmp_path, places_store,
                                                                                         capsys):
    db, inbox = places_store.path, tmp_path / "inbox"
    inbox.mkdir()
    waiting = _written_long_ago(write_csv(inbox / "week1.csv", [seizure_row(i) for i in range(50)]))
    first = subprocess.Popen([sys.executable, "-m", "queries", "watch", "--db", str(db), "--inbox", str(inbox)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, HOLD_BEFORE_COMMIT: "1"})
    try:
        wait_for_line(first, "ingest: holding before commit")  # the first watcher is mid-import, holding the inbox
        capsys.readouterr()
        elsewhere = tmp_path / "elsewhere" / "cordon.duckdb"  # a second watcher of the inbox, into another store
        assert main(["watch", "--db", str(elsewhere), "--inbox", str(inbox), "--once"]) == 2
        error = capsys.readouterr().err
        assert str(inbox / LOCK_NAME) in error and f"pid {first.pid}" in error and "one watcher per inbox" in error
        assert waiting.is_file() and not (inbox / "done").exists() and not elsewhere.exists()  # it took nothing
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    assert first.returncode == -signal.SIGKILL and (inbox / LOCK_NAME).is_file()  # the file stays; its lock went

    assert main(["watch", "--db", str(db), "--inbox", str(inbox), "--once"]) == 0
    assert not waiting.exists() and "week1.csv" in _in(inbox / "done")
    assert waiting_files(inbox) == [] and not (inbox / "failed").exists()  # the lock file is never imported
    assert (inbox / LOCK_NAME).read_text().strip() == str(os.getpid())  # the last holder's pid
