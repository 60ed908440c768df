"""``python -m queries``: seed and status on a file given by --db, clear errors for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from queries.__main__ import main
from queries.control_lists import RELEASE_CSV, read_entries
from queries.store import LATEST_VERSION

ROOT = Path(__file__).resolve().parents[2]


def test_seed_then_status_report_the_rows(tmp_path, capsys):
    db = tmp_path / "nested" / "c.duckdb"
    assert main(["seed", "--db", str(db), "--rows", "400", "--seed", "3"]) == 0
    assert "seeded 400 synthetic seizures" in capsys.readouterr().out
    assert main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "seizures                      400" in out and "checkpoints" in out
    assert "seizures, synthetic: 400 from 2023-" in out


def test_status_of_a_missing_file_says_how_to_create_it(tmp_path, capsys):
    assert main(["status", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "python -m queries seed --db" in capsys.readouterr().err


def test_negative_rows_are_refused_by_the_parser(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["seed", "--db", str(tmp_path / "x.duckdb"), "--rows", "-5"])
    assert "must be 0 or more" in capsys.readouterr().err


def test_the_database_path_defaults_to_cordon_db(tmp_path):
    db = tmp_path / "env.duckdb"
    result = subprocess.run([sys.executable, "-m", "queries", "migrate"], cwd=ROOT, capture_output=True, text=True,
                            env={"CORDON_DB": str(db), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert db.is_file() and f"applied migrations {list(range(1, LATEST_VERSION + 1))}" in result.stdout


def test_migrate_upgrades_an_older_store_and_refreshes_what_the_release_changed(tmp_path, capsys):
    """A store made by 0.11 (schema 10: no lists, no parties; counties without English names, as 0.11 wrote
    them) gets every later migration, the release's county names and list entries; its checkpoints, which
    imports may have corrected, are left as they were."""
    from geodata.demo_geography import demo_geography
    from queries.store import migrate, write_frame

    path, geography = tmp_path / "old.duckdb", demo_geography()
    con = duckdb.connect(str(path))
    migrate(con, target=10)
    write_frame(con, "upsert_admin_units", geography.admin_units.assign(
        name_en=lambda units: units["name_en"].where(units["is_border_zone"] | (units["level"] != "county"), "")))
    write_frame(con, "upsert_checkpoints", geography.checkpoints.assign(
        name_en=lambda points: points["name_en"].where(points["checkpoint_id"] != "dongxing", "Corrected by a post")))
    con.close()

    assert main(["migrate", "--db", str(path)]) == 0
    later = list(range(11, LATEST_VERSION + 1))
    assert f"applied migrations {later} and refreshed the reference tables" in capsys.readouterr().out
    con = duckdb.connect(str(path))
    names = dict(con.execute("SELECT code, name_en FROM admin_units").fetchall())
    corrected = con.execute("SELECT name_en FROM checkpoints WHERE checkpoint_id = 'dongxing'").fetchone()[0]
    list_entries = con.execute("SELECT count(*) FROM control_list_entries").fetchone()[0]
    con.close()
    assert list_entries == len(read_entries(RELEASE_CSV))
    assert names["450102"] == "Xingning District" and all(names.values())
    assert corrected == "Corrected by a post"
    assert main(["migrate", "--db", str(path)]) == 0
    assert "schema already current" in capsys.readouterr().out


def test_a_commands_data_path_lasts_only_while_it_runs(file_store, tmp_path, monkeypatch):
    """--data-path reaches the stores a command opens through the environment, and leaves it as it was: a later
    caller in the same process (the dashboard's test, another command) must not inherit another lake's folder."""
    import os

    monkeypatch.delenv("CORDON_DATA_PATH", raising=False)
    assert main(["status", "--db", str(file_store.path), "--data-path", str(tmp_path / "elsewhere")]) == 0
    assert "CORDON_DATA_PATH" not in os.environ
    monkeypatch.setenv("CORDON_DATA_PATH", "/srv/lake")
    assert main(["status", "--db", str(file_store.path), "--data-path", str(tmp_path / "elsewhere")]) == 0
    assert os.environ["CORDON_DATA_PATH"] == "/srv/lake"
