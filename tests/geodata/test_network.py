"""The network of the parties behind the seizures (geodata.network): the demo's planted ring comes out as one
community sharing consignees, vehicles and phones; on a small planted store, links and their weights, the path
between two parties, a party's detail, the view's filters and the region scope; bridges and masked labels."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from geodata.network import bridges, communities, party_detail, party_label, path_between, read_network, strongest
from queries.access import Scope
from queries.demo_parties import (
    DOUBLE_SEIZURES,
    DOUBLE_SPELLING,
    NAMED,
    RING_CONSIGNEES,
    RING_NAPO_COMPANIES,
    RING_PHONES,
    RING_SHENZHEN_COMPANIES,
    RING_VEHICLES,
)
from queries.filters import Filters
from queries.ingest.fields import USCC_OF
from queries.parties import write_parties
from queries.seizures import insert_seizures
from queries.store import PARTIES_CLAIM, query_over, seizures_claim
from queries.stores import open_store
from tests.conftest import seizure_row

GUANGXI, YUNNAN = "450000", "530000"


@pytest.fixture(scope="module")
def demo_network(seeded_either):
    """The network of every party of the seeded demo (a file, then a lake)."""
    with open_store(seeded_either).reading() as con:
        return read_network(con, Filters())


def test_the_demo_ring_is_one_community_whose_companies_share_consignees_vehicles_and_phones(demo_network):
    network = demo_network
    nodes = network.nodes.set_index("label")
    companies = [*RING_NAPO_COMPANIES, *RING_SHENZHEN_COMPANIES]
    shared = {"consignee": list(RING_CONSIGNEES), "vehicle": list(RING_VEHICLES),
              "phone": [party_label("phone", phone) for phone in RING_PHONES]}
    ring = nodes.loc[companies + [label for labels in shared.values() for label in labels]]
    assert ring["community"].nunique() == 1
    community = network.nodes[network.nodes["community"] == ring["community"].iloc[0]]
    assert len(community) < len(network.nodes) / 4  # a community of its own, not the whole demo
    ring_companies = set(nodes.loc[companies, "node_id"])
    for kind, labels in shared.items():
        for node in nodes.loc[labels, "node_id"]:
            partners = set(network.graph[node]) & ring_companies
            assert len(partners) >= 2, (kind, node)
            assert {nodes.loc[c, "node_id"] for c in RING_NAPO_COMPANIES} & partners, (kind, node)
            assert {nodes.loc[c, "node_id"] for c in RING_SHENZHEN_COMPANIES} & partners, (kind, node)


def test_the_ring_spans_the_napo_corridor_and_the_shenzhen_hub_along_a_path(demo_network):
    network = demo_network
    nodes = network.nodes.set_index("label")["node_id"]
    path = path_between(network, nodes[RING_NAPO_COMPANIES[0]], nodes[RING_SHENZHEN_COMPANIES[0]])
    assert len(path) == 3  # a Napo company, a consignee, vehicle or phone both used, a Shenzhen company
    assert path["kind"].iloc[1] in ("company", "vehicle", "phone")
    assert path["seizures"].iloc[0] >= 1 and path["seizures"].iloc[1] >= 1 and path["roles"].iloc[-1] == ""


def test_one_company_written_two_ways_at_two_posts_is_one_node_showing_both_spellings_and_why(seeded_either,
                                                                                              demo_network):
    network = demo_network
    parties = network.links[network.links["value"].isin(DOUBLE_SPELLING)]
    assert set(parties["value"]) == set(DOUBLE_SPELLING) and parties["party_id"].nunique() == 2
    node = parties["node_id"].unique()
    assert len(node) == 1  # the entity, not two parties
    assert network.node_of(int(parties["party_id"].max())) == node[0]
    with open_store(seeded_either).reading() as con:
        detail = party_detail(con, Filters(), network, node[0])
    assert sorted(detail.spellings["value"]) == sorted(DOUBLE_SPELLING)
    joined = detail.spellings.dropna(subset=["how"])
    assert list(joined["how"]) == ["name"] and "有限责任公司" in joined["evidence"].iloc[0]
    assert detail.seizures["seizure_id"].nunique() == 2 * DOUBLE_SEIZURES  # both posts' seizures, one party


A, B, C, D = "凭祥市甲矿业有限公司", "凭祥市乙贸易有限公司", "河口县丙矿业有限公司", "河口县丁商贸有限公司"
CONSIGNEE, PLATE, PHONE = "越南某安进出口有限公司", "桂F12345", "13800001111"
PLANTED = [  # seizure, province, month, item, consignor, consignee, plate, phone, case
    ("S1", GUANGXI, 3, "antimony", A, CONSIGNEE, PLATE, PHONE, "凭关缉字〔2025〕1号"),
    ("S2", GUANGXI, 4, "antimony", B, CONSIGNEE, PLATE, None, "凭关缉字〔2025〕1号"),
    ("S3", YUNNAN, 5, "gallium", C, CONSIGNEE, None, None, None),
    ("S4", YUNNAN, 5, "antimony", C, D, None, None, None),
]
YUNNAN_PLACE = {"county_code": "532532", "zone_code": "532532", "lon": 103.94, "lat": 22.51, "checkpoint_id": None}


@pytest.fixture
def planted(store):
    """conftest's empty store (a file, then a lake) with the seizures of :data:`PLANTED` and their parties."""
    rows = []
    for key, province, month, item, *_ in PLANTED:
        place = YUNNAN_PLACE if province == YUNNAN else {}
        rows.append(seizure_row(source_id=key, province_code=province, occurred_at=datetime(2025, month, 3, 10),
                                item=item, item_group="Ga" if item == "gallium" else "Sb", **place))
    seizures = pd.concat(rows, ignore_index=True)
    records = pd.DataFrame([{"source": "test", "source_id": key, "occurred_at": datetime(2025, month, 3, 10),
                             "agency": "customs", "case_status": "open", "uscc": None, "consignor": consignor,
                             "consignee": consignee, "vehicle_plate": plate, "phone": phone, "case_number": case}
                            for key, _, month, _, consignor, consignee, plate, phone, case in PLANTED])
    with store.writing(seizures_claim("test"), PARTIES_CLAIM) as con:
        insert_seizures(con, seizures)
        ids = query_over(con, "seizure_ids_by_key", records[["source", "source_id"]])
        write_parties(con, records.merge(ids, on=["source", "source_id"]), NAMED, USCC_OF, None,
                      datetime(2025, 6, 1), synthetic=True)
    return store


