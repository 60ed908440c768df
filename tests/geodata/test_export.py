"""Exports: every layer in every format reads back with the same geometries, attributes and provenance."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import warnings
import xml.etree.ElementTree as ET
import zipfile
from contextlib import closing
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from pyproj import CRS

from geodata.analysis_data import read_analysis_points
from geodata.clusters import DBSCANParams
from geodata.export import (
    FORMATS,
    LayerSource,
    check_output,
    export_seizures,
    export_to_bytes,
    provenance_path,
    safe_filename,
    write_geopackage,
    write_layer,
)
from geodata.export_formats import shapefile_field_names
from geodata.export_kml import KML_NAMESPACE, kml_colour
from geodata.export_labels import CODE_COLUMNS, LABEL_SUFFIX
from geodata.export_sources import (
    build_layer,
    frame_source,
    provenance_for,
    seizure_source,
)
from geodata.palette import BIN_COLOURS, CATEGORY_COLOURS
from geodata.reference import load_layer
from queries import __version__
from queries.filters import Filters
from queries.labels import label, t
from queries.store import run
from queries.stores import open_store

FILTERS = Filters(start=datetime(2024, 1, 1), end=datetime(2026, 7, 1))
LAYER_NAMES = ("hotspots", "clusters", "emerging", "gaps", "checkpoints", "hubs", "zones")
OGR_FORMATS = ("geojson", "gpkg", "shp", "parquet", "csv")
SOME_SEIZURES = Filters(start=datetime(2025, 1, 1), end=datetime(2026, 7, 1), item_groups=("Sb", "Ga", "Ge"))
KML = f"{{{KML_NAMESPACE}}}"


@pytest.fixture(scope="module")
def layers(seeded_db):
    """Each layer but the seizures, computed once for the view, with its provenance."""
    built = {}
    with open_store(seeded_db).reading() as con:
        for name in LAYER_NAMES:
            params = DBSCANParams(eps_km=2, min_count=5) if name == "clusters" else None
            built[name] = build_layer(con, name, FILTERS, params)
    return built


# -- reading back -----------------------------------------------------------------------------------

def read_back(path, fmt, layer):
    """The exported rows as a GeoDataFrame with the source's column names, and the provenance inside."""
    if fmt == "geojson":
        return gpd.read_file(path), json.loads(path.read_text(encoding="utf-8"))["cordon_provenance"]
    if fmt == "gpkg":
        inside = json.loads(pyogrio.read_info(path, layer=layer)["layer_metadata"]["cordon_provenance"])
        assert gpkg_metadata_provenance(path, layer) == inside
        return gpd.read_file(path, layer=layer), inside
    if fmt == "shp":
        with zipfile.ZipFile(path) as archive:
            stem = path.name[:-len(".shp.zip")]
            inside = json.loads(archive.read(f"{stem}.provenance.json"))
            mapping = dict(csv.reader(io.StringIO(archive.read(f"{stem}.fields.csv").decode("utf-8"))))
        frame = gpd.read_file(path)
        return frame.rename(columns={k: v for k, v in mapping.items() if k != "shapefile_field"}), inside
    if fmt == "parquet":
        return gpd.read_parquet(path), json.loads(pq.read_schema(path).metadata[b"cordon_provenance"])
    if fmt == "csv":
        table = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, na_values=[""], dtype=str)
        frame = gpd.GeoDataFrame(table.drop(columns="WKT"), geometry=shapely.from_wkt(table["WKT"]), crs=4326)
        return frame, json.loads(provenance_path(path, fmt).read_text(encoding="utf-8"))
    raise AssertionError(fmt)


def gpkg_metadata_provenance(path, layer) -> dict:
    """The provenance of ``layer`` read with sqlite3 alone from the GeoPackage metadata extension: its
    gpkg_metadata row (GDAL's XML) referenced to the layer's table."""
    with closing(sqlite3.connect(path)) as con:
        rows = con.execute("SELECT m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r ON r.md_file_id = m.id"
                           " WHERE r.reference_scope = 'table' AND r.table_name = ?", (layer,)).fetchall()
    assert len(rows) == 1
    return json.loads(ET.fromstring(rows[0][0]).find("Metadata/MDI[@key='cordon_provenance']").text)


