"""The network of the parties behind a view's seizures (issue 21, item 5): who is named with whom, the communities
they form, the parties that bridge them, the path between two parties and one party's detail.

Nodes are parties (companies, people, vehicles, phone numbers, addresses, waybills); two are linked when one seizure
or one case of the view names both (``network_links.sql``). An edge's ``seizures`` and ``cases`` count what they
share, its ``weight`` is their sum and its ``roles`` say in which roles they met. Everything is read through the
view's filters and the connection's region scope (``filtered_seizures``), so a party named only on seizures the
reader may not see is not in the network.

A node is an entity: the parties entity resolution (queries.entities, item 4) judged one company or person under
several spellings, or a party alone; :func:`node_ids` is the one place that says so, and an entity's id is its
lowest party id. Every label passes through :func:`party_label`, where personal data is masked for readers without
the grant to see it.

Communities (Louvain), the approximate betweenness of bridges and the layout are seeded, so the same view gives
the same picture on every run.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import networkx as nx
import numpy as np
import pandas as pd

from queries.filters import Filters, Focus
from queries.sensitive import shown_value
from queries.store import query_over, run

COMMUNITY_SEED = 21
LAYOUT_SEED = 21
BETWEENNESS_SAMPLES = 100  # sources of the approximate betweenness (bridges); exact on networks no larger

NODE_COLUMNS = ["node_id", "kind", "label", "seizures", "cases", "first_seen", "last_seen", "roles", "is_synthetic",
                "degree", "community"]
EDGE_COLUMNS = ["source", "target", "seizures", "cases", "weight", "roles"]


def node_ids(links: pd.DataFrame) -> pd.Series:
    """The network node of each row of ``links`` (network_links.sql): its party's entity, so that one company
    written two ways at two posts is one node. The one definition of a node."""
    return links["entity_id"].rename("node_id")


def party_label(kind: str, value: str, unmasked: bool = False) -> str:
    """A party's name wherever the network shows it: its value as first written, masked as
    queries.sensitive.shown_value masks personal data (phone numbers) unless ``unmasked`` (the reader is granted
    it). The one place the network's labels pass through."""
    return shown_value(kind, value, unmasked)


