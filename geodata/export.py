"""Planners' exports: any layer Cordon draws, in the formats GIS tools read, with its provenance.

Formats (``FORMATS``), each in EPSG:4326 (WGS84 lon/lat), each with the provenance inside where the
format has room for it and always beside it as ``<name>.provenance.json``:

=========  ===================================================================================
geojson    RFC 7946 (WGS84 by definition, 7 decimals ≈ 1 cm); provenance as the top-level
           foreign member ``cordon_provenance``
gpkg       GeoPackage, the layer (srs 4326) plus the attribute table ``cordon_provenance`` (layer,
           provenance JSON) and the layer's GDAL metadata in gpkg_metadata/_reference;
           :func:`write_geopackage` puts several layers in one file
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

Two ways in, so that the dashboard exports exactly what the page shows:

* an already computed layer (a GeoDataFrame the page drew) with its :class:`Provenance`
  (``provenance_for``): :func:`write_layer` to a path, :func:`export_to_bytes` for a download;
* the filtered seizures, streamed from the store in Arrow record batches and written batch by batch
  (``seizure_source``, :func:`export_seizures`), never all in memory at once.

Examples
--------
>>> with Store("data/cordon.duckdb").reading() as con:                          # doctest: +SKIP
...     provenance = provenance_for(con, "clusters", filters, table.attrs)
>>> download = export_to_bytes(table, "kmz", provenance, "clusters Guangxi 2025")  # doctest: +SKIP
>>> download.file_name, download.mime, download.provenance.file_name             # doctest: +SKIP
('clusters_Guangxi_2025.kmz', 'application/vnd.google-earth.kmz', 'clusters_Guangxi_2025.provenance.json')
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import geopandas as gpd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pyogrio
import shapely
from pyproj import CRS

from geodata.crs import WGS84
from geodata.export_kml import write_kml
from geodata.export_sources import (
    LAYERS,
    LayerSource,
    Provenance,
    build_layer,
    frame_source,
    provenance_for,
    seizure_source,
)
from queries.filters import Filters

__all__ = ["FORMATS", "LAYERS", "Download", "Format", "LayerSource", "Provenance", "build_layer", "check_output",
           "export_seizures", "export_to_bytes", "neutralise_formulas", "provenance_for", "safe_filename",
           "seizure_source", "write_geopackage", "write_layer"]


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
PROVENANCE_TABLE = "cordon_provenance"
PROVENANCE_KEY = "cordon_provenance"
PROVENANCE_SUFFIX = ".provenance.json"
FORMULA_START = "^[=+\\-@\t\r]"  # OWASP, CSV injection: what makes a spreadsheet read a cell as a formula
SHAPEFILE_FIELD_BYTES = 10
FILENAME_BYTES = 120
_FORBIDDEN_IN_NAMES = set('/\\:*?"<>|')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class Download:
    """A file for a download button: its name, bytes and media type; for a layer, its provenance JSON
    (the same as inside the file) as a second download."""

    file_name: str
    data: bytes
    mime: str
    provenance: Download | None = None


# -- safety -----------------------------------------------------------------------------------------

def safe_filename(text: str, default: str = "cordon-export", max_bytes: int = FILENAME_BYTES) -> str:
    """A file name (without extension) made from user input that is safe on every system.

    Path separators and the characters Windows forbids become ``_``, as does white space; control,
    format and unassigned characters are dropped; leading dots, dashes and underscores and trailing
    dots go; Windows device names get a leading ``_``; the result is cut to ``max_bytes`` of UTF-8
    without splitting a character, and is ``default`` when nothing is left.

    Examples
    --------
    >>> safe_filename("../../etc/passwd")
    'etc_passwd'
    >>> safe_filename("热点 广西 2025")
    '热点_广西_2025'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if max_bytes < 8:
        raise ValueError(f"max_bytes must be 8 or more, got {max_bytes}")
    kept = []
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if char in _FORBIDDEN_IN_NAMES or char.isspace():
            kept.append("_")
        elif category[0] != "C":  # Cc control, Cf format, Cs surrogate, Co private use, Cn unassigned
            kept.append(char)
    name = "_".join(part for part in "".join(kept).split("_") if part).lstrip(".-_").rstrip(". ")
    if name.split(".")[0].upper() in _WINDOWS_DEVICES:
        name = "_" + name
    name = name.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore").rstrip(". ")
    return name or default


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


