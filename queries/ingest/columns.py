"""Reading one column of a frame for ``queries.ingest.frame_validator``: each field's values and the refusals of its rows.

Numbers, dates and angles go through the column readers of :mod:`queries.ingest.values`;
spelled-out values are read once per distinct text (``queries.ingest.parse``). A refused value's
words are those the row validator says, written once per distinct text (with a 'did you mean' for
the commonest).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from queries.constants import ITEM_BY_CODE
from queries.ingest.checks import IDENT, WHITESPACE, field_default, range_words, say_many
from queries.ingest.fields import Field
from queries.ingest.files import as_text
from queries.ingest.parse import derive_category, parse_item, parse_value
from queries.ingest.refusals import ARROW_TEXT, TEXT, Refusal, texts, thousands
from queries.ingest.rules import Rules
from queries.ingest.values import Bad, measures_many, numbers_many, parse_angle, parse_number, when_many

# Distinct unknown values of a column given a 'did you mean' (difflib over every spelling, about a
# millisecond each): the commonest; the others are told what is known without it.
SUGGESTIONS = 20
GROUP_OF_ITEM = {code: item.group for code, item in ITEM_BY_CODE.items()}


def stripped_texts(column: pd.Series) -> pd.Series:
    """A column as stripped text (typed values as :func:`as_text` writes them), NA where blank."""
    if not isinstance(column.dtype, pd.StringDtype) and column.dtype != ARROW_TEXT:
        column = column.map(as_text).astype("str")
    text = column.str.strip(WHITESPACE)
    return text.mask(text == "")


@dataclass
class Column:
    """A field's column read: ``values`` (Series or array, aligned with the frame), the rows it
    refuses (``bad``: unreadable or against a rule, each row in one of ``refusals``), the rows that
    give it (``present``) and ``source``, the column read (defaults filled), for words."""

    values: object
    bad: np.ndarray
    present: np.ndarray
    source: pd.Series
    refusals: list[Refusal]

    def texts(self, positions: np.ndarray) -> pa.Array:
        """The texts of the rows at ``positions``, stripped, as a reason quotes them."""
        return texts(stripped_texts(self.source.iloc[positions]))


def _spread(results: list, codes: np.ndarray) -> pd.Series:
    """``results[code]`` for each code: Arrow strings when every result is text (taken without a
    Python object a row), else objects."""
    if all(value is None or isinstance(value, str) for value in results):
        return pd.Series(pd.array(results, dtype=ARROW_TEXT).take(codes))
    looked_up = np.empty(len(results), dtype=object)
    looked_up[:] = results
    return pd.Series(looked_up[codes], dtype=object)


def _own_words(name: str, codes: np.ndarray, failures: dict[int, Bad], lang: str) -> list[Refusal]:
    """The refusals of rows whose value its parser refused: ``codes`` gives each row's distinct value
    (-1: none), ``failures`` the :class:`Bad` of each value refused. One refusal per rule; a row's
    words are its value's, written once per value in ``lang`` (with the hint for the SUGGESTIONS commonest)."""
    if not failures:
        return []
    size = max(int(codes.max()), *failures) + 2  # the last stands for code -1
    failed = np.fromiter(failures, dtype=np.int64)
    counts = np.bincount(codes[codes >= 0], minlength=size)[failed]
    hinted = set(failed[np.argsort(-counts, kind="stable")[:SUGGESTIONS]].tolist())
    words = pa.array([failures[code].words(lang, hinted=code in hinted) if code in failures else None
                      for code in range(size)], TEXT)
    rules = sorted({bad.rule for bad in failures.values()})
    rule_of = np.full(size, -1)
    for code, bad in failures.items():
        rule_of[code] = rules.index(bad.rule)
    row_rule = rule_of[codes]
    return [Refusal(rule, name, row_rule == i, lambda positions: words.take(pa.array(codes[positions])))
            for i, rule in enumerate(rules)]


def _refused_values(name: str, source: pd.Series, rows: np.ndarray, parse, known: dict, lang: str) -> list[Refusal]:
    """The refusals of the ``rows`` (a mask) whose text a column reader could not read, in the words
    of ``parse``, the one-value parser: the :class:`Bad` the reader kept (``known``: text → Bad), else
    asked once per distinct text."""
    positions = np.flatnonzero(rows)
    if not len(positions):
        return []
    local, uniques = pd.factorize(stripped_texts(source.iloc[positions]))
    failures = {}
    for i, text in enumerate(uniques):
        if text in known:
            failures[i] = known[text]
            continue
        try:
            parse(text)
        except Bad as bad:
            failures[i] = bad
        else:  # the two readers disagree: a bug, never a user's mistake
            raise AssertionError(f"{name}: the value reader refused {text!r}, which the one-value parser reads; "
                                 f"please report this")
    codes = np.full(len(source), -1, dtype=np.int64)
    codes[positions] = local
    return _own_words(name, codes, failures, lang)


