"""Tables and dates (issue 19, items 5 and 6): thousands separators in every table of figures, times
written to the precision a record knows, a calendar for a custom period and a date slider that spans
the chosen period's context rather than the whole record."""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.controls import slider_span
from dashboard.records_table import when_text
from dashboard.tables import NUMBER_FORMAT, number_formats
from queries import views
from queries.filters import Filters
from queries.stores import open_store
from tests.dashboard.test_app import APP, signed_in

MICROSECONDS_A_DAY = 86_400 * 1_000_000


def test_each_time_is_written_to_the_precision_its_record_knows():
    occurred = pd.Series(pd.to_datetime(["2026-12-06 14:32:10", "2026-12-06 00:00", "2026-11-30 00:00",
                                        "2026-12-01 00:00", None], format="mixed"))
    precision = pd.Series(["exact", "day", "week", "month", "day"])
    assert when_text(occurred, precision, "en").tolist() == ["2026-12-06 14:32", "2026-12-06", "2026 week 49",
                                                             "2026-12", ""]
    assert when_text(occurred, precision, "zh").tolist()[2] == "2026年第49周"


def test_quantities_get_thousands_separators_and_identifiers_and_words_do_not():
    frame = pd.DataFrame({"ID": [19999], "kg": [9685.0], "count": [3785442], "Previous": pd.array([None], "Int64"),
                          "name": ["Pingxiang"], "flag": [True]})
    formats = number_formats(frame)
    assert {column: config["type_config"]["format"] for column, config in formats.items()} == {
        "ID": "plain", "kg": NUMBER_FORMAT, "count": NUMBER_FORMAT, "Previous": NUMBER_FORMAT}


def test_the_slider_spans_the_periods_context_not_the_whole_record():
    first, last = date(2022, 12, 1), date(2026, 12, 6)
    start = date(2026, 9, 7)  # a 90-day window: half the slider, as much again before it
    assert slider_span(start, last, first, last) == (date(2026, 6, 9), last)
    assert slider_span(first, last, first, last) == (first, last)  # all records: all of it
    low, high = slider_span(date(2026, 12, 5), last, first, last)  # 24 h: a month around it
    assert (high - low).days == 31


@pytest.fixture
def app(seeded_db, monkeypatch):
    monkeypatch.setenv("CORDON_DB", str(seeded_db))
    test = AppTest.from_file(APP, default_timeout=120)
    test.query_params.update({"from": "2026-08-01", "to": "2026-10-29"})
    return signed_in(test)


def _column_formats(table) -> dict:
    return {name: column.get("type_config", {}).get("format")
            for name, column in json.loads(table.proto.columns).items()}


def test_the_records_table_separates_thousands_and_shows_times_at_their_precision(app, seeded_db):
    app.run()
    app.switch_page("screens/records.py").run()
    assert not app.exception
    table = next(frame for frame in app.dataframe if "ID" in frame.value.columns)
    formats = _column_formats(table)
    assert formats["kg"] == formats["Value (CNY)"] == NUMBER_FORMAT and formats["ID"] == "plain"
    with open_store(seeded_db).reading() as con:
        precision = con.execute("SELECT seizure_id, time_precision FROM seizures").df().set_index("seizure_id")
    shown = table.value.assign(precision=precision.loc[table.value["ID"], "time_precision"].to_numpy())
    assert set(shown["precision"]) >= {"exact", "day"}
    assert not shown.loc[shown["precision"] != "exact", "When"].str.contains(":").any()  # no made-up 00:00
    assert shown["Declared as"].notna().all()  # nothing written: an empty cell, not "None"
    assert shown.loc[shown["precision"] == "day", "When"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert shown.loc[shown["precision"] == "exact", "When"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()


def test_the_analysis_tables_separate_thousands(app):
    app.run()
    app.switch_page("screens/analysis.py").run()
    zones = next(frame for frame in app.dataframe if "Border zone" in frame.value.columns)
    assert _column_formats(zones)["kg"] == _column_formats(zones)["Value (CNY)"] == NUMBER_FORMAT


def test_a_custom_period_is_chosen_in_a_calendar_and_the_slider_follows(app, seeded_db):
    app.run()
    assert app.button_group(key="w_period").value == "custom"
    slider = app.slider(key="w_range")
    span_days = (slider.proto.max - slider.proto.min) / MICROSECONDS_A_DAY
    assert span_days < 365  # 90 days shown: the slider spans months around them, not the years of records
    app.date_input(key="w_dates").set_value((date(2026, 3, 1), date(2026, 3, 31))).run()
    assert not app.exception
    assert app.slider(key="w_range").value == (date(2026, 3, 1), date(2026, 3, 31))
    assert app.query_params["from"] == "2026-03-01" and app.query_params["to"] == "2026-03-31"
    with open_store(seeded_db).reading() as con:
        want = int(views.summary(con, Filters(start=datetime(2026, 3, 1), end=datetime(2026, 4, 1)))["seizures"])
    assert int(next(m.value for m in app.metric if m.label == "Seizures").replace(",", "")) == want


def test_all_records_span_the_whole_slider(app):
    app.query_params.clear()
    app.query_params["period"] = "all"
    app.run()
    slider = app.slider(key="w_range")
    assert (slider.proto.max - slider.proto.min) / MICROSECONDS_A_DAY > 365
    assert "w_dates" not in [widget.key for widget in app.date_input]  # the calendar is for Custom only


def test_a_clusters_first_and_last_records_are_shown_as_days():
    from dashboard.screens.clusters import cluster_table

    clusters = pd.DataFrame({"cluster": [0], "seizures": [12], "kg": [9685.4], "value_cny": [3785442.0],
                             "main_items": ["gallium"], "main_channels": ["Land port"],
                             "first_seen": pd.to_datetime(["2026-09-07 00:00"]),
                             "last_seen": pd.to_datetime(["2026-12-06 14:32"]), "zone_en": ["Napo"],
                             "zone_zh": ["那坡县"], "checkpoint_en": ["Longbang"], "checkpoint_zh": ["龙邦"],
                             "checkpoint_km": [3.21]})
    table = cluster_table(clusters, "en")
    assert table[["First seen", "Last seen"]].iloc[0].tolist() == ["2026-09-07", "2026-12-06"]
    assert number_formats(table)["#"]["type_config"]["format"] == "plain"
