"""What Cordon exports: the layers, their rows as Arrow record batches, and their provenance.

A layer reaches a writer (``geodata.export``) as a :class:`LayerSource`: an Arrow schema and a
one-shot stream of record batches whose ``geometry`` column is WKB in EPSG:4326. Two kinds:

* an already computed GeoDataFrame, what a page drew (:func:`frame_source`), for every layer;
* the filtered seizures streamed from the store in record batches (:func:`seizure_source`), so that
  exporting 1,000,000 of them never holds a GeoDataFrame of them all, let alone a copy.

:func:`build_layer` computes a layer as the analyses and the map do (the command line uses it);
:func:`provenance_for` reads from the store what the provenance says about a layer's input: the
record count and the data cut-off (queries/sql/export_input_summary.sql), a SHA-256 of the input
rows (:func:`input_sha256`) and, on a lake, the snapshot they were read from (:func:`snapshot_read`), which
``python -m geodata export --as-of`` reads again to make the same file.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geodata.analysis_data import read_analysis_points
from geodata.clusters import DBSCANParams, HDBSCANParams, find_clusters
from geodata.coverage import coverage_gaps
from geodata.crs import WGS84
from geodata.emerging import EmergingParams, emerging_hot_spots
from geodata.hotspots import HotSpotParams, hot_spots
from geodata.reference import load_layer
from geodata.results import AnalysisResult
from queries import __version__
from queries.filters import Filters
from queries.store import Store, bind, load_sql, run

ANALYSES = ("hotspots", "clusters", "emerging")
ANALYSIS_LAYERS = (*ANALYSES, "gaps")
LAYERS = (*ANALYSIS_LAYERS, "seizures", "checkpoints", "hubs", "zones")
METHODS = {
    "hotspots": "Getis-Ord Gi* hot and cold spots on H3 hexagons (geodata.hotspots.hot_spots)",
    "clusters": "DBSCAN, space-time DBSCAN or HDBSCAN clusters with outlines (geodata.clusters.find_clusters)",
    "emerging": "emerging hot spots: Gi* per time step and a Mann-Kendall trend per hexagon "
                "(geodata.emerging.emerging_hot_spots)",
    "gaps": "coverage gaps: significant hot spots or clusters at least min_km from every checkpoint "
            "(geodata.coverage.coverage_gaps)",
    "seizures": "the view's seizures, every stored field (queries/sql/export_seizures.sql)",
    "checkpoints": "checkpoints with the view's seizures linked to each (queries/sql/view_checkpoints.sql)",
    "hubs": "processing hubs with the view's seizures linked to each (queries/sql/view_hubs.sql)",
    "zones": "border zones (geodata/layers/zones.parquet) with the view's seizures in each "
             "(queries/sql/view_zones.sql)",
}
# The geometry of each layer, declared when a layer has no rows to tell.
LAYER_GEOMETRY = {"hotspots": "Polygon", "clusters": "Polygon", "emerging": "Polygon", "gaps": "Polygon",
                  "seizures": "Point", "checkpoints": "Point", "hubs": "Point", "zones": "Polygon"}
CODE_LIST_COLUMNS = ("item_groups",)  # lists of codes, which _plain_arrow joins with commas
BEIJING_OFFSET = "+08:00"  # the store keeps Beijing time without a zone
SEIZURE_BATCH_ROWS = 65_536
INPUT_HASH_DEFINITION = ("hex SHA-256 of the concatenated hex SHA-256 of each input row's JSON text (DuckDB to_json "
                         "of the stored seizure row), in seizure_id order: queries/sql/export_input_hashes.sql")


def check_layer(layer: str) -> str:
    """``layer`` if it is one of ``LAYERS``; a ValueError naming it and the choices otherwise."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}; choose one of {', '.join(LAYERS)}")
    return layer


def filters_to_dict(filters: Filters) -> dict[str, Any]:
    """``filters`` as plain JSON values: times as ISO text (Beijing time; ``end`` is exclusive), lists."""
    if not isinstance(filters, Filters):
        raise TypeError(f"filters must be a queries.filters.Filters, got {type(filters).__name__}")
    return {name: value.isoformat() if isinstance(value, datetime) else list(value) if isinstance(value, tuple)
            else value for name, value in dataclasses.asdict(filters).items()}