def cell(value):
    """A cell in comparable form: missing as None, numbers as floats, times ISO, lists joined by commas
    (as exported), numbers and times read back from text parsed."""
    if isinstance(value, list | np.ndarray):
        return ",".join(map(str, value))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, float | int | np.number):
        return float(value)
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).isoformat()
    if re.fullmatch(r"\d{4}-\d\d-\d\d[ T][\d:.]+", value):
        return pd.Timestamp(value).isoformat()
    try:
        return float(value)
    except ValueError:
        return {"True": "true", "False": "false"}.get(value, value)


def same_cells(read, source) -> bool:
    """Equal cells; numbers to 1e-12 (a dBase field keeps 15 decimals)."""
    return all(a == b or (isinstance(a, float) and isinstance(b, float) and np.isclose(a, b, rtol=1e-12, atol=1e-12))
               for a, b in zip(map(cell, read), map(cell, source), strict=True))


def with_labels(columns) -> list[str]:
    """``columns`` as exported: a label column after each code column (unless it is already there)."""
    return [name for column in columns for name in
            ((column, column + LABEL_SUFFIX) if column in CODE_COLUMNS and column + LABEL_SUFFIX not in columns
             else (column,))]


def assert_same_layer(source: gpd.GeoDataFrame, read: gpd.GeoDataFrame, tolerance: float = 0.0):
    assert len(read) == len(source)
    assert read.crs is not None and read.crs.to_epsg() == 4326
    columns = [c for c in source.columns if c != source.geometry.name]
    assert [c for c in read.columns if c != read.geometry.name] == with_labels(columns)
    for name in columns:
        assert same_cells(read[name], source[name]), name
    same = shapely.equals_exact(shapely.normalize(read.geometry.values), shapely.normalize(source.geometry.values),
                                tolerance=tolerance)
    assert same.all()


def assert_provenance(inside: dict, side: dict, provenance, features: int):
    assert inside == side
    assert inside["features"] == features and inside["layer"] == provenance.layer
    assert inside["input_sha256"] == provenance.input_sha256 and len(inside["input_sha256"]) == 64
    assert inside["filters"]["start"] == "2024-01-01T00:00:00" and inside["filters"]["end"] == "2026-07-01T00:00:00"
    assert inside["cordon_version"] == __version__ and inside["crs"] == "EPSG:4326"
    assert inside["records"] == provenance.records and inside["data_cutoff"].endswith("+08:00")


@pytest.mark.parametrize("fmt", OGR_FORMATS)
@pytest.mark.parametrize("layer", LAYER_NAMES)
def test_every_layer_reads_back_the_same_in_every_gis_format(layers, tmp_path, layer, fmt):
    frame, provenance = layers[layer]
    assert len(frame) > 0
    path, side = write_layer(frame, tmp_path / f"{layer}{FORMATS[fmt].extension}", fmt, provenance)
    read, inside = read_back(path, fmt, layer)
    assert_same_layer(frame, read, tolerance=1e-7 if fmt == "geojson" else 0.0)  # RFC 7946: 7 decimals
    assert_provenance(inside, json.loads(side.read_text(encoding="utf-8")), provenance, len(frame))


def test_the_crs_is_declared_in_each_format(layers, tmp_path):
    frame, provenance = layers["hotspots"]
    written = {fmt: write_layer(frame, tmp_path / f"h{FORMATS[fmt].extension}", fmt, provenance)[0]
               for fmt in ("geojson", "gpkg", "shp", "parquet")}
    assert pyogrio.read_info(written["gpkg"], layer="hotspots")["crs"] == "EPSG:4326"
    assert CRS.from_wkt(zipfile.ZipFile(written["shp"]).read("h.prj").decode()).to_epsg() == 4326
    geo = json.loads(pq.read_schema(written["parquet"]).metadata[b"geo"])
    assert geo["columns"]["geometry"]["crs"]["id"] == {"authority": "EPSG", "code": 4326}
    assert "crs" not in json.loads(written["geojson"].read_text())  # RFC 7946: WGS84 by definition
    assert zipfile.ZipFile(written["shp"]).read("h.cpg") == b"UTF-8"


# -- KML ----------------------------------------------------------------------------------------------

def kml_document(path, fmt):
    if fmt == "kmz":
        with zipfile.ZipFile(path) as archive:
            assert archive.namelist()[0] == "doc.kml"
            return ET.fromstring(archive.read("doc.kml")), json.loads(archive.read(path.stem + ".provenance.json"))
    return ET.parse(path).getroot(), None


