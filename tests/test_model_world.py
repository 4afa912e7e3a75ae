"""The world's bookkeeping through its public methods: war holds tension at its peak, supplies
run out and refill from what is left, the queue is served first come first served with each
cohort's wait, and settled issues and convoys add up."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.model import record_times, run_replication
from sim.model.fluid import waited_days
from sim.model.world import World

from conftest import cross_times, scenario


def test_tension_stays_at_its_peak_through_the_war():
    sc = scenario({"world": {"tension_half_life_days": 1.0},
                   "ceasefire": {"base_incidents_per_day": 1e3, "escalation_probability": 1.0,
                                 "mean_casualties_per_incident": 0, "fatal_share": 0.5,
                                 "war_casualties_per_day": 10.0}}, horizon_days=10)
    rep = run_replication(sc, 0, 7)
    collapse = rep.outcomes["collapse_day"]
    assert collapse is not None and collapse < 1
    times = record_times(sc.params)
    assert np.all(rep.series["tension"][times > collapse] == 1.0)
    assert rep.outcomes["killed_people"] > 0  # the war's days of fighting came between records


def test_supplies_run_out_and_refill_from_nothing_not_from_a_debt():
    """10,000 people eat 10,000 of 10,000.5 person-days in one day; what comes at day 5 feeds
    them from then on, whatever time went by without food."""
    events = [{"name": "two days", "day": 1.0, "add": {"supplies_person_days": 20_000}},
              {"name": "refill", "day": 5.0, "add": {"supplies_person_days": 70_000}}]
    sc = scenario({"world": {"supplies_person_days": 10_000.5}, "events": events},
                  horizon_days=6)
    s = run_replication(sc, 0, 1).series
    assert s["hunger"][1] == pytest.approx(1 - 20_000.5 / 140_000, rel=1e-12)
    assert s["hunger"][5] == pytest.approx(0.5, rel=1e-12)


def _world() -> tuple[simpy.Environment, World]:
    env = simpy.Environment()
    return env, World(env, scenario({"outflow": {"stayer_share": 0.0,
                                                  "corridor_open": False}}).params)


def _at(env: simpy.Environment, world: World, day: float) -> None:
    env.run(until=day)
    world.advance(day)


def test_the_queue_serves_cohorts_first_come_and_sums_each_ones_wait():
    """Closed until day 3, then one an hour: the k-th crosses at 3 + k/24 days; the first 10
    joined on day 0, the next 15 on day 1."""
    env, world = _world()
    world.join_queue(10)
    _at(env, world, 1.0)
    world.join_queue(20)
    _at(env, world, 3.0)
    world.set_variable("corridor_capacity_per_hour", 1.0)
    world.set_variable("corridor_open", True)
    _at(env, world, 3.0 + 25 / 24)
    people = cross_times(world)
    assert [joined for _, joined in people] == [0.0] * 10 + [1.0] * 15
    assert [day for day, _ in people] == pytest.approx([3 + k / 24 for k in range(1, 26)])
    assert waited_days(world.crossings) == pytest.approx(10 * 3.0 + 15 * 2.0 + 325 / 24)
    assert (world.waiting, world.departed) == (5, 25)


def test_a_cohort_of_one_left_after_a_kill_still_crosses():
    env, world = _world()
    world.join_queue(3)
    _at(env, world, 0.5)
    world.join_queue(9_997)
    assert world.kill(5_000, 5_000) == 5_000  # half of everyone; the first cohort keeps 1
    world.set_variable("corridor_open", True)
    _at(env, world, 30.0)
    cohorts = [c.people for c in world.crossings]
    assert sum(cohorts) == world.departed == 5_000 and cohorts[0] == 1
    assert world.casualties == 5_000


def test_settled_issues_and_deliveries_add_up():
    _env, world = _world()
    world.settle(1)
    world.settle(2)
    assert world.issues_settled == 3
    before = world.supplies_person_days
    world.deliver(5e4)
    world.deliver(1e4)
    assert world.supplies_person_days == before + 6e4


def test_an_event_a_few_rounding_steps_after_the_start_is_not_seen_at_it():
    """Within 1e-13 days of a record time below day 1 counts as at it; 1.5e-13 does not."""
    sc = scenario({"events": [{"name": "shock", "day": 1.5e-13, "set": {"trust": 1.0}}]},
                  horizon_days=1)
    assert run_replication(sc, 0, 1).series["trust"][0] == 0.5


def test_starving_people_queuing_or_not_push_tension_to_baseline_plus_weight_at_most_1():
    """No supplies at all: hunger 1 for everyone inside, those queuing included, so tension
    relaxes toward min(1, baseline + weight); with nobody inside there is no hunger."""
    for baseline, target in ((0.4, 0.7), (0.9, 1.0)):
        sc = scenario({"world": {"supplies_person_days": 0, "tension": baseline,
                                 "tension_baseline": baseline, "tension_half_life_days": 1.0},
                       "supplies": {"hunger_tension_weight": 0.3}}, horizon_days=2)
        s = run_replication(sc, 0, 1).series
        assert s["tension"][1] == pytest.approx(target + (baseline - target) / 2, rel=1e-9)
    sc = scenario({"world": {"supplies_person_days": 0},
                   "outflow": {"mode": "queue", "stayer_share": 0.0,
                               "corridor_capacity_per_hour": 100}}, horizon_days=2)
    assert run_replication(sc, 0, 1).series["hunger"][1] == 1.0  # 7,600 still queuing
    sc = scenario({"world": {"supplies_person_days": 0}, "events": [
        {"name": "all out", "day": 1.0, "evacuate_people": 10_000}]}, horizon_days=2)
    assert list(run_replication(sc, 0, 1).series["hunger"]) == [1.0, 0.0, 0.0]
