"""Limits on heavy analyses: what one analysis may cost, and the refusal of one estimated to cost more.

Every analysis (clusters, Gi* hot spots, emerging hot spots) estimates its own cost before it runs,
from counts that take a fraction of the analysis's time (``estimate_clusters``,
``estimate_hot_spots``, ``estimate_emerging``): the unit of work that grows fastest with its
parameters (pairs of seizures a space-time clustering compares, neighbours counted, hexagons times
permutations or time steps) and from it the seconds and megabytes it would take. The counts are
upper bounds and the cost per unit was measured on the 2-core reference machine
(``bench/bench_analysis.py``), so an estimate errs high. An analysis estimated to take longer than
the time limit, or more memory than the memory limit, is refused before it starts
(:class:`AnalysisRefused`, with what to change); one that fits its estimate but runs over anyway is
stopped by the same limits in its worker (``geodata.worker``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from queries.ingest.files import MB  # noqa: F401 (the analyses size their estimates with it)
from queries.settings import env_number

TIMEOUT_ENV = "CORDON_ANALYSIS_TIMEOUT_S"
MAX_MB_ENV = "CORDON_ANALYSIS_MAX_MB"
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_MB = 3072.0

# Each kind of analysis: its name, what it counts as its work and what to change when that is too much
# (the page's wording, in English and Chinese, is in queries/locale/zh.po under refused_<kind>).
KINDS = {
    "dbscan": ("DBSCAN", "neighbours to count", "lower the minimum count or the distance, or narrow the filters"),
    "st_dbscan": ("space-time DBSCAN", "pairs of seizures to compare",
                  "shorten the time window or the distance, or narrow the filters"),
    "hdbscan": ("HDBSCAN", "distances to nearest neighbours",
                "lower the minimum cluster size, narrow the filters, or use DBSCAN"),
    "hotspots": ("Gi* hot spots", "hexagon draws (hexagons x (neighbours + permutations))",
                 "use fewer permutations, larger hexagons or fewer rings, or narrow the filters"),
    "emerging": ("emerging hot spots", "comparisons (hexagons x steps x (neighbours + steps))",
                 "use monthly steps, larger hexagons or fewer rings, or narrow the dates"),
}


@dataclass(frozen=True)
class Limits:
    """What one analysis may cost: ``timeout_s`` seconds and ``max_mb`` megabytes of memory beyond its
    input (a worker's address space past what it holds when the analysis starts)."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_mb: float = DEFAULT_MAX_MB

    def __post_init__(self):
        if not (self.timeout_s > 0 and self.max_mb > 0):
            raise ValueError(f"timeout_s and max_mb must be more than 0, got {self.timeout_s} and {self.max_mb}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Limits:
        """The defaults, with CORDON_ANALYSIS_TIMEOUT_S and CORDON_ANALYSIS_MAX_MB where set; a ValueError
        naming a bad one."""
        return cls(timeout_s=env_number(environ, TIMEOUT_ENV, DEFAULT_TIMEOUT_S, float),
                   max_mb=env_number(environ, MAX_MB_ENV, DEFAULT_MAX_MB, float))


@dataclass(frozen=True)
class Estimate:
    """What an analysis would cost, estimated before it runs.

    kind: a key of :data:`KINDS` (dbscan, st_dbscan, hdbscan, hotspots, emerging). seizures: how many it
    analyses. work: how many units of its work (an upper bound). seconds, mb: the time and the memory
    beyond its input that this work takes on the reference machine (erring high).
    """

    kind: str
    seizures: int
    work: float
    seconds: float
    mb: float

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        for name in ("work", "seconds", "mb"):  # plain floats, whatever numpy type the counts came in
            object.__setattr__(self, name, float(getattr(self, name)))


class AnalysisRefused(ValueError):
    """An analysis estimated to cost more than its limits, refused before it ran. ``estimate`` and
    ``limits`` say by how much; the message says what to change."""

    def __init__(self, estimate: Estimate, limits: Limits):
        self.estimate, self.limits = estimate, limits
        name, work, advice = KINDS[estimate.kind]
        super().__init__(
            f"{name} of {estimate.seizures:,} seizures means about {estimate.work:,.0f} {work}, about "
            f"{estimate.seconds:,.0f} s and {estimate.mb:,.0f} MB; the limits are {limits.timeout_s:,g} s "
            f"({TIMEOUT_ENV}) and {limits.max_mb:,.0f} MB ({MAX_MB_ENV}): {advice}")

    def __reduce__(self):  # raised in a worker, it travels back pickled
        return AnalysisRefused, (self.estimate, self.limits)


def check(estimate: Estimate, limits: Limits | None = None) -> Estimate:
    """``estimate`` if it fits ``limits`` (by default :meth:`Limits.from_env`); else AnalysisRefused.

    Examples
    --------
    >>> check(Estimate("hotspots", 100, 1e6, 0.2, 50.0), Limits(timeout_s=10, max_mb=100)).seconds
    0.2
    """
    limits = limits or Limits.from_env()
    if estimate.seconds > limits.timeout_s or estimate.mb > limits.max_mb:
        raise AnalysisRefused(estimate, limits)
    return estimate
