"""Settings of the app, read in one place: the database path, the map's bounds on payload, refresh."""

from __future__ import annotations

import os
from pathlib import Path

from queries.lake import is_lake_url
from queries.store import DEFAULT_DB
from queries.views import MapLimits

MAP_LIMITS = MapLimits(points=2_000, hexagons=4_000, arcs=150)  # what the browser receives at most
BASE_MAP_EXTENT = (72.0, 8.0, 136.0, 55.0)  # lon/lat box the neighbours are clipped to: China and its rim
RECORDS_PAGE_SIZE = 200
PLAY_INTERVAL_S = 1.5  # one step of the time slider's playback
# The live map's key, height and row (the map's and the legend's column widths); the sign-in screen draws
# its map with all three, in the same place of the page and with a sidebar as wide, so that the browser
# keeps that map, at its size, with its WebGL state (dashboard/screens/sign_in.py).
LIVE_MAP_KEY, LIVE_MAP_HEIGHT, LIVE_MAP_ROW = "live_map", 620, (3, 1)
LIVE_MAP_WIDTH = 680  # about the live map's width on a 1440-px-wide screen: its first view and labels are made for it


def db_path() -> str:
    """The store (it keys the caches): ``$CORDON_DB`` if set, else data/cordon.duckdb; a file's path made
    absolute, a lake's URL as given (``ducklake:postgres:...``, its files under ``$CORDON_DATA_PATH``)."""
    location = os.environ.get("CORDON_DB") or str(DEFAULT_DB)
    return location if is_lake_url(location) else str(Path(location).resolve())