# -- paths ------------------------------------------------------------------------------------------

def check_format(fmt: str) -> Format:
    """The :class:`Format` named ``fmt``; a ValueError naming it and the choices otherwise."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[fmt]


def check_output(path: str | os.PathLike[str], fmt: str) -> Path:
    """``path`` as a Path if a ``fmt`` export can be written there: it ends in the format's extension,
    is not a folder, and its folder exists (or is created) and is writable. ValueError otherwise."""
    extension = check_format(fmt).extension
    path = Path(path)
    if not path.name.lower().endswith(extension) or len(path.name) <= len(extension):
        raise ValueError(f"output {path} must be a file name ending in {extension} for format {fmt}")
    if path.is_dir():
        raise ValueError(f"output {path} is a folder; give a file name ending in {extension}")
    existing = next(folder for folder in (path.parent, *path.parent.parents) if folder.exists())
    if not existing.is_dir():
        raise ValueError(f"output {path} cannot be written: {existing} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"cannot create the folder of output {path}: {error.strerror}") from error
    if not os.access(path.parent, os.W_OK):
        raise ValueError(f"cannot write in {path.parent} (no permission); choose another output folder")
    return path


def _stem(path: Path, fmt: str) -> str:
    return path.name[:-len(FORMATS[fmt].extension)]


def provenance_path(path: str | os.PathLike[str], fmt: str) -> Path:
    """Where the provenance JSON of the ``fmt`` export at ``path`` goes: ``<name>.provenance.json``."""
    path = Path(path)
    return path.with_name(_stem(path, fmt) + PROVENANCE_SUFFIX)


def _json(document) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)


# -- the writers: (source, file to write, provenance as a dict) -------------------------------------

def _reader(source: LayerSource) -> pa.RecordBatchReader:
    return pa.RecordBatchReader.from_batches(source.schema, source.batches)


def _write_ogr(source: LayerSource, path: Path, driver: str, **options) -> None:
    try:
        pyogrio.write_arrow(_reader(source), path, layer=source.layer, driver=driver, geometry_name="geometry",
                            geometry_type=source.geometry_type, crs=WGS84, **options)
    except Exception as error:
        if source.failure is None:
            raise
        raise source.failure from error  # pyogrio says only "Error while accessing batch from stream"


def _write_geojson(source: LayerSource, path: Path, provenance: dict) -> None:
    member = json.dumps({PROVENANCE_KEY: provenance}, allow_nan=False)
    _write_ogr(source, path, "GeoJSON", layer_options={"RFC7946": "YES", "FOREIGN_MEMBERS_COLLECTION": member})


def _write_provenance_table(path: Path, provenances: Sequence[dict]) -> None:
    table = pa.table({"layer": [p["layer"] for p in provenances], "provenance": [_json(p) for p in provenances]})
    pyogrio.write_arrow(table, path, layer=PROVENANCE_TABLE, driver="GPKG", geometry_type=None)


def _write_gpkg(source: LayerSource, path: Path, provenance: dict) -> None:
    _write_ogr(source, path, "GPKG", layer_metadata={PROVENANCE_KEY: _json(provenance)})
    _write_provenance_table(path, [provenance])


def shapefile_field_names(names: Sequence[str]) -> dict[str, str]:
    """A dBase field name of at most 10 ASCII characters for each of ``names``, unique ignoring case
    (the first 10 characters, or the first 7 and ``_`` with a number when those are taken)."""
    mapping, taken = {}, set()
    for name in names:
        ascii_name = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name) or "field"
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
    stem = _stem(path, "shp")
    folder = path.with_name(stem + ".parts")
    folder.mkdir()
    mapping = shapefile_field_names([name for name in source.schema.names if name != "geometry"])
    short = [mapping.get(name, name) for name in source.schema.names]
    renamed = LayerSource(source.layer, pa.schema([f.with_name(n) for f, n in zip(source.schema, short, strict=True)]),
                          (batch.rename_columns(short) for batch in source.batches), source.geometry_type, source.rows)
    _write_ogr(renamed, folder / f"{stem}.shp", "ESRI Shapefile", layer_options={"ENCODING": "UTF-8"})
    with open(folder / f"{stem}.fields.csv", "w", encoding="utf-8", newline="") as fields:
        writer = csv.writer(fields)
        writer.writerow(["shapefile_field", "field"])
        writer.writerows((mapped, name) for name, mapped in mapping.items())
    (folder / f"{stem}{PROVENANCE_SUFFIX}").write_text(_json(provenance), encoding="utf-8")
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
        archive.writestr(_stem(path, "kmz") + PROVENANCE_SUFFIX, _json(provenance))


def _write_parquet(source: LayerSource, path: Path, provenance: dict) -> None:
    column = {"encoding": "WKB", "crs": CRS(WGS84).to_json_dict(),
              "geometry_types": [] if source.geometry_type == "Unknown" else [source.geometry_type]}
    geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}
    schema = source.schema.with_metadata({"geo": json.dumps(geo), PROVENANCE_KEY: _json(provenance)})
    with pq.ParquetWriter(path, schema) as writer:
        for batch in source.batches:
            writer.write_batch(batch)


def _neutralised(columns):
    """``columns`` with the cells of the text ones neutralised (:func:`neutralise_formulas`)."""
    return [neutralise_formulas(c) if pa.types.is_string(c.type) or pa.types.is_large_string(c.type) else c
            for c in columns]


def _text_columns(batch: pa.RecordBatch) -> list[pa.Array]:
    """The batch's attributes with text cells neutralised, then its geometry as WKT in front."""
    geometry = shapely.from_wkb(batch.column("geometry").to_numpy(zero_copy_only=False))
    wkt = pa.array(shapely.to_wkt(geometry, rounding_precision=-1), type=pa.string())
    return [wkt, *_neutralised([batch.column(name) for name in batch.schema.names if name != "geometry"])]