@dataclass(frozen=True)
class Provenance:
    """Where an exported layer came from, enough to make it again from the same data.

    layer: one of ``LAYERS``. method: how it was made (``METHODS``). parameters: the method's
    parameters (an analysis result's ``parameters``: its params dataclass and any extras). filters: the
    view's filters (:func:`filters_to_dict`). records: the seizures the layer was made from.
    left_out: the view's seizures the analyses leave out (known only to the county or province).
    input_sha256: hash of those records (``input_sha256_of`` says how; :func:`input_sha256`).
    data_cutoff: the newest ingested_at of the view's seizures, Beijing time. schema_version: the store's,
    which fixes the hashed columns. snapshot: the lake snapshot the rows were read from (``--as-of`` reads it
    again); None on a file store, which keeps no snapshots. features: rows written (set by the writer).
    exported_at: UTC.
    """

    layer: str
    method: str
    parameters: dict[str, Any]
    filters: dict[str, Any]
    records: int
    left_out: int
    input_sha256: str
    data_cutoff: str | None
    schema_version: int
    snapshot: int | None = None
    features: int | None = None
    input_sha256_of: str = INPUT_HASH_DEFINITION
    cordon_version: str = __version__
    crs: str = "EPSG:4326"
    exported_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def __post_init__(self):
        check_layer(self.layer)
        if self.records < 0 or self.left_out < 0:
            raise ValueError(f"records and left_out must be 0 or more, got {self.records} and {self.left_out}")

    def to_dict(self) -> dict[str, Any]:
        """The provenance as plain JSON values, as every export carries it."""
        return dataclasses.asdict(self)


def snapshot_read(con: duckdb.DuckDBPyConnection) -> int | None:
    """The lake snapshot an open reading connection sees (``LakeStore.snapshot``), read in its transaction, so
    that it names the very rows read on it; None on a file store's connection, which keeps no snapshots."""
    from queries.lake import LAKE_ALIAS, LakeStore

    on_lake = con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = $alias AND type = 'ducklake'",
                          {"alias": LAKE_ALIAS}).fetchone()[0]
    return LakeStore.snapshot(con) if on_lake else Store.snapshot(con)


def input_sha256(con: duckdb.DuckDBPyConnection, filters: Filters, precise_only: bool) -> str:
    """The SHA-256 of the rows an export used, as ``INPUT_HASH_DEFINITION`` says: each row's digest
    comes from DuckDB (queries/sql/export_input_hashes.sql), sorted by id but streamed out, so that
    only the ids and digests, never the rows or one long string of them, are held at once."""
    sql = load_sql("export_input_hashes")
    digest = hashlib.sha256()
    for batch in con.execute(sql, bind(sql, {**filters.params(), "precise_only": precise_only})).to_arrow_reader(
            SEIZURE_BATCH_ROWS):
        digest.update("".join(batch.column("row_sha256").to_pylist()).encode("ascii"))
    return digest.hexdigest()


def provenance_for(con: duckdb.DuckDBPyConnection, layer: str, filters: Filters,
                   parameters: Mapping[str, Any] | None = None) -> Provenance:
    """The provenance of ``layer`` made from the view ``filters`` select, read from the open store.

    The analysis layers count and hash only the precisely located seizures they use; the others all
    of the view's. Pass an analysis result's ``parameters`` (``geodata.results.AnalysisResult``).

    Examples
    --------
    >>> with Store("data/cordon.duckdb").reading() as con:                      # doctest: +SKIP
    ...     provenance = provenance_for(con, "clusters", filters, clusters.result.parameters)
    """
    check_layer(layer)
    plain_filters = filters_to_dict(filters)
    precise_only = layer in ANALYSIS_LAYERS
    summary = run(con, "export_input_summary", {**filters.params(), "precise_only": precise_only}).iloc[0]
    cutoff = summary["data_cutoff"]
    return Provenance(
        layer=layer, method=METHODS[layer], parameters=_plain(dict(parameters or {})), filters=plain_filters,
        records=int(summary["records"]), left_out=int(summary["left_out"]),
        input_sha256=input_sha256(con, filters, precise_only),
        data_cutoff=None if pd.isna(cutoff) else pd.Timestamp(cutoff).isoformat() + BEIJING_OFFSET,
        schema_version=int(summary["schema_version"]), snapshot=snapshot_read(con))


