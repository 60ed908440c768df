"""Reading one value: numbers, angles (decimal or degrees-minutes-seconds), dates, quantities.

Each parser exists twice over the same patterns: ``parse_*`` reads one text and raises
:class:`Bad` with a reason a person can act on; ``*_many`` reads a whole column at once and returns
the values with a mask of the entries it could not read (NaN/NaT there). The column readers take a
fast path over the usual spellings and hand every other distinct text to the one-value parser, so
both accept exactly the same texts with the same result (tests/queries/test_ingest_validate.py
checks it with hypothesis).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from queries.ingest.words import Words, words

# A plain decimal, as most files write numbers: the column readers' fast path.
PLAIN_DECIMAL = r"[+-]?[0-9]+(?:\.[0-9]+)?"
# Every number a file may hold: thousands separators and exponents too.
NUMBER = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

HEMISPHERES = {"n": "lat", "s": "lat", "e": "lon", "w": "lon", "北纬": "lat", "南纬": "lat", "东经": "lon", "西经": "lon"}
NEGATIVE_HEMISPHERES = {"s", "w", "南纬", "西经"}
_HEMISPHERE = r"北纬|南纬|东经|西经|[NSEWnsew]"
DMS = re.compile(
    rf"(?P<pre>{_HEMISPHERE})?\s*(?P<sign>[+-])?\s*"
    r"(?P<deg>[0-9]+(?:\.[0-9]+)?)\s*(?:°|度)\s*"
    r"(?:(?P<min>[0-9]+(?:\.[0-9]+)?)\s*(?:'|′|’|分)\s*)?"
    r"(?:(?P<sec>[0-9]+(?:\.[0-9]+)?)\s*(?:\"|″|”|''|′′|秒)\s*)?"
    rf"(?P<post>{_HEMISPHERE})?"
)

_TIME = r"(?:[ T]+(?P<hour>[0-9]{1,2})(?::|时|点)(?P<minute>[0-9]{1,2})(?:(?::|分)(?P<second>[0-9]{1,2})(?:\.[0-9]+)?秒?|分)?)?"
_CN_TIME = r"(?:\s*(?P<hour>[0-9]{1,2})(?::|时|点)(?P<minute>[0-9]{1,2})(?:(?::|分)(?P<second>[0-9]{1,2})秒?|分)?)?"
# Date spellings, tried in order: (pattern, precision without a time of day, a character every
# text it matches holds: the column reader tests it first, a cheap filter before the pattern).
DATE_PATTERNS = (
    (re.compile(rf"(?P<year>[0-9]{{4}})-(?P<month>[0-9]{{1,2}})-(?P<day>[0-9]{{1,2}}){_TIME}"), "day", "-"),
    (re.compile(rf"(?P<year>[0-9]{{4}})/(?P<month>[0-9]{{1,2}})/(?P<day>[0-9]{{1,2}}){_TIME}"), "day", "/"),
    (re.compile(rf"(?P<year>[0-9]{{4}})\.(?P<month>[0-9]{{1,2}})\.(?P<day>[0-9]{{1,2}}){_TIME}"), "day", "."),
    (re.compile(rf"(?P<year>[0-9]{{4}})年(?P<month>[0-9]{{1,2}})月(?P<day>[0-9]{{1,2}})[日号]?{_CN_TIME}"), "day", "年"),
    (re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})"), "day", ""),
    (re.compile(r"(?P<year>[0-9]{4})年(?P<month>[0-9]{1,2})月"), "month", "年"),
    (re.compile(r"(?P<year>[0-9]{4})[-/.](?P<month>[0-9]{1,2})"), "month", ""),
)
# Excel keeps dates as days since 1899-12-30; five-digit serials cover 1927 to 2173.
EXCEL_SERIAL = re.compile(r"(?P<days>[0-9]{5})(?:\.(?P<fraction>[0-9]+))?")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
YEARS = (1900, 2199)

UNITS_KG = {"t": 1000.0, "kg": 1.0, "g": 0.001, "jin": 0.5}  # 斤 (市斤): half a kilogram
VALUE_WORD = words("reason_word_value")  # what an unnamed number is called
MEASURE = re.compile(rf"(?P<number>{NUMBER.pattern})\s*(?P<unit>\D*)")


class Bad(ValueError):
    """A value that cannot be read or breaks a rule; its :class:`Words` say what was wrong, ``rule``
    which rule (a key of ``queries.ingest.checks.RULES``). A ``hint`` (a function giving Words or None:
    'did you mean', slow to find among many spellings) goes between the words and the ``known`` values."""

    def __init__(self, said: Words, rule: str = "unreadable", hint: Callable[[], Words | None] | None = None,
                 known: Words | None = None):
        super().__init__(said)
        self.rule, self.hint, self.known = rule, hint, known

    def __str__(self) -> str:
        return self.words()

    def words(self, lang: str = "en", hinted: bool = True) -> str:
        """What a person reads, in ``lang``; without the hint when ``hinted`` is False."""
        hint = self.hint() if hinted and self.hint else None
        return "".join(part.say(lang) for part in (self.args[0], hint, self.known) if part is not None)


def clean_text(text: str) -> str:
    """``text`` as the parsers read it: NFKC (full-width digits and brackets to ASCII), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def normalise(text: str) -> str:
    """The key under which headers and spelled-out values are compared: NFKC, case-folded, without
    spaces, underscores or hyphens (so 'Land port', 'land_port' and 'LAND-PORT' are one)."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text).casefold())


def parse_number(text: str, label: str | Words = VALUE_WORD) -> float:
    """A finite number: 1200, -3.5, 1,234.5, 1.2e3."""
    cleaned = clean_text(text)
    if not NUMBER.fullmatch(cleaned):
        raise Bad(words("reason_not_a_number", label=label, text=text))
    return float(cleaned.replace(",", ""))


def parse_angle(text: str, axis: str) -> float:
    """A longitude or latitude (``axis`` 'lon' or 'lat') in decimal degrees or as degrees, minutes
    and seconds with an optional hemisphere (108°19'12.5"E, 22°48′N, 北纬22°48′)."""
    label = words(f"reason_word_{axis}")
    cleaned = clean_text(text)
    if NUMBER.fullmatch(cleaned) and "," not in cleaned:
        return float(cleaned)
    match = DMS.fullmatch(cleaned)
    if not match:
        raise Bad(words("reason_angle_unreadable", label=label, text=text))
    hemispheres = [h for h in (match["pre"], match["post"]) if h]
    if len(hemispheres) > 1:
        raise Bad(words("reason_angle_two_hemispheres", label=label, text=text))
    minutes, seconds = float(match["min"] or 0), float(match["sec"] or 0)
    if minutes >= 60 or seconds >= 60:
        raise Bad(words("reason_angle_sixty", label=label, text=text))
    value = float(match["deg"]) + minutes / 60 + seconds / 3600
    if hemispheres:
        hemisphere = hemispheres[0].casefold()
        if HEMISPHERES[hemisphere] != axis:
            raise Bad(words("reason_angle_swapped", label=label, text=text, mark=hemispheres[0],
                            other=words(f"reason_word_{HEMISPHERES[hemisphere]}")), "swapped")
        if match["sign"] == "-":
            raise Bad(words("reason_angle_sign", label=label, text=text))
        if hemisphere in NEGATIVE_HEMISPHERES:
            value = -value
    elif match["sign"] == "-":
        value = -value
    return value


# The separators between the two coordinates of a point written in one cell, tried in turn (after
# NFKC, so full-width ，and ； are among them); whitespace only when it leaves exactly two parts.
POINT_SEPARATORS = re.compile(r"\s*[,;/|、]\s*")


def split_point(text: str, area) -> tuple[str, str | None]:
    """The longitude and latitude texts of a point written in one cell, in either order: '106.74,22.53'
    as a web map copies it, '22.53, 106.74', '22°32′N 106°44′E'. ``area`` (an object with
    ``contains(lon, lat)``, :class:`queries.ingest.fields.Area`) decides the order: the one that puts
    the point inside it. In the area of interest (lon from 72, lat up to 55.06) no number is both a
    longitude and a latitude, so the order is never ambiguous. A pair that fits neither order comes
    back as written (the validator refuses it as outside the area or unreadable); a cell that is not
    two parts comes back whole as the longitude, with no latitude."""
    cleaned = clean_text(text).strip("()[]{} ")
    parts = POINT_SEPARATORS.split(cleaned)
    if len(parts) != 2:
        parts = cleaned.split()
    if len(parts) != 2 or not all(parts):
        return cleaned, None
    first, second = parts
    for lon, lat in ((first, second), (second, first)):
        try:
            if area.contains(parse_angle(lon, "lon"), parse_angle(lat, "lat")).item():
                return lon, lat
        except Bad:
            continue
    return first, second


def parse_when(text: str) -> tuple[datetime, str]:
    """A date or time and how precisely it is known: ('exact' with a time of day, 'day', 'month')."""
    cleaned = clean_text(text)
    serial = EXCEL_SERIAL.fullmatch(cleaned)
    if serial:
        moment = (EXCEL_EPOCH + pd.to_timedelta(float(cleaned), unit="D")).round("s")
        return moment.to_pydatetime(), "day" if moment == moment.normalize() else "exact"
    for pattern, precision, _ in DATE_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if not match:
            continue
        parts = match.groupdict()
        timed = parts.get("hour") is not None
        if not YEARS[0] <= int(parts["year"]) <= YEARS[1]:
            raise Bad(words("reason_date_year", text=text, year=parts["year"], first=YEARS[0], last=YEARS[1]))
        try:
            moment = datetime(int(parts["year"]), int(parts["month"]), int(parts.get("day") or 1),
                              int(parts["hour"] or 0) if timed else 0, int(parts["minute"] or 0) if timed else 0,
                              int(parts.get("second") or 0) if timed else 0)
        except ValueError:
            raise Bad(words("reason_date_unreal", text=text)) from None
        return moment, "exact" if timed else precision
    raise Bad(words("reason_date_unreadable", text=text))


def parse_measure(text: str, units: dict[str, str]) -> tuple[float, str | None]:
    """A quantity with an optional unit after it ('1.2吨', '500 kg', '3'): the number and the unit
    code ('t', 'kg', 'g', 'jin', or None when the text names none); ``units`` maps spellings to codes."""
    cleaned = clean_text(text)
    match = MEASURE.fullmatch(cleaned)
    if not match:
        raise Bad(words("reason_quantity_unreadable", text=text))
    unit_text = match["unit"].strip()
    if not unit_text:
        return float(match["number"].replace(",", "")), None
    unit = units.get(normalise(unit_text))
    if unit is None:
        raise Bad(words("reason_quantity_unit", text=text, unit=unit_text))
    return float(match["number"].replace(",", "")), unit


def _strings(column: pd.Series) -> pd.Series:
    """The column as trimmed text, missing and empty cells as NA (typed columns pass unchanged)."""
    text = column.astype("string").str.strip()
    return text.mask(text == "")


def _fallback(column: pd.Series, todo: np.ndarray, parse: Callable[[str], object],
              failures: dict | None = None) -> tuple[dict, list]:
    """Parse each distinct text of ``column[todo]`` once: (text → value, texts that failed);
    ``failures``, when given, receives each text that failed with its :class:`Bad`."""
    values, failed = {}, {} if failures is None else failures
    for text in pd.unique(column[todo]):
        try:
            values[text] = parse(text)
        except Bad as bad:
            failed[text] = bad
    return values, list(failed)


def numbers_many(column: pd.Series, read: Callable[[str], float],
                 failures: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of a column (a numeric column as it is): the values (NaN where missing or unreadable)
    and the mask of unreadable entries; ``read`` is the one-value parser of what the fast path skips
    (``failures``: see _fallback)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.isfinite(values), values, np.nan), ~np.isfinite(values) & ~np.isnan(values)
    text = _strings(column)
    present = text.notna().to_numpy(copy=True)
    plain = text.str.fullmatch(PLAIN_DECIMAL).fillna(False).to_numpy(dtype=bool)
    values = np.full(len(text), np.nan)
    values[plain] = text[plain].astype(float).to_numpy()
    todo = present & ~plain
    if todo.any():
        parsed, failed = _fallback(text, todo, read, failures)
        values[todo] = text[todo].map(parsed).to_numpy(dtype=float, na_value=np.nan)
        return values, todo & text.isin(failed).to_numpy()
    return values, np.zeros(len(text), dtype=bool)


def angles_many(column: pd.Series, axis: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes or latitudes of a column, decimal or degrees-minutes-seconds (see parse_angle)."""
    return numbers_many(column, lambda text: parse_angle(text, axis))


def when_many(column: pd.Series, failures: dict | None = None) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Dates of a column: the moments (NaT where missing or unreadable), their precision, and the
    mask of unreadable entries. A typed datetime column is exact unless its time of day is midnight.
    (``failures``: see _fallback.)"""
    if pd.api.types.is_datetime64_any_dtype(column):
        moments = pd.Series(column.to_numpy(dtype="datetime64[us]"))
        precision = pd.Series(np.where(moments == moments.dt.normalize(), "day", "exact"), dtype=object)
        return moments, precision.where(moments.notna()), np.zeros(len(column), dtype=bool)
    text = _strings(column).reset_index(drop=True)
    moments = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    precision = pd.Series(None, index=text.index, dtype=object)
    todo = text.notna().to_numpy(copy=True)
    for pattern, undated_precision, marker in DATE_PATTERNS:
        if not todo.any():
            break
        candidates = todo.copy()
        if marker:
            candidates &= text.str.contains(marker, regex=False).fillna(False).to_numpy(dtype=bool)
        if not candidates.any():
            continue
        rows = np.flatnonzero(candidates)
        parts = pc.extract_regex(pa.array(text.iloc[rows], type=pa.large_string()), f"^(?:{pattern.pattern})$")
        found = parts.is_valid().to_numpy(zero_copy_only=False)
        if not found.any():
            continue
        numbers = {name: _group(parts, pattern, name) for name in ("year", "month", "day", "hour", "minute", "second")}
        numbers["day"] = np.where(np.isnan(numbers["day"]), 1.0, numbers["day"])  # a month's first day
        stamp = pd.to_datetime(pd.DataFrame({k: np.nan_to_num(v).astype(np.int64) for k, v in numbers.items()}),
                               errors="coerce").to_numpy(dtype="datetime64[us]")
        ok = found & ~np.isnat(stamp) & (numbers["year"] >= YEARS[0]) & (numbers["year"] <= YEARS[1])
        ok &= (np.nan_to_num(numbers["hour"]) < 24) & (np.nan_to_num(numbers["minute"]) < 60)
        ok &= np.nan_to_num(numbers["second"]) < 60
        index = rows[ok]
        moments.iloc[index] = stamp[ok]
        precision.iloc[index] = np.where(~np.isnan(numbers["hour"][ok]), "exact", undated_precision)
        todo[index] = False
    if todo.any():
        parsed, failed = _fallback(text, todo, parse_when, failures)
        rest = text[todo]
        moments[rest.index] = pd.to_datetime(rest.map({t: moment for t, (moment, _) in parsed.items()})).astype(
            "datetime64[us]")
        precision[rest.index] = rest.map({t: known for t, (_, known) in parsed.items()}).astype(object)
        return moments, precision, todo & text.isin(failed).to_numpy()
    return moments, precision, np.zeros(len(text), dtype=bool)


def _group(parts, pattern: re.Pattern, name: str) -> np.ndarray:
    """One named group of ``pc.extract_regex`` results as numbers: NaN where the row did not match,
    the group took no text or the pattern has no such group."""
    if name not in pattern.groupindex:
        return np.full(len(parts), np.nan)
    text = pc.struct_field(parts, name)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)
    return pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False).astype(float)


def measures_many(column: pd.Series, units: dict[str, str],
                  failures: dict | None = None) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """Quantities of a column (see parse_measure): numbers, unit codes (None where the text names
    none) and the mask of unreadable entries (``failures``: see _fallback)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values, bad = numbers_many(column, parse_number)
        return values, pd.Series(None, index=range(len(column)), dtype=object), bad
    text = _strings(column).reset_index(drop=True)
    values, bad = numbers_many(text, lambda t: parse_measure(t, units)[0], failures)
    unit = pd.Series(None, index=text.index, dtype=object)
    spelled = text.notna().to_numpy() & ~text.str.fullmatch(PLAIN_DECIMAL).fillna(False).to_numpy(dtype=bool) & ~bad
    if spelled.any():
        parsed, _ = _fallback(text, spelled, lambda t: parse_measure(t, units)[1])
        unit[spelled] = text[spelled].map(parsed)
    return values, unit, bad
