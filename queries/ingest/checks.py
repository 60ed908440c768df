"""The rules of a valid record, in one place for both validators (``row_validator`` and ``frame_validator``).

The rules: required fields are present; every value reads as its type (numbers, dates, angles,
enumerations in codes or their Chinese or English spellings, known items, checkpoints and
hubs); a description (how it was concealed, how detected) is kept as written whatever it says, its
category derived where its words name one (``queries.ingest.parse.derive_category``); numbers are in range
(quantity more than 0 and at most 10,000 t, value and capacity not negative, risk tier 1 to 3);
texts are within their length; dates are from 2000 and not in the future (Beijing time);
coordinates are in range and, converted to WGS84, inside the area of interest, with a hint when
latitude and longitude look swapped; a quantity has a unit; a seizure's form is known (from its
column, its item's name or the mapping's default).

Here are their names (:data:`RULES`), their words (the catalogue's ``reason_*`` entries: one template, filled
by :func:`say` for one row and by :func:`say_many` with Arrow for a column, so that both validators say the
same, in the language of the rules), a clean
record's columns, :class:`Reason`, and the small look-ups both validators make.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pyarrow as pa

from queries.ingest.fields import MAX_QUANTITY_KG, PARTY_COLUMNS, QUANTITY_FIELDS, Area, Field
from queries.ingest.refusals import fill
from queries.ingest.rules import Rules
from queries.ingest.values import normalise
from queries.ingest.words import Words, said, words
from queries.labels import t

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
# The words of the rules whose reasons are not a value's own (see Bad) are the catalogue's reason_<key>
# entries ({slots} only): :func:`say` fills them for one row, :func:`say_many` for a column.
SWAPPED_HINT = words("reason_hint_swapped")
CRS_HINT = words("reason_hint_crs")
LAT_RANGE, LON_RANGE = words("reason_range_lat"), words("reason_range_lon")
QUANTITY_RANGE = words("reason_range_quantity", most=f"{MAX_QUANTITY_KG:,.0f}")
WHITESPACE = " \t\n\r\f\v\u00a0\u3000"
IDENT = re.compile(r"[a-z0-9_]+")
# The columns of a clean record of each kind, in the order of its table (a seizure's then carries the parties
# and case it names, which queries.parties writes).
RECORD_COLUMNS = {
    "seizures": ("source", "source_id", "occurred_at", "time_precision", "lon", "lat", "geo_precision", "channel",
                 "checkpoint_id", "hub_id", "item", "item_group", "form", "quantity_kg", "value_cny", "declared_as",
                 "concealment", "concealment_text", "detection", "detection_text", "agency", "destination_iso3",
                 "case_status", "source_ref", *PARTY_COLUMNS),
    "checkpoints": ("checkpoint_id", "name_zh", "name_en", "kind", "lon", "lat", "geo_precision", "counterpart",
                    "counterpart_iso3", "agency", "source"),
    "hubs": ("hub_id", "name_zh", "name_en", "kind", "activities", "item_groups", "lon", "lat", "geo_precision",
             "country_iso3", "licensed", "capacity_t_per_year", "risk_tier", "note", "source"),
}
NO_DEFAULT = frozenset({"form", *QUANTITY_FIELDS})
HASHED_ID = "sha1:"  # source ids made from a row's content start with this


@dataclass(frozen=True)
class Reason:
    """Why a row cannot land: the rule (a key of :data:`RULES`), the field and words a person can act on."""

    rule: str
    field: str
    message: str


def field_default(field: Field, rules: Rules) -> str | None:
    """The mapping's default for a field its row leaves empty; a form's yields to the item's name
    (see the validators' item checks), and quantities have none."""
    return None if field.name in NO_DEFAULT else rules.mapping.defaults.get(field.name)


def say(key: str, rules: Rules, /, **values) -> str:
    """The reason ``reason_<key>`` with ``values`` (texts, numbers, :class:`Words`) put in, in the rules' language."""
    return words(f"reason_{key}", **values).say(rules.lang)


def say_many(key: str, rules: Rules, /, **parts) -> pa.Array:
    """:func:`say` for many rows at once: each part a text, :class:`Words` or an Arrow array of texts, one per row."""
    return fill(t(f"reason_{key}", rules.lang), **{name: said(part, rules.lang) for name, part in parts.items()})


def range_words(field: Field) -> Words:
    if field.high is None:
        return words("reason_range_from", low=f"{field.low:g}")
    return words("reason_range_between", low=f"{field.low:g}", high=f"{field.high:g}")


def area_words(area: Area) -> Words:
    return words("reason_area", west=f"{area.lon_min:.2f}", east=f"{area.lon_max:.2f}", south=f"{area.lat_min:.2f}",
                 north=f"{area.lat_max:.2f}")


def now_words(rules: Rules) -> str:
    return f"{rules.now:%Y-%m-%d %H:%M}"


def required_words(name: str, rules: Rules) -> str:
    return say("required", rules, label=rules.label(name), record=words(f"reason_record_{rules.kind}"))


def default_form(rules: Rules) -> str | None:
    """The form a mapping's [defaults] gives (a spelling), as its code."""
    default = rules.mapping.defaults.get("form")
    return rules.mapping.values["form"].get(normalise(default)) if default else None


def content_hash(texts: list[str | None], party_texts: dict[str, str | None]) -> str:
    """The source id of a row without one: a hash of its fields' texts (a changed row is a new one), and of the
    party fields it gives (PARTY_COLUMNS: field → text), so that a row naming no party keeps the hash it had
    before there were party fields."""
    joined = "\x1f".join((text or "").strip(WHITESPACE) for text in texts)
    return hashed_id(joined + "".join(party_part(name, (text or "").strip(WHITESPACE))
                                      for name, text in party_texts.items()))


def party_part(name: str, text: str) -> str:
    """What a party field's stripped text adds to a row's content hash ("" for none)."""
    return f"\x1e{name}\x1f{text}" if text else ""


def hashed_id(joined: str) -> str:
    """The source id made from a row's fields' texts joined by \\x1f: HASHED_ID and 20 hex digits of their SHA-1."""
    return HASHED_ID + hashlib.sha1(joined.encode("utf-8")).hexdigest()[:20]
