"""Limits on heavy analyses (issue 16 C): the probe of one request taking 12 s and 3.4 GB (space-time
clusters with a 50 km distance, a minimum of 2 and a 3,650-day window over all the demo seizures) is
refused before any worker starts; a worker past its memory or time limit is stopped and leaves no
process behind, as is one whose caller cancels; one analysis per user at a time; the result cache
keeps to its bounds; the estimates bound the real counts from above."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

import geodata.worker
from geodata.budget import DEFAULT_MAX_MB, MAX_MB_ENV, AnalysisRefused, Limits
from geodata.cluster_labels import ball_bounds, core_bounds, space_time_points
from geodata.clusters import DBSCANParams, estimate_clusters, find_clusters, project
from geodata.emerging import EmergingParams, build_cube, estimate_emerging
from geodata.hotspots import HotSpotParams, cell_measures, estimate_hot_spots, neighbourhood_size
from geodata.worker import AnalysisBusy, AnalysisRunner, AnalysisStopped, ResultCache, Wait, run_in_worker

PROBE = DBSCANParams(eps_km=50, min_count=2, window_days=3650)


@pytest.fixture(scope="module")
def demo_points() -> pd.DataFrame:
    """The default demo data's seizures located to the point or the town (what the analyses take)."""
    from geodata.demo_geography import demo_geography
    from queries.demo import generate_seizures

    rows = generate_seizures(demo_geography(), 20_000, 2026, datetime(2026, 11, 20, 12))
    return rows[rows["geo_precision"].isin(["point", "town"])].reset_index(drop=True)


@pytest.fixture
def no_worker(monkeypatch):
    """Every start of a worker, recorded instead of made."""
    started = []
    monkeypatch.setattr(geodata.worker, "run_in_worker", lambda *args, **kwargs: started.append(args))
    return started


@pytest.fixture
def workers_started(monkeypatch):
    """The functions workers are started with, recorded on their way to the worker."""
    started = []
    real = geodata.worker.run_in_worker

    def recorded(function, *args, **kwargs):
        started.append(function.__name__)
        return real(function, *args, **kwargs)

    monkeypatch.setattr(geodata.worker, "run_in_worker", recorded)
    return started


