"""Planners' exports: any layer Cordon draws, in the formats GIS tools read, with its provenance.

Formats: ``geodata.export_formats`` (each in EPSG:4326, WGS84 lon/lat, each with the provenance
inside where the format has room for it and always beside it as ``<name>.provenance.json``).

Two ways in, so that the dashboard exports exactly what the page shows:

* an already computed layer (a GeoDataFrame the page drew) with its :class:`Provenance`
  (``provenance_for``): :func:`write_layer` to a path, :func:`export_to_bytes` for a download;
* the filtered seizures, streamed from the store in Arrow record batches and written batch by batch
  (``seizure_source``, :func:`export_seizures`), never all in memory at once.

Examples
--------
>>> with Store("data/cordon.duckdb").reading() as con:                          # doctest: +SKIP
...     provenance = provenance_for(con, "clusters", filters, result.parameters)
>>> download = export_to_bytes(result.frame, "kmz", provenance, "clusters Guangxi 2025")  # doctest: +SKIP
>>> download.file_name, download.mime, download.provenance.file_name             # doctest: +SKIP
('clusters_Guangxi_2025.kmz', 'application/vnd.google-earth.kmz', 'clusters_Guangxi_2025.provenance.json')
"""

from __future__ import annotations

import codecs
import io
import os
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import geopandas as gpd
import pyarrow as pa
import pyarrow.csv as pa_csv

from geodata.export_formats import (
    FORMATS,
    WRITERS,
    Format,
    check_format,
    neutralise_formulas,
    neutralised,
    provenance_json,
    provenance_path,
    write_gpkg_layer,
)
from geodata.export_labels import labelled
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

FILENAME_BYTES = 120
_FORBIDDEN_IN_NAMES = set('/\\:*?"<>|')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class Download:
    """A file for a download button: its name, bytes and media type; for a layer, its provenance JSON
    (the same as inside the file) as a second download; the lake snapshot it was computed from (None: a
    file store), for the page to name."""

    file_name: str
    data: bytes
    mime: str
    provenance: Download | None = None
    snapshot: int | None = None


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


def check_output(path: str | os.PathLike[str], fmt: str | Format) -> Path:
    """``path`` as a Path if a ``fmt`` export (a name of ``FORMATS``, or a :class:`Format` of another export, such
    as the network's) can be written there: it ends in the format's extension, is not a folder, and its folder
    exists (or is created) and is writable. ValueError otherwise."""
    chosen = fmt if isinstance(fmt, Format) else check_format(fmt)
    extension = chosen.extension
    path = Path(path)
    if not path.name.lower().endswith(extension) or len(path.name) <= len(extension):
        raise ValueError(f"output {path} must be a file name ending in {extension} for format {chosen.name}")
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


