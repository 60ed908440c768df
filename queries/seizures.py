"""Writing seizures: the one path every writer (seeding, the feed, imports) goes through."""

from __future__ import annotations

import duckdb
import pandas as pd

from queries.cells import with_cells
from queries.store import StoreError, load_sql, new_ids, write_frame


def insert_seizures(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Append ``frame`` (the seizures columns, without ``seizure_id`` and ``h3_cell``) and return
    the rows written; the H3 cell is derived here from lon/lat so that no writer can forget it.

    A record is stored once per source: a frame that gives a (source, source_id) twice, or one
    already stored, is refused whole with :class:`StoreError` (the schema has no index for it;
    see migration 006).
    """
    con.register("incoming", frame[["source", "source_id"]])
    try:
        clash = con.execute(load_sql("seizures_key_clash")).fetchone()
    finally:
        con.unregister("incoming")
    if clash is not None:
        source, source_id, stored, given = clash
        where = "is already stored" if stored else f"is given {given} times"
        raise StoreError(f"insert_seizures: a row was refused by the schema: the record (source, source_id) = "
                         f"({source!r}, {source_id!r}) {where}; each record is stored once per source")
    return write_frame(con, "insert_seizures", with_cells(frame).assign(seizure_id=new_ids(con, "seizures", len(frame))))


def update_seizures(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Give the stored seizures named by ``frame``'s ``seizure_id`` the content of its rows (an
    import's changed records) and return the rows written; the id, source and source_id stay, and
    the H3 cell is derived again from the new lon/lat."""
    return write_frame(con, "ingest_update_seizures", with_cells(frame))
