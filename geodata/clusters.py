"""Clusters of seizures: DBSCAN (optionally in space and time) and HDBSCAN, in metres in METRIC_CRS.

DBSCAN: a seizure with at least ``min_count`` seizures within ``eps_km`` of it (itself included) is
a *core*; cores within ``eps_km`` of each other are in the same cluster; a seizure that is not a
core but lies within ``eps_km`` of one joins the cluster of its nearest core (scikit-learn takes
whichever core reaches it first, so such *border* points may differ); the rest is noise (-1).

With ``window_days`` (space-time clusters, as ST-DBSCAN) two seizures are neighbours when they are
within ``eps_km`` *and* within ``window_days`` of each other.

HDBSCAN (the scikit-learn-contrib ``hdbscan`` package, Boruvka over a KD-tree: scikit-learn's own
``HDBSCAN`` builds its tree with Prim's algorithm in O(n²) time) finds clusters of different
densities with no distance to choose, only the smallest cluster worth reporting.

The labelling algorithms are ``geodata.cluster_labels``'s; here are their parameters, what they
cost, the table of the clusters found and :func:`find_clusters`, which runs them.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geodata.budget import MB, Estimate, Limits, check
from geodata.cluster_labels import (
    ST_CHUNK,
    ball_bounds,
    core_bounds,
    dbscan_labels,
    hdbscan_labels,
    space_time_points,
    st_dbscan_labels,
)
from geodata.coverage import CHECKPOINT_COLUMNS, nearest_checkpoints
from geodata.crs import METRIC_CRS, WGS84
from geodata.places import PLACE_COLUMNS, with_places
from geodata.reference import load_layer
from geodata.results import AnalysisResult

CLUSTER_COLUMNS = ("cluster", "seizures", "kg", "value_cny", "main_items", "main_channels", "first_seen",
                   "last_seen", "zone_code", "zone_en", "zone_zh", "lon", "lat", *CHECKPOINT_COLUMNS, *PLACE_COLUMNS,
                   "geometry")
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
    result: one row per cluster (``CLUSTER_COLUMNS``, EPSG:4326) as its frame, with the parameters and method.
    """

    labels: np.ndarray
    result: AnalysisResult

    @property
    def table(self) -> gpd.GeoDataFrame:
        """One row per cluster: the result's frame."""
        return self.result.frame


_TO_METRIC = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)


def project(lon, lat) -> np.ndarray:
    """WGS84 lon/lat as an (n, 2) array of METRIC_CRS metres."""
    x, y = _TO_METRIC.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.column_stack([x, y])


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
    cluster's seizures; the outline is that hull grown by ``outline_km``; the cluster is named
    (``geodata.places``) where its centre lies."""
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
    return with_places(gpd.GeoDataFrame(table, geometry=outline.values, crs=WGS84))[list(CLUSTER_COLUMNS)]


def _days(points: pd.DataFrame) -> np.ndarray:
    return ((pd.to_datetime(points["occurred_at"]) - pd.Timestamp("2000-01-01")) / pd.Timedelta(days=1)).to_numpy(float)


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
        _, counts, thin, bound = core_bounds(xy, eps, params.min_count, xy.min(axis=0))
        unsure = bound >= params.min_count
        neighbours = float((counts[thin][unsure] * bound[unsure]).sum())
        return Estimate("dbscan", n, neighbours, base_seconds + neighbours * SECONDS_PER_NEIGHBOUR, base_mb)
    pairs = ball_bounds(space_time_points(xy, days, eps, params.window_days), eps * np.sqrt(2))
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
    method = "hdbscan" if isinstance(params, HDBSCANParams) else "dbscan"
    return Clusters(labels=labels, result=AnalysisResult(table, params, method=method))
