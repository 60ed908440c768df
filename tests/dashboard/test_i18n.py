"""Both languages are complete: every interface text and every stored code has an English and a Chinese label."""

from __future__ import annotations

import string

from dashboard.i18n import CODE_LABELS, TEXT, label, t
from queries import constants


def test_every_text_has_both_languages_with_the_same_placeholders():
    fields = string.Formatter()
    for key, (english, chinese) in TEXT.items():
        assert english.strip() and chinese.strip(), key
        assert {f for _, f, _, _ in fields.parse(english) if f} == {f for _, f, _, _ in fields.parse(chinese) if f}, key


def test_every_stored_code_has_an_english_and_a_chinese_label():
    codes = (*constants.ITEM_GROUPS, *constants.CHANNELS, *constants.FORMS, *constants.AGENCIES,
             *constants.CASE_STATUSES, *constants.CONCEALMENTS, *constants.DETECTION_METHODS,
             *constants.CHECKPOINT_KINDS, *constants.HUB_KINDS, *constants.DESTINATIONS, *constants.TIME_PRECISIONS,
             *constants.GEO_PRECISIONS, *constants.ITEM_CODES)
    for code in codes:
        english, chinese = label(code, "en"), label(code, "zh")
        assert english and chinese and english != chinese, code
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in english), code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), code
    assert label("unknown_code", "zh") == "unknown_code"


def test_t_formats_values_in_the_chosen_language():
    assert t("new_records", "en", count=3, time="10:05") == "3 new seizure(s) since 10:05"
    assert t("new_records", "zh", count=3, time="10:05") == "自 10:05 起新增 3 起查获"
    assert len(CODE_LABELS) > 80
