"""The demo's parties and cases (queries.demo_parties): the planted ring, listed-entity variant and double spelling
are in a seeded store where the analyses will look for them, everything is marked synthetic, and a seed gives the
same parties again."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from geodata.demo_geography import demo_geography
from queries.control_lists import entries_in_force, stored_entries
from queries.demo_parties import DOUBLE_SPELLING, LISTED_ENTRY, LISTED_VARIANT
from queries.screening import Screener
from queries.seed import seed
from queries.store import Store

END = datetime(2026, 11, 20, 12, 0)
ROWS, SEED = 2_000, 5
NAPO_COUNTY, SHENZHEN_HUB = "451026", "shenzhen_post"

LINKS = """SELECT l.seizure_id, l.role, l.written_as, p.party_id, p.kind, p.value, p.is_synthetic,
                  s.county_code, s.checkpoint_id, s.agency, s.source, CAST(s.occurred_at AS DATE) AS day
           FROM seizure_parties AS l JOIN parties AS p USING (party_id) JOIN seizures AS s USING (seizure_id)"""


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("demo-parties") / "cordon.duckdb")
    seed(store, demo_geography(), rows=ROWS, seed=SEED, end=END)
    return store


def read(store: Store, sql: str) -> pd.DataFrame:
    with store.reading() as con:
        return con.execute(sql).df()


def test_a_ring_shares_consignees_and_vehicles_across_the_napo_corridor_and_the_shenzhen_hub(store):
    links = read(store, LINKS)
    side = pd.Series(None, index=links.index, dtype=object)
    side[links["county_code"] == NAPO_COUNTY] = "napo"
    side[links["checkpoint_id"] == SHENZHEN_HUB] = "shenzhen"
    links = links.assign(side=side)
    spans = links.dropna(subset=["side"]).groupby("party_id")["side"].nunique()
    bridging = links[links["party_id"].isin(spans[spans == 2].index)]
    vehicles = set(bridging.loc[bridging["role"] == "conveyance", "party_id"])
    consignees = set(bridging.loc[bridging["role"] == "consignee", "party_id"])
    assert len(vehicles) >= 2 and len(consignees) >= 2

    ring_seizures = links.loc[links["party_id"].isin(vehicles) & links["side"].notna(), "seizure_id"].unique()
    of_ring = links[links["seizure_id"].isin(ring_seizures)]
    consignors = of_ring[of_ring["role"] == "consignor"]
    assert (consignors["kind"] == "company").all()
    assert consignors.groupby("side")["party_id"].nunique().min() >= 2  # companies on each side
    for party in consignees:  # each shared consignee deals with companies of both sides
        sides = of_ring[of_ring["seizure_id"].isin(of_ring.loc[of_ring["party_id"] == party, "seizure_id"])
                        & (of_ring["role"] == "consignor")]["side"]
        assert set(sides) == {"napo", "shenzhen"}

    cases = read(store, "SELECT seizure_id, case_id FROM seizure_cases")
    ring_cases = cases[cases["seizure_id"].isin(ring_seizures)]
    assert ring_cases["seizure_id"].nunique() == len(ring_seizures)  # every ring seizure is of a case
    assert ring_cases["case_id"].nunique() >= 3


def test_the_consignee_written_as_a_listed_entitys_variant_is_hit_on_its_seizures_date(store):
    links = read(store, LINKS)
    variant = links[links["value"] == LISTED_VARIANT]
    assert len(variant) >= 1 and set(variant["role"]) == {"consignee"}
    with store.reading() as con:
        for day in variant["day"]:
            hits = Screener(entries_in_force(con, day.date())).screen(LISTED_VARIANT, day.date())
            assert [hit.entry.entry_id for hit in hits] == [LISTED_ENTRY], day
        screener = Screener(stored_entries(con))
    companies = links[links["kind"] == "company"].groupby("value")["day"].min()
    hits = screener.screen_many(list(companies.index), [day.date() for day in companies])
    assert {hit.party_name for hit in hits} == {LISTED_VARIANT}  # no other demo company is a listed one
    queued = read(store, "SELECT h.entry_id, h.status, p.value FROM screening_hits AS h JOIN parties AS p USING (party_id)")
    assert queued.values.tolist() == [[LISTED_ENTRY, "open", LISTED_VARIANT]]  # the seed screened: it awaits review


def test_one_company_is_written_two_ways_at_two_posts(store):
    links = read(store, LINKS)
    spelt = links[links["value"].isin(DOUBLE_SPELLING)]
    assert set(spelt["value"]) == set(DOUBLE_SPELLING) and DOUBLE_SPELLING[0] != DOUBLE_SPELLING[1]
    assert spelt["party_id"].nunique() == 2 and (spelt["kind"] == "company").all()
    posts = spelt.groupby("value")["checkpoint_id"].agg(set)
    assert posts[DOUBLE_SPELLING[0]].isdisjoint(posts[DOUBLE_SPELLING[1]])
    assert (spelt["written_as"] == spelt["value"]).all()


def test_every_demo_party_case_and_link_is_synthetic(store):
    assert read(store, "SELECT count(*) AS n FROM parties WHERE NOT is_synthetic")["n"][0] == 0
    cases = read(store, "SELECT * FROM cases")
    assert len(cases) > 50 and cases["is_synthetic"].all() and (cases["source"] == "cordon-demo").all()
    assert cases["summary"].notna().all() and cases["agency"].notna().all()
    links = read(store, "SELECT import_id FROM seizure_parties UNION ALL SELECT import_id FROM seizure_cases")
    assert links["import_id"].isna().all()
    parties = read(store, "SELECT kind, value FROM parties")
    assert len(parties) < ROWS  # bounded: parties come back from seizure to seizure
    assert set(parties["kind"]) >= {"company", "person", "vehicle", "phone", "waybill"}
    phones = parties.loc[parties["kind"] == "phone", "value"]
    assert phones.str.fullmatch(r"100\d{8}").all()  # 11 digits no Chinese mobile number has
    plates = parties.loc[parties["kind"] == "vehicle", "value"]
    assert plates.str.fullmatch(r"[桂云粤赣蒙湘][A-Z]I\d{4}").all()  # the letter I: no real plate


def test_seeding_again_with_the_same_seed_gives_the_same_parties_and_cases(store):
    def content() -> tuple[pd.DataFrame, ...]:
        return (read(store, "SELECT kind, value, party_key FROM parties ORDER BY ALL"),
                read(store, "SELECT source_id, agency, status, summary FROM cases ORDER BY ALL"),
                read(store, LINKS.replace("l.seizure_id, ", "s.source_id, ") + " ORDER BY ALL")[
                    ["source_id", "role", "written_as"]])

    before = content()
    seed(store, demo_geography(), rows=ROWS, seed=SEED, end=END)
    for was, now in zip(before, content(), strict=True):
        pd.testing.assert_frame_equal(was, now)
