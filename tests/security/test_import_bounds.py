"""Imports at a bounded cost (issue 16, item D), replaying an attacker's probes on small generated files:
a workbook whose parts declare far more than they hold, a sheet and a CSV past the row limit (stopped
while reading, the limit and how to raise it named), a CSV of thousands of bad rows refused in batches
without asking the row validator row by row, and work abandoned once the uploader's session has ended."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from queries.ingest import Cancelled, IngestError, check, ingest, known_places, read_upload
from queries.ingest.files import MAX_ROWS_ENV, MAX_SHEET_ROWS_ENV, STOP_CHECK_ROWS
from tests.queries.ingest_fixtures import HEADER, NOW, seizure_row


def workbook(rows: int) -> bytes:
    """A workbook of ``rows`` valid seizures under the Chinese header."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("查获台账")
    sheet.append(list(HEADER))
    for i in range(rows):
        sheet.append(list(seizure_row(i).values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def declaring(data: bytes, part: str, size: int) -> bytes:
    """``data`` (a zip) with ``part``'s uncompressed size in its central directory changed to ``size``:
    what a crafted file declares, whatever it holds."""
    record = data.find(b"PK\x01\x02")  # a central directory record: its uncompressed size at 24, name at 46
    while record >= 0:
        name_length = struct.unpack_from("<H", data, record + 28)[0]
        if data[record + 46:record + 46 + name_length] == part.encode():
            return data[:record + 24] + struct.pack("<I", size) + data[record + 28:]
        record = data.find(b"PK\x01\x02", record + 4)
    raise AssertionError(f"no central record for {part}")


@pytest.fixture
def rows_pulled(monkeypatch) -> list[int]:
    """How many rows openpyxl has handed out of a sheet, counted as they are pulled."""
    pulled = [0]
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            pulled[0] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    return pulled


def test_a_workbook_declaring_far_more_than_it_holds_is_refused_before_it_is_opened():
    data = declaring(workbook(20), "xl/worksheets/sheet1.xml", 82 * 2**20)  # the probe: 82 MB declared
    with pytest.raises(IngestError, match=r"bomb.xlsx: its part xl/worksheets/sheet1.xml unpacks to 82.0 MB from "
                                          r"[\d,.]+ (bytes|MB), [\d,]+ times, more than the 100 times .* zip bomb"):
        read_upload("bomb.xlsx", data)


def test_a_real_workbook_is_well_within_the_unpacking_bounds():
    data = workbook(2000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        ratios = [entry.file_size / entry.compress_size for entry in archive.infolist() if entry.compress_size]
    assert max(ratios) < 100 / 2  # what Cordon refuses is far beyond what a workbook compresses to
    assert len(read_upload("posts.xlsx", data).table.frame) == 2000


def test_a_sheet_past_the_row_limit_stops_at_the_limit_naming_it_and_how_to_raise_it(monkeypatch, rows_pulled):
    monkeypatch.setenv(MAX_SHEET_ROWS_ENV, "50")
    with pytest.raises(IngestError) as refused:
        read_upload("posts.xlsx", workbook(2000))
    message = str(refused.value)
    assert "sheet '查获台账'" in message and "more than 50 rows under its header" in message
    assert MAX_SHEET_ROWS_ENV in message and "save it as CSV" in message
    assert rows_pulled[0] <= 52  # the header and 51 rows: the 1,949 below were never read
    monkeypatch.setenv(MAX_SHEET_ROWS_ENV, "2000")
    assert len(read_upload("posts.xlsx", workbook(2000)).table.frame) == 2000  # at the limit: read


@pytest.mark.parametrize("blank_line", [False, True])  # read by Arrow in blocks; record by record
def test_a_csv_past_the_file_row_limit_is_refused_naming_the_limit(monkeypatch, blank_line):
    monkeypatch.setenv(MAX_ROWS_ENV, "100")
    lines = [",".join(seizure_row(i).values()) for i in range(101)]
    head = ",".join(HEADER) + "\n" + ("\n" if blank_line else "")
    with pytest.raises(IngestError, match=f"posts.csv has more than 100 rows under its header, the import limit for "
                                          f"a file; split it .* {MAX_ROWS_ENV}"):
        read_upload("posts.csv", (head + "\n".join(lines)).encode())
    assert len(read_upload("posts.csv", (head + "\n".join(lines[:100])).encode()).table.frame) == 100


def test_thousands_of_bad_rows_are_refused_in_batches_without_the_row_validator(monkeypatch, geography,
                                                                                   places_store):
    def row_by_row(*_):
        raise AssertionError("the row validator was asked about a refused row")

    monkeypatch.setattr("queries.ingest.importer.validate_row", row_by_row, raising=False)
    monkeypatch.setattr("queries.ingest.row_validator.validate_row", row_by_row)
    rows = [",".join(seizure_row(i, quantity="abc").values()) for i in range(20_000)]
    rows[99] = ",".join(seizure_row(99).values())  # one good row among them, line 101
    data = (",".join(HEADER) + "\n" + "\n".join(rows) + "\n").encode()
    checked = check(read_upload("bad.csv", data), geography, known_places(places_store), NOW)

    assert len(checked.records) == 1 and checked.records["line"].tolist() == [101]
    assert len(checked.rejected) == 19_999
    batch = checked.batches.set_index(["rule", "field"]).loc[("unreadable", "quantity")]
    assert (batch["rows"], batch["lines"]) == (19_999, "lines 2–100, 102–20,001")
    assert batch["example"] == "quantity 'abc' is not a number with an optional unit (e.g. 1.2 t, 500 kg, 800 g)"
    assert checked.rejected["reason"].iloc[0] == batch["example"]
    assert list(checked.rejected["rules"].iloc[-1]) == ["unreadable"]


def test_a_check_stops_once_the_uploader_has_gone(rows_pulled, geography, places_store):
    asked = []

    def gone() -> bool:
        asked.append(True)
        return True

    data = workbook(3 * STOP_CHECK_ROWS)
    with pytest.raises(Cancelled):
        read_upload("posts.xlsx", data, should_stop=gone)
    assert len(asked) == 1 and rows_pulled[0] <= STOP_CHECK_ROWS + 1  # stopped at the first question
    parsed = read_upload("posts.xlsx", workbook(20))
    with pytest.raises(Cancelled):
        check(parsed, geography, known_places(places_store), NOW, should_stop=gone)
    with pytest.raises(Cancelled):
        ingest(places_store, parsed, geography, now=NOW, should_stop=gone)
    with places_store.reading() as con:
        assert con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0  # nothing was written