def kml_rows(document) -> list[dict]:
    return [{d.get("name"): d.text for d in mark.iter(f"{KML}SimpleData")} for mark in document.iter(f"{KML}Placemark")]


def kml_polygons(document) -> list:
    shapes = []
    for mark in document.iter(f"{KML}Placemark"):
        rings = [[tuple(map(float, point.split(","))) for point in ring.text.split()]
                 for ring in mark.iter(f"{KML}coordinates")]
        shapes.append(shapely.Polygon(rings[0], rings[1:]) if len(rings[0]) > 1 else shapely.Point(rings[0][0]))
    return shapes


@pytest.mark.parametrize("lang", ("en", "zh"))
def test_kml_names_its_classes_and_placemarks_in_the_exports_language(layers, tmp_path, lang):
    frame, provenance = layers["hotspots"]
    path, _ = write_layer(frame, tmp_path / f"hotspots_{lang}.kml", "kml", provenance, lang)
    document = kml_document(path, "kml")[0].find(f"{KML}Document")
    legend = document.find(f"{KML}description").text
    assert all(t(f"bin_{b}", lang) in legend for b in BIN_COLOURS) and t("cut_off", lang) in legend
    marks = list(document.iter(f"{KML}Placemark"))
    assert [mark.find(f"{KML}name").text for mark in marks] == frame[f"place_{lang}"].tolist()  # not the hexagon id
    assert [mark.find(f"{KML}description").text for mark in marks] == [t(f"bin_{b}", lang) for b in frame["bin"]]


@pytest.mark.parametrize("fmt", ("kml", "kmz"))
@pytest.mark.parametrize("layer", LAYER_NAMES)
def test_kml_holds_the_rows_geometries_and_provenance(layers, tmp_path, layer, fmt):
    frame, provenance = layers[layer]
    path, side = write_layer(frame, tmp_path / f"{layer}.{fmt}", fmt, provenance)
    root, zipped = kml_document(path, fmt)
    document = root.find(f"{KML}Document")
    value = document.find(f"{KML}ExtendedData/{KML}Data[@name='cordon_provenance']/{KML}value").text
    assert_provenance(json.loads(value), json.loads(side.read_text(encoding="utf-8")), provenance, len(frame))
    assert zipped is None or zipped == json.loads(value)
    rows = kml_rows(document)
    columns = [c for c in frame.columns if c != "geometry"]
    assert list(max(rows, key=len)) == with_labels(columns)  # a row without a missing value (None is left out)
    for name in columns:
        assert same_cells([row.get(name) for row in rows], frame[name]), name
    shapes = kml_polygons(document)
    assert shapely.equals_exact(shapely.normalize(shapes), shapely.normalize(frame.geometry.values), tolerance=0).all()


@pytest.mark.parametrize(("layer", "column", "colours"), [("hotspots", "bin", BIN_COLOURS),
                                                          ("emerging", "category", CATEGORY_COLOURS)])
def test_kml_styles_each_feature_by_its_class(layers, tmp_path, layer, column, colours):
    frame, provenance = layers[layer]
    path, _ = write_layer(frame, tmp_path / f"{layer}.kml", "kml", provenance)
    document = ET.parse(path).getroot().find(f"{KML}Document")
    styles = {s.get("id"): s.find(f"{KML}PolyStyle/{KML}color").text for s in document.iter(f"{KML}Style")}
    marks = list(document.iter(f"{KML}Placemark"))
    assert len(set(frame[column])) > 1
    for mark, value in zip(marks, frame[column], strict=True):
        assert styles[mark.find(f"{KML}styleUrl").text.lstrip("#")] == kml_colour(colours[value], 176)


def test_gdal_reads_the_kml_geometries_too(layers, tmp_path):
    frame, provenance = layers["clusters"]
    path, _ = write_layer(frame, tmp_path / "clusters.kml", "kml", provenance)
    read = pyogrio.read_dataframe(path)
    assert len(read) == len(frame)
    assert shapely.equals_exact(shapely.normalize(read.geometry.values), shapely.normalize(frame.geometry.values),
                                tolerance=1e-9).all()


# -- provenance -------------------------------------------------------------------------------------

