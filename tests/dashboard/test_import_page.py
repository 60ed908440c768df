"""The Import page: its should_stop (true once the browser session that uploaded the file has ended), what
it shows of a workbook of several sheets before and after the import, unknown values accepted and the
mapping saved, and what it says of a file without a key or a required column."""

from __future__ import annotations

import tomllib
from pathlib import PurePosixPath
from types import SimpleNamespace

import pandas as pd
import pytest

from dashboard.screens import import_records
from queries.constants import CHANNELS
from queries.ingest.files import never_stop
from queries.labels import t
from tests.conftest import seeded_copy
from tests.queries.test_ingest_layout import APRIL, MARCH, _workbook

WORKBOOK = _workbook((3, MARCH), (4, APRIL), empty="空白")  # two monthly sheets and an empty one
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Server:
    """Streamlit's runtime as far as the page asks it: which sessions are active."""

    def __init__(self, active: set[str]):
        self.active = active

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.active


@pytest.fixture
def served(monkeypatch):
    """A run of the page in session 's1' of a server; the server and the run's yield checks."""
    server, yields = Server({"s1"}), []
    run = SimpleNamespace(session_id="s1", yield_check=lambda: yields.append(True))
    monkeypatch.setattr(import_records.runtime, "exists", lambda: True)
    monkeypatch.setattr(import_records.runtime, "get_instance", lambda: server)
    monkeypatch.setattr(import_records, "get_script_run_ctx", lambda suppress_warning=False: run)
    return server, yields


def test_the_work_stops_once_the_uploaders_session_has_ended(served):
    server, yields = served
    should_stop = import_records.session_ended()
    assert should_stop() is False
    server.active.clear()  # the tab closed: Streamlit drops the session from its active ones
    assert should_stop() is True
    assert len(yields) == 2  # each question lets Streamlit end the run for a rerun or stop it asked for


def test_work_nobody_can_leave_never_stops(served, monkeypatch):
    server, _ = served
    server.active.clear()  # not a browser's session (a script, a test)
    assert import_records.session_ended() is never_stop
    monkeypatch.setattr(import_records.runtime, "exists", lambda: False)
    assert import_records.session_ended() is never_stop


@pytest.fixture
def import_page(seeded_db, tmp_path, monkeypatch):
    """The Import page of a copy of the seeded database, signed in as admin, in ``lang``."""
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.test_app import APP, signed_in

    copy = tmp_path / "cordon.duckdb"
    copy = seeded_copy(seeded_db, copy)
    monkeypatch.setenv("CORDON_DB", str(copy))

    def open_in(lang: str) -> AppTest:
        test = signed_in(AppTest.from_file(APP, default_timeout=120))
        test.query_params.update({"period": "all", "refresh": "0", "lang": lang})
        test.run()
        test.switch_page("screens/import_records.py").run()
        test.file_uploader(key="i_file").set_value(("东兴海关2025.xlsx", WORKBOOK, XLSX)).run()
        assert not test.exception
        return test

    return open_in


def _sheets(test, ok_label: str) -> pd.DataFrame:
    """The page's table of sheets whose third column is ``ok_label`` (AppTest does not keep a dataframe's key)."""
    return next(d.value for d in test.dataframe if d.value.columns[2:3].tolist() == [ok_label])


def _captions(test) -> list[str]:
    return [caption.value.replace("\\", "") for caption in test.caption]  # as read: markdown escapes dropped


def test_a_workbooks_sheets_and_the_rows_passed_over_are_shown_before_and_after_the_import(import_page):
    test = import_page("en")
    checked = _sheets(test, "Can be imported")
    assert checked.columns.tolist() == ["Sheet", "Rows", "Can be imported", "Refused", "Passed over"]
    assert checked.values.tolist() == [["2025年3月", "3", "3", "0", "3"], ["2025年4月", "2", "2", "0", "3"],
                                       ["空白", "0", "0", "0", "0"]]
    captions = _captions(test)
    assert any("sheet '2025年4月' row 1 “东兴海关2025年4月战略矿产查获情况表”" in c for c in captions)  # not 10000001
    assert t("import_keyless") not in captions and not test.warning  # keyed, and no required field lacking
    assert not test.expander[0].proto.expanded  # the values for the whole file stay folded
    layout = next(c for c in captions if c.startswith("Serial-number columns left out: 序号 · Rows passed over: "))
    assert "sheet '2025年3月' row 7 (total) “合计 3批”; sheet '2025年3月' row 9 (note) “注：数量以海关称重为准”" in layout
    assert "sheet '2025年4月' row 6 (total) “合计 2批”" in layout
    test.button(key="i_run").click().run()
    assert not test.exception and "5 new, 0 updated" in test.success[0].value
    assert _sheets(test, "Accepted").values.tolist() == checked.values.tolist()


