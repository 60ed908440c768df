"""Names to the keys screening compares, each key with a record of what was done to reach it.

A name in Chinese gives three keys: its characters (simplified, legal forms removed), their pinyin, and the
pinyin with the generic business words in English (华为技术 → "huawei technology"), the way Chinese companies
render their names abroad. A name in Latin script gives one key: folded case, punctuation and legal forms
removed, abbreviations expanded. Every key keeps what it took (traditional characters, full-width forms,
the legal form, the expansions, the translations) so that a hit's reason says what the match needed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.seg.mmseg import seg as pinyin_words

from queries.screening.vocabulary import (
    GLOSSARY_ZH_EN,
    LEGAL_FORMS_LATIN_LEADING,
    LEGAL_FORMS_LATIN_TRAILING,
    LEGAL_FORMS_ZH,
    WORD_FORMS,
)

HAN = "han"  # a key of Chinese characters
LATIN = "latin"  # a key of Latin words (a Latin name, or the pinyin of a Chinese one)

_TO_SIMPLIFIED = opencc.OpenCC("t2s")
_HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_WORD = re.compile(r"[^\w&]+|_")
_HAN_OR_OTHER = re.compile(
    r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
)
_SEPARATOR = r"[\s.,&()\-/']*"


def _forms_pattern(forms: tuple[str, ...]) -> str:
    words = sorted(forms, key=len, reverse=True)
    return "|".join(_SEPARATOR.join(re.escape(word) for word in form.split()) for form in words)


_TRAILING_FORM = re.compile(
    rf"(?<![^\W_])(?P<form>{_forms_pattern(LEGAL_FORMS_LATIN_TRAILING)})[\s.,()\-]*$", re.IGNORECASE
)
_LEADING_FORM = re.compile(rf"^\s*(?P<form>{_forms_pattern(LEGAL_FORMS_LATIN_LEADING)})[\s.,]+(?=\w)", re.IGNORECASE)
_ZH_FORM = re.compile("|".join(sorted(LEGAL_FORMS_ZH, key=len, reverse=True)))
_GLOSSARY = re.compile("|".join(sorted(GLOSSARY_ZH_EN, key=len, reverse=True)))


@dataclass(frozen=True)
class Key:
    """One compared form of one name, and what it took to get there."""

    name: str  # the name as given
    script: str  # HAN or LATIN
    words: tuple[str, ...]  # the compared words in the name's order (a HAN key is one word)
    via_pinyin: bool = False  # a LATIN key made from a Chinese name
    translated: tuple[tuple[str, str], ...] = ()  # Chinese words rendered in English: (技术, technology)
    traditional: tuple[str, str] | None = None  # (as given, simplified) where the name had traditional forms
    full_width: bool = False  # the name had full-width letters, digits or punctuation
    legal_forms: tuple[str, ...] = ()  # as written in the name, removed
    expansions: tuple[tuple[str, str], ...] = ()  # abbreviations and variants, as written → as compared
    sound: str = ""  # a HAN key's pinyin, run together: characters that differ but sound alike count less

    @property
    def text(self) -> str:
        """The words in the name's order."""
        return " ".join(self.words)

    @property
    def sorted_text(self) -> str:
        """The words in alphabetical order, so that word order does not count."""
        return " ".join(sorted(self.words))

    @property
    def compact(self) -> str:
        """The words run together, so that spacing does not count (pinyin is spaced by syllable or by word)."""
        return "".join(self.words)


def keys_of(name: str) -> tuple[Key, ...]:
    """The keys of one name: three for a Chinese name, one for a Latin one, none for a name of punctuation."""
    return _keys_of(name)


@lru_cache(maxsize=200_000)
def _keys_of(name: str) -> tuple[Key, ...]:
    half_width = unicodedata.normalize("NFKC", name)
    full_width = half_width != name and any(0xFF01 <= ord(char) <= 0xFF5E for char in name)
    if _HAN_CHAR.search(half_width):
        return _han_keys(name, half_width, full_width)
    key = _latin_key(name, half_width, full_width)
    return (key,) if key.words else ()


