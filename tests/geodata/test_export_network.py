"""Exports of the party network for investigators (geodata.export_network): each format read back with the same
nodes, links and provenance (file and lake); formulas neutralised in the CSV sheets; phone and identity numbers
masked for an account without the personal-data grant, in clear and audited for one with it; the command line."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from xml.etree.ElementTree import fromstring

import networkx as nx
import pandas as pd
import pytest

from dashboard.data import Source
from dashboard.screens.exports import network_export_download
from geodata.__main__ import main
from geodata.export_network import NETWORK_FORMATS, network_bytes, read_network_export, write_network
from geodata.export_sources import provenance_for
from geodata.network import read_network
from queries.access import Scope, User
from queries.demo_parties import NAMED
from queries.filters import Filters
from queries.ingest.fields import ID_NUMBER_OF, USCC_OF
from queries.parties import write_parties
from queries.seizures import insert_seizures
from queries.store import PARTIES_CLAIM, query_over, seizures_claim
from tests.conftest import seizure_row

EVERYTHING = Scope(everything=True)
FORMULA = '=HYPERLINK("http://x.example")贸易有限公司'  # a consignor whose name a spreadsheet would run
CONSIGNEE, PLATE, DRIVER = "越南某安进出口有限公司", "桂F12345", "黄某明"
PHONE, ID_NUMBER, USCC = "13800001111", "450102199001011231", "914501007088567890"
PLANTED = [  # seizure, month, consignor, consignee, plate, driver, phone, case
    ("S1", 3, FORMULA, CONSIGNEE, PLATE, DRIVER, PHONE, "凭关缉字〔2025〕1号"),
    ("S2", 4, "凭祥市乙贸易有限公司", CONSIGNEE, PLATE, None, None, "凭关缉字〔2025〕1号"),
]


def plant(store):
    """``store`` with the seizures of :data:`PLANTED` and their parties (the driver with an identity number, the
    formula-named consignor with a USCC)."""
    seizures = pd.concat([seizure_row(source_id=key, occurred_at=datetime(2025, month, 3, 10))
                          for key, month, *_ in PLANTED], ignore_index=True)
    records = pd.DataFrame([{"source": "test", "source_id": key, "occurred_at": datetime(2025, month, 3, 10),
                             "agency": "customs", "case_status": "open", "uscc": USCC if consignor == FORMULA else None,
                             "consignor": consignor, "consignee": consignee, "vehicle_plate": plate, "driver": driver,
                             "id_number": ID_NUMBER if driver else None, "phone": phone, "case_number": case}
                            for key, month, consignor, consignee, plate, driver, phone, case in PLANTED])
    with store.writing(seizures_claim("test"), PARTIES_CLAIM) as con:
        insert_seizures(con, seizures)
        ids = query_over(con, "seizure_ids_by_key", records[["source", "source_id"]])
        write_parties(con, records.merge(ids, on=["source", "source_id"]), NAMED, USCC_OF, None,
                      datetime(2025, 6, 1), synthetic=True, id_number_of=ID_NUMBER_OF)
    return store


@pytest.fixture
def planted(store):
    """conftest's empty store (a file, then a lake) with :data:`PLANTED`."""
    return plant(store)


@pytest.fixture
def planted_file(file_store):
    return plant(file_store)


def account(personal_data: bool, role: str = "planner") -> User:
    at = datetime(2026, 1, 1)
    return User("ana", "Ana", role, True, (), 0, None, at, at, at, None, personal_data=personal_data)


def text_of(data: bytes, fmt: str) -> str:
    """All the text of a network file (every member of the CSV zip)."""
    if fmt != "csv":
        return data.decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def read_back(data: bytes, fmt: str) -> tuple[nx.Graph, dict, dict]:
    """A network file as a graph (node ids as ints), its provenance, and the CSV sheets' rows (csv only)."""
    if fmt == "graphml":
        graph = nx.read_graphml(io.BytesIO(data), node_type=int)
        return graph, json.loads(graph.graph["cordon_provenance"]), {}
    if fmt == "gexf":
        graph = nx.read_gexf(io.BytesIO(data), node_type=int)
        return graph, json.loads(fromstring(data).find("{*}meta/{*}description").text), {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
                  for name in ("nodes.csv", "links.csv")}
        provenance = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith(".provenance.json"))))
    graph = nx.Graph()  # labels as written before neutralisation (its own test checks the quote is there)
    graph.add_nodes_from((int(row["Id"]), {"label": row["Label"].removeprefix("'"), "kind": row["kind"],
                                           "community": int(row["community"])}) for row in sheets["nodes.csv"])
    graph.add_edges_from((int(row["Source"]), int(row["Target"]), {"weight": int(row["Weight"]), "roles": row["roles"]})
                         for row in sheets["links.csv"])
    return graph, provenance, sheets


