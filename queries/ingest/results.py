"""What each stage of an import gives: :class:`Parsed` (a file read and mapped), :class:`Checked` (its rows
validated and located) and :class:`ImportResult` (what the write did)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from queries.ingest.fields import COORDINATES, ENUMERATIONS, KINDS, PLACE_NAMES, PLACED_BY_NAME
from queries.ingest.files import SHEET_LINES, Table
from queries.ingest.mapping import Mapping
from queries.ingest.rules import Rules

# What is left of a file's name once dates, numbers and copy marks at its end are dropped is the
# default source of its records: 东兴海关_2025-03-04.csv and 东兴海关_2025-03-11.csv are one source,
# so last week's rows in this week's file are found again instead of stored twice.
_NAME_TAIL = re.compile(r"(?:[\s_\-.()（）\[\]【】0-9年月日号第周期]|copy|副本)+$", re.IGNORECASE)
# What a file without a key column means for its records, for the summary (the Import page says it
# through the catalogue, queries/locale/zh.po).
KEYLESS_NOTE = ("no key column: rows are known by their content (a re-import adds nothing; a corrected row lands "
                "as a new record)")
# What a required field that no column gives means for the summary, and its remedy (the Import page says it
# through the catalogue: import_whole_file_missing, above its values for the whole file).
UNFILLED_NOTE = ("no column gives the {label}, so every row is refused: give it once for the whole file with "
                 "--set {name}=VALUE{codes}")


@dataclass
class Parsed:
    """A file read and mapped, not yet validated: what the Import page previews.

    ``columns`` maps each field to the header that fills it; ``unmapped`` lists the headers that
    fill nothing; ``table`` holds the rows as they came (see :class:`queries.ingest.files.Table`).
    """

    table: Table
    kind: str
    crs: str
    mapping: Mapping
    columns: dict[str, str]
    unmapped: list[str]
    file_bytes: int
    sha256: str

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def encoding(self) -> str | None:
        return self.table.encoding

    @property
    def source(self) -> str:
        """The source of records whose row gives none: the mapping's, else from the file's name."""
        stem = Path(self.name).stem
        return self.mapping.source or _NAME_TAIL.sub("", stem) or stem

    @property
    def headers(self) -> dict[str, str]:
        """Field → the header it comes from, for messages; lon and lat from a one-cell point's header
        when the file has no column of their own."""
        point = self.columns.get(COORDINATES)
        return {"lon": point, "lat": point, **self.columns} if point else dict(self.columns)

    @property
    def keyed(self) -> bool:
        """Whether the file's rows name their record: a seizures file needs a key column (source_id);
        without one, rows are known by their content (see checks.content_hash)."""
        return self.kind != "seizures" or "source_id" in self.columns

    @property
    def unfilled(self) -> tuple[str, ...]:
        """The required fields that no column fills and the mapping gives no value for: every row is refused
        for each, unless the whole file is given one (``--set FIELD=VALUE``, the Import page's whole-file
        values). A one-cell point gives lon and lat; a seizure's checkpoint or county column can place it."""
        given = {*self.columns, *self.mapping.defaults}
        if COORDINATES in given:
            given.update(("lon", "lat"))
        if self.kind == "seizures" and given.intersection(PLACE_NAMES):
            given.update(PLACED_BY_NAME)
        return tuple(name for name, field in KINDS[self.kind].items() if field.required and name not in given)

    def fields(self) -> pd.DataFrame:
        """The rows with the fields as columns (each field's column as it came)."""
        return pd.DataFrame({name: self.table.frame[header].reset_index(drop=True)
                             for name, header in self.columns.items()}, index=range(len(self.table.frame)))

    def preview(self, rows: int = 20) -> pd.DataFrame:
        """The first rows as they came, with their line numbers (and sheets, in a workbook of several)."""
        head = self.table.frame.head(rows).copy()
        lines = self.table.lines[:rows]
        if len(self.table.sheets) > 1:
            head.insert(0, self.table.line_word, lines % SHEET_LINES)
            head.insert(0, "sheet", self.table.sheet_of(lines))
        else:
            head.insert(0, self.table.line_word, lines)
        return head