def table_csv(frame) -> bytes:
    """A plain table (a DataFrame without geometry, such as the audit trail) as CSV bytes for a
    spreadsheet, with the UTF-8 byte-order mark and its text cells neutralised like the CSV exports'."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = pa.Table.from_arrays(neutralised(table.columns), names=table.column_names)
    buffer = io.BytesIO(codecs.BOM_UTF8)
    buffer.seek(0, io.SEEK_END)
    pa_csv.write_csv(table, buffer)
    return buffer.getvalue()


def _source(layer: gpd.GeoDataFrame | LayerSource, provenance: Provenance) -> LayerSource:
    if not isinstance(provenance, Provenance):
        raise TypeError(f"provenance must be a Provenance, got {type(provenance).__name__}")
    source = layer if isinstance(layer, LayerSource) else frame_source(layer, provenance.layer)
    if source.layer != provenance.layer:
        raise ValueError(f"the rows are of layer {source.layer!r} but the provenance of {provenance.layer!r}")
    return source


def write_layer(layer: gpd.GeoDataFrame | LayerSource, path: str | os.PathLike[str], fmt: str,
                provenance: Provenance, lang: str = "en") -> list[Path]:
    """Write one layer as ``fmt`` to ``path`` with its provenance inside and beside it; return both paths.

    ``layer`` is an already computed GeoDataFrame (what a page drew) or a :class:`LayerSource` (the
    streamed seizures); each of its code columns gets a label column in ``lang`` beside it
    (``export_sources.labelled``). ``provenance.features`` is set to the rows written. The files
    appear whole or not at all: they are written in a scratch folder beside ``path`` and moved into place.
    """
    path = check_output(path, fmt)
    source = labelled(_source(layer, provenance), lang)
    document = replace(provenance, features=source.rows).to_dict()
    side = provenance_path(path, fmt)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".cordon-export-") as scratch:
        written = Path(scratch) / path.name
        WRITERS[fmt](source, written, document)
        (Path(scratch) / side.name).write_text(provenance_json(document), encoding="utf-8")
        os.replace(written, path)
        os.replace(Path(scratch) / side.name, side)
    return [path, side]


def write_geopackage(layers: Sequence[tuple[gpd.GeoDataFrame | LayerSource, Provenance]],
                     path: str | os.PathLike[str], lang: str = "en") -> list[Path]:
    """Write several layers into one GeoPackage, each under its layer name, with label columns in ``lang``
    as :func:`write_layer`, and with its provenance (in
    gpkg_metadata, :func:`write_gpkg_layer`); beside it ``<name>.provenance.json``
    holds ``{"layers": {name: provenance}}``. Return both paths."""
    path = check_output(path, "gpkg")
    sources = [labelled(_source(layer, provenance), lang) for layer, provenance in layers]
    names = [source.layer for source in sources]
    if not sources or len(set(names)) != len(names):
        raise ValueError(f"give one or more layers, each once; got {names}")
    documents = [replace(p, features=s.rows).to_dict() for s, (_, p) in zip(sources, layers, strict=True)]
    side = provenance_path(path, "gpkg")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".cordon-export-") as scratch:
        written = Path(scratch) / path.name
        for source, document in zip(sources, documents, strict=True):
            write_gpkg_layer(source, written, document)
        (Path(scratch) / side.name).write_text(provenance_json({"layers": dict(zip(names, documents, strict=True))}),
                                               encoding="utf-8")
        os.replace(written, path)
        os.replace(Path(scratch) / side.name, side)
    return [path, side]


def export_seizures(con: duckdb.DuckDBPyConnection, filters: Filters, fmt: str, path: str | os.PathLike[str],
                    batch_rows: int | None = None, lang: str = "en") -> Provenance:
    """Stream the view's seizures from the open store into a ``fmt`` file at ``path`` (and its
    provenance JSON), a record batch at a time, labels in ``lang``; return the provenance written."""
    path = check_output(path, fmt)
    provenance = provenance_for(con, "seizures", filters)
    options = {} if batch_rows is None else {"batch_rows": batch_rows}
    write_layer(seizure_source(con, filters, provenance.records, **options), path, fmt, provenance,
                lang)
    return replace(provenance, features=provenance.records)


def export_to_bytes(layer: gpd.GeoDataFrame | LayerSource, fmt: str, provenance: Provenance,
                    base_name: str, lang: str = "en") -> Download:
    """A layer as a ``fmt`` file for a download button, named from ``base_name`` (made safe), with its
    provenance JSON as ``download.provenance`` and label columns in ``lang``.

    Multi-file formats come as one file: the Shapefile as a zip, KML as KML or KMZ; the GeoJSON
    carries its provenance inside as well. ``layer`` as in :func:`write_layer`; for the seizures,
    call it with ``seizure_source(con, filters, provenance.records)`` inside the store's
    ``reading()`` block, which the stream reads from.
    """
    return _download(base_name, fmt, lambda path: write_layer(layer, path, fmt, provenance, lang), provenance.snapshot)


def _download(base_name: str, fmt: str, write: Callable[[Path], list[Path]], snapshot: int | None) -> Download:
    """What ``write`` puts at a scratch path named from ``base_name`` (the file, then its provenance
    JSON), read back as a :class:`Download` computed from the lake ``snapshot``."""
    file_name = safe_filename(base_name) + check_format(fmt).extension
    with tempfile.TemporaryDirectory(prefix="cordon-export-") as scratch:
        written, side = write(Path(scratch) / file_name)
        provenance_file = Download(side.name, side.read_bytes(), "application/json")
        return Download(file_name, written.read_bytes(), FORMATS[fmt].mime, provenance_file, snapshot)


def geopackage_to_bytes(layers: Sequence[tuple[gpd.GeoDataFrame | LayerSource, Provenance]],
                        base_name: str, lang: str = "en") -> Download:
    """Several layers as one GeoPackage for a download button (:func:`write_geopackage`, labels in ``lang``),
    named from ``base_name`` (made safe), with the provenance of every layer as ``download.provenance``."""
    snapshots = {provenance.snapshot for _, provenance in layers}
    if len(snapshots) > 1:
        raise ValueError(f"the layers of one GeoPackage must be read from one snapshot, got {sorted(snapshots, key=str)}")
    return _download(base_name, "gpkg", lambda path: write_geopackage(layers, path, lang), next(iter(snapshots), None))
