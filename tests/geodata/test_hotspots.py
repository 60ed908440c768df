"""Gi* hot spots: the same z-scores as esda, permutations, FDR, bins, and the precision rule."""

from __future__ import annotations

from datetime import datetime

import esda
import h3.api.basic_int as h3int
import libpysal
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import sparse

from geodata.analysis_data import read_analysis_points
from geodata.hotspots import (
    CELL_COLUMNS,
    GiStar,
    HotSpotParams,
    adjusted_p,
    cell_measures,
    confidence_bins,
    hot_spots,
    permutation_p,
    ring_weights,
)
from queries.filters import Filters
from queries.seizures import insert_seizures
from queries.stores import open_store
from tests.conftest import seizure_row


@pytest.fixture(scope="module")
def demo_points(seeded_db):
    with open_store(seeded_db).reading() as con:
        return read_analysis_points(con, Filters()).points


def _pysal_weights(w: sparse.csr_matrix) -> libpysal.weights.W:
    """The same neighbourhoods as a libpysal W, without the diagonal (esda adds it for star=True)."""
    neighbours = {i: [int(j) for j in w.indices[w.indptr[i]:w.indptr[i + 1]] if j != i] for i in range(w.shape[0])}
    return libpysal.weights.W(neighbours, silence_warnings=True)


@pytest.mark.filterwarnings("ignore:The weights matrix is not fully connected")
@pytest.mark.parametrize("measure", ["seizures", "kg", "value_cny"])
@pytest.mark.parametrize(("resolution", "rings"), [(7, 1), (6, 2)])
def test_z_scores_equal_esda_g_local_star_on_the_same_grid_and_weights(demo_points, measure, resolution, rings):
    measures = cell_measures(demo_points, resolution)
    w = ring_weights(measures.index.to_numpy(np.uint64), rings)
    y = measures[measure].to_numpy(float)
    assert len(y) > 100 and w.nnz > 2 * len(y)  # a grid with real neighbourhoods
    theirs = esda.G_Local(y, _pysal_weights(w), transform="B", star=True, permutations=0).Zs
    defined = np.isfinite(theirs)
    assert defined.all()
    assert_allclose(GiStar(y, w).z, theirs, rtol=0, atol=1e-6)


def test_ring_weights_are_binary_symmetric_and_include_the_cell_itself():
    centre = h3int.latlng_to_cell(22.0, 106.7, 7)
    cells = np.array(sorted(h3int.grid_disk(centre, 3)), dtype=np.uint64)
    w = ring_weights(cells, 2)
    assert (w.diagonal() == 1).all() and set(w.data) == {1.0}
    assert (w != w.T).nnz == 0
    at = int(np.searchsorted(cells, centre))
    assert w[at].sum() == 19  # itself and the 18 cells of two rings
    steps = np.array([[h3int.grid_distance(int(a), int(b)) for b in cells] for a in cells])
    assert (w.toarray() == (steps <= 2)).all()


def _disk_grid(rings: int, seed: int) -> tuple[np.ndarray, sparse.csr_matrix, np.ndarray]:
    centre = h3int.latlng_to_cell(22.5, 106.0, 7)
    cells = np.array(sorted(h3int.grid_disk(centre, rings)), dtype=np.uint64)
    values = np.random.default_rng(seed).gamma(2.0, 1.5, len(cells))  # continuous: no ties between totals
    return cells, ring_weights(cells, 1), values


@pytest.mark.filterwarnings("ignore:The weights matrix is not fully connected", "ignore:The alternative hypothesis")
def test_permutation_p_values_agree_with_esda_conditional_permutations():
    _, w, y = _disk_grid(8, seed=1)
    ours = permutation_p(y, w, permutations=999, seed=3)
    theirs = esda.G_Local(y, _pysal_weights(w), transform="B", star=True, permutations=999, seed=4, n_jobs=1).p_sim
    # esda reports the folded one-sided p (the smaller tail); ours is two-sided. Two esda runs with
    # different seeds differ by 0.02-0.05 on average and up to 0.011 in the mean (shared draws make
    # the cells' noise move together), so that is the agreement to expect.
    difference = ours - np.minimum(1, 2 * theirs)
    assert np.abs(difference).mean() < 0.06 and abs(difference.mean()) < 0.02
    assert np.corrcoef(ours, theirs)[0, 1] > 0.95


