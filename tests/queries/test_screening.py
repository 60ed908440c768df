"""Screening (queries.screening): one test per kind of name variant, identifiers, look-alikes and dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from queries.control_lists import ListEntry
from queries.screening import Screener

ON = date(2025, 6, 1)
HUAWEI = ListEntry(
    list_code="control",
    entry_id="T1",
    names_zh=("华为技术有限公司",),
    names_en=("Huawei Technologies Co., Ltd.",),
    former_names=(),
    identifiers=("91440300MA5FXXXX3C",),
    country_iso3="CHN",
    announcement="test",
    announced_on=date(2025, 1, 1),
    effective_from=date(2025, 1, 2),
    suspended_from=None,
    suspended_until=None,
    removed_on=None,
    source_url="test",
)
LOCKHEED = replace(
    HUAWEI,
    entry_id="T2",
    names_zh=(),
    names_en=("Lockheed Martin International Corporation",),
    identifiers=("US-1234567",),
    country_iso3="USA",
)
XINGHE = replace(HUAWEI, entry_id="T3", names_zh=("上海星河贸易有限公司",), names_en=(), identifiers=())


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener([HUAWEI, LOCKHEED, XINGHE])


@pytest.mark.parametrize(
    ("name", "entry_id", "reason"),
    [
        ("華為技術有限公司", "T1", "traditional → simplified (華為技術有限公司 → 华为技术有限公司)"),
        ("Huawei Jishu Youxian Gongsi", "T1", "matches the pinyin of 华为技术有限公司, legal form ignored"),
        (
            "Huawei Technologies",
            "T1",
            "'Huawei Technologies' matches 'Huawei Technologies Co., Ltd.', legal form ignored",
        ),
        (
            "华为技术股份有限公司",
            "T1",
            "华为技术股份有限公司 matches 华为技术有限公司, legal form ignored (股份有限公司 / 有限公司)",
        ),
        ("Martin Lockheed International Corp", "T2", "words reordered"),
        ("Lockheed Martin Intl Corporation", "T2", "abbreviations and variants read as one (intl → international)"),
        ("Lockhead Martin International Corporation", "T2", "1 typo"),
        ("ＬＯＣＫＨＥＥＤ ＭＡＲＴＩＮ ＩＮＴＥＲＮＡＴＩＯＮＡＬ", "T2", "full-width forms read as half-width"),
    ],
    ids=["script", "pinyin", "english", "legal_form", "order", "abbreviation", "typo", "full_width"],
)
def test_a_variant_hits_its_entry_with_the_reason(screener, name, entry_id, reason):
    hits = screener.screen(name, ON)
    assert [hit.entry.entry_id for hit in hits] == [entry_id]
    assert reason in hits[0].reason
    assert hits[0].score >= screener.threshold


def test_the_pinyin_of_a_chinese_name_matches_an_entry_known_only_in_english():
    hits = Screener([replace(HUAWEI, names_zh=())]).screen("华为技术有限公司", ON)
    assert hits[0].reason.startswith("pinyin of 华为技术有限公司 matches 'Huawei Technologies Co., Ltd.'")
    assert "Chinese words read in English (技术 → technology)" in hits[0].reason
    assert "legal form ignored (有限公司 / Co., Ltd)" in hits[0].reason


def test_a_one_character_typo_in_chinese_is_counted():
    hits = Screener([XINGHE]).screen("上海星河贸易有限责任公司", ON)
    assert hits and "legal form ignored" in hits[0].reason
    typo = Screener([XINGHE]).screen("上海星合贸易有限公司", ON)
    assert typo and "1 character differs (same pinyin)" in typo[0].reason


def test_a_chinese_character_replaced_by_one_that_sounds_different_is_another_name():
    assert Screener([XINGHE]).screen("上海星海贸易有限公司", ON) == []  # hai, not he: 87.8 by the overall score alone
    assert Screener([XINGHE]).screen("上海星和贸易有限公司", ON)  # he: a typo


def test_a_latin_name_must_hold_every_distinctive_word_of_the_entry(screener):
    assert screener.screen("Lockheed Marine International", ON) == []  # 'martin' is not there
    typo = screener.screen("Lockheed Matrin International Corp.", ON)  # transposed, one edit
    assert [hit.entry.entry_id for hit in typo] == ["T2"]


def test_an_identifier_hits_whatever_the_name(screener):
    hits = screener.screen("Some Other Name Ltd", ON, identifiers=["91440300-MA5FXXXX3C"])
    assert [(hit.entry.entry_id, hit.score, hit.matched_name) for hit in hits] == [("T1", 100.0, "91440300MA5FXXXX3C")]
    assert hits[0].reason == "unified social credit code 91440300-MA5FXXXX3C equals the listed identifier"


@pytest.mark.parametrize(
    "name", ["华为终端有限公司", "Huawei Device Co., Ltd.", "上海星河电子有限公司", "Lockheed Martin Aeronautics"]
)
def test_a_look_alike_of_another_company_is_not_hit(screener, name):
    assert screener.screen(name, ON) == []


def test_an_entry_not_in_force_on_the_records_date_is_not_hit(screener):
    assert screener.screen("Huawei Technologies", date(2025, 1, 1)) == []
    suspended = Screener([replace(HUAWEI, suspended_from=date(2025, 3, 1))])
    assert suspended.screen("Huawei Technologies", ON) == []
    assert suspended.screen("Huawei Technologies", date(2025, 2, 1))


def test_each_party_is_screened_on_its_own_date(screener):
    hits = screener.screen_many(["Huawei Technologies", "Huawei Technologies"], [date(2024, 1, 1), ON])
    assert [hit.party for hit in hits] == [1]
