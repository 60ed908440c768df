"""Region scoping is enforced where the data is read: a scoped connection's view queries, drill-downs,
records and analyses never hold a row of another province or zone, whatever the filters ask for (the
URL-parameter attack); and every query file reads seizures only through filtered_seizures."""

from __future__ import annotations

import re
from datetime import datetime

import h3.api.basic_int as h3int
import pandas as pd
import pytest

from geodata.analysis_data import read_analysis_points
from queries import views
from queries.access import Scope
from queries.filters import Filters, Focus
from queries.store import MACROS_DIR, QUERY_FILES, Store, run
from queries.stores import open_store

ROOT = QUERY_FILES["view_summary"].parents[2]
GUANGXI, YUNNAN = "450000", "530000"
PINGXIANG, RUILI = "451481", "533102"  # border zones (county codes) in Guangxi and Yunnan
SCOPES = {
    "guangxi": Scope(provinces=(GUANGXI,)),
    "two zones": Scope(zones=(PINGXIANG, RUILI)),
    "yunnan and a guangxi zone": Scope(provinces=(YUNNAN,), zones=(PINGXIANG,)),
    "nothing": Scope(),
}
# What a crafted URL asks for: another province or zone, or everything.
ATTACKS = {
    "no filter": Filters(),
    "another province": Filters(provinces=(YUNNAN, "440000")),
    "another zone": Filters(zones=(RUILI, "450681")),
    "any zone, all time": Filters(zones=("any",), start=datetime(2000, 1, 1)),
}
# Parameters besides the filters that query files take: enough for each to return all it can.
EXTRA = {"hex_res": 6, "hex_limit": 100_000, "after": 0, "point_limit": 100_000, "sample_per_million": 1_000_000,
         "arc_limit": 100_000, "bucket": "month", "limit": 100_000, "offset": 0, "precise_only": False,
         "seizures": None, "parties": list(range(1, 100_000)),
         "status": None, "unseized": False,
         # typical_case_like: a pattern most seizures meet a part of (min_parts 1), so scoping is what differs
         "items": ["gallium", "germanium", "antimony"], "channels": ["border"],
         "route": ["province:450000"], "concealments": [], "words": ["ore"], "min_parts": 1}


@pytest.fixture(scope="module")
def store(seeded_either) -> Store:
    return open_store(seeded_either)


@pytest.fixture(scope="module")
def rows(store) -> pd.DataFrame:
    with store.reading() as con:
        return con.execute("SELECT * FROM seizures").df()


