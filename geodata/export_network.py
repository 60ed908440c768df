"""The party network for investigators (issue 21, item 7): GraphML and GEXF for graph tools, CSV for i2 Analyst's
Notebook and Gephi, each with its provenance inside and beside it (``<name>.provenance.json``) as the other
exports carry theirs.

Formats (:data:`NETWORK_FORMATS`):

=======  ======================================================================================================
graphml  GraphML (``networkx.write_graphml``), attributes typed (int, boolean, string); the provenance JSON is
         the graph's data ``cordon_provenance``
gexf     GEXF 1.2 (networkx's writer), attributes typed; the provenance JSON is the ``<meta>`` element's
         ``<description>``, the graph-level text GEXF has
csv      a zip of ``nodes.csv``, ``links.csv`` and the provenance JSON: UTF-8 with a byte-order mark, text
         cells neutralised against formulas (``geodata.export_formats.neutralise_formulas``), as the other CSVs
=======  ======================================================================================================

The CSV layouts follow:

* Gephi's spreadsheet import (https://gephi.org/users/supported-graph-formats/spreadsheet): a node table whose
  identifiers are in ``Id``, with ``Label``; an edge table with ``Source`` and ``Target`` (node ids), ``Type``
  (``Undirected``), ``Id``, ``Label`` and ``Weight``; every other column is an attribute.
* i2 Analyst's Notebook's import of a spreadsheet through an import specification
  (https://docs.i2group.com/anb/10.0.2/importing_a_file_with_a_new_specification.html): each row makes two
  entities and the link between them; an entity's identity must be unique in the chart and entities with the
  same identity are merged, whatever their labels (https://docs.i2group.com/anb/9.4.1/identities.html). So each
  row of ``links.csv`` also names both ends: identity (``Source`` / ``Target``: the node id), type
  (``Source Kind`` / ``Target Kind``: company, person, vehicle …) and label (``Source Label`` /
  ``Target Label``), and the link's label (``Label``: the roles they met in) — one sheet for the wizard.

Personal data: phone numbers (labels) and identity numbers (``id_number``) are masked unless the export is
``unmasked``, which the dashboard allows only to accounts that ``queries.sensitive.may_export_personal`` and
the command line only when asked (``--unmasked``); an unmasked export is audited as a view of those parties.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import SubElement

import duckdb
import networkx as nx
import pandas as pd
from networkx.readwrite.gexf import GEXFWriter

from geodata.export import Download, check_output, safe_filename, table_csv
from geodata.export_formats import PROVENANCE_KEY, PROVENANCE_SUFFIX, Format, provenance_json
from geodata.export_sources import BEIJING_OFFSET, provenance_for
from geodata.network import COMMUNITY_SEED, PartyNetwork, read_network
from queries.access import Scope
from queries.filters import Filters
from queries.sensitive import PERSONAL_PARTY_KINDS, mask_parties
from queries.store import run

NETWORK_FORMATS = {f.name: f for f in (
    Format("graphml", ".graphml", "application/graphml+xml"),
    Format("gexf", ".gexf", "application/gexf+xml"),
    Format("csv", ".csv.zip", "application/zip"),
)}
METHOD = ("the network of the parties named on the view's seizures and their cases (geodata.network.read_network, "
          "queries/sql/network_links.sql): a node per party, an edge per pair named on one seizure or case, weight = "
          f"seizures + cases shared; Louvain communities (networkx, weighted, seed {COMMUNITY_SEED}). records and "
          "input_sha256 are those of the view's seizures the network is read from")
NODE_ATTRIBUTES = ["label", "kind", "community", "degree", "seizures", "cases", "first_seen", "last_seen", "roles",
                   "is_synthetic", "uscc", "id_number"]
EDGE_ATTRIBUTES = ["weight", "seizures", "cases", "roles"]
LINK_COLUMNS = ["Source", "Target", "Type", "Id", "Label", "Weight", "seizures", "cases", "roles", "Source Kind",
                "Source Label", "Target Kind", "Target Label"]


@dataclass(frozen=True)
class NetworkExport:
    """A network as it is exported: nodes (node_id and :data:`NODE_ATTRIBUTES`, dates as ISO text in Beijing
    time, personal data masked unless ``unmasked``), edges (source, target and :data:`EDGE_ATTRIBUTES`), the
    provenance (plain JSON values) and the parties of people and phone numbers in it (what an unmasked export
    shows: audited)."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    provenance: dict[str, Any]
    personal_parties: list[int]


def check_network_format(fmt: str) -> Format:
    """The network :class:`Format` named ``fmt``; a ValueError naming it and the choices otherwise."""
    if fmt not in NETWORK_FORMATS:
        raise ValueError(f"unknown network format {fmt!r}; choose one of {', '.join(NETWORK_FORMATS)}")
    return NETWORK_FORMATS[fmt]


def read_network_export(con: duckdb.DuckDBPyConnection, filters: Filters, scope: Scope, unmasked: bool) -> NetworkExport:
    """The network of the view ``filters`` select, read on ``con`` (opened with the region ``scope``, which the
    provenance names), with each node's identifiers (a company's USCC, a person's identity number) and the
    provenance of the view's seizures (``provenance_for``: filters, records, input hash, data cut-off, snapshot,
    Cordon's version). Phone numbers and identity numbers masked unless ``unmasked``."""
    network = read_network(con, filters, unmasked=unmasked)
    nodes = network.nodes.merge(_identifiers(con, network, unmasked), on="node_id", how="left")
    for column in ("first_seen", "last_seen"):
        nodes[column] = [None if pd.isna(at) else pd.Timestamp(at).isoformat() + BEIJING_OFFSET for at in nodes[column]]
    view = provenance_for(con, "seizures", filters).to_dict()
    for unused in ("crs", "features", "left_out"):  # of map layers: the network has no geometry and uses every seizure
        view.pop(unused)
    provenance = {**view, "layer": "network", "method": METHOD, "scope": {"everything": scope.everything, "provinces": list(scope.provinces), "zones": list(scope.zones)},
                  "personal_data": "unmasked" if unmasked else "masked", "nodes": len(nodes),
                  "edges": len(network.edges)}
    links = network.links
    personal = links.loc[links["kind"].isin(PERSONAL_PARTY_KINDS), "party_id"]
    return NetworkExport(nodes=nodes[["node_id", *NODE_ATTRIBUTES]], edges=network.edges, provenance=provenance,
                         personal_parties=sorted(int(party) for party in personal.unique()))


