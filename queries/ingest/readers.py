"""Reading an import file by its format: :func:`read_table`, and the GeoJSON and Parquet readers.

CSV is read by ``queries.ingest.delimited``, workbooks by ``queries.ingest.workbook``; every reader
works within the bounds of ``queries.ingest.files.Limits`` and counts its rows as they come.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa

from queries.ingest.delimited import read_csv
from queries.ingest.files import (
    STOP_CHECK_ROWS,
    IngestError,
    Limits,
    RowCount,
    ShouldStop,
    Table,
    as_text,
    file_format,
    never_stop,
    read_bytes,
    size_text,
)
from queries.ingest.words import words
from queries.ingest.workbook import read_xlsx


def read_table(name: str, data: bytes | None = None, path: str | os.PathLike | None = None,
               limits: Limits | None = None, should_stop: ShouldStop = never_stop, sheets: Sequence[str] = ()) -> Table:
    """Read the file ``name`` from ``data`` (an upload) or from ``path``, within ``limits`` (default:
    :meth:`Limits.from_env`); a workbook's every sheet, or those named in ``sheets``;
    :class:`Cancelled` once ``should_stop`` says so."""
    limits = limits or Limits.from_env()
    kind = file_format(name)
    size = len(data) if data is not None else os.stat(path).st_size
    limit = limits.max_geojson_bytes if kind == "geojson" else limits.max_bytes
    if size > limit:
        raise IngestError(words("file_too_big", name=name, size=size_text(size), limit=size_text(limit), kind=kind))
    if size == 0:
        raise IngestError(words("file_empty", name=name))
    source = io.BytesIO(data) if data is not None else path
    if sheets and kind != "xlsx":
        raise IngestError(f"{name} is a {kind} file, without sheets; name sheets (--sheet) of .xlsx workbooks only")
    reader = {"csv": read_csv, "xlsx": partial(read_xlsx, sheets=sheets), "geojson": _read_geojson,
              "parquet": _read_parquet}[kind]
    table = reader(name, source, RowCount(name, limits, should_stop))
    if table.frame.empty:
        raise IngestError(words("file_no_rows", name=name))
    return table


def _read_geojson(name: str, source, count: RowCount) -> Table:
    raw = read_bytes(source)
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IngestError(words("file_not_geojson", name=name, error=str(error))) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise IngestError(words("file_no_features", name=name))
    records = []
    for feature in features:
        count.add()
        properties = feature.get("properties") if isinstance(feature, dict) else None
        record = dict(properties) if isinstance(properties, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict):
            coordinates = geometry.get("coordinates")
            if geometry.get("type") == "Point" and isinstance(coordinates, list) and len(coordinates) >= 2:
                record["lon"], record["lat"] = coordinates[0], coordinates[1]
            else:
                record["lon"] = record["lat"] = f"(a {geometry.get('type')} geometry, not a point)"
        records.append({key: as_text(value) for key, value in record.items()})
    frame = pd.DataFrame.from_records(records).astype("str") if records else pd.DataFrame()
    return Table(name, "geojson", frame, np.arange(1, len(records) + 1), encoding="utf-8", line_word="feature")


def _read_parquet(name: str, source, count: RowCount) -> Table:
    import pyarrow.parquet as pq
    import shapely

    limits = count.limits
    try:
        parquet = pq.ParquetFile(pa.BufferReader(source.getvalue()) if isinstance(source, io.BytesIO) else source)
    except (pa.ArrowException, OSError) as error:
        raise IngestError(words("file_not_parquet", name=name, error=str(error))) from None
    metadata = parquet.metadata
    count.header(metadata.num_columns)
    count.declared(metadata.num_rows)
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if unpacked > limits.max_unpacked_bytes:
        raise IngestError(words("file_unpacks", name=name, size=size_text(unpacked),
                                limit=size_text(limits.max_unpacked_bytes)))
    batches, decoded = [], 0
    for batch in parquet.iter_batches(batch_size=STOP_CHECK_ROWS * 10):
        decoded += batch.nbytes
        if decoded > limits.max_unpacked_bytes:
            raise IngestError(words("file_decodes", name=name, limit=size_text(limits.max_unpacked_bytes)))
        count.add(batch.num_rows)
        batches.append(batch)
    geo = json.loads((parquet.schema_arrow.metadata or {}).get(b"geo", b"{}"))
    frame = pa.Table.from_batches(batches, parquet.schema_arrow).to_pandas()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    geometry = geo.get("primary_column") if geo else None
    if geometry in frame.columns:
        shapes = shapely.from_wkb(frame.pop(geometry).to_numpy())
        points = shapely.get_type_id(shapes) == 0
        frame["lon"] = np.where(points, shapely.get_x(shapes), np.nan)
        frame["lat"] = np.where(points, shapely.get_y(shapes), np.nan)
    return Table(name, "parquet", frame, np.arange(1, len(frame) + 1), line_word="record")
