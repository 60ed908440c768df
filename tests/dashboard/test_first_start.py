"""The first start: the store and its first account are made before the sign-in form, the demo seizures
behind it (a signed-in page waits for them, saying so in the reader's language), and a fresh checkout
starts without a warning."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from queries.store import Store
from tests.e2e.conftest import start_app

ROOT = Path(__file__).resolve().parents[2]


def test_the_sign_in_needs_only_the_schema_and_the_account_and_the_seed_follows_behind(tmp_path, monkeypatch):
    from dashboard import startup

    said, release = [], threading.Event()

    def spinner(text, **_):
        said.append(text)
        release.set()  # the page waits: now let the seed finish
        return contextlib.nullcontext()

    def slow_seed(path):
        release.wait(timeout=60)
        with Store(path).writing() as con:
            con.execute("INSERT INTO admin_units SELECT '450000', 'province', '广西', 'Guangxi', '450000', false, "
                        "108.3, 22.8")

    monkeypatch.setattr(startup.st, "spinner", spinner)
    monkeypatch.setattr(startup, "seed_demo", slow_seed)
    path = str(tmp_path / "new.duckdb")
    store = startup.prepared_store(path)
    assert startup.prepared_store(path) is store  # once per process
    startup.start_seed(path)  # the sign-in page is drawn
    with store.reading() as con:  # ready for a sign-in while the seed still waits
        assert con.execute("SELECT username, role FROM users").fetchall() == [("admin", "admin")]
        assert con.execute("SELECT count(*) FROM admin_units").fetchone()[0] == 0
    startup.wait_for_seed(path, "zh")  # a signed-in page: waits, saying why in the reader's language
    assert said == [f"首次启动：正在 {path} 创建演示数据库（需要几秒钟）…"]
    with store.reading() as con:
        assert con.execute("SELECT count(*) FROM admin_units").fetchone()[0] == 1
    startup.wait_for_seed(path, "zh")  # done: no second note
    assert len(said) == 1


def test_a_seed_that_fails_is_raised_to_the_page_that_waits_for_it(tmp_path, monkeypatch):
    from dashboard import startup

    def broken(path):
        raise OSError("disk full")

    monkeypatch.setattr(startup, "seed_demo", broken)
    path = str(tmp_path / "new.duckdb")
    startup.prepared_store(path)
    with pytest.raises(OSError, match="disk full"):
        startup.wait_for_seed(path, "en")


def test_a_fresh_checkout_starts_without_a_warning(tmp_path):
    """The repository's files as a clone has them (no data/, no dashboard/static/base/) started on a new
    database: the server's output has no warning (Streamlit warned of a missing static folder)."""
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, text=True, check=True).stdout.split()
    clone = tmp_path / "clone"
    for name in files:
        if (ROOT / name).is_file() and not name.startswith(("bench/", "docs/", "tests/")):
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    assert (clone / "dashboard" / "static").is_dir() and not (clone / "dashboard" / "static" / "base").exists()
    log = tmp_path / "server.log"
    with start_app(tmp_path / "data" / "cordon.duckdb", log, root=clone):
        pass  # the server answers: what it says at its start is said
    text = log.read_text(errors="replace")
    assert "You can now view your Streamlit app" in text and "warning" not in text.lower(), text
