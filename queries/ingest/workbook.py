"""Reading an Excel workbook (.xlsx, .xlsm): its size checked as a zip before openpyxl opens it, then every
sheet (or those named) read into one table, each sheet's rows keeping their own numbers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa

from queries.ingest.files import (
    SHEET_LINES,
    Cancelled,
    IngestError,
    Limits,
    NothingToRead,
    RowCount,
    Sheet,
    Table,
    as_text,
    size_text,
)
from queries.ingest.layout import rows_to_table
from queries.ingest.words import words

# Excel's last row: a sheet's XML may number rows past it, which openpyxl would fill with empty ones.
EXCEL_LAST_ROW = 1_048_576
# A workbook's part smaller than this is never a bomb, whatever its ratio (Apache POI's grace size).
INFLATE_GRACE_BYTES = 100 * 1024


def _check_zip(name: str, source, limits: Limits) -> None:
    """Refuse a workbook whose parts are too many, declare too much together, or one of which
    unpacks to too many times its compressed size: before openpyxl opens it."""
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise IngestError(words("file_not_xlsx", name=name)) from None
    if len(entries) > limits.max_zip_entries:
        raise IngestError(words("file_parts", name=name, parts=f"{len(entries):,}", limit=f"{limits.max_zip_entries:,}"))
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_workbook_bytes:
        raise IngestError(words("file_workbook_unpacks", name=name, size=size_text(unpacked),
                                limit=size_text(limits.max_workbook_bytes)))
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > INFLATE_GRACE_BYTES and ratio > limits.max_inflate_ratio:
            raise IngestError(words("file_inflates", name=name, part=entry.filename, size=size_text(entry.file_size),
                                    packed=size_text(entry.compress_size), ratio=f"{ratio:,.0f}",
                                    limit=f"{limits.max_inflate_ratio:,.0f}"))


def _sheet_rows(sheet, limits: Limits, name: str) -> Iterator[tuple[int, list[str]]]:
    """A worksheet's rows as (row number, texts), up to Excel's last row; a value right of the
    widest header allowed refuses the file (empty cells there, as Excel may keep, are dropped)."""
    width = limits.max_columns
    for line, values in enumerate(sheet.iter_rows(max_row=EXCEL_LAST_ROW, values_only=True), start=1):
        if len(values) > width:
            extra = values[width:]
            if extra.count(None) != len(extra):
                raise IngestError(words("file_too_wide_row", name=name, sheet=sheet.title, line=line,
                                        width=f"{width:,}"))
            values = values[:width]
        yield line, [as_text(v) or "" for v in values]


def read_xlsx(name: str, source, count: RowCount, sheets: Sequence[str] = ()) -> Table:
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
        raise IngestError(words("file_unopenable", name=name, error=f"{type(error).__name__}: {error}")) from None
    try:
        titles = [sheet.title for sheet in workbook.worksheets]
        unknown = [sheet for sheet in sheets if sheet not in titles]
        if unknown:
            raise IngestError(words("file_no_sheet", name=name, unknown=", ".join(map(repr, unknown)),
                                    sheets=", ".join(map(repr, titles))))
        chosen = [sheet for sheet in workbook.worksheets if not sheets or sheet.title in sheets]
        parts, total = [], 0
        for place, sheet in enumerate(chosen):
            sheet.reset_dimensions()  # trust the cells, not the sheet's declared size
            counted = replace(count, sheet=sheet.title, rows=0)
            try:
                part = rows_to_table(name, "xlsx", _sheet_rows(sheet, count.limits, name), counted, pad=True)
            except NothingToRead:
                part = None  # reported as empty
            total += counted.rows
            RowCount(name, count.limits).declared(total)
            parts.append((place, sheet.title, part))
    except (IngestError, Cancelled):
        raise
    except Exception as error:  # noqa: BLE001 (a damaged sheet fails in openpyxl, its XML parser or zipfile)
        raise IngestError(words("file_unreadable", name=name, error=f"{type(error).__name__}: {error}")) from None
    finally:
        workbook.close()
    return _joined_sheets(name, parts)


def _joined_sheets(name: str, parts: list[tuple[int, str, Table | None]]) -> Table:
    """One table of the sheets' tables (columns in the order first seen; a column a sheet lacks is
    empty there), with their rows' numbers moved to the sheet's place and each sheet reported."""
    read = [(place, part) for place, _, part in parts if part is not None]
    if not read:
        raise IngestError(words("file_no_sheet_rows", name=name))

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