def clear_caches() -> None:
    """Forget the names and words normalised so far (a benchmark's cold start)."""
    _keys_of.cache_clear()
    _word_pinyin.cache_clear()


def _latin_key(name: str, half_width: str, full_width: bool) -> Key:
    text, legal_forms = _strip_latin_forms(half_width)
    words, expansions = [], []
    for word in _NOT_WORD.sub(" ", text.replace("'", "").replace("&", " & ")).casefold().split():
        compared = WORD_FORMS.get(word, word)
        if compared != word:
            expansions.append((word, compared))
        words.append(compared)
    return Key(
        name=name,
        script=LATIN,
        words=tuple(words),
        full_width=full_width,
        legal_forms=legal_forms,
        expansions=tuple(expansions),
    )


def _strip_latin_forms(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without its legal forms (trailing, then leading), and the forms as written."""
    removed = []
    while (found := _TRAILING_FORM.search(text)) and found.start() > 0 and text[: found.start()].strip(" ,.-()"):
        removed.insert(0, found.group("form"))
        text = text[: found.start()]
    if found := _LEADING_FORM.match(text):
        removed.insert(0, found.group("form"))
        text = text[found.end() :]
    return text, tuple(removed)


def _han_keys(name: str, half_width: str, full_width: bool) -> tuple[Key, ...]:
    simplified = _TO_SIMPLIFIED.convert(half_width)
    traditional = (half_width, simplified) if simplified != half_width else None
    legal_forms = tuple(_ZH_FORM.findall(simplified))
    text = _NOT_WORD.sub("", _ZH_FORM.sub("", simplified)).casefold()
    common = {"name": name, "traditional": traditional, "full_width": full_width, "legal_forms": legal_forms}
    pinyin = tuple(_pinyin_words(text))
    translated_words, translated = _translated_words(text)
    keys = [
        Key(script=HAN, words=(text,), sound="".join(pinyin), **common),
        Key(script=LATIN, words=pinyin, via_pinyin=True, **common),
    ]
    if translated:
        keys.append(Key(script=LATIN, words=translated_words, via_pinyin=True, translated=translated, **common))
    return tuple(key for key in keys if key.words and key.compact)


def _pinyin_words(text: str) -> list[str]:
    """Each run of characters as one word of pinyin syllables, other runs (letters, digits) as they are."""
    return [_pinyin(han) if han else other for han, other in _HAN_OR_OTHER.findall(text)]


def _pinyin(han: str) -> str:
    """The pinyin of a run of characters, cut into words the way pypinyin cuts them (so that a word's
    reading, 重庆 chongqing, holds) and each word converted once: converting is most of pypinyin's cost, and
    the words of company names (places, trades, the characters of brands) repeat."""
    return "".join(_word_pinyin(word) for word in pinyin_words.cut(han))


@lru_cache(maxsize=100_000)
def _word_pinyin(word: str) -> str:
    return "".join(lazy_pinyin(word))


def _translated_words(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The pinyin words with the glossary's words in English, and the words translated."""
    words, translated, start = [], [], 0
    for found in _GLOSSARY.finditer(text):
        words.extend(_pinyin_words(text[start : found.start()]))
        english = GLOSSARY_ZH_EN[found.group()]
        words.extend(english.split())
        translated.append((found.group(), english))
        start = found.end()
    words.extend(_pinyin_words(text[start:]))
    return tuple(words), tuple(translated)


@lru_cache(maxsize=20_000)
def readings(char: str) -> frozenset[str]:
    """Every pinyin reading of one character (a polyphone has several: 盛 sheng, cheng)."""
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def identifier_key(identifier: str) -> str:
    """An identifier as compared: half-width, upper case, without spaces, hyphens, dots or slashes."""
    return re.sub(r"[\s\-./]", "", unicodedata.normalize("NFKC", identifier)).upper()


def is_uscc(identifier: str) -> bool:
    """Whether an identifier has the shape of a unified social credit code (统一社会信用代码): 18 characters."""
    return re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}", identifier_key(identifier)) is not None