def test_the_input_hash_is_the_documented_sha256_of_the_rows_json(seeded_db):
    with open_store(seeded_db).reading() as con:
        provenance = provenance_for(con, "seizures", FILTERS)
        cursor = con.execute("SELECT * FROM seizures WHERE occurred_at >= $a AND occurred_at < $b ORDER BY seizure_id",
                             {"a": FILTERS.start, "b": FILTERS.end})
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()

    def row_json(row) -> str:
        values = {n: v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v for n, v in zip(names, row)}
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))

    digests = "".join(hashlib.sha256(row_json(row).encode("utf-8")).hexdigest() for row in rows)
    assert provenance.records == len(rows) > 100
    assert provenance.input_sha256 == hashlib.sha256(digests.encode()).hexdigest()


def test_analysis_provenance_counts_the_points_used_and_the_cutoff(seeded_db, layers):
    _, provenance = layers["clusters"]
    with open_store(seeded_db).reading() as con:
        data = read_analysis_points(con, FILTERS)
        newest = run(con, "export_seizures", FILTERS.params())["ingested_at"].max()
        everything = provenance_for(con, "seizures", FILTERS)
    assert (provenance.records, provenance.left_out) == (len(data.points), data.left_out)
    assert everything.records == provenance.records + provenance.left_out and everything.left_out == 0
    assert provenance.input_sha256 != everything.input_sha256
    assert provenance.data_cutoff == newest.isoformat() + "+08:00"
    assert provenance.parameters == {"params": {"method": "dbscan", "eps_km": 2, "min_count": 5, "window_days": None,
                                                "outline_km": 0.5}}


@pytest.mark.parametrize(("filters", "chosen"), [
    (Filters(destinations=("VNM", "MMR")), lambda rows: rows.destination_iso3.isin(["VNM", "MMR"])),
    (Filters(case_statuses=("open", "closed")), lambda rows: rows.case_status.isin(["open", "closed"])),
], ids=("destinations", "case_statuses"))
def test_an_analysis_takes_exactly_the_records_a_destination_or_case_status_filter_selects(seeded_db, filters, chosen):
    """The points an analysis works on, the records it leaves out and its provenance's counts are those of the
    chosen destination countries or case statuses, as the store holds them."""
    with open_store(seeded_db).reading() as con:
        rows = con.execute("SELECT seizure_id, destination_iso3, case_status, geo_precision FROM seizures").df()
        data = read_analysis_points(con, filters)
        provenance = provenance_for(con, "clusters", filters)
    selected = rows[chosen(rows)]
    precise = selected["geo_precision"].isin(["point", "town"])  # what the analyses use (precise_enough)
    assert 0 < precise.sum() < rows["geo_precision"].isin(["point", "town"]).sum() and (~precise).sum() > 0
    assert sorted(data.points["seizure_id"]) == sorted(selected.loc[precise, "seizure_id"])
    assert data.left_out == (~precise).sum()
    assert (provenance.records, provenance.left_out) == (precise.sum(), (~precise).sum())


def test_the_hash_follows_the_content_of_the_rows(store):
    from queries.seizures import insert_seizures
    from tests.conftest import seizure_row

    with store.writing() as con:
        insert_seizures(con, pd.concat([seizure_row(), seizure_row(source_id="T-2", quantity_kg=5.0)]))
    with store.reading() as con:
        first, again = provenance_for(con, "seizures", Filters()), provenance_for(con, "seizures", Filters())
    with store.writing() as con:
        con.execute("UPDATE seizures SET quantity_kg = 6.0 WHERE source_id = 'T-2'")
    with store.reading() as con:
        changed = provenance_for(con, "seizures", Filters())
    assert first.input_sha256 == again.input_sha256 != changed.input_sha256
    assert first.records == changed.records == 2


# -- several layers, downloads, streaming -----------------------------------------------------------

def test_several_layers_go_into_one_geopackage(layers, tmp_path):
    chosen = [layers[name] for name in ("hotspots", "clusters", "zones")]
    path, side = write_geopackage(chosen, tmp_path / "planning.gpkg")
    names = [name for name, _ in pyogrio.list_layers(path)]
    assert names == ["hotspots", "clusters", "zones"]  # the provenances are metadata, not layers
    documents = json.loads(side.read_text(encoding="utf-8"))["layers"]
    for frame, provenance in chosen:
        assert_same_layer(frame, gpd.read_file(path, layer=provenance.layer))
        inside = json.loads(pyogrio.read_info(path, layer=provenance.layer)["layer_metadata"]["cordon_provenance"])
        assert gpkg_metadata_provenance(path, provenance.layer) == inside
        assert_provenance(inside, documents[provenance.layer], provenance, len(frame))


