"""The view queries: every filter selects exactly the rows it says, drill-downs add up, payloads are bounded."""

from __future__ import annotations

import re
from datetime import datetime

import h3.api.basic_int as h3int
import numpy as np
import pandas as pd
import pytest

from queries import views
from queries.filters import FILTERS, Filters, Focus, period_bounds
from queries.store import MACROS_DIR, QUERY_FILES
from queries.stores import open_store


@pytest.fixture(scope="module")
def con(seeded_either):
    with open_store(seeded_either).reading() as connection:
        yield connection


@pytest.fixture(scope="module")
def rows(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM seizures").df()


def count(con, filters: Filters, focus: Focus | None = None) -> int:
    return int(views.summary(con, filters, focus)["seizures"])


def test_h3_parent_in_sql_matches_the_h3_library(con, rows):
    sample = rows["h3_cell"].astype("uint64").to_numpy()[:200]
    for resolution in (0, 3, 5, 6, 7, 9, 10):
        parents = con.execute("SELECT h3_parent(c, $r) AS p FROM (SELECT unnest($cells::UBIGINT[]) AS c)",
                              {"cells": sample.tolist(), "r": resolution}).df()["p"].tolist()
        assert parents == [h3int.cell_to_parent(int(cell), resolution) for cell in sample]


def test_every_stored_cell_is_the_cell_of_its_coordinates(rows):
    some = rows.sample(100, random_state=1)
    assert [h3int.latlng_to_cell(lat, lon, 10) for lat, lon in zip(some["lat"], some["lon"])] == some["h3_cell"].tolist()


def test_every_view_query_calls_the_filter_macro_the_one_way():
    """A query file passes the view's filters whole (``$filters``), never a list of its own."""
    code = {name: re.sub(r"--[^\n]*", "", path.read_text()) for name, path in QUERY_FILES.items()}
    users = [name for name, text in code.items() if "filtered_seizures" in text]
    assert len(users) >= 8
    for name in users:
        text = code[name]
        assert text.count("filtered_seizures(") == text.count("filtered_seizures($filters)") > 0, name


def test_the_macro_selects_each_declared_filter_on_its_column():
    macro = (MACROS_DIR / "filtered_seizures.sql").read_text()
    predicates = {f.name: re.search(rf"\(filters\)\.{f.name}\b.*", macro, re.DOTALL) for f in FILTERS}
    for f in FILTERS:
        assert predicates[f.name] and f.column in predicates[f.name].group(0).split("\n  AND")[0], f.name


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(), lambda r: r),
    (Filters(start=datetime(2025, 1, 1), end=datetime(2025, 7, 1)),
     lambda r: r[(r.occurred_at >= "2025-01-01") & (r.occurred_at < "2025-07-01")]),
    (Filters(item_groups=("Ga", "Ge")), lambda r: r[r.item_group.isin(["Ga", "Ge"])]),
    (Filters(items=("antimony",)), lambda r: r[r.item == "antimony"]),
    (Filters(channels=("postal_express",)), lambda r: r[r.channel == "postal_express"]),
    (Filters(zones=("any",)), lambda r: r[r.zone_code.notna()]),
    (Filters(zones=("451481",)), lambda r: r[r.zone_code == "451481"]),
    (Filters(provinces=("530000",)), lambda r: r[r.province_code == "530000"]),
    (Filters(counties=("450681",)), lambda r: r[r.county_code == "450681"]),
    (Filters(agencies=("postal", "border_defence")), lambda r: r[r.agency.isin(["postal", "border_defence"])]),
    (Filters(forms=("oxide",)), lambda r: r[r.form == "oxide"]),
    (Filters(destinations=("VNM", "MMR")), lambda r: r[r.destination_iso3.isin(["VNM", "MMR"])]),
    (Filters(case_statuses=("open",)), lambda r: r[r.case_status == "open"]),
    (Filters(destinations=("VNM",), case_statuses=("closed", "open")),
     lambda r: r[(r.destination_iso3 == "VNM") & r.case_status.isin(["closed", "open"])]),
    (Filters(min_kg=500.0), lambda r: r[r.quantity_kg >= 500]),
    (Filters(item_groups=("Sb",), channels=("land_port",), min_kg=100.0),
     lambda r: r[(r.item_group == "Sb") & (r.channel == "land_port") & (r.quantity_kg >= 100)]),
], ids=lambda value: None if callable(value) else "")
def test_each_filter_selects_exactly_the_matching_rows(con, rows, filters, expected):
    want = expected(rows)
    assert 0 < len(want) <= len(rows)
    assert count(con, filters) == len(want)
    listed = views.records(con, filters, limit=len(rows), offset=0)
    assert set(listed["seizure_id"]) == set(want["seizure_id"])


def test_text_search_is_case_insensitive_and_literal(con, rows):
    declared = rows["declared_as"].dropna()
    word = declared.iloc[0].split()[0]
    text = rows[["declared_as", "concealment", "concealment_text", "detection_text", "source", "source_id",
                 "source_ref"]].fillna("").agg("\n".join, axis=1)
    assert count(con, Filters(text=word.upper())) == text.str.lower().str.contains(word.lower(), regex=False).sum() > 0
    assert count(con, Filters(text="%")) == 0  # not a LIKE wildcard
    assert count(con, Filters(text="e_d")) == text.str.contains("e_d", regex=False).sum() > 0  # "_" is literal
    assert count(con, Filters(text="synthetic demo record")) == len(rows)
    for words in ("夹层", "X光", "Patrol"):  # how it was concealed or detected, as the post wrote it
        assert count(con, Filters(text=words)) == text.str.lower().str.contains(words.lower(), regex=False).sum() > 0


