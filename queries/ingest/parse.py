"""One cell's value, read as its field's type, for both validators: the clean value, or :class:`Bad` naming the rule.

Spelled-out values (enumerations, items, item groups, countries, checkpoints, hubs, counties) are
read in codes or their Chinese or English spellings; a value no spelling matches is told the
closest one (:func:`suggestion`) and what is known. Numbers, dates, angles and quantities go through
:mod:`queries.ingest.values`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping

from queries.constants import ITEM_BY_CODE
from queries.ingest.checks import IDENT, WHITESPACE, range_words
from queries.ingest.fields import PHRASED, Field
from queries.ingest.rules import Rules
from queries.ingest.values import Bad, normalise, parse_angle, parse_measure, parse_number, parse_when
from queries.ingest.words import Words, code_words, codes_words, words
from queries.parties import BadIdentifier, read_id_number, read_phones, read_plate, read_uscc, says_none

ENGLISH_WORD = re.compile(r"[a-z0-9]+")
PHRASE_WORDS = 4  # the most words an English spelling has ('random inspection' two, 'hidden in cargo' three)
GROUP_SEPARATORS = re.compile(r"[;；,，、/|\s]+")
# A party's identifiers, read by queries.parties (its rules are the parties' own): the field type → the reader.
IDENTIFIERS = {"uscc": read_uscc, "phone": read_phones, "plate": read_plate, "id_number": read_id_number}
# The types of a party's cells: one that says there is none (无, 无牌, 不详, N/A …) is read as blank.
PARTY_TYPES = ("party", *IDENTIFIERS)


def suggestion(text: str, spellings: Mapping[str, str]) -> str | None:
    """The code of the spelling closest to ``text`` (difflib's ratio of at least 0.6 on the
    normalised texts), or None: what an unknown value probably means, for a person to confirm."""
    close = difflib.get_close_matches(normalise(text), list(spellings), n=1, cutoff=0.6)
    return spellings[close[0]] if close else None


def _closest(text: str, spellings: Mapping[str, str]) -> Words | None:
    code = suggestion(text, spellings)
    return words("reason_did_you_mean", code=lambda lang: code_words(code, lang)) if code else None


def _longest(held: list[tuple[int, str]]) -> str | None:
    """The code of the longest of the (length, code) spellings held, if no other code is as long."""
    if not held:
        return None
    longest = max(length for length, _ in held)
    codes = {code for length, code in held if length == longest}
    return codes.pop() if len(codes) == 1 else None


def _held_chinese(key: str, spellings: Mapping[str, str]) -> list[tuple[int, str]]:
    return [(len(s), code) for s, code in spellings.items() if not s.isascii() and s in key]


def _spelled(text: str, spellings: Mapping[str, str], phrased: bool) -> str | None:
    """The code ``text`` spells, or for a phrase the code of the longest (Chinese) spelling it holds."""
    key = normalise(text)
    if key in spellings:
        return spellings[key]
    return _longest(_held_chinese(key, spellings)) if phrased else None


def derive_category(text: str, spellings: Mapping[str, str]) -> str | None:
    """The category a description names, or None: the code it spells, else the code of the longest
    spelling it holds, a Chinese one of two characters or more anywhere (藏匿于货车驾驶室夹层: 夹层; 无
    alone is none, but 司机无法解释 is not) and an English one as whole words ('mixed with declared
    goods': mixed; 'nonetheless' holds no 'none')."""
    key = normalise(text)
    if key in spellings:
        return spellings[key]
    words = ENGLISH_WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    runs = {"".join(words[start:end]) for start in range(len(words))
            for end in range(start + 1, min(start + PHRASE_WORDS, len(words)) + 1)}
    chinese = [(length, code) for length, code in _held_chinese(key, spellings) if length > 1]
    return _longest(chinese + [(len(run), spellings[run]) for run in runs if run in spellings])


def _unknown(text: str, what: str | Words, spellings: Mapping[str, str], codes) -> Bad:
    """``codes``: the codes known, or Words that say what is."""
    known = codes if isinstance(codes, Words) else codes_words(codes)
    return Bad(words("reason_unknown", what=what, text=text), "unknown",
               hint=lambda: _closest(text, spellings), known=words("reason_known", known=known))


def parse_item(text: str, rules: Rules) -> tuple[str, str | None]:
    """(item code, the form its name states or None): 锑精矿 is (antimony, concentrate)."""
    items, forms = rules.mapping.values["item"], rules.mapping.values["form"]
    key = normalise(text)
    held = sorted((s for s in forms if (len(s) >= 3 or not s.isascii()) and s in key), key=len, reverse=True)
    hint = forms[held[0]] if held else None
    if key in items:
        return items[key], hint
    if held and key.replace(held[0], "", 1) in items:
        return items[key.replace(held[0], "", 1)], hint
    raise _unknown(text, rules.label("item"), items, ITEM_BY_CODE)


def _parse_groups(text: str, rules: Rules) -> list[str]:
    groups, items = rules.mapping.values["item_group"], rules.mapping.values["item"]
    found = []
    for part in GROUP_SEPARATORS.split(text.strip(WHITESPACE)):
        key = normalise(part)
        if not key:
            continue
        group = groups.get(key) or (ITEM_BY_CODE[items[key]].group if key in items else None)
        if group is None:
            raise _unknown(part, words("reason_word_item_group"), groups, set(groups.values()))
        if group not in found:
            found.append(group)
    return found


def _parse_reference(text: str, field: Field, rules: Rules) -> str:
    known = rules.checkpoints if field.type == "checkpoint" else rules.hubs
    code = _spelled(text, known, phrased=True)
    if code is None and not known:
        raise Bad(words("reason_no_places", label=rules.label(field.name), text=text, kind=f"{field.type}s"),
                  "unknown")
    if code is None:
        raise _unknown(text, rules.label(field.name), known, known.values())
    return code


def _parse_county(text: str, field: Field, rules: Rules) -> str:
    code = _spelled(text, rules.counties, phrased=False)
    if code is None:
        raise _unknown(text, rules.label(field.name), rules.counties, words("reason_known_county"))
    return code


def parse_value(text: str, field: Field, rules: Rules):
    """The value of one present cell of ``field`` (a description's: its text and its category or None);
    raises :class:`Bad` naming the rule it breaks."""
    label = rules.label(field.name)
    kind = field.type
    if kind in PARTY_TYPES and says_none(text):
        return None
    if kind in ("text", "description", "party"):
        text = text.strip(WHITESPACE)
        if len(text) > field.max_chars:
            raise Bad(words("reason_too_long", label=label, length=f"{len(text):,}", limit=f"{field.max_chars:,}"),
                      "too_long")
        return (text, derive_category(text, rules.mapping.values[field.enum])) if kind == "description" else text
    if kind == "ident":
        ident = text.strip(WHITESPACE).lower()
        if not IDENT.fullmatch(ident):
            raise Bad(words("reason_ident", label=label, text=text))
        return ident
    if kind in ("enum", "boolean", "unit"):
        spellings = rules.mapping.units if kind == "unit" else rules.mapping.values[field.enum or "boolean"]
        code = _spelled(text, spellings, phrased=field.enum in PHRASED)
        if code is None:
            raise _unknown(text, label, spellings, spellings.values())
        return code == "true" if kind == "boolean" else code
    if kind == "country":
        key = text.strip(WHITESPACE)
        if re.fullmatch(r"[A-Za-z]{3}", key):
            return key.upper()
        code = _spelled(key, rules.mapping.values["country"], phrased=False)
        if code is None:
            raise _unknown(text, label, rules.mapping.values["country"], words("reason_known_country"))
        return code
    if kind == "item":
        return parse_item(text, rules)
    if kind == "groups":
        return _parse_groups(text, rules)
    if kind in ("checkpoint", "hub"):
        return _parse_reference(text, field, rules)
    if kind == "county":
        return _parse_county(text, field, rules)
    if kind in ("number", "integer"):
        value = parse_number(text, label)
        if kind == "integer" and not value.is_integer():
            raise Bad(words("reason_not_whole", label=label, text=text))
        if (field.low is not None and value < field.low) or (field.high is not None and value > field.high):
            raise Bad(words("reason_out_of_range", label=label, value=text.strip(WHITESPACE), range=range_words(field),
                            hint=""), "out_of_range")
        return int(value) if kind == "integer" else value
    if kind == "angle":
        return parse_angle(text, field.name)
    if kind == "when":
        return parse_when(text)
    if kind == "measure":
        return parse_measure(text, rules.mapping.units)
    if kind in IDENTIFIERS:
        try:
            return IDENTIFIERS[kind](text.strip(WHITESPACE))
        except BadIdentifier as bad:
            raise Bad(words(f"reason_{kind}_{bad.problem}", label=label, text=text.strip(WHITESPACE),
                            expected=bad.expected or "")) from None
    raise ValueError(f"unknown field type {kind!r}")