def table_csv(frame) -> bytes:
    """A plain table (a DataFrame without geometry, such as the audit trail) as CSV bytes for a
    spreadsheet, with the UTF-8 byte-order mark and its text cells neutralised like the CSV exports'."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = pa.Table.from_arrays(_neutralised(table.columns), names=table.column_names)
    buffer = io.BytesIO(codecs.BOM_UTF8)
    buffer.seek(0, io.SEEK_END)
    pa_csv.write_csv(table, buffer)
    return buffer.getvalue()


def _write_csv(source: LayerSource, path: Path, provenance: dict) -> None:
    schema = pa.schema([pa.field("WKT", pa.string()), *(f for f in source.schema if f.name != "geometry")])
    with open(path, "wb") as sink:
        sink.write(codecs.BOM_UTF8)  # without it, Excel reads UTF-8 as the local code page: Chinese turns to noise
        with pa_csv.CSVWriter(sink, schema) as writer:
            for batch in source.batches:
                writer.write_batch(pa.RecordBatch.from_arrays(_text_columns(batch), schema=schema))


WRITERS = {"geojson": _write_geojson, "gpkg": _write_gpkg, "shp": _write_shp, "kml": _write_kml, "kmz": _write_kmz,
           "parquet": _write_parquet, "csv": _write_csv}


# -- public entry points ----------------------------------------------------------------------------

def _source(layer: gpd.GeoDataFrame | LayerSource, provenance: Provenance) -> LayerSource:
    if not isinstance(provenance, Provenance):
        raise TypeError(f"provenance must be a Provenance, got {type(provenance).__name__}")
    source = layer if isinstance(layer, LayerSource) else frame_source(layer, provenance.layer)
    if source.layer != provenance.layer:
        raise ValueError(f"the rows are of layer {source.layer!r} but the provenance of {provenance.layer!r}")
    return source


def write_layer(layer: gpd.GeoDataFrame | LayerSource, path: str | os.PathLike[str], fmt: str,
                provenance: Provenance) -> list[Path]:
    """Write one layer as ``fmt`` to ``path`` with its provenance inside and beside it; return both paths.

    ``layer`` is an already computed GeoDataFrame (what a page drew) or a :class:`LayerSource` (the
    streamed seizures). ``provenance.features`` is set to the rows written. The files appear whole
    or not at all: they are written in a scratch folder beside ``path`` and moved into place.
    """
    path = check_output(path, fmt)
    source = _source(layer, provenance)
    document = replace(provenance, features=source.rows).to_dict()
    side = provenance_path(path, fmt)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".cordon-export-") as scratch:
        written = Path(scratch) / path.name
        WRITERS[fmt](source, written, document)
        (Path(scratch) / side.name).write_text(_json(document), encoding="utf-8")
        os.replace(written, path)
        os.replace(Path(scratch) / side.name, side)
    return [path, side]


def write_geopackage(layers: Sequence[tuple[gpd.GeoDataFrame | LayerSource, Provenance]],
                     path: str | os.PathLike[str]) -> list[Path]:
    """Write several layers into one GeoPackage, each under its layer name with its provenance (in
    gpkg_metadata and one row each in ``cordon_provenance``); beside it ``<name>.provenance.json``
    holds ``{"layers": {name: provenance}}``. Return both paths."""
    path = check_output(path, "gpkg")
    sources = [_source(layer, provenance) for layer, provenance in layers]
    names = [source.layer for source in sources]
    if not sources or len(set(names)) != len(names):
        raise ValueError(f"give one or more layers, each once; got {names}")
    documents = [replace(p, features=s.rows).to_dict() for s, (_, p) in zip(sources, layers, strict=True)]
    side = provenance_path(path, "gpkg")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".cordon-export-") as scratch:
        written = Path(scratch) / path.name
        for source, document in zip(sources, documents, strict=True):
            _write_ogr(source, written, "GPKG", layer_metadata={PROVENANCE_KEY: _json(document)})
        _write_provenance_table(written, documents)
        (Path(scratch) / side.name).write_text(_json({"layers": dict(zip(names, documents, strict=True))}),
                                               encoding="utf-8")
        os.replace(written, path)
        os.replace(Path(scratch) / side.name, side)
    return [path, side]


def export_seizures(con: duckdb.DuckDBPyConnection, filters: Filters, fmt: str, path: str | os.PathLike[str],
                    batch_rows: int | None = None) -> Provenance:
    """Stream the view's seizures from the open store into a ``fmt`` file at ``path`` (and its
    provenance JSON), a record batch at a time; return the provenance written."""
    path = check_output(path, fmt)
    provenance = provenance_for(con, "seizures", filters)
    options = {} if batch_rows is None else {"batch_rows": batch_rows}
    write_layer(seizure_source(con, filters, provenance.records, **options), path, fmt, provenance)
    return replace(provenance, features=provenance.records)


def export_to_bytes(layer: gpd.GeoDataFrame | LayerSource, fmt: str, provenance: Provenance,
                    base_name: str) -> Download:
    """A layer as a ``fmt`` file for a download button, named from ``base_name`` (made safe), with its
    provenance JSON as ``download.provenance``.

    Multi-file formats come as one file: the Shapefile as a zip, KML as KML or KMZ; the GeoJSON
    carries its provenance inside as well. ``layer`` as in :func:`write_layer`; for the seizures,
    call it with ``seizure_source(con, filters, provenance.records)`` inside the store's
    ``reading()`` block, which the stream reads from.
    """
    return _download(base_name, fmt, lambda path: write_layer(layer, path, fmt, provenance))


def _download(base_name: str, fmt: str, write: Callable[[Path], list[Path]]) -> Download:
    """What ``write`` puts at a scratch path named from ``base_name`` (the file, then its provenance
    JSON), read back as a :class:`Download`."""
    file_name = safe_filename(base_name) + check_format(fmt).extension
    with tempfile.TemporaryDirectory(prefix="cordon-export-") as scratch:
        written, side = write(Path(scratch) / file_name)
        provenance_file = Download(side.name, side.read_bytes(), "application/json")
        return Download(file_name, written.read_bytes(), FORMATS[fmt].mime, provenance_file)


def geopackage_to_bytes(layers: Sequence[tuple[gpd.GeoDataFrame | LayerSource, Provenance]],
                        base_name: str) -> Download:
    """Several layers as one GeoPackage for a download button (:func:`write_geopackage`), named from
    ``base_name`` (made safe), with the provenance of every layer as ``download.provenance``."""
    return _download(base_name, "gpkg", lambda path: write_geopackage(layers, path))
