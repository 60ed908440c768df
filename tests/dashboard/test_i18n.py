"""Both languages are complete: every interface text and every stored code has an English and a Chinese label,
in the one catalogue (queries/locale/zh.po) that Babel and gettext's msgfmt read."""

from __future__ import annotations

import re
import shutil
import string
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from dashboard.i18n import label, t
from queries import constants
from queries.access import AUDIT_KINDS
from queries.labels import CATALOGUE, CODE_CONTEXT, CODE_LABELS, TEXT


def test_every_text_has_both_languages_with_the_same_placeholders():
    fields = string.Formatter()
    for key, (english, chinese) in TEXT.items():
        assert english.strip() and chinese.strip(), key
        assert {f for _, f, _, _ in fields.parse(english) if f} == {f for _, f, _, _ in fields.parse(chinese) if f}, key


def test_the_catalogue_parses_and_holds_each_key_once():
    """A repeated context would silently replace the first entry: the page would show the wrong text."""
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    contexts = [message.context for message in catalogue if message.id]
    assert all(contexts), "every message has its key as msgctxt"
    assert [c for c, n in Counter(contexts).items() if n > 1] == []
    assert len(TEXT) + len(CODE_LABELS) == len(contexts)
    assert not any(message.fuzzy for message in catalogue if message.id), "a fuzzy translation is not yet checked"
    assert sum(c.startswith(CODE_CONTEXT) for c in contexts) == len(CODE_LABELS) > 80


def test_every_placeholder_is_marked_for_the_translators_tools():
    """Messages with {fields} carry python-brace-format, so Poedit and msgfmt -c check the translation keeps them."""
    fields = string.Formatter()
    with CATALOGUE.open("rb") as file:
        for message in read_po(file):
            if message.id:
                has_fields = any(f is not None for _, f, _, _ in fields.parse(message.id))
                assert ("python-brace-format" in message.flags) == has_fields, message.context


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_gettext_accepts_the_catalogue():
    result = subprocess.run(["msgfmt", "--check", "--check-format", "-o", "/dev/null", str(CATALOGUE)],
                            check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


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
             *constants.GEO_PRECISIONS, *constants.ITEM_CODES, *AUDIT_KINDS)
    for code in codes:
        english, chinese = label(code, "en"), label(code, "zh")
        assert english and chinese and english != chinese, code
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in english), code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), code
    assert label("unknown_code", "zh") == "unknown_code"


def test_t_formats_values_in_the_chosen_language():
    values = {"count": 3, "since": "10:05:10", "newest": "10:05:08"}
    assert t("new_records", "en", **values) == (
        "3 new seizure(s) since the refresh at 10:05:10; the newest happened at 10:05:08 (Beijing time)")
    assert t("new_records", "zh", **values) == "自 10:05:10 刷新以来新增 3 起查获；最新一起发生于 10:05:08（北京时间）"


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


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    """A literal t("key", …) anywhere in Cordon names a text of the catalogue (a missing one raises KeyError on a page)."""
    root = Path(__file__).resolve().parents[2]
    asked = {(path.relative_to(root).as_posix(), key)
             for package in ("dashboard", "geodata", "queries")
             for path in (root / package).rglob("*.py")
             for key in re.findall(r"""\bt\(\s*["']([A-Za-z0-9_\-]+)["']""", path.read_text(encoding="utf-8"))}
    assert len(asked) > 300
    assert sorted((path, key) for path, key in asked if key not in TEXT) == []
