"""Emerging hot spots: Gi* on the hexagon grid at every time step, a Mann-Kendall trend per cell,
and each cell classified as ArcGIS Pro's Emerging Hot Spot Analysis does.

The cube: the hexagons (one H3 resolution) that hold a seizure at any step (as in ArcGIS, a cell
with no seizure in the whole period is left out), by week (Monday to Sunday) or calendar month,
from the step of the first seizure to that of the last. Each step's Gi* compares the cells with
that step's own grid mean and spread (:func:`geodata.hotspots.gi_star_z`, binary star weights
over ``rings``); a cell is a *hot* (cold) spot at a step when its z is positive (negative) and its
two-sided p-value, after a Benjamini-Hochberg correction over that step's cells when ``fdr``, is at
most ``alpha``. The trend is the Mann-Kendall test of the cell's series of z-scores (the intensity
of clustering), significant when its p-value is at most ``alpha``.

Mann-Kendall is computed here, vectorised over all cells at once (S = sum of sign(z_j - z_i) over
i < j; variance with the correction for tied values; continuity-corrected z; two-sided p), rather
than with pymannkendall, which tests one series per Python call and would add a dependency for
twenty lines.

Decision table (T steps; "hot share" is the share of the T steps at which the cell is a hot spot;
read the rows in order, the first that fits decides; cold spots mirror it with hot and cold
swapped and the trend's sign reversed):

=================  ===========================  ========================================================
final step         hot share                    pattern
=================  ===========================  ========================================================
hot                >= 90 %                      *intensifying* if the trend is significant and upward,
                                                *diminishing* if significant and downward,
                                                else *persistent*
hot                < 90 %, a cold step before   *oscillating*
hot                < 90 %, hot only at the      *new* if that run is the final step alone,
                   final run of steps           *consecutive* if it is 2 steps or more
hot                < 90 %, otherwise            *sporadic* (hot on and off, never cold)
not hot, not cold  >= 90 %                      *historical* (hot nearly always, not now)
(otherwise)                                     no pattern detected
=================  ===========================  ========================================================

These follow ArcGIS Pro's definitions ("How Emerging Hot Spot Analysis works"): e.g. *new*: a hot
spot at the final step, never one before; *consecutive*: a single uninterrupted run of at least
two hot steps at the end, never hot before it, under 90 % of steps hot; *persistent*: hot at
90 % of the steps with no significant trend; *historical*: the most recent step is not hot, but at
least 90 % of the steps were. Where ArcGIS leaves the order open (a final hot run after an earlier
cold spot), a cold past makes the cell *oscillating*.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import stats

from geodata.budget import MB, Estimate, Limits, check
from geodata.coverage import CHECKPOINT_COLUMNS
from geodata.crs import WGS84
from geodata.hotspots import (
    MEASURES,
    cell_polygons,
    gi_star_z,
    grid_cost,
    neighbourhood_size,
    parent_cells,
    ring_weights,
    two_sided_p,
)
from geodata.places import PLACE_COLUMNS, with_places
from geodata.results import AnalysisResult

STEPS = ("week", "month")
PATTERNS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating", "historical")
NO_PATTERN = "no pattern detected"
CATEGORIES = (*(f"{p} {kind} spot" for kind in ("hot", "cold") for p in PATTERNS), NO_PATTERN)
EMERGING_COLUMNS = ("cell", "category", "seizures", "steps", "hot_steps", "cold_steps", "final_z",
                    "trend_z", "trend_p", *CHECKPOINT_COLUMNS, *PLACE_COLUMNS, "geometry")
MOST_STEPS = 0.9  # "90 percent of the time-step intervals"
ALERT_CATEGORIES = ("new hot spot", "intensifying hot spot")  # what the live map flags when a cell becomes one
TREND_CHUNK_VALUES = 4_000_000  # cells x steps x steps compared at once by mann_kendall (32 MB a temporary)
# What the work costs on the reference machine (bench/bench_analysis.py measures the estimates against
# the analyses): :func:`estimate_emerging` multiplies its counts by these, and by geodata.hotspots' grid_cost.
SECONDS_PER_CELL_STEP = 100e-9  # a hexagon's Gi*, p-value and flags at one step
SECONDS_PER_NEIGHBOUR_STEP = 2e-9  # ... summed over its neighbourhood
SECONDS_PER_STEP_PAIR = 10e-9  # Mann-Kendall: a pair of a hexagon's steps
BYTES_PER_CELL_STEP = 100  # the cube and the arrays of the same shape made from it


@dataclass(frozen=True)
class EmergingParams:
    """How to find emerging hot spots.

    resolution: H3 resolution of the hexagons (6: about 36 km² each; 7: about 5 km²).
    rings: a hexagon's neighbourhood is itself and the hexagons within this many steps.
    step: "week" or "month", the length of one time step.
    weight: what a hexagon measures at each step: "count" of seizures, "kg" or "value" (CNY).
    alpha: a cell is a hot or cold spot at a step, and a trend counts, when its p-value is at most
        this (0.05: 95 % confidence).
    fdr: correct each step's p-values for testing every cell at once (false discovery rate). Off by
        default: a single step holds few seizures per cell, and the early steps of a pattern that is
        just emerging would rarely pass the correction; the trend test and the 90 % rules already
        ask for a pattern that holds over many steps.
    """

    resolution: int = 6
    rings: int = 2
    step: str = "month"
    weight: str = "count"
    alpha: float = 0.05
    fdr: bool = False

    def __post_init__(self):
        if not 0 <= self.resolution <= 10:
            raise ValueError(f"resolution must be 0-10 (the store keeps cells at 10), got {self.resolution}")
        if self.rings < 1:
            raise ValueError(f"rings must be 1 or more, got {self.rings}")
        if self.step not in STEPS:
            raise ValueError(f"step must be one of {', '.join(STEPS)}, got {self.step!r}")
        if self.weight not in MEASURES:
            raise ValueError(f"weight must be one of {', '.join(MEASURES)}, got {self.weight!r}")
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be between 0 and 1, got {self.alpha}")


def step_starts(occurred_at: pd.Series, step: str) -> pd.Series:
    """The start of each time's step: the Monday of its week or the first of its month (midnight)."""
    day = pd.to_datetime(occurred_at).dt.floor("D")
    if step == "week":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    return day - pd.to_timedelta(day.dt.day - 1, unit="D")


