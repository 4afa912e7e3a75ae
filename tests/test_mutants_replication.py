"""A replication's outcomes at their edges: the departures of each whole day (a crossing on the
stroke of midnight counts for the day it ends), the 90th-percentile wait when the 90% mark
falls just past a cohort, event days to the microday, dated events, and reproducible draws."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
import simpy

from sim.model import run_replication
from sim.model.outflow import start
from sim.model.replication import summarise
from sim.model.world import World

from conftest import START, scenario


def _queue(horizon=5.0, stayers=0.0, capacity=100, **sections):
    """10,000 people (less the stayers) queue at day 0 for a corridor of `capacity` an hour."""
    outflow = {"mode": "queue", "stayer_share": stayers, "corridor_capacity_per_hour": capacity,
               **sections.pop("outflow", {})}
    return run_replication(scenario({"outflow": outflow, **sections}, horizon_days=horizon), 0, 1)


def test_the_peak_day_counts_the_crossing_on_the_stroke_of_midnight():
    """2,500 served 100 an hour: the k-th crosses at k / 100 hours, the 2,400th at midnight."""
    rep = _queue(horizon=3.0, stayers=0.75)
    out = rep.outcomes
    assert out["departed_people"] == 2_500
    assert out["peak_departures_per_day"] == 2_400  # not 2,399 (midnight missed) nor 100
    assert list(rep.series["departed"]) == [0, 2_400, 2_500, 2_500]
    assert out["mean_wait_hours"] == pytest.approx(2_501 / 2 / 100, abs=1e-6)  # mean of k/100
    assert out["p90_wait_hours"] == pytest.approx(22.5, abs=1e-6)  # the 2,250th person


def test_the_p90_wait_is_that_of_the_person_at_90_percent():
    """10,000 served 8,999 an hour: the 9,000th person crosses at 9,000 / 8,999 hours."""
    out = _queue(capacity=8_999).outcomes
    assert out["departed_people"] == 10_000
    assert out["p90_wait_hours"] == pytest.approx(9_000 / 8_999, abs=1e-6)
    assert out["mean_wait_hours"] == pytest.approx(10_001 / 2 / 8_999, abs=1e-6)
    assert out["peak_departures_per_day"] == 10_000


def _agreed(event: dict) -> dict:
    talks = {"name": "talks", "round": True, **event}
    return _queue(horizon=2.0, capacity=1, events=[talks],
                  negotiation={"mean_concession_share": 1.0, "settle_probability": 1.0,
                               "round_hours": 2}).outcomes


def test_an_agreement_day_is_given_to_the_microday():
    out = _agreed({"day": 1 / 3})  # a round of 2 hours: agreed on day 5 / 12
    assert out["agreement"] is True and out["issues_settled"] == 1 and out["rounds_held"] == 1
    assert out["agreement_day"] == 0.416667  # rounded to 6 decimals (0.09 s), not to 7 or 0


def test_an_event_dated_by_the_clock_happens_on_its_day():
    out = _agreed({"at": START + timedelta(hours=18)})  # the round ends 20 hours in
    assert out["agreement_day"] == 0.833333


def test_a_replication_is_reproducible_and_each_draws_its_own_parameters():
    sc = scenario({"outflow": {"base_hazard_per_day": {"uniform": [0.1, 1.0]},
                               "decision_step_hours": 6},
                   "world": {"population_people": {"uniform": [5_000, 20_000]}}}, horizon_days=3)
    first, again, other = (run_replication(sc, k, 9) for k in (0, 0, 1))
    assert first.parameters == again.parameters and first.outcomes == again.outcomes
    assert [r for r in first.log] == [r for r in again.log]
    assert set(first.parameters) == {"outflow.base_hazard_per_day", "world.population_people"}
    assert first.parameters != other.parameters
    assert first.outcomes["departed_people"] > 0


def test_outcomes_read_the_world_s_own_snapshots_when_given_no_table():
    sc = scenario({"outflow": {"mode": "queue", "corridor_capacity_per_hour": 100,
                               "stayer_share": 0}},
                  horizon_days=2)
    env = simpy.Environment()
    world = World(env, sc.params)
    start(env, sc.params.outflow, np.random.default_rng(1), world, 2)
    env.run(until=2)
    world.advance(2)
    out = summarise(sc.params, world, [])
    assert out == summarise(sc.params, world, [], world.table())
    # 48 hours served at 100 an hour: the 4,800th crosses as the horizon is reached
    assert out["departed_people"] == 4_800 and out["max_waiting_people"] == 10_000
