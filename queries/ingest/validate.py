"""Validating rows: one pure function over one row, and the same rules over a whole frame at once.

:func:`validate_row` takes one row as the mapping read it (field → text) and the
:class:`~queries.ingest.rules.Rules`, and returns either the clean record (a dict of the table's
columns, coordinates in WGS84) or the list of :class:`Reason` why it cannot land. It is the
definition of a valid row, simple enough to read line by line and to drive with hypothesis.

:func:`validate_frame` applies the same rules to a whole frame with pandas, numpy and Arrow (a
million rows in seconds): numbers, dates and angles through the column readers of
:mod:`queries.ingest.values`, spelled-out values once per distinct text. It builds the records of
the valid rows and, for the others, a :class:`~queries.ingest.refusals.Refusal` per rule and field
broken, whose words are those :func:`validate_row` says (one template, :data:`MESSAGES`, filled by
Arrow for a column, by ``str.format`` for a row; a value's own words, such as "date 'soon' is not a
date Cordon reads", once per distinct text). A test checks that the two agree row for row, on the
verdict and the reasons.

The rules: required fields are present; every value reads as its type (numbers, dates, angles,
enumerations in codes or their Chinese or English spellings, known items, checkpoints and
hubs); a description (how it was concealed, how detected) is kept as written whatever it says, its
category derived where its words name one (:func:`derive_category`); numbers are in range
(quantity more than 0 and at most 10,000 t, value and capacity not negative, risk tier 1 to 3);
texts are within their length; dates are from 2000 and not in the future (Beijing time);
coordinates are in range and, converted to WGS84, inside the area of interest, with a hint when
latitude and longitude look swapped; a quantity has a unit; a seizure's form is known (from its
column, its item's name or the mapping's default).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from queries.constants import GEO_PRECISIONS, ITEM_BY_CODE
from queries.ingest.fields import (
    COORDINATES,
    DESCRIPTIONS,
    EARLIEST,
    MAX_QUANTITY_KG,
    NAMED_PRECISION,
    PHRASED,
    PLACE_NAMES,
    PLACED_BY_NAME,
    QUANTITY_FIELDS,
    Field,
)
from queries.ingest.files import Cancelled, as_text, never_stop
from queries.ingest.refusals import ARROW_TEXT, TEXT, Refusal, fill, texts, thousands
from queries.ingest.rules import Rules
from queries.ingest.values import (
    UNITS_KG,
    Bad,
    measures_many,
    normalise,
    numbers_many,
    parse_angle,
    parse_measure,
    parse_number,
    parse_when,
    split_point,
    when_many,
)

RULES = {
    "required": "a required field is empty",
    "unreadable": "a value cannot be read",
    "unknown": "a value is not one Cordon knows",
    "too_long": "a text is longer than its limit",
    "out_of_range": "a number is out of its range",
    "swapped": "latitude and longitude look swapped",
    "outside_area": "the point is outside the area of interest",
    "future": "the date is in the future",
    "too_early": "the date is before 2000",
    "no_unit": "a quantity has no unit",
    "no_form": "the form is not known",
    "ragged": "the row has more or fewer values than the header",
    "duplicate": "the same record is earlier in the file",
    "not_located": "the place is in no known country",
}
# The words of the rules whose reasons are not a value's own (see Bad): {slots} only, filled by
# str.format for one row and by refusals.fill for a column.
MESSAGES = {
    "required": "{label} is empty — every {record} record needs one",
    "no_quantity": "quantity is empty — every seizure needs one",
    "too_long": "{label} is {length} characters long, more than the {limit} allowed; shorten it",
    "out_of_range": "{label} {value} is out of range ({range}){hint}",
    "outside_area": ("the point (lon {lon}, lat {lat}) is outside the area of interest ({area}: China and its "
                     "neighbours' border strip){hint}"),
    "too_early": "{label} {value} is before 2000; Cordon keeps seizures from 2000 on",
    "future": "{label} {value} is in the future (now: {now} Beijing time)",
    "no_unit": ("{label} {value} has no unit; add a unit column (单位: t, kg, g), write it after the number (12 kg) "
                "or name it in the header (重量(千克))"),
    "no_form": ("the form of '{value}' is not given; add a form column (形态: ore, concentrate, oxide, metal…), name "
                "it in the item (锑精矿, 氧化镝) or set [defaults] form in a mapping"),
}
SWAPPED_HINT = " — latitude and longitude look swapped"
CRS_HINT = " — check the coordinates and their system (--crs)"
LAT_RANGE, LON_RANGE = "-90 to 90", "-180 to 180"
QUANTITY_RANGE = f"more than 0 and at most {MAX_QUANTITY_KG:,.0f} kg"
# Distinct unknown values of a column given a 'did you mean' (difflib over every spelling, about a
# millisecond each): the commonest; the others are told what is known without it.
SUGGESTIONS = 20
WHITESPACE = " \t\n\r\f\v\u00a0\u3000"
IDENT = re.compile(r"[a-z0-9_]+")
ENGLISH_WORD = re.compile(r"[a-z0-9]+")
PHRASE_WORDS = 4  # the most words an English spelling has ('random inspection' two, 'hidden in cargo' three)
GROUP_SEPARATORS = re.compile(r"[;；,，、/|\s]+")
# The columns of a clean record of each kind, in the order of its table.
RECORD_COLUMNS = {
    "seizures": ("source", "source_id", "occurred_at", "time_precision", "lon", "lat", "geo_precision", "channel",
                 "checkpoint_id", "hub_id", "item", "item_group", "form", "quantity_kg", "value_cny", "declared_as",
                 "concealment", "concealment_text", "detection", "detection_text", "agency", "destination_iso3",
                 "case_status", "source_ref"),
    "checkpoints": ("checkpoint_id", "name_zh", "name_en", "kind", "lon", "lat", "geo_precision", "counterpart",
                    "counterpart_iso3", "agency", "source"),
    "hubs": ("hub_id", "name_zh", "name_en", "kind", "activities", "item_groups", "lon", "lat", "geo_precision",
             "country_iso3", "licensed", "capacity_t_per_year", "risk_tier", "note", "source"),
}
GROUP_OF_ITEM = {code: item.group for code, item in ITEM_BY_CODE.items()}
NO_DEFAULT = frozenset({"form", *QUANTITY_FIELDS})
HASHED_ID = "sha1:"  # source ids made from a row's content start with this
# Columns are read by two threads: most of a column's work is in Arrow kernels, which release the GIL.
COLUMN_THREADS = 2


@dataclass(frozen=True)
class Reason:
    """Why a row cannot land: the rule (a key of :data:`RULES`), the field and words a person can act on."""

    rule: str
    field: str
    message: str


# ---------------------------------------------------------------------------------------------
# One value


def _present(text) -> str | None:
    """The text of a cell, or None when it is missing or blank."""
    if text is None:
        return None
    text = as_text(text)
    return text if text is not None and text.strip(WHITESPACE) else None


def suggestion(text: str, spellings: Mapping[str, str]) -> str | None:
    """The code of the spelling closest to ``text`` (difflib's ratio of at least 0.6 on the
    normalised texts), or None: what an unknown value probably means, for a person to confirm."""
    close = difflib.get_close_matches(normalise(text), list(spellings), n=1, cutoff=0.6)
    return spellings[close[0]] if close else None


def _closest(text: str, spellings: Mapping[str, str]) -> str:
    code = suggestion(text, spellings)
    return f" — did you mean {code}?" if code else ""


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


def _unknown(text: str, what: str, spellings: Mapping[str, str], codes) -> Bad:
    known = ", ".join(sorted(set(codes)))
    return Bad(f"{what} {text!r} is not one Cordon knows", "unknown",
               hint=lambda: _closest(text, spellings), tail=f" (known: {known})")


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
            raise _unknown(part, "item group", groups, set(groups.values()))
        if group not in found:
            found.append(group)
    return found


def _parse_reference(text: str, field: Field, rules: Rules) -> str:
    known = rules.checkpoints if field.type == "checkpoint" else rules.hubs
    code = _spelled(text, known, phrased=True)
    if code is None and not known:
        raise Bad(f"{rules.label(field.name)} {text!r}: the store has no {field.label}s yet; import them first "
                      f"(python -m queries ingest --kind {field.label}s) or leave the column empty", "unknown")
    if code is None:
        raise _unknown(text, rules.label(field.name), known, known.values())
    return code


def _parse_county(text: str, field: Field, rules: Rules) -> str:
    code = _spelled(text, rules.counties, phrased=False)
    if code is None:
        raise _unknown(text, rules.label(field.name), rules.counties, ["a county's six-digit code such as 451481"])
    return code


def parse_value(text: str, field: Field, rules: Rules):
    """The value of one present cell of ``field`` (a description's: its text and its category or None);
    raises :class:`Bad` naming the rule it breaks."""
    label = rules.label(field.name)
    kind = field.type
    if kind in ("text", "description"):
        text = text.strip(WHITESPACE)
        if len(text) > field.max_chars:
            raise Bad(MESSAGES["too_long"].format(label=label, length=f"{len(text):,}", limit=f"{field.max_chars:,}"),
                      "too_long")
        return (text, derive_category(text, rules.mapping.values[field.enum])) if kind == "description" else text
    if kind == "ident":
        ident = text.strip(WHITESPACE).lower()
        if not IDENT.fullmatch(ident):
            raise Bad(f"{label} {text!r} must be lowercase letters, digits and _ only (e.g. youyiguan)")
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
            raise _unknown(text, label, rules.mapping.values["country"], ["an ISO 3166 alpha-3 code such as VNM"])
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
            raise Bad(f"{label} {text!r} is not a whole number")
        if (field.low is not None and value < field.low) or (field.high is not None and value > field.high):
            raise Bad(MESSAGES["out_of_range"].format(label=label, value=text.strip(WHITESPACE), range=_range(field),
                                                      hint=""), "out_of_range")
        return int(value) if kind == "integer" else value
    if kind == "angle":
        return parse_angle(text, field.name)
    if kind == "when":
        return parse_when(text)
    if kind == "measure":
        return parse_measure(text, rules.mapping.units)
    raise ValueError(f"unknown field type {kind!r}")


def _range(field: Field) -> str:
    if field.high is None:
        return f"{field.low:g} or more"
    return f"{field.low:g} to {field.high:g}"


# ---------------------------------------------------------------------------------------------
# One row


def _default(field: Field, rules: Rules) -> str | None:
    """The mapping's default for a field its row leaves empty; a form's yields to the item's name
    (see _item), and quantities have none."""
    return None if field.name in NO_DEFAULT else rules.mapping.defaults.get(field.name)


def content_hash(texts: list[str | None]) -> str:
    """The source id of a row without one: a hash of its fields' texts (a changed row is a new one)."""
    joined = "\x1f".join((text or "").strip(WHITESPACE) for text in texts)
    return HASHED_ID + hashlib.sha1(joined.encode("utf-8")).hexdigest()[:20]


def _place(values: dict, texts: dict, reasons: list[Reason], rules: Rules) -> None:
    """Check lon/lat (in range, inside the area of interest once in WGS84) and convert them."""
    lon, lat = values.get("lon"), values.get("lat")
    if lon is None or lat is None:
        return
    hint = SWAPPED_HINT if rules.area.contains(lat, lon) else ""
    rule = "swapped" if hint else "out_of_range"
    if not -90 <= lat <= 90:
        reasons.append(Reason(rule, "lat", MESSAGES["out_of_range"].format(
            label=rules.label("lat"), value=texts["lat"], range=LAT_RANGE, hint=hint)))
    if not -180 <= lon <= 180:
        reasons.append(Reason(rule, "lon", MESSAGES["out_of_range"].format(
            label=rules.label("lon"), value=texts["lon"], range=LON_RANGE, hint=hint)))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return
    if rules.to_wgs84 is not None:
        converted = rules.to_wgs84(np.array([lon]), np.array([lat]))
        lon, lat = float(converted[0][0]), float(converted[1][0])
    if not rules.area.contains(lon, lat):
        reasons.append(Reason("swapped" if hint else "outside_area", "lon", MESSAGES["outside_area"].format(
            lon=texts["lon"], lat=texts["lat"], area=rules.area, hint=hint or CRS_HINT)))
    values["lon"], values["lat"] = lon, lat


def _named_precision(given: str | None, name: str) -> str:
    """What is known of the place of a record put on the place its ``name`` field gives: that
    place's precision (NAMED_PRECISION), or less if the row says so (GEO_PRECISIONS runs finest first)."""
    floor = NAMED_PRECISION[name]
    return given if given in GEO_PRECISIONS and GEO_PRECISIONS.index(given) > GEO_PRECISIONS.index(floor) else floor


def _place_by_name(values: dict, rules: Rules) -> bool:
    """Put a row without coordinates on the first known place it names; whether it was."""
    for name in PLACE_NAMES:
        point = rules.named_point(name, values[name]) if values.get(name) is not None else None
        if point is not None:
            values["lon"], values["lat"] = point
            values["geo_precision"] = _named_precision(values.get("geo_precision"), name)
            return True
    return False


def _when(values: dict, texts: dict, reasons: list[Reason], rules: Rules) -> None:
    if values.get("occurred_at") is None:
        return
    moment, precision = values["occurred_at"]
    values["occurred_at"] = moment
    values["time_precision"] = values.get("time_precision") or precision
    words = {"label": rules.label("occurred_at"), "value": texts["occurred_at"]}
    if moment < EARLIEST:
        reasons.append(Reason("too_early", "occurred_at", MESSAGES["too_early"].format(**words)))
    elif moment > rules.now:
        reasons.append(Reason("future", "occurred_at", MESSAGES["future"].format(**words, now=_now(rules))))


def _now(rules: Rules) -> str:
    return f"{rules.now:%Y-%m-%d %H:%M}"


def _quantity(raw: Mapping, values: dict, texts: dict, reasons: list[Reason], rules: Rules) -> None:
    """quantity_kg from the first quantity field the row gives, in its unit."""
    given = next((name for name in QUANTITY_FIELDS if _present(raw.get(name))), None)
    if given is None:
        reasons.append(Reason("required", "quantity", MESSAGES["no_quantity"]))
        return
    if values.get(given) is None:
        return  # unreadable: already a reason
    number, unit = values[given]
    unit = unit or rules.fields[given].unit or values.get("unit")
    words = {"label": rules.label(given), "value": texts[given]}
    if unit is None:
        if _present(raw.get("unit")) is None:
            reasons.append(Reason("no_unit", given, MESSAGES["no_unit"].format(**words)))
        return
    kg = number * UNITS_KG[unit]
    if not 0 < kg <= MAX_QUANTITY_KG:
        reasons.append(Reason("out_of_range", given, MESSAGES["out_of_range"].format(
            **words, range=QUANTITY_RANGE, hint="")))
    values["quantity_kg"] = kg


def _default_form(rules: Rules) -> str | None:
    """The form a mapping's [defaults] gives (a spelling), as its code."""
    default = rules.mapping.defaults.get("form")
    return rules.mapping.values["form"].get(normalise(default)) if default else None


def _item(raw: Mapping, values: dict, texts: dict, reasons: list[Reason], rules: Rules) -> None:
    if values.get("item") is None:
        return
    item, hint = values["item"]
    values["item"], values["item_group"] = item, ITEM_BY_CODE[item].group
    if values.get("form") is None and _present(raw.get("form")) is None:
        values["form"] = hint or _default_form(rules)
        if values["form"] is None:
            reasons.append(Reason("no_form", "form", MESSAGES["no_form"].format(value=texts["item"])))


def _required(name: str, rules: Rules) -> str:
    return MESSAGES["required"].format(label=rules.label(name), record=rules.kind[:-1])


def _split_row(raw: Mapping[str, object], rules: Rules) -> Mapping[str, object]:
    """``raw`` with the coordinates of its one-cell point (COORDINATES) as lon and lat, if it gives neither."""
    text = _present(raw.get(COORDINATES))
    if text is None or _present(raw.get("lon")) is not None or _present(raw.get("lat")) is not None:
        return raw
    lon, lat = split_point(text, rules.area)
    return {**raw, "lon": lon, "lat": lat}


def validate_row(raw: Mapping[str, object], rules: Rules) -> dict | list[Reason]:
    """The clean record of one row (field → text as the mapping read it), or why it cannot land.

    Pure: the result depends on ``raw`` and ``rules`` alone.
    """
    raw = _split_row(raw, rules)
    reasons: list[Reason] = []
    values: dict = {}
    texts: dict = {}  # the texts read, for the words of reasons
    named = (rules.kind == "seizures" and _present(raw.get("lon")) is None and _present(raw.get("lat")) is None
             and any(_present(raw.get(name)) is not None for name in PLACE_NAMES))
    deferred: list[Reason] = []  # a named place may stand in for these
    for name, field in rules.fields.items():
        text = _present(raw.get(name))
        text = text if text is not None else _default(field, rules)
        if text is None:
            if field.required:
                (deferred if named and name in PLACED_BY_NAME else reasons).append(Reason(
                    "required", name, _required(name, rules)))
            continue
        texts[name] = text.strip(WHITESPACE)
        try:
            values[name] = parse_value(text, field, rules)
        except Bad as bad:
            reasons.append(Reason(bad.rule, name, str(bad)))
    for name, column in DESCRIPTIONS.items():
        if name in rules.fields and name in values:
            values[column], values[name] = values[name]
    _place(values, texts, reasons, rules)
    if named and not _place_by_name(values, rules) and not any(r.field in PLACE_NAMES for r in reasons):
        reasons += deferred
    if rules.kind == "seizures":
        _when(values, texts, reasons, rules)
        _quantity(raw, values, texts, reasons, rules)
        _item(raw, values, texts, reasons, rules)
        values["checkpoint_id"], values["hub_id"] = values.get("checkpoint"), values.get("hub")
        values["source_id"] = values.get("source_id") or content_hash(
            [as_text(raw.get(name)) for name in rules.fields if name not in ("source", "source_id")])
    else:
        values["name_en"] = values.get("name_en") or values.get("name_zh")
    values["source"] = values.get("source") or rules.source
    if reasons:
        return reasons
    return {column: values.get(column) for column in RECORD_COLUMNS[rules.kind]}


# ---------------------------------------------------------------------------------------------
# A whole frame


def _texts(column: pd.Series) -> pd.Series:
    """A column as stripped text (typed values as :func:`as_text` writes them), NA where blank."""
    if not isinstance(column.dtype, pd.StringDtype) and column.dtype != ARROW_TEXT:
        column = column.map(as_text).astype("str")
    text = column.str.strip(WHITESPACE)
    return text.mask(text == "")


@dataclass
class _Column:
    """A field's column read: ``values`` (Series or array, aligned with the frame), the rows it
    refuses (``bad``: unreadable or against a rule, each row in one of ``refusals``), the rows that
    give it (``present``) and ``source``, the column read (defaults filled), for words."""

    values: object
    bad: np.ndarray
    present: np.ndarray
    source: pd.Series
    refusals: list[Refusal]

    def texts(self, positions: np.ndarray) -> pa.Array:
        """The texts of the rows at ``positions``, stripped, as a reason quotes them."""
        return texts(_texts(self.source.iloc[positions]))


def _spread(results: list, codes: np.ndarray) -> pd.Series:
    """``results[code]`` for each code: Arrow strings when every result is text (taken without a
    Python object a row), else objects."""
    if all(value is None or isinstance(value, str) for value in results):
        return pd.Series(pd.array(results, dtype=ARROW_TEXT).take(codes))
    looked_up = np.empty(len(results), dtype=object)
    looked_up[:] = results
    return pd.Series(looked_up[codes], dtype=object)


def _own_words(name: str, codes: np.ndarray, failures: dict[int, Bad]) -> list[Refusal]:
    """The refusals of rows whose value its parser refused: ``codes`` gives each row's distinct value
    (-1: none), ``failures`` the :class:`Bad` of each value refused. One refusal per rule; a row's
    words are its value's, written once per value (with the hint for the SUGGESTIONS commonest)."""
    if not failures:
        return []
    size = max(int(codes.max()), *failures) + 2  # the last stands for code -1
    failed = np.fromiter(failures, dtype=np.int64)
    counts = np.bincount(codes[codes >= 0], minlength=size)[failed]
    hinted = set(failed[np.argsort(-counts, kind="stable")[:SUGGESTIONS]].tolist())
    words = pa.array([failures[code].words(hinted=code in hinted) if code in failures else None
                      for code in range(size)], TEXT)
    rules = sorted({bad.rule for bad in failures.values()})
    rule_of = np.full(size, -1)
    for code, bad in failures.items():
        rule_of[code] = rules.index(bad.rule)
    row_rule = rule_of[codes]
    return [Refusal(rule, name, row_rule == i, lambda positions: words.take(pa.array(codes[positions])))
            for i, rule in enumerate(rules)]


def _refused_values(name: str, source: pd.Series, rows: np.ndarray, parse, known: dict) -> list[Refusal]:
    """The refusals of the ``rows`` (a mask) whose text a column reader could not read, in the words
    of ``parse``, the one-value parser: the :class:`Bad` the reader kept (``known``: text → Bad), else
    asked once per distinct text."""
    positions = np.flatnonzero(rows)
    if not len(positions):
        return []
    local, uniques = pd.factorize(_texts(source.iloc[positions]))
    failures = {}
    for i, text in enumerate(uniques):
        if text in known:
            failures[i] = known[text]
            continue
        try:
            parse(text)
        except Bad as bad:
            failures[i] = bad
        else:  # the two readers disagree: a bug, never a user's mistake
            raise AssertionError(f"{name}: the value reader refused {text!r}, which the one-value parser reads; "
                                 f"please report this")
    codes = np.full(len(source), -1, dtype=np.int64)
    codes[positions] = local
    return _own_words(name, codes, failures)


def _distinct(name: str, column: pd.Series, parse, parts: int = 0) -> _Column:
    """``parse`` applied once per distinct text of a column (blank texts are missing). With
    ``parts``, ``parse`` returns that many values and ``values`` is a tuple of as many columns."""
    source = column
    if not isinstance(column.dtype, pd.StringDtype) and column.dtype != ARROW_TEXT:
        column = column.map(as_text)
    codes, uniques = pd.factorize(column)
    results, failures, blank = [], {}, np.ones(len(uniques) + 1, dtype=bool)
    for i, unique in enumerate(uniques):
        text = unique.strip(WHITESPACE)
        blank[i] = not text
        try:
            results.append(parse(text) if text else None)
        except Bad as bad:
            results.append(None)
            failures[i] = bad
    results.append(None)  # what code -1 (a missing cell) takes
    if parts:
        values = tuple(_spread([None if r is None else r[k] for r in results], codes) for k in range(parts))
    else:
        values = _spread(results, codes)
    refusals = _own_words(name, codes, failures)
    bad = np.zeros(len(codes), dtype=bool)
    for refusal in refusals:
        bad |= refusal.rows
    return _Column(values, bad, ~blank[codes], source, refusals)


def _out_of_range(values: np.ndarray, field: Field) -> np.ndarray:
    low = values < field.low if field.low is not None else np.zeros(len(values), dtype=bool)
    return low | (values > field.high if field.high is not None else False)


def _read_column(name: str, column: pd.Series, field: Field, rules: Rules) -> _Column:
    """The column of ``field`` read and checked (see :class:`_Column`)."""
    kind = field.type
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)

    def parse(text: str):
        return parse_value(text, field, rules)

    known: dict = {}  # text → Bad, as the column readers found them

    def column_of(values, unreadable: np.ndarray, present: np.ndarray, *others: Refusal) -> _Column:
        refusals = [*_refused_values(name, column, unreadable, parse, known), *others]
        bad = unreadable.copy()
        for refusal in others:
            bad |= refusal.rows
        return _Column(values, bad, present, column, refusals)

    if kind in ("number", "angle"):
        if numeric:
            values, unreadable = numbers_many(column, parse_number)
            present = ~np.isnan(values) | unreadable
        else:
            text = _texts(column)
            present = text.notna().to_numpy()
            label = rules.label(name)
            read = (lambda t: parse_angle(t, field.name)) if kind == "angle" else (lambda t: parse_number(t, label))
            values, unreadable = numbers_many(text, read, known)
        out = present & ~unreadable & _out_of_range(values, field)

        def out_of_range(positions: np.ndarray) -> pa.Array:
            return fill(MESSAGES["out_of_range"], label=rules.label(name), value=_texts_at(column, positions),
                        range=_range(field), hint="")

        return column_of(values, unreadable, present, Refusal("out_of_range", name, out, out_of_range))
    if kind == "measure" and numeric:
        values, units, unreadable = measures_many(column, rules.mapping.units)
        return column_of((values, units), unreadable, ~np.isnan(values) | unreadable)
    if kind == "when" and pd.api.types.is_datetime64_any_dtype(column):
        moments, precision, unreadable = when_many(column)
        return column_of((moments, precision), unreadable, moments.notna().to_numpy())
    if kind == "item":
        def item_hint_group(text: str) -> tuple[str, str | None, str]:
            item, hint = parse_item(text, rules)
            return item, hint, GROUP_OF_ITEM[item]

        return _distinct(name, column, item_hint_group, parts=3)
    if kind not in ("text", "description", "ident", "when", "measure"):
        return _distinct(name, column, parse)
    text = _texts(column)
    present = text.notna().to_numpy()
    if kind in ("text", "description"):
        lengths = text.str.len().fillna(0).to_numpy(dtype=np.int64)
        label, limit = rules.label(name), f"{field.max_chars:,}"

        def too_long(positions: np.ndarray) -> pa.Array:
            return fill(MESSAGES["too_long"], label=label, length=thousands(lengths[positions]), limit=limit)

        values = text
        if kind == "description":
            spellings = rules.mapping.values[field.enum]
            values = (text, _distinct(name, text, lambda t: derive_category(t, spellings)).values)
        return column_of(values, np.zeros(len(text), dtype=bool), present,
                         Refusal("too_long", name, lengths > field.max_chars, too_long))
    if kind == "ident":
        ident = text.str.lower()
        return column_of(ident, present & ~ident.str.fullmatch(IDENT.pattern).fillna(False).to_numpy(bool), present)
    if kind == "when":
        moments, precision, unreadable = when_many(text, known)
        return column_of((moments, precision), unreadable, present)
    values, units, unreadable = measures_many(text, rules.mapping.units, known)
    return column_of((values, units), unreadable, present)


