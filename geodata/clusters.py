"""Clusters of seizures: DBSCAN (optionally in space and time) and HDBSCAN, in metres in METRIC_CRS.

DBSCAN: a seizure with at least ``min_count`` seizures within ``eps_km`` of it (itself included) is
a *core*; cores within ``eps_km`` of each other are in the same cluster; a seizure that is not a
core but lies within ``eps_km`` of one joins the cluster of its nearest core (scikit-learn takes
whichever core reaches it first, so such *border* points may differ); the rest is noise (-1).

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

HDBSCAN (the scikit-learn-contrib ``hdbscan`` package, Boruvka over a KD-tree: scikit-learn's own
``HDBSCAN`` builds its tree with Prim's algorithm in O(n²) time) finds clusters of different
densities with no distance to choose, only the smallest cluster worth reporting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import product

import geopandas as gpd
import hdbscan
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from geodata.budget import MB, Estimate, Limits, check
from geodata.coverage import CHECKPOINT_COLUMNS, nearest_checkpoints
from geodata.crs import METRIC_CRS, WGS84
from geodata.reference import load_layer

NOISE = -1
CLUSTER_COLUMNS = ("cluster", "seizures", "kg", "value_cny", "main_items", "main_channels", "first_seen",
                   "last_seen", "zone_code", "zone_en", "zone_zh", "lon", "lat", *CHECKPOINT_COLUMNS, "geometry")
# Offsets to the cells that may hold a neighbour, one of each opposite pair (cells of side eps/sqrt(2)).
_HALF_BLOCK = [(dx, dy) for dx in range(3) for dy in range(-2, 3) if dx > 0 or dy > 0]
_DIRECTIONS = np.array([[np.cos(a), np.sin(a)] for a in np.arange(8) * np.pi / 4])
ST_CHUNK = 20_000  # points whose space-time neighbours are looked up at once
# What the work costs on the reference machine (bench/bench_analysis.py measures the estimates against
# the analyses): the estimates of :func:`estimate_clusters` multiply their counts by these.
SECONDS_PER_SEIZURE = 12e-6  # DBSCAN, the table of clusters and their outlines
BYTES_PER_SEIZURE = 1_000
SECONDS_PER_NEIGHBOUR = 5e-9  # a KD-tree count of the neighbours of DBSCAN's unsure points
SECONDS_PER_PAIR = 0.75e-6  # a pair in space-time DBSCAN's search ball, over its three passes
BYTES_PER_PAIR = 150  # ... held with its chunk's other pairs while they are checked
HDBSCAN_SECONDS = 2.1e-10  # x seizures ** 1.6 x (100 + min_samples): Boruvka's time grows faster than n
BYTES_PER_DISTANCE = 24  # HDBSCAN's core distances: min_samples neighbours per seizure


@dataclass(frozen=True)
class DBSCANParams:
    """DBSCAN: clusters of seizures that lie close together.

    eps_km: two seizures closer than this (km) are neighbours. Smaller finds tight clusters (one
        trail, one crossing); larger joins nearby places into one cluster.
    min_count: a seizure with at least this many seizures within eps_km (itself included) is the
        core of a cluster; fewer leaves thin scatter as noise.
    window_days: if set, neighbours must also be within this many days of each other (space-time
        clusters: a run of seizures at one place in one period).
    outline_km: the drawn outline reaches this far beyond the outermost seizures, so that a cluster
        at a single spot still shows as an area.
    """

    eps_km: float = 1.0
    min_count: int = 10
    window_days: float | None = None
    outline_km: float = 0.5

    def __post_init__(self):
        if not self.eps_km > 0:
            raise ValueError(f"eps_km must be more than 0, got {self.eps_km}")
        if self.min_count < 1:
            raise ValueError(f"min_count must be 1 or more, got {self.min_count}")
        if self.window_days is not None and not self.window_days > 0:
            raise ValueError(f"window_days must be more than 0 or None, got {self.window_days}")
        if self.outline_km < 0:
            raise ValueError(f"outline_km must be 0 or more, got {self.outline_km}")


@dataclass(frozen=True)
class HDBSCANParams:
    """HDBSCAN: clusters of different densities, without a distance to choose.

    min_cluster_size: the fewest seizures a cluster may have.
    min_samples: how conservative the clustering is (default: min_cluster_size); larger leaves more
        seizures as noise.
    outline_km: the drawn outline reaches this far beyond the outermost seizures.
    """

    min_cluster_size: int = 15
    min_samples: int | None = None
    outline_km: float = 0.5

    def __post_init__(self):
        if self.min_cluster_size < 2:
            raise ValueError(f"min_cluster_size must be 2 or more, got {self.min_cluster_size}")
        if self.min_samples is not None and self.min_samples < 1:
            raise ValueError(f"min_samples must be 1 or more or None, got {self.min_samples}")
        if self.outline_km < 0:
            raise ValueError(f"outline_km must be 0 or more, got {self.outline_km}")


@dataclass(frozen=True)
class Clusters:
    """The result of a clustering.

    labels: the cluster of each input seizure, in input order; -1 for noise. Cluster 0 is the largest.
    table: one row per cluster (``CLUSTER_COLUMNS``), EPSG:4326, the parameters in ``table.attrs``.
    """

    labels: np.ndarray
    table: gpd.GeoDataFrame


_TO_METRIC = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)


def project(lon, lat) -> np.ndarray:
    """WGS84 lon/lat as an (n, 2) array of METRIC_CRS metres."""
    x, y = _TO_METRIC.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.column_stack([x, y])


def _grid_keys(xy: np.ndarray, side: float, origin: np.ndarray) -> tuple[np.ndarray, int]:
    """An int64 key per point for its cell of ``side``; a neighbour (dx, dy) of key k is k + dx*width + dy."""
    ij = np.floor((xy - origin) / side).astype(np.int64)
    width = int(ij[:, 1].max()) + 5  # j + 2 stays within [0, width) for offsets of up to 2 cells
    return (ij[:, 0] + 2) * width + ij[:, 1] + 2, width


def _lookup(cells: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Position of each key in the sorted ``cells``, -1 where absent."""
    at = np.minimum(np.searchsorted(cells, keys), len(cells) - 1)
    return np.where(cells[at] == keys, at, -1)


