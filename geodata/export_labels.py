"""Label columns of an export: beside each code column, its label in the export's language.

A GIS user reads 陆路口岸 / Land port without a look-up table: :func:`labelled` wraps a
:class:`~geodata.export_sources.LayerSource` so that each of its :data:`CODE_COLUMNS` is followed by
``<code>_label`` (``queries.labels.label``; a Gi* bin's confidence), each distinct code of a batch
looked up once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from geodata.export_sources import CODE_LIST_COLUMNS, LayerSource
from queries.labels import LANGUAGES, label, t

# The layers' code columns: each is written with a label column beside it, ``<code>_label``.
CODE_COLUMNS = ("time_precision", "geo_precision", "country_iso3", "channel", "item", "item_group", "form",
                "concealment", "detection", "agency", "destination_iso3", "case_status", "kind", "counterpart_iso3",
                "category", "bin", "item_groups")
LABEL_SUFFIX = "_label"


def code_label(column: str, code: Any, lang: str) -> str | None:
    """The label of ``code`` in the code column ``column`` in ``lang`` (a Gi* bin's confidence, else
    ``queries.labels.label``; of each code of a list); None for a missing code."""
    if code is None:
        return None
    if column in CODE_LIST_COLUMNS:
        return ",".join(label(part, lang) for part in code.split(","))
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
    codes = {name for name in source.schema.names if name in CODE_COLUMNS}
    if not codes:
        return source
    fields = []
    for code_field in source.schema:
        fields.append(code_field)
        if code_field.name in codes:
            fields.append(pa.field(code_field.name + LABEL_SUFFIX, pa.string()))
    schema = pa.schema(fields, metadata=source.schema.metadata)

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in source.batches:
            columns = []
            for name, column in zip(batch.schema.names, batch.columns, strict=True):
                columns.append(column)
                if name in codes:
                    columns.append(label_column(column, name, lang))
            yield pa.RecordBatch.from_arrays(columns, schema=schema)

    return LayerSource(source.layer, schema, batches(), source.geometry_type, source.rows)
