"""Label columns of an export: beside each code column, its label in the export's language.

A GIS user reads 陆路口岸 / Land port without a look-up table: :func:`labelled` wraps a
:class:`~geodata.export_sources.LayerSource` so that each of its :data:`CODE_COLUMNS` is followed by
``<code>_label`` (``queries.labels.label``; a Gi* bin's confidence; a province's, county's or border
zone's name from the reference layers; a cluster's main items and channels with their shares, as
"锑 60 %, 钨 30 %"), each distinct code of a batch looked up once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from geodata.clusters import labelled_shares
from geodata.export_sources import CODE_LIST_COLUMNS, LayerSource
from geodata.reference import load_layer
from queries.labels import LANGUAGES, label, name, t

# The layers' code columns: each is written with a label column beside it, ``<code>_label``.
CODE_COLUMNS = ("time_precision", "geo_precision", "country_iso3", "channel", "item", "item_group", "form",
                "concealment", "detection", "agency", "destination_iso3", "case_status", "kind", "counterpart_iso3",
                "category", "bin", "item_groups", "province_code", "county_code", "zone_code", "main_items",
                "main_channels")
LABEL_SUFFIX = "_label"
# Admin code columns and the reference layer that names their codes (a border zone is a county).
PLACE_CODE_LAYERS = {"province_code": "provinces", "county_code": "counties", "zone_code": "counties"}
SHARE_COLUMNS = ("main_items", "main_channels")  # a cluster's commonest codes with their shares


@functools.cache
def place_names(layer: str, lang: str) -> dict[str, str]:
    """The name in ``lang`` of each code of the reference ``layer`` (provinces or counties)."""
    return {row.code: name(row, lang) for row in load_layer(layer).itertuples()}


def code_label(column: str, code: Any, lang: str) -> str | None:
    """The label of ``code`` in the code column ``column`` in ``lang`` (a Gi* bin's confidence, a place's
    name, the codes of a cluster's shares or of a list, else ``queries.labels.label``); None for a missing code."""
    if code is None:
        return None
    if column in CODE_LIST_COLUMNS:
        return ",".join(label(part, lang) for part in code.split(","))
    if column in SHARE_COLUMNS:
        return labelled_shares(code, lambda part: label(part, lang))
    if column in PLACE_CODE_LAYERS:
        return place_names(PLACE_CODE_LAYERS[column], lang).get(code, code)
    return t(f"bin_{code}", lang) if column == "bin" else label(code, lang)


def label_column(column: pa.Array, name: str, lang: str) -> pa.Array:
    """The labels of the code column ``name``, each distinct code looked up once, then spread with a take."""
    distinct = pc.unique(column)
    labels = pa.array([code_label(name, code, lang) for code in distinct.to_pylist()], type=pa.string())
    return labels.take(pc.index_in(column, value_set=distinct))


def labelled(source: LayerSource, lang: str) -> LayerSource:
    """``source`` with a label column in ``lang`` (en or zh) after each of its ``CODE_COLUMNS``, batch by batch."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    codes = {column for column in source.schema.names if column in CODE_COLUMNS}
    fields = []
    for code_field in source.schema:
        fields.append(code_field)
        if code_field.name in codes:
            fields.append(pa.field(code_field.name + LABEL_SUFFIX, pa.string()))
    schema = pa.schema(fields, metadata=source.schema.metadata)

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in source.batches:
            columns = []
            for column_name, column in zip(batch.schema.names, batch.columns, strict=True):
                columns.append(column)
                if column_name in codes:
                    columns.append(label_column(column, column_name, lang))
            yield pa.RecordBatch.from_arrays(columns, schema=schema)

    return LayerSource(source.layer, schema, batches(), source.geometry_type, source.rows, lang)
