"""Reading an import file into a table of its rows as they came, at a bounded cost.

Formats, by the file's extension: CSV (``.csv``, ``.txt``, ``.tsv``) in UTF-8, UTF-8 with a BOM
or GB18030 (which includes GBK and GB2312); Excel workbooks (``.xlsx``, ``.xlsm``: the first
sheet); GeoJSON (``.geojson``, ``.json``: a FeatureCollection of points, or of features with
coordinates among their properties); Parquet and GeoParquet (``.parquet``).

**Encodings.** A CSV is decoded as UTF-8 strictly (a BOM is dropped: ``utf-8-sig``), and if that
fails as GB18030 strictly; the table says which was used. Text that is neither, or that holds
NUL or other control bytes, is refused as binary. A regular CSV (one record a line, every record
as wide as the header) is then parsed by Arrow; any other (blank lines, fields spanning lines,
rows too wide or too narrow) record by record with the ``csv`` module, so that every row, and each
ragged one set aside, keeps the line a person sees it on.

**Bounds.** Before anything is parsed: the file's size (``Limits.max_bytes``, checked on the
file's size, not by reading it); for a workbook, its parts' count, what they declare they unpack
to together, and how much more than its compressed size each part unpacks to (a zip bomb declares
sizes that Python's zipfile enforces while reading); for Parquet, its declared rows and
uncompressed size; GeoJSON, parsed whole, has its own lower size bound. While reading: the rows
under the header (``Limits.max_rows`` for any file, ``max_sheet_rows`` for a worksheet, set with
CORDON_IMPORT_MAX_ROWS and CORDON_IMPORT_MAX_SHEET_ROWS), counted as they come so a file past the
limit stops there; the header's width; what Parquet decodes to. Every refusal is an
:class:`IngestError` naming the file, the line where there is one, and what to do.

**Stopping.** Readers take ``should_stop``, a function without arguments that they call every
:data:`STOP_CHECK_ROWS` rows (and between batches); when it returns True they raise
:class:`Cancelled`. The Import page hands one that says whether the uploader's session has ended.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from queries.ingest.refusals import fill, runs_text, texts
from queries.settings import env_number

MB = 2**20
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".geojson": "geojson",
           ".json": "geojson", ".parquet": "parquet", ".geoparquet": "parquet"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_DELIMITERS = (",", "\t", ";", "|")


class IngestError(ValueError):
    """An import that cannot go on; the message names the file (and line) and says what to do."""


class NothingToRead(IngestError):
    """A file, or a workbook's sheet, without a header and rows."""


class Cancelled(Exception):
    """Work on an import abandoned because its ``should_stop`` returned True (the uploader left)."""


ShouldStop = Callable[[], bool]
# Rows read between two calls of a reader's should_stop: a fifth of a second of openpyxl's work (a
# closed tab stops it within a few seconds, most of them Streamlit's noticing), one call per block
# of Arrow's.
STOP_CHECK_ROWS = 1_000
MAX_ROWS_ENV = "CORDON_IMPORT_MAX_ROWS"
MAX_SHEET_ROWS_ENV = "CORDON_IMPORT_MAX_SHEET_ROWS"
# Excel's last row: a sheet's XML may number rows past it, which openpyxl would fill with empty ones.
EXCEL_LAST_ROW = 1_048_576
# A workbook's part smaller than this is never a bomb, whatever its ratio (Apache POI's grace size).
INFLATE_GRACE_BYTES = 100 * 1024


def never_stop() -> bool:
    """The ``should_stop`` of work nobody waits on to cancel (the command line)."""
    return False


