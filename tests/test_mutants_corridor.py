"""Known answers for the throughput rules and the observation model at their edges: the cases a
mutation run showed no other test pins (step boundaries, the noise's sign, which series is read)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy
from numpy.random import SeedSequence, default_rng
from scipy import stats

from sim.model.observation import arrived, observe, registered, spread_hours, travel_cdf
from sim.model.rng import MECHANISMS
from sim.model.throughput import next_capacity, throughput
from sim.model.world import World
from sim.scenario.params import OutflowParams

from conftest import cross_times, scenario, served


def _outflow(**changes: object) -> OutflowParams:
    """The quiet scenario's outflow parameters with some changed."""
    return scenario({"outflow": changes}).params.outflow


@pytest.mark.parametrize("mean, shape", [(10.0, 1), (10.0, 3), (0.5, 2), (30.0, 5)])
def test_travel_cdf_is_the_erlang_cdf(mean: float, shape: int) -> None:
    """Within an hour of leaving, and for journeys under an hour, too (scipy's gamma CDF)."""
    hours = np.array([-1.0, 0.0, 0.2, 0.5, 0.9, 1.0, 3.0, 12.0, 40.0])
    got = travel_cdf(hours, mean, shape)
    assert got.dtype == np.float64  # a float array: it multiplies the departures
    assert got == pytest.approx(stats.gamma.cdf(hours, shape, scale=mean / shape), abs=1e-12)


def test_travel_cdf_of_no_journey_is_a_step_at_zero() -> None:
    assert travel_cdf(np.array([-0.1, 0.0, 0.3]), 0.0, 2).tolist() == [0.0, 1.0, 1.0]


def test_spread_is_mean_over_root_shape() -> None:
    assert spread_hours(12.0, 4) == 6.0
    assert spread_hours(0.5, 1) == 0.5
    assert spread_hours(0.0, 3) == 0.0


def test_arrivals_at_the_edges_of_the_record() -> None:
    """Before the record nobody; at its first time those already across; with no journey, the
    people who left within an interval count from its middle on (they are taken to leave there)."""
    t, dep = np.array([1.0, 2.0, 3.0]), np.array([[5.0, 9.0, 15.0]])
    got = arrived(t, dep, np.array([0.5, 1.0, 1.4, 1.5, 2.5, 3.0]), 0.0, 2)
    assert got.tolist() == [[0.0, 5.0, 5.0, 9.0, 15.0, 15.0]]


def _record() -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0, 4, 97)  # hourly for four days
    return t, np.vstack([400 * t, 900 * np.minimum(t, 2.0), 50 * t ** 2])


def test_registered_counts_are_arrivals_a_lag_earlier() -> None:
    t, dep = _record()
    days = np.array([1.5, 2.0, 3.25])
    got = registered(t, dep, days, 6.0, 2, 24.0, 0.0, 1, np.arange(3))
    assert got == pytest.approx(arrived(t, dep, days - 1, 6.0, 2), rel=1e-12)


def test_registered_noise_is_each_replications_own_lognormal_draw() -> None:
    """log(registered / lagged arrivals) / sd is the replication's observation stream."""
    t, dep = _record()
    days, sd, reps = np.array([1.0, 2.0, 3.0, 4.0]), 0.3, np.array([4, 7, 11])
    got = registered(t, dep, days, 6.0, 3, 12.0, sd, 5, reps)
    base = arrived(t, dep, days - 0.5, 6.0, 3)
    key = MECHANISMS.index("observation")
    z = [default_rng(SeedSequence(5, spawn_key=(int(r), key))).standard_normal(4) for r in reps]
    assert np.log(got / base) / sd == pytest.approx(np.array(z), abs=1e-9)
    assert registered(t, dep[:0], days, 6.0, 3, 12.0, sd, 5, reps[:0]).shape == (0, 4)


