"""Values a file spells in a way Cordon does not know, each once, with a suggestion to accept.

A post writes its channel as "unofficial border path" or its agency as 凭祥边境管理大队; every row
with such a value is refused ("a value is not one Cordon knows"). :func:`unknown_values` lists each
distinct unknown value of the enumerations that decide whether a row lands (:data:`SUGGESTED`)
once, with how many rows hold it and the code it most probably means
(:func:`queries.ingest.parse.suggestion`). A person accepts them, all or some, with the
suggested code or another (:func:`accept`): the mapping gains those spellings, the file is checked
again, and the mapping can be written out (:meth:`queries.ingest.mapping.Mapping.to_toml`) for the
next file from the same post. ``python -m queries ingest --accept-suggestions --write-mapping FILE``
and the Import page do this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from queries.ingest.checks import WHITESPACE
from queries.ingest.fields import Field
from queries.ingest.files import as_text
from queries.ingest.mapping import Mapping
from queries.ingest.parse import parse_value, suggestion
from queries.ingest.rules import Rules
from queries.ingest.values import Bad, normalise

SUGGESTED = ("item", "channel", "agency", "form", "case_status")
UNKNOWN_COLUMNS = ["field", "value", "rows", "suggestion"]
# Unknown values given a suggestion, the commonest first (difflib takes about a millisecond each):
# a column of thousands of distinct unknown values is a column mapped to the wrong field, which no
# list of suggestions mends.
MAX_SUGGESTED = 200


@dataclass(frozen=True)
class Accepted:
    """One unknown value of a field a person accepted as meaning ``code``."""

    field: str
    value: str
    code: str


def value_table(field: Field) -> str:
    """The mapping's table of spellings a field's values are read by (``Mapping.values``)."""
    return field.enum or field.type


def _unknown(text: str, field: Field, rules: Rules) -> bool:
    try:
        parse_value(text, field, rules)
    except Bad as bad:
        return bad.rule == "unknown"
    return False


def unknown_values(fields: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Each distinct unknown value of the :data:`SUGGESTED` fields among ``fields`` (the file's rows with
    the fields as columns, as they came: ``Parsed.fields()``), once: ``field``, ``value`` (as the file
    first writes it), ``rows`` (the rows that hold it in any spelling that normalises alike) and
    ``suggestion`` (a code, or None); by field, then most rows first."""
    found = []
    for name in SUGGESTED:
        if name not in fields or name not in rules.fields:
            continue
        field = rules.fields[name]
        texts = fields[name].map(as_text).dropna().astype(str).str.strip(WHITESPACE)
        texts = texts[texts != ""]
        if texts.empty:
            continue
        counts = texts.groupby(texts.map(normalise), sort=False).agg(["first", "size"])
        unknown = counts[[_unknown(text, field, rules) for text in counts["first"]]]
        unknown = unknown.sort_values("size", ascending=False, kind="stable")
        spellings = rules.mapping.values[value_table(field)]
        found += [{"field": name, "value": text, "rows": int(rows),
                   "suggestion": suggestion(text, spellings) if rank < MAX_SUGGESTED else None}
                  for rank, (text, rows) in enumerate(zip(unknown["first"], unknown["size"]))]
    unknown = pd.DataFrame(found, columns=UNKNOWN_COLUMNS).astype({"rows": "int64", "suggestion": object})
    return unknown.assign(suggestion=unknown["suggestion"].where(unknown["suggestion"].notna(), None))


def suggested(unknown: pd.DataFrame) -> list[Accepted]:
    """Every unknown value that has a suggestion, accepted as it (``--accept-suggestions``)."""
    rows = unknown[unknown["suggestion"].notna()]
    return [Accepted(field, value, code) for field, value, code in
            zip(rows["field"], rows["value"], rows["suggestion"])]


def accept(mapping: Mapping, accepted: Iterable[Accepted], fields: dict[str, Field]) -> Mapping:
    """``mapping`` with each accepted value as a spelling of its code, for a file of ``fields`` (a kind's:
    ``KINDS[kind]``); an unknown code is an :class:`~queries.ingest.files.IngestError`, as in a mapping file."""
    tables: dict[str, dict[str, list[str]]] = {}
    for choice in accepted:
        table = tables.setdefault(value_table(fields[choice.field]), {})
        table.setdefault(choice.code, []).append(choice.value)
    return mapping.with_values(tables)
