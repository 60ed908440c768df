"""Typical cases: published cases of smuggling controlled minerals, each with its source and its pattern (items,
what the goods were declared as, concealment, route, channel), and the seizures that fit a pattern.

The library is the release's reference file ``queries/reference/typical_cases.csv`` (sources and what is not
confirmed: ``queries/reference/PROVENANCE.md``), read, not stored: the query binds a case's pattern as parameters,
so no table, migration or import is needed until sites write cases of their own (docs/typical_cases.md).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from queries.constants import CHANNELS, CONCEALMENTS, ITEM_CODES
from queries.filters import Filters
from queries.labels import label, t
from queries.store import run

LIBRARY_CSV = Path(__file__).parent / "reference" / "typical_cases.csv"
COLUMNS = ("case_id", "title_zh", "title_en", "published_on", "publisher", "source_url", "items", "declared_as",
           "concealment", "route", "channel", "summary_zh", "summary_en", "note")
# Where a route passes, as a seizure records it: the column each kind of place is matched against.
ROUTE_KINDS = ("checkpoint", "hub", "zone", "county", "province")
# The parts of a pattern a seizure can match, in the order the why lists them.
PARTS = ("item", "channel", "route", "concealment", "declared_as")
CODE = re.compile(r"[a-z0-9_]+")
RECORDS_LIMIT = 500


class CaseFileError(ValueError):
    """A typical cases file that cannot be read: every bad line and field is named."""


@dataclass(frozen=True)
class TypicalCase:
    """One published case and its pattern; a part a report does not give is empty."""

    case_id: str
    title_zh: str
    title_en: str
    published_on: date | None
    publisher: str
    source_url: str
    items: tuple[str, ...]
    declared_as: tuple[str, ...]
    concealment: tuple[str, ...]
    route: tuple[str, ...]  # 'kind:code' tokens, kind one of ROUTE_KINDS
    channels: tuple[str, ...]
    summary_zh: str
    summary_en: str
    note: str

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def summary(self, lang: str) -> str:
        return self.summary_zh if lang == "zh" else self.summary_en

    def pattern(self) -> dict[str, tuple[str, ...]]:
        """Each part of :data:`PARTS` with its codes, route tokens or words (empty where the report gives none)."""
        return {"item": self.items, "channel": self.channels, "route": self.route, "concealment": self.concealment,
                "declared_as": self.declared_as}

    def parts(self) -> tuple[str, ...]:
        """The parts this case's pattern gives: the most a seizure can match."""
        return tuple(part for part, values in self.pattern().items() if values)

    def params(self) -> dict:
        """The pattern as the parameters of ``typical_case_like.sql``."""
        return {"items": list(self.items), "channels": list(self.channels), "route": list(self.route),
                "concealments": list(self.concealment), "words": list(self.declared_as)}


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _problems(record: dict) -> list[str]:
    """What is wrong with one row's fields, each naming its field."""
    problems = [f"{field} is empty" for field in ("case_id", "title_zh", "title_en", "publisher", "source_url",
                                                  "summary_zh", "summary_en", "note") if not record[field]]
    if record["source_url"] and not record["source_url"].startswith(("https://", "http://")):
        problems.append(f"source_url {record['source_url']!r} is not a web address")
    for field, known in (("items", ITEM_CODES), ("concealment", CONCEALMENTS), ("channel", CHANNELS)):
        unknown = [code for code in _split(record[field]) if code not in known]
        if unknown:
            problems.append(f"{field}: unknown code(s) {', '.join(unknown)}")
    for token in _split(record["route"]):
        kind, _, code = token.partition(":")
        if kind not in ROUTE_KINDS or not CODE.fullmatch(code):
            problems.append(f"route: {token!r} is not kind:code with kind one of {', '.join(ROUTE_KINDS)}")
    if not _split(record["items"]):
        problems.append("items is empty: a case names at least one item")
    return problems