def test_permutations_find_a_planted_hot_spot_and_are_repeatable_and_chunk_free():
    cells, w, y = _disk_grid(8, seed=2)
    planted = np.flatnonzero(w[len(cells) // 2].toarray().ravel())
    y[planted] += 12
    p = permutation_p(y, w, permutations=499, seed=5)
    assert p[len(cells) // 2] == pytest.approx(2 / 500)
    assert_allclose(permutation_p(y, w, permutations=499, seed=5, chunk=7), p)
    assert_allclose(permutation_p(y, w, permutations=499, seed=5), p)
    quiet = np.setdiff1d(np.arange(len(cells)), np.flatnonzero((w[planted].sum(axis=0) > 0).A1))
    assert np.mean(p[quiet] < 0.05) < 0.15


def test_fdr_is_benjamini_hochberg_and_bins_follow_arcgis_confidence_levels():
    assert_allclose(adjusted_p(np.array([0.01, 0.04, 0.03, 0.20]), fdr=True), [0.04, 0.16 / 3, 0.16 / 3, 0.20])
    assert_allclose(adjusted_p(np.array([0.01, 0.04]), fdr=False), [0.01, 0.04])
    z = np.array([3.0, 2.2, 1.7, 0.5, -1.7, -2.2, -3.0])
    p = np.array([0.005, 0.03, 0.08, 0.6, 0.09, 0.04, 0.002])
    assert confidence_bins(z, p).tolist() == [3, 2, 1, 0, -1, -2, -3]


def test_demo_hot_spots_hold_the_planted_trails_and_fdr_only_removes(demo_points):
    result = hot_spots(demo_points, HotSpotParams(resolution=7, rings=1))
    with_fdr = result.frame
    without = hot_spots(demo_points, HotSpotParams(resolution=7, rings=1, fdr=False)).frame
    assert list(with_fdr.columns) == list(CELL_COLUMNS) and with_fdr.crs.to_epsg() == 4326
    assert with_fdr["seizures"].sum() == len(demo_points)
    assert ((with_fdr["bin"] != 0) <= (without["bin"] != 0)).all()
    assert (with_fdr["q"] >= with_fdr["p"] - 1e-12).all()
    hottest = with_fdr.sort_values("z", ascending=False).iloc[0]
    assert hottest["bin"] == 3
    dongxing = h3int.cell_to_parent(h3int.latlng_to_cell(21.5478, 107.9717, 10), 5)
    hot = with_fdr[with_fdr["bin"] > 0]
    assert any(h3int.cell_to_parent(int(c, 16), 5) == dongxing for c in hot["cell"])
    assert result.params == HotSpotParams(resolution=7, rings=1) and result.parameters["params"]["resolution"] == 7


def test_no_points_give_an_empty_layer_with_the_columns():
    empty = hot_spots(pd.DataFrame(columns=["h3_cell", "quantity_kg", "value_cny"])).frame
    assert empty.empty and list(empty.columns) == list(CELL_COLUMNS) and empty.crs.to_epsg() == 4326


def test_records_known_only_to_the_county_or_province_are_left_out_and_counted(store):
    rows = [seizure_row(source_id=f"P-{i}", lon=106.712 + i * 0.001, lat=21.976) for i in range(5)]
    rows += [seizure_row(source_id=f"C-{i}", lon=107.5, lat=22.5, geo_precision="county") for i in range(40)]
    rows += [seizure_row(source_id=f"V-{i}", lon=108.3, lat=22.8, geo_precision="province") for i in range(7)]
    with store.writing() as con:
        insert_seizures(con, pd.concat(rows, ignore_index=True))
    with store.reading() as con:
        data = read_analysis_points(con, Filters())
        later = read_analysis_points(con, Filters(start=datetime(2030, 1, 1)))
    assert data.left_out == 47 and len(data.points) == 5
    assert set(data.points["geo_precision"]) == {"point"}
    assert later.left_out == 0 and later.points.empty
    cells = hot_spots(data.points, HotSpotParams(resolution=7)).frame
    anchor = format(h3int.latlng_to_cell(22.5, 107.5, 7), "x")
    assert anchor not in set(cells["cell"]) and cells["seizures"].sum() == 5
