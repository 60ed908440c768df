"""Writing an import's records inside its transaction: new ones inserted, changed ones archived then updated, and
the parties and cases they name (queries.parties) with their screening hits (queries.screening_hits), so that one
import stays one transaction."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from queries.ingest.fields import ID_NUMBER_OF, KEYS, PARTY_COLUMNS, PARTY_FIELDS, USCC_OF
from queries.parties import write_parties
from queries.seizures import insert_seizures, update_seizures
from queries.store import query_over, write_frame


def _arrow_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text columns as Arrow strings, which DuckDB scans without a copy (pandas'
    own string columns it converts value by value, ten times slower)."""
    text = [name for name, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype) or dtype == object
            and pd.api.types.infer_dtype(frame[name], skipna=True) in ("string", "empty")]
    return frame.astype({name: pd.ArrowDtype(pa.large_string()) for name in text})


def _register(con, name: str, frame: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
    """Run the named query over ``frame`` (seen as ``incoming``) with bound ``params``."""
    return query_over(con, name, _arrow_strings(frame), params)


ARCHIVES = {"seizures": "ingest_archive_seizures", "checkpoints": "ingest_archive_checkpoints",
            "hubs": "ingest_archive_hubs"}
UPSERTS = {"checkpoints": "upsert_checkpoints", "hubs": "upsert_processing_hubs"}


def _write_parties(con, incoming: pd.DataFrame, import_id: int, at: datetime) -> None:
    """The parties and cases the records that name any (stored by now) name, with their links (queries.parties);
    then those parties screened against the lists in force on their earliest seizure's day (queries.screening_hits)
    and resolved into entities with the stored ones (queries.entities)."""
    named = incoming[incoming[list(PARTY_COLUMNS)].notna().any(axis=1).to_numpy()]
    if named.empty:
        return
    # imported here, not with the module: screening loads OpenCC and pypinyin (~0.5 s), needed only when parties are
    from queries.screening_hits import screen_parties
    ids = _register(con, "seizure_ids_by_key", named[["source", "source_id"]])
    write_parties(con, named.merge(ids, on=["source", "source_id"]), PARTY_FIELDS, USCC_OF, import_id, at,
                  id_number_of=ID_NUMBER_OF)
    from queries.entities import resolve_parties  # as screening: loads OpenCC and pypinyin

    linked = query_over(con, "seizure_parties_of", ids[["seizure_id"]])
    screen_parties(con, linked, at)
    resolve_parties(con, at, linked[["party_id"]])  # the new spellings join their entities in the same transaction


def write_records(con, kind: str, records: pd.DataFrame, import_id: int, at: datetime) -> tuple[int, int, int]:
    """Insert the new records, archive and update the changed ones; (new, updated, unchanged)."""
    incoming = records.drop(columns="line").reset_index(drop=True)
    if kind == "seizures":
        incoming = incoming.assign(is_synthetic=False, ingested_at=pd.Timestamp(at).as_unit("us"))
    incoming = _arrow_strings(incoming)
    incoming.insert(0, "position", np.arange(len(incoming)))
    matches = _register(con, f"ingest_match_{kind}", incoming)
    changed = matches[matches["changed"]]
    new = incoming[~incoming["position"].isin(matches["position"])].drop(columns="position")
    update = incoming.set_index("position").loc[changed["position"]].reset_index(drop=True)
    params = {"import_id": import_id, "replaced_at": at}
    if kind == "seizures":
        update["seizure_id"] = changed["seizure_id"].to_numpy()
        if len(update):
            _register(con, ARCHIVES[kind], update[["seizure_id"]], params)
            update_seizures(con, update.drop(columns=list(PARTY_COLUMNS)))
        if len(new):
            insert_seizures(con, new.drop(columns=list(PARTY_COLUMNS)))
        _write_parties(con, incoming, import_id, at)
    else:
        if len(update):
            _register(con, ARCHIVES[kind], update[list(KEYS[kind])], params)
        if len(new) or len(update):
            write_frame(con, UPSERTS[kind], pd.concat([new, update], ignore_index=True))
    return len(new), len(update), len(matches) - len(update)