def _identifiers(con: duckdb.DuckDBPyConnection, network: PartyNetwork, unmasked: bool) -> pd.DataFrame:
    """Each node's USCC and identity number (those of its parties, comma-separated), the latter masked unless
    ``unmasked`` (queries.sensitive.mask_parties)."""
    parties = network.links[["node_id", "party_id"]].drop_duplicates()
    found = run(con, "network_party_identifiers", {"parties": parties["party_id"].tolist()})
    found = mask_parties(found, unmasked).rename(columns={"sensitive_id_number": "id_number"})
    joined = parties.merge(found, on="party_id").groupby("node_id")[["uscc", "id_number"]]
    return joined.agg(lambda values: ", ".join(sorted(set(values.dropna()))) or None).reset_index()


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row's attributes that have a value (GraphML and GEXF have no null: a missing attribute is left out)."""
    return {name: value for name, value in row.items() if value is not None and not pd.isna(value)}


def network_graph(export: NetworkExport) -> nx.Graph:
    """The export as a networkx Graph: node and edge attributes as in its frames, the provenance JSON as the
    graph's ``cordon_provenance``."""
    graph = nx.Graph(**{PROVENANCE_KEY: provenance_json(export.provenance)})
    graph.add_nodes_from((row.pop("node_id"), _plain(row)) for row in export.nodes.to_dict("records"))
    graph.add_edges_from((row["source"], row["target"], _plain({name: row[name] for name in EDGE_ATTRIBUTES}))
                         for row in export.edges.to_dict("records"))
    return graph


def links_table(export: NetworkExport) -> pd.DataFrame:
    """The links sheet (:data:`LINK_COLUMNS`): Gephi's edge table, each end's kind and label beside it for i2."""
    nodes = export.nodes.set_index("node_id")
    edges = export.edges.reset_index(drop=True)
    return pd.DataFrame({
        "Source": edges["source"], "Target": edges["target"], "Type": "Undirected", "Id": edges.index,
        "Label": edges["roles"], "Weight": edges["weight"], "seizures": edges["seizures"], "cases": edges["cases"],
        "roles": edges["roles"],
        "Source Kind": edges["source"].map(nodes["kind"]), "Source Label": edges["source"].map(nodes["label"]),
        "Target Kind": edges["target"].map(nodes["kind"]), "Target Label": edges["target"].map(nodes["label"]),
    }, columns=LINK_COLUMNS)


def nodes_table(export: NetworkExport) -> pd.DataFrame:
    """The nodes sheet: Gephi's node table (Id, Label, then the attributes)."""
    nodes = export.nodes.rename(columns={"node_id": "Id", "label": "Label"})
    return nodes[["Id", "Label", *(name for name in NODE_ATTRIBUTES if name != "label")]]


def network_bytes(export: NetworkExport, fmt: str, stem: str) -> bytes:
    """The export as a ``fmt`` file (:data:`NETWORK_FORMATS`) with its provenance inside; ``stem`` names the
    provenance file inside the CSV zip."""
    check_network_format(fmt)
    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(network_graph(export), out, encoding="utf-8")
    elif fmt == "gexf":
        graph = network_graph(export)
        del graph.graph[PROVENANCE_KEY]  # GEXF has no graph attributes: the provenance goes in <meta>
        writer = GEXFWriter(encoding="utf-8", prettyprint=True)
        writer.add_graph(graph)
        SubElement(writer.xml.find("meta"), "description").text = provenance_json(export.provenance)
        writer.write(out)
    else:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("nodes.csv", table_csv(nodes_table(export)))
            archive.writestr("links.csv", table_csv(links_table(export)))
            archive.writestr(stem + PROVENANCE_SUFFIX, provenance_json(export.provenance))
    return out.getvalue()


def write_network(export: NetworkExport, path: str | os.PathLike[str], fmt: str) -> list[Path]:
    """Write the export as ``fmt`` to ``path`` (ending in the format's extension) with its provenance beside it
    (``<name>.provenance.json``); return both paths. Each file is written beside and moved into place, so it
    appears whole or not at all."""
    chosen = check_network_format(fmt)
    path = check_output(path, chosen)
    stem = path.name[:-len(chosen.extension)]
    side = path.with_name(stem + PROVENANCE_SUFFIX)
    for target, data in ((path, network_bytes(export, fmt, stem)),
                         (side, provenance_json(export.provenance).encode("utf-8"))):
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(data)
        os.replace(partial, target)
    return [path, side]


def network_download(export: NetworkExport, fmt: str, base_name: str) -> Download:
    """The export as a ``fmt`` file for a download button, named from ``base_name`` (made safe), with its
    provenance JSON as ``download.provenance``."""
    chosen = check_network_format(fmt)
    stem = safe_filename(base_name)
    provenance = Download(stem + PROVENANCE_SUFFIX, provenance_json(export.provenance).encode("utf-8"),
                          "application/json")
    return Download(stem + chosen.extension, network_bytes(export, fmt, stem), chosen.mime, provenance,
                    export.provenance["snapshot"])

