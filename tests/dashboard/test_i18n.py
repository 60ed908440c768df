"""Both languages are complete: every interface text and every stored code has an English and a Chinese label."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import dashboard.i18n
import queries.labels
from dashboard.i18n import CODE_LABELS, TEXT, label, t
from queries import constants


def test_every_text_has_both_languages_with_the_same_placeholders():
    fields = string.Formatter()
    for key, (english, chinese) in TEXT.items():
        assert english.strip() and chinese.strip(), key
        assert {f for _, f, _, _ in fields.parse(english) if f} == {f for _, f, _, _ in fields.parse(chinese) if f}, key


def test_no_key_is_written_twice_in_a_table():
    """A repeated key in a dict literal silently replaces the first entry: the page would show the wrong text."""
    tables = [node.value for module in (dashboard.i18n, queries.labels)
              for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8")))
              if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict)
              and len(node.value.keys) > 20]
    assert len(tables) == 2  # CODE_LABELS and TEXT
    for table in tables:
        keys = [key.value for key in table.keys]
        assert sorted({k for k in keys if keys.count(k) > 1}) == []


def test_every_analysis_category_and_bin_has_a_label():
    from geodata.emerging import CATEGORIES
    from geodata.palette import BIN_COLOURS

    for category in CATEGORIES:
        assert label(category, "en") != category and label(category, "zh") != category
    assert all(t(f"bin_{b}", "zh") for b in BIN_COLOURS)


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


def test_every_country_of_the_base_map_has_a_name_in_both_languages():
    # its areas' tooltips and its names say label(iso3): an unlabelled code would show as "AFG"
    from geodata.reference import load_layer

    for iso3 in load_layer("countries")["iso3"]:
        assert label(iso3, "en") != iso3 and label(iso3, "zh") != iso3, iso3


def test_every_refusal_rule_has_a_label():
    from queries.ingest import RULES

    for rule in RULES:
        assert t(f"import_rule_{rule}", "en") != t(f"import_rule_{rule}", "zh"), rule


def test_every_importable_field_has_a_label():
    from queries.ingest.fields import FIELDS

    missing = [name for name in FIELDS if f"import_field_{name}" not in TEXT]
    assert not missing


def test_every_declared_filter_has_a_name_in_both_languages():
    from queries.filters import FILTERS

    for f in FILTERS:
        english, chinese = label(f.title, "en"), label(f.title, "zh")
        assert english != f.title and chinese != f.title and english != chinese, f.name
