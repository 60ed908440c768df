"""Reading one value: numbers, angles in decimal and degrees-minutes-seconds, dates, quantities and
units, in their Chinese and ISO spellings; the column readers agree with the one-value parsers."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.ingest import AREA_OF_INTEREST, load_mapping
from queries.ingest.values import (
    Bad,
    angles_many,
    measures_many,
    numbers_many,
    parse_angle,
    parse_measure,
    parse_number,
    parse_when,
    split_point,
    when_many,
)

UNITS = load_mapping().units


@pytest.mark.parametrize(("text", "value"), [("1200", 1200.0), (" -3.5 ", -3.5), ("1,234.5", 1234.5),
                                             ("1.2e3", 1200.0), ("１２", 12.0), (".5", 0.5)])
def test_numbers_in_the_usual_spellings(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["abc", "1,23", "nan", "inf", "1.2.3", "", "12 kg"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(Bad, match="is not a number"):
        parse_number(text)


@pytest.mark.parametrize(("text", "axis", "value"), [
    ("108.32", "lon", 108.32),
    ("108°19'12.5\"E", "lon", 108 + 19 / 60 + 12.5 / 3600),
    ("22°48′N", "lat", 22.8),
    ("北纬22°48′", "lat", 22.8),
    ("东经108度19分12.5秒", "lon", 108 + 19 / 60 + 12.5 / 3600),
    ("22°48′30″S", "lat", -(22 + 48 / 60 + 30 / 3600)),
    ("-22°48'", "lat", -22.8),
    ("W 77°", "lon", -77.0),
])
def test_angles_in_decimal_and_degrees_minutes_seconds(text, axis, value):
    assert parse_angle(text, axis) == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize(("text", "axis", "message"), [
    ("22°48′N", "lon", "latitude and longitude look swapped"),
    ("22°61′N", "lat", "minutes or seconds of 60"),
    ("N22°48′S", "lat", "names its hemisphere twice"),
    ("22,8", "lat", "neither decimal degrees"),
    ("north", "lat", "neither decimal degrees"),
])
def test_bad_angles_say_what_is_wrong(text, axis, message):
    with pytest.raises(Bad, match=message):
        parse_angle(text, axis)


@pytest.mark.parametrize(("text", "moment", "precision"), [
    ("2025年3月4日", datetime(2025, 3, 4), "day"),
    ("2025年3月4日 14:05", datetime(2025, 3, 4, 14, 5), "exact"),
    ("2025年3月4日14时05分30秒", datetime(2025, 3, 4, 14, 5, 30), "exact"),
    ("2025/3/4", datetime(2025, 3, 4), "day"),
    ("2025/3/4 9:05", datetime(2025, 3, 4, 9, 5), "exact"),
    ("2025-03-04", datetime(2025, 3, 4), "day"),
    ("2025-03-04 14:05", datetime(2025, 3, 4, 14, 5), "exact"),
    ("2025-03-04T14:05:09", datetime(2025, 3, 4, 14, 5, 9), "exact"),
    ("2025.3.4", datetime(2025, 3, 4), "day"),
    ("20250304", datetime(2025, 3, 4), "day"),
    ("45720", datetime(2025, 3, 4), "day"),  # Excel's serial day number
    ("45720.5", datetime(2025, 3, 4, 12, 0), "exact"),
    ("2025年03月04日", datetime(2025, 3, 4), "day"),  # with leading zeros
    ("2025年03月04号", datetime(2025, 3, 4), "day"),
    ("２０２５年３月４日", datetime(2025, 3, 4), "day"),  # full-width digits
    ("2025.03.04", datetime(2025, 3, 4), "day"),  # dots
    ("2025.03.04 14:05", datetime(2025, 3, 4, 14, 5), "exact"),
    ("2025年3月", datetime(2025, 3, 1), "month"),
    ("2025-03", datetime(2025, 3, 1), "month"),
])
def test_dates_in_chinese_iso_compact_and_excel_forms(text, moment, precision):
    assert parse_when(text) == (moment, precision)


@pytest.mark.parametrize(("text", "message"), [("2025-02-30", "not a real date"), ("2025-03-04 25:00", "not a real"),
                                               ("yesterday", "is not a date Cordon reads"),
                                               ("1850-01-01", "has the year 1850")])
def test_bad_dates_say_what_is_wrong(text, message):
    with pytest.raises(Bad, match=message):
        parse_when(text)


@pytest.mark.parametrize(("text", "expected"), [("3", (3.0, None)), ("1.2吨", (1.2, "t")), ("500 kg", (500.0, "kg")),
                                                ("3公斤", (3.0, "kg")), ("800克", (800.0, "g")),
                                                ("2 tonnes", (2.0, "t")), ("12 千克", (12.0, "kg"))])
def test_quantities_with_units_after_the_number(text, expected):
    assert parse_measure(text, UNITS) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1.2 t", (1.2, "t")), ("3kg", (3.0, "kg")), ("800g", (800.0, "g")), ("6斤", (6.0, "jin")),
    ("6 市斤", (6.0, "jin")), ("1,200 kg", (1200.0, "kg")), ("１，２００千克", (1200.0, "kg")), ("１２吨", (12.0, "t")),
    ("1,234,567", (1234567.0, None)),
])
def test_units_full_width_digits_and_thousands_separators_in_the_quantity_cell(text, expected):
    assert parse_measure(text, UNITS) == expected


def test_an_unknown_unit_is_named():
    with pytest.raises(Bad, match="unknown unit '两'"):
        parse_measure("3两", UNITS)


@pytest.mark.parametrize(("text", "lon", "lat"), [
    ("106.74,22.53", "106.74", "22.53"),  # as a web map copies it
    ("22.53, 106.74", "106.74", "22.53"),  # the other order
    ("１０６.７４，２２.５３", "106.74", "22.53"),  # full-width
    ("106.74 22.53", "106.74", "22.53"),
    ("(22.53; 106.74)", "106.74", "22.53"),
    ("22°32′N 106°44′E", "106°44′E", "22°32′N"),
    ("106°44′E,22°32′N", "106°44′E", "22°32′N"),
])
def test_a_point_in_one_cell_is_split_in_whichever_order_lies_in_the_area_of_interest(text, lon, lat):
    assert split_point(text, AREA_OF_INTEREST) == (lon, lat)


@pytest.mark.parametrize(("text", "split"), [
    ("22,53", ("22", "53")),  # fits neither order: as written, for the validator to refuse
    ("-70.5,-33.4", ("-70.5", "-33.4")),
    ("106.74", ("106.74", None)),  # one number is no point
    ("1,2,3", ("1,2,3", None)),
])
def test_a_one_cell_point_that_fits_neither_order_comes_back_as_written(text, split):
    assert split_point(text, AREA_OF_INTEREST) == split


def test_no_number_is_both_a_longitude_and_a_latitude_in_the_area_of_interest():
    assert AREA_OF_INTEREST.lon_min > AREA_OF_INTEREST.lat_max  # so the order of a pair is never ambiguous


def _one_by_one(parse, texts):
    values, bad = [], []
    for text in texts:
        try:
            values.append(parse(text))
            bad.append(False)
        except Bad:
            values.append(None)
            bad.append(True)
    return values, np.array(bad)


NUMBERISH = st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=32).map(str),
                      st.integers(-10**6, 10**6).map(str), st.text("0123456789.,-+eE °′″'\"NSEW北纬东经度分秒", max_size=12))


@settings(max_examples=60, deadline=None)
@given(st.lists(NUMBERISH, min_size=1, max_size=30))
def test_the_column_readers_agree_with_the_one_value_parsers_on_numbers_and_angles(texts):
    column = pd.Series(texts, dtype="str")
    for read, parse in ((lambda c: numbers_many(c, parse_number), parse_number),
                        (lambda c: angles_many(c, "lat"), lambda t: parse_angle(t, "lat"))):
        values, bad = read(column)
        expected, expected_bad = _one_by_one(parse, texts)
        blank = np.array([not t.strip() for t in texts])
        assert (bad == (expected_bad & ~blank)).all()
        for got, want, refused in zip(values, expected, expected_bad):
            assert np.isnan(got) if refused else got == want


DATEISH = st.one_of(
    st.datetimes(datetime(1990, 1, 1), datetime(2030, 1, 1)).map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    st.datetimes(datetime(1990, 1, 1), datetime(2030, 1, 1)).map(lambda d: f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"),
    st.datetimes(datetime(1990, 1, 1), datetime(2030, 1, 1)).map(lambda d: f"{d.year}/{d.month}/{d.day}"),
    st.dates().map(lambda d: d.strftime("%Y%m%d")),
    st.text("0123456789-/年月日: T.", max_size=20),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(DATEISH, min_size=1, max_size=30))
def test_the_column_reader_agrees_with_the_one_value_parser_on_dates(texts):
    moments, precision, bad = when_many(pd.Series(texts, dtype="str"))
    expected, expected_bad = _one_by_one(parse_when, texts)
    blank = np.array([not t.strip() for t in texts])
    assert (bad == (expected_bad & ~blank)).all()
    for i, want in enumerate(expected):
        if want is not None:
            assert (moments[i].to_pydatetime(), precision[i]) == want


def test_the_column_reader_of_quantities_keeps_the_units():
    values, units, bad = measures_many(pd.Series(["3", "1.2吨", "800克", "x", None], dtype="str"), UNITS)
    assert values[:3].tolist() == [3.0, 1.2, 800.0]
    assert pd.isna(units[0]) and units[1:3].tolist() == ["t", "g"]
    assert bad.tolist() == [False, False, False, True, False]
