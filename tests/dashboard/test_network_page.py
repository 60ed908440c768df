"""The Network page (dashboard/screens/network.py): from a crossing's records on the live map to the parties
behind them, to the Network page centred on them, a party's seizures on the map and the path finder; the party
URL parameter decoded and refused like the others; the graph's deck."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.network_layers import KIND_GLYPHS, network_deck
from dashboard.screens.network import MORE_KEY
from dashboard.state import PARTIES_AT_MOST, AreaCodes, View, decode, encode
from geodata.network import layout, read_network, strongest
from queries.demo_parties import RING_CONSIGNEES, RING_NAPO_COMPANIES, RING_SHENZHEN_COMPANIES
from queries.filters import Filters
from queries.stores import open_store
from tests.dashboard.test_app import signed_in

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "main.py")
SHENZHEN_HUB = "shenzhen_post"
RING = {*RING_NAPO_COMPANIES, *RING_SHENZHEN_COMPANIES, *RING_CONSIGNEES}


def decks(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.json) for chart in app.get("deck_gl_json_chart")]


def layer(deck: dict, layer_id: str) -> dict:
    return next(layer for layer in deck["layers"] if layer["id"] == layer_id)


def test_from_a_crossings_parties_to_the_network_and_a_partys_seizures_on_the_map(seeded_db, monkeypatch):
    monkeypatch.setenv("CORDON_DB", str(seeded_db))
    app = signed_in(AppTest.from_file(APP, default_timeout=120))
    app.query_params.update({"period": "all", "focus": f"checkpoint:{SHENZHEN_HUB}"})
    app.run()
    assert not app.exception
    behind = next(frame.value for frame in app.dataframe if "Party" in frame.value.columns)
    assert RING & set(behind["Party"])  # the ring's companies and consignees are behind the Shenzhen hub's seizures

    app.button(key="drill_open_network").click().run()
    assert not app.exception and app.title[0].value == "Who is behind the seizures"
    chosen = app.selectbox(key="network_party").value
    graph, party_map = decks(app)
    assert graph["views"][0]["@@type"] == "OrthographicView"
    nodes = layer(graph, "network-nodes")["data"]
    assert chosen in {node["node_id"] for node in nodes} and {node["text"] for node in nodes} <= set(KIND_GLYPHS.values())
    seizures = layer(party_map, "seizures")["data"]
    figure = next(m.value for m in app.metric if m.label == "Seizures")
    assert len(seizures) >= 1 and int(figure.replace(",", "")) >= len(seizures)

    with open_store(seeded_db).reading() as con:
        network = read_network(con, Filters())
    labels = network.nodes.set_index("label")["node_id"]
    app.selectbox(key="network_path_from").set_value(int(labels[RING_NAPO_COMPANIES[0]]))
    app.selectbox(key="network_path_to").set_value(int(labels[RING_SHENZHEN_COMPANIES[0]])).run()
    assert not app.exception
    path = next(frame.value for frame in app.dataframe if "Link to the next (roles)" in frame.value.columns)
    assert path["Party"].iloc[0] == RING_NAPO_COMPANIES[0] and path["Party"].iloc[-1] == RING_SHENZHEN_COMPANIES[0]

    assert not any("Parties" in frame.value.columns for frame in app.dataframe)  # drawn once their expander opens
    app.session_state[MORE_KEY] = True
    app.run()
    communities = next(frame.value for frame in app.dataframe if "Parties" in frame.value.columns)
    assert len(communities) >= 1 and not app.exception


def test_the_party_parameter_is_decoded_refused_with_a_reason_and_encoded_back():
    view, problems = decode({"party": "12, 7,12"}, AreaCodes())
    assert view.parties == (12, 7) and not problems and encode(view)["party"] == "12,7"
    for bad in ("x", "1,-2", ",".join(["1"] * (PARTIES_AT_MOST + 1)) + ",2" * PARTIES_AT_MOST):
        view, problems = decode({"party": bad}, AreaCodes())
        assert view.parties == () and [problem.name for problem in problems] == ["party"]
    assert "party" not in encode(View())


def test_the_graph_names_only_its_most_linked_parties_and_says_the_rest_in_tooltips(seeded_db):
    with open_store(seeded_db).reading() as con:
        drawn = strongest(read_network(con, Filters()), 300)
    deck = json.loads(network_deck(drawn, layout(drawn), "zh").to_json())
    names = layer(deck, "network-names")["data"]
    assert 0 < len(names) <= 20 and all(len(row["text"]) <= 18 for row in names)
    assert "http" not in json.dumps(deck.get("mapStyle", ""))  # offline: no base map to fetch
    # both text layers share one font atlas of the characters they draw, given as one string (not 'auto', and not
    # a list, whose strings pydeck would send as expressions)
    characters = {layer(deck, name)["characterSet"] for name in ("network-nodes", "network-names")}
    assert len(characters) == 1 and set("".join(row["text"] for row in names)) | set(KIND_GLYPHS.values()) == set(
        characters.pop())
    tips = layer(deck, "network-nodes")["data"]
    assert len(tips) == len(drawn.nodes) and all(row["title"] for row in tips) and "类型" in tips[0]["detail"]


def test_a_hot_spot_and_a_cluster_of_the_analysis_page_show_the_parties_behind_them(seeded_db, monkeypatch):
    monkeypatch.setenv("CORDON_DB", str(seeded_db))
    app = signed_in(AppTest.from_file(APP, default_timeout=120))
    app.query_params["period"] = "all"
    app.run()
    app.switch_page("screens/analysis.py").run()
    next(button for button in app.button if button.label == "Run").click().run()
    assert not app.exception and not any(button.key == "hotspot_open_network" for button in app.button)
    app.selectbox(key="hotspot_parties").select_index(0).run()  # the hottest
    assert not app.exception and any(button.key == "hotspot_open_network" for button in app.button)

    app.segmented_control(key="a_method").set_value("clusters").run()
    next(button for button in app.button if button.label == "Run").click().run()
    app.selectbox(key="cluster_parties").select_index(0).run()
    assert not app.exception
    behind = next(frame.value for frame in app.dataframe if "Party" in frame.value.columns)
    app.button(key="cluster_open_network").click().run()
    assert not app.exception and app.title[0].value == "Who is behind the seizures"
    graph = decks(app)[0]
    drawn = {node["title"] for node in layer(graph, "network-nodes")["data"]}
    assert set(behind["Party"]) <= drawn  # the Network page is centred on the cluster's parties