@dataclass(frozen=True)
class Cube:
    """Seizure measures per cell (rows, sorted uint64 cells) and time step (columns, ``starts``)."""

    cells: np.ndarray
    starts: pd.DatetimeIndex
    values: np.ndarray
    seizures: np.ndarray  # total seizures per cell over all steps


def step_range(first: pd.Timestamp, last: pd.Timestamp, step: str) -> pd.DatetimeIndex:
    """The starts of the steps from the one starting at ``first`` to the one starting at ``last``."""
    return pd.date_range(first, last, freq="W-MON" if step == "week" else "MS")


def build_cube(points: pd.DataFrame, params: EmergingParams) -> Cube:
    """The space-time cube of analysis ``points`` (h3_cell, occurred_at, quantity_kg, value_cny)."""
    start = step_starts(points["occurred_at"], params.step)
    starts = step_range(start.min(), start.max(), params.step)
    cells, row = np.unique(parent_cells(points["h3_cell"].to_numpy(), params.resolution), return_inverse=True)
    column = starts.get_indexer(start)
    measure = {"count": np.ones(len(points)), "kg": points["quantity_kg"].to_numpy(float),
               "value": points["value_cny"].fillna(0).to_numpy(float)}[params.weight]
    values = np.zeros((len(cells), len(starts)))
    np.add.at(values, (row, column), measure)
    return Cube(cells=cells, starts=starts, values=values, seizures=np.bincount(row, minlength=len(cells)))