def test_the_previous_period_is_the_equal_period_just_before():
    now = datetime(2026, 11, 20, 12, 0)
    start, end = period_bounds("30d", now)
    previous = Filters(start=start, end=end, item_groups=("Ga",)).previous()
    assert previous.end == start and previous.end - previous.start == end - start
    assert previous.item_groups == ("Ga",)
    assert Filters().previous() is None


def test_drill_downs_add_up_to_what_the_map_shows(con):
    filters = Filters(start=datetime(2024, 1, 1), end=datetime(2026, 12, 1))
    for resolution in (4, 6):
        data = views.map_data(con, filters, hex_res=resolution, after=0)
        hexagons = data["hexagons"]
        assert int(hexagons["seizures"].sum()) + int(data["summary"]["coarse"]) == int(data["summary"]["seizures"])
        for _, cell in hexagons.head(3).iterrows():  # the busiest cells hold county-level records too
            focus = Focus("cell", format(int(cell["cell"]), "x"), resolution)
            found = views.drill_down(con, filters, focus, "month", limit=10_000)
            assert int(found["summary"]["seizures"]) == len(found["records"]) == int(cell["seizures"])
            assert int(found["mix"]["seizures"].sum()) == int(cell["seizures"])
            series = found["series"]
            assert int(series.loc[series["dimension"] == "channel", "seizures"].sum()) == int(cell["seizures"])
    checkpoint = data["checkpoints"].iloc[0]
    assert count(con, filters, Focus("checkpoint", checkpoint["checkpoint_id"])) == int(checkpoint["seizures"]) > 0
    hub = data["hubs"].iloc[0]
    assert count(con, filters, Focus("hub", hub["hub_id"])) == int(hub["seizures"]) > 0


def test_the_map_payload_is_bounded_and_new_records_come_first(con, rows):
    limits = views.MapLimits(points=100, hexagons=50, arcs=10)
    newest = int(views.summary(con, Filters())["newest_arrival"])
    data = views.map_data(con, Filters(), hex_res=7, after=newest - 5, limits=limits)
    points = data["points"]
    assert len(points) == 100 and int(data["summary"]["seizures"]) == len(rows)
    assert points["is_new"].tolist()[:5] == [True] * 5 and not points["is_new"].iloc[5:].any()
    assert len(data["hexagons"]) == 50 < int(data["hexagons"]["total_cells"].iloc[0])
    assert len(data["arcs"]) <= 10 and (data["arcs"]["destination_iso3"] != "CHN").all()
    again = views.map_data(con, Filters(), hex_res=7, after=newest - 5, limits=limits)
    assert again["points"]["seizure_id"].tolist() == points["seizure_id"].tolist()  # a stable sample


def test_a_write_that_began_first_but_committed_last_still_counts_as_new_on_the_lake(lake_store):
    """On a lake, ids are allocated when a write begins; the "new since the previous refresh" mark follows the
    order of commits: a refresh between two overlapping writes' commits counts the later commit as new at the
    next refresh, whatever its ids."""
    import threading

    from queries.seizures import insert_seizures
    from tests.conftest import seizure_row

    began, may_commit = threading.Event(), threading.Event()

    def slow_write() -> None:
        with lake_store.writing("seizures:slow") as write:
            insert_seizures(write, seizure_row(source="slow", source_id="S-1"))  # takes the lower id
            began.set()
            may_commit.wait(timeout=60)

    slow = threading.Thread(target=slow_write)
    slow.start()
    began.wait(timeout=60)
    with lake_store.writing("seizures:fast") as write:
        insert_seizures(write, seizure_row(source="fast", source_id="F-1"))
    with lake_store.reading() as read:
        mark = int(views.summary(read, Filters())["newest_arrival"])  # a refresh between the two commits
    may_commit.set()
    slow.join()
    with lake_store.reading() as read:
        ids = dict(read.execute("SELECT source, seizure_id FROM seizures").fetchall())
        now = views.summary(read, Filters(), after=mark)
        points = views.map_data(read, Filters(), hex_res=7, after=mark)["points"]
    assert ids["slow"] < ids["fast"]
    assert int(now["new_seizures"]) == 1
    assert points.loc[points["is_new"], "seizure_id"].tolist() == [ids["slow"]]


def test_zones_and_crossings_carry_the_previous_period(con, rows):
    filters = Filters(start=datetime(2026, 1, 1), end=datetime(2026, 7, 1))
    zones = views.zones(con, filters)
    assert len(zones) == 33
    previous = filters.previous()
    before = rows[(rows.occurred_at >= previous.start) & (rows.occurred_at < previous.end) & rows.zone_code.notna()]
    assert int(zones["previous_seizures"].sum()) == len(before)
    crossings = views.crossings(con, filters)
    assert crossings["seizures"].is_monotonic_decreasing and "previous_seizures" in crossings


@pytest.mark.parametrize(("days", "bucket"), [(30, "day"), (365, "week"), (1200, "month")])
def test_series_bucket_follows_the_length_of_the_period(days, bucket):
    end = datetime(2026, 6, 1)
    assert views.bucket_for(Filters(start=end - pd.Timedelta(days=days), end=end), None, None) == bucket
    with pytest.raises(ValueError, match="unknown time bucket"):
        views.series(None, Filters(), "hour")


def test_a_bad_focus_is_refused():
    for kind, key, resolution in (("cell", "zz", 5), ("cell", "86415bd57ffffff", None), ("seizure", "x", None),
                                  ("county", "1", None)):
        with pytest.raises(ValueError):
            Focus(kind, key, resolution)
    assert np.isclose(Focus("cell", "86415bd57ffffff", 6).params()["focus_cell"], 0x86415BD57FFFFFF)