def visible(rows: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The rows a scope may see, computed in pandas."""
    return rows[rows["province_code"].isin(scope.provinces) | rows["zone_code"].isin(scope.zones)]


def selected(rows: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows the attack filters select (all of them are date- and area-only filters)."""
    keep = pd.Series(True, index=rows.index)
    if filters.provinces:
        keep &= rows["province_code"].isin(filters.provinces)
    if filters.zones:
        keep &= rows["zone_code"].notna() if "any" in filters.zones else rows["zone_code"].isin(filters.zones)
    if filters.start:
        keep &= rows["occurred_at"] >= filters.start
    return rows[keep]


def allowed_ids(rows: pd.DataFrame, scope: Scope, filters: Filters) -> set[int]:
    return set(selected(visible(rows, scope), filters)["seizure_id"])


def test_the_seeded_data_covers_both_sides_of_every_scope(rows):
    for scope in SCOPES.values():
        if scope != Scope():
            assert 0 < len(visible(rows, scope)) < len(rows)


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("scope_name", SCOPES)
def test_records_and_summary_hold_only_the_scopes_rows(store, rows, scope_name, attack):
    scope, filters = SCOPES[scope_name], ATTACKS[attack]
    want = allowed_ids(rows, scope, filters)
    with store.reading(scope=scope) as con:
        listed = views.records(con, filters, limit=len(rows), offset=0)
        assert set(listed["seizure_id"]) == want
        assert int(views.summary(con, filters)["seizures"]) == len(want)
        series = views.series(con, filters, "month")
        assert int(series.loc[series["dimension"] == "channel", "seizures"].sum()) == len(want)


@pytest.mark.parametrize("scope_name", SCOPES)
def test_the_map_counts_and_draws_only_the_scopes_rows(store, rows, scope_name):
    scope = SCOPES[scope_name]
    mine = visible(rows, scope)
    with store.reading(scope=scope) as con:
        data = views.map_data(con, ATTACKS["another province"], hex_res=6, after=0,
                              limits=views.MapLimits(points=10_000, hexagons=10_000, arcs=10_000))
    theirs = selected(mine, ATTACKS["another province"])
    assert int(data["summary"]["seizures"]) == len(theirs)
    assert set(data["points"]["seizure_id"]) <= set(mine["seizure_id"])
    assert int(data["hexagons"]["seizures"].sum()) + int(data["summary"]["coarse"]) == len(theirs)
    assert int(data["checkpoints"]["seizures"].sum()) == theirs["checkpoint_id"].notna().sum()
    assert int(data["hubs"]["seizures"].sum()) == theirs["hub_id"].notna().sum()
    abroad = theirs[theirs["destination_iso3"].notna() & (theirs["destination_iso3"] != "CHN")]
    assert int(data["arcs"]["seizures"].sum()) == len(abroad)


@pytest.mark.parametrize("scope_name", SCOPES)
def test_zones_and_crossings_count_only_the_scopes_rows(store, rows, scope_name):
    scope = SCOPES[scope_name]
    filters = Filters(start=datetime(2026, 1, 1), end=datetime(2026, 7, 1))
    with store.reading(scope=scope) as con:
        zones, crossings = views.zones(con, filters), views.crossings(con, filters)
    for period, column in ((filters, "seizures"), (filters.previous(), "previous_seizures")):
        mine = visible(rows, scope)
        mine = mine[(mine["occurred_at"] >= period.start) & (mine["occurred_at"] < period.end)]
        by_zone = mine["zone_code"].value_counts()
        assert zones.set_index("zone_code")[column].fillna(0).astype(int).to_dict() == {
            code: int(by_zone.get(code, 0)) for code in zones["zone_code"]}
        assert int(crossings[column].fillna(0).sum()) == mine["checkpoint_id"].notna().sum()


@pytest.mark.parametrize("scope_name", SCOPES)
def test_a_drill_down_into_another_region_finds_nothing(store, rows, scope_name):
    scope = SCOPES[scope_name]
    hidden = rows[~rows["seizure_id"].isin(visible(rows, scope)["seizure_id"])]
    precise = hidden[hidden["geo_precision"].isin(["point", "town"])]
    cells = precise["h3_cell"].map(lambda cell: h3int.cell_to_parent(int(cell), 8))
    seen_cells = set(visible(rows, scope)["h3_cell"].map(lambda cell: h3int.cell_to_parent(int(cell), 8)))
    cell = next(c for c in cells if c not in seen_cells)
    checkpoint = next(c for c in hidden["checkpoint_id"].dropna().unique()
                      if c not in set(visible(rows, scope)["checkpoint_id"].dropna()))
    foci = [Focus("seizure", str(hidden["seizure_id"].iloc[0])), Focus("cell", format(cell, "x"), 8),
            Focus("checkpoint", checkpoint)]
    with store.reading(scope=scope) as con:
        for focus in foci:
            found = views.drill_down(con, Filters(), focus, "month", limit=10_000)
            assert int(found["summary"]["seizures"]) == len(found["records"]) == len(found["mix"]) == 0, focus
            assert found["series"]["seizures"].sum() == 0, focus


def test_a_drill_down_into_the_scope_finds_its_record(store, rows):
    scope = SCOPES["guangxi"]
    seizure_id = int(visible(rows, scope)["seizure_id"].iloc[0])
    with store.reading(scope=scope) as con:
        found = views.drill_down(con, Filters(), Focus("seizure", str(seizure_id)), "month")
    assert found["records"]["seizure_id"].tolist() == [seizure_id]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("scope_name", SCOPES)
def test_the_analyses_read_only_the_scopes_points(store, rows, scope_name, attack):
    scope, filters = SCOPES[scope_name], ATTACKS[attack]
    want = selected(visible(rows, scope), filters)
    with store.reading(scope=scope) as con:
        data = read_analysis_points(con, filters)
    precise = want["geo_precision"].isin(["point", "town"])
    assert set(data.points["seizure_id"]) == set(want.loc[precise, "seizure_id"])
    assert data.left_out == int((~precise).sum())


def test_an_unscoped_connection_beside_a_scoped_one_still_reads_everything(store, rows):
    with store.reading(scope=SCOPES["nothing"]) as scoped, store.reading() as everything:
        assert int(views.summary(scoped, Filters())["seizures"]) == 0
        assert int(views.summary(everything, Filters())["seizures"]) == len(rows)
    with store.reading(scope=Scope(everything=True)) as con:
        assert int(views.summary(con, Filters())["seizures"]) == len(rows)


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as sorted text, sums rounded: DuckDB's parallel sums may differ in the last bits."""
    text = frame.assign(**{column: frame[column].round(6) for column in frame.select_dtypes("float")}).astype(str)
    return text.sort_values(list(text.columns)).reset_index(drop=True)


MACRO_USERS = sorted(name for name, path in QUERY_FILES.items() if "filtered_seizures(" in path.read_text())


@pytest.mark.parametrize("name", MACRO_USERS)
def test_every_query_through_the_macro_gives_a_scoped_reader_what_the_regions_filter_gives(store, name):
    """For every query file, present and future: a Guangxi scope reads what the Guangxi filter reads
    unscoped, two zones what those zones' filter reads, and asking for Yunnan reads what no row gives."""
    cases = [
        (SCOPES["guangxi"], Filters(), Filters(provinces=(GUANGXI,))),
        (SCOPES["two zones"], Filters(), Filters(zones=(PINGXIANG, RUILI))),
        (SCOPES["guangxi"], Filters(provinces=(YUNNAN,)), Filters(provinces=("000000",))),
    ]
    for scope, asked, same_as in cases:
        with store.reading(scope=scope) as con:
            scoped = run(con, name, {**asked.params(), **EXTRA})
        with store.reading() as con:
            expected = run(con, name, {**same_as.params(), **EXTRA})
        pd.testing.assert_frame_equal(_comparable(scoped), _comparable(expected), obj=f"{name} under {scope}")


# -- who reads the seizures table itself ----------------------------------------------------------

# Query files that read the seizures table other than through filtered_seizures, and why that is safe:
# none of them runs on a scoped connection. (Migrations, queries/sql/migrations, shape the table and
# are run only by a writer; they are not query files.)
DIRECT_READERS = {
    "insert_seizures": "write path (seed, feed, import): command line and admins only",
    "seizures_key_clash": "write path (seed, feed, import): the key check before insert_seizures",
    "delete_synthetic_seizures": "write path (seed): command line only",
    "ingest_match_seizures": "an import's write transaction: command line and admins only",
    "ingest_archive_seizures": "an import's write transaction: command line and admins only",
    "ingest_update_seizures": "an import's write transaction: command line and admins only",
    "seizure_ids_by_key": "write path (seed, import): the ids of the records whose parties are written",
    "screening_parties": "screening of stored parties (an import's write transaction, lists import, screen --stored): "
                         "command line and admins only",
    "status_seizures": "python -m queries status: command line only, whoever runs it holds the file",
    "status_tables": "python -m queries status: command line only, whoever runs it holds the file",
}
# Python that runs SQL on seizures itself: migration 003's step and the feed (writers, command line).
PYTHON_READERS = {"queries/cells.py", "queries/feed.py", "queries/store.py"}  # store.py: a docstring example


TABLE_SEIZURES = re.compile(r"(?i)\b(from|join|into|update|table)\s+(main\.)?seizures\b")


def reads_seizures(sql: str) -> bool:
    """Whether SQL text names the seizures table itself (comments and string literals aside)."""
    code = re.sub(r"'[^']*'", "''", re.sub(r"--[^\n]*", "", sql))
    return TABLE_SEIZURES.search(code) is not None


def test_the_detector_tells_the_table_from_the_macro_and_from_a_column():
    for sql in ("SELECT * FROM seizures AS s", "SELECT 1 FROM checkpoints c\nJOIN main.seizures s USING (x)",
                "UPDATE seizures SET x = 1", "SELECT (SELECT max(ingested_at) FROM  seizures) AS cutoff"):
        assert reads_seizures(sql), sql
    for sql in ("SELECT * FROM filtered_seizures($a) -- not FROM seizures\n", "SELECT 'FROM seizures' AS t",
                "SELECT count(*) AS seizures FROM v ORDER BY seizures DESC", "INSERT INTO seizure_history SELECT 1"):
        assert not reads_seizures(sql), sql


@pytest.mark.parametrize("name", sorted(QUERY_FILES))
def test_a_query_file_reads_seizures_only_through_the_macro_or_is_a_listed_exception(name):
    assert name in DIRECT_READERS or not reads_seizures(QUERY_FILES[name].read_text()), name


def test_the_exceptions_are_still_there_and_still_read_seizures():
    for name in DIRECT_READERS:
        assert reads_seizures(QUERY_FILES[name].read_text()), name


def test_among_the_macros_only_filtered_seizures_reads_seizures():
    assert [path.stem for path in sorted(MACROS_DIR.glob("*.sql")) if reads_seizures(path.read_text())] == [
        "filtered_seizures"]


def test_no_python_reads_seizures_except_the_listed_writers():
    found = set()
    for folder in ("queries", "geodata", "dashboard"):
        for path in (ROOT / folder).rglob("*.py"):
            if TABLE_SEIZURES.search(path.read_text(encoding="utf-8")):
                found.add(path.relative_to(ROOT).as_posix())
    assert found == PYTHON_READERS
