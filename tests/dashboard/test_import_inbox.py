"""The Import page's inbox section: the files an inbox watcher took lately, newest first, with localized
headers, status words and counts, the inbox folder escaped in the caption; guidance when there are none."""

from __future__ import annotations

import os
import time

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.tooltips import markdown_text
from queries.inbox import process_inbox
from tests.queries.ingest_fixtures import geography, places_store, seizure_row, write_csv  # noqa: F401 (fixtures)


def _section(db: str, lang: str) -> None:
    from dashboard.screens.import_inbox import render_inbox_reports
    from queries.stores import open_store

    render_inbox_reports(open_store(db), lang)


def _render(db, lang: str) -> AppTest:
    test = AppTest.from_function(_section, args=(str(db), lang), default_timeout=60).run()
    assert not test.exception
    return test


@pytest.fixture
def watched(tmp_path, places_store, geography):  # noqa: F811 (fixtures)
    """A store into which an inbox (a folder whose name Markdown would read) took a good file of 1,200
    rows, one of them refused, and then a file it could not read."""
    inbox = tmp_path / "in*box_[x]"
    inbox.mkdir()
    rows = [seizure_row(i) for i in range(1200)]
    rows[7] = seizure_row(7, quantity="abc")
    past = time.time() - 3600
    write_csv(inbox / "a_dongxing.csv", rows)
    (inbox / "b_notes.csv").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    for path in inbox.iterdir():
        os.utime(path, (past, past))
    assert [report.status for report in process_inbox(places_store, inbox, geography)] == ["done", "failed"]
    return places_store.path, inbox


def test_the_latest_files_are_listed_newest_first_with_their_counts_in_english_and_chinese(watched):
    db, inbox = watched
    english = _render(db, "en")
    assert [header.value for header in english.subheader] == ["Inbox"]
    table = english.dataframe[0].value
    assert table.columns.tolist() == ["When", "File", "Status", "Rows", "New", "Updated", "Unchanged", "Refused",
                                      "Moved to", "Reason"]
    failed, done = table.to_dict("records")
    assert (failed["File"], failed["Status"], failed["Rows"], failed["New"]) == ("b_notes.csv", "Failed", "", "")
    assert "b_notes.csv" in failed["Reason"] and failed["Moved to"].startswith("failed/")
    assert [done[key] for key in ("File", "Status", "Rows", "New", "Updated", "Unchanged", "Refused", "Reason")] == [
        "a_dongxing.csv", "Imported", "1,200", "1,199", "0", "0", "1", ""]
    assert done["Moved to"].startswith("done/") and done["Moved to"].endswith("_a_dongxing.csv")
    caption = english.caption[0].value
    assert caption.startswith("The 2 latest files the inbox watcher")
    assert markdown_text(inbox.resolve()) in caption and "in*box_[x]" not in caption  # shown as written, not as Markdown

    chinese = _render(db, "zh")
    assert [header.value for header in chinese.subheader] == ["收件箱"]
    table = chinese.dataframe[0].value
    assert table.columns.tolist() == ["时间", "文件", "状态", "行数", "新增", "更新", "未变", "拒绝", "移至", "原因"]
    assert table["状态"].tolist() == ["失败", "已导入"] and table["行数"].tolist() == ["", "1,200"]
    assert chinese.caption[0].value.startswith("收件箱监视程序") and "收件箱文件夹：" in chinese.caption[0].value


def test_without_any_inbox_file_the_section_says_how_to_set_one_up(store):
    english = _render(store.path, "en")
    assert [header.value for header in english.subheader] == ["Inbox"] and not english.dataframe
    assert english.info[0].value.startswith("No file has come through an inbox yet.")
    assert "python -m queries watch --db … --inbox DIR" in english.info[0].value
    chinese = _render(store.path, "zh")
    assert [header.value for header in chinese.subheader] == ["收件箱"]
    assert chinese.info[0].value.startswith("尚无文件经收件箱导入。")
