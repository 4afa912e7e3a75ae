"""The exit corridor: capacity is never exceeded, first come first served, pent-up demand."""

from __future__ import annotations

import numpy as np

from sim.model import run_replication

from conftest import scenario

CAPACITY = 250


def _leaving(overrides=None, horizon=10):
    base = {"outflow": {"base_hazard_per_day": 0.5, "corridor_capacity_per_hour": CAPACITY,
                        "decision_step_hours": 3},
            "world": {"population_people": 50_000}}
    sc = scenario(base, horizon_days=horizon)
    if overrides:
        sc = sc.with_values(overrides)
    return sc.with_values({"record_every_hours": 1})


def test_throughput_never_above_capacity_and_full_while_people_wait():
    rep = run_replication(_leaving(), 0, 3)
    crossed = np.diff(rep.series["departed"])
    assert crossed.max() <= CAPACITY + 1  # a fraction of a person carried from hour to hour
    busy = rep.series["waiting"][1:-1] >= 2 * CAPACITY  # a long queue all through the next hour
    assert busy.sum() > 24
    assert np.all(crossed[1:][busy] >= CAPACITY - 1)


def test_pent_up_departures_leave_at_capacity_when_the_corridor_opens():
    sc = _leaving({"outflow.corridor_open": False,
                   "events": [{"name": "road opens", "day": 4, "set": {"corridor_open": True}}]})
    rep = run_replication(sc, 0, 3)
    hour = 4 * 24
    assert rep.series["departed"][hour] == 0
    assert rep.series["waiting"][hour] > 10 * CAPACITY  # the queue built up behind the closed road
    crossed = np.diff(rep.series["departed"][hour:hour + 6])
    assert np.all(crossed >= CAPACITY - 1)  # released at once, at full capacity


def test_closed_corridor_lets_nobody_out():
    rep = run_replication(_leaving({"outflow.corridor_open": False}), 0, 3)
    assert rep.outcomes["departed_people"] == 0
    assert rep.outcomes["mean_wait_hours"] is None  # nobody crossed: censored, not zero
    assert rep.outcomes["day_half_departed"] is None
    assert rep.outcomes["max_waiting_people"] > 0


def test_waiting_times_follow_the_queue_length():
    # a queue of Q people served at C an hour: the last waits about Q / C hours
    sc = _leaving({"outflow.corridor_open": False, "outflow.base_hazard_per_day": 50,
                   "events": [{"name": "road opens", "day": 1, "set": {"corridor_open": True}}]})
    rep = run_replication(sc, 0, 3)
    queued = rep.outcomes["max_waiting_people"]
    assert queued > 0.95 * 50_000 * 0.98
    # everyone decided within the first steps; the mean wait is about the time before the road
    # opened plus half the time to serve the whole queue
    expected = 24 * 1 + queued / CAPACITY / 2
    assert abs(rep.outcomes["mean_wait_hours"] - expected) / expected < 0.1


def test_a_huge_capacity_still_lets_the_clock_move_on():
    # the fraction of a person carried between slices once made the next slice shorter than
    # the clock's rounding, and the run never ended
    sc = _leaving({"outflow.corridor_capacity_per_hour": 1e5,
                   "events": [{"name": "the road is widened", "day": 2,
                               "set": {"corridor_capacity_per_hour": 1e300}}]}, horizon=30)
    for k in range(5):
        rep = run_replication(sc, k, 3)
        total = rep.series["residents"] + rep.series["waiting"] + rep.series["departed"]
        assert np.all(total + rep.series["killed"] == 50_000)
        assert rep.outcomes["departed_share"] > 0.9


def test_corridor_closing_in_the_instant_people_join():
    """Regression: a closure at the very time of a decision step interrupted the closed
    corridor's wait, a traceback for a scenario `sim check` accepts."""
    sc = scenario({"outflow": {"distrust_hazard_per_day": 1.0},
                   "events": [{"name": "opens", "day": 0.0, "set": {"corridor_open": True}},
                              {"name": "closes", "day": 1.0, "set": {"corridor_open": False}}]},
                  horizon_days=3)
    s = run_replication(sc, 0, 0).series
    assert np.all(s["residents"] + s["waiting"] + s["departed"] + s["killed"] == 10_000)