def test_a_one_layer_geopackage_opens_on_its_layer_without_a_question(layers, tmp_path):
    frame, provenance = layers["hotspots"]
    path, side = write_layer(frame, tmp_path / "hotspots.gpkg", "gpkg", provenance)
    assert [name for name, _ in pyogrio.list_layers(path)] == ["hotspots"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pyogrio warns "More than one layer found" when a file has several
        read = gpd.read_file(path)
    assert len(read) == len(frame)
    assert gpkg_metadata_provenance(path, "hotspots") == json.loads(side.read_text(encoding="utf-8"))


def test_a_download_is_one_safely_named_file_with_its_provenance(layers):
    frame, provenance = layers["hotspots"]
    shp = export_to_bytes(frame, "shp", provenance, "../hot spots/广西 2025")
    assert shp.file_name == "hot_spots_广西_2025.shp.zip" and shp.mime == "application/zip"
    with zipfile.ZipFile(io.BytesIO(shp.data)) as archive:
        assert {n.rsplit(".", 1)[-1] for n in archive.namelist()} >= {"shp", "shx", "dbf", "prj", "cpg", "json", "csv"}
        assert json.loads(archive.read("hot_spots_广西_2025.provenance.json")) == json.loads(shp.provenance.data)
    geojson = export_to_bytes(frame, "geojson", provenance, "hotspots")
    assert geojson.mime == "application/geo+json" and geojson.provenance.file_name == "hotspots.provenance.json"
    document = json.loads(geojson.data)
    assert len(document["features"]) == len(frame)
    assert document["cordon_provenance"] == json.loads(geojson.provenance.data)


@pytest.mark.parametrize("fmt", ("gpkg", "parquet", "csv", "geojson", "kmz"))
def test_streamed_seizures_are_the_rows_a_whole_frame_gives(seeded_db, tmp_path, fmt):
    extension = FORMATS[fmt].extension
    with open_store(seeded_db).reading() as con:
        streamed = export_seizures(con, SOME_SEIZURES, fmt, tmp_path / f"streamed{extension}", batch_rows=100)
        rows = run(con, "export_seizures", SOME_SEIZURES.params())
        provenance = provenance_for(con, "seizures", SOME_SEIZURES)
    frame = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(rows["lon"], rows["lat"]), crs=4326)
    write_layer(frame, tmp_path / f"whole{extension}", fmt, provenance)
    assert streamed.records == len(frame) > 300  # several batches of 100
    if fmt == "kmz":
        (stream_doc, _), (whole_doc, _) = (kml_document(tmp_path / f"{n}.kmz", fmt) for n in ("streamed", "whole"))
        assert kml_rows(stream_doc) == kml_rows(whole_doc) and len(kml_rows(stream_doc)) == len(frame)
        return
    stream_rows, stream_provenance = read_back(tmp_path / f"streamed{extension}", fmt, "seizures")
    whole_rows, _ = read_back(tmp_path / f"whole{extension}", fmt, "seizures")
    assert_same_layer(whole_rows, stream_rows)
    assert_same_layer(frame, stream_rows, tolerance=1e-7 if fmt == "geojson" else 0.0)
    assert {k: v for k, v in stream_provenance.items() if k != "exported_at"} == {
        k: v for k, v in provenance.to_dict().items() if k != "exported_at"} | {"features": len(frame)}


def test_the_seizure_source_streams_record_batches(seeded_db):
    with open_store(seeded_db).reading() as con:
        source = seizure_source(con, FILTERS, provenance_for(con, "seizures", FILTERS).records, batch_rows=256)
        sizes = [batch.num_rows for batch in source.batches]
    assert isinstance(source, LayerSource) and source.geometry_type == "Point"
    assert len(sizes) > 3 and max(sizes) <= 256 and "geometry" in source.schema.names


# -- safety -----------------------------------------------------------------------------------------

