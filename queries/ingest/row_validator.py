"""Validating one row: :func:`validate_row`, one pure function, the definition of a valid row.

It takes one row as the mapping read it (field → text) and the :class:`~queries.ingest.rules.Rules`,
and returns either the clean record (a dict of the table's columns, coordinates in WGS84) or the
list of :class:`~queries.ingest.checks.Reason` why it cannot land: simple enough to read line by
line and to drive with hypothesis. ``queries.ingest.frame_validator`` applies the same rules
(``queries.ingest.checks``) to a whole frame at once; a test checks that the two agree row for row.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from queries.constants import GEO_PRECISIONS, ITEM_BY_CODE
from queries.ingest.checks import (
    CRS_HINT,
    LAT_RANGE,
    LON_RANGE,
    QUANTITY_RANGE,
    RECORD_COLUMNS,
    SWAPPED_HINT,
    WHITESPACE,
    Reason,
    area_words,
    content_hash,
    default_form,
    field_default,
    now_words,
    required_words,
    say,
)
from queries.ingest.fields import (
    COORDINATES,
    DESCRIPTIONS,
    EARLIEST,
    MAX_QUANTITY_KG,
    NAMED_PRECISION,
    PARTY_COLUMNS,
    PLACE_NAMES,
    PLACED_BY_NAME,
    QUANTITY_FIELDS,
)
from queries.ingest.files import as_text
from queries.ingest.parse import parse_value
from queries.ingest.rules import Rules
from queries.ingest.values import UNITS_KG, Bad, split_point


def _present(text) -> str | None:
    """The text of a cell, or None when it is missing or blank."""
    if text is None:
        return None
    text = as_text(text)
    return text if text is not None and text.strip(WHITESPACE) else None


def _place(values: dict, texts: dict, reasons: list[Reason], rules: Rules) -> None:
    """Check lon/lat (in range, inside the area of interest once in WGS84) and convert them."""
    lon, lat = values.get("lon"), values.get("lat")
    if lon is None or lat is None:
        return
    hint = SWAPPED_HINT if rules.area.contains(lat, lon) else ""
    rule = "swapped" if hint else "out_of_range"
    if not -90 <= lat <= 90:
        reasons.append(Reason(rule, "lat", say("out_of_range", rules, label=rules.label("lat"), value=texts["lat"],
                                               range=LAT_RANGE, hint=hint)))
    if not -180 <= lon <= 180:
        reasons.append(Reason(rule, "lon", say("out_of_range", rules, label=rules.label("lon"), value=texts["lon"],
                                               range=LON_RANGE, hint=hint)))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return
    if rules.to_wgs84 is not None:
        converted = rules.to_wgs84(np.array([lon]), np.array([lat]))
        lon, lat = float(converted[0][0]), float(converted[1][0])
    if not rules.area.contains(lon, lat):
        reasons.append(Reason("swapped" if hint else "outside_area", "lon", say(
            "outside_area", rules, lon=texts["lon"], lat=texts["lat"], area=area_words(rules.area),
            hint=hint or CRS_HINT)))
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
        reasons.append(Reason("too_early", "occurred_at", say("too_early", rules, **words)))
    elif moment > rules.now:
        reasons.append(Reason("future", "occurred_at", say("future", rules, **words, now=now_words(rules))))


def _quantity(raw: Mapping, values: dict, texts: dict, reasons: list[Reason], rules: Rules) -> None:
    """quantity_kg from the first quantity field the row gives, in its unit."""
    given = next((name for name in QUANTITY_FIELDS if _present(raw.get(name))), None)
    if given is None:
        reasons.append(Reason("required", "quantity", say("no_quantity", rules)))
        return
    if values.get(given) is None:
        return  # unreadable: already a reason
    number, unit = values[given]
    unit = unit or rules.fields[given].unit or values.get("unit")
    words = {"label": rules.label(given), "value": texts[given]}
    if unit is None:
        if _present(raw.get("unit")) is None:
            reasons.append(Reason("no_unit", given, say("no_unit", rules, **words)))
        return
    kg = number * UNITS_KG[unit]
    if not 0 < kg <= MAX_QUANTITY_KG:
        reasons.append(Reason("out_of_range", given, say("out_of_range", rules, **words, range=QUANTITY_RANGE,
                                                         hint="")))
    values["quantity_kg"] = kg


def _item(raw: Mapping, values: dict, texts: dict, reasons: list[Reason], rules: Rules) -> None:
    if values.get("item") is None:
        return
    item, hint = values["item"]
    values["item"], values["item_group"] = item, ITEM_BY_CODE[item].group
    if values.get("form") is None and _present(raw.get("form")) is None:
        values["form"] = hint or default_form(rules)
        if values["form"] is None:
            reasons.append(Reason("no_form", "form", say("no_form", rules, value=texts["item"])))


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
        text = text if text is not None else field_default(field, rules)
        if text is None:
            if field.required:
                (deferred if named and name in PLACED_BY_NAME else reasons).append(Reason(
                    "required", name, required_words(name, rules)))
            continue
        texts[name] = text.strip(WHITESPACE)
        try:
            values[name] = parse_value(text, field, rules)
        except Bad as bad:
            reasons.append(Reason(bad.rule, name, bad.words(rules.lang)))
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
            [as_text(raw.get(name)) for name in rules.fields if name not in ("source", "source_id", *PARTY_COLUMNS)],
            {name: as_text(raw.get(name)) for name in PARTY_COLUMNS})
    else:
        values["name_en"] = values.get("name_en") or values.get("name_zh")
    values["source"] = values.get("source") or rules.source
    if reasons:
        return reasons
    return {column: values.get(column) for column in RECORD_COLUMNS[rules.kind]}