def mann_kendall(series: np.ndarray, chunk_cells: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann-Kendall trend test of each row of ``series`` (cells x steps): S, z and two-sided p. S is
    summed ``chunk_cells`` rows at a time (by default as many as make TREND_CHUNK_VALUES comparisons).

    Examples
    --------
    >>> s, z, p = mann_kendall(np.array([[1.0, 2, 3, 4, 5], [3, 3, 3, 3, 3]]))
    >>> s.tolist(), z.round(4).tolist(), p.round(4).tolist()
    ([10.0, 0.0], [2.2045, 0.0], [0.0275, 1.0])
    """
    series = np.asarray(series, dtype=float)
    cells, t = series.shape
    chunk_cells = chunk_cells or max(1, TREND_CHUNK_VALUES // (t * t))
    s = np.empty(cells)
    later = np.triu(np.ones((t, t), dtype=bool), k=1)
    for start in range(0, cells, chunk_cells):
        part = series[start:start + chunk_cells]
        s[start:start + chunk_cells] = (np.sign(part[:, None, :] - part[:, :, None]) * later).sum(axis=(1, 2))
    ordered = np.sort(series, axis=1)
    run_start = np.ones_like(ordered, dtype=bool)
    run_start[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    row, position = np.nonzero(run_start)
    ends = np.append(position[1:], t)
    ends[np.flatnonzero(np.diff(row))] = t  # a row's last run ends at the row's end
    length = (ends - position).astype(float)
    ties = np.bincount(row, weights=length * (length - 1) * (2 * length + 5), minlength=cells)
    variance = (t * (t - 1) * (2 * t + 5) - ties) / 18
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, (s - np.sign(s)) / np.sqrt(variance), 0.0)
    return s, z, two_sided_p(z)


def _final_run(flags: np.ndarray) -> np.ndarray:
    """Length of the run of True that ends at the final step, per row."""
    broken = ~flags[:, ::-1]
    return np.where(broken.any(axis=1), broken.argmax(axis=1), flags.shape[1])


def _patterns(now: np.ndarray, other: np.ndarray, upward: np.ndarray, downward: np.ndarray) -> np.ndarray:
    """The pattern (see the decision table) of each row of ``now`` (the steps a cell is a spot of one
    kind) against ``other`` (the steps it is a spot of the other kind); '' where none fits."""
    steps = now.shape[1]
    share = now.sum(axis=1) / steps
    final = now[:, -1]
    run = _final_run(now)
    only_final_run = now.sum(axis=1) == run
    mostly = share >= MOST_STEPS
    return np.select(
        [final & mostly & upward, final & mostly & downward, final & mostly,
         final & other.any(axis=1),
         final & only_final_run & (run == 1), final & only_final_run,
         final,
         ~final & ~other[:, -1] & mostly],
        ["intensifying", "diminishing", "persistent", "oscillating", "new", "consecutive", "sporadic", "historical"],
        default="")


def classify(hot: np.ndarray, cold: np.ndarray, trend_z: np.ndarray, trend_p: np.ndarray, alpha: float) -> np.ndarray:
    """The category of each cell from its hot and cold steps (cells x steps) and its trend."""
    rising = (trend_p <= alpha) & (trend_z > 0)
    falling = (trend_p <= alpha) & (trend_z < 0)
    hot_pattern = _patterns(hot, cold, rising, falling)
    cold_pattern = _patterns(cold, hot, falling, rising)  # a cold spot intensifies as its z falls
    return np.where(hot_pattern != "", np.char.add(hot_pattern.astype(str), " hot spot"),
                    np.where(cold_pattern != "", np.char.add(cold_pattern.astype(str), " cold spot"), NO_PATTERN))


def _estimate(seizures: int, cells: int, steps: int, params: EmergingParams) -> Estimate:
    seconds, mb = grid_cost(seizures, cells, params.rings)
    neighbours = neighbourhood_size(params.rings)
    cube = cells * steps
    return Estimate(
        "emerging", seizures, cube * (neighbours + steps),
        seconds + cube * (SECONDS_PER_CELL_STEP + neighbours * SECONDS_PER_NEIGHBOUR_STEP + steps * SECONDS_PER_STEP_PAIR),
        mb + (cube * BYTES_PER_CELL_STEP + 3 * TREND_CHUNK_VALUES * 8) / MB)


def estimate_emerging(points: pd.DataFrame, params: EmergingParams = EmergingParams()) -> Estimate:
    """What :func:`emerging_hot_spots` would cost: the cube's hexagons and steps (counted), Gi* at each
    step over the hexagons' neighbourhoods, and Mann-Kendall's comparisons of every pair of steps.

    Examples
    --------
    >>> estimate_emerging(points, EmergingParams(resolution=8, step="week"))  # doctest: +SKIP
    """
    cells = len(np.unique(parent_cells(points["h3_cell"].to_numpy(), params.resolution)))
    ends = step_starts(points["occurred_at"].agg(["min", "max"]), params.step)
    steps = len(step_range(ends.iloc[0], ends.iloc[1], params.step)) if len(points) else 0
    return _estimate(len(points), cells, steps, params)


def emerging_hot_spots(points: pd.DataFrame, params: EmergingParams = EmergingParams(),
                       limits: Limits | None = None) -> AnalysisResult:
    """Classify every hexagon of the cube built from analysis ``points``.

    Refused (``geodata.budget.AnalysisRefused``) before the cube is built when :func:`estimate_emerging`
    says it would cost more than ``limits`` (by default ``Limits.from_env()``).

    Returns one row per cell (``EMERGING_COLUMNS``, EPSG:4326): cell (hex string), category (one of
    ``CATEGORIES``), seizures over the period, steps, hot_steps and cold_steps (how many), final_z
    (Gi* z at the last step), trend_z and trend_p (Mann-Kendall of the z-scores), its nearest checkpoint
    and its name (``geodata.places``), as the :class:`~geodata.results.AnalysisResult`'s frame, with the parameters and the first and last step.
    """
    if not isinstance(params, EmergingParams):
        raise TypeError(f"params must be EmergingParams, got {type(params).__name__}")
    if points.empty:
        raise ValueError("there are no precisely located seizures in this view to look for emerging hot spots in")
    check(estimate_emerging(points, params), limits)
    cube = build_cube(points, params)
    if len(cube.starts) < 3:
        raise ValueError(f"emerging hot spots need at least 3 time steps, the view spans {len(cube.starts)} "
                         f"{params.step}(s); widen the dates or use weekly steps")
    z = gi_star_z(cube.values, ring_weights(cube.cells, params.rings))
    p = two_sided_p(z)
    q = stats.false_discovery_control(p, axis=0, method="bh") if params.fdr else p
    hot, cold = (q <= params.alpha) & (z > 0), (q <= params.alpha) & (z < 0)
    _, trend_z, trend_p = mann_kendall(z)
    table = pd.DataFrame({
        "cell": [format(int(c), "x") for c in cube.cells],
        "category": classify(hot, cold, trend_z, trend_p, params.alpha),
        "seizures": cube.seizures, "steps": len(cube.starts),
        "hot_steps": hot.sum(axis=1), "cold_steps": cold.sum(axis=1),
        "final_z": z[:, -1], "trend_z": trend_z, "trend_p": trend_p,
    })
    frame = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(cell_polygons(cube.cells), crs=WGS84), crs=WGS84)
    return AnalysisResult(with_places(frame)[list(EMERGING_COLUMNS)], params, first_step=cube.starts[0].isoformat(), last_step=cube.starts[-1].isoformat())


def just_emerged(points: pd.DataFrame, params: EmergingParams = EmergingParams(step="week")) -> gpd.GeoDataFrame:
    """The cells that have just become a new or intensifying hot spot (``ALERT_CATEGORIES``): in one of
    them at the last step, and not in that category when the same analysis ends a step earlier.

    Returns the rows of :func:`emerging_hot_spots` for those cells with ``previous_category`` added
    (``NO_PATTERN`` for a cell without seizures before the last step, or when fewer than 3 steps came
    before it).
    """
    found = emerging_hot_spots(points, params)
    now, last_step = found.frame, pd.Timestamp(found.last_step)
    try:
        before = emerging_hot_spots(points[step_starts(points["occurred_at"], params.step) < last_step], params).frame
        previous = now["cell"].map(before.set_index("cell")["category"]).fillna(NO_PATTERN)
    except ValueError:  # fewer than 3 steps before the last one
        previous = pd.Series(NO_PATTERN, index=now.index)
    flagged = now[now["category"].isin(ALERT_CATEGORIES) & (now["category"] != previous)]
    return flagged.assign(previous_category=previous[flagged.index])