def test_the_sheets_table_and_caption_speak_chinese(import_page):
    test = import_page("zh")
    assert _sheets(test, "可导入").columns.tolist() == ["工作表", "行数", "可导入", "拒绝", "跳过"]
    captions = _captions(test)
    assert any("工作表“2025年4月”第 1 行 “东兴海关2025年4月战略矿产查获情况表”" in c for c in captions)
    assert any(c.startswith("未读取的序号列：序号 · 跳过的行：") and "工作表“2025年4月”第 6 行 (合计行) “合计 2批”" in c
               for c in captions)
    assert test.dataframe[1].value.columns[:3].tolist() == ["工作表", "行号", "编号"]  # the preview's sheet and row


UNKNOWN_CHANNELS = _workbook(*((month, [row[:6] + ["unofficial border path"] + row[7:] for row in rows])
                               for month, rows in ((3, MARCH), (4, APRIL))))


def _upload(test, name: str, data: bytes, mime: str = XLSX, key: str = "i_file"):
    test.file_uploader(key=key).set_value((name, data, mime)).run()
    assert not test.exception
    return test


def _table_with(test, column: str) -> pd.DataFrame:
    """The first table on the page with ``column`` (AppTest keeps no dataframe's key)."""
    return next(d.value for d in test.dataframe if column in d.value.columns)


def _editor(test, key: str) -> pd.DataFrame:
    return next(d.value for d in test.dataframe if d.key == key)


def _downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes of each file a page offers for download, by the name in its URL: AppTest's media store is
    dropped after each run, so its files are kept as they are added."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    served, add = {}, MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, data, *args, **kwargs):
        file_id = add(self, data, *args, **kwargs)
        served[file_id] = data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return served


def test_unknown_channel_spellings_are_shown_once_accepted_and_imported(import_page, monkeypatch):
    downloads = _downloads(monkeypatch)
    test = _upload(import_page("en"), "东兴海关2025.xlsx", UNKNOWN_CHANNELS)
    assert any(c.startswith("0 rows can be imported; 5 would be refused") for c in _captions(test))
    assert _editor(test, "i_unknown_channel").values.tolist() == [
        [True, "unofficial border path", "5", "Unofficial border path"]]  # once, with its rows and suggestion
    refused = _table_with(test, "Where")
    assert refused[["Field", "Rows", "Where"]].values.tolist() == [
        ["Channel", "5", "sheet '2025年3月' rows 4–6; sheet '2025年4月' rows 4–5"]]
    test.button(key="i_accept").click().run()
    captions = _captions(test)
    assert any(c.startswith("5 rows can be imported; 0 would be refused") for c in captions)
    assert "Accepted: unofficial border path → Unofficial border path" in captions
    assert not [d for d in test.dataframe if d.key == "i_unknown_channel"]  # nothing left unknown
    saved = test.get("download_button")[0]
    assert saved.label == "Save the mapping for this post's next file"
    mapping = tomllib.loads(downloads[PurePosixPath(saved.proto.url).stem].decode("utf-8"))
    assert mapping == {"name": "东兴海关", "values": {"channel": {"unofficial_path": ["unofficial border path"]}}}
    test.button(key="i_run").click().run()
    assert not test.exception and "5 new, 0 updated" in test.success[0].value


def test_a_value_for_the_whole_file_fills_a_column_the_file_lacks_and_the_page_speaks_chinese(import_page):
    from tests.queries.ingest_fixtures import seizure_row

    rows = [{header: value for header, value in seizure_row(i).items() if header != "查获单位"} for i in range(4)]
    csv = pd.DataFrame(rows).to_csv(index=False).encode("utf-8")
    test = _upload(import_page("zh"), "邮件处理中心.csv", csv, "text/csv")
    assert any(c.startswith("0 行可导入") for c in _captions(test)), _captions(test)
    columns = test.dataframe[0].value
    assert columns.columns.tolist() == ["字段", "文件中的列"]
    assert columns["字段"].tolist()[:4] == ["记录编号", "查获时间", "经度", "纬度"]  # the fields in Chinese, not codes
    refused = _table_with(test, "位置")
    assert refused[["字段", "行数", "位置"]].values.tolist() == [["查获单位", "4", "第 2–5 行"]]
    assert [note.value for note in test.warning] == ["此文件没有提供查获单位的列，所有行都将被拒绝：请在下方为整个文件统一填写。"]
    assert test.expander[0].label == "整个文件统一的值" and test.expander[0].proto.expanded
    test.selectbox(key="i_set_agency").set_value("postal").run()
    assert not test.exception and any(c.startswith("4 行可导入") for c in _captions(test))


