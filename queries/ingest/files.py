"""An import file's table of its rows as they came, and the bounds that keep reading it cheap.

Formats, by the file's extension (:data:`FORMATS`; ``queries.ingest.readers.read_table`` reads any):
CSV (``.csv``, ``.txt``, ``.tsv``) in UTF-8, UTF-8 with a BOM or GB18030 (``queries.ingest.delimited``);
Excel workbooks (``.xlsx``, ``.xlsm``: every sheet, or those named; ``queries.ingest.workbook``);
GeoJSON (``.geojson``, ``.json``: a FeatureCollection of points, or of features with coordinates
among their properties) and Parquet and GeoParquet (``.parquet``), both in ``queries.ingest.readers``.
A table's layout as people draw it (titles, a header over two rows, totals and notes) is read by
``queries.ingest.layout``.

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

import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from queries.ingest.refusals import fill, runs_text, texts
from queries.ingest.words import Words, words
from queries.labels import t
from queries.settings import env_number

MB = 2**20
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".geojson": "geojson",
           ".json": "geojson", ".parquet": "parquet", ".geoparquet": "parquet"}


class IngestError(ValueError):
    """An import that cannot go on; the message names the file (and line) and says what to do: catalogue
    :class:`Words` (``str()`` says them in English, :meth:`say` in the reader's language) or a text."""

    def __init__(self, message: str | Words):
        super().__init__(message.say() if isinstance(message, Words) else message)
        self.words = message if isinstance(message, Words) else None

    def say(self, lang: str = "en") -> str:
        """The message in ``lang`` (a text as it is)."""
        return self.words.say(lang) if self.words is not None else str(self)


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

    def _too_many(self) -> Words:
        if self.sheet is None or self.limits.max_rows <= self.limits.max_sheet_rows:
            return words("file_too_many_rows", name=self.name, limit=f"{self.limit:,}", setting=MAX_ROWS_ENV)
        return words("file_too_many_sheet_rows", name=self.name, sheet=self.sheet, limit=f"{self.limit:,}",
                     rows=f"{self.limits.max_rows:,}", setting=MAX_SHEET_ROWS_ENV)

    def header(self, width: int) -> None:
        """Refuse a header wider than the limit."""
        if width > self.limits.max_columns:
            raise IngestError(words("file_too_wide", name=self.name, width=f"{width:,}",
                                    limit=f"{self.limits.max_columns:,}"))


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

    def line_texts(self, lines: np.ndarray, lang: str) -> pa.Array:
        """Each of ``lines`` as a person finds it ("row 5", "sheet '2025年4月' row 5"; "第 5 行" in Chinese), as Arrow texts."""
        lines = np.asarray(lines, dtype=np.int64)
        word = t(f"import_word_{self.line_word}", lang)
        if len(self.sheets) < 2:
            return fill(t("import_where", lang), word=word, line=texts(lines))
        return fill(t("import_where_sheet", lang), sheet=texts(self.sheet_of(lines)), word=word,
                    line=texts(lines % SHEET_LINES))

    def sheet_of(self, lines: np.ndarray) -> np.ndarray:
        """The sheet of each of ``lines`` (None outside a workbook)."""
        names = np.array([sheet.name for sheet in self.sheets] or [None], dtype=object)
        return names[np.asarray(lines, dtype=np.int64) // SHEET_LINES if self.sheets else np.zeros(len(lines), int)]


def size_text(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size >= MB / 10 else f"{size:,} bytes"


def file_format(name: str) -> str:
    """The format a file's extension names; an :class:`IngestError` for any other."""
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise IngestError(words("file_format_xls" if suffix == ".xls" else "file_format", name=name,
                                suffix=suffix or words("file_no_extension"), formats=", ".join(sorted(FORMATS))))
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


def read_bytes(source) -> bytes:
    if isinstance(source, io.BytesIO):
        return source.getvalue()
    return Path(source).read_bytes()