def test_each_format_reads_back_with_the_same_nodes_links_and_provenance(planted):
    with planted.reading() as con:
        network = read_network(con, Filters(), unmasked=True)
        export = read_network_export(con, Filters(), EVERYTHING, unmasked=True)
        view = provenance_for(con, "seizures", Filters())
    for fmt in NETWORK_FORMATS:
        graph, provenance, _ = read_back(network_bytes(export, fmt, "network"), fmt)
        assert set(graph.nodes) == set(network.graph.nodes), fmt
        assert {frozenset(edge) for edge in graph.edges} == {frozenset(edge) for edge in network.graph.edges}, fmt
        for node, attributes in network.graph.nodes(data=True):
            assert graph.nodes[node]["label"] == attributes["label"], fmt
            assert graph.nodes[node]["kind"] == attributes["kind"], fmt
            assert graph.nodes[node]["community"] == attributes["community"], fmt  # typed: an integer again
        for source, target, attributes in network.graph.edges(data=True):
            assert graph.edges[source, target]["weight"] == attributes["weight"], fmt
            assert graph.edges[source, target]["roles"] == attributes["roles"], fmt
        assert provenance == export.provenance, fmt
    assert provenance["layer"] == "network" and provenance["records"] == view.records == 2
    assert provenance["input_sha256"] == view.input_sha256 and provenance["snapshot"] == view.snapshot
    assert (provenance["nodes"], provenance["edges"]) == (len(network.nodes), len(network.edges))
    assert provenance["scope"]["everything"] and provenance["cordon_version"] == view.cordon_version


def test_graph_formats_carry_typed_dates_and_identifiers(planted_file):
    with planted_file.reading() as con:
        export = read_network_export(con, Filters(), EVERYTHING, unmasked=True)
    graph = nx.read_graphml(io.BytesIO(network_bytes(export, "graphml", "network")), node_type=int)
    by_label = {attributes["label"]: attributes for _, attributes in graph.nodes(data=True)}
    assert by_label[CONSIGNEE]["seizures"] == 2 and by_label[CONSIGNEE]["first_seen"] == "2025-03-03T10:00:00+08:00"
    assert by_label[CONSIGNEE]["last_seen"] == "2025-04-03T10:00:00+08:00"
    assert by_label[FORMULA]["uscc"] == USCC and by_label[DRIVER]["id_number"] == ID_NUMBER
    assert by_label[DRIVER]["is_synthetic"] is True


def test_the_csv_sheets_follow_gephi_and_i2_and_neutralise_formulas(planted_file):
    with planted_file.reading() as con:
        export = read_network_export(con, Filters(), EVERYTHING, unmasked=False)
    _, _, sheets = read_back(network_bytes(export, "csv", "network"), "csv")
    nodes, links = sheets["nodes.csv"], sheets["links.csv"]
    assert list(nodes[0])[:3] == ["Id", "Label", "kind"]
    assert list(links[0])[:6] == ["Source", "Target", "Type", "Id", "Label", "Weight"]
    assert {row["Type"] for row in links} == {"Undirected"}
    label_of = {row["Id"]: row["Label"] for row in nodes}
    for row in links:  # i2: each end's identity, kind and label on the link's row
        assert row["Source Label"] == label_of[row["Source"]] and row["Target Label"] == label_of[row["Target"]]
    assert "'" + FORMULA in label_of.values() and FORMULA not in label_of.values()
    assert any(row["Source Label"] == "'" + FORMULA or row["Target Label"] == "'" + FORMULA for row in links)


