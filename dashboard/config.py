"""Settings of the app, read in one place: the database path and the map's bounds on payload."""

from __future__ import annotations

import os
from pathlib import Path

from queries.store import DEFAULT_DB

POINT_SAMPLE_LIMIT = 3_000  # seizure points sent to the browser at most
BASE_MAP_EXTENT = (72.0, 8.0, 136.0, 55.0)  # lon/lat box the neighbours are clipped to: China and its rim
RECENT_DAYS = 30


def db_path() -> str:
    """The DuckDB file, absolute (it keys the caches): ``$CORDON_DB`` if set, else data/cordon.duckdb."""
    return str(Path(os.environ.get("CORDON_DB") or DEFAULT_DB).resolve())