def test_links_paths_and_a_partys_detail_on_a_planted_store(planted):
    with planted.reading() as con:
        network = read_network(con, Filters())
        nodes = network.nodes.set_index("label")
        consignee = nodes.loc[CONSIGNEE, "node_id"]
        detail = party_detail(con, Filters(), network, consignee)
    assert set(nodes.index) == {A, B, C, D, CONSIGNEE, PLATE, party_label("phone", PHONE)}
    assert nodes.loc[CONSIGNEE, ["seizures", "cases"]].tolist() == [3, 1]
    edge = network.graph.edges[nodes.loc[A, "node_id"], consignee]
    assert (edge["seizures"], edge["cases"], edge["weight"]) == (1, 1, 2)  # S1, and the case of S1 and S2
    companies_in_case = network.graph.edges[nodes.loc[A, "node_id"], nodes.loc[B, "node_id"]]
    assert (companies_in_case["seizures"], companies_in_case["cases"]) == (0, 1)

    path = path_between(network, nodes.loc[A, "node_id"], nodes.loc[D, "node_id"])
    assert path["label"].tolist() == [A, CONSIGNEE, C, D]

    assert detail.seizures["roles"].tolist() == ["consignee"] * 3
    assert detail.timeline["seizures"].tolist() == [1, 1, 1]
    assert detail.timeline["month"].dt.month.tolist() == [3, 4, 5]
    assert detail.cases["source_id"].tolist() == ["凭关缉字〔2025〕1号"]
    links = detail.links.set_index("label")
    assert set(links.index) == {A, B, C, PLATE, party_label("phone", PHONE)}
    assert links.loc[A, "roles"] == "consignee/consignor"  # the consignee's role first, then its partner's
    assert links.loc[PLATE, "shared_with"] == 3  # besides the consignee, the plate links A, B and the phone


def test_the_region_scope_and_the_filters_keep_parties_of_unseen_seizures_out(planted):
    with planted.reading(scope=Scope(provinces=(GUANGXI,))) as con:
        scoped = read_network(con, Filters())
        detail = party_detail(con, Filters(), scoped, scoped.nodes.set_index("label").loc[CONSIGNEE, "node_id"])
    assert set(scoped.nodes["label"]) == {A, B, CONSIGNEE, PLATE, party_label("phone", PHONE)}
    assert len(detail.seizures) == 2
    with planted.reading() as con:
        everything = read_network(con, Filters())
        gallium = read_network(con, Filters(items=("gallium",)))
        one = int(con.execute("SELECT seizure_id FROM seizures WHERE source_id = 'S4'").fetchone()[0])
        of_one = read_network(con, Filters(), seizures=[one])
    d = everything.nodes.set_index("label").loc[D, "node_id"]
    with pytest.raises(ValueError, match="not in the network"):
        path_between(scoped, scoped.nodes["node_id"].iloc[0], d)
    assert set(gallium.nodes["label"]) == {C, CONSIGNEE}
    assert set(of_one.nodes["label"]) == {C, D}


def test_a_party_linking_two_communities_is_their_bridge_and_cuts_the_network(planted):
    with planted.reading() as con:
        network = read_network(con, Filters())
    found = bridges(network).set_index("label")
    top = found.index[0]
    assert top in (CONSIGNEE, C)  # the consignee and the company of S3 and S4 join the posts' parties to D
    assert found.loc[top, "communities"] >= 2 and found.loc[top, "cuts"]
    listed = communities(network)
    assert listed["nodes"].sum() == len(network.nodes) and listed["nodes"].is_monotonic_decreasing
    drawn = strongest(network, 2, keep=[network.nodes.set_index("label").loc[D, "node_id"]])
    assert len(drawn.nodes) == 3 and D in set(drawn.nodes["label"])


def test_phone_numbers_are_masked_unless_the_reader_may_see_them():
    assert party_label("phone", "13800001111") == "138****1111"
    assert party_label("phone", "13800001111", unmasked=True) == "13800001111"
    assert party_label("company", "凭祥市甲矿业有限公司") == "凭祥市甲矿业有限公司"