def _plain(value: Any) -> Any:
    """``value`` with numpy numbers, timestamps and tuples turned into JSON values, recursively."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    return value


# -- the layers -------------------------------------------------------------------------------------

def analysis_params(analysis: str, given: Mapping[str, Any] | None = None):
    """The params dataclass of ``analysis`` with ``given`` values, the dataclass's defaults for the rest.

    For clusters, ``method`` ("dbscan", the default, or "hdbscan") chooses DBSCANParams or
    HDBSCANParams. A value that is not a parameter of the chosen analysis is a ValueError.
    """
    given = dict(given or {})
    if analysis == "clusters":
        method = given.pop("method", "dbscan")
        if method not in ("dbscan", "hdbscan"):
            raise ValueError(f"method must be dbscan or hdbscan, got {method!r}")
        kind = HDBSCANParams if method == "hdbscan" else DBSCANParams
    elif analysis in ("hotspots", "emerging"):
        kind = HotSpotParams if analysis == "hotspots" else EmergingParams
    else:
        raise ValueError(f"unknown analysis {analysis!r}; choose one of {', '.join(ANALYSES)}")
    known = [f.name for f in dataclasses.fields(kind)]
    foreign = sorted(set(given) - set(known))
    if foreign:
        raise ValueError(f"not parameters of {kind.__name__}: {', '.join(foreign)} "
                         f"(its parameters: {', '.join(known)})")
    return kind(**given)


def analysis_layer(points: pd.DataFrame, analysis: str, params) -> AnalysisResult:
    """The result of one analysis of the analysis ``points``: hexagons with Gi* bins, clusters with
    their outlines, or emerging hot-spot cells, with what it was made with."""
    if analysis == "clusters":
        return find_clusters(points, params).result
    if analysis == "hotspots":
        return hot_spots(points, params)
    if analysis == "emerging":
        return emerging_hot_spots(points, params)
    raise ValueError(f"unknown analysis {analysis!r}; choose one of {', '.join(ANALYSES)}")


def coverage_gap_layer(result: AnalysisResult, min_km: float, gaps_of: str | None = None) -> AnalysisResult:
    """Coverage gaps of a hot-spot result (its significant hot spots, bin > 0) or of clusters (``gaps_of``)."""
    features = result.frame
    significant = features[features["bin"] > 0] if "bin" in features.columns else features
    return result.gaps(coverage_gaps(significant, min_km), min_km, gaps_of)


def reference_layer(con: duckdb.DuckDBPyConnection, layer: str, filters: Filters) -> gpd.GeoDataFrame:
    """Checkpoints, hubs (points from the store) or border zones (polygons from geodata/layers), each
    with the view's seizures linked to it, as the map's queries count them."""
    params = filters.params()
    if layer == "zones":
        counts = run(con, "view_zones", params)
        zones = load_layer("zones")[["code", "geometry"]].rename(columns={"code": "zone_code"})
        return gpd.GeoDataFrame(counts.merge(zones, on="zone_code", how="inner"), geometry="geometry", crs=WGS84)
    if layer in ("checkpoints", "hubs"):
        rows = run(con, f"view_{layer}", params)
        return gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(rows["lon"], rows["lat"]), crs=WGS84)
    raise ValueError(f"{layer!r} is not a reference layer; choose checkpoints, hubs or zones")


def build_layer(con: duckdb.DuckDBPyConnection, layer: str, filters: Filters, params=None, *,
                gaps_of: str = "hotspots", gaps_km: float = 0.0) -> tuple[gpd.GeoDataFrame, Provenance]:
    """Compute ``layer`` for the view ``filters`` select, as the analyses and the map do, and its provenance.

    ``params``: the analysis's params dataclass (for gaps, of ``gaps_of``: hotspots or clusters);
    default, the analysis's defaults. The filtered seizures are not built here: stream them with
    :func:`seizure_source`.
    """
    check_layer(layer)
    if layer == "seizures":
        raise ValueError("the seizures layer is streamed from the store: use seizure_source (or export_seizures)")
    if layer in ("checkpoints", "hubs", "zones"):
        if params is not None:
            raise ValueError(f"the {layer} layer takes no analysis parameters, got {params}")
        frame = reference_layer(con, layer, filters)
        return frame, provenance_for(con, layer, filters)
    if layer == "gaps" and gaps_of not in ("hotspots", "clusters"):
        raise ValueError(f"gaps are found among hotspots or clusters, got {gaps_of!r}")
    analysis = gaps_of if layer == "gaps" else layer
    data = read_analysis_points(con, filters)
    result = analysis_layer(data.points, analysis, params if params is not None else analysis_params(analysis))
    if layer == "gaps":
        result = coverage_gap_layer(result, gaps_km, gaps_of)
    return result.frame, provenance_for(con, layer, filters, result.parameters)


# -- rows as Arrow record batches -------------------------------------------------------------------

@dataclass
class LayerSource:
    """A layer's rows for a writer: ``schema`` (with a WKB ``geometry`` column, EPSG:4326), a one-shot
    iterator of record ``batches``, the OGR ``geometry_type``, the number of ``rows`` and the ``lang``
    (en or zh) of its labels (``geodata.export_labels.labelled``), in which a writer names its classes.

    The provenance states ``rows`` before they are written, so ``batches`` is checked to hold exactly
    that many: a stream that ends early or runs long fails the write with a RuntimeError instead of
    leaving a file whose rows disagree with its provenance. Whatever stopped the stream is kept as
    ``failure``, for writers whose library reports it without its message (pyogrio).
    """

    layer: str
    schema: pa.Schema
    batches: Iterator[pa.RecordBatch]
    geometry_type: str
    rows: int
    lang: str = "en"
    failure: Exception | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        self.batches = self._exactly(self.batches)

    def _exactly(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """``batches`` passed through, an error as soon as they hold more than ``rows`` rows or end with
        fewer. A DuckDB result ends early without an error when another query runs on its connection
        while it is read: this turns that into a failed export, never a short file."""
        given = 0
        try:
            for batch in batches:
                given += batch.num_rows
                if given > self.rows:
                    break
                yield batch
            if given != self.rows:
                gave = f"more than {self.rows}" if given > self.rows else given
                raise RuntimeError(
                    f"the {self.layer} layer gave {gave} rows where its provenance counts {self.rows}; nothing was "
                    f"written. This is a fault in Cordon (such as a query run on the store's connection while "
                    f"the layer was read): report it")
        except Exception as error:
            self.failure = error
            raise


def _plain_arrow(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column every format can hold: all-null columns as text, lists joined with commas."""
    if pa.types.is_null(column.type):
        return column.cast(pa.string())
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return pc.binary_join(column, ",")
    return column


