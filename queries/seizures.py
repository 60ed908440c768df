"""Writing seizures: the one path every writer (seeding, the feed, imports) goes through."""

from __future__ import annotations

import duckdb
import pandas as pd

from queries.cells import with_cells
from queries.store import write_frame


def insert_seizures(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Append ``frame`` (the seizures columns, without ``seizure_id`` and ``h3_cell``) and return
    the rows written; the H3 cell is derived here from lon/lat so that no writer can forget it."""
    return write_frame(con, "insert_seizures", with_cells(frame))


def update_seizures(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Give the stored seizures named by ``frame``'s ``seizure_id`` the content of its rows (an
    import's changed records) and return the rows written; the id, source and source_id stay, and
    the H3 cell is derived again from the new lon/lat."""
    return write_frame(con, "ingest_update_seizures", with_cells(frame))
