"""Screening the parties of a file (``python -m queries screen``): a CSV with a ``name`` column and, optionally,
``id``, ``uscc`` (a unified social credit code, matched exactly) and ``country``, read as imports read files
(UTF-8 or GB18030, queries.ingest); one row per hit out, the party's row beside the entry it hit and why.

A row that cannot be screened (too many or too few values, no name, a malformed code) is reported by its row
and column and skipped; the rest are screened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from queries.control_lists import NAME_SEPARATOR, ListEntry
from queries.ingest.files import IngestError, as_text
from queries.ingest.readers import read_table
from queries.screening.engine import DEFAULT_THRESHOLD, Screener
from queries.screening.normalise import is_uscc

NAME, USCC = "name", "uscc"
ROW = "row"  # the party's line in the names file (the header is line 1)
PARTY_COLUMNS = (NAME, "id", USCC, "country")  # read by name, whatever their case and place
HIT_COLUMNS = ("list", "entry_id", "entry_names", "matched_name", "announcement", "announcement_url", "score", "reason")


class NamesFileError(ValueError):
    """A names file that cannot be screened at all: unreadable, or without a ``name`` column."""


@dataclass(frozen=True)
class NamesFile:
    """The rows of a names file that can be screened, as text in the file's columns, and what was skipped."""

    file: str
    frame: pd.DataFrame  # the file's columns, the screenable rows
    lines: list[int]  # each row's line in the file (the header is line 1)
    columns: dict[str, str]  # PARTY_COLUMNS found → the header as written
    skipped: list[str]  # one line per row skipped: where, and why


def read_names(path: Path | str) -> NamesFile:
    """The parties of the file at ``path``; :class:`NamesFileError` when none can be read."""
    path = Path(path)
    try:
        table = read_table(path.name, path=path)
    except IngestError as error:
        raise NamesFileError(str(error)) from None
    except OSError as error:
        raise NamesFileError(f"{path}: cannot be read: {error.strerror or error}") from None
    headers = {str(header).strip().casefold(): str(header) for header in table.frame.columns}
    columns = {column: headers[column] for column in PARTY_COLUMNS if column in headers}
    if NAME not in columns:
        raise NamesFileError(f"{path.name}: no '{NAME}' column; the header has "
                             f"{', '.join(map(str, table.frame.columns))} (the parties' names go under '{NAME}'; "
                             f"{', '.join(PARTY_COLUMNS[1:])} may be given too)")
    width = len(table.frame.columns)
    skipped = [(line, f": {count} values where the header has {width}") for line, (count, _) in table.ragged.items()]
    skipped += [(line, f": read as a {kind} ({text}), not a party") for line, kind, text in table.passed_over]
    frame = table.frame.map(as_text).fillna("")
    problems = [_problem(row, columns) for row in frame.to_dict("records")]
    skipped += [(int(line), problem) for line, problem in zip(table.lines, problems, strict=True) if problem]
    ok = [not problem for problem in problems]
    return NamesFile(
        file=path.name,
        frame=frame[ok].reset_index(drop=True),
        lines=[int(line) for line in table.lines[ok]],
        columns=columns,
        skipped=[f"{table.where(line)}{problem}; skipped" for line, problem in sorted(skipped)],
    )


def _problem(row: dict[str, str], columns: dict[str, str]) -> str:
    """Why one row cannot be screened (", column C: …"), or ""."""
    if not row[columns[NAME]].strip():
        return f", column {columns[NAME]}: no name"
    code = row[columns[USCC]].strip() if USCC in columns else ""
    if code and not is_uscc(code):
        return f", column {columns[USCC]}: {code!r} is not a unified social credit code (18 letters and digits)"
    return ""


def screen_names(names: NamesFile, entries: list[ListEntry], on: date,
                 threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per hit: the party's line in the file (``row``), its row as given (a column named as one of ours
    gets " (file)"), then :data:`HIT_COLUMNS`; parties in the file's order, each party's hits best first."""
    screener = Screener(entries, threshold)
    codes = names.frame[names.columns[USCC]].str.strip() if USCC in names.columns else None
    hits = screener.screen_many(names.frame[names.columns[NAME]].str.strip().tolist(), on,
                                None if codes is None else [[code] if code else [] for code in codes])
    rows = names.frame.iloc[[hit.party for hit in hits]].reset_index(drop=True)
    rows.columns = [f"{column} (file)" if column in (ROW, *HIT_COLUMNS) else column for column in rows.columns]
    rows.insert(0, ROW, [names.lines[hit.party] for hit in hits])
    found = pd.DataFrame([{
        "list": hit.entry.list_code, "entry_id": hit.entry.entry_id,
        "entry_names": f"{NAME_SEPARATOR} ".join(hit.entry.names), "matched_name": hit.matched_name,
        "announcement": hit.entry.announcement, "announcement_url": hit.entry.source_url, "score": hit.score,
        "reason": hit.reason} for hit in hits], columns=list(HIT_COLUMNS))
    return pd.concat([rows, found], axis=1)
