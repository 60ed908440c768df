"""Reading a CSV: its encoding (UTF-8, with or without a BOM, else GB18030), its delimiter, its records.

A CSV is decoded as UTF-8 strictly (a BOM is dropped: ``utf-8-sig``), and if that fails as GB18030
strictly (which includes GBK and GB2312); the table says which was used. Text that is neither, or that
holds NUL or other control bytes, is refused as binary. A regular CSV (one record a line, every record
as wide as the header) is then parsed by Arrow; any other (blank lines, fields spanning lines, rows
too wide or too narrow, a title, totals or notes) record by record with the ``csv`` module and
``queries.ingest.layout``, so that every row, and each ragged one set aside, keeps the line a person
sees it on.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa

from queries.ingest.files import IngestError, RowCount, Table, read_bytes
from queries.ingest.layout import LAYOUT_ROW, MAX_TITLE_ROWS, is_serial, rows_to_table
from queries.ingest.words import words

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_DELIMITERS = (",", "\t", ";", "|")


def _line_of(text: str | bytes, position: int) -> int:
    return text[:position].count("\n" if isinstance(text, str) else b"\n") + 1


def decode(name: str, raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV's bytes: UTF-8 (with or without BOM), else GB18030; else refused."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise IngestError(words("file_utf16", name=name))
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise IngestError(words("file_nul", name=name, line=_line_of(raw, nul)))
    failure = None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError as error:
            failure = failure or error
            continue
        control = _CONTROL.search(text)
        if control:
            raise IngestError(words("file_control", name=name, line=_line_of(text, control.start())))
        return text, "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else encoding
    raise IngestError(words("file_encoding", name=name, line=_line_of(raw, failure.start)))


def read_csv(name: str, source, count: RowCount) -> Table:
    text, encoding = decode(name, read_bytes(source))
    # the delimiter the header uses: the first of the first lines that has one (a title row may have none)
    first = next((line for line in text.split("\n", MAX_TITLE_ROWS + 1)[:MAX_TITLE_ROWS + 1]
                  if any(d in line for d in _DELIMITERS)), "")
    delimiter = max(_DELIMITERS, key=first.count) if any(d in first for d in _DELIMITERS) else ","
    return (_read_regular_csv(name, text, delimiter, encoding, count)
            or _read_any_csv(name, text, delimiter, encoding, replace(count, rows=0)))


def _read_regular_csv(name: str, text: str, delimiter: str, encoding: str, count: RowCount) -> Table | None:
    """A CSV read by Arrow's parser in blocks, when it is regular: one record a line after a header
    of distinct names, every record as wide as the header. None for any other file, which
    :func:`_read_any_csv` then reads record by record to give each row its true line."""
    import pyarrow.compute as pc
    from pyarrow import csv as arrow_csv

    body = text.rstrip("\r\n")
    header = next(csv.reader([body.split("\n", 1)[0]], delimiter=delimiter), [])
    header = [h.strip() for h in header]
    if not all(header) or len(set(header)) < len(header) or any(map(is_serial, header)) or LAYOUT_ROW.search(text):
        return None
    count.header(len(header))
    try:
        reader = arrow_csv.open_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=arrow_csv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=arrow_csv.ParseOptions(delimiter=delimiter),
            convert_options=arrow_csv.ConvertOptions(column_types=dict.fromkeys(header, pa.large_string()),
                                                     strings_can_be_null=False))
        batches = []
        for batch in reader:
            count.add(batch.num_rows)
            batches.append(batch)
    except pa.ArrowInvalid:
        return None
    table = pa.Table.from_batches(batches, reader.schema)
    if table.num_rows != body.count("\n") or table.num_rows == 0:
        return None
    blank = None
    for column in table.columns:
        empty = pc.equal(pc.utf8_trim_whitespace(column), "")
        blank = empty if blank is None else pc.and_(blank, empty)
    keep = pc.invert(blank)
    frame = table.filter(keep).to_pandas(types_mapper={pa.large_string(): pd.ArrowDtype(pa.large_string())}.get)
    lines = np.arange(2, table.num_rows + 2)[keep.to_numpy(zero_copy_only=False)]
    return Table(name, "csv", frame, lines, encoding=encoding)


def _read_any_csv(name: str, text: str, delimiter: str, encoding: str, count: RowCount) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records() -> Iterator[tuple[int, list[str]]]:
        end = 0
        try:
            for values in reader:
                yield end + 1, values
                end = reader.line_num
        except csv.Error as error:
            raise IngestError(words("file_quotes", name=name, line=end + 1, error=str(error))) from None

    return rows_to_table(name, "csv", records(), count, encoding)