@dataclass(frozen=True)
class Limits:
    """What one import may cost.

    max_bytes: the file's size (GeoJSON, parsed whole: max_geojson_bytes). max_rows: rows under the
    header of any file; max_sheet_rows: of a worksheet, lower because openpyxl reads a row some fifty
    times slower than Arrow reads a CSV line (both counted while reading, blank rows aside).
    max_columns: the header's width. max_workbook_bytes: what an .xlsx's parts declare they unpack
    to together; max_inflate_ratio: how many times its compressed size one part may unpack to
    (Apache POI's bound; a zip bomb's parts unpack to hundreds or thousands of times theirs);
    max_zip_entries: its parts. max_unpacked_bytes: what a Parquet file declares, and decodes to.
    """

    max_bytes: int = 512 * MB
    max_geojson_bytes: int = 64 * MB
    max_rows: int = 1_000_000
    max_sheet_rows: int = 200_000
    max_columns: int = 1_000
    max_workbook_bytes: int = 256 * MB
    max_inflate_ratio: float = 100.0
    max_zip_entries: int = 1000
    max_unpacked_bytes: int = 1024 * MB

    @classmethod
    def from_env(cls, environ=os.environ, **overrides) -> Limits:
        """The defaults, with CORDON_IMPORT_MAX_ROWS and CORDON_IMPORT_MAX_SHEET_ROWS where set, and
        ``overrides``; a ValueError naming a bad variable."""
        defaults = cls()
        return replace(defaults, max_rows=env_number(environ, MAX_ROWS_ENV, defaults.max_rows, int),
                       max_sheet_rows=env_number(environ, MAX_SHEET_ROWS_ENV, defaults.max_sheet_rows, int),
                       **overrides)


DEFAULT_LIMITS = Limits()


@dataclass
class RowCount:
    """The rows under a file's header, counted as they are read: past the limit (the sheet's, for a
    worksheet: ``sheet`` is its name) the file is refused, and every STOP_CHECK_ROWS rows
    ``should_stop`` is asked whether to go on."""

    name: str
    limits: Limits
    should_stop: ShouldStop = never_stop
    sheet: str | None = None
    rows: int = 0

    def add(self, rows: int = 1) -> None:
        before, self.rows = self.rows, self.rows + rows
        if self.rows > self.limit:
            raise IngestError(self._too_many())
        if before // STOP_CHECK_ROWS != self.rows // STOP_CHECK_ROWS:
            self.check_stop()

    def declared(self, rows: int) -> None:
        """Refuse a file whose metadata declares more rows than the limit, before reading them."""
        if rows > self.limit:
            raise IngestError(self._too_many())

    def check_stop(self) -> None:
        if self.should_stop():
            raise Cancelled(f"{self.name}: reading stopped after {self.rows:,} rows")

    @property
    def limit(self) -> int:
        return self.limits.max_rows if self.sheet is None else min(self.limits.max_rows, self.limits.max_sheet_rows)

    def _too_many(self) -> str:
        if self.sheet is None or self.limits.max_rows <= self.limits.max_sheet_rows:
            return (f"{self.name} has more than {self.limit:,} rows under its header, the import limit for a file; "
                    f"split it into files of at most {self.limit:,} rows (or raise the limit: {MAX_ROWS_ENV})")
        return (f"{self.name}, sheet '{self.sheet}': more than {self.limit:,} rows under its header, the import limit "
                f"for a worksheet; save it as CSV (up to {self.limits.max_rows:,} rows) or split it (or raise the "
                f"limit: {MAX_SHEET_ROWS_ENV})")

    def header(self, width: int) -> None:
        """Refuse a header wider than the limit."""
        if width > self.limits.max_columns:
            raise IngestError(f"{self.name}: its header has {width:,} columns, more than the "
                              f"{self.limits.max_columns:,} an import reads; keep the columns of the records only")


# A workbook's rows are numbered sheet by sheet: a sheet's row, plus this many times the sheet's place
# among those read (0 for the first), more than Excel's rows, so that every row keeps one number.
SHEET_LINES = 10_000_000