def test_an_account_without_the_grant_gets_no_phone_or_identity_number_in_clear(planted_file):
    source = Source(str(planted_file.path), EVERYTHING)
    for fmt in NETWORK_FORMATS:
        masked = network_export_download(source, Filters(), fmt, account(personal_data=False), planted_file)
        assert json.loads(masked.provenance.data)["personal_data"] == "masked"
        clear = network_export_download(source, Filters(), fmt, account(personal_data=True), planted_file)
        assert json.loads(clear.provenance.data)["personal_data"] == "unmasked"
        for number in (PHONE, ID_NUMBER):
            assert number not in text_of(masked.data, fmt), fmt
            assert number in text_of(clear.data, fmt), fmt
        assert "138****1111" in text_of(masked.data, fmt) and "450102********1231" in text_of(masked.data, fmt)
    with planted_file.reading() as con:
        views = con.execute("SELECT username, details FROM audit_log WHERE kind = 'personal_data_view'").fetchall()
    assert len(views) == len(NETWORK_FORMATS)  # each unmasked export is a view of personal data, no masked one is
    assert {username for username, _ in views} == {"ana"}
    assert all(json.loads(details)["where"] == "exports: network" for _, details in views)


def test_a_role_that_may_not_export_gets_them_masked_even_with_the_grant(planted_file):
    download = network_export_download(Source(str(planted_file.path), EVERYTHING), Filters(), "graphml",
                                       account(personal_data=True, role="analyst"), planted_file)
    assert PHONE.encode() not in download.data and ID_NUMBER.encode() not in download.data


def test_the_command_line_writes_the_network_masked_unless_asked(planted_file, tmp_path):
    db = str(planted_file.path)
    out = tmp_path / "ring.gexf"
    assert main(["export", "--db", db, "--layer", "network", "--format", "gexf", "--out", str(out),
                 "--from", "2025-04-01"]) == 0
    data = out.read_bytes()
    provenance = json.loads((tmp_path / "ring.provenance.json").read_text(encoding="utf-8"))
    assert json.loads(fromstring(data).find("{*}meta/{*}description").text) == provenance
    assert provenance["records"] == 1 and provenance["filters"]["start"].startswith("2025-04-01")
    assert PHONE.encode() not in data
    clear = tmp_path / "ring.csv.zip"
    assert main(["export", "--db", db, "--layer", "network", "--format", "csv", "--out", str(clear), "--unmasked"]) == 0
    with zipfile.ZipFile(clear) as archive:
        assert sorted(archive.namelist()) == ["links.csv", "nodes.csv", "ring.provenance.json"]
        assert PHONE in archive.read("nodes.csv").decode("utf-8-sig")
    with planted_file.reading() as con:
        (details,) = con.execute("SELECT details FROM audit_log WHERE kind = 'personal_data_view'").fetchone()
    assert str(clear) in json.loads(details)["where"]


@pytest.mark.parametrize("arguments", [
    ["--layer", "network", "--format", "gpkg", "--out", "n.gpkg"],  # not a network format
    ["--layer", "network", "--format", "gexf", "--out", "n.graphml"],  # the wrong extension
    ["--layer", "seizures", "--format", "csv", "--out", "s.csv", "--unmasked"],  # personal data only in the network
    ["--layer", "network", "--format", "gexf", "--out", "n.gexf", "--eps-km", "2"],
])
def test_the_command_line_refuses_what_the_network_does_not_take(tmp_path, arguments, capsys):
    """Refused before the store is opened: no database is there, and nothing is written."""
    arguments = [str(tmp_path / a) if a.endswith((".gpkg", ".graphml", ".csv", ".gexf")) else a for a in arguments]
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--db", str(tmp_path / "cordon.duckdb"), *arguments])
    assert exit_.value.code == 2 and "error:" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_an_empty_view_writes_an_empty_network_with_its_provenance(planted_file, tmp_path):
    with planted_file.reading() as con:
        export = read_network_export(con, Filters(start=datetime(2030, 1, 1)), EVERYTHING, unmasked=False)
    for fmt in NETWORK_FORMATS:
        path, side = write_network(export, tmp_path / f"empty{NETWORK_FORMATS[fmt].extension}", fmt)
        graph, provenance, _ = read_back(path.read_bytes(), fmt)
        assert len(graph) == 0 and provenance["records"] == 0
        assert json.loads(side.read_text(encoding="utf-8")) == provenance
