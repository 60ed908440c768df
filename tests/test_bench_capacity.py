"""The capacity bench's own arithmetic (bench/bench_capacity.py): percentiles, the CPU time read from /proc, and
when a step of the ramp holds. The bench itself starts servers and runs by hand, never in the test run."""

from __future__ import annotations

import os

import pytest

from bench.bench_capacity import P95_TARGET_S, Step, busy_seconds, capacity, cpu_seconds, percentile


def _step(sessions: int, latencies: list[float], failures: list[str] = ()) -> Step:
    return Step(replicas=1, sessions=sessions, window_s=30, latencies=latencies, failures=list(failures))


def test_percentiles_interpolate_between_ranks_and_are_nan_for_no_values():
    values = [0.1 * k for k in range(1, 21)]  # 0.1 … 2.0
    assert percentile(values, 50) == pytest.approx(1.05)
    assert percentile(values, 95) == pytest.approx(1.905)
    assert percentile([0.3], 95) == pytest.approx(0.3)
    assert percentile([], 95) != percentile([], 95)  # nan


def test_cpu_seconds_are_user_plus_system_time_even_when_the_command_name_has_spaces_and_parentheses():
    ticks = os.sysconf("SC_CLK_TCK")
    stat = f"4242 (python (x) y) S 1 4242 4242 0 -1 4194560 9 0 0 0 {3 * ticks} {ticks // 2} 0 0 20 0 9 0 1 2 3"
    assert cpu_seconds(stat) == pytest.approx(3.5)
    assert cpu_seconds(open("/proc/self/stat").read()) > 0  # noqa: SIM115 - the format as the kernel writes it


def test_the_machines_busy_time_leaves_out_idle_and_io_wait_and_what_the_servers_and_clients_used():
    ticks = os.sysconf("SC_CLK_TCK")
    # user nice system idle iowait irq softirq steal guest guest_nice
    stat = f"cpu  {4 * ticks} 0 {ticks} {50 * ticks} {7 * ticks} 0 {ticks} 0 {9 * ticks} 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"
    assert busy_seconds(stat) == pytest.approx(6.0)  # guest time is already inside user time
    step = Step(replicas=1, sessions=2, window_s=10, server_cpu_s=2.0, client_cpu_s=0.5, machine_cpu_s=6.0)
    assert step.others_cpu_s == pytest.approx(3.5)


def test_a_step_holds_with_a_p95_within_the_target_and_no_failed_refresh():
    fast = [0.2] * 19
    assert _step(4, fast + [P95_TARGET_S]).holds()
    assert not _step(4, fast + [5.0, 5.0]).holds()  # 2 of 21 over: the p95 is over the target
    assert not _step(4, fast, ["no answer"]).holds()  # a refresh that never came back fails the step
    assert not _step(4, []).holds()  # nothing measured is nothing held


def test_the_capacity_is_the_last_step_that_held_before_the_first_that_did_not():
    ok, slow = [0.2] * 20, [2.0] * 20
    assert capacity([_step(1, ok), _step(2, ok), _step(4, slow), _step(8, ok)]) == 2
    assert capacity([_step(1, slow)]) == 0
    assert capacity([_step(1, ok), _step(2, ok)]) == 2