def _distinct(name: str, column: pd.Series, parse, lang: str, parts: int = 0) -> Column:
    """``parse`` applied once per distinct text of a column (blank texts are missing). With
    ``parts``, ``parse`` returns that many values and ``values`` is a tuple of as many columns."""
    source = column
    if not isinstance(column.dtype, pd.StringDtype) and column.dtype != ARROW_TEXT:
        column = column.map(as_text)
    codes, uniques = pd.factorize(column)
    results, failures, blank = [], {}, np.ones(len(uniques) + 1, dtype=bool)
    for i, unique in enumerate(uniques):
        text = unique.strip(WHITESPACE)
        blank[i] = not text
        try:
            results.append(parse(text) if text else None)
        except Bad as bad:
            results.append(None)
            failures[i] = bad
    results.append(None)  # what code -1 (a missing cell) takes
    if parts:
        values = tuple(_spread([None if r is None else r[k] for r in results], codes) for k in range(parts))
    else:
        values = _spread(results, codes)
    refusals = _own_words(name, codes, failures, lang)
    bad = np.zeros(len(codes), dtype=bool)
    for refusal in refusals:
        bad |= refusal.rows
    return Column(values, bad, ~blank[codes], source, refusals)


def _out_of_range(values: np.ndarray, field: Field) -> np.ndarray:
    low = values < field.low if field.low is not None else np.zeros(len(values), dtype=bool)
    return low | (values > field.high if field.high is not None else False)


def read_column(name: str, column: pd.Series, field: Field, rules: Rules) -> Column:
    """The column of ``field`` read and checked (see :class:`Column`)."""
    kind = field.type
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)

    def parse(text: str):
        return parse_value(text, field, rules)

    known: dict = {}  # text → Bad, as the column readers found them

    def column_of(values, unreadable: np.ndarray, present: np.ndarray, *others: Refusal) -> Column:
        refusals = [*_refused_values(name, column, unreadable, parse, known, rules.lang), *others]
        bad = unreadable.copy()
        for refusal in others:
            bad |= refusal.rows
        return Column(values, bad, present, column, refusals)

    if kind in ("number", "angle"):
        if numeric:
            values, unreadable = numbers_many(column, parse_number)
            present = ~np.isnan(values) | unreadable
        else:
            text = stripped_texts(column)
            present = text.notna().to_numpy()
            label = rules.label(name)
            read = (lambda t: parse_angle(t, field.name)) if kind == "angle" else (lambda t: parse_number(t, label))
            values, unreadable = numbers_many(text, read, known)
        out = present & ~unreadable & _out_of_range(values, field)

        def out_of_range(positions: np.ndarray) -> pa.Array:
            return say_many("out_of_range", rules, label=rules.label(name), value=_texts_at(column, positions),
                            range=range_words(field), hint="")

        return column_of(values, unreadable, present, Refusal("out_of_range", name, out, out_of_range))
    if kind == "measure" and numeric:
        values, units, unreadable = measures_many(column, rules.mapping.units)
        return column_of((values, units), unreadable, ~np.isnan(values) | unreadable)
    if kind == "when" and pd.api.types.is_datetime64_any_dtype(column):
        moments, precision, unreadable = when_many(column)
        return column_of((moments, precision), unreadable, moments.notna().to_numpy())
    if kind == "item":
        def item_hint_group(text: str) -> tuple[str, str | None, str]:
            item, hint = parse_item(text, rules)
            return item, hint, GROUP_OF_ITEM[item]

        return _distinct(name, column, item_hint_group, rules.lang, parts=3)
    if kind not in ("text", "description", "ident", "when", "measure"):
        return _distinct(name, column, parse, rules.lang)
    text = stripped_texts(column)
    present = text.notna().to_numpy()
    if kind in ("text", "description"):
        lengths = text.str.len().fillna(0).to_numpy(dtype=np.int64)
        label, limit = rules.label(name), f"{field.max_chars:,}"

        def too_long(positions: np.ndarray) -> pa.Array:
            return say_many("too_long", rules, label=label, length=thousands(lengths[positions]), limit=limit)

        values = text
        if kind == "description":
            spellings = rules.mapping.values[field.enum]
            values = (text, _distinct(name, text, lambda t: derive_category(t, spellings), rules.lang).values)
        return column_of(values, np.zeros(len(text), dtype=bool), present,
                         Refusal("too_long", name, lengths > field.max_chars, too_long))
    if kind == "ident":
        ident = text.str.lower()
        return column_of(ident, present & ~ident.str.fullmatch(IDENT.pattern).fillna(False).to_numpy(bool), present)
    if kind == "when":
        moments, precision, unreadable = when_many(text, known)
        return column_of((moments, precision), unreadable, present)
    values, units, unreadable = measures_many(text, rules.mapping.units, known)
    return column_of((values, units), unreadable, present)


def _texts_at(column: pd.Series, positions: np.ndarray) -> pa.Array:
    """The stripped texts of ``column`` at ``positions``."""
    return texts(stripped_texts(column.iloc[positions]))


def fill_default(column: pd.Series | None, field: Field, rules: Rules, length: int) -> pd.Series:
    """The field's column with the mapping's default in its blank cells (all default, or all blank,
    when the file has no such column)."""
    default = field_default(field, rules)
    if column is None:
        return pd.Series(pc.fill_null(pa.nulls(length, pa.large_string()), default), dtype=ARROW_TEXT)
    if default is None:
        return column.reset_index(drop=True)
    return stripped_texts(column).reset_index(drop=True).fillna(default)