def _core_bounds(xy: np.ndarray, eps: float, min_count: int, origin: np.ndarray):
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
    inverse, counts, thin, bound = _core_bounds(xy, eps, min_count, origin)
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
    space_time = _space_time(xy, days, eps, window_days)
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


def _commonest(labels: np.ndarray, values: pd.Series) -> pd.DataFrame:
    """Each cluster's values (missing ones left out) with their count and share of the cluster's
    seizures, commonest first, ties by value: one sort over all clusters, however many there are."""
    frame = pd.DataFrame({"cluster": labels, "value": values.to_numpy(object)}).dropna()
    counts = frame.value_counts().rename("count").reset_index()
    counts["share"] = counts["count"] / counts.groupby("cluster")["count"].transform("sum")
    return counts.sort_values(["cluster", "count", "value"], ascending=[True, False, True], kind="stable")


def _top_shares(labels: np.ndarray, values: pd.Series, clusters: int, top: int = 3) -> list[str]:
    """Per cluster, its ``top`` commonest values with their share of its seizures: 'antimony 60 %, ...'."""
    best = _commonest(labels, values.fillna("unknown")).groupby("cluster").head(top)
    text = [[] for _ in range(clusters)]
    for cluster, value, share in zip(best["cluster"].tolist(), best["value"].tolist(), best["share"].tolist()):
        text[cluster].append(f"{value} {share:.0%}".replace("%", " %"))
    return [", ".join(parts) for parts in text]


def labelled_shares(text: str, label_of) -> str:
    """``main_items``/``main_channels`` text ('antimony 60 %, tungsten 30 %') with each code replaced by
    ``label_of(code)``; codes hold no space or comma, so the text splits back into its parts."""
    parts = []
    for part in filter(None, text.split(", ")):
        code, share, percent = part.rsplit(" ", 2)
        parts.append(f"{label_of(code)} {share} {percent}")
    return ", ".join(parts)