@dataclass
class Sheet:
    """One worksheet as read: its name, its place among those read (its rows are numbered from
    ``place * SHEET_LINES``), the rows it gave, those set aside as ragged, and the totals rows and
    notes passed over (line in the sheet, 'total' or 'note', text). ``rows == 0``: nothing in it."""

    name: str
    place: int
    rows: int
    ragged: int
    passed_over: list[tuple[int, str, str]]


@dataclass
class Table:
    """A file's rows as they came: ``frame`` has the file's headers as columns (text, or typed
    values for Parquet), ``lines`` each row's line in the file as a person counts it (header = 1)
    or, for GeoJSON and Parquet, its record number from 1 (``line_word`` says which), and
    ``ragged`` the lines whose number of values differs from the header's (with the counts) and
    ``titles`` the title rows found above the header (a sheet's name, a date), which are not data;
    ``groups`` the group cell above each field of a header drawn over two rows, ``serial`` the
    serial-number columns left out, ``passed_over`` the totals rows and notes under the table."""

    name: str
    format: str
    frame: pd.DataFrame
    lines: np.ndarray
    encoding: str | None = None
    line_word: str = "line"
    ragged: dict[int, tuple[int, list[str]]] = field(default_factory=dict)
    titles: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of title rows above the header
    groups: dict[str, str] = field(default_factory=dict)  # header → the group cell drawn above it (查获地点)
    serial: list[str] = field(default_factory=list)  # serial-number columns (序号), not read
    passed_over: list[tuple[int, str, str]] = field(default_factory=list)  # (line, 'total' or 'note', its text)
    sheets: list[Sheet] = field(default_factory=list)  # a workbook's sheets read, each with its counts

    def where(self, line: int) -> str:
        """A row's place as a person finds it: "row 5", or "sheet '2025年4月' row 5" in a workbook
        of several sheets."""
        return self.places(np.array([line]), np.array([line]))

    @property
    def every_line(self) -> np.ndarray:
        """Every row's line, the ragged rows' included, sorted: what runs of lines are told against."""
        return np.sort(np.r_[self.lines, np.fromiter(self.ragged, dtype=np.int64, count=len(self.ragged))])

    def by_sheet(self, lines: np.ndarray, order: np.ndarray) -> list[tuple[str | None, np.ndarray, np.ndarray]]:
        """``lines`` and ``order`` (sorted) sheet by sheet in a workbook of several: (the sheet's name, its
        ``lines``, its ``order``), both counted within the sheet; else one (None, ``lines``, ``order``)."""
        if len(self.sheets) < 2:
            return [(None, lines, order)]
        return [(self.sheets[place].name, lines[lines // SHEET_LINES == place] % SHEET_LINES,
                 order[order // SHEET_LINES == place] % SHEET_LINES) for place in np.unique(lines // SHEET_LINES)]

    def places(self, lines: np.ndarray, order: np.ndarray) -> str:
        """Where ``lines`` (sorted) are, as runs: "rows 4–6", sheet by sheet in a workbook of several
        ("sheet '2025年3月' rows 4–6; sheet '2025年4月' row 4"); ``order``: the table's lines, sorted."""
        return "; ".join((f"sheet '{sheet}' " if sheet else "") + f"{self.line_word}{'s' if len(mine) > 1 else ''} "
                         f"{runs_text(mine, theirs)}" for sheet, mine, theirs in self.by_sheet(lines, order))

    def line_texts(self, lines: np.ndarray) -> pa.Array:
        """Each of ``lines`` as a person finds it ("row 5", "sheet '2025年4月' row 5"), as Arrow texts."""
        lines = np.asarray(lines, dtype=np.int64)
        if len(self.sheets) < 2:
            return fill("{word} {line}", word=self.line_word, line=texts(lines))
        return fill("sheet '{sheet}' {word} {line}", sheet=texts(self.sheet_of(lines)), word=self.line_word,
                    line=texts(lines % SHEET_LINES))

    def sheet_of(self, lines: np.ndarray) -> np.ndarray:
        """The sheet of each of ``lines`` (None outside a workbook)."""
        names = np.array([sheet.name for sheet in self.sheets] or [None], dtype=object)
        return names[np.asarray(lines, dtype=np.int64) // SHEET_LINES if self.sheets else np.zeros(len(lines), int)]


def _size_text(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size >= MB / 10 else f"{size:,} bytes"


def file_format(name: str) -> str:
    """The format a file's extension names; an :class:`IngestError` for any other."""
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        hint = " (save it as .xlsx or CSV)" if suffix == ".xls" else ""
        raise IngestError(f"{name}: Cordon cannot read {suffix or 'files without an extension'}{hint}; "
                          f"it reads {', '.join(sorted(FORMATS))}")
    return FORMATS[suffix]


def as_text(value) -> str | None:
    """A cell as text, the way the validator reads it: None for an empty cell, whole numbers
    without '.0', dates as ISO text (the date alone at midnight)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (datetime, pd.Timestamp)):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, (list, tuple, np.ndarray)):
        return ";".join(str(part) for part in value)
    return str(value)


def read_table(name: str, data: bytes | None = None, path: str | os.PathLike | None = None,
               limits: Limits | None = None, should_stop: ShouldStop = never_stop, sheets: Sequence[str] = ()) -> Table:
    """Read the file ``name`` from ``data`` (an upload) or from ``path``, within ``limits`` (default:
    :meth:`Limits.from_env`); a workbook's every sheet, or those named in ``sheets``;
    :class:`Cancelled` once ``should_stop`` says so."""
    limits = limits or Limits.from_env()
    kind = file_format(name)
    size = len(data) if data is not None else os.stat(path).st_size
    limit = limits.max_geojson_bytes if kind == "geojson" else limits.max_bytes
    if size > limit:
        raise IngestError(f"{name} is {_size_text(size)}, more than the import limit of {_size_text(limit)} for "
                          f"{kind} files; split it into smaller files (or raise the limit: --max-mb)")
    if size == 0:
        raise IngestError(f"{name} is empty (0 bytes): there is nothing to import")
    source = io.BytesIO(data) if data is not None else path
    if sheets and kind != "xlsx":
        raise IngestError(f"{name} is a {kind} file, without sheets; name sheets (--sheet) of .xlsx workbooks only")
    reader = {"csv": _read_csv, "xlsx": partial(_read_xlsx, sheets=sheets), "geojson": _read_geojson,
              "parquet": _read_parquet}[kind]
    table = reader(name, source, RowCount(name, limits, should_stop))
    if table.frame.empty:
        raise IngestError(f"{name} has no rows under its header: there is nothing to import")
    return table


def _bytes(source) -> bytes:
    if isinstance(source, io.BytesIO):
        return source.getvalue()
    return Path(source).read_bytes()


def _line_of(text: str | bytes, position: int) -> int:
    return text[:position].count("\n" if isinstance(text, str) else b"\n") + 1


def decode(name: str, raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV's bytes: UTF-8 (with or without BOM), else GB18030; else refused."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise IngestError(f"{name} is UTF-16 text; save it as CSV UTF-8 (Excel: 'CSV UTF-8 (逗号分隔)')")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise IngestError(f"{name} holds NUL bytes at line {_line_of(raw, nul)}: it is binary, not a CSV; "
                          f"export the data as CSV or .xlsx")
    failure = None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError as error:
            failure = failure or error
            continue
        control = _CONTROL.search(text)
        if control:
            raise IngestError(f"{name} holds a control character at line {_line_of(text, control.start())}: it is "
                              f"binary, not a CSV; export the data as CSV or .xlsx")
        return text, "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else encoding
    raise IngestError(f"{name} is neither UTF-8 nor GB18030/GBK text (the first undecodable byte is at line "
                      f"{_line_of(raw, failure.start)}); save it as CSV UTF-8")


# Rows above the header that fill one cell only (a sheet's title, its period) are titles, not the
# header, when a row after them fills more than one: at most this many are passed over.
MAX_TITLE_ROWS = 5
# A header drawn over several rows (group cells merged above the real ones): at most this many rows.
MAX_HEADER_ROWS = 3
# A column numbering the rows (序号, No.) is the table's, not the records': it is not read.
SERIAL_HEADERS = frozenset({"序号", "序", "no", "no.", "#", "s/n", "sn"})
# A row whose first filled cell starts so is a total (合计, 小计, 总计, Total) or a note under the table
# (注：…, 填表人, 制表日期): passed over, with a note of its line.
_TOTALS = re.compile(r"(合\s*计|小\s*计|总\s*计|sub-?total|total)(?![a-z])", re.IGNORECASE)
_NOTES = re.compile(r"(注\s*[:：]|备注\s*[:：]|说明\s*[:：]|填表人|制表人|制表日期|填表日期|审核人|note\s*:)",
                    re.IGNORECASE)
# A CSV that may hold such a row (after its first line, which is never data) is read record by record.
# The pattern starts with a newline, which re looks for fast: 0.17 s a million lines, 0.47 s with (?m)^.
_LAYOUT_ROW = re.compile(r"\n[\s,;|\t\"]*(?:" + _TOTALS.pattern + "|" + _NOTES.pattern + ")", re.IGNORECASE)


def _filled(values: list[str]) -> int:
    return sum(bool(value.strip()) for value in values)


def is_serial(header: str) -> bool:
    """Whether a header names a serial-number column (序号, No.), which is not stored."""
    return header.strip().lower() in SERIAL_HEADERS


def _passed_over(values: list[str]) -> str | None:
    """'total' or 'note' for a totals row or a note under the table (by its first filled cell)."""
    first = next(value.strip() for value in values if value.strip())
    if _TOTALS.match(first):
        return "total"
    if _NOTES.match(first):
        return "note"
    return None


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _is_sub_header(header: list[str], values: list[str]) -> bool:
    """Whether the row under a header row is more of the header: its filled cells all sit under
    groups (a header cell and the empty cells right of it that a merge leaves: 查获地点 over 经度
    and 纬度), one at least under such an empty cell, and none is a number."""
    named = [h.strip() for h in header] + [""] * max(0, len(values) - len(header))
    filled = [i for i, value in enumerate(values) if value.strip()]
    groups: set[int] = set()
    for i, name in enumerate(named):
        end = i + 1
        while name and end < len(named) and not named[end]:
            end += 1
        if end > i + 1:
            groups.update(range(i, end))
    return (any(not named[i] for i in filled) and all(i in groups for i in filled)
            and not any(_is_number(values[i].strip()) for i in filled))


def _stacked_header(rows: list[list[str]]) -> tuple[list[str], dict[str, str]]:
    """The field names of a header drawn over ``rows`` (top first): each column's lowest filled
    cell; and the group (the upper cell, merged across the columns under it) of each such name."""
    width = max(len(row) for row in rows)
    rows = [[*row, *[""] * (width - len(row))] for row in rows]
    names, groups = [], {}
    spans = []  # each upper row's cells carried right over the empty cells a merge leaves
    for row in rows[:-1]:
        carried, last = [], ""
        for value in row:
            last = value.strip() or last
            carried.append(last)
        spans.append(carried)
    for i in range(width):
        cells = [row[i].strip() for row in rows]
        lowest = next((level for level in range(len(rows) - 1, -1, -1) if cells[level]), None)
        name = cells[lowest] if lowest is not None else ""
        names.append(name)
        if name and lowest:
            group = spans[lowest - 1][i]
            if group and group != name:
                groups[name] = group
    return names, groups


def _rows_to_table(name: str, fmt: str, rows: Iterable[tuple[int, list[str]]], count: RowCount,
                   encoding: str | None = None, pad: bool = False) -> Table:
    """A table from (line, texts) rows, read as they come, whose first is the header, after any title
    rows; a header may span rows (:func:`_stacked_header`); serial-number columns are dropped; blank
    rows are skipped, totals rows and notes under the table passed over (``passed_over``), rows
    with more or fewer values than the header set aside as ragged (``pad``: shorter rows are
    padded), and the rows under the header counted (``count``)."""
    rows = ((line, values) for line, values in rows if "".join(values).strip())
    head = list(itertools.islice(rows, MAX_TITLE_ROWS + MAX_HEADER_ROWS))
    if not head:
        raise NothingToRead(f"{name} has no header and no rows: there is nothing to import")
    above = next((i for i, (_, values) in enumerate(head[:MAX_TITLE_ROWS + 1]) if _filled(values) > 1), 0)
    titles = [(line, next(v.strip() for v in values if v.strip())) for line, values in head[:above]]
    header_line, top = head[above]
    drawn = [top]
    while (len(drawn) < MAX_HEADER_ROWS and above + len(drawn) < len(head)
           and _is_sub_header(drawn[-1] if len(drawn) == 1 else _stacked_header(drawn)[0],
                              head[above + len(drawn)][1])):
        drawn.append(head[above + len(drawn)][1])
    names, groups = _stacked_header(drawn) if len(drawn) > 1 else ([h.strip() for h in top], {})
    header = [h or f"column {i + 1}" for i, h in enumerate(names)]
    while len(header) > 1 and header[-1] == f"column {len(header)}":
        header.pop()
    count.header(len(header))
    width, lines, body, ragged, passed = len(header), [], [], {}, []
    for line, values in itertools.chain(head[above + len(drawn):], rows):
        count.add()
        why = _passed_over(values)
        if why:
            passed.append((line, why, " ".join(v.strip() for v in values if v.strip())))
            continue
        if len(values) != width:
            while len(values) > width and not values[-1].strip():
                values = values[:-1]
            if pad and len(values) < width:
                values = [*values, *[""] * (width - len(values))]
            if len(values) != width:
                ragged[line] = (len(values), values)
                continue
        lines.append(line)
        body.append(values)
    if len(set(header)) < width:
        duplicates = sorted({h for h in header if header.count(h) > 1})
        raise IngestError(f"{name} line {header_line}: the header names {', '.join(duplicates)} more than once; "
                          f"give each column its own name")
    serial = [h for h in header if is_serial(h)]
    text = pd.ArrowDtype(pa.large_string())
    frame = pd.DataFrame({h: pd.Series(pa.array(column, type=pa.large_string()), dtype=text)
                          for h, column in zip(header, zip(*body) if body else [()] * width) if h not in serial},
                         index=range(len(body)))
    return Table(name, fmt, frame, np.asarray(lines, dtype=np.int64), encoding=encoding, ragged=ragged, titles=titles,
                 groups=groups, serial=serial, passed_over=passed)


def _read_csv(name: str, source, count: RowCount) -> Table:
    text, encoding = decode(name, _bytes(source))
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
    if not all(header) or len(set(header)) < len(header) or any(map(is_serial, header)) or _LAYOUT_ROW.search(text):
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
            raise IngestError(f"{name} line {end + 1}: {error} — check the quotes on that line") from None

    return _rows_to_table(name, "csv", records(), count, encoding)


def _check_zip(name: str, source, limits: Limits) -> None:
    """Refuse a workbook whose parts are too many, declare too much together, or one of which
    unpacks to too many times its compressed size: before openpyxl opens it."""
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise IngestError(f"{name} is not an .xlsx workbook (not a zip archive); save it again from Excel") from None
    if len(entries) > limits.max_zip_entries:
        raise IngestError(f"{name} holds {len(entries):,} parts, more than the {limits.max_zip_entries:,} a workbook "
                          f"may have here; save it again as a plain workbook or CSV")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_workbook_bytes:
        raise IngestError(f"{name} unpacks to {_size_text(unpacked)}, more than the limit of "
                          f"{_size_text(limits.max_workbook_bytes)}; split it or save it as CSV")
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > INFLATE_GRACE_BYTES and ratio > limits.max_inflate_ratio:
            raise IngestError(f"{name}: its part {entry.filename} unpacks to {_size_text(entry.file_size)} from "
                              f"{_size_text(entry.compress_size)}, {ratio:,.0f} times, more than the "
                              f"{limits.max_inflate_ratio:,.0f} times a workbook's part may (as a zip bomb does); "
                              f"save it again from Excel, or as CSV")


def _sheet_rows(sheet, limits: Limits, name: str) -> Iterator[tuple[int, list[str]]]:
    """A worksheet's rows as (row number, texts), up to Excel's last row; a value right of the
    widest header allowed refuses the file (empty cells there, as Excel may keep, are dropped)."""
    width = limits.max_columns
    for line, values in enumerate(sheet.iter_rows(max_row=EXCEL_LAST_ROW, values_only=True), start=1):
        if len(values) > width:
            extra = values[width:]
            if extra.count(None) != len(extra):
                raise IngestError(f"{name}, sheet '{sheet.title}' row {line}: a value right of column {width:,}, "
                                  f"more columns than an import reads; keep the columns of the records only")
            values = values[:width]
        yield line, [as_text(v) or "" for v in values]


def _read_xlsx(name: str, source, count: RowCount, sheets: Sequence[str] = ()) -> Table:
    """Every worksheet of a workbook, or those named in ``sheets``, read one after the other into one
    table: each sheet's rows numbered ``place * SHEET_LINES + row`` (see :meth:`Table.where`) and
    reported in ``Table.sheets``, an empty one too."""
    from openpyxl import load_workbook

    _check_zip(name, source, count.limits)
    if isinstance(source, io.BytesIO):
        source.seek(0)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 (openpyxl raises many kinds for a damaged workbook)
        raise IngestError(f"{name} cannot be opened as a workbook ({type(error).__name__}: {error}); "
                          f"save it again from Excel as .xlsx") from None
    try:
        titles = [sheet.title for sheet in workbook.worksheets]
        unknown = [sheet for sheet in sheets if sheet not in titles]
        if unknown:
            raise IngestError(f"{name} has no sheet named {', '.join(map(repr, unknown))}; its sheets are "
                              f"{', '.join(map(repr, titles))}")
        chosen = [sheet for sheet in workbook.worksheets if not sheets or sheet.title in sheets]
        parts, total = [], 0
        for place, sheet in enumerate(chosen):
            sheet.reset_dimensions()  # trust the cells, not the sheet's declared size
            counted = replace(count, sheet=sheet.title, rows=0)
            try:
                part = _rows_to_table(name, "xlsx", _sheet_rows(sheet, count.limits, name), counted, pad=True)
            except NothingToRead:
                part = None  # reported as empty
            total += counted.rows
            RowCount(name, count.limits).declared(total)
            parts.append((place, sheet.title, part))
    except (IngestError, Cancelled):
        raise
    except Exception as error:  # noqa: BLE001 (a damaged sheet fails in openpyxl, its XML parser or zipfile)
        raise IngestError(f"{name} cannot be read as a workbook ({type(error).__name__}: {error}); "
                          f"save it again from Excel as .xlsx") from None
    finally:
        workbook.close()
    return _joined_sheets(name, parts)


def _joined_sheets(name: str, parts: list[tuple[int, str, Table | None]]) -> Table:
    """One table of the sheets' tables (columns in the order first seen; a column a sheet lacks is
    empty there), with their rows' numbers moved to the sheet's place and each sheet reported."""
    read = [(place, part) for place, _, part in parts if part is not None]
    if not read:
        raise IngestError(f"{name} has no header and no rows in any sheet: there is nothing to import")

    def moved(place: int, items):
        return [(place * SHEET_LINES + line, *rest) for line, *rest in items]

    frame = read[0][1].frame
    if len(read) > 1:
        frame = pd.concat([part.frame for _, part in read], ignore_index=True).astype(pd.ArrowDtype(pa.large_string()))
    table = Table(name, "xlsx", frame,
                  np.concatenate([part.lines + place * SHEET_LINES for place, part in read]),
                  line_word="row",
                  ragged={place * SHEET_LINES + line: value for place, part in read for line, value in part.ragged.items()},
                  titles=[title for place, part in read for title in moved(place, part.titles)],
                  groups={k: v for _, part in read for k, v in part.groups.items()},
                  serial=list(dict.fromkeys(h for _, part in read for h in part.serial)),
                  passed_over=[row for place, part in read for row in moved(place, part.passed_over)],
                  sheets=[Sheet(title, place, 0 if part is None else len(part.frame),
                                0 if part is None else len(part.ragged),
                                [] if part is None else part.passed_over) for place, title, part in parts])
    return table


def _read_geojson(name: str, source, count: RowCount) -> Table:
    raw = _bytes(source)
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IngestError(f"{name} is not GeoJSON (JSON in UTF-8): {error}") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise IngestError(f"{name} is not a GeoJSON FeatureCollection (no 'features' list)")
    records = []
    for feature in features:
        count.add()
        properties = feature.get("properties") if isinstance(feature, dict) else None
        record = dict(properties) if isinstance(properties, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict):
            coordinates = geometry.get("coordinates")
            if geometry.get("type") == "Point" and isinstance(coordinates, list) and len(coordinates) >= 2:
                record["lon"], record["lat"] = coordinates[0], coordinates[1]
            else:
                record["lon"] = record["lat"] = f"(a {geometry.get('type')} geometry, not a point)"
        records.append({key: as_text(value) for key, value in record.items()})
    frame = pd.DataFrame.from_records(records).astype("str") if records else pd.DataFrame()
    return Table(name, "geojson", frame, np.arange(1, len(records) + 1), encoding="utf-8", line_word="feature")


def _read_parquet(name: str, source, count: RowCount) -> Table:
    import pyarrow.parquet as pq
    import shapely

    limits = count.limits
    try:
        parquet = pq.ParquetFile(pa.BufferReader(source.getvalue()) if isinstance(source, io.BytesIO) else source)
    except (pa.ArrowException, OSError) as error:
        raise IngestError(f"{name} is not a Parquet file ({error}); export it again as Parquet") from None
    metadata = parquet.metadata
    count.header(metadata.num_columns)
    count.declared(metadata.num_rows)
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if unpacked > limits.max_unpacked_bytes:
        raise IngestError(f"{name} unpacks to {_size_text(unpacked)}, more than the limit of "
                          f"{_size_text(limits.max_unpacked_bytes)}; split it into smaller files")
    batches, decoded = [], 0
    for batch in parquet.iter_batches(batch_size=STOP_CHECK_ROWS * 10):
        decoded += batch.nbytes
        if decoded > limits.max_unpacked_bytes:
            raise IngestError(f"{name} decodes to more than the limit of {_size_text(limits.max_unpacked_bytes)}; "
                              f"split it into smaller files")
        count.add(batch.num_rows)
        batches.append(batch)
    geo = json.loads((parquet.schema_arrow.metadata or {}).get(b"geo", b"{}"))
    frame = pa.Table.from_batches(batches, parquet.schema_arrow).to_pandas()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    geometry = geo.get("primary_column") if geo else None
    if geometry in frame.columns:
        shapes = shapely.from_wkb(frame.pop(geometry).to_numpy())
        points = shapely.get_type_id(shapes) == 0
        frame["lon"] = np.where(points, shapely.get_x(shapes), np.nan)
        frame["lat"] = np.where(points, shapely.get_y(shapes), np.nan)
    return Table(name, "parquet", frame, np.arange(1, len(frame) + 1), line_word="record")