def test_observe_reads_the_series_asked_for_with_each_runs_settings() -> None:
    t, dep = _record()
    days, reps = np.array([1.0, 2.5, 4.0]), np.array([0, 1, 2])
    a = {"travel_hours_mean": 6.0, "travel_hours_shape": 2, "registration_lag_hours": 24.0,
         "count_noise_sd": 0.2}
    b = {"travel_hours_mean": 20.0, "travel_hours_shape": 4, "registration_lag_hours": 6.0,
         "count_noise_sd": 0.0}
    settings = [a, b, a]
    got = observe("arrived", t, dep, days, settings, 3, reps)
    assert got[[0, 2]] == pytest.approx(arrived(t, dep[[0, 2]], days, 6.0, 2))
    assert got[1] == pytest.approx(arrived(t, dep[[1]], days, 20.0, 4)[0])
    got = observe("registered", t, dep, days, settings, 3, reps)
    assert got[[0, 2]] == pytest.approx(registered(t, dep[[0, 2]], days, 6.0, 2, 24.0, 0.2, 3,
                                                   reps[[0, 2]]))
    assert got[1] == pytest.approx(registered(t, dep[[1]], days, 20.0, 4, 6.0, 0.0, 3,
                                              reps[[1]])[0])


def test_a_random_walk_step_is_the_log_normal_of_its_draw() -> None:
    p = _outflow(throughput="random_walk", throughput_walk_sd_per_sqrt_day=0.4,
                 throughput_ceiling_per_hour=1e6)
    z = default_rng(8).standard_normal()
    got = next_capacity(p, 100.0, 0.25, 10, default_rng(8))
    assert got == pytest.approx(100.0 * math.exp(0.4 * 0.5 * z), rel=1e-12)


def test_queue_growth_step_waits_for_a_queue_and_stops_at_the_ceiling() -> None:
    p = _outflow(throughput="queue_growth", throughput_growth_per_day=2.0,
                 throughput_ceiling_per_hour=1000.0)
    rng = default_rng(0)
    assert next_capacity(p, 100.0, 0.5, 0, rng) == 100.0
    assert next_capacity(p, 1000.0, 0.5, 5, rng) == 1000.0
    assert next_capacity(p, 100.0, 0.5, 5, rng) == pytest.approx(1000 / (1 + 9 * math.exp(-1)))


def _ramp(capacity: float, open_: bool, reopen_day: float | None = None) -> float:
    """The capacity after 10 hourly steps of a ramp of 24 people/hour a day (1 per step)."""
    sc = scenario({"outflow": {"throughput": "ramp", "throughput_ramp_per_hour_per_day": 24,
                               "throughput_step_hours": 1, "corridor_capacity_per_hour": 5}})
    env = simpy.Environment()
    world = World(env, sc.params)
    world.corridor_open, world.corridor_capacity_per_hour = open_, capacity
    env.process(throughput(env, sc.params.outflow, default_rng(0), world))
    if reopen_day is not None:
        env.run(until=reopen_day)
        world.corridor_open = True
    env.run(until=10.5 / 24)
    return world.corridor_capacity_per_hour


def test_the_ramp_moves_only_an_open_corridor_with_some_capacity() -> None:
    assert _ramp(0.5, True) == pytest.approx(10.5)
    assert _ramp(5.0, False) == 5.0
    assert _ramp(0.0, True) == 0.0
    assert _ramp(5.0, False, reopen_day=4.5 / 24) == pytest.approx(11.0)  # steps 5..10 only


def test_a_queue_that_empties_keeps_no_fraction_for_the_next_arrivals() -> None:
    """At 1.5 an hour one person crosses at 40 minutes; the idle hours save nothing, so of two
    joining at hour 24 the first crosses 40 minutes later, the second 40 more."""
    world = served(1.5, [(0, 1), (24, 2)], hours=30)
    assert [round(day * 24, 4) for day, _ in cross_times(world)] == [
        round(1 / 1.5, 4), round(24 + 1 / 1.5, 4), round(24 + 2 / 1.5, 4)]


def test_the_corridor_costs_no_simulation_event() -> None:
    """A queue of 1,000 at 10 an hour: nothing is scheduled, yet 105 are through at 10.5 hours,
    the 105th at exactly 10.5 hours (capacity reaching their place in the queue)."""
    sc = scenario({"outflow": {"corridor_open": True, "corridor_capacity_per_hour": 10}})
    env = simpy.Environment()
    world = World(env, sc.params)
    world.join_queue(1000)
    assert env.peek() == math.inf
    world.advance(10.5 / 24)
    assert world.departed == 105 and world.waiting == 895
    assert cross_times(world)[-1][0] * 24 == pytest.approx(10.5, abs=1e-6)