def _geometry_type(geometry: gpd.GeoSeries, layer: str) -> tuple[np.ndarray, str]:
    """The geometries (polygons promoted to multipolygons when both occur, as GeoPackage wants one
    type per layer) and the OGR geometry type to declare."""
    values = np.asarray(geometry.values)
    kinds = set(geometry.geom_type.dropna())
    if not kinds:
        return values, LAYER_GEOMETRY[layer]
    if len(kinds) == 1:
        return values, kinds.pop()
    if kinds == {"Polygon", "MultiPolygon"}:
        single = shapely.get_type_id(values) == shapely.GeometryType.POLYGON
        promoted = values.copy()
        promoted[single] = shapely.multipolygons(values[single], indices=np.arange(single.sum()))
        return promoted, "MultiPolygon"
    return values, "Unknown"


def frame_source(frame: gpd.GeoDataFrame, layer: str, batch_rows: int = SEIZURE_BATCH_ROWS) -> LayerSource:
    """An already computed layer (what a page drew) as a :class:`LayerSource`, reprojected to EPSG:4326."""
    check_layer(layer)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(f"frame must be a GeoDataFrame, got {type(frame).__name__}")
    if frame.crs is None:
        raise ValueError(f"the {layer} frame has no CRS; set it (EPSG:4326 for lon/lat) before exporting")
    frame = frame.to_crs(WGS84)
    geometries, geometry_type = _geometry_type(frame.geometry, layer)
    attributes = pa.Table.from_pandas(pd.DataFrame(frame.drop(columns=frame.geometry.name)), preserve_index=False)
    table = pa.table({name: _plain_arrow(attributes[name]) for name in attributes.column_names})
    table = table.append_column("geometry", pa.array(shapely.to_wkb(geometries), type=pa.binary()))
    return LayerSource(layer, table.schema, iter(table.to_batches(max_chunksize=batch_rows)), geometry_type,
                       table.num_rows)


def _with_points(batch: pa.RecordBatch) -> pa.RecordBatch:
    points = shapely.points(batch.column("lon").to_numpy(), batch.column("lat").to_numpy())
    return pa.RecordBatch.from_arrays([*batch.columns, pa.array(shapely.to_wkb(points), type=pa.binary())],
                                      names=[*batch.schema.names, "geometry"])


def seizure_source(con: duckdb.DuckDBPyConnection, filters: Filters, rows: int,
                   batch_rows: int = SEIZURE_BATCH_ROWS) -> LayerSource:
    """The view's seizures (queries/sql/export_seizures.sql) streamed from the open store in record
    batches of ``batch_rows``, a point geometry from lon/lat added to each. ``rows``: how many the
    view holds (``provenance_for(...).records``); the connection must stay open while it is written.

    The query runs when the batches are first read, not here: a DuckDB connection streams one result
    at a time, and the other layers' queries, run on the same connection between making this source
    and writing it (all layers in one GeoPackage), would otherwise end it before its first row.
    """
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be 1 or more, got {batch_rows}")
    sql = load_sql("export_seizures")
    params = bind(sql, filters.params())

    def open_reader() -> pa.RecordBatchReader:
        return con.execute(sql, params).to_arrow_reader(batch_rows)

    schema = open_reader().schema.append(pa.field("geometry", pa.binary()))  # its columns; no rows are read
    return LayerSource("seizures", schema, _seizure_batches(open_reader), "Point", rows)


def _seizure_batches(open_reader: Callable[[], pa.RecordBatchReader]) -> Iterator[pa.RecordBatch]:
    """The batches of the reader ``open_reader`` opens when the first one is asked for, with their points."""
    for batch in open_reader():
        yield _with_points(batch)
