"""Every page speaks its reader's language: every page, in English and in Chinese, as an admin on the seeded store.

* No stored code reaches a page where the catalogue has a label for it: "Land port" / "陆路口岸", never
  "land_port", in its texts, widgets and tables. Every code with a label in the catalogue is checked (stored
  codes, the audit trail's kinds, analyses' categories) where it can be told from an ordinary word: one with an
  underscore (land_port, ree_concentrate, under_investigation, REE_heavy, sign_in…) or a country's three capitals
  (VNM) in every text of every page; a word (open, gallium, Ga, ore, customs, new hot spot…) in what a person
  reads on a Chinese page, where it is English, and on an English page as a whole table cell or widget option (or
  one of a list of them, "antimony 60 %, tungsten 33 %") where its label is not the code itself ("Open", never
  "open").
* A Chinese page shows no English word: no run of Latin letters in what a person reads (labels, texts, options,
  help, placeholders, tables) but those that are Latin in Chinese too (:data:`LATIN`: units, format and method
  names, the product's name, the accounts' names) and what a record's source wrote in its own words.
* An English page shows no Chinese name of a place that has an English one (counties, provinces, checkpoints,
  hubs).

Maps (deck.gl's data) and charts (Vega's spec) are left out: their data carries codes for colours and filters,
and their tooltips name them (tests/dashboard/test_tooltips_and_style.py).
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Dataframe

from dashboard.screens.network import MORE_KEY as NETWORK_MORE_KEY
from queries.access import AUDIT_KINDS
from queries.constants import CASE_STATUSES, CHANNELS, DESTINATIONS, ITEM_CODES
from queries.labels import CODE_LABELS, label, t
from queries.store import run
from queries.stores import open_store
from tests.conftest import ACCOUNTS, seeded_copy
from tests.dashboard.test_app import APP, signed_in

# each page as it opens; the Analysis page with each of its methods run on the default parameters
PAGES = ("live_map", "analysis", "analysis:clusters", "analysis:emerging", "records", "import_records", "users",
         "audit", "network")
# Every code with a label, from the catalogue itself (not through label(), which the pages call): codes that cannot
# be ordinary words, looked for everywhere; the others are words, looked for where they can be told from one.
CODES = sorted((code for code in CODE_LABELS if "_" in code or re.fullmatch("[A-Z]{3}", code)), key=len, reverse=True)
WORD_CODES = sorted(set(CODE_LABELS) - set(CODES), key=len, reverse=True)
CODE_WORD = re.compile(r"(?<![\w.\-/])(" + "|".join(map(re.escape, CODES)) + r")(?![\w\-/])")
WORD_CODE = re.compile(r"(?<![\w\-/])(" + "|".join(map(re.escape, WORD_CODES)) + r")(?![\w\-/])")
ENGLISH_LABEL_DIFFERS = {code for code in WORD_CODES if CODE_LABELS[code][0] != code}
SHARE = re.compile(r"\s+\d+(?:\.\d+)?\s*%$")  # "antimony 60 %": a code with its share, as a cluster's main items
NOT_SHOWN = {"id", "formId", "key", "elementId", "json", "spec", "datasets", "arrowData", "data", "url", "src"}
# The fields of elements' protos that a person reads (the others are settings: tags, types, formats, icons…).
READ = {"label", "body", "options", "content", "help", "placeholder", "delta", "default", "value", "caption", "text"}
# Latin words a Chinese page may show: units, the names of formats, systems, methods and tools, the product's.
LATIN = {"Cordon", "kg", "km", "t", "g", "s", "m", "p", "q", "z", "ID", "H3", "Gi*", "Getis", "Ord", "Mann", "Kendall",
         "DBSCAN", "HDBSCAN", "FDR", "ArcGIS", "GIS", "Google", "Earth", "GeoPackage", "GeoParquet", "GeoJSON", "JSON",
         "CSV", "WKT", "KML", "KMZ", "Shapefile", "zip", "Parquet", "Excel", "TOML", "PDF", "PNG", "UTF", "GBK", "GPS",
         "WGS84", "GCJ", "BD", "EPSG", "ISO", "CT", "X", "README", "English", "NUL", "GB18030", "GraphML", "GEXF",
         "Gephi", "i2",
         *(code for code in CODE_LABELS if re.fullmatch("[A-Z]{3}", code))}  # ISO codes, as such (VNM)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*\*?")
# What is not read as words: markup, icons, code spans (commands), paths, file names (as people named them) and
# files' extensions, a command's options, a mapping's [section] key, hexagons' ids (H3), links' targets, colours,
# user names, a tool's name of several words.
NOT_WORDS = re.compile("|".join((r"<style.*?</style>", r"<[^>]+>", r":material/\w+:", r"`[^`]*`", r"\]\([^)]*\)",
                                 r"[\w.-]+\.(?:csv|tsv|txt|xlsx?|geojson|json|gpkg|zip|kmz|kml|parquet|png|pdf|toml)\b",
                                 r"\b\w+(?:/[\w.*-]+)+/?", r"(?<!\w)\.\w+", r"--[\w-]+", r"\[\w+\]\s*\w+",
                                 r"i2 Analyst's Notebook", r"\b[0-9a-f]{15}\b", r"https?://\S+", r"#[0-9a-fA-F]{3,8}\b",
                                 r"\bos:[\w.-]+",
                                 *(rf"(?<![\w-]){re.escape(user)}(?![\w-])" for user in ACCOUNTS))), re.DOTALL)
EMPTY_WORDS = {"None", "nan", "NaN", "NaT", "<NA>"}  # what pandas and Python write for nothing
# What a record's source wrote in its own words, shown as written (its category is a label beside it)
AS_WRITTEN = ("declared_as", "concealment_text", "detection_text")


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
        missing = node.proto.placeholder if node.proto.HasField("placeholder") else "None"  # as the grid writes it
        for column in frame.columns:  # texts and missing values; numbers, flags and times are not words
            yield from ((f"table cell|{column}", value if isinstance(value, str) else missing)
                        for value in frame[column].tolist() if isinstance(value, str) or _missing(value))
    elif node.type != "deck_gl_json_chart":
        yield from _strings(MessageToDict(node.proto), node.type)


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


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


def english_words(text: str) -> list[str]:
    """The English words of ``text``: its runs of Latin letters that are not Latin in Chinese too (:data:`LATIN`)."""
    return [word for word in LATIN_WORD.findall(NOT_WORDS.sub(" ", text)) if word not in LATIN]


def read_texts(shown, lang: str):
    """Of ``shown_texts``, what a person reads as words: tables, and the fields of :data:`READ`, without the
    texts a record's source wrote in its own words."""
    as_written = {t(column, lang) for column in AS_WRITTEN}
    for where, text in shown:
        field = where.rsplit(".", 1)[-1]
        if where.startswith("table") and where.partition("|")[2] not in as_written or (
                field in READ and not where.startswith(("html.", "exception.")) and "Visibility" not in where):
            yield where, text


