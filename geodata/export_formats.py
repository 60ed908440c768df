"""Export formats and their writers: each format's file, with the provenance inside where it has room.

Formats (``FORMATS``), each in EPSG:4326 (WGS84 lon/lat), each with the provenance inside where the
format has room for it and always beside it as ``<name>.provenance.json``:

=========  ===================================================================================
geojson    RFC 7946 (WGS84 by definition, 7 decimals ≈ 1 cm); provenance as the top-level
           foreign member ``cordon_provenance``
gpkg       GeoPackage, the layer (srs 4326) and nothing else that a GIS would offer as a layer: the
           provenance JSON is the layer's GDAL metadata item ``cordon_provenance`` (the metadata
           extension's gpkg_metadata, referenced to the layer's table in gpkg_metadata_reference),
           which QGIS shows in the layer's properties and pyogrio.read_info as ``layer_metadata``;
           ``geodata.export.write_geopackage`` puts several layers in one file
shp        zipped Shapefile (.shp .shx .dbf .prj .cpg): field names cut to dBase's 10 characters,
           the mapping in ``<name>.fields.csv`` and the provenance JSON inside the zip; text over
           254 bytes is cut by the format
kml, kmz   for Google Earth, styled by class (``geodata.export_kml``); provenance in the Document's
           ExtendedData, and in the KMZ also as a file
parquet    GeoParquet 1.1 (WKB, ``geo`` metadata with the PROJJSON of EPSG:4326); provenance as
           the schema's key-value metadata ``cordon_provenance``
csv        UTF-8 with a byte-order mark (so that Excel reads the Chinese); geometry as WKT in the
           first column ``WKT``; text cells that a spreadsheet would run as
           a formula are neutralised (:func:`neutralise_formulas`); the CRS is stated in the JSON
=========  ===================================================================================
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pyogrio
import shapely
from pyproj import CRS

from geodata.crs import WGS84
from geodata.export_kml import write_kml
from geodata.export_labels import LABEL_SUFFIX
from geodata.export_sources import LayerSource


@dataclass(frozen=True)
class Format:
    """An export format: its name on the command line, the file's extension and its media type."""

    name: str
    extension: str
    mime: str


FORMATS = {f.name: f for f in (
    Format("geojson", ".geojson", "application/geo+json"),
    Format("gpkg", ".gpkg", "application/geopackage+sqlite3"),
    Format("shp", ".shp.zip", "application/zip"),
    Format("kml", ".kml", "application/vnd.google-earth.kml+xml"),
    Format("kmz", ".kmz", "application/vnd.google-earth.kmz"),
    Format("parquet", ".parquet", "application/vnd.apache.parquet"),
    Format("csv", ".csv", "text/csv"),
)}
PROVENANCE_KEY = "cordon_provenance"
PROVENANCE_SUFFIX = ".provenance.json"
FORMULA_START = "^[=+\\-@\t\r]"  # OWASP, CSV injection: what makes a spreadsheet read a cell as a formula
SHAPEFILE_FIELD_BYTES = 10
SHAPEFILE_LABEL_END = "_l"


def neutralise_formulas(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cells that start with ``= + - @``, a tab or a carriage return, with a ``'`` put before them
    so that a spreadsheet shows them as text instead of running them (OWASP, CSV injection).

    Only text columns are touched: a number such as -3.2 in a numeric column stays a number.
    """
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        raise ValueError(f"neutralise_formulas takes a text column, got {column.type}")
    risky = pc.match_substring_regex(column, FORMULA_START)
    quoted = pc.binary_join_element_wise(pa.scalar("'", column.type), column, pa.scalar("", column.type))
    return pc.if_else(risky, quoted, column)


def check_format(fmt: str) -> Format:
    """The :class:`Format` named ``fmt``; a ValueError naming it and the choices otherwise."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[fmt]


def file_stem(path: Path, fmt: str) -> str:
    return path.name[:-len(FORMATS[fmt].extension)]


def provenance_path(path: str | os.PathLike[str], fmt: str) -> Path:
    """Where the provenance JSON of the ``fmt`` export at ``path`` goes: ``<name>.provenance.json``."""
    path = Path(path)
    return path.with_name(file_stem(path, fmt) + PROVENANCE_SUFFIX)


def provenance_json(document) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)


def _reader(source: LayerSource) -> pa.RecordBatchReader:
    return pa.RecordBatchReader.from_batches(source.schema, source.batches)


def write_ogr(source: LayerSource, path: Path, driver: str, **options) -> None:
    try:
        pyogrio.write_arrow(_reader(source), path, layer=source.layer, driver=driver, geometry_name="geometry",
                            geometry_type=source.geometry_type, crs=WGS84, **options)
    except Exception as error:
        if source.failure is None:
            raise
        raise source.failure from error  # pyogrio says only "Error while accessing batch from stream"


def _write_geojson(source: LayerSource, path: Path, provenance: dict) -> None:
    member = json.dumps({PROVENANCE_KEY: provenance}, allow_nan=False)
    write_ogr(source, path, "GeoJSON", layer_options={"RFC7946": "YES", "FOREIGN_MEMBERS_COLLECTION": member})


