"""Why rows are refused, worked out for whole columns and told in batches.

A :class:`Refusal` is one rule broken on one field by some rows of a file: the rows (a mask) and
their words, one text for all of them or a function giving each row's words (with its value) for
the rows asked, built by Arrow over the column. The validator and the importer produce them; from
them, without a Python step per row:

* :func:`row_reasons`: each refused row's rules (keys of ``RULES``, in their order) and reason (the
  words of its first :data:`MOST_REASONS` refusals, and how many more);
* :func:`batches`: one line per rule and field, with how many rows break it, where they are as
  runs of lines ("12–20,011, 20,015") and the first one's words.

Message templates hold ``{name}`` slots only: :func:`fill` puts Arrow arrays of texts in them,
``str.format`` puts the texts of one row, so both validators say the same words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pa.large_string()
ARROW_TEXT = pd.ArrowDtype(TEXT)  # text as DuckDB scans it without a copy
MOST_REASONS = 3  # the words of a row's first refusals kept in its reason (all of its rules are kept)
MOST_RUNS = 6  # runs of lines a batch names before "and N more"
_SLOT = re.compile(r"\{(\w+)\}")

Words = Callable[[np.ndarray], pa.Array]  # positions → each one's words


@dataclass(frozen=True)
class Refusal:
    """Rows refused for one rule on one field: ``rows`` (a mask over the file's rows; a shorter mask
    leaves the rows after it out) and ``message``, one text for all or a function of positions."""

    rule: str
    field: str
    rows: np.ndarray
    message: str | Words

    def words(self, positions: np.ndarray) -> pa.Array:
        """The words of the rows at ``positions``."""
        if isinstance(self.message, str):
            return pa.repeat(pa.scalar(self.message, TEXT), len(positions))
        return pc.cast(self.message(positions), TEXT)


def fill(template: str, **parts: str | pa.Array) -> pa.Array:
    """``template.format(**parts)`` for many rows at once: each part one text for all rows, or an
    Arrow array of texts, one per row (a null part makes that row's words null)."""
    pieces = _SLOT.split(template)
    args = [parts[piece] if i % 2 else piece for i, piece in enumerate(pieces)]
    args = [pa.scalar(a, TEXT) if isinstance(a, str) else pc.cast(a, TEXT) for a in args if not isinstance(a, str) or a]
    return pc.binary_join_element_wise(*args, pa.scalar("", TEXT))


def texts(values: pd.Series | np.ndarray) -> pa.Array:
    """Numbers or texts as an Arrow array of texts (whole numbers without '.0')."""
    array = pa.array(values, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return pc.cast(array, TEXT)


def thousands(values: np.ndarray) -> pa.Array:
    """Whole numbers as texts with thousands separators (10,000), each distinct number written once."""
    distinct, where = np.unique(np.asarray(values, dtype=np.int64), return_inverse=True)
    return pa.array([f"{number:,}" for number in distinct.tolist()], TEXT).take(pa.array(where.ravel()))


def _mask(refusal: Refusal, total: int) -> np.ndarray:
    rows = np.asarray(refusal.rows, dtype=bool)
    return rows if len(rows) == total else np.concatenate([rows, np.zeros(total - len(rows), dtype=bool)])


def refused(refusals: Sequence[Refusal], total: int) -> np.ndarray:
    """The mask of the rows some refusal has."""
    found = np.zeros(total, dtype=bool)
    for refusal in refusals:
        found |= _mask(refusal, total)
    return found


def row_reasons(refusals: Sequence[Refusal], total: int, rule_order: Sequence[str], more_words: str) -> pd.DataFrame:
    """Each refused row (of ``total``): ``position``, ``rules`` (in ``rule_order``) and ``reason``, the
    words of its first MOST_REASONS refusals joined by '; ', then how many more it has (``more_words``, with an {n} slot)."""
    positions = np.flatnonzero(refused(refusals, total))
    count = len(positions)
    seen = np.zeros(count, dtype=np.int64)
    slots = [pa.nulls(count, TEXT) for _ in range(MOST_REASONS)]
    broken = dict.fromkeys(rule_order)
    for refusal in refusals:
        hit = _mask(refusal, total)[positions]
        if not hit.any():
            continue
        broken[refusal.rule] = hit if broken.get(refusal.rule) is None else broken[refusal.rule] | hit
        for slot in range(MOST_REASONS):
            chosen = hit & (seen == slot)
            if chosen.any():
                slots[slot] = pc.replace_with_mask(slots[slot], pa.array(chosen), refusal.words(positions[chosen]))
        seen += hit
    more = seen > MOST_REASONS
    extra = pc.if_else(pa.array(more), fill(more_words, n=texts(seen - MOST_REASONS)), pa.nulls(count, TEXT))
    reason = pc.binary_join_element_wise(*slots, extra, pa.scalar("; ", TEXT), null_handling="skip")
    marks = [pc.if_else(pa.array(hit), pa.scalar(rule, TEXT), pa.nulls(count, TEXT))
             for rule, hit in broken.items() if hit is not None]
    joined = pc.binary_join_element_wise(*marks, pa.scalar(",", TEXT), null_handling="skip") if marks else reason
    return pd.DataFrame({"position": positions,
                         "rules": pd.Series(pc.split_pattern(joined, ","), dtype=pd.ArrowDtype(pa.list_(TEXT))),
                         "reason": pd.Series(reason, dtype=ARROW_TEXT)})


def runs(lines: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first and last line of each run of ``lines`` (sorted) that follow one another in the
    file, whose rows' lines are ``order`` (sorted): a gap is a row of the file not among ``lines``."""
    if not len(lines):
        return lines, lines
    ranks = np.searchsorted(order, lines)
    breaks = np.flatnonzero(np.diff(ranks) != 1)
    return lines[np.r_[0, breaks + 1]], lines[np.r_[breaks, len(lines) - 1]]


def runs_text(lines: np.ndarray, order: np.ndarray, most: int = MOST_RUNS, more: str = " and {count:,} more") -> str:
    """``lines`` as runs, "12–20,011, 20,015" (at most ``most``, then ``more`` says how many more)."""
    starts, ends = runs(np.sort(lines), order)
    shown = [f"{a:,}" if a == b else f"{a:,}–{b:,}" for a, b in zip(starts[:most], ends[:most])]
    return ", ".join(shown) + (more.format(count=len(starts) - most) if len(starts) > most else "")


def batches(refusals: Sequence[Refusal], lines: np.ndarray, rule_order: Sequence[str],
            line_word: str = "line", where: Callable[[np.ndarray, np.ndarray], str] | None = None) -> pd.DataFrame:
    """One row per rule and field broken, in ``rule_order`` then the file's order: ``rule``, ``field``,
    ``rows`` (how many), ``lines`` (where: "lines 2–100, 102" — ``lines`` gives each row's line, see
    :func:`runs_text`; or ``where(lines, all lines sorted)``, which a workbook of several sheets
    says sheet by sheet), ``example`` (the first one's words) and ``at`` (the rows' lines, sorted,
    for saying where in another language)."""
    total = len(lines)
    order = np.sort(lines)
    groups: dict[tuple[str, str], list[Refusal]] = {}
    for refusal in refusals:
        groups.setdefault((refusal.rule, refusal.field), []).append(refusal)
    found = []
    for (rule, field), members in groups.items():
        mask = refused(members, total)
        if not mask.any():
            continue
        first = int(np.flatnonzero(mask)[np.argmin(lines[mask])])
        example = next(m for m in members if _mask(m, total)[first]).words(np.array([first]))[0].as_py()
        place = (where(lines[mask], order) if where else
                 f"{line_word}{'s' if mask.sum() > 1 else ''} {runs_text(lines[mask], order)}")
        found.append({"rule": rule, "field": field, "rows": int(mask.sum()), "lines": place,
                      "example": example, "at": np.sort(lines[mask]), "_rank": list(rule_order).index(rule),
                      "_first": int(lines[first])})
    frame = pd.DataFrame(found, columns=["rule", "field", "rows", "lines", "example", "at", "_rank", "_first"])
    return frame.sort_values(["_rank", "_first"], ignore_index=True).drop(columns=["_rank", "_first"])