# Run in workers, so defined at module level (a worker imports this module to find them).
def allocate(mb: int) -> float:
    return float(np.ones(mb * 2**20 // 8).sum())


def add(a: int, b: int) -> int:
    return a + b


def raise_value_error(text: str) -> None:
    raise ValueError(text)


class Cancelled(Exception):
    """What Streamlit raises at a status update when the user cancels, reruns or leaves."""


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_probe_is_refused_with_its_reason_before_a_worker_starts(demo_points, no_worker):
    runner = AnalysisRunner(Limits())
    with pytest.raises(AnalysisRefused) as refused:
        runner.run("analyst", "clusters", demo_points, PROBE)
    assert no_worker == []
    message = str(refused.value)
    assert message.startswith(f"space-time DBSCAN of {len(demo_points):,} seizures means about ")
    assert "pairs of seizures to compare" in message and "shorten the time window or the distance" in message
    assert f"{DEFAULT_MAX_MB:,.0f} MB ({MAX_MB_ENV})" in message
    assert refused.value.estimate.mb > DEFAULT_MAX_MB  # what it would need, beyond the limit
    # the page's defaults on the same data fit, and go to a worker
    runner.run("analyst", "clusters", demo_points, DBSCANParams())
    assert len(no_worker) == 1


def test_the_analysis_itself_refuses_the_probe_so_the_command_line_and_exports_do_too(demo_points):
    with pytest.raises(AnalysisRefused, match="shorten the time window"):
        find_clusters(demo_points, PROBE, limits=Limits())


def test_the_command_line_refuses_what_is_over_its_limits(seeded_db, monkeypatch, capsys, tmp_path):
    from geodata.__main__ import main

    monkeypatch.setenv(MAX_MB_ENV, "50")
    with pytest.raises(SystemExit) as exit_code:
        main(["clusters", "--db", str(seeded_db), "--eps-km", "50", "--min-count", "2", "--window-days", "3650",
              "--out", str(tmp_path / "clusters.geojson")])
    assert exit_code.value.code == 2
    error = capsys.readouterr().err
    assert "error: space-time DBSCAN of" in error and "the limits are 60 s" in error and "50 MB" in error
    assert not (tmp_path / "clusters.geojson").exists()


def test_a_worker_gives_its_result_or_raises_the_analysis_error_again():
    limits = Limits(timeout_s=60, max_mb=256)
    assert run_in_worker(add, (2, 3), limits) == 5
    with pytest.raises(ValueError, match="no precise record"):
        run_in_worker(raise_value_error, ("no precise record",), limits)
    assert multiprocessing.active_children() == []


def test_a_worker_over_its_memory_limit_is_stopped_and_leaves_no_process():
    with pytest.raises(AnalysisStopped) as stopped:
        run_in_worker(allocate, (1024,), Limits(timeout_s=120, max_mb=64))
    assert stopped.value.reason == "memory"
    assert "more than its memory limit of 64 MB (CORDON_ANALYSIS_MAX_MB)" in str(stopped.value)
    assert multiprocessing.active_children() == []
    assert run_in_worker(allocate, (16,), Limits(timeout_s=120, max_mb=64)) == 16 * 2**20 // 8


def test_a_worker_past_its_time_limit_is_killed_and_leaves_no_process():
    seen: list[Wait] = []
    with pytest.raises(AnalysisStopped) as stopped:
        run_in_worker(time.sleep, (600,), Limits(timeout_s=0.5, max_mb=256), seen.append, poll_s=0.05)
    assert stopped.value.reason == "time" and "time limit of 0 s" not in str(stopped.value)
    assert "past its time limit" in str(stopped.value)
    assert seen and {wait.phase for wait in seen} == {"running"}
    assert _gone(seen[-1].pid) and multiprocessing.active_children() == []


def test_a_cancelled_wait_kills_the_worker():
    seen: list[Wait] = []

    def cancel(wait: Wait) -> None:
        seen.append(wait)
        raise Cancelled

    with pytest.raises(Cancelled):
        run_in_worker(time.sleep, (600,), Limits(timeout_s=600, max_mb=256), cancel, poll_s=0.05)
    assert _gone(seen[0].pid) and multiprocessing.active_children() == []


def test_a_second_analysis_for_the_same_user_is_refused_while_the_first_runs():
    runner = AnalysisRunner(Limits(timeout_s=600, max_mb=256), workers=2)
    running, stop = threading.Event(), threading.Event()
    outcome: list[BaseException] = []

    def wait_until_stopped(wait: Wait) -> None:
        running.set()
        if stop.is_set():
            raise Cancelled

    def first() -> None:
        try:
            runner.run_function("analyst", time.sleep, (600,), wait_until_stopped)
        except BaseException as error:  # noqa: BLE001 (the test looks at what ended it)
            outcome.append(error)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert running.wait(120)
        with pytest.raises(AnalysisBusy, match="analyst already has an analysis running"):
            runner.run_function("analyst", add, (1, 1))
        assert runner.run_function("planner", add, (1, 1)) == 2  # another user is not held up
    finally:
        stop.set()
        thread.join()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    assert runner.run_function("analyst", add, (2, 2)) == 4  # free again once the first has ended
    assert multiprocessing.active_children() == []


def test_a_request_waits_for_a_free_worker():
    runner = AnalysisRunner(Limits(timeout_s=600, max_mb=256), workers=1)
    running, stop = threading.Event(), threading.Event()

    def wait_until_stopped(wait: Wait) -> None:
        running.set()
        if stop.is_set():
            raise Cancelled

    thread = threading.Thread(target=lambda: pytest.raises(Cancelled, runner.run_function, "analyst", time.sleep,
                                                           (600,), wait_until_stopped))
    thread.start()
    seen: list[Wait] = []

    def queued(wait: Wait) -> None:
        seen.append(wait)
        stop.set()  # the first one gives way

    assert running.wait(120)
    assert runner.run_function("planner", add, (3, 4), queued) == 7
    thread.join()
    assert seen[0].phase == "queued"


def test_the_result_cache_keeps_to_its_entries_and_bytes():
    cache = ResultCache(max_entries=3, max_bytes=40_000)
    for key in range(5):
        assert cache.put(key, np.zeros(1000))  # about 8 KB each
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) is not None
    cache.get(2)  # used: kept over 3, the least recently used
    cache.put(5, np.zeros(1000))
    assert cache.get(2) is not None and cache.get(3) is None
    assert not cache.put("large", np.zeros(2000))  # over a quarter of the bytes: not kept
    assert cache.get("large") is None
    cache = ResultCache(max_entries=100, max_bytes=40_000)
    for key in range(20):
        cache.put(key, np.zeros(1000))
    assert cache.nbytes <= 40_000 and len(cache) == 4
    copy = cache.get(19)
    copy[:] = 1  # each get is its own copy
    assert cache.get(19).sum() == 0


def test_the_cache_size_comes_from_the_environment():
    assert ResultCache.from_env({"CORDON_ANALYSIS_CACHE_MB": "8"}).max_bytes == 8 * 2**20
    with pytest.raises(ValueError, match="CORDON_ANALYSIS_WORKERS must be a whole number"):
        AnalysisRunner.from_env({"CORDON_ANALYSIS_WORKERS": "two"})
    assert Limits.from_env({"CORDON_ANALYSIS_TIMEOUT_S": "5"}) == Limits(timeout_s=5)


# -- the estimates against the real counts -----------------------------------------------------------

def _clumped(n: int, seed: int = 3) -> np.ndarray:
    """Points in metres: half in a few tight clumps, half spread over 100 km."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 100_000, (8, 2))
    clumps = centres[rng.integers(0, 8, n // 2)] + rng.normal(0, 800, (n // 2, 2))
    return np.vstack([clumps, rng.uniform(0, 100_000, (n - n // 2, 2))])


@pytest.mark.parametrize("eps, window", [(500.0, 3.0), (2_000.0, 30.0), (10_000.0, 365.0)])
def test_the_space_time_pair_bound_is_never_below_the_real_count_and_at_most_7_times_it(eps, window):
    xy = _clumped(4000)
    days = np.random.default_rng(4).uniform(0, 1500, len(xy))
    points = space_time_points(xy, days, eps, window)
    radius = eps * np.sqrt(2)
    real = cKDTree(points).query_ball_point(points, r=radius, return_length=True)
    bound = ball_bounds(points, radius)
    assert (bound >= real).all()
    assert bound.sum() <= 7 * real.sum()  # a 3 x 3 x 3 block of cells against a ball: 27 / (4/3 pi), 6.4


def test_the_dbscan_neighbour_bound_is_never_below_the_real_count_of_the_unsure_points():
    xy = _clumped(4000)
    eps, min_count = 1_500.0, 40
    inverse, _, thin, bound = core_bounds(xy, eps, min_count, xy.min(axis=0))
    unsure_cells = thin[bound >= min_count]
    assert len(unsure_cells) > 0
    per_cell_bound = dict(zip(thin.tolist(), bound.tolist()))
    unsure = np.flatnonzero(np.isin(inverse, unsure_cells))
    real = cKDTree(xy).query_ball_point(xy[unsure], r=eps, return_length=True)
    assert (np.array([per_cell_bound[c] for c in inverse[unsure]]) >= real).all()


def test_the_estimates_count_what_the_analyses_make(seeded_db):
    from geodata.analysis_data import read_analysis_points
    from queries.filters import Filters
    from queries.stores import open_store

    with open_store(seeded_db).reading() as con:
        points = read_analysis_points(con, Filters()).points
    hot = HotSpotParams(resolution=6, rings=3, permutations=99)
    cells = len(cell_measures(points, 6))
    assert estimate_hot_spots(points, hot).work == cells * (neighbourhood_size(3) + 99)
    emerging = EmergingParams(step="week")
    cube = build_cube(points, emerging)
    steps = len(cube.starts)
    assert estimate_emerging(points, emerging).work == len(cube.cells) * steps * (neighbourhood_size(2) + steps)
    # space-time DBSCAN: its pairs within the search ball, bounded from above
    estimate = estimate_clusters(points, DBSCANParams(eps_km=5, min_count=3, window_days=30))
    xy = project(points["lon"], points["lat"])
    days = (pd.to_datetime(points["occurred_at"]) - pd.Timestamp("2000-01-01")) / pd.Timedelta(days=1)
    ball = space_time_points(xy, days.to_numpy(float), 5000, 30)
    real = cKDTree(ball).count_neighbors(cKDTree(ball), 5000 * np.sqrt(2))
    assert real <= estimate.work <= 7 * real and estimate.kind == "st_dbscan"


def test_a_refused_analysis_shows_its_reason_on_the_page_and_starts_no_worker(seeded_db, monkeypatch,
                                                                             workers_started):
    from streamlit.testing.v1 import AppTest

    import dashboard.data
    from tests.dashboard.test_app import APP, signed_in

    monkeypatch.setenv("CORDON_DB", str(seeded_db))
    monkeypatch.setenv(MAX_MB_ENV, "20")  # the test database is small: so is the limit
    dashboard.data.analysis_runner.clear()  # made again with these limits
    dashboard.data.analysis_results.clear()
    try:
        app = AppTest.from_file(APP, default_timeout=120)
        app.query_params["period"] = "all"
        signed_in(app, "gx-analyst")
        app.run()
        app.switch_page("screens/analysis.py").run()
        app.segmented_control(key="a_method").set_value("clusters").run()
        app.number_input(key="c_eps").set_value(50.0)
        app.number_input(key="c_min").set_value(2)
        app.number_input(key="c_window").set_value(3650)
        next(button for button in app.button if button.label == "Run").click().run()
        assert not app.exception
        warning = next(w.value for w in app.warning if w.value.startswith("Too heavy to run"))
        assert "space-time DBSCAN of" in warning and "beyond the limits of 60 s and 20 MB" in warning
        assert "Shorten the time window or the distance" in warning
        assert workers_started == ["hot_spots", "_clusters"]  # the page's first analysis, then clusters' defaults
    finally:
        dashboard.data.analysis_runner.clear()
        dashboard.data.analysis_results.clear()


def test_a_cancelled_analysis_stays_cancelled_until_run_is_pressed(seeded_db, monkeypatch, workers_started):
    from streamlit.testing.v1 import AppTest

    import dashboard.data
    from tests.dashboard.test_app import APP, signed_in

    monkeypatch.setenv("CORDON_DB", str(seeded_db))
    dashboard.data.analysis_results.clear()
    try:
        app = AppTest.from_file(APP, default_timeout=120)
        app.query_params["period"] = "all"
        signed_in(app, "planner")
        app.session_state["hotspots_cancelled"] = HotSpotParams()  # as the rerun that Cancel caused leaves it
        app.run()
        app.switch_page("screens/analysis.py").run()
        assert not app.exception
        assert [i.value for i in app.info] == ["Analysis cancelled. Press Run to start it again."]
        assert workers_started == []
        next(button for button in app.button if button.label == "Run").click().run()
        assert not app.exception and workers_started == ["hot_spots"] and not app.info
        assert any("hot and" in caption.value for caption in app.caption)
    finally:
        dashboard.data.analysis_results.clear()