def word_codes_shown(shown, lang: str):
    """(where, code, text) for every word code of ``shown`` (:data:`WORD_CODES`) where it can be told from a word:
    any of them in what a person reads on a Chinese page; on an English page, a table cell or a widget option that
    is one, or a list of them (with their shares), whose English label is not the code itself."""
    for where, text in read_texts(shown, lang):
        if lang == "zh":
            yield from ((where, code, text[:80]) for code in WORD_CODE.findall(NOT_WORDS.sub(" ", text)))
        elif where.startswith("table cell") or "options" in where.split("."):
            parts = (SHARE.sub("", part.strip()) for part in text.split(","))
            yield from ((where, part, text[:80]) for part in parts if part in ENGLISH_LABEL_DIFFERS)


def party_names(path) -> re.Pattern:
    """The names the Network page gives its parties (geodata.network's labels, masked and not), as written: a
    company's or an address' Chinese name may hold a place's (广西…有限公司), and a Chinese page shows a foreign
    company's English name."""
    from geodata.network import read_network
    from queries.filters import Filters

    with open_store(path).reading() as con:
        names = {*read_network(con, Filters()).nodes["label"], *read_network(con, Filters(), unmasked=True).nodes["label"]}
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))


def without_party_names(shown, names: re.Pattern):
    """``shown`` with the party names of :func:`party_names` taken out of the Network page's select boxes' options
    and its tables' cells, where they are shown as written (as :data:`AS_WRITTEN`); the rest of the text is still
    read, and every other text as it is."""
    for where, text in shown:
        yield where, names.sub(" ", text) if where.startswith("table cell") or "options" in where.split(".") else text


def chinese_place_names(path) -> re.Pattern:
    """The Chinese names of the store's places that have an English one: counties, provinces, checkpoints, hubs."""
    with open_store(path).reading() as con:
        units, places = run(con, "admin_unit_names"), run(con, "ingest_known_places")
    names = {zh for zh, en in [*zip(units["name_zh"], units["name_en"]), *zip(places["name_zh"], places["name_en"])]
             if isinstance(zh, str) and isinstance(en, str) and en.strip() and en != zh}
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))


def test_english_words_are_latin_words_chinese_does_not_use():
    assert english_words("渠道 'x' 不是 Cordon 已知的值（单位：kg；Gi* 热点；H3；`python -m queries`）") == ["x"]
    assert english_words("参数：resolution = 7, fdr = True") == ["resolution", "fdr", "True"]
    assert english_words('<div style="color:#ffffff">当前用户：admin</div> :material/map:') == []
    assert english_words("请选择 Choose options") == ["Choose", "options"]


