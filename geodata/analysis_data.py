"""The seizures the spatial analyses work on: the view's records located well enough to place a point.

Precision rule (the ``precise_enough`` SQL macro): a record known only to its county or province
sits on that area's anchor point, and counted as a point it would make a false hot spot or cluster
there. The analyses therefore leave such records out, entirely, and say how many they left out;
they are not down-weighted, because a weight cannot say *where* in the county a record belongs.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from queries.filters import Filters
from queries.store import run


@dataclass(frozen=True)
class AnalysisPoints:
    """The records an analysis uses and how many of the view's records it had to leave out.

    points: one row per seizure (columns of queries/sql/analysis_points.sql), oldest first.
    left_out: records in the view known only to the county or province, not in ``points``.
    """

    points: pd.DataFrame
    left_out: int


def read_analysis_points(con: duckdb.DuckDBPyConnection, filters: Filters) -> AnalysisPoints:
    """The view's precisely located seizures and the count of those left out (one read snapshot).

    Examples
    --------
    >>> with Store("data/cordon.duckdb").reading() as con:       # doctest: +SKIP
    ...     data = read_analysis_points(con, Filters(item_groups=("Ga",)))
    """
    if not isinstance(filters, Filters):
        raise TypeError(f"filters must be a queries.filters.Filters, got {type(filters).__name__}")
    params = filters.params()
    points = run(con, "analysis_points", params)
    left_out = int(run(con, "analysis_left_out", params)["left_out"].iloc[0])
    return AnalysisPoints(points=points, left_out=left_out)
