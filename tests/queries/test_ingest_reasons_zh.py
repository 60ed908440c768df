"""A refused row's reasons in the reader's language: the validators say every rule's words from the catalogue
(queries/locale/zh.po, reason_*) in the language of their Rules, English unless told otherwise."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from queries.ingest import validate_frame, validate_row
from tests.dashboard.test_pages_name_codes import english_words
from tests.queries.ingest_fixtures import rules
from tests.queries.test_ingest_validate import BREAKS, frame_reasons, row

# a value of the row as the reason quotes it ('unobtainium', soon), which stays as the file wrote it
QUOTED = re.compile(r"'[^']*'|“[^”]*”|\b(?:soon|unobtainium)\b")
MORE_BREAKS = {  # rules whose words BREAKS do not reach, each with a row that breaks it
    "ragged angle": {"lon": "106°71′E"}, "hemisphere twice": {"lat": "N22°N"},
    "swapped hemisphere": {"lon": "22°N"}, "unknown unit": {"quantity": "3 bushels", "unit": None},
    "no unit": {"quantity": "3", "unit": None}, "not a date": {"occurred_at": "2025-02-30"},
    "year": {"occurred_at": "1850-01-01"}, "unknown county": {"county": "无名县", "lon": None, "lat": None,
                                                              "checkpoint": None},
    "no form": {"item": "锑"}, "country": {"destination_iso3": "火星"}, "not a number": {"value_cny": "many"},
}


def _broken_rows() -> dict[str, dict]:
    return {**{rule: BREAKS[rule](row()) for rule in BREAKS},
            **{name: row(**overrides) for name, overrides in MORE_BREAKS.items()}}


@pytest.mark.parametrize("name", sorted(_broken_rows()))
def test_every_reason_reads_in_chinese_with_the_values_as_written(name):
    raw = _broken_rows()[name]
    english, chinese = validate_row(raw, rules()), validate_row(raw, rules(lang="zh"))
    assert isinstance(chinese, list) and chinese, chinese
    assert [(r.rule, r.field) for r in chinese] == [(r.rule, r.field) for r in english]
    for reason in chinese:
        assert not english_words(QUOTED.sub(" ", reason.message)), reason.message
        assert re.search(r"[\u4e00-\u9fff]", reason.message), reason.message


def test_the_reasons_default_to_english_and_a_batch_of_rows_says_them_in_chinese_too():
    raw = BREAKS["unknown"](row())
    assert validate_row(raw, rules())[0].message.startswith("item 'unobtainium' is not one Cordon knows")
    _, _, refusals = validate_frame(pd.DataFrame([raw, row(quantity="-1")], dtype="str"), rules(lang="zh"))
    assert frame_reasons(refusals, 0)[0][2].startswith("品目 'unobtainium' 不是 Cordon 已知的值")
    assert frame_reasons(refusals, 1) == [("out_of_range", "quantity", "数量 -1 超出范围（大于 0 且不超过 10,000,000 千克）")]
