"""No stored code reaches a page where the catalogue has a label for it: every page, in English and in Chinese,
as an admin on the seeded store, shows "Land port" / "陆路口岸", never "land_port", in its texts, widgets and tables.

The codes checked are those that cannot be ordinary words: with an underscore (land_port, public_security,
under_investigation, REE_heavy, sign_in…) or a country's three capitals (VNM). Maps (deck.gl's data) are left
out: their data carries codes for colours and filters, and their tooltips name them (tests/dashboard/
test_tooltips_and_style.py).
"""

from __future__ import annotations

import re

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Dataframe

from queries.access import AUDIT_KINDS
from queries.labels import CODE_LABELS, label
from tests.dashboard.test_app import APP, signed_in

# each page as it opens; the Analysis page with each of its methods run on the default parameters
PAGES = ("live_map", "analysis", "analysis:clusters", "analysis:emerging", "records", "import_records", "users",
         "audit")
CODES = sorted((code for code in {*CODE_LABELS, *AUDIT_KINDS} if "_" in code or re.fullmatch("[A-Z]{3}", code)),
               key=len, reverse=True)
CODE_WORD = re.compile(r"(?<![\w.\-/])(" + "|".join(map(re.escape, CODES)) + r")(?![\w\-/])")
NOT_SHOWN = {"id", "formId", "key", "elementId", "json", "spec", "datasets", "arrowData", "data", "url", "src"}


def shown_texts(node):
    """(where, text) for every text the page shows: element protos' strings, tables' headers and cells."""
    if isinstance(node, Block):
        for child in node.children.values():
            yield from shown_texts(child)
        if getattr(node, "proto", None) is not None:
            yield from _strings(MessageToDict(node.proto), "block")
    elif isinstance(node, Dataframe):
        frame = node.value
        yield from (("table header", str(column)) for column in frame.columns)
        yield from (("table cell", str(value)) for column in frame.columns for value in frame[column].tolist())
    elif node.type != "deck_gl_json_chart":
        yield from _strings(MessageToDict(node.proto), node.type)


def _strings(value, where: str):
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_SHOWN:
                yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, where)
    elif isinstance(value, str):
        yield where, value


def test_the_codes_checked_are_codes_with_a_label():
    assert {"land_port", "public_security", "under_investigation", "REE_heavy", "sign_in", "VNM"} <= set(CODES)
    assert all(label(code, "en") != code and label(code, "zh") != code for code in CODES)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_code_that_has_a_label(seeded_db, monkeypatch, page, lang):
    monkeypatch.setenv("CORDON_DB", str(seeded_db))
    test = signed_in(AppTest.from_file(APP, default_timeout=120), "admin")
    test.query_params.update({"period": "all", "refresh": "0", "lang": lang})
    test.run()
    screen, _, method = page.partition(":")
    if screen != "live_map":
        test.switch_page(f"screens/{screen}.py").run()
    if method:
        test.segmented_control(key="a_method").set_value(method).run()
    assert not test.exception
    leaks = sorted({(where, code, text[:80]) for where, text in shown_texts(test._tree)
                    for code in CODE_WORD.findall(text)})
    assert not leaks, "\n".join(f"{where}: {code} in {text!r}" for where, code, text in leaks)