def write_gpkg_layer(source: LayerSource, path: Path, provenance: dict) -> None:
    """The layer into the GeoPackage at ``path`` (made, or added to), its provenance as its metadata: no
    table of its own, which geopandas.read_file and QGIS would take for a second layer and ask which to open."""
    write_ogr(source, path, "GPKG", layer_metadata={PROVENANCE_KEY: provenance_json(provenance)})


def shapefile_field_names(names: Sequence[str]) -> dict[str, str]:
    """A dBase field name of at most 10 ASCII characters for each of ``names``, unique ignoring case
    (the first 10 characters, or the first 7 and ``_`` with a number when those are taken); a label
    column keeps a ``_l`` ending (``channel_label``: ``channel_l``) to stay told apart from its code's."""
    mapping, taken = {}, set()
    for name in names:
        ascii_name = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name) or "field"
        if ascii_name.endswith(LABEL_SUFFIX) and len(ascii_name) > SHAPEFILE_FIELD_BYTES:
            ascii_name = ascii_name[:-len(LABEL_SUFFIX)][:SHAPEFILE_FIELD_BYTES - len(SHAPEFILE_LABEL_END)].rstrip("_") \
                + SHAPEFILE_LABEL_END
        short, number = ascii_name[:SHAPEFILE_FIELD_BYTES], 0
        while short.upper() in taken:
            number += 1
            suffix = f"_{number}"
            short = ascii_name[:SHAPEFILE_FIELD_BYTES - len(suffix)] + suffix
        taken.add(short.upper())
        mapping[name] = short
    return mapping


def _write_shp(source: LayerSource, path: Path, provenance: dict) -> None:
    if source.geometry_type == "Unknown":
        raise ValueError(f"a Shapefile holds one geometry type; the {source.layer} layer mixes several")
    stem = file_stem(path, "shp")
    folder = path.with_name(stem + ".parts")
    folder.mkdir()
    mapping = shapefile_field_names([name for name in source.schema.names if name != "geometry"])
    short = [mapping.get(name, name) for name in source.schema.names]
    renamed = LayerSource(source.layer, pa.schema([f.with_name(n) for f, n in zip(source.schema, short, strict=True)]),
                          (batch.rename_columns(short) for batch in source.batches), source.geometry_type, source.rows)
    write_ogr(renamed, folder / f"{stem}.shp", "ESRI Shapefile", layer_options={"ENCODING": "UTF-8"})
    with open(folder / f"{stem}.fields.csv", "w", encoding="utf-8", newline="") as fields:
        writer = csv.writer(fields)
        writer.writerow(["shapefile_field", "field"])
        writer.writerows((mapped, name) for name, mapped in mapping.items())
    (folder / f"{stem}{PROVENANCE_SUFFIX}").write_text(provenance_json(provenance), encoding="utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, part.name)


def _write_kml(source: LayerSource, path: Path, provenance: dict) -> None:
    with open(path, "w", encoding="utf-8") as out:
        write_kml(source, out, provenance)


def _write_kmz(source: LayerSource, path: Path, provenance: dict) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("doc.kml", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
            write_kml(source, out, provenance)
        archive.writestr(file_stem(path, "kmz") + PROVENANCE_SUFFIX, provenance_json(provenance))


def _write_parquet(source: LayerSource, path: Path, provenance: dict) -> None:
    column = {"encoding": "WKB", "crs": CRS(WGS84).to_json_dict(),
              "geometry_types": [] if source.geometry_type == "Unknown" else [source.geometry_type]}
    geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}
    schema = source.schema.with_metadata({"geo": json.dumps(geo), PROVENANCE_KEY: provenance_json(provenance)})
    with pq.ParquetWriter(path, schema) as writer:
        for batch in source.batches:
            writer.write_batch(batch)


def neutralised(columns):
    """``columns`` with the cells of the text ones neutralised (:func:`neutralise_formulas`)."""
    return [neutralise_formulas(c) if pa.types.is_string(c.type) or pa.types.is_large_string(c.type) else c
            for c in columns]


def _text_columns(batch: pa.RecordBatch) -> list[pa.Array]:
    """The batch's attributes with text cells neutralised, then its geometry as WKT in front."""
    geometry = shapely.from_wkb(batch.column("geometry").to_numpy(zero_copy_only=False))
    wkt = pa.array(shapely.to_wkt(geometry, rounding_precision=-1), type=pa.string())
    return [wkt, *neutralised([batch.column(name) for name in batch.schema.names if name != "geometry"])]


def _write_csv(source: LayerSource, path: Path, provenance: dict) -> None:
    schema = pa.schema([pa.field("WKT", pa.string()), *(f for f in source.schema if f.name != "geometry")])
    with open(path, "wb") as sink:
        sink.write(codecs.BOM_UTF8)  # without it, Excel reads UTF-8 as the local code page: Chinese turns to noise
        with pa_csv.CSVWriter(sink, schema) as writer:
            for batch in source.batches:
                writer.write_batch(pa.RecordBatch.from_arrays(_text_columns(batch), schema=schema))


WRITERS = {"geojson": _write_geojson, "gpkg": write_gpkg_layer, "shp": _write_shp, "kml": _write_kml, "kmz": _write_kmz,
           "parquet": _write_parquet, "csv": _write_csv}
