"""Every export path writes each layer with the row count its provenance states: one layer, all layers in one
GeoPackage, the command line and the Analysis page's Export panel; a stream cut short fails instead of
writing a file that silently lacks rows."""

from __future__ import annotations

import json

import pyarrow as pa
import pyogrio
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import Source
from dashboard.screens.exports import ALL_LAYERS, EXPORT_KEY, VIEW_LAYERS, export_download
from geodata.__main__ import main
from geodata.export import export_seizures, write_geopackage, write_layer
from geodata.export_sources import LAYERS, LayerSource, build_layer, provenance_for, seizure_source
from queries.access import Scope
from queries.filters import Filters
from queries.stores import open_store
from tests.dashboard.test_app import APP, signed_in

FILTERS = Filters()
CLI_ARGUMENTS = {"clusters": ["--eps-km", "2", "--min-count", "5"]}


def gpkg_counts(data_or_path, tmp_path) -> dict[str, int]:
    """The rows of each layer of a GeoPackage (bytes or a path)."""
    path = data_or_path
    if isinstance(data_or_path, bytes):
        path = tmp_path / "read.gpkg"
        path.write_bytes(data_or_path)
    return {name: pyogrio.read_info(path, layer=name)["features"] for name, _ in pyogrio.list_layers(path)}


def assert_counts_match(counts: dict[str, int], provenances: dict[str, dict]) -> None:
    """Each layer's rows in the file are the features its provenance states; the seizures, its records."""
    assert set(counts) == set(provenances)
    for name, rows in counts.items():
        assert rows == provenances[name]["features"], name
    if "seizures" in counts:
        assert counts["seizures"] == provenances["seizures"]["records"] > 0


def everyone(seeded_db) -> Source:
    return Source(str(seeded_db), Scope(everything=True))


@pytest.mark.parametrize("layer", LAYERS)
def test_a_single_layer_holds_the_rows_its_provenance_states(seeded_db, tmp_path, layer):
    out = tmp_path / f"{layer}.gpkg"
    with open_store(seeded_db).reading() as con:
        if layer == "seizures":
            export_seizures(con, FILTERS, "gpkg", out)
        else:
            frame, provenance = build_layer(con, layer, FILTERS)
            write_layer(frame, out, "gpkg", provenance)
    provenance = json.loads((tmp_path / f"{layer}.provenance.json").read_text(encoding="utf-8"))
    assert_counts_match(gpkg_counts(out, tmp_path), {layer: provenance})


@pytest.mark.parametrize("layer", [*VIEW_LAYERS, ALL_LAYERS])
def test_the_export_panel_download_holds_the_rows_its_provenance_states(seeded_db, tmp_path, layer):
    download = export_download(everyone(seeded_db), FILTERS, layer, "gpkg", None)
    provenance = json.loads(download.provenance.data)
    assert_counts_match(gpkg_counts(download.data, tmp_path), provenance.get("layers", {layer: provenance}))


def test_all_layers_in_one_geopackage_hold_the_rows_their_provenances_state(seeded_db, tmp_path):
    """The library path: every layer built on one connection before any is written, the seizure stream first."""
    out = tmp_path / "all.gpkg"
    with open_store(seeded_db).reading() as con:
        seizures = provenance_for(con, "seizures", FILTERS)
        layers = [(seizure_source(con, FILTERS, seizures.records), seizures),
                  *(build_layer(con, name, FILTERS) for name in LAYERS if name != "seizures")]
        write_geopackage(layers, out)
    side = json.loads((tmp_path / "all.provenance.json").read_text(encoding="utf-8"))["layers"]
    assert_counts_match(gpkg_counts(out, tmp_path), side)


@pytest.mark.parametrize("layer", LAYERS)
def test_the_command_line_writes_the_rows_its_provenance_states(seeded_db, tmp_path, capsys, layer):
    out = tmp_path / f"{layer}.gpkg"
    assert main(["export", "--db", str(seeded_db), "--layer", layer, "--format", "gpkg", "--out", str(out),
                 *CLI_ARGUMENTS.get(layer, [])]) == 0
    provenance = json.loads((tmp_path / f"{layer}.provenance.json").read_text(encoding="utf-8"))
    counts = gpkg_counts(out, tmp_path)
    assert_counts_match(counts, {layer: provenance})
    assert f"{layer}: {counts[layer]} features written" in capsys.readouterr().out


@pytest.mark.parametrize("layer", ["seizures", ALL_LAYERS])
def test_the_analysis_page_export_holds_the_rows_its_provenance_states(seeded_db, monkeypatch, tmp_path, layer):
    monkeypatch.setenv("CORDON_DB", str(seeded_db))
    app = signed_in(AppTest.from_file(APP, default_timeout=120))
    app.query_params["period"] = "all"
    app.run()
    app.switch_page("screens/analysis.py").run()
    app.segmented_control(key="a_method").set_value("hotspots").run()
    app.selectbox(key="x_layer").set_value(layer)
    app.selectbox(key="x_format").set_value("gpkg")
    next(button for button in app.button if button.label == "Prepare the file").click().run()
    assert not app.exception
    download = app.session_state[EXPORT_KEY].download
    provenance = json.loads(download.provenance.data)
    each = provenance.get("layers", {layer: provenance})
    assert layer == "seizures" or set(each) == {"hotspots", *VIEW_LAYERS}
    assert_counts_match(gpkg_counts(download.data, tmp_path), each)


def test_a_seizure_stream_is_whole_after_other_queries_ran_on_its_connection(seeded_db):
    """The stream is opened when it is read, not when it is made: queries run on the connection in
    between (another layer, its provenance) no longer end it early."""
    with open_store(seeded_db).reading() as con:
        provenance = provenance_for(con, "seizures", FILTERS)
        source = seizure_source(con, FILTERS, provenance.records, batch_rows=256)
        build_layer(con, "checkpoints", FILTERS)
        assert sum(batch.num_rows for batch in source.batches) == provenance.records > 0


@pytest.mark.parametrize(("rows", "claimed"), [(3, 5), (5, 3)])
def test_a_stream_that_disagrees_with_its_row_count_fails_and_writes_nothing(seeded_db, tmp_path, rows, claimed):
    """A stream that ends early (a DuckDB result is ended, without an error, when another query runs on
    its connection while it is read) or runs long is an error, never a file whose rows disagree."""
    with open_store(seeded_db).reading() as con:
        provenance = provenance_for(con, "seizures", FILTERS)
    schema = pa.schema([pa.field("n", pa.int64()), pa.field("geometry", pa.binary())])
    point = bytes.fromhex("0101000000000000000000f03f000000000000f03f")
    batch = pa.record_batch([pa.array(range(rows)), pa.array([point] * rows)], schema=schema)
    for writer, out in [(lambda s, o: write_layer(s, o, "gpkg", provenance), tmp_path / "one.gpkg"),
                        (lambda s, o: write_layer(s, o, "parquet", provenance), tmp_path / "one.parquet"),
                        (lambda s, o: write_geopackage([(s, provenance)], o), tmp_path / "all.gpkg")]:
        gave = f"more than {claimed}" if rows > claimed else rows
        with pytest.raises(RuntimeError, match=f"the seizures layer gave {gave} rows where its provenance counts {claimed};"):
            writer(LayerSource("seizures", schema, iter([batch]), "Point", claimed), out)
    assert not [path.name for path in tmp_path.iterdir() if not path.name.startswith("read")]