def _texts_at(column: pd.Series, positions: np.ndarray) -> pa.Array:
    """The stripped texts of ``column`` at ``positions``."""
    return texts(_texts(column.iloc[positions]))


def _fill_default(column: pd.Series | None, field: Field, rules: Rules, length: int) -> pd.Series:
    """The field's column with the mapping's default in its blank cells (all default, or all blank,
    when the file has no such column)."""
    default = _default(field, rules)
    if column is None:
        return pd.Series(pc.fill_null(pa.nulls(length, pa.large_string()), default), dtype=ARROW_TEXT)
    if default is None:
        return column.reset_index(drop=True)
    return _texts(column).reset_index(drop=True).fillna(default)


def _hashed_ids(frame: pd.DataFrame, rows: np.ndarray, rules: Rules) -> pd.Series:
    """The content hashes (see content_hash) of the ``rows`` (a mask) of ``frame``, indexed by position."""
    names = [name for name in rules.fields if name not in ("source", "source_id")]
    positions = np.flatnonzero(rows)
    joined = pd.Series("", index=positions, dtype="str")
    for i, name in enumerate(names):
        part = _texts(frame[name].iloc[positions]).fillna("").to_numpy() if name in frame else ""
        joined = joined + ("\x1f" if i else "") + part
    return pd.Series([HASHED_ID + hashlib.sha1(text.encode("utf-8")).hexdigest()[:20] for text in joined],
                     index=positions, dtype="str")


