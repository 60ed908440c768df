"""Cluster labels of planar points in metres: exact DBSCAN, space-time DBSCAN and HDBSCAN.

The DBSCAN here is exact and gives scikit-learn's partition, but never lists every pair of
neighbours (which at a busy crossing runs to billions). Points go into square cells of side
eps/sqrt(2), so that any two points of one cell are neighbours:

1. cores: every point of a cell holding ``min_count`` points is a core; for the other points an
   upper bound from the counts of the 5 x 5 cells around decides most, a KD-tree count the rest;
2. clusters: cells holding cores are joined when two of their cores are within eps. Most pairs of
   cells are settled by their extreme points (joined) or their bounding boxes (too far apart);
   the few left are checked exactly against a KD-tree;
3. border points: a KD-tree of the cores gives each remaining point its nearest core within eps.

With ``window_days`` (space-time clusters, as ST-DBSCAN) two seizures are neighbours when they are
within ``eps_km`` *and* within ``window_days`` of each other. Neighbour pairs are then enumerated
from a KD-tree over (x, y, scaled time), a chunk of points at a time, so memory stays bounded.
"""

from __future__ import annotations

from itertools import product

import hdbscan
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

NOISE = -1
# Offsets to the cells that may hold a neighbour, one of each opposite pair (cells of side eps/sqrt(2)).
_HALF_BLOCK = [(dx, dy) for dx in range(3) for dy in range(-2, 3) if dx > 0 or dy > 0]
_DIRECTIONS = np.array([[np.cos(a), np.sin(a)] for a in np.arange(8) * np.pi / 4])
ST_CHUNK = 20_000  # points whose space-time neighbours are looked up at once


def _grid_keys(xy: np.ndarray, side: float, origin: np.ndarray) -> tuple[np.ndarray, int]:
    """An int64 key per point for its cell of ``side``; a neighbour (dx, dy) of key k is k + dx*width + dy."""
    ij = np.floor((xy - origin) / side).astype(np.int64)
    width = int(ij[:, 1].max()) + 5  # j + 2 stays within [0, width) for offsets of up to 2 cells
    return (ij[:, 0] + 2) * width + ij[:, 1] + 2, width


def _lookup(cells: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Position of each key in the sorted ``cells``, -1 where absent."""
    at = np.minimum(np.searchsorted(cells, keys), len(cells) - 1)
    return np.where(cells[at] == keys, at, -1)


def core_bounds(xy: np.ndarray, eps: float, min_count: int, origin: np.ndarray):
    """The grid that settles most cores: each point's cell (``inverse``), the points of each cell
    (``counts``), the cells holding fewer than ``min_count`` (``thin``) and for each of those an upper
    bound of its points' neighbours within eps (``bound``: the points of the 5 x 5 cells around)."""
    keys, width = _grid_keys(xy, eps / np.sqrt(2), origin)
    cells, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    thin = np.flatnonzero(counts < min_count)
    bound = np.zeros(len(thin), dtype=np.int64)
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            at = _lookup(cells, cells[thin] + dx * width + dy)
            bound += np.where(at >= 0, counts[at], 0)
    return inverse, counts, thin, bound


def _cores(xy: np.ndarray, eps: float, min_count: int, origin: np.ndarray) -> np.ndarray:
    inverse, counts, thin, bound = core_bounds(xy, eps, min_count, origin)
    core = (counts >= min_count)[inverse]
    unsure = np.isin(inverse, thin[bound >= min_count])
    if unsure.any():
        core[unsure] = cKDTree(xy).query_ball_point(xy[unsure], r=eps, return_length=True) >= min_count
    return core


def _join_core_cells(xy: np.ndarray, eps: float, origin: np.ndarray) -> np.ndarray:
    """Cluster number of each core point: connected components of 'within eps' among cores."""
    keys, width = _grid_keys(xy, eps / np.sqrt(2), origin)
    cells, inverse = np.unique(keys, return_inverse=True)
    m = len(cells)
    by_cell = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[by_cell], np.arange(m + 1))
    # Extreme core point of each cell in 8 directions, and the cell's bounding box.
    extremes = np.empty((m, 8), dtype=np.int64)
    for k, direction in enumerate(_DIRECTIONS):
        score = (xy @ direction)[by_cell]
        best = np.maximum.reduceat(score, starts[:-1])
        first = np.flatnonzero(score == best[inverse[by_cell]])
        cell_of_first = inverse[by_cell][first]
        extremes[:, k] = by_cell[first[np.unique(cell_of_first, return_index=True)[1]]]
    low = np.column_stack([np.minimum.reduceat(xy[by_cell, d], starts[:-1]) for d in range(2)])
    high = np.column_stack([np.maximum.reduceat(xy[by_cell, d], starts[:-1]) for d in range(2)])

    joined, unsure = [], []
    for dx, dy in _HALF_BLOCK:
        a = np.flatnonzero(_lookup(cells, cells + dx * width + dy) >= 0)
        b = _lookup(cells, cells[a] + dx * width + dy)
        # Extremes facing each other: the 3 directions nearest (dx, dy) for a, nearest (-dx, -dy) for b.
        toward = int(np.round(np.arctan2(dy, dx) / (np.pi / 4))) % 8
        ka = [(toward + s) % 8 for s in (-1, 0, 1)]
        kb = [(toward + 4 + s) % 8 for s in (-1, 0, 1)]
        gaps = xy[extremes[a][:, ka]][:, :, None, :] - xy[extremes[b][:, kb]][:, None, :, :]
        near = ((gaps**2).sum(axis=-1) <= eps**2).any(axis=(1, 2))
        box_gap = np.maximum(0, np.maximum(low[b] - high[a], low[a] - high[b]))
        apart = (box_gap**2).sum(axis=1) > eps**2
        joined.append(np.column_stack([a[near], b[near]]))
        unsure.append(np.column_stack([a[~near & ~apart], b[~near & ~apart]]))
    joined, unsure = np.concatenate(joined), np.concatenate(unsure)
    _, component = _components(m, joined)
    unsure = unsure[component[unsure[:, 0]] != component[unsure[:, 1]]]
    if len(unsure):
        joined = np.concatenate([joined, unsure[_close_pairs(xy, eps, inverse, by_cell, starts, low, high, unsure)]])
        _, component = _components(m, joined)
    return component[inverse]


