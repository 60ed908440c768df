"""Statistical hot spots: Getis-Ord Gi* on an H3 hexagon grid, as ArcGIS's Hot Spot Analysis reports it.

The grid is the set of hexagons (at one H3 resolution) that hold at least one of the analysed
seizures: as in ArcGIS when no bounding polygons say where seizures were possible, an empty
hexagon is not known to be a place where one *could* have happened, so it is not counted as a zero.
Each hexagon measures the seizures in it by count, kilograms or value.

A hexagon's neighbourhood is itself and every grid hexagon within ``rings`` steps (H3
``grid_disk``), all weighted 1 (binary weights with the focal cell included: the *star* version).
Gi* compares the neighbourhood's total with what the grid's mean would give, in standard
deviations (the z-score); it equals PySAL esda's ``G_Local(y, w, transform='B', star=True).Zs``:

    z_i = (sum_j w_ij x_j - mean(x) W_i) / (S sqrt((n W_i - W_i^2) / (n - 1)))

with W_i the number of cells in the neighbourhood, n the number of cells and S the population
standard deviation of x. p-values are two-sided: from the normal distribution, or, with
``permutations``, from conditional permutations (the focal value fixed, its W_i - 1 neighbours
drawn at random from the other cells; each permutation's draws are shared by all cells, as esda
does, and the cells are counted in chunks so memory stays bounded). With ``fdr`` the p-values are
adjusted for testing every cell at once (Benjamini-Hochberg false discovery rate).

Bins, as ArcGIS's Gi_Bin: +3/+2/+1 a hot spot with 99/95/90 % confidence, -3/-2/-1 a cold spot,
0 not significant.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import h3.api.basic_int as h3int
import numpy as np
import pandas as pd
import shapely
from scipy import sparse, stats

from geodata.budget import MB, Estimate, Limits, check
from geodata.coverage import CHECKPOINT_COLUMNS
from geodata.crs import WGS84
from geodata.places import PLACE_COLUMNS, with_places
from geodata.results import AnalysisResult
from queries.cells import cell_outlines

MEASURES = {"count": "seizures", "kg": "kg", "value": "value_cny"}
CONFIDENCE_LEVELS = ((3, 0.01), (2, 0.05), (1, 0.10))  # bin, largest p-value that reaches it
CELL_COLUMNS = ("cell", "seizures", "kg", "value_cny", "neighbours", "z", "p", "q", "bin", *CHECKPOINT_COLUMNS,
                *PLACE_COLUMNS, "geometry")
PERMUTATION_CHUNK = 4096  # cells whose permutation totals are held at once
# What the work costs on the reference machine (bench/bench_analysis.py measures the estimates against
# the analyses); :func:`estimate_hot_spots` and geodata.emerging's estimate multiply their counts by these.
SECONDS_PER_SEIZURE = 0.5e-6  # counting the seizures into hexagons
BYTES_PER_SEIZURE = 100
SECONDS_PER_CELL = 50e-6  # a hexagon's neighbourhood (one H3 grid_disk call), outline, id and place name (bench_places.py)
SECONDS_PER_NEIGHBOUR = 0.3e-6  # ... and each hexagon of that neighbourhood
BYTES_PER_NEIGHBOUR = 50  # a weight, while the sparse matrix is built
SECONDS_PER_DRAW = 30e-9  # a permutation's total for a hexagon


@dataclass(frozen=True)
class HotSpotParams:
    """How to find hot spots on the hexagon grid.

    resolution: H3 resolution of the hexagons; 7 is about 5 km² a hexagon (edge 1.2 km), 6 about
        36 km², 8 about 0.7 km².
    rings: a hexagon's neighbourhood is itself and the hexagons within this many steps (1: the six
        touching it; 2: 18 around it).
    weight: what a hexagon measures: "count" of seizures, "kg" seized or "value" (CNY).
    permutations: 0 for p-values from the normal approximation; 999 (say) for p-values from that
        many conditional permutations, which do not assume normality.
    fdr: correct the p-values for testing every hexagon at once (false discovery rate), so that
        about 1 in 10 of the 90 % hot spots is not a chance result, rather than 1 in 10 of all cells.
    seed: fixes the permutations, so a run can be repeated exactly.
    """

    resolution: int = 7
    rings: int = 2
    weight: str = "count"
    permutations: int = 0
    fdr: bool = True
    seed: int | None = 0

    def __post_init__(self):
        if not 0 <= self.resolution <= 10:
            raise ValueError(f"resolution must be 0-10 (the store keeps cells at 10), got {self.resolution}")
        if self.rings < 1:
            raise ValueError(f"rings must be 1 or more, got {self.rings}")
        if self.weight not in MEASURES:
            raise ValueError(f"weight must be one of {', '.join(MEASURES)}, got {self.weight!r}")
        if self.permutations < 0:
            raise ValueError(f"permutations must be 0 or more, got {self.permutations}")


def parent_cells(cells, resolution: int) -> np.ndarray:
    """The parent at ``resolution`` of each stored H3 cell (uint64, at ``resolution`` or finer), from
    the index's bits as H3 defines them: the resolution field (bits 52-55) set to ``resolution`` and
    the digits of the finer resolutions (3 bits each, resolution 15 lowest) set to 7, unused.

    Examples
    --------
    >>> cell = h3int.latlng_to_cell(23.0, 105.0, 10)
    >>> int(parent_cells([cell], 6)[0]) == h3int.cell_to_parent(cell, 6)
    True
    """
    unused_digits = sum(7 << (3 * (15 - finer)) for finer in range(resolution + 1, 16))
    cells = np.asarray(cells, dtype=np.uint64)
    return (cells & ~np.uint64(0xF << 52)) | np.uint64(resolution << 52) | np.uint64(unused_digits)


def cell_measures(points: pd.DataFrame, resolution: int) -> pd.DataFrame:
    """Seizures, kg and value (CNY) per hexagon at ``resolution``, indexed by cell (uint64), sorted."""
    frame = pd.DataFrame({
        "cell": parent_cells(points["h3_cell"].to_numpy(), resolution),
        "kg": points["quantity_kg"].to_numpy(float),
        "value_cny": points["value_cny"].fillna(0).to_numpy(float),
    })
    grouped = frame.groupby("cell", sort=True)
    return pd.DataFrame({"seizures": grouped.size(), "kg": grouped["kg"].sum(), "value_cny": grouped["value_cny"].sum()})


def ring_weights(cells: np.ndarray, rings: int) -> sparse.csr_matrix:
    """Binary weights among ``cells`` (distinct uint64 H3 cells): 1 where two cells are within
    ``rings`` grid steps of each other, a cell included in its own neighbourhood."""
    cells = np.asarray(cells, dtype=np.uint64)
    order = np.argsort(cells)
    rows, cols = [], []
    for i, cell in enumerate(cells.tolist()):
        disk = np.fromiter(h3int.grid_disk(cell, rings), dtype=np.uint64)
        at = np.searchsorted(cells, disk, sorter=order)
        at = order[np.minimum(at, len(cells) - 1)]
        found = at[cells[at] == disk]
        rows.append(np.full(len(found), i))
        cols.append(found)
    rows = np.concatenate(rows) if rows else np.empty(0, int)
    cols = np.concatenate(cols) if cols else np.empty(0, int)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cells), len(cells)))


def gi_star_z(y: np.ndarray, w: sparse.csr_matrix) -> np.ndarray:
    """Gi* z-scores for binary star weights ``w``; ``y`` is one value per cell, or one column per
    time step (each column its own grid mean and deviation). Where z is undefined (a column with no
    spread, a neighbourhood holding every cell) it is 0: no evidence either way."""
    y = np.asarray(y, dtype=float)
    n = w.shape[0]
    mean = y.mean(axis=0)
    spread = np.sqrt(np.maximum((y**2).mean(axis=0) - mean**2, 0.0))
    cardinality = np.asarray(w.sum(axis=1)).ravel()
    if y.ndim == 2:
        cardinality = cardinality[:, None]
    denominator = spread * np.sqrt(np.maximum(n * cardinality - cardinality**2, 0.0) / max(n - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (w @ y - mean * cardinality) / denominator
    return np.where(denominator > 0, z, 0.0)


def two_sided_p(z: np.ndarray) -> np.ndarray:
    """Two-sided p-value of a standard normal z-score."""
    return 2 * stats.norm.sf(np.abs(z))


def permutation_p(y: np.ndarray, w: sparse.csr_matrix, permutations: int, seed: int | None,
                  chunk: int = PERMUTATION_CHUNK) -> np.ndarray:
    """Two-sided conditional-permutation p-values of each cell's neighbourhood total.

    Each permutation draws, once for all cells, a random ordering of the cells; a cell's W_i - 1
    neighbours are the first W_i - 1 of that ordering other than itself. Totals are prefix sums of
    the ordering, so no n x permutations matrix is ever held: cells are counted ``chunk`` at a time.
    p = 2 (min(#random >= observed, #random <= observed) + 1) / (permutations + 1), at most 1.
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    draws = np.asarray(w.sum(axis=1)).ravel().astype(np.int64) - 1  # neighbours to draw, self excluded
    observed = w @ y
    if n < 2 or permutations == 0:
        return np.ones(n)
    width = int(draws.max()) + 1  # at most n: a neighbourhood holds at most every cell
    rng = np.random.default_rng(seed)
    order = np.stack([rng.choice(n, size=width, replace=False) for _ in range(permutations)])
    prefix = np.zeros((permutations, width + 1))
    np.cumsum(y[order], axis=1, out=prefix[:, 1:])
    # Where a cell is itself among its first W_i - 1 draws, it is skipped and the next draw taken.
    perm_at, position = (index.ravel() for index in np.indices(order.shape))
    cell_at = order.ravel()
    self_drawn = position < draws[cell_at]
    perm_at, cell_at = perm_at[self_drawn], cell_at[self_drawn]
    fix = y[order[perm_at, draws[cell_at]]] - y[cell_at]
    larger = np.zeros(n)
    smaller = np.zeros(n)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        totals = prefix[:, draws[start:stop]] + y[start:stop]
        mine = (cell_at >= start) & (cell_at < stop)
        totals[perm_at[mine], cell_at[mine] - start] += fix[mine]  # a cell is drawn once per permutation
        larger[start:stop] = (totals >= observed[start:stop]).sum(axis=0)
        smaller[start:stop] = (totals <= observed[start:stop]).sum(axis=0)
    return np.minimum(1.0, 2 * (np.minimum(larger, smaller) + 1) / (permutations + 1))


def confidence_bins(z: np.ndarray, p: np.ndarray) -> np.ndarray:
    """ArcGIS-style bins: +3/+2/+1 hot at 99/95/90 % (p <= 0.01/0.05/0.10), negative for cold, 0 otherwise."""
    level = np.zeros(len(p), dtype=np.int64)
    for value, largest_p in reversed(CONFIDENCE_LEVELS):
        level = np.where(p <= largest_p, value, level)
    return (np.sign(z) * level).astype(np.int64)


def adjusted_p(p: np.ndarray, fdr: bool) -> np.ndarray:
    """p-values adjusted by Benjamini-Hochberg when ``fdr``, else unchanged."""
    if not fdr or len(p) == 0:
        return np.asarray(p, dtype=float)
    return stats.false_discovery_control(p, method="bh")


class GiStar:
    """Getis-Ord Gi* of one value per cell under binary star weights, computed on construction.

    Parameters
    ----------
    y : array of float
        One value per cell.
    w : scipy.sparse matrix
        Binary weights with 1 on the diagonal (see :func:`ring_weights`).
    permutations : int
        0, or the number of conditional permutations for ``p_sim``.
    seed : int or None
        Seed of the permutations.

    Attributes
    ----------
    z : z-scores; p_norm : two-sided normal p-values; p_sim : two-sided permutation p-values
    (None without permutations).

    Examples
    --------
    >>> w = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], float))
    >>> GiStar(np.array([5.0, 1.0, 0.0]), w).z.round(3).tolist()
    [0.926, 0.0, -1.389]
    """

    def __init__(self, y, w: sparse.csr_matrix, permutations: int = 0, seed: int | None = None):
        y = np.asarray(y, dtype=float)
        if y.ndim != 1 or w.shape != (len(y), len(y)):
            raise ValueError(f"y must be 1-D with one value per row of w, got y {y.shape} and w {w.shape}")
        self.z = gi_star_z(y, w)
        self.p_norm = two_sided_p(self.z)
        self.p_sim = permutation_p(y, w, permutations, seed) if permutations else None


def cell_polygons(cells) -> np.ndarray:
    """Shapely hexagons (lon, lat) of uint64 H3 cells."""
    rings = cell_outlines(np.asarray(cells).tolist())
    return shapely.polygons(rings) if rings else np.empty(0, dtype=object)


def neighbourhood_size(rings: int) -> int:
    """Hexagons within ``rings`` steps of one, itself included (a pentagon's neighbourhood has fewer)."""
    return 3 * rings * (rings + 1) + 1


def grid_cost(seizures: int, cells: int, rings: int) -> tuple[float, float]:
    """Seconds and MB to count ``seizures`` into ``cells`` hexagons and weigh their neighbourhoods."""
    neighbours = cells * neighbourhood_size(rings)
    return (seizures * SECONDS_PER_SEIZURE + cells * SECONDS_PER_CELL + neighbours * SECONDS_PER_NEIGHBOUR,
            (seizures * BYTES_PER_SEIZURE + neighbours * BYTES_PER_NEIGHBOUR) / MB)


def _estimate(seizures: int, cells: int, params: HotSpotParams) -> Estimate:
    seconds, mb = grid_cost(seizures, cells, params.rings)
    width = neighbourhood_size(params.rings)
    # permutation_p's orderings (several permutations x width arrays) and one chunk of totals
    permutation_bytes = params.permutations * (6 * width + 3 * PERMUTATION_CHUNK) * 8
    return Estimate("hotspots", seizures, cells * (width + params.permutations),
                    seconds + cells * params.permutations * SECONDS_PER_DRAW, mb + permutation_bytes / MB)


def estimate_hot_spots(points: pd.DataFrame, params: HotSpotParams = HotSpotParams()) -> Estimate:
    """What :func:`hot_spots` would cost: its hexagons (counted), their neighbourhoods (at most
    :func:`neighbourhood_size` each) and its permutations.

    Examples
    --------
    >>> estimate_hot_spots(points, HotSpotParams(resolution=8, rings=5, permutations=9999))  # doctest: +SKIP
    Estimate(kind='hotspots', seizures=1084775, work=87923780.0, seconds=3.5, mb=1199.6)
    """
    cells = len(np.unique(parent_cells(points["h3_cell"].to_numpy(), params.resolution)))
    return _estimate(len(points), cells, params)


def hot_spots(points: pd.DataFrame, params: HotSpotParams = HotSpotParams(),
              limits: Limits | None = None) -> AnalysisResult:
    """Gi* hot and cold spots of ``points`` (analysis points: h3_cell, quantity_kg, value_cny).

    Refused (``geodata.budget.AnalysisRefused``) once the hexagons are counted, before their
    neighbourhoods are, when :func:`estimate_hot_spots` says it would cost more than ``limits`` (by
    default ``Limits.from_env()``).

    Returns one row per hexagon holding a seizure, in EPSG:4326: cell (hex string), seizures, kg,
    value_cny, neighbours (cells in its neighbourhood, itself included), z, p (two-sided; from the
    permutations when there are any), q (p after the FDR correction, or p), bin (-3..+3, named
    by ``queries.labels.t(f"bin_{bin}")``), its nearest checkpoint and its name (place_en, place_zh:
    ``geodata.places``): the frame of an :class:`~geodata.results.AnalysisResult`
    with ``params``.
    """
    if not isinstance(params, HotSpotParams):
        raise TypeError(f"params must be HotSpotParams, got {type(params).__name__}")
    if points.empty:
        return _frame(pd.DataFrame({c: [] for c in CELL_COLUMNS[:CELL_COLUMNS.index("bin") + 1]}), [], params)
    measures = cell_measures(points, params.resolution)
    check(_estimate(len(points), len(measures), params), limits)
    cells = measures.index.to_numpy(np.uint64)
    w = ring_weights(cells, params.rings)
    gi = GiStar(measures[MEASURES[params.weight]].to_numpy(float), w, params.permutations, params.seed)
    p = gi.p_sim if gi.p_sim is not None else gi.p_norm
    q = adjusted_p(p, params.fdr)
    table = measures.reset_index(drop=True).assign(
        cell=[format(int(c), "x") for c in cells], neighbours=np.asarray(w.sum(axis=1)).ravel().astype(int),
        z=gi.z, p=p, q=q, bin=confidence_bins(gi.z, q))
    return _frame(table, cell_polygons(cells), params)


def _frame(table: pd.DataFrame, polygons, params) -> AnalysisResult:
    """The hexagons with their polygons, nearest checkpoint and name (``geodata.places.with_places``)."""
    frame = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(polygons, crs=WGS84), crs=WGS84)
    return AnalysisResult(with_places(frame)[list(CELL_COLUMNS)], params)