def _given(frame: pd.DataFrame, name: str) -> np.ndarray:
    """The rows whose own cell of ``name`` is not blank (a mapping's default aside); in a typed column
    (numbers, dates: Parquet's) every value but a missing one, without writing each as text."""
    if name not in frame:
        return np.zeros(len(frame), dtype=bool)
    column = frame[name]
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return column.notna().to_numpy()
    return _texts(column).notna().to_numpy()


def _split_frame(frame: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """``frame`` with the one-cell points (COORDINATES) of the rows that give no lon and no lat
    split into those columns, each distinct text once (as _split_row does it for one row)."""
    if COORDINATES not in frame:
        return frame
    text = _texts(frame[COORDINATES])
    todo = text.notna().to_numpy() & ~_given(frame, "lon") & ~_given(frame, "lat")
    if not todo.any():
        return frame
    pairs = text[todo].map({t: split_point(t, rules.area) for t in pd.unique(text[todo])})
    frame = frame.copy()
    for i, name in enumerate(("lon", "lat")):
        column = frame[name].astype(object) if name in frame else pd.Series(None, index=frame.index, dtype=object)
        column[todo] = [pair[i] for pair in pairs]
        frame[name] = column
    return frame


def validate_frame(frame: pd.DataFrame, rules: Rules, should_stop=never_stop
                   ) -> tuple[pd.DataFrame, np.ndarray, list[Refusal]]:
    """The clean records of the valid rows of ``frame`` (mapped fields as columns), the mask of the
    rows refused and why (a :class:`Refusal` per rule and field broken, in the order
    :func:`validate_row` gives its reasons); the records keep the frame's positions as their index.
    ``should_stop`` is asked between columns (:class:`Cancelled` when it says so)."""
    frame = _split_frame(frame, rules)
    n = len(frame)
    pool = ThreadPoolExecutor(max_workers=COLUMN_THREADS)
    try:
        columns = pool.map(lambda item: _read_column(item[0], _fill_default(frame.get(item[0]), item[1], rules, n),
                                                     item[1], rules), rules.fields.items())
        read = {}
        for name, column in zip(rules.fields, columns):
            read[name] = column
            if should_stop():
                raise Cancelled(f"checking stopped after the column of {name}")
    finally:
        pool.shutdown(cancel_futures=True)
    out = pd.DataFrame({name: read[name].values for name, field in rules.fields.items() if field.type in (
        "text", "ident", "number", "angle", "enum", "country", "boolean", "integer", "groups")}, index=range(n))
    for name, column in DESCRIPTIONS.items():
        if name in rules.fields:
            out[column], out[name] = read[name].values
    # A seizure row without coordinates that names a place: its coordinates are asked for only if
    # no place it names is known and none of its names is refused (as validate_row defers them).
    named = np.zeros(n, dtype=bool)
    if rules.kind == "seizures":
        named = ~_given(frame, "lon") & ~_given(frame, "lat")
        named &= np.logical_or.reduce([_given(frame, name) for name in PLACE_NAMES])
    refusals, deferred = [], {}
    for name, field in rules.fields.items():
        missing = field.required & ~read[name].present
        if name in PLACED_BY_NAME:
            deferred[name], missing = missing & named, missing & ~named
        refusals += [Refusal("required", name, missing, _required(name, rules)), *read[name].refusals]
    refusals += _frame_place(out, read, rules)
    if rules.kind == "seizures":
        placed = _frame_place_by_name(out, read, named, rules)
        told = np.logical_or.reduce([read[name].bad for name in PLACE_NAMES])
        refusals += [Refusal("required", name, missing & ~placed & ~told, _required(name, rules))
                     for name, missing in deferred.items()]
        refusals += _frame_seizure(frame, out, read, rules)
    else:
        out["name_en"] = out["name_en"].fillna(out["name_zh"])
    out["source"] = out["source"].fillna(rules.source)
    bad = np.zeros(n, dtype=bool)
    for refusal in refusals:
        bad |= refusal.rows
    if rules.kind == "seizures":  # the rows that land without a source id are known by their content
        hashed = out["source_id"].isna().to_numpy() & ~bad
        if hashed.any():
            out.loc[hashed, "source_id"] = _hashed_ids(frame, hashed, rules)
    records = out.loc[~bad, list(RECORD_COLUMNS[rules.kind])]
    return records, bad, [refusal for refusal in refusals if refusal.rows.any()]


def _frame_place(out: pd.DataFrame, read: dict[str, _Column], rules: Rules) -> list[Refusal]:
    """Check lon/lat as _place does, for every row, and convert them; the refusals."""
    lon, lat = out["lon"].to_numpy(dtype=float), out["lat"].to_numpy(dtype=float)
    given = ~np.isnan(lon) & ~np.isnan(lat)
    swapped = given & rules.area.contains(lat, lon)
    lat_out, lon_out = given & ~(np.abs(lat) <= 90), given & ~(np.abs(lon) <= 180)
    in_range = given & ~lat_out & ~lon_out
    wlon, wlat = lon.copy(), lat.copy()
    if rules.to_wgs84 is not None and in_range.any():
        wlon[in_range], wlat[in_range] = rules.to_wgs84(lon[in_range], lat[in_range])
    out["lon"], out["lat"] = wlon, wlat
    outside = in_range & ~rules.area.contains(wlon, wlat)

    def range_words(name: str, bounds: str, hint: str):
        return lambda positions: fill(MESSAGES["out_of_range"], label=rules.label(name),
                                      value=read[name].texts(positions), range=bounds, hint=hint)

    def outside_words(hint: str):
        return lambda positions: fill(MESSAGES["outside_area"], lon=read["lon"].texts(positions),
                                      lat=read["lat"].texts(positions), area=str(rules.area), hint=hint)

    return [Refusal("swapped", "lat", lat_out & swapped, range_words("lat", LAT_RANGE, SWAPPED_HINT)),
            Refusal("out_of_range", "lat", lat_out & ~swapped, range_words("lat", LAT_RANGE, "")),
            Refusal("swapped", "lon", lon_out & swapped, range_words("lon", LON_RANGE, SWAPPED_HINT)),
            Refusal("out_of_range", "lon", lon_out & ~swapped, range_words("lon", LON_RANGE, "")),
            Refusal("swapped", "lon", outside & swapped, outside_words(SWAPPED_HINT)),
            Refusal("outside_area", "lon", outside & ~swapped, outside_words(CRS_HINT))]


def _frame_place_by_name(out: pd.DataFrame, read: dict[str, _Column], named: np.ndarray, rules: Rules) -> np.ndarray:
    """Put the ``named`` rows (no coordinates, a place name) on the first known place they name (see
    PLACE_NAMES); the mask of the rows so placed."""
    placed = np.zeros(len(out), dtype=bool)
    if not named.any():
        return placed
    lon, lat = out["lon"].to_numpy(dtype=float).copy(), out["lat"].to_numpy(dtype=float).copy()
    precision = out["geo_precision"].astype(object).to_numpy(copy=True)
    rank = {code: i for i, code in enumerate(GEO_PRECISIONS)}
    given_rank = pd.Series(precision).map(rank).to_numpy(dtype=float)
    for name in PLACE_NAMES:
        points = rules.checkpoint_points if name == "checkpoint" else rules.county_anchors
        codes = pd.Series(read[name].values, dtype=object)
        point_lon = codes.map({code: point[0] for code, point in points.items()}).to_numpy(dtype=float)
        point_lat = codes.map({code: point[1] for code, point in points.items()}).to_numpy(dtype=float)
        rows = named & ~placed & ~np.isnan(point_lon)
        lon[rows], lat[rows] = point_lon[rows], point_lat[rows]
        floor = NAMED_PRECISION[name]
        coarser = rows & (given_rank > rank[floor])  # NaN (no precision given) is never coarser
        precision[rows & ~coarser] = floor
        placed |= rows
    if placed.any():
        out["lon"], out["lat"] = lon, lat
        out["geo_precision"] = pd.Series(precision, index=out.index, dtype=object).astype(ARROW_TEXT)
    return placed


def _frame_seizure(frame: pd.DataFrame, out: pd.DataFrame, read: dict[str, _Column], rules: Rules) -> list[Refusal]:
    """A seizure's date, quantity, item and form, as _when, _quantity and _item check them; the refusals."""
    n = len(out)
    refusals = []
    moments, precision = read["occurred_at"].values
    out["occurred_at"] = moments.to_numpy(dtype="datetime64[us]")
    out["time_precision"] = out["time_precision"].fillna(precision.astype(ARROW_TEXT))
    dated = read["occurred_at"].present & ~read["occurred_at"].bad
    early = dated & (out["occurred_at"] < EARLIEST).to_numpy()
    future = dated & ~early & (out["occurred_at"] > rules.now).to_numpy()

    def date_words(rule: str):
        return lambda positions: fill(MESSAGES[rule], label=rules.label("occurred_at"),
                                      value=read["occurred_at"].texts(positions), now=_now(rules))

    refusals += [Refusal("too_early", "occurred_at", early, date_words("too_early")),
                 Refusal("future", "occurred_at", future, date_words("future"))]

    # quantity_kg: the first quantity field given, in its unit (its own, its header's, the unit column's)
    number, factor, chosen = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    column_unit = read["unit"].values
    unit_given = _given(frame, "unit")
    quantities = []

    def quantity_words(rule: str, name: str):
        extra = {"range": QUANTITY_RANGE, "hint": ""} if rule == "out_of_range" else {}
        return lambda positions: fill(MESSAGES[rule], label=rules.label(name), value=read[name].texts(positions),
                                      **extra)

    for name in QUANTITY_FIELDS:
        given = read[name].present & ~chosen
        values, units = read[name].values
        unit = units.fillna(rules.fields[name].unit) if rules.fields[name].unit else units
        unit = unit.astype(object).where(pd.notna(unit), column_unit.astype(object))
        number[given] = values[given]
        factor[given] = _looked_up(unit, UNITS_KG)[given]
        chosen |= given
        read_ok, kg = given & ~read[name].bad, number * factor
        quantities += [
            Refusal("no_unit", name, read_ok & np.isnan(factor) & ~unit_given, quantity_words("no_unit", name)),
            Refusal("out_of_range", name, read_ok & ~np.isnan(factor) & ~((kg > 0) & (kg <= MAX_QUANTITY_KG)),
                    quantity_words("out_of_range", name))]
    refusals += [Refusal("required", "quantity", ~chosen, MESSAGES["no_quantity"]), *quantities]
    out["quantity_kg"] = number * factor

    # item, its group and the form (its column, else the item's name, else the mapping's default)
    out["item"], hint, out["item_group"] = read["item"].values
    default_form = _default_form(rules)
    named = hint.fillna(default_form) if default_form else hint
    out["form"] = out["form"].where(read["form"].present, named)
    no_form = read["item"].present & ~read["item"].bad & ~_given(frame, "form") & named.isna().to_numpy()
    refusals.append(Refusal("no_form", "form", no_form, lambda positions: fill(
        MESSAGES["no_form"], value=read["item"].texts(positions))))

    out["checkpoint_id"] = read["checkpoint"].values
    out["hub_id"] = read["hub"].values
    return refusals


def _looked_up(values: pd.Series, table: dict) -> np.ndarray:
    """``table[value]`` for each value (NaN where none), looked up once per distinct value."""
    codes, uniques = pd.factorize(values)
    found = np.array([table.get(u, np.nan) for u in uniques] + [np.nan], dtype=float)
    return found[codes]
