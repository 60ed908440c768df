"""A table's layout as people draw it: title rows, a header over several rows, serial columns, totals and notes.

Rows above the header that fill one cell only are titles; a header may span rows (group cells merged
above the real ones: 查获地点 over 经度 and 纬度); a column numbering the rows (序号, No.) is not read;
totals rows (合计, Total) and notes under the table (注：…, 填表人) are passed over with a note of their
line; rows with more or fewer values than the header are set aside as ragged, each keeping its line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from queries.ingest.files import IngestError, NothingToRead, RowCount, Table
from queries.ingest.words import words

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
LAYOUT_ROW = re.compile(r"\n[\s,;|\t\"]*(?:" + _TOTALS.pattern + "|" + _NOTES.pattern + ")", re.IGNORECASE)


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


def rows_to_table(name: str, fmt: str, rows: Iterable[tuple[int, list[str]]], count: RowCount,
                   encoding: str | None = None, pad: bool = False) -> Table:
    """A table from (line, texts) rows, read as they come, whose first is the header, after any title
    rows; a header may span rows (:func:`_stacked_header`); serial-number columns are dropped; blank
    rows are skipped, totals rows and notes under the table passed over (``passed_over``), rows
    with more or fewer values than the header set aside as ragged (``pad``: shorter rows are
    padded), and the rows under the header counted (``count``)."""
    rows = ((line, values) for line, values in rows if "".join(values).strip())
    head = list(itertools.islice(rows, MAX_TITLE_ROWS + MAX_HEADER_ROWS))
    if not head:
        raise NothingToRead(words("file_no_header", name=name))
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
        raise IngestError(words("file_duplicate_headers", name=name, line=header_line, headers=", ".join(duplicates)))
    serial = [h for h in header if is_serial(h)]
    text = pd.ArrowDtype(pa.large_string())
    frame = pd.DataFrame({h: pd.Series(pa.array(column, type=pa.large_string()), dtype=text)
                          for h, column in zip(header, zip(*body) if body else [()] * width) if h not in serial},
                         index=range(len(body)))
    return Table(name, fmt, frame, np.asarray(lines, dtype=np.int64), encoding=encoding, ragged=ragged, titles=titles,
                 groups=groups, serial=serial, passed_over=passed)
