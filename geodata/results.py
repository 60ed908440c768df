"""What an analysis gives back: its layer and, as typed fields, what it was made with.

Gi* hot spots, emerging hot spots and clusters each return an :class:`AnalysisResult`; its coverage
gaps are one too (:meth:`AnalysisResult.gaps`). What the result was made with travels in the result's
fields, not in pandas' experimental ``DataFrame.attrs``, which copies, merges and concatenations drop:
the pages' captions show :attr:`AnalysisResult.params_record` and an export's provenance records
:attr:`AnalysisResult.parameters`. A result pickles (it comes back from a worker process and is kept
pickled in ``geodata.worker.ResultCache``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import geopandas as gpd


@dataclass(frozen=True, eq=False)
class AnalysisResult:
    """An analysis's layer and what it was made with.

    frame: the features, EPSG:4326 (hexagons with Gi* bins, emerging hot-spot cells, or clusters with
    their outlines). params: the analysis's params dataclass (HotSpotParams, EmergingParams,
    DBSCANParams or HDBSCANParams). method: the clustering method, "dbscan" or "hdbscan" (clusters
    only). first_step, last_step: the first and last time step's start, ISO (emerging hot spots only).
    min_km, gaps_of: the distance from every checkpoint and the analysis (hotspots or clusters) of
    coverage gaps (gaps only; ``gaps_of`` when known).
    """

    frame: gpd.GeoDataFrame
    params: Any
    method: str | None = None
    first_step: str | None = None
    last_step: str | None = None
    min_km: float | None = None
    gaps_of: str | None = None

    def __post_init__(self):
        if not isinstance(self.frame, gpd.GeoDataFrame):
            raise TypeError(f"frame must be a GeoDataFrame, got {type(self.frame).__name__}")
        if not dataclasses.is_dataclass(self.params):
            raise TypeError(f"params must be an analysis's params dataclass, got {type(self.params).__name__}")

    @property
    def params_record(self) -> dict[str, Any]:
        """The parameters as plain values, the clustering method first: what a result's caption shows."""
        fields = dataclasses.asdict(self.params)
        return {"method": self.method, **fields} if self.method is not None else fields

    @property
    def parameters(self) -> dict[str, Any]:
        """What the layer was made with, as an export's provenance records it: ``params``
        (:attr:`params_record`), then whichever of first_step, last_step, min_km and gaps_of are set."""
        extras = {name: getattr(self, name) for name in ("first_step", "last_step", "min_km", "gaps_of")}
        return {"params": self.params_record, **{name: value for name, value in extras.items() if value is not None}}

    def with_frame(self, frame: gpd.GeoDataFrame) -> AnalysisResult:
        """The same result with ``frame`` as its features (such as with columns added)."""
        return dataclasses.replace(self, frame=frame)

    def gaps(self, frame: gpd.GeoDataFrame, min_km: float, gaps_of: str | None = None) -> AnalysisResult:
        """The coverage gaps ``frame`` of this result, at least ``min_km`` from every checkpoint."""
        return dataclasses.replace(self, frame=frame, min_km=min_km, gaps_of=gaps_of)
