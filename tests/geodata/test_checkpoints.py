"""Checkpoints and hubs sit where their facts say they are."""

import csv
from pathlib import Path

import pandas as pd

from geodata.locate import locate
from geodata.reference import load_layer
from queries.constants import AGENCIES, CHECKPOINT_KINDS, GEO_PRECISIONS, HUB_KINDS

SOURCES = Path(__file__).resolve().parents[2] / "geodata" / "sources"


def _facts(name: str) -> pd.DataFrame:
    with open(SOURCES / name, encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return pd.DataFrame([r[: len(header)] for r in rows], columns=header)


def _same_county(layer_name, facts_name) -> bool:
    return isinstance(layer_name, str) and (layer_name.startswith(facts_name) or facts_name.startswith(layer_name))


def test_every_checkpoint_with_a_county_in_the_facts_falls_in_that_county():
    facts = _facts("crossings.csv").set_index("id")
    checkpoints = load_layer("checkpoints").set_index("id")
    named = facts[facts["county_zh"] != ""]
    assert len(named) >= 17
    for cid, row in named.iterrows():
        assert _same_county(checkpoints.at[cid, "county_zh"], row["county_zh"]), (cid, checkpoints.at[cid, "county_zh"])


def test_every_crossing_is_in_china_and_its_zone():
    checkpoints = load_layer("checkpoints")
    where = locate(checkpoints["lon"], checkpoints["lat"])
    assert (where["country_iso3"] == "CHN").all()
    crossings = checkpoints["kind"].str.startswith("land_port")
    assert checkpoints.loc[crossings, "zone_code"].notna().all()
    assert checkpoints.loc[crossings, "zone_code"].eq(checkpoints.loc[crossings, "county_code"]).all()


def test_locations_are_derived_from_coordinates():
    checkpoints = load_layer("checkpoints")
    where = locate(checkpoints["lon"], checkpoints["lat"])
    assert list(where["province_code"]) == list(checkpoints["province_code"])


def test_unconfirmed_rows_were_geocoded_with_a_precision():
    checkpoints = load_layer("checkpoints").set_index("id")
    for cid in ("longbang", "aidian", "jinshuihe", "shuikou", "mohan"):
        assert checkpoints.at[cid, "precision"] in ("point", "town", "county")
        assert "geocoded:" in checkpoints.at[cid, "source"]


def test_checkpoint_values_come_from_the_enumerations():
    checkpoints = load_layer("checkpoints")
    assert set(checkpoints["kind"]) <= set(CHECKPOINT_KINDS)
    assert set(checkpoints["precision"]) <= set(GEO_PRECISIONS)
    assert set(checkpoints["agency"]) <= set(AGENCIES)
    assert (checkpoints.loc[checkpoints["kind"] == "postal_hub", "agency"] == "postal").all()


def test_hubs_in_myanmar_are_in_mmr_and_the_others_in_their_province():
    facts = _facts("hubs.csv").set_index("id")
    hubs = load_layer("hubs").set_index("id")
    provinces = load_layer("provinces").set_index("code")
    for hid, row in facts.iterrows():
        if row["province"] == "Myanmar":
            assert hubs.at[hid, "country_iso3"] == "MMR"
        else:
            assert hubs.at[hid, "country_iso3"] == "CHN"
            assert provinces.at[hubs.at[hid, "province_code"], "name_en"] == row["province"]


def test_hub_kinds_keep_the_original_activities():
    hubs = load_layer("hubs").set_index("id")
    assert set(hubs["kind"]) <= set(HUB_KINDS)
    assert hubs.at["longnan_jx", "kind"] == "mine"
    assert hubs.at["longnan_jx", "activities"] == "mine_and_separation"
    assert hubs.at["ganzhou", "kind"] == "separation_plant"
