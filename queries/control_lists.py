"""China's lists of controlled and restricted parties as reference data: MOFCOM's export-control control list
(出口管制管控名单), its watch list (关注名单) and the unreliable entity list (不可靠实体清单).

An entry is one party on one list, with the announcement that put it there and what later announcements did
to it (suspended, removed), so that a record is screened against the lists as they stood on its date.

The release's entries are ``queries/reference/control_lists.csv`` (sources in queries/reference/PROVENANCE.md),
written into the store's ``control_list_entries`` on seed and upgrade; ``python -m queries lists import FILE``
adds a later announcement's entries in the same layout (docs/lists.md).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from queries.access.audit import record_event
from queries.store import Store, load_sql, write_frame

LISTS = ("control", "watch", "unreliable_entity")  # control list, watch list, unreliable entity list


@dataclass(frozen=True)
class ListEntry:
    """One party on one list, as published, with its provenance."""

    list_code: str  # one of LISTS
    entry_id: str  # stable within Cordon: the announcement and the entry's place in it
    names_zh: tuple[str, ...]  # as published in Chinese
    names_en: tuple[str, ...]  # as published in English (the announcements' own rendering)
    former_names: tuple[str, ...]  # names it was known by before, in either script
    identifiers: tuple[str, ...]  # registration numbers as published (a USCC for a Chinese company)
    country_iso3: str | None
    announcement: str  # e.g. 商务部公告2025年第13号
    announced_on: date
    effective_from: date
    suspended_from: date | None  # a later announcement suspended the measure from this day…
    suspended_until: date | None  # …until this day (None: not yet lifted)
    removed_on: date | None  # a later announcement took the entry off the list
    source_url: str
    change_source_url: str | None = None  # where the suspension or removal was reported
    note: str | None = None  # what could not be confirmed, and where a name or date came from

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the entry is known by."""
        return self.names_zh + self.names_en + self.former_names

    def in_force(self, on: date) -> bool:
        """Whether the entry applied on ``on``: in effect, not removed, not within a suspension."""
        if on < self.effective_from or (self.removed_on is not None and on >= self.removed_on):
            return False
        suspended = self.suspended_from is not None and on >= self.suspended_from
        return not (suspended and (self.suspended_until is None or on < self.suspended_until))


RELEASE_CSV = Path(__file__).parent / "reference" / "control_lists.csv"
COLUMNS = ("list", "entry_id", "names_zh", "names_en", "former_names", "identifiers", "country_iso3", "announcement",
           "announced_on", "effective_from", "suspended_from", "suspended_until", "removed_on", "source_url",
           "change_source_url", "note")
REQUIRED = ("list", "entry_id", "announcement", "announced_on", "effective_from", "source_url")
NAME_SEPARATOR = ";"  # between the names (or identifiers) of one field, as in queries/reference/controlled_items.csv
_DATES = ("announced_on", "effective_from", "suspended_from", "suspended_until", "removed_on")
_LISTS = ("names_zh", "names_en", "former_names", "identifiers")
_ENTRY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_URL = re.compile(r"https?://\S+")
_ISO3 = re.compile(r"[A-Z]{3}")


class ListFileError(ValueError):
    """A lists file that cannot be taken: every problem, each naming its line and field."""


@dataclass(frozen=True)
class ImportResult:
    """What ``lists import`` did: entries new to the store, changed, and already held as they are."""

    file: str
    sha256: str
    new: int
    updated: int
    unchanged: int
    hits_added: int = 0  # hits the stored parties' screening again found (queries.screening_hits)

    def summary(self) -> str:
        return (f"{self.file}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged entries; "
                f"the stored parties screened again: {self.hits_added} new hits to review")


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(NAME_SEPARATOR) if part.strip())


def _row_errors(line: int, row: dict[str, str]) -> tuple[list[str], dict[str, Any]]:
    """The problems of one row (``line N, field F: …``) and its values, read."""
    errors, values = [], {}

    def fail(field: str, problem: str) -> None:
        errors.append(f"line {line}, field {field}: {problem}")

    for field in REQUIRED:
        if not row[field]:
            fail(field, "is empty; every entry needs it")
    if row["list"] and row["list"] not in LISTS:
        fail("list", f"{row['list']!r} is not one of {', '.join(LISTS)}")
    if row["entry_id"] and not _ENTRY_ID.fullmatch(row["entry_id"]):
        fail("entry_id", f"{row['entry_id']!r}: use letters, digits, '.', '_' or '-' (at most 100)")
    for field in ("source_url", "change_source_url"):
        if row[field] and not _URL.fullmatch(row[field]):
            fail(field, f"{row[field]!r} is not an http(s) address")
    if row["country_iso3"] and not _ISO3.fullmatch(row["country_iso3"]):
        fail("country_iso3", f"{row['country_iso3']!r} is not an ISO 3166 alpha-3 code such as USA")
    for field in _DATES:
        try:
            values[field] = date.fromisoformat(row[field]) if row[field] else None
        except ValueError:
            fail(field, f"{row[field]!r} is not a date such as 2025-04-09")
    for field in _LISTS:
        values[field] = _split(row[field])
    if not values["names_zh"] and not values["names_en"]:
        fail("names_zh", "an entry needs a Chinese or an English name (names_zh or names_en)")
    dated = {field: values.get(field) for field in _DATES}
    if dated["announced_on"] and dated["effective_from"] and dated["effective_from"] < dated["announced_on"]:
        fail("effective_from", "is before announced_on")
    if dated["suspended_until"] and not dated["suspended_from"]:
        fail("suspended_until", "is given without suspended_from")
    if dated["suspended_from"] and dated["suspended_until"] and dated["suspended_until"] <= dated["suspended_from"]:
        fail("suspended_until", "is not after suspended_from")
    if dated["removed_on"] and dated["effective_from"] and dated["removed_on"] < dated["effective_from"]:
        fail("removed_on", "is before effective_from")
    return errors, values


