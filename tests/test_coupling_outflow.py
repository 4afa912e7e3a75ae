"""The outflow's couplings that mutation testing found unchecked: the hazard exponent, the
decision step, whole households to the last person, and a corridor whose state changes while
people cross (closing, a tiny capacity, a queue that empties and fills again)."""

from __future__ import annotations

import math

import pytest

from sim.model import run_replication
from sim.model.world import World
from sim.scenario import load

from conftest import ROOT, cross_times, crossed_by, scenario, served

N = 70_000
SIZE = 3.5


def _decided(outflow: dict, world: dict | None = None, days: float = 4) -> float:
    """The share of households that decided within `days` (the road closed: all still queue)."""
    sc = scenario({"outflow": {"corridor_open": False, "stayer_share": 0.0,
                               "household_size_people": SIZE, **outflow},
                   "world": {"population_people": N, **(world or {})}}, horizon_days=days)
    return run_replication(sc, 0, 5).outcomes["max_waiting_people"] / SIZE / (N // SIZE)


def _close_to(share: float, p: float) -> bool:
    return abs(share - p) < 5 * math.sqrt(p * (1 - p) / (N // SIZE))


@pytest.mark.parametrize(("outflow", "world", "hazard"), [
    ({"tension_hazard_per_day": 0.4}, {"tension": 0.5, "tension_baseline": 0.5}, 0.4 * 0.25),
    ({"distrust_hazard_per_day": 0.4}, {"trust": 0.25, "trust_baseline": 0.25}, 0.4 * 0.5625),
    ({"hunger_hazard_per_day": 0.1}, {"supplies_person_days": 0}, 0.1),  # hunger 1: 1² = 1
], ids=["tension", "distrust", "hunger"])
def test_the_hazard_exponent_raises_fear_hunger_and_distrust_to_its_power(outflow, world,
                                                                           hazard):
    share = _decided({**outflow, "hazard_exponent": 2}, world, days=4.5)
    assert _close_to(share, 1 - math.exp(-hazard * 4))  # daily steps: 4 by day 4.5


@pytest.mark.parametrize(("outflow", "world", "hazard"), [
    ({"tension_hazard_per_day": 0.4}, {"tension": 0.75, "tension_baseline": 0.75}, 0.4 * 0.5),
    ({"distrust_hazard_per_day": 0.4}, {"trust": 0.1, "trust_baseline": 0.1}, 0.4 * 0.8),
    ({"hunger_hazard_per_day": 0.1}, {"supplies_person_days": 0}, 0.1),  # hunger 1: felt fully
    ({"tension_hazard_per_day": 0.4}, {"tension": 0.5, "tension_baseline": 0.5}, 0.0),
    ({"distrust_hazard_per_day": 0.4}, {"trust": 0.6, "trust_baseline": 0.6}, 0.0),
], ids=["tension", "distrust", "hunger", "tolerated-fear", "tolerated-distrust"])
def test_fear_hunger_and_distrust_below_the_tolerance_cause_no_hazard(outflow, world, hazard):
    # tolerance 0.5: a level x is felt as (x - 0.5) / 0.5 above it, not at all at or below it
    share = _decided({**outflow, "hazard_tolerance": 0.5}, world, days=4.5)
    assert _close_to(share, 1 - math.exp(-hazard * 4)) if hazard else share == 0


@pytest.mark.parametrize("hours", [6, 24])
def test_the_share_decided_by_a_day_does_not_depend_on_the_step(hours):
    share = _decided({"base_hazard_per_day": 0.1, "decision_step_hours": hours}, days=4.01)
    assert _close_to(share, 1 - math.exp(-0.1 * 4))


def test_households_decide_on_the_decision_step_not_before():
    assert _decided({"base_hazard_per_day": 5}, days=0.99) == 0  # daily steps
    assert _decided({"base_hazard_per_day": 5}, days=1.01) > 0.9


def test_no_household_decides_at_the_horizon():
    # a daily step and a horizon of one day: the first step would fall on the horizon itself
    sc = scenario({"outflow": {"base_hazard_per_day": 50, "decision_step_hours": 24}},
                  horizon_days=1)
    assert run_replication(sc, 0, 2).outcomes["max_waiting_people"] == 0
    longer = scenario({"outflow": {"base_hazard_per_day": 50, "decision_step_hours": 24}},
                      horizon_days=1.01)
    assert run_replication(longer, 0, 2).outcomes["max_waiting_people"] > 0


def test_everyone_but_the_stayers_leaves_to_the_last_person():
    # 10,001 people (9,001 who may leave); one evacuated early. Gamma frailty (shape 2) after a
    # cumulative hazard H = 4,000 leaves (1 + H/2)^-2 = 2.5e-7 undecided: 0.002 people expected
    sc = scenario({"outflow": {"base_hazard_per_day": 200, "stayer_share": 0.1,
                               "household_size_people": 1, "hazard_heterogeneity": 2.0,
                               "corridor_capacity_per_hour": 10_000},
                   "world": {"population_people": 10_001},
                   "events": [{"name": "evacuation", "day": 0.01, "evacuate_people": 1}]},
                  horizon_days=20)
    out = run_replication(sc, 0, 2).outcomes
    assert (out["stayed_people"], out["departed_people"]) == (1_000, 9_001)


@pytest.mark.parametrize(("people", "size", "left"), [(3, 3, 0), (10, 3.5, 3)])
def test_whole_households_decide_and_fewer_than_one_household_stay(people, size, left):
    # one household of 3 leaves; of 10 people in households of 3.5, two households (7) leave
    # and the 3 left, fewer than a household, never decide (the model counts whole households)
    sc = scenario({"outflow": {"base_hazard_per_day": 20, "stayer_share": 0.0,
                               "household_size_people": size},
                   "world": {"population_people": people}}, horizon_days=10)
    assert run_replication(sc, 0, 2).outcomes["stayed_people"] == left




def _crossed_by(world: World, hour: float) -> int:
    return crossed_by(world, hour / 24)


def test_a_corridor_closing_mid_hour_lets_through_what_crossed_before_it_closed():
    world = served(100, [(0, 1_000)], changes=[(0.5, False, 100), (3.0, True, 100)])
    assert _crossed_by(world, 0.5) == 50
    assert _crossed_by(world, 2.9) == 50
    assert _crossed_by(world, 4.0) == 150


def test_a_capacity_change_mid_hour_applies_from_that_moment():
    world = served(100, [(0, 1_000)], changes=[(0.5, True, 1_000)])
    assert _crossed_by(world, 0.5) == 50
    assert _crossed_by(world, 1.0) == 550  # then 1,000 an hour from that moment
    assert _crossed_by(world, 1.4) == 950
    assert _crossed_by(world, 1.45) == 1_000


@pytest.mark.parametrize(("capacity", "by_day"), [(0.0, 0), (0.5, 12)])
def test_a_capacity_under_one_an_hour_is_served_and_zero_lets_nobody_out(capacity, by_day):
    world = served(100, [(0, 1_000)], changes=[(0, True, capacity)], hours=24)
    assert world.departed == by_day


def test_a_queue_that_empties_carries_no_spare_capacity_to_the_next_arrivals():
    world = served(100, [(0, 100), (5, 100)], hours=8)
    assert _crossed_by(world, 1.0) == 100
    # the second cohort is through at hour 6, not earlier: nothing saved from the idle hours
    assert cross_times(world)[-1][0] * 24 == pytest.approx(6.0, abs=1e-6)
    assert _crossed_by(world, 6.0) == 200


def test_what_households_decide_does_not_depend_on_how_often_the_world_is_brought_up_to_date(
        monkeypatch):
    """Decision steps are the World's own clock: a process that brings the world up to date
    every hour (between and at the steps) changes no decision, no crossing, no outcome."""
    import simpy

    import sim.model.replication as replication
    from sim.model.outflow import start

    sc = load(ROOT / "scenarios" / "baseline.toml")
    plain = [run_replication(sc, r, 3) for r in range(3)]

    def hourly(env, p, rng, world, horizon):
        start(env, p, rng, world, horizon)

        def tick():
            while True:
                yield simpy.events.Timeout(env, 1 / 24)
                world.advance(env.now)
        env.process(tick())

    monkeypatch.setattr(replication, "start_outflow", hourly)
    for r, before in enumerate(plain):
        after = run_replication(sc, r, 3)
        assert after.outcomes.keys() == before.outcomes.keys()
        for key, value in before.outcomes.items():
            if isinstance(value, float):
                assert after.outcomes[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
            else:
                assert after.outcomes[key] == value, key
        assert before.outcomes["departed_people"] > 0
