"""A Ctrl-C that arrives while a command writes ends the command after the write commits, never as
DuckDB's error for an interrupted statement (which callers took for a failed write)."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from queries.seizures import insert_seizures
from queries.store import Store
from tests.conftest import seizure_row


def stored_ids(store: Store) -> list[str]:
    with store.reading() as con:
        return [row[0] for row in con.execute("SELECT source_id FROM seizures ORDER BY source_id").fetchall()]


def test_ctrl_c_during_a_write_is_held_until_the_write_has_committed(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    store.migrate()
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt), store.writing() as con:
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C in a terminal: delivered at once
        insert_seizures(con, seizure_row(source_id="HELD-1"))
        insert_seizures(con, seizure_row(source_id="HELD-2"))
    assert stored_ids(store) == ["HELD-1", "HELD-2"]
    assert signal.getsignal(signal.SIGINT) is handler  # Ctrl-C acts at once again outside writes


def test_a_failed_write_still_rolls_back_and_writes_outside_the_main_thread_are_untouched(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    store.migrate()
    with pytest.raises(ValueError, match="broken"), store.writing() as con:
        insert_seizures(con, seizure_row(source_id="LOST"))
        raise ValueError("broken")
    errors: list[BaseException] = []

    def write() -> None:  # a dashboard session's thread: no signal handling to change
        try:
            with store.writing() as con:
                insert_seizures(con, seizure_row(source_id="THREAD"))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert errors == [] and stored_ids(store) == ["THREAD"]