def read_entries(path: Path | str) -> list[ListEntry]:
    """The entries of a lists file (the layout of ``queries/reference/control_lists.csv``: UTF-8 CSV, a header
    of :data:`COLUMNS`, names and identifiers separated by ``;``).

    Raises :class:`ListFileError` naming every bad line and field (the header is line 1), and a key
    (list, entry_id) given twice; nothing is returned then.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in COLUMNS if column not in (reader.fieldnames or ())]
            if missing:
                raise ListFileError(f"{path.name}: the header lacks {', '.join(missing)} (expected {', '.join(COLUMNS)})")
            rows = [{column: (row[column] or "").strip() for column in COLUMNS} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ListFileError(f"{path.name}: cannot be read as a UTF-8 CSV file: {error}") from error
    errors, entries, seen = [], [], {}
    for line, row in enumerate(rows, start=2):
        row_errors, values = _row_errors(line, row)
        key = (row["list"], row["entry_id"])
        if key in seen:
            row_errors.append(f"line {line}, field entry_id: {row['entry_id']!r} is already on line {seen[key]} "
                              f"of the {row['list']} list")
        seen.setdefault(key, line)
        errors += row_errors
        if not row_errors:
            entries.append(ListEntry(
                list_code=row["list"], entry_id=row["entry_id"], names_zh=values["names_zh"],
                names_en=values["names_en"], former_names=values["former_names"], identifiers=values["identifiers"],
                country_iso3=row["country_iso3"] or None, announcement=row["announcement"],
                announced_on=values["announced_on"], effective_from=values["effective_from"],
                suspended_from=values["suspended_from"], suspended_until=values["suspended_until"],
                removed_on=values["removed_on"], source_url=row["source_url"],
                change_source_url=row["change_source_url"] or None, note=row["note"] or None))
    if errors:
        raise ListFileError(f"{path.name}: nothing imported, {len(errors)} problem(s):\n  " + "\n  ".join(errors))
    if not entries:
        raise ListFileError(f"{path.name}: no entries")
    return entries


def _frame(entries: list[ListEntry], origin: str) -> pd.DataFrame:
    """Rows for ``control_list_entries``."""
    return pd.DataFrame([{**{f.name: list(v) if isinstance(v := getattr(entry, f.name), tuple) else v
                             for f in fields(ListEntry)}, "origin": origin} for entry in entries])


def _entry(record: dict[str, Any]) -> ListEntry:
    """A ``control_list_entries`` row as a ListEntry."""
    return ListEntry(**{f.name: tuple(record[f.name]) if f.name in _LISTS else record[f.name] for f in fields(ListEntry)})


def stored_entries(con: duckdb.DuckDBPyConnection) -> list[ListEntry]:
    """Every entry the store holds, in force or not."""
    result = con.execute(load_sql("control_list_entries"))
    columns = [column[0] for column in result.description]
    return [_entry(dict(zip(columns, row))) for row in result.fetchall()]


def entries_in_force(con: duckdb.DuckDBPyConnection, on: date) -> list[ListEntry]:
    """The entries of the store that applied on ``on`` (:meth:`ListEntry.in_force`)."""
    return [entry for entry in stored_entries(con) if entry.in_force(on)]


def write_release_entries(con: duckdb.DuckDBPyConnection, path: Path = RELEASE_CSV) -> int:
    """Write (or refresh) the release's entries inside the caller's write; entries a site imported are kept."""
    return write_frame(con, "upsert_control_list_entries", _frame(read_entries(path), "release"))


def import_entries(store: Store, path: Path | str, *, username: str, source: str, now: datetime,
                   rescreen: Callable[[duckdb.DuckDBPyConnection, datetime], int] | None = None) -> ImportResult:
    """Add a new announcement's entries from a lists file, with an ``import`` audit row, in one transaction.

    When entries were added or changed, ``rescreen(con, now)`` screens the stored parties again in the same
    transaction and returns the hits it added (the command line passes queries.screening_hits.screen_all_parties,
    which builds on this module). A bad file raises :class:`ListFileError` and writes nothing; importing the
    same file again changes nothing (its entries are counted unchanged) but is audited as every import is.
    """
    path = Path(path)
    entries = read_entries(path)
    with store.writing() as con:
        held = {(entry.list_code, entry.entry_id): entry for entry in stored_entries(con)}
        changed = [entry for entry in entries if held.get((entry.list_code, entry.entry_id)) != entry]
        hits_added = 0
        if changed:
            write_frame(con, "upsert_control_list_entries", _frame(changed, "import"))
            hits_added = rescreen(con, now) if rescreen else 0
        new = sum((entry.list_code, entry.entry_id) not in held for entry in changed)
        result = ImportResult(file=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), new=new,
                              updated=len(changed) - new, unchanged=len(entries) - len(changed),
                              hits_added=hits_added)
        record_event(con, "import", username, {"kind": "control_lists", **asdict(result)}, source=source, at=now)
    return result