def test_the_codes_checked_are_every_code_with_a_label():
    assert {"land_port", "public_security", "under_investigation", "REE_heavy", "sign_in", "VNM", "ree_concentrate",
            "ndfeb_magnet", "lanthanum_cerium"} <= set(CODES)
    assert {"open", "closed", "gallium", "antimony", "Ga", "ore", "customs"} <= ENGLISH_LABEL_DIFFERS
    assert {*CODES, *WORD_CODES} >= {*ITEM_CODES, *CASE_STATUSES, *DESTINATIONS, *CHANNELS, *AUDIT_KINDS}
    assert all(label(code, "en") != code for code in CODES)
    assert all(label(code, "zh") != code for code in (*CODES, *WORD_CODES))


def test_a_word_code_is_found_where_it_can_be_told_from_a_word():
    shown = [("table cell|Status", "open"), ("table cell|Main items", "antimony 60 %, Tungsten / APT 40 %"),
             ("multiselect.options", "Gallium"), ("markdown.body", "open the map"), ("table cell|Status", "立案")]
    assert [code for _, code, _ in word_codes_shown(shown, "en")] == ["open", "antimony"]
    assert [code for _, code, _ in word_codes_shown(shown, "zh")] == ["open", "antimony", "open"]


def test_party_names_are_read_as_written_on_the_network_page_and_nowhere_else():
    names, places = re.compile(re.escape("广西某丰矿业有限公司")), re.compile("广西|凭祥")
    shown = [("selectbox.options", "广西某丰矿业有限公司 (Company)"), ("table cell|Party", "广西某丰矿业有限公司"),
             ("table cell|Largest", "广西某丰矿业有限公司, 凭祥 depot"), ("caption.body", "广西某丰矿业有限公司 in 广西")]
    left = [(where, places.findall(text)) for where, text in without_party_names(shown, names)]
    assert left == [("selectbox.options", []), ("table cell|Party", []), ("table cell|Largest", ["凭祥"]),
                    ("caption.body", ["广西", "广西"])]


def with_every_kind_of_event(seeded_db, tmp_path):
    """A copy of the store whose audit trail holds what the pages and the sessions write: exports and briefs
    with their filters, layers and formats, failed sign-ins for each reason, ended sessions, a refused page."""
    from datetime import datetime

    from geodata.export_sources import filters_to_dict
    from queries.access.audit import record_event
    from queries.filters import Filters

    path = seeded_copy(seeded_db, tmp_path / "audited.duckdb")
    at, filters = datetime(2026, 11, 20, 12), filters_to_dict(Filters(items=("Ga",), start=datetime(2026, 1, 1)))
    events = [("export", {"file": "cordon_all.gpkg", "filters": filters, "format": "gpkg", "layer": "all",
                          "rows": {"checkpoints": 21, "hotspots": 30}}),
              ("brief", {"file": "cordon-brief-2026-11-20-all-areas.pdf", "filters": filters}),
              ("page_denied", {"page": "audit", "role": "analyst"}),
              *(("sign_in_failed", {"reason": reason, "failures": 1}) for reason in
                ("throttled", "unknown_user", "disabled", "locked", "wrong_password")),
              *(("session_expired", {"reason": reason}) for reason in ("idle", "expired"))]
    with open_store(path).writing() as con:
        for kind, details in events:
            record_event(con, kind, "gx-analyst", details, source="dashboard", at=at)
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_code_or_a_word_of_the_other_language(seeded_db, tmp_path, monkeypatch, page, lang):
    if page == "audit":  # the trail with the events of every page, whatever other tests wrote before
        seeded_db = with_every_kind_of_event(seeded_db, tmp_path)
    monkeypatch.setenv("CORDON_DB", str(seeded_db))
    test = signed_in(AppTest.from_file(APP, default_timeout=120), "admin")
    test.query_params.update({"period": "all", "refresh": "0", "lang": lang})
    test.run()
    screen, _, method = page.partition(":")
    if screen != "live_map":
        test.switch_page(f"screens/{screen}.py").run()
    if method:
        test.segmented_control(key="a_method").set_value(method).run()
    if screen == "network":  # its communities and bridges too
        test.session_state[NETWORK_MORE_KEY] = True
        test.run()
    assert not test.exception
    shown = list(shown_texts(test._tree))
    if screen == "network":
        shown = list(without_party_names(shown, party_names(seeded_db)))
    leaks = sorted({(where, code, text[:80]) for where, text in shown for code in CODE_WORD.findall(text)})
    leaks += sorted({(where, "an empty cell", text) for where, text in shown  # an empty cell is empty
                     if where.startswith("table cell") and text in EMPTY_WORDS})
    leaks += sorted(set(word_codes_shown(shown, lang)))
    if lang == "zh":
        leaks += sorted({(where, word, text[:80]) for where, text in read_texts(shown, lang)
                         for word in english_words(text)})
        leaks += [(f"multiselect {box.label!r}", "Choose options", "its placeholder: Streamlit's English")
                  for box in test.multiselect if not box.proto.placeholder]
    else:
        places = chinese_place_names(seeded_db)
        leaks += sorted({(where, place, text[:80]) for where, text in read_texts(shown, lang)
                         for place in places.findall(text)})
    assert not leaks, "\n".join(f"{where}: {word} in {text!r}" for where, word, text in leaks)
