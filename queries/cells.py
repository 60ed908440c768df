"""H3 cells of seizures: computed once when a row is written, so that SQL can aggregate hexagons.

The store keeps each seizure's cell at :data:`STORE_RESOLUTION`; the map's hexagons and the
hot-spot grid are its parents at coarser resolutions, taken in SQL by the ``h3_parent`` macro.
"""

from __future__ import annotations

import itertools

import duckdb
import h3.api.basic_int as h3int
import numpy as np
import pandas as pd

STORE_RESOLUTION = 10


def cells_for(lat, lon, resolution: int = STORE_RESOLUTION) -> pd.arrays.IntegerArray:
    """The H3 cell (unsigned 64-bit) of each WGS84 point; missing where a coordinate is missing or
    out of range, so that the schema, not H3, says what is wrong with the row."""
    lat = pd.to_numeric(pd.Series(lat), errors="coerce").to_numpy(float)
    lon = pd.to_numeric(pd.Series(lon), errors="coerce").to_numpy(float)
    valid = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    cells = np.zeros(len(lat), dtype=np.uint64)
    count = int(valid.sum())
    cells[valid] = np.fromiter(
        map(h3int.latlng_to_cell, lat[valid].tolist(), lon[valid].tolist(), itertools.repeat(resolution, count)),
        dtype=np.uint64,
        count=count,
    )
    return pd.arrays.IntegerArray(cells, ~valid)


def cell_hex(cells) -> list[str]:
    """Cells as the lowercase hex strings that h3 and deck.gl's H3HexagonLayer use."""
    return [format(int(cell), "x") for cell in cells]


def _cell_int(cell) -> int:
    return int(cell, 16) if isinstance(cell, str) else int(cell)


def cell_outlines(cells) -> list[list[tuple[float, float]]]:
    """Each H3 cell's outer ring as (lon, lat) pairs, from cells as uint64 or as their hex strings (the
    one definition of a hexagon's outline: the analyses' polygons and the maps' rings)."""
    return [[(lon, lat) for lat, lon in h3int.cell_to_boundary(_cell_int(cell))] for cell in cells]


def cell_centres(cells) -> np.ndarray:
    """Each H3 cell's centre as a row (lon, lat), from cells as uint64 or as their hex strings."""
    centres = [h3int.cell_to_latlng(_cell_int(cell)) for cell in cells]
    return np.array(centres, dtype=float).reshape(-1, 2)[:, ::-1]


def with_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with lon and lat) plus its ``h3_cell`` column."""
    return frame.assign(h3_cell=cells_for(frame["lat"].to_numpy(), frame["lon"].to_numpy()))


def fill_missing_cells(con: duckdb.DuckDBPyConnection) -> int:
    """Compute ``h3_cell`` for the seizures that have none (rows written before migration 003)."""
    missing = con.execute("SELECT seizure_id, lon, lat FROM seizures WHERE h3_cell IS NULL").df()
    if missing.empty:
        return 0
    con.register("filled", with_cells(missing)[["seizure_id", "h3_cell"]])
    try:
        con.execute(
            "UPDATE seizures SET h3_cell = filled.h3_cell FROM filled WHERE seizures.seizure_id = filled.seizure_id"
        )
    finally:
        con.unregister("filled")
    return len(missing)