def test_a_file_lacking_a_required_column_opens_the_values_for_the_whole_file_under_a_note(import_page):
    from tests.queries.test_ingest_store import web_map_rows_without_agency

    csv = pd.DataFrame(web_map_rows_without_agency(4)).to_csv(index=False).encode("utf-8")
    test = _upload(import_page("en"), "邮件处理中心.csv", csv, "text/csv")
    assert [note.value for note in test.warning] == [
        "No column of this file gives Agency, so every row would be refused: give it once for the whole file below."]
    assert test.expander[0].label == "Values for the whole file" and test.expander[0].proto.expanded
    assert t("import_keyless") in _captions(test)  # no key column: said, with what a re-import does
    test.selectbox(key="i_set_agency").set_value("postal").run()
    assert any(c.startswith("4 rows can be imported; 0 would be refused") for c in _captions(test))
    assert test.expander[0].proto.expanded  # what the file lacks, not what is given, keeps it open


def test_an_uploaded_mapping_is_laid_over_the_default(import_page):
    test = _upload(import_page("en"), "东兴海关2025.xlsx", UNKNOWN_CHANNELS)
    mapping = b'[values.channel]\nunofficial_path = ["unofficial border path"]\n'
    _upload(test, "东兴海关.toml", mapping, "application/toml", key="i_mapping")
    assert any(c.startswith("5 rows can be imported") for c in _captions(test))
    bad = _upload(test, "bad.toml", b"[values.channel\n", "application/toml", key="i_mapping")
    assert bad.error[0].value.replace("\\", "").startswith(
        "The column mapping cannot be used: mapping bad.toml: is not valid TOML")


def test_the_reasons_of_refused_rows_speak_the_readers_language_and_are_stored_in_english(import_page, monkeypatch):
    """On the Chinese page a refused row's reasons are Chinese words from the catalogue (the values as the file
    wrote them); what the import stores for the audit and the CSV of refusals stays English."""
    import os

    from queries.stores import open_store
    from tests.dashboard.test_pages_name_codes import english_words
    from tests.queries.ingest_fixtures import seizure_row

    rows = [seizure_row(0, channel="走私通道甲"), seizure_row(1, lon="200"), seizure_row(2), seizure_row(3)]
    test = _upload(import_page("zh"), "邮件处理中心.csv", pd.DataFrame(rows).to_csv(index=False).encode("utf-8"),
                   "text/csv")
    batches = _table_with(test, "其中第一行")
    unknown, out_of_range = batches["其中第一行"].tolist()
    assert unknown.startswith("渠道 '走私通道甲' 不是 Cordon 已知的值") and "（已知：航空货运、陆路口岸、" in unknown, unknown
    assert out_of_range == "经度 200 超出范围（-180 至 180）"
    reasons = _table_with(test, "原因")["原因"].tolist()
    assert len(reasons) == 2 and all(not english_words(reason) for reason in reasons), reasons
    assert _editor(test, "i_unknown_channel")["含义"].isna().all()  # no suggestion: an empty cell, not "None"
    assert all(table.proto.placeholder == "" for table in test.dataframe if table.value.isna().any(axis=None))
    test.button(key="i_run").click().run()
    assert not test.exception
    with open_store(os.environ["CORDON_DB"]).reading() as con:
        stored = [reason for (reason,) in con.execute("SELECT reason FROM rejected_rows ORDER BY line").fetchall()]
    assert stored[0].startswith("channel (渠道) '走私通道甲' is not one Cordon knows")
    assert stored[1] == "longitude (经度) 200 is out of range (-180 to 180)"


def test_a_file_or_a_mapping_that_cannot_be_read_is_said_in_the_readers_language(import_page):
    test = _upload(import_page("zh"), "空白.csv", b"", "text/csv")
    assert test.error[0].value.replace("\\", "") == "无法导入此文件：空白.csv 为空（0 字节）：没有可导入的内容"
    test = _upload(test, "bad.toml", b'[values.channel]\nnot_a_channel = ["x"]\n', "application/toml", key="i_mapping")
    assert test.error[0].value.replace("\\", "").startswith(
        "列映射无法使用：映射文件 bad.toml：[values.channel] 中有未知代码 'not_a_channel'；已知：" + ", ".join(CHANNELS))