@dataclass
class Checked:
    """A parsed file validated: the records that can land (with their ``line``), the rows refused
    (``line``, ``raw`` JSON, ``rules``, ``reason``), the refusals in batches (``rule``, ``field``,
    ``rows``, ``lines``, ``example``: see :func:`queries.ingest.refusals.batches`) and one verdict per
    row (``line``, ``ok``, ``reason``); for a workbook, one row per sheet read (``sheet``, ``rows``,
    ``ok``, ``refused``, ``passed_over``: its totals rows and notes, see :func:`sheet_report`)."""

    records: pd.DataFrame
    rejected: pd.DataFrame
    batches: pd.DataFrame
    rules: Rules
    sheets: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def verdicts(self) -> pd.DataFrame:
        ok = pd.DataFrame({"line": self.records["line"].to_numpy(), "ok": True, "reason": ""})
        refused = self.rejected[["line", "reason"]].assign(ok=False)[["line", "ok", "reason"]]
        return pd.concat([ok, refused], ignore_index=True).sort_values("line", ignore_index=True)


@dataclass
class ImportResult:
    """What an import did: counts, refused rows by rule, and the refused rows themselves."""

    import_id: int
    file_name: str
    kind: str
    source: str
    encoding: str | None
    rows_read: int
    accepted: int
    updated: int
    unchanged: int
    rejected: int
    by_reason: dict[str, int]
    rejected_rows: pd.DataFrame
    batches: pd.DataFrame
    started_at: datetime
    finished_at: datetime
    keyed: bool = True  # see Parsed.keyed
    sheets: pd.DataFrame = field(default_factory=pd.DataFrame)  # see Checked
    unfilled: tuple[str, ...] = ()  # see Parsed.unfilled

    def audit_details(self) -> dict:
        """What the audit trail keeps of an import: the file, what it held and what became of it."""
        return {"file": self.file_name, "kind": self.kind, "source": self.source, "import_id": self.import_id,
                "rows": self.rows_read, "new": self.accepted, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "by_reason": self.by_reason}

    def summary(self) -> str:
        """A few lines for a person: the counts, then the refused rows by rule, each rule's batches
        (field, where, the first one's words) under it."""
        encoding = f", {self.encoding}" if self.encoding else ""
        lines = [(f"{self.file_name} ({self.kind}{encoding}, source {self.source!r}): {self.rows_read:,} rows — "
                  f"{self.accepted:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged, "
                  f"{self.rejected:,} rejected (import {self.import_id})")]
        if not self.keyed:
            lines.append(f"  {KEYLESS_NOTE}")
        lines += [f"  {_unfilled_note(name, self.kind)}" for name in self.unfilled]
        lines += [f"  sheet '{sheet.sheet}': {sheet.rows:,} rows, {sheet.ok:,} ok, {sheet.refused:,} rejected"
                  + (f"; passed over: {sheet.passed_over}" if sheet.passed_over else "")
                  for sheet in self.sheets.itertuples()]
        for rule, count in self.by_reason.items():
            lines.append(f"  rejected, {rule}: {count:,}")
            lines += [f"    {batch.field or 'rows'}, {batch.rows:,} at {batch.lines}: {batch.example}"
                      for batch in self.batches[self.batches["rule"] == rule].itertuples()]
        return "\n".join(lines)


def _unfilled_note(name: str, kind: str) -> str:
    """:data:`UNFILLED_NOTE` for the field ``name`` of a ``kind`` file, with the codes an enumeration takes."""
    field = KINDS[kind][name]
    codes = f" (VALUE one of {', '.join(ENUMERATIONS[field.enum])})" if field.type == "enum" else ""
    return UNFILLED_NOTE.format(label=field.label, name=name, codes=codes)