def _close_pairs(xy, eps, inverse, by_cell, starts, low, high, pairs) -> np.ndarray:
    """Which pairs of cells (a, b) hold a core of a within eps of a core of b, checked exactly.

    A 3-D KD-tree over the cores, each cell on its own plane (z = 4 eps x its number), answers for a
    point of a 'the nearest core of b' with one query: no core of another cell is within eps of it.
    """
    plane = 4 * eps
    tree = cKDTree(np.column_stack([xy, inverse * plane]))
    a, b = pairs[:, 0], pairs[:, 1]
    sizes = starts[a + 1] - starts[a]
    pair_of = np.repeat(np.arange(len(pairs)), sizes)
    rank = np.arange(len(pair_of)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    point = by_cell[starts[a][pair_of] + rank]
    gap = np.maximum(0, np.maximum(low[b[pair_of]] - xy[point], xy[point] - high[b[pair_of]]))
    reach = (gap**2).sum(axis=1) <= eps**2
    point, pair_of = point[reach], pair_of[reach]
    query = np.column_stack([xy[point], b[pair_of] * plane])
    distance, _ = tree.query(query, k=1, distance_upper_bound=np.nextafter(eps, np.inf))
    close = np.zeros(len(pairs), dtype=bool)
    close[pair_of[distance <= eps]] = True
    return close


def _components(m: int, edges: np.ndarray) -> tuple[int, np.ndarray]:
    graph = sparse.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(m, m))
    return connected_components(graph, directed=False)


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0, 1, ... from the largest down (ties: the first seen first); noise stays -1."""
    found = labels >= 0
    if not found.any():
        return labels
    ids, first, counts = np.unique(labels[found], return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    out = np.full(len(labels), NOISE, dtype=np.int64)
    out[found] = rank[np.searchsorted(ids, labels[found])]
    return out


def dbscan_labels(xy: np.ndarray, eps: float, min_count: int) -> np.ndarray:
    """Exact DBSCAN of planar points ``xy`` (n, 2) in metres: a cluster number per point, -1 for noise.

    Examples
    --------
    >>> xy = np.array([[0, 0], [50, 0], [100, 0], [5000, 0]], float)
    >>> dbscan_labels(xy, eps=60, min_count=2).tolist()
    [0, 0, 0, -1]
    """
    xy = np.asarray(xy, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"xy must have shape (n, 2), got {xy.shape}")
    labels = np.full(len(xy), NOISE, dtype=np.int64)
    if len(xy) == 0:
        return labels
    origin = xy.min(axis=0)
    core = _cores(xy, eps, min_count, origin)
    if not core.any():
        return labels
    labels[core] = _join_core_cells(xy[core], eps, origin)
    rest = np.flatnonzero(~core)
    distance, nearest = cKDTree(xy[core]).query(xy[rest], k=1, distance_upper_bound=np.nextafter(eps, np.inf))
    border = distance <= eps
    labels[rest[border]] = labels[core][nearest[border]]
    return _by_size(labels)


def st_dbscan_labels(xy: np.ndarray, days: np.ndarray, eps: float, window_days: float, min_count: int,
                     chunk: int = ST_CHUNK) -> np.ndarray:
    """DBSCAN in space and time: neighbours are within ``eps`` metres and ``window_days`` days.

    Pairs come from a KD-tree over (x, y, days x eps / window_days) with radius eps x sqrt(2), which
    holds every space-time neighbour, then are checked exactly; ``chunk`` points are queried at a
    time, and the clusters are joined as the chunks go, so memory follows the chunk, not n².
    """
    xy = np.asarray(xy, dtype=float)
    days = np.asarray(days, dtype=float)
    n = len(xy)
    labels = np.full(n, NOISE, dtype=np.int64)
    if n == 0:
        return labels
    space_time = space_time_points(xy, days, eps, window_days)
    tree = cKDTree(space_time)

    def neighbour_pairs(rows: np.ndarray, other: cKDTree, other_rows: np.ndarray):
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            found = cKDTree(space_time[part]).sparse_distance_matrix(other, eps * np.sqrt(2), output_type="ndarray")
            i, j = part[found["i"]], other_rows[found["j"]]
            metres = np.hypot(*(xy[i] - xy[j]).T)
            keep = (metres <= eps) & (np.abs(days[i] - days[j]) <= window_days)
            yield i[keep], j[keep], metres[keep]

    everyone = np.arange(n)
    counts = np.zeros(n, dtype=np.int64)
    for i, _, _ in neighbour_pairs(everyone, tree, everyone):
        counts += np.bincount(i, minlength=n)  # each point meets itself at distance 0
    core = np.flatnonzero(counts >= min_count)
    if len(core) == 0:
        return labels
    core_tree = cKDTree(space_time[core])
    component = np.arange(n)
    edges = []
    for i, j, _ in neighbour_pairs(core, core_tree, core):
        edges.append(np.column_stack([component[i], component[j]]))
        if sum(len(e) for e in edges) > 4 * chunk * 50:
            _, component = _components(n, np.concatenate([*edges, np.column_stack([everyone, component])]))
            edges = []
    _, component = _components(n, np.concatenate([*edges, np.column_stack([everyone, component])]))
    labels[core] = component[core]
    rest = np.setdiff1d(everyone, core)
    for i, j, metres in neighbour_pairs(rest, core_tree, core):
        nearest = np.lexsort((metres, i))
        first = nearest[np.unique(i[nearest], return_index=True)[1]]
        labels[i[first]] = labels[j[first]]
    return _by_size(labels)


def hdbscan_labels(xy: np.ndarray, min_cluster_size: int, min_samples: int | None = None) -> np.ndarray:
    """HDBSCAN of planar points (metres): a cluster number per point (0 the largest), -1 for noise."""
    xy = np.asarray(xy, dtype=float)
    if len(xy) < max(min_cluster_size, 2):
        return np.full(len(xy), NOISE, dtype=np.int64)
    model = hdbscan.HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples,
                            algorithm="boruvka_kdtree", core_dist_n_jobs=1)
    return _by_size(model.fit_predict(xy).astype(np.int64))


def space_time_points(xy: np.ndarray, days: np.ndarray, eps: float, window_days: float) -> np.ndarray:
    """Points in (x, y, days scaled so that ``window_days`` is ``eps`` metres): space-time DBSCAN's space."""
    return np.column_stack([xy, days * (eps / window_days)])


def ball_bounds(points: np.ndarray, radius: float) -> np.ndarray:
    """For each of ``points`` (n, 3), an upper bound of the points within ``radius`` of it, itself
    included: the points of the 3 x 3 x 3 cells around its own, cells of side ``radius`` (or larger,
    so that each axis has at most 2**20 of them and a cell's key fits an int64)."""
    low = points.min(axis=0)
    side = np.maximum(radius, (points.max(axis=0) - low) / 2**20)
    ijk = np.floor((points - low) / side).astype(np.int64) + 1
    span = ijk.max(axis=0) + 2
    keys = (ijk[:, 0] * span[1] + ijk[:, 1]) * span[2] + ijk[:, 2]
    cells, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    block = np.zeros(len(cells), dtype=np.int64)
    for dx, dy, dz in product((-1, 0, 1), repeat=3):
        at = _lookup(cells, cells + (dx * span[1] + dy) * span[2] + dz)
        block += np.where(at >= 0, counts[at], 0)
    return block[inverse]
