"""English names of Chinese counties: Hanyu Pinyin of the name (pypinyin) and an English suffix.

``romanised("兴宁区")`` is "Xingning District": the name without its administrative suffix, in pinyin
without tones, syllables joined (an apostrophe before a syllable starting with a, o or e: Long'an),
capitalised, then the suffix in English (:data:`SUFFIXES`). An autonomous county drops its peoples
("江城哈尼族彝族自治县" is "Jiangcheng Autonomous County"), as English usage does. pypinyin reads most
place names right from its phrase dictionary; :data:`READINGS` fixes the ones it reads wrong (a
character read differently in a place name, or an English name in established use).
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# The administrative suffix of a county-level name and its English word, the longest matched first.
SUFFIXES = (("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"), ("林区", "Forestry District"),
            ("特区", "Special District"), ("区", "District"), ("县", "County"), ("市", "City"), ("旗", "Banner"))
# The peoples an autonomous county is named for, dropped from its English name ("各族": of all peoples).
PEOPLES = ("各族", "彝族", "苗族", "回族", "傣族", "哈尼族", "侗族", "瑶族", "壮族", "纳西族", "拉祜族", "佤族",
           "布朗族", "仫佬族", "毛南族", "独龙族", "怒族", "白族", "普米族", "傈僳族", "景颇族", "阿昌族", "德昂族",
           "布依族", "水族", "藏族", "蒙古族", "土家族", "京族")
# Names pypinyin reads wrong, checked by eye against the counties of Guangxi and Yunnan: polyphonic
# characters read as in the place (长洲 chang, 覃塘 qin, 都安 du, 龙圩 xu), and an English name in use.
READINGS = {"长洲": "Changzhou", "覃塘": "Qintang", "都安": "Du'an", "龙圩": "Longxu", "香格里拉": "Shangri-La"}


def pinyin(name: str) -> str:
    """``name`` in Hanyu Pinyin without tones, one word, capitalised: 兴宁 is "Xingning", 隆安 "Long'an"."""
    if name in READINGS:
        return READINGS[name]
    syllables = lazy_pinyin(name, style=Style.NORMAL, v_to_u=True, errors="exception")
    word = "".join(("'" if i and s[0] in "aoe" else "") + s for i, s in enumerate(syllables))
    return word[:1].upper() + word[1:]


def romanised(name_zh: str) -> str:
    """The English name of a county-level unit from its Chinese name: pinyin and the suffix in English.

    Examples
    --------
    >>> romanised("兴宁区"), romanised("江城哈尼族彝族自治县"), romanised("覃塘区")
    ('Xingning District', 'Jiangcheng Autonomous County', 'Qintang District')
    """
    base, suffix_en = split_name(name_zh)
    return f"{pinyin(base)} {suffix_en}".rstrip()


def split_name(name_zh: str) -> tuple[str, str]:
    """A county-level Chinese name as its proper name and the English of its suffix; an autonomous
    county's peoples dropped: 江城哈尼族彝族自治县 is ("江城", "Autonomous County")."""
    suffix_zh, suffix_en = next(((zh, en) for zh, en in SUFFIXES if name_zh.endswith(zh) and len(name_zh) > len(zh)),
                                ("", ""))
    base = name_zh[:len(name_zh) - len(suffix_zh)]
    if suffix_zh.startswith("自治"):
        while people := next((p for p in PEOPLES if base.endswith(p) and len(base) > len(p)), None):
            base = base[:-len(people)]
        if base.endswith("族"):
            raise ValueError(f"{name_zh}: the people before 自治 is not in geodata.romanise.PEOPLES; add it")
    return base, suffix_en