def read_library(path: Path = LIBRARY_CSV) -> tuple[TypicalCase, ...]:
    """The cases of a typical cases file laid out as ``LIBRARY_CSV``, in its order. Raises
    :class:`CaseFileError` naming every bad line and field (a missing column, an unknown code, a date that is not
    YYYY-MM-DD, an id given twice)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise CaseFileError(f"{path.name}: missing column(s) {', '.join(missing)}")
        records = [{key: (value or "").strip() for key, value in row.items() if key in COLUMNS} for row in reader]
    cases, errors, seen = [], [], set()
    for line, record in enumerate(records, start=2):
        problems = _problems(record)
        published = None
        if record["published_on"]:
            try:
                published = date.fromisoformat(record["published_on"])
            except ValueError:
                problems.append(f"published_on {record['published_on']!r} is not YYYY-MM-DD")
        if record["case_id"] in seen:
            problems.append(f"case_id {record['case_id']} is given twice")
        seen.add(record["case_id"])
        if problems:
            errors.append(f"line {line}: {'; '.join(problems)}")
            continue
        cases.append(TypicalCase(
            case_id=record["case_id"], title_zh=record["title_zh"], title_en=record["title_en"], published_on=published,
            publisher=record["publisher"], source_url=record["source_url"], items=_split(record["items"]),
            declared_as=_split(record["declared_as"]), concealment=_split(record["concealment"]),
            route=_split(record["route"]), channels=_split(record["channel"]), summary_zh=record["summary_zh"],
            summary_en=record["summary_en"], note=record["note"],
        ))
    if errors:
        raise CaseFileError(f"{path.name}: " + "\n".join(errors))
    return tuple(cases)


@functools.cache
def library() -> tuple[TypicalCase, ...]:
    """The release's typical cases (read once)."""
    return read_library()


def find_case(case_id: str, cases: tuple[TypicalCase, ...] | None = None) -> TypicalCase:
    """The case ``case_id`` of ``cases`` (the release's library by default); ValueError naming the known ids."""
    cases = library() if cases is None else cases
    for case in cases:
        if case.case_id == case_id:
            return case
    raise ValueError(f"unknown typical case {case_id!r}; known: {', '.join(case.case_id for case in cases)}")


def default_min_parts(case: TypicalCase) -> int:
    """Two parts, or one where the case's pattern gives only one (its items)."""
    return min(2, len(case.parts()))


def records_like(con: duckdb.DuckDBPyConnection, case: TypicalCase, filters: Filters, min_parts: int | None = None,
                 limit: int = RECORDS_LIMIT) -> pd.DataFrame:
    """The view's seizures (under ``filters`` and the connection's region scope) that match at least ``min_parts``
    parts of ``case``'s pattern (default :func:`default_min_parts`), most parts first, then newest: each with
    ``parts_matched`` and each part's match (``item_matched``, ``channel_matched``, ``route_matched`` (the route's
    tokens it matched), ``concealment_matched``, ``words_matched`` (the declared-as words found)) and
    ``total_rows``."""
    min_parts = default_min_parts(case) if min_parts is None else min_parts
    if min_parts < 1:
        raise ValueError(f"min_parts must be 1 or more, not {min_parts}")
    return run(con, "typical_case_like", {**filters.params(), **case.params(), "min_parts": min_parts,
                                          "limit": limit})


def value_text(part: str, value: str, lang: str, place_names: dict[str, str] | None = None) -> str:
    """One value of a pattern's ``part`` in ``lang``: a code by its label, a route token by its place's name where
    ``place_names`` gives it, a declared-as word as it is."""
    if part == "route":
        return (place_names or {}).get(value, value)
    return value if part == "declared_as" else label(value, lang)


def matched_parts(row) -> list[tuple[str, list[str]]]:
    """The parts a row of :func:`records_like` matched, each with what matched (codes, route tokens or words)."""
    found = [
        ("item", [row["item"]] if row["item_matched"] else []),
        ("channel", [row["channel"]] if row["channel_matched"] else []),
        ("route", list(row["route_matched"])),
        ("concealment", [row["concealment"]] if row["concealment_matched"] else []),
        ("declared_as", list(row["words_matched"])),
    ]
    return [(part, values) for part, values in found if values]


def why(row, lang: str, place_names: dict[str, str] | None = None) -> str:
    """Why a row of :func:`records_like` is like the case, in ``lang``: each part it matched with what matched
    ("Item: Antimony; Route: Guangdong"); route tokens by their names in ``place_names`` where given."""
    return t("typical_why_separator", lang).join(
        t("typical_why_part", lang, part=t(f"typical_part_{part}", lang),
          values=t("list_separator", lang).join(value_text(part, value, lang, place_names) for value in values))
        for part, values in matched_parts(row)
    )
