"""Analysis results carry what they were made with as typed fields, never in pandas' ``DataFrame.attrs``."""

from __future__ import annotations

import ast
import pickle
from dataclasses import asdict
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geodata.clusters import HDBSCANParams
from geodata.emerging import EmergingParams
from geodata.hotspots import HotSpotParams
from geodata.results import AnalysisResult

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("queries", "geodata", "dashboard", "bench")


def _cells() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"cell": ["871f24ac5ffffff"], "bin": [3]}, geometry=gpd.points_from_xy([107.97], [21.55]),
                            crs="EPSG:4326")


def test_no_module_reads_or_writes_dataframe_attrs():
    uses = [f"{path.relative_to(ROOT)}:{node.lineno}"
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and node.attr == "attrs"]
    assert uses == [], f"results carry their parameters in geodata.results.AnalysisResult, not .attrs: {uses}"


def test_the_parameters_survive_what_drops_attrs_and_come_back_from_a_worker_pickled():
    result = AnalysisResult(_cells(), EmergingParams(step="week"), first_step="2024-12-30T00:00:00",
                            last_step="2026-11-16T00:00:00")
    joined = result.with_frame(pd.concat([result.frame, result.frame], ignore_index=True))
    back = pickle.loads(pickle.dumps(joined, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(back.frame, gpd.GeoDataFrame) and len(back.frame) == 2 and back.frame.crs.to_epsg() == 4326
    assert back.params == EmergingParams(step="week") and back.parameters == {
        "params": asdict(EmergingParams(step="week")), "first_step": "2024-12-30T00:00:00",
        "last_step": "2026-11-16T00:00:00"}


def test_the_provenance_parameters_keep_their_record_method_first_then_the_gaps():
    clusters = AnalysisResult(_cells(), HDBSCANParams(), method="hdbscan")
    assert list(clusters.params_record) == ["method", "min_cluster_size", "min_samples", "outline_km"]
    gaps = clusters.gaps(clusters.frame.iloc[:0], 3.0, "clusters")
    assert gaps.frame.empty and clusters.min_km is None  # the result it came from is unchanged
    assert gaps.parameters == {"params": clusters.params_record, "min_km": 3.0, "gaps_of": "clusters"}
    assert AnalysisResult(_cells(), HotSpotParams()).parameters == {"params": asdict(HotSpotParams())}


def test_a_result_is_a_geodataframe_with_its_params_dataclass():
    with pytest.raises(TypeError, match="frame must be a GeoDataFrame, got DataFrame"):
        AnalysisResult(pd.DataFrame(), HotSpotParams())
    with pytest.raises(TypeError, match="params must be an analysis's params dataclass, got dict"):
        AnalysisResult(_cells(), {"resolution": 7})