def cluster_table(points: pd.DataFrame, xy: np.ndarray, labels: np.ndarray, outline_km: float,
                  checkpoints: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """One row per cluster (``CLUSTER_COLUMNS``, EPSG:4326) for analysis ``points``, their metric ``xy``
    and cluster ``labels``. The nearest checkpoint's distance is measured from the hull of the
    cluster's seizures; the outline is that hull grown by ``outline_km``."""
    member = labels >= 0
    k = int(labels.max()) + 1 if member.any() else 0
    if k == 0:
        empty = pd.DataFrame({c: [] for c in CLUSTER_COLUMNS if c != "geometry"})
        return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    at, members = labels[member], points[member]
    grouped = members.assign(cluster=at).groupby("cluster")
    hulls = shapely.convex_hull(shapely.multipoints(xy[member][np.argsort(at, kind="stable")],
                                                    indices=np.sort(at, kind="stable")))
    hull_series = gpd.GeoSeries(hulls, crs=METRIC_CRS)
    near = nearest_checkpoints(hull_series, checkpoints)
    zones = load_layer("zones").set_index("code")
    commonest_zone = _commonest(at, members["zone_code"]).drop_duplicates("cluster")  # the mode, ties to the lowest code
    zone_code = pd.Series(None, index=np.arange(k), dtype=object)
    zone_code[commonest_zone["cluster"].to_numpy()] = commonest_zone["value"].to_numpy()
    zone_code = zone_code.where(zone_code.isin(zones.index), None)
    centre = gpd.GeoSeries(shapely.points(grouped["lon"].mean(), grouped["lat"].mean()), crs=WGS84)
    table = pd.DataFrame({
        "cluster": np.arange(k),
        "seizures": grouped.size().to_numpy(),
        "kg": grouped["quantity_kg"].sum().to_numpy(),
        "value_cny": grouped["value_cny"].sum().to_numpy(),
        "main_items": _top_shares(at, members["item"], k),
        "main_channels": _top_shares(at, members["channel"], k),
        "first_seen": grouped["occurred_at"].min().to_numpy(),
        "last_seen": grouped["occurred_at"].max().to_numpy(),
        "zone_code": zone_code.to_numpy(object),
        "zone_en": zones["name_en"].reindex(zone_code).to_numpy(object),
        "zone_zh": zones["name_zh"].reindex(zone_code).to_numpy(object),
        "lon": centre.x.to_numpy(),
        "lat": centre.y.to_numpy(),
        **{name: near[name].to_numpy() for name in CHECKPOINT_COLUMNS},
    })
    outline = hull_series.buffer(outline_km * 1000 if outline_km > 0 else 0.001).to_crs(WGS84)
    return gpd.GeoDataFrame(table, geometry=outline.values, crs=WGS84)


def _days(points: pd.DataFrame) -> np.ndarray:
    return ((pd.to_datetime(points["occurred_at"]) - pd.Timestamp("2000-01-01")) / pd.Timedelta(days=1)).to_numpy(float)


def _space_time(xy: np.ndarray, days: np.ndarray, eps: float, window_days: float) -> np.ndarray:
    """Points in (x, y, days scaled so that ``window_days`` is ``eps`` metres): space-time DBSCAN's space."""
    return np.column_stack([xy, days * (eps / window_days)])


def _ball_bounds(points: np.ndarray, radius: float) -> np.ndarray:
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


def _windowed(params: DBSCANParams | HDBSCANParams) -> bool:
    return isinstance(params, DBSCANParams) and params.window_days is not None


def _estimate(xy: np.ndarray, days: np.ndarray | None, params: DBSCANParams | HDBSCANParams) -> Estimate:
    """The cost of clustering the metric points ``xy`` (with their ``days`` for a time window) with
    ``params``; see :func:`estimate_clusters`."""
    n = len(xy)
    base_seconds, base_mb = n * SECONDS_PER_SEIZURE, n * BYTES_PER_SEIZURE / MB
    if n == 0:
        return Estimate("dbscan", 0, 0, 0.0, 0.0)
    if isinstance(params, HDBSCANParams):
        samples = params.min_samples or params.min_cluster_size
        return Estimate("hdbscan", n, float(n * samples), base_seconds + HDBSCAN_SECONDS * n**1.6 * (100 + samples),
                        base_mb + n * samples * BYTES_PER_DISTANCE / MB)
    eps = params.eps_km * 1000
    if params.window_days is None:
        _, counts, thin, bound = _core_bounds(xy, eps, params.min_count, xy.min(axis=0))
        unsure = bound >= params.min_count
        neighbours = float((counts[thin][unsure] * bound[unsure]).sum())
        return Estimate("dbscan", n, neighbours, base_seconds + neighbours * SECONDS_PER_NEIGHBOUR, base_mb)
    pairs = _ball_bounds(_space_time(xy, days, eps, params.window_days), eps * np.sqrt(2))
    chunk_pairs = np.add.reduceat(pairs, np.arange(0, n, ST_CHUNK)).max()
    return Estimate("st_dbscan", n, float(pairs.sum()), base_seconds + pairs.sum() * SECONDS_PER_PAIR,
                    base_mb + chunk_pairs * BYTES_PER_PAIR / MB)


def estimate_clusters(points: pd.DataFrame, params: DBSCANParams | HDBSCANParams = DBSCANParams()) -> Estimate:
    """What :func:`find_clusters` would cost, from counts made in a fraction of its time.

    DBSCAN: the neighbours its KD-tree would count (of the points its grid leaves unsure, bounded by
    the 5 x 5 cells around them). Space-time DBSCAN: the pairs within its search ball (radius eps x
    sqrt(2) in (x, y, scaled time)), bounded by the 3 x 3 x 3 cells of that side around each point:
    1.6 to 3.5 times the real count on the demo data, never fewer. HDBSCAN: its core distances (min_samples
    per seizure), and a time that grows as seizures ** 1.6 (fitted from 30,000 to 1,000,000 demo seizures).

    Examples
    --------
    >>> estimate_clusters(points, DBSCANParams(eps_km=50, min_count=2, window_days=3650))  # doctest: +SKIP
    Estimate(kind='st_dbscan', seizures=18155, work=40999021.0, seconds=30.9, mb=5866.8)
    """
    xy = project(points["lon"].to_numpy(), points["lat"].to_numpy())
    return _estimate(xy, _days(points) if _windowed(params) else None, params)


def find_clusters(points: pd.DataFrame, params: DBSCANParams | HDBSCANParams = DBSCANParams(),
                  checkpoints: gpd.GeoDataFrame | None = None, limits: Limits | None = None) -> Clusters:
    """Cluster analysis ``points`` (lon, lat, occurred_at, quantity_kg, value_cny, item, channel, zone_code).

    Refused (``geodata.budget.AnalysisRefused``) before it starts when :func:`estimate_clusters` says it
    would cost more than ``limits`` (by default ``Limits.from_env()``).

    Examples
    --------
    >>> found = find_clusters(points, DBSCANParams(eps_km=2, min_count=5))      # doctest: +SKIP
    >>> found.table[["cluster", "seizures", "checkpoint_en", "checkpoint_km"]]  # doctest: +SKIP
    """
    if not isinstance(params, DBSCANParams | HDBSCANParams):
        raise TypeError(f"params must be DBSCANParams or HDBSCANParams, got {type(params).__name__}")
    xy = project(points["lon"].to_numpy(), points["lat"].to_numpy())
    days = _days(points) if _windowed(params) else None
    check(_estimate(xy, days, params), limits)
    if isinstance(params, HDBSCANParams):
        labels = hdbscan_labels(xy, params.min_cluster_size, params.min_samples)
    elif params.window_days is None:
        labels = dbscan_labels(xy, params.eps_km * 1000, params.min_count)
    else:
        labels = st_dbscan_labels(xy, days, params.eps_km * 1000, params.window_days, params.min_count)
    table = cluster_table(points, xy, labels, params.outline_km, checkpoints)
    table.attrs["params"] = {"method": "hdbscan" if isinstance(params, HDBSCANParams) else "dbscan", **asdict(params)}
    return Clusters(labels=labels, table=table)
