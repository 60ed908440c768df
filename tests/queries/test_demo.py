"""The demo generator: reproducible, on land on the right side of the border, plausible, marked synthetic."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from geodata.demo_geography import demo_geography
from geodata.locate import distance_to_boundary_km, locate
from queries import constants
from queries.demo import SOURCE, SOURCE_REF, generate_seizures
from queries.store import Store, run

END = datetime(2026, 11, 20, 12, 0)


@pytest.fixture(scope="module")
def seizures() -> pd.DataFrame:
    return generate_seizures(demo_geography(), rows=6_000, seed=11, end=END)


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(seizures):
    again = generate_seizures(demo_geography(), rows=6_000, seed=11, end=END)
    pd.testing.assert_frame_equal(seizures, again)
    other = generate_seizures(demo_geography(), rows=6_000, seed=12, end=END)
    assert not np.allclose(other["lon"].to_numpy(), seizures["lon"].to_numpy())


def test_every_row_is_marked_synthetic(seizures):
    assert seizures["is_synthetic"].all()
    assert (seizures["source"] == SOURCE).all() and (seizures["source_ref"] == SOURCE_REF).all()
    assert seizures["source_id"].is_unique


def test_no_seizure_is_in_the_sea_or_outside_china(seizures):
    where = locate(seizures["lon"].to_numpy(), seizures["lat"].to_numpy())
    assert (where["country_iso3"] == "CHN").all(), where["country_iso3"].value_counts(dropna=False)
    assert (seizures["country_iso3"] == "CHN").all()


def test_admin_codes_are_derived_from_the_coordinates(seizures):
    where = locate(seizures["lon"].to_numpy(), seizures["lat"].to_numpy())
    assert (seizures["province_code"].to_numpy() == where["province_code"].to_numpy()).all()
    known_county = seizures["geo_precision"] != "province"
    assert (seizures.loc[known_county, "county_code"].fillna("-").to_numpy()
            == where.loc[known_county, "county_code"].fillna("-").to_numpy()).all()
    assert seizures.loc[~known_county, "county_code"].isna().all()


def test_trail_seizures_stay_within_a_few_km_of_the_boundary(seizures):
    trails = seizures[(seizures["channel"] == "unofficial_path") & (seizures["geo_precision"] == "point")]
    assert len(trails) > 500
    distance = distance_to_boundary_km(trails["lon"].to_numpy(), trails["lat"].to_numpy())
    assert np.quantile(distance, 0.99) < 5.0 and trails["zone_code"].notna().all()


def test_quantities_fit_the_channel(seizures):
    median = seizures.groupby("channel")["quantity_kg"].median()
    assert median["postal_express"] < 5 < median["unofficial_path"] < median["land_port"] < median["sea_port"]
    postal = seizures[seizures["channel"] == "postal_express"]
    assert not postal["form"].isin(["ore", "concentrate"]).any()
    assert postal["quantity_kg"].quantile(0.99) < 100
    ship = seizures[seizures["channel"] == "sea_port"]
    assert ship["quantity_kg"].median() > 1_000
    assert set(postal["item_group"]) <= {"Ga", "Ge", "REE_heavy", "REE_light", "In", "Te", "superhard", "Sb"}


def test_values_enumerations_and_times_are_valid(seizures):
    assert seizures["channel"].isin(constants.CHANNELS).all() and seizures["form"].isin(constants.FORMS).all()
    assert seizures["item"].isin(constants.ITEM_CODES).all() and seizures["agency"].isin(constants.AGENCIES).all()
    assert (seizures["occurred_at"] <= END).all() and (seizures["ingested_at"] >= seizures["occurred_at"]).all()
    assert (seizures["occurred_at"] >= "2022-12-26").all()  # the Monday of 2023-01-01's week
    day = seizures[seizures["time_precision"] == "day"]["occurred_at"]
    assert (day == day.dt.floor("D")).all()


def test_cases_rise_after_an_items_control_takes_effect(seizures):
    antimony = seizures[seizures["item"] == "antimony"]
    before = (antimony["occurred_at"] < "2024-09-15").sum() / 623  # days from 2023-01-01
    after = (antimony["occurred_at"] >= "2024-09-15").sum() / 797  # days to 2026-11-20
    assert after > 1.8 * before


def test_the_planted_patterns_are_there(seizures):
    units = demo_geography().admin_units.set_index("name_zh")["code"]
    yearly = seizures.assign(year=seizures["occurred_at"].dt.year)
    napo = yearly[yearly["county_code"] == units["那坡县"]].groupby("year").size()
    hekou = yearly[(yearly["county_code"] == units["河口瑶族自治县"]) & (yearly["channel"] == "unofficial_path")]
    hekou = hekou.groupby("year").size()
    assert napo.get(2026, 0) > 3 * napo.get(2025, 0)  # the corridor emerges in 2026
    assert hekou.get(2023, 0) > 3 * hekou.get(2025, 0)  # the Hekou trail fades


def test_seed_writes_reference_tables_and_replaces_only_synthetic_rows(tmp_path):
    from queries.seed import seed
    from tests.conftest import seizure_row

    store = Store(tmp_path / "s.duckdb")
    assert seed(store, demo_geography(), rows=300, seed=1, end=END) == 300
    with store.writing() as con:
        con.register("incoming", seizure_row(source="customs-post", source_id="real-1", is_synthetic=False))
        con.execute("INSERT INTO seizures BY NAME SELECT * FROM incoming")
    assert seed(store, demo_geography(), rows=200, seed=2, end=END) == 200
    with store.reading() as con:
        counts = run(con, "status_tables").set_index("table_name")["rows"]
        real = con.execute("SELECT count(*) FROM seizures WHERE NOT is_synthetic").fetchone()[0]
    assert counts["seizures"] == 201 and real == 1
    assert counts["checkpoints"] == 21 and counts["processing_hubs"] == 17 and counts["controlled_items"] == 23
    assert counts["admin_units"] > 200


def test_the_words_of_how_it_was_concealed_and_detected_name_the_row_s_category(seizures):
    from queries.ingest import load_mapping
    from queries.ingest.parse import derive_category

    spellings = load_mapping().values
    for name in ("concealment", "detection"):
        words = seizures[f"{name}_text"]
        given = words.notna()
        assert 0.8 < given.mean() < 1.0  # some posts leave them out
        derived = {text: derive_category(text, spellings[name]) for text in words[given].unique()}
        assert (words[given].map(derived) == seizures.loc[given, name]).all()
        english = words[given].str.isascii()
        assert 0.03 < english.mean() < 0.2 and words[given].str.contains("[\u4e00-\u9fff]").sum() > 0