@dataclass(frozen=True)
class PartyNetwork:
    """The parties behind a view's seizures and their links.

    nodes: one row per node (:data:`NODE_COLUMNS`): kind, label, the view's seizures and cases naming it, first and
        last seizure, roles played (comma-separated), is_synthetic, degree and community (0 the largest).
    edges: one row per linked pair (:data:`EDGE_COLUMNS`, source < target): seizures and cases shared, weight (their
        sum) and roles ("consignor/consignee": the source's role, the target's; comma-separated pairs).
    links: the rows of ``network_links.sql`` with their ``node_id``: which parties a node stands for.
    graph: the same as a networkx Graph (node and edge attributes as in the frames).
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    links: pd.DataFrame
    graph: nx.Graph

    def parties_of(self, node) -> list[int]:
        """The party ids a node stands for."""
        return sorted(self.links.loc[self.links["node_id"] == node, "party_id"].unique().tolist())

    def node_of(self, party: int):
        """The node that stands for party id ``party`` (its entity's), None when no link of the view names it."""
        if party in self.graph:
            return party
        found = self.links.loc[self.links["party_id"] == party, "node_id"]
        return None if found.empty else found.iloc[0]


def read_network(con: duckdb.DuckDBPyConnection, filters: Filters, focus: Focus | None = None,
                 seizures: list[int] | None = None, unmasked: bool = False) -> PartyNetwork:
    """The network of the parties behind the view's seizures (``filters``, narrowed to a ``focus`` of the map or
    to the seizure ids ``seizures``, a cluster's), read through the connection's region scope; labels masked
    unless ``unmasked``. Communities are computed here (Louvain, seeded).

    Examples
    --------
    >>> with Store("data/cordon.duckdb").reading(scope) as con:       # doctest: +SKIP
    ...     network = read_network(con, Filters(items=("gallium",)))
    """
    if not isinstance(filters, Filters):
        raise TypeError(f"filters must be a queries.filters.Filters, got {type(filters).__name__}")
    ids = None if seizures is None else [int(s) for s in seizures]
    links = run(con, "network_links", {**filters.params(focus), "seizures": ids})
    links = links.assign(node_id=node_ids(links).to_numpy())
    nodes = _nodes(links, unmasked)
    edges = query_over(con, "network_edges", links[["via", "unit_id", "node_id", "role"]])
    graph = nx.Graph()
    graph.add_nodes_from((row.pop("node_id"), row) for row in nodes.to_dict("records"))
    graph.add_edges_from((row.pop("source"), row.pop("target"), row) for row in edges.to_dict("records"))
    community = _communities(graph)
    nodes = nodes.assign(degree=nodes["node_id"].map(dict(graph.degree())).fillna(0).astype(int),
                         community=nodes["node_id"].map(community).astype(int))
    nx.set_node_attributes(graph, community, "community")
    nx.set_node_attributes(graph, dict(zip(nodes["node_id"], nodes["degree"], strict=True)), "degree")
    return PartyNetwork(nodes=nodes[NODE_COLUMNS], edges=edges[EDGE_COLUMNS], links=links, graph=graph)


def _nodes(links: pd.DataFrame, unmasked: bool) -> pd.DataFrame:
    """One row per node: its first party's kind and value (the lowest party id), its seizures, cases, dates, roles."""
    if links.empty:
        return pd.DataFrame(columns=[c for c in NODE_COLUMNS if c not in ("degree", "community")])
    first = links.sort_values("party_id").drop_duplicates("node_id").set_index("node_id")
    on_seizures = links[links["via"] == "seizure"].groupby("node_id")
    nodes = pd.DataFrame({
        "kind": first["kind"],
        "label": [party_label(kind, value, unmasked) for kind, value in zip(first["kind"], first["value"], strict=True)],
        "seizures": on_seizures["unit_id"].nunique(),
        "cases": links[links["via"] == "case"].groupby("node_id")["unit_id"].nunique(),
        "first_seen": on_seizures["occurred_at"].min(),
        "last_seen": on_seizures["occurred_at"].max(),
        "roles": links[["node_id", "role"]].drop_duplicates().sort_values("role").groupby("node_id")["role"].agg(", ".join),
        "is_synthetic": links.groupby("node_id")["is_synthetic"].all(),
    })
    nodes[["seizures", "cases"]] = nodes[["seizures", "cases"]].fillna(0).astype(int)
    return nodes.rename_axis("node_id").reset_index().sort_values("node_id", ignore_index=True)


def _communities(graph: nx.Graph) -> dict:
    """Each node's community by Louvain (weighted, seeded), numbered from the largest (ties: the lowest node)."""
    found = nx.community.louvain_communities(graph, weight="weight", seed=COMMUNITY_SEED)
    ordered = sorted(found, key=lambda members: (-len(members), min(members)))
    return {node: number for number, members in enumerate(ordered) for node in members}


def communities(network: PartyNetwork) -> pd.DataFrame:
    """The communities of ``network``: number, nodes, seizures (the view's seizures naming any member), the
    members by kind (e.g. "company 5, vehicle 3") and the largest members' labels, largest community first."""
    nodes = network.nodes
    if nodes.empty:
        return pd.DataFrame(columns=["community", "nodes", "seizures", "kinds", "members"])
    member_of = nodes.set_index("node_id")["community"]
    seizures = network.links[network.links["via"] == "seizure"].assign(
        community=lambda f: f["node_id"].map(member_of)).groupby("community")["unit_id"].nunique()
    rows = []
    for number, members in nodes.sort_values(["seizures", "node_id"], ascending=[False, True]).groupby("community"):
        kinds = members["kind"].value_counts().sort_index()
        rows.append({"community": number, "nodes": len(members), "seizures": int(seizures.get(number, 0)),
                     "kinds": ", ".join(f"{kind} {count}" for kind, count in kinds.items()),
                     "members": members["label"].head(5).tolist()})
    return pd.DataFrame(rows).sort_values("community", ignore_index=True)


def bridges(network: PartyNetwork, samples: int = BETWEENNESS_SAMPLES) -> pd.DataFrame:
    """The nodes that link communities: those with a neighbour in another community. Columns: node_id, kind,
    label, community, communities (how many it touches, its own included), outside (the weight of its links to
    other communities), cuts (an articulation point: removing it splits the network), betweenness (approximate,
    from ``samples`` seeded sources; exact on networks no larger, so pass what a page draws); highest betweenness
    first."""
    graph = network.graph
    columns = ["node_id", "kind", "label", "community", "communities", "outside", "cuts", "betweenness"]
    community = nx.get_node_attributes(graph, "community")
    touched, outside = {}, {}
    for node in graph:
        others = [(community[n], link["weight"]) for n, link in graph[node].items() if community[n] != community[node]]
        if others:
            touched[node] = len({c for c, _ in others}) + 1
            outside[node] = sum(weight for _, weight in others)
    if not touched:
        return pd.DataFrame(columns=columns)
    betweenness = nx.betweenness_centrality(graph, k=samples if len(graph) > samples else None, seed=COMMUNITY_SEED)
    cuts = set(nx.articulation_points(graph))
    found = network.nodes.set_index("node_id").loc[list(touched), ["kind", "label", "community"]].reset_index()
    found = found.assign(communities=found["node_id"].map(touched), outside=found["node_id"].map(outside),
                         cuts=found["node_id"].isin(cuts), betweenness=found["node_id"].map(betweenness))
    return found[columns].sort_values(["betweenness", "node_id"], ascending=[False, True], ignore_index=True)


def path_between(network: PartyNetwork, source, target) -> pd.DataFrame:
    """The shortest chain of links from ``source`` to ``target`` (fewest links): one row per node in order, with
    the link to the next (seizures, cases, roles; empty on the last); an empty frame when nothing links them.
    :class:`ValueError` for a node not in the network."""
    for node in (source, target):
        if node not in network.graph:
            raise ValueError(f"node {node!r} is not in the network")
    try:
        chain = nx.shortest_path(network.graph, source, target)
    except nx.NetworkXNoPath:
        chain = []
    nodes = network.nodes.set_index("node_id")
    rows = []
    for step, node in enumerate(chain):
        link = network.graph.edges[node, chain[step + 1]] if step + 1 < len(chain) else {}
        rows.append({"node_id": node, "kind": nodes.at[node, "kind"], "label": nodes.at[node, "label"],
                     "seizures": link.get("seizures"), "cases": link.get("cases"), "roles": link.get("roles", "")})
    return pd.DataFrame(rows, columns=["node_id", "kind", "label", "seizures", "cases", "roles"])


def strongest(network: PartyNetwork, limit: int, keep=()) -> PartyNetwork:
    """The ``limit`` nodes with the heaviest links (weighted degree; ties: most seizures, lowest id) and the nodes
    ``keep`` whatever their rank, with the links among them: what a page can draw readably. Communities are kept
    from the whole network."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    strength = pd.Series(dict(network.graph.degree(weight="weight")), dtype=float)
    nodes = network.nodes.assign(strength=network.nodes["node_id"].map(strength).fillna(0))
    ranked = nodes.sort_values(["strength", "seizures", "node_id"], ascending=[False, False, True])
    chosen = set(ranked["node_id"].head(limit)) | (set(keep) & set(nodes["node_id"]))
    return _subnetwork(network, chosen)


def neighbourhood(network: PartyNetwork, centres, radius: int = 1) -> PartyNetwork:
    """The nodes within ``radius`` links of any of ``centres`` (those in the network), with the links among them."""
    chosen = set()
    for centre in centres:
        if centre in network.graph:
            chosen |= set(nx.single_source_shortest_path_length(network.graph, centre, cutoff=radius))
    return _subnetwork(network, chosen)


def _subnetwork(network: PartyNetwork, chosen: set) -> PartyNetwork:
    """``network`` cut down to the nodes ``chosen`` (degrees counted within the cut)."""
    graph = network.graph.subgraph(chosen).copy()
    nodes = network.nodes[network.nodes["node_id"].isin(chosen)]
    nodes = nodes.assign(degree=nodes["node_id"].map(dict(graph.degree())).fillna(0).astype(int))
    nx.set_node_attributes(graph, dict(zip(nodes["node_id"], nodes["degree"], strict=True)), "degree")
    edges = network.edges[network.edges["source"].isin(chosen) & network.edges["target"].isin(chosen)]
    links = network.links[network.links["node_id"].isin(chosen)]
    return PartyNetwork(nodes=nodes.reset_index(drop=True), edges=edges.reset_index(drop=True),
                        links=links.reset_index(drop=True), graph=graph)


def layout(network: PartyNetwork) -> pd.DataFrame:
    """Positions to draw ``network`` at (node_id, x, y within [-1, 1]), community by community so that each reads
    as a group: each community a disc of an area by its size (:func:`packed_discs`, the largest in the middle),
    its members placed inside by a force-directed layout of their links (networkx spring, weighted, seeded: a
    view is drawn the same on every run). Links between communities are drawn across the gaps."""
    graph = network.graph
    if not len(graph):
        return pd.DataFrame(columns=["node_id", "x", "y"])
    community = nx.get_node_attributes(graph, "community")
    members: dict[int, list] = {}
    for node in sorted(graph, key=lambda node: (community[node], node)):
        members.setdefault(community[node], []).append(node)
    groups = sorted(members.values(), key=lambda nodes: (-len(nodes), nodes[0]))
    radii = np.sqrt([len(nodes) for nodes in groups])
    rows = []
    for nodes, radius, centre in zip(groups, radii, packed_discs(radii), strict=True):
        inside = nx.spring_layout(graph.subgraph(nodes), weight="weight", seed=LAYOUT_SEED) if len(nodes) > 1 else {
            nodes[0]: np.zeros(2)}
        rows += [(node, *(centre + radius * np.asarray(inside[node]))) for node in nodes]
    frame = pd.DataFrame(rows, columns=["node_id", "x", "y"])
    middle = (frame[["x", "y"]].max() + frame[["x", "y"]].min()) / 2
    span = max(float((frame[["x", "y"]] - middle).abs().to_numpy().max()), 1e-9)
    return frame.assign(x=(frame["x"] - middle["x"]) / span, y=(frame["y"] - middle["y"]) / span)


def packed_discs(radii, gap: float = 1.0, step: float = 0.05) -> np.ndarray:
    """Centres for discs of ``radii`` (largest first) that do not overlap: the first at the origin, each next at
    the first point of an Archimedean spiral out of the origin where it keeps ``gap`` from those placed."""
    centres = np.zeros((len(radii), 2))
    for index in range(1, len(radii)):
        turn = 0.0
        while True:
            turn += step
            point = np.array([np.cos(turn), np.sin(turn)]) * turn * radii[0] / np.pi
            distances = np.hypot(*(centres[:index] - point).T)
            if (distances >= radii[:index] + radii[index] + gap).all():
                centres[index] = point
                break
    return centres


@dataclass(frozen=True)
class PartyDetail:
    """One node of a network in the view.

    node: its row of the network's nodes (a Series).
    seizures: the view's seizures naming it (network_party_seizures.sql), newest first.
    timeline: seizures and kg per month (month, seizures, kg), oldest first.
    cases: the view's cases naming it (network_party_cases.sql).
    links: its neighbours (node_id, kind, label, roles met in, seizures, cases, weight, shared_with: how many other
        nodes the neighbour links to, so a consignee or vehicle shared with others shows), by kind then weight.
    spellings: the parties the node stands for in the view (party_id, value as written, and the link that joined
        each into the entity: linked_to, how, score, evidence); one row for a party alone.
    """

    node: pd.Series
    seizures: pd.DataFrame
    timeline: pd.DataFrame
    cases: pd.DataFrame
    links: pd.DataFrame
    spellings: pd.DataFrame


def party_detail(con: duckdb.DuckDBPyConnection, filters: Filters, network: PartyNetwork, node) -> PartyDetail:
    """The detail of ``node`` of ``network`` (read with the same ``filters`` on a connection of the same scope):
    its seizures, timeline by month, cases and links. :class:`ValueError` for a node not in the network."""
    if node not in network.graph:
        raise ValueError(f"node {node!r} is not in the network")
    params = {**filters.params(), "parties": network.parties_of(node)}
    seizures = run(con, "network_party_seizures", params)
    month = pd.to_datetime(seizures["occurred_at"]).dt.to_period("M").dt.to_timestamp()
    timeline = (seizures.assign(month=month).groupby("month", as_index=False)
                .agg(seizures=("seizure_id", "size"), kg=("quantity_kg", "sum")))
    members = run(con, "entity_members", {"party_id": int(node)})  # only those the view names are shown
    spellings = members[members["party_id"].isin(params["parties"])].reset_index(drop=True)
    return PartyDetail(node=network.nodes.set_index("node_id").loc[node], seizures=seizures, timeline=timeline,
                       cases=run(con, "network_party_cases", params), links=links_of(network, node),
                       spellings=spellings)


def links_of(network: PartyNetwork, node) -> pd.DataFrame:
    """The neighbours of ``node`` (see :class:`PartyDetail`'s ``links``)."""
    columns = ["node_id", "kind", "label", "roles", "seizures", "cases", "weight", "shared_with"]
    graph = network.graph
    rows = []
    for other in graph[node]:
        link = graph.edges[node, other]
        rows.append({"node_id": other, "kind": graph.nodes[other]["kind"], "label": graph.nodes[other]["label"],
                     "roles": _roles_from(link["roles"], node < other), "seizures": link["seizures"],
                     "cases": link["cases"], "weight": link["weight"], "shared_with": graph.degree(other) - 1})
    return pd.DataFrame(rows, columns=columns).sort_values(["kind", "weight", "node_id"], ascending=[True, False, True],
                                                           ignore_index=True)


def _roles_from(roles: str, node_is_source: bool) -> str:
    """An edge's role pairs as ``node``'s role / the neighbour's (an edge keeps them as source/target)."""
    if node_is_source or not roles:
        return roles
    return ", ".join(sorted("/".join(reversed(pair.split("/"))) for pair in roles.split(", ")))


def parties_behind(network: PartyNetwork) -> pd.DataFrame:
    """The parties of a network read for one thing on the map (a hot spot, cluster, crossing, hub): node_id, kind,
    label, seizures, cases, roles, community, most seizures first."""
    columns = ["node_id", "kind", "label", "seizures", "cases", "roles", "community"]
    return network.nodes.sort_values(["seizures", "node_id"], ascending=[False, True], ignore_index=True)[columns]
