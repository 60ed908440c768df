"""Validating a whole frame: :func:`validate_frame`, the rules of ``queries.ingest.checks`` over every row at once.

It applies the rules :func:`~queries.ingest.row_validator.validate_row` defines to a whole frame with
pandas, numpy and Arrow (a million rows in seconds), each column read by ``queries.ingest.columns``.
It builds the records of the valid rows and, for the others, a
:class:`~queries.ingest.refusals.Refusal` per rule and field broken, whose words are those the row
validator says. A test checks that the two agree row for row, on the verdict and the reasons.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from queries.constants import GEO_PRECISIONS
from queries.ingest.checks import (
    CRS_HINT,
    LAT_RANGE,
    LON_RANGE,
    QUANTITY_RANGE,
    RECORD_COLUMNS,
    SWAPPED_HINT,
    area_words,
    default_form,
    hashed_id,
    now_words,
    party_part,
    required_words,
    say,
    say_many,
)
from queries.ingest.columns import Column, fill_default, read_column, stripped_texts
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
from queries.ingest.files import Cancelled, never_stop
from queries.ingest.parse import PARTY_TYPES
from queries.ingest.refusals import ARROW_TEXT, Refusal
from queries.ingest.rules import Rules
from queries.ingest.values import UNITS_KG, split_point

# Columns are read by two threads: most of a column's work is in Arrow kernels, which release the GIL.
COLUMN_THREADS = 2


def _hashed_ids(frame: pd.DataFrame, rows: np.ndarray, rules: Rules) -> pd.Series:
    """The content hashes (see checks.content_hash) of the ``rows`` (a mask) of ``frame``, indexed by position."""
    names = [name for name in rules.fields if name not in ("source", "source_id", *PARTY_COLUMNS)]
    positions = np.flatnonzero(rows)
    joined = pd.Series("", index=positions, dtype="str")
    for i, name in enumerate(names):
        part = stripped_texts(frame[name].iloc[positions]).fillna("").to_numpy() if name in frame else ""
        joined = joined + ("\x1f" if i else "") + part
    for name in PARTY_COLUMNS:
        if name in frame:
            joined = joined + stripped_texts(frame[name].iloc[positions]).fillna("").map(
                lambda text, name=name: party_part(name, text)).to_numpy()
    return pd.Series([hashed_id(text) for text in joined], index=positions, dtype="str")


def _given(frame: pd.DataFrame, name: str) -> np.ndarray:
    """The rows whose own cell of ``name`` is not blank (a mapping's default aside); in a typed column
    (numbers, dates: Parquet's) every value but a missing one, without writing each as text."""
    if name not in frame:
        return np.zeros(len(frame), dtype=bool)
    column = frame[name]
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return column.notna().to_numpy()
    return stripped_texts(column).notna().to_numpy()


def _split_frame(frame: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """``frame`` with the one-cell points (COORDINATES) of the rows that give no lon and no lat
    split into those columns, each distinct text once (as the row validator's _split_row does it for one row)."""
    if COORDINATES not in frame:
        return frame
    text = stripped_texts(frame[COORDINATES])
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
        columns = pool.map(lambda item: read_column(item[0], fill_default(frame.get(item[0]), item[1], rules, n),
                                                     item[1], rules), rules.fields.items())
        read = {}
        for name, column in zip(rules.fields, columns):
            read[name] = column
            if should_stop():
                raise Cancelled(f"checking stopped after the column of {name}")
    finally:
        pool.shutdown(cancel_futures=True)
    out = pd.DataFrame({name: read[name].values for name, field in rules.fields.items() if field.type in (
        "text", "ident", "number", "angle", "enum", "country", "boolean", "integer", "groups", *PARTY_TYPES)},
        index=range(n))
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
        refusals += [Refusal("required", name, missing, required_words(name, rules)), *read[name].refusals]
    refusals += _frame_place(out, read, rules)
    if rules.kind == "seizures":
        placed = _frame_place_by_name(out, read, named, rules)
        told = np.logical_or.reduce([read[name].bad for name in PLACE_NAMES])
        refusals += [Refusal("required", name, missing & ~placed & ~told, required_words(name, rules))
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


def _frame_place(out: pd.DataFrame, read: dict[str, Column], rules: Rules) -> list[Refusal]:
    """Check lon/lat as the row validator's _place does, for every row, and convert them; the refusals."""
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

    def range_words(name: str, bounds, hint):
        return lambda positions: say_many("out_of_range", rules, label=rules.label(name),
                                          value=read[name].texts(positions), range=bounds, hint=hint)

    def outside_words(hint):
        return lambda positions: say_many("outside_area", rules, lon=read["lon"].texts(positions),
                                          lat=read["lat"].texts(positions), area=area_words(rules.area), hint=hint)

    return [Refusal("swapped", "lat", lat_out & swapped, range_words("lat", LAT_RANGE, SWAPPED_HINT)),
            Refusal("out_of_range", "lat", lat_out & ~swapped, range_words("lat", LAT_RANGE, "")),
            Refusal("swapped", "lon", lon_out & swapped, range_words("lon", LON_RANGE, SWAPPED_HINT)),
            Refusal("out_of_range", "lon", lon_out & ~swapped, range_words("lon", LON_RANGE, "")),
            Refusal("swapped", "lon", outside & swapped, outside_words(SWAPPED_HINT)),
            Refusal("outside_area", "lon", outside & ~swapped, outside_words(CRS_HINT))]


def _frame_place_by_name(out: pd.DataFrame, read: dict[str, Column], named: np.ndarray, rules: Rules) -> np.ndarray:
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


def _frame_seizure(frame: pd.DataFrame, out: pd.DataFrame, read: dict[str, Column], rules: Rules) -> list[Refusal]:
    """A seizure's date, quantity, item and form, as the row validator's _when, _quantity and _item check them; the refusals."""
    n = len(out)
    refusals = []
    moments, precision = read["occurred_at"].values
    out["occurred_at"] = moments.to_numpy(dtype="datetime64[us]")
    out["time_precision"] = out["time_precision"].fillna(precision.astype(ARROW_TEXT))
    dated = read["occurred_at"].present & ~read["occurred_at"].bad
    early = dated & (out["occurred_at"] < EARLIEST).to_numpy()
    future = dated & ~early & (out["occurred_at"] > rules.now).to_numpy()

    def date_words(rule: str):
        return lambda positions: say_many(rule, rules, label=rules.label("occurred_at"),
                                          value=read["occurred_at"].texts(positions), now=now_words(rules))

    refusals += [Refusal("too_early", "occurred_at", early, date_words("too_early")),
                 Refusal("future", "occurred_at", future, date_words("future"))]

    # quantity_kg: the first quantity field given, in its unit (its own, its header's, the unit column's)
    number, factor, chosen = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    column_unit = read["unit"].values
    unit_given = _given(frame, "unit")
    quantities = []

    def quantity_words(rule: str, name: str):
        extra = {"range": QUANTITY_RANGE, "hint": ""} if rule == "out_of_range" else {}
        return lambda positions: say_many(rule, rules, label=rules.label(name), value=read[name].texts(positions),
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
    refusals += [Refusal("required", "quantity", ~chosen, say("no_quantity", rules)), *quantities]
    out["quantity_kg"] = number * factor

    # item, its group and the form (its column, else the item's name, else the mapping's default)
    out["item"], hint, out["item_group"] = read["item"].values
    mapped_form = default_form(rules)
    named = hint.fillna(mapped_form) if mapped_form else hint
    out["form"] = out["form"].where(read["form"].present, named)
    no_form = read["item"].present & ~read["item"].bad & ~_given(frame, "form") & named.isna().to_numpy()
    refusals.append(Refusal("no_form", "form", no_form, lambda positions: say_many(
        "no_form", rules, value=read["item"].texts(positions))))

    out["checkpoint_id"] = read["checkpoint"].values
    out["hub_id"] = read["hub"].values
    return refusals


def _looked_up(values: pd.Series, table: dict) -> np.ndarray:
    """``table[value]`` for each value (NaN where none), looked up once per distinct value."""
    codes, uniques = pd.factorize(values)
    found = np.array([table.get(u, np.nan) for u in uniques] + [np.nan], dtype=float)
    return found[codes]
