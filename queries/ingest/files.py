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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from queries.settings import env_number

MB = 2**20
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".geojson": "geojson",
           ".json": "geojson", ".parquet": "parquet", ".geoparquet": "parquet"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_DELIMITERS = (",", "\t", ";", "|")


class IngestError(ValueError):
    """An import that cannot go on; the message names the file (and line) and says what to do."""


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


@dataclass
class Table:
    """A file's rows as they came: ``frame`` has the file's headers as columns (text, or typed
    values for Parquet), ``lines`` each row's line in the file as a person counts it (header = 1)
    or, for GeoJSON and Parquet, its record number from 1 (``line_word`` says which), and
    ``ragged`` the lines whose number of values differs from the header's (with the counts) and
    ``titles`` the title rows found above the header (a sheet's name, a date), which are not data."""

    name: str
    format: str
    frame: pd.DataFrame
    lines: np.ndarray
    encoding: str | None = None
    line_word: str = "line"
    ragged: dict[int, tuple[int, list[str]]] = field(default_factory=dict)
    titles: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of title rows above the header


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
               limits: Limits | None = None, should_stop: ShouldStop = never_stop) -> Table:
    """Read the file ``name`` from ``data`` (an upload) or from ``path``, within ``limits`` (default:
    :meth:`Limits.from_env`); :class:`Cancelled` once ``should_stop`` says so."""
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
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "geojson": _read_geojson, "parquet": _read_parquet}[kind]
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


def _filled(values: list[str]) -> int:
    return sum(bool(value.strip()) for value in values)


def _rows_to_table(name: str, fmt: str, rows: Iterable[tuple[int, list[str]]], count: RowCount,
                   encoding: str | None = None, pad: bool = False) -> Table:
    """A table from (line, texts) rows, read as they come, whose first is the header, after any title
    rows; blank rows are skipped, rows with more or fewer values than the header set aside as ragged
    (``pad``: shorter rows are padded), and the rows under the header counted (``count``)."""
    rows = ((line, values) for line, values in rows if "".join(values).strip())
    head = list(itertools.islice(rows, MAX_TITLE_ROWS + 1))
    if not head:
        raise IngestError(f"{name} has no header and no rows: there is nothing to import")
    above = next((i for i, (_, values) in enumerate(head) if _filled(values) > 1), 0)
    titles = [(line, next(v.strip() for v in values if v.strip())) for line, values in head[:above]]
    header_line, header = head[above]
    header = [h.strip() or f"column {i + 1}" for i, h in enumerate(header)]
    while len(header) > 1 and header[-1] == f"column {len(header)}":
        header.pop()
    count.header(len(header))
    width, lines, body, ragged = len(header), [], [], {}
    for line, values in itertools.chain(head[above + 1:], rows):
        count.add()
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
    text = pd.ArrowDtype(pa.large_string())
    frame = pd.DataFrame({h: pd.Series(pa.array(column, type=pa.large_string()), dtype=text)
                          for h, column in zip(header, zip(*body) if body else [()] * width)}, index=range(len(body)))
    return Table(name, fmt, frame, np.asarray(lines, dtype=np.int64), encoding=encoding, ragged=ragged, titles=titles)


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
    if not all(header) or len(set(header)) < len(header):
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


def _read_xlsx(name: str, source, count: RowCount) -> Table:
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
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # trust the cells, not the sheet's declared size
        count.sheet = sheet.title
        table = _rows_to_table(name, "xlsx", _sheet_rows(sheet, count.limits, name), count, pad=True)
    except (IngestError, Cancelled):
        raise
    except Exception as error:  # noqa: BLE001 (a damaged sheet fails in openpyxl, its XML parser or zipfile)
        raise IngestError(f"{name} cannot be read as a workbook ({type(error).__name__}: {error}); "
                          f"save it again from Excel as .xlsx") from None
    finally:
        workbook.close()
    table.line_word = "row"
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