HOSTILE_CELLS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTAB", "\rCR"]


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path, layers):
    _, provenance = layers["checkpoints"]
    frame = gpd.GeoDataFrame({"name_en": [*HOSTILE_CELLS, "plain"], "kg": [-3.2, 1, 2, 3, 4, 5, -7]},
                             geometry=gpd.points_from_xy(range(7), range(7)), crs=4326)
    path, _ = write_layer(frame, tmp_path / "hostile.csv", "csv", provenance)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["name_en"] for row in rows] == [f"'{cell}" for cell in HOSTILE_CELLS] + ["plain"]
    assert rows[0]["name_en"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert [row["kg"] for row in rows][:1] == ["-3.2"] and rows[-1]["kg"] == "-7"
    assert rows[0]["WKT"] == "POINT (0 0)"


def test_streamed_seizure_text_is_neutralised_in_csv(store, tmp_path):
    from queries.seizures import insert_seizures
    from tests.conftest import seizure_row

    with store.writing() as con:
        insert_seizures(con, seizure_row(declared_as='=HYPERLINK("http://x","y")', source_ref="@attack",
                                         concealment=None, concealment_text="+藏在货车备胎内",
                                         detection_text="经X光机查验发现"))
    with store.reading() as con:
        export_seizures(con, Filters(), "csv", tmp_path / "seizures.csv")
    assert (tmp_path / "seizures.csv").read_bytes().startswith(b"\xef\xbb\xbf\"WKT\",")  # the BOM, for Excel
    with open(tmp_path / "seizures.csv", encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["declared_as"] == "'=HYPERLINK(\"http://x\",\"y\")" and row["source_ref"] == "'@attack"
    assert row["quantity_kg"] == "1200" and row["lon"] == "106.712"
    # how it was concealed and detected: the category and its label beside the post's words, kept as written
    assert list(row)[list(row).index("concealment"):][:6] == ["concealment", "concealment_label", "concealment_text",
                                                              "detection", "detection_label", "detection_text"]
    assert (row["concealment"], row["concealment_text"], row["detection"], row["detection_label"],
            row["detection_text"]) == ("", "'+藏在货车备胎内", "x_ray", "X-ray", "经X光机查验发现")


@pytest.mark.parametrize("hostile", [
    "../../etc/passwd", "..", ".", "", "   ", "\x00\x01\x1f", ".bashrc", "-rf --no-preserve-root", "CON", "con.txt",
    'a/b\\c:d*e?f"g<h>i|j', "evil\u202etxt.exe", "／etc／shadow", "line\nbreak\rreturn", "热点" * 200,
    "C:\\Windows\\system32", "name. . .", "\u200b\u200b",
])
def test_safe_filename_gives_a_plain_bounded_name(hostile):
    name = safe_filename(hostile)
    assert name and len(name.encode("utf-8")) <= 120
    assert not any(c in name for c in '/\\:*?"<>|') and all(c.isprintable() for c in name)
    assert not name.startswith((".", "-")) and not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}


def test_safe_filename_keeps_what_is_harmless():
    assert safe_filename("hotspots 2025-01 广西") == "hotspots_2025-01_广西"
    assert safe_filename("../../etc/passwd") == "etc_passwd"
    assert safe_filename("", default="layer") == "layer"
    with pytest.raises(TypeError, match="str"):
        safe_filename(None)


def test_shapefile_field_names_are_short_unique_and_ascii():
    names = ["checkpoint_id", "checkpoint_en", "checkpoint_zh", "checkpoint_km", "kg", "名称", "KG"]
    mapping = shapefile_field_names(names)
    assert all(len(short) <= 10 and short.isascii() for short in mapping.values())
    assert len({short.upper() for short in mapping.values()}) == len(names) and mapping["kg"] == "kg"


# -- wrong inputs -----------------------------------------------------------------------------------

def test_wrong_inputs_are_named_in_the_error(layers, tmp_path):
    frame, provenance = layers["hotspots"]
    with pytest.raises(ValueError, match="unknown format 'xls'"):
        write_layer(frame, tmp_path / "h.xls", "xls", provenance)
    with pytest.raises(ValueError, match=r"ending in \.gpkg"):
        write_layer(frame, tmp_path / "h.geojson", "gpkg", provenance)
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        check_output(tmp_path / "folder.csv", "csv")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        check_output(tmp_path / "file" / "h.csv", "csv")
    with pytest.raises(ValueError, match="layer 'seizures' but the provenance of 'hotspots'"):
        write_layer(LayerSource("seizures", frame_source(frame, "hotspots").schema, iter([]), "Point", 0),
                    tmp_path / "h.csv", "csv", provenance)
    with pytest.raises(ValueError, match="no CRS"):
        write_layer(frame.set_crs(None, allow_override=True), tmp_path / "h.csv", "csv", provenance)
    assert not list(tmp_path.glob("h.*"))


# -- label columns ----------------------------------------------------------------------------------

def expected_labels(frame, column: str, lang: str) -> list:
    """The labels of a code column in ``lang``, missing where the code is; a list's codes each labelled, a
    place's name from its layer, a cluster's shares with their codes labelled."""
    if column == "item_groups":
        return [",".join(label(code, lang) for code in codes) for codes in frame[column]]
    if column in ("province_code", "county_code", "zone_code"):
        names = load_layer("provinces" if column == "province_code" else "counties").set_index("code")[f"name_{lang}"]
        return [None if pd.isna(code) else names[code] for code in frame[column]]
    if column in ("main_items", "main_channels"):
        return [", ".join(f"{label(part.split(' ')[0], lang)} {part.split(' ', 1)[1]}" for part in text.split(", "))
                for text in frame[column]]
    return [None if pd.isna(code) else t(f"bin_{code}", lang) if column == "bin" else label(code, lang)
            for code in frame[column]]


@pytest.mark.parametrize("lang", ("en", "zh"))
@pytest.mark.parametrize("fmt", (*OGR_FORMATS, "kml"))
def test_each_code_column_has_a_label_column_beside_it_in_the_exports_language(layers, tmp_path, fmt, lang):
    for layer, codes in (("checkpoints", ("kind", "geo_precision", "counterpart_iso3", "agency")),
                         ("hubs", ("kind", "item_groups")), ("hotspots", ("bin", "county_code")),
                         ("emerging", ("category", "county_code")), ("zones", ("zone_code",)),
                         ("clusters", ("main_items", "main_channels", "zone_code", "county_code"))):
        frame, provenance = layers[layer]
        path, _ = write_layer(frame, tmp_path / f"{layer}_{lang}{FORMATS[fmt].extension}", fmt, provenance, lang)
        if fmt == "kml":
            rows = kml_rows(kml_document(path, fmt)[0])
            read = pd.DataFrame(rows)
        else:
            read = read_back(path, fmt, layer)[0]
        for code in codes:
            columns = list(read.columns)
            assert columns[columns.index(code) + 1] == code + LABEL_SUFFIX
            assert same_cells(read[code + LABEL_SUFFIX], expected_labels(frame, code, lang)), (layer, code)
        if layer == "checkpoints":
            assert {"zh": "海关", "en": "Customs"}[lang] in set(read["agency_label"])
        if layer == "clusters":  # words in the reader's language, not codes: "锑 60 %" or "Antimony 60 %", not "antimony 60 %"
            assert read["main_channels_label"].str.contains({"zh": "陆路口岸", "en": "Land port"}[lang]).any()
            assert read["main_items_label"].str.contains({"zh": "锑", "en": "Antimony"}[lang]).any()
            assert not read["main_items_label"].str.contains("_|antimony").any()


def test_streamed_seizures_are_labelled_batch_by_batch(seeded_db, tmp_path):
    with open_store(seeded_db).reading() as con:
        export_seizures(con, SOME_SEIZURES, "gpkg", tmp_path / "seizures.gpkg", batch_rows=100, lang="zh")
        rows = run(con, "export_seizures", SOME_SEIZURES.params())
    read = gpd.read_file(tmp_path / "seizures.gpkg")
    for code in ("channel", "agency", "form", "item_group", "item", "case_status", "destination_iso3",
                 "concealment", "detection", "geo_precision", "time_precision", "country_iso3", "province_code",
                 "county_code", "zone_code"):
        assert same_cells(read[code], rows[code])
        assert same_cells(read[code + LABEL_SUFFIX], expected_labels(rows, code, "zh")), code
    assert "陆路口岸" in set(read["channel_label"]) and "凭祥市" in set(read["zone_code_label"])


def test_an_unknown_export_language_is_refused(layers, tmp_path):
    frame, provenance = layers["zones"]
    with pytest.raises(ValueError, match="unknown language 'fr'; choose one of en, zh"):
        write_layer(frame, tmp_path / "zones.gpkg", "gpkg", provenance, "fr")
    assert not (tmp_path / "zones.gpkg").exists()
