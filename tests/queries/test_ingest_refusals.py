"""Refusals worked out for whole columns: templates filled by Arrow, a row's reasons and rules, and
batches by rule and field with their lines as runs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from queries.ingest.refusals import MOST_REASONS, Refusal, batches, fill, row_reasons, runs_text, texts, thousands

RULE_ORDER = ("required", "unreadable", "out_of_range")


def test_a_template_is_filled_row_by_row_as_str_format_fills_one_row():
    template = "{label} {value} is out of range ({range})"
    values = ["-3", "1e+20", None]
    filled = fill(template, label="value (货值)", value=pa.array(values), range="0 or more").to_pylist()
    assert filled[:2] == [template.format(label="value (货值)", value=v, range="0 or more") for v in values[:2]]
    assert filled[2] is None  # no value, no words
    assert texts(np.array([3.0, 108.3, 12])).to_pylist() == ["3", "108.3", "12"]
    assert thousands(np.array([10_000, 501, 10_000])).to_pylist() == ["10,000", "501", "10,000"]


def test_lines_are_told_as_runs_of_rows_that_follow_one_another_in_the_file():
    order = np.array([2, 3, 4, 5, 7, 8, 9, 12, 13])  # lines 6, 10 and 11 are blank: not rows
    assert runs_text(np.array([2, 3, 4, 5, 7, 8, 13]), order) == "2–8, 13"
    assert runs_text(np.array([2, 4, 7, 9, 13]), order) == "2, 4, 7, 9, 13"
    assert runs_text(np.arange(2, 14, 2), np.arange(2, 14), most=2) == "2, 4 and 4 more"
    assert runs_text(np.array([20_000, 20_001]), np.array([20_000, 20_001])) == "20,000–20,001"


def test_a_row_keeps_all_its_rules_and_the_words_of_its_first_refusals():
    n = 4
    refusals = [Refusal("required", f"field{i}", np.array([True, i < 2, False, False]), f"field{i} is empty")
                for i in range(MOST_REASONS + 2)]
    refusals.append(Refusal("unreadable", "quantity", np.array([True, False, False, True]),
                            lambda positions: fill("quantity '{value}'", value=pa.array(["a", "b", "c", "d"]).take(
                                pa.array(positions)))))
    reasons = row_reasons(refusals, n, RULE_ORDER, "and {n} more")
    assert reasons["position"].tolist() == [0, 1, 3]
    assert [list(rules) for rules in reasons["rules"]] == [["required", "unreadable"], ["required"], ["unreadable"]]
    first = "; ".join(f"field{i} is empty" for i in range(MOST_REASONS))
    assert reasons["reason"].tolist() == [f"{first}; and 3 more", "field0 is empty; field1 is empty", "quantity 'd'"]


def test_batches_group_the_rows_of_a_rule_and_field_in_the_rules_order():
    lines = np.array([2, 3, 4, 5, 9])  # the last is a ragged row, set aside from the frame by the reader
    refusals = [Refusal("unreadable", "quantity", np.array([False, True, True, False]), "quantity is not a number"),
                Refusal("required", "date", np.array([True, False, False, True]), "date is empty"),
                Refusal("required", "date", np.array([False, True, False, False]), "date is empty too"),
                Refusal("ragged", "", np.array([False, False, False, False, True]), "row 9 is ragged")]
    found = batches(refusals, lines, (*RULE_ORDER, "ragged"), "row")
    assert [at.tolist() for at in found.pop("at")] == [[2, 3, 5], [3, 4], [9]]  # for saying where in another language
    assert found.to_dict("records") == [
        {"rule": "required", "field": "date", "rows": 3, "lines": "rows 2–3, 5", "example": "date is empty"},
        {"rule": "unreadable", "field": "quantity", "rows": 2, "lines": "rows 3–4", "example": "quantity is not a number"},
        {"rule": "ragged", "field": "", "rows": 1, "lines": "row 9", "example": "row 9 is ragged"}]
