"""The state between events is exact (hunger falls in as the stock runs down, tension follows it,
however often the state is brought up to date); stayers and the queue share evacuations and
killings in proportion, in whole people."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from sim.model import run_replication
from sim.model.state import apportion
from sim.model.world import World

from conftest import scenario

#: 10,000 inside, 14 comfortable days: hungry from day 4 (stock 180,000), empty on day 18.
FALLING = {"world": {"tension": 0.2, "tension_baseline": 0.3, "supplies_person_days": 180_000,
                     "trust": 0.9, "trust_baseline": 0.1},
           "supplies": {"hunger_tension_weight": 0.9, "comfortable_supply_days": 14}}


def _world(overrides=None, stayer_share=0.0, corridor_open=False) -> World:
    tree = {**FALLING, **(overrides or {})}
    sc = scenario({**tree, "outflow": {"stayer_share": stayer_share,
                                       "corridor_open": corridor_open,
                                       "corridor_capacity_per_hour": 100}})
    return World(simpy.Environment(), sc.params)


def _advanced(days: float, calls: int, overrides=None) -> World:
    world = _world(overrides)
    for k in range(1, calls + 1):
        world.advance(days * k / calls)
    return world


def _ode(days: float, steps: int = 20_000) -> float:
    """Tension by a fine Runge-Kutta integration of dT/dt = k (min(1, b + w hunger(t)) - T)."""
    rate, b, w, c, n, s0 = math.log(2) / 5, 0.3, 0.9, 14, 10_000, 180_000

    def slope(t: float, x: float) -> float:
        hunger = 1 - min(1.0, max(0.0, s0 - n * t) / n / c)
        return rate * (min(1.0, b + w * hunger) - x)

    x, h = 0.2, days / steps
    for i in range(steps):
        t = i * h
        k1 = slope(t, x)
        k2 = slope(t + h / 2, x + h / 2 * k1)
        k3 = slope(t + h / 2, x + h / 2 * k2)
        k4 = slope(t + h, x + h * k3)
        x += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x


def test_tension_does_not_depend_on_how_often_the_state_is_brought_up_to_date():
    # a case that once went wrong: after 6 days of falling stock, 1 call gave 0.408 and 240
    # calls 0.430
    once, often = _advanced(6, 1), _advanced(6, 240)
    assert once.tension == pytest.approx(often.tension, abs=1e-12)
    assert once.supplies_person_days == pytest.approx(often.supplies_person_days, rel=1e-12)


@pytest.mark.parametrize("days", [3.0, 6.0, 17.0, 25.0])  # fed; hungry; nearly empty; empty
def test_tension_follows_the_hunger_of_a_falling_stock_exactly(days):
    assert _advanced(days, 1).tension == pytest.approx(_ode(days), abs=1e-9)


def test_tension_reaches_its_ceiling_exactly_when_hunger_would_push_it_above_one():
    overrides = {"world": {**FALLING["world"], "tension_baseline": 0.5}}
    world, fine = _advanced(30, 1, overrides), _advanced(30, 3000, overrides)
    assert world.tension == pytest.approx(fine.tension, abs=1e-12)
    assert 0.9 < world.tension < 1.0


def test_the_series_at_a_record_time_is_what_advance_gives():
    world = _world()
    times = np.array([0.0, 0.5, 3.9, 4.0, 6.0, 11.3, 18.0, 19.5, 30.0])
    series = world.series(times)
    for t, tension, hunger in zip(times, series["tension"], series["hunger"], strict=True):
        later = _advanced(float(t), 1)
        assert tension == pytest.approx(later.tension, abs=1e-15)
        assert hunger == pytest.approx(later.hunger(), abs=1e-15)


def test_trust_relaxes_to_its_anchor_not_to_hunger():
    world = _advanced(30, 1)
    assert world.trust == pytest.approx(0.1 + 0.8 * 0.5, rel=1e-12)  # one half-life of trust


@pytest.mark.parametrize(("total", "counts", "taken"), [
    (10, [50, 30, 20], [5, 3, 2]), (1, [1, 1, 1], [1, 0, 0]), (2, [5, 0, 3], [1, 0, 1]),
    (99, [3, 4], [3, 4]), (0, [3, 4], [0, 0]), (7, [100, 1, 1], [7, 0, 0])])
def test_apportion_takes_whole_people_in_proportion(total, counts, taken):
    assert apportion(total, counts) == taken


def _largest_remainder(total: int, counts: list[int]) -> list[int]:
    """The rule written out: floors, then one more to the largest remainders, earlier first."""
    whole = sum(counts)
    taken = [total * c // whole for c in counts]
    rest = sorted(range(len(counts)), key=lambda i: (-(total * counts[i] % whole), i))
    for i in rest[:total - sum(taken)]:
        taken[i] += 1
    return taken


@pytest.mark.parametrize("groups", [3, 65, 700])
def test_apportion_of_many_groups_follows_the_largest_remainder_rule(groups):
    rng = np.random.default_rng(groups)
    for _ in range(200):
        counts = rng.integers(0, 5_000, groups).tolist()
        counts[rng.integers(groups)] = 3  # ties and small groups
        total = int(rng.integers(1, sum(counts)))
        got = apportion(total, counts)
        assert got == _largest_remainder(total, counts)
        assert sum(got) == total and all(0 <= g <= c for g, c in zip(got, counts, strict=True))
        assert all(type(g) is int for g in got)


def test_evacuations_take_stayers_in_proportion():
    world = _world(stayer_share=0.1)
    assert world.stayers == 1_000
    assert world.evacuate(4_000) == 4_000
    assert (world.stayers, world.residents, world.departed) == (600, 6_000, 4_000)
    assert world.evacuate(10**6) == 6_000 and world.stayers == 0


def _queue(world: World, cohorts: list[tuple[float, int]]) -> None:
    env = world.env
    for day, people in cohorts:
        if day > env.now:
            env.run(until=day)
        world.advance(day)
        world.join_queue(people)


def test_killings_take_residents_stayers_and_each_cohort_queuing_in_proportion():
    world = _world(stayer_share=0.1)
    _queue(world, [(0.1, 2_000), (0.2, 1_000), (0.3, 1_000)])  # 6,000 at home, 4,000 queuing
    assert world.kill(1_000, casualties=2_500) == 1_000
    assert (world.residents, world.waiting, world.stayers, world.killed) == (5_400, 3_600, 900,
                                                                            1_000)
    assert [c[1] for c in world.queue] == [1_800, 900, 900]
    assert world.casualties == 2_500
    assert world.kill(20_000) == 9_000  # more than there are: everyone inside
    assert (world.residents, world.waiting, world.stayers, len(world.queue)) == (0, 0, 0, 0)
    assert world.residents + world.waiting + world.departed + world.killed == 10_000


def test_a_blast_with_a_long_queue_kills_some_who_wait():
    sc = scenario({"outflow": {"base_hazard_per_day": 5.0, "corridor_open": False,
                               "decision_step_hours": 6, "stayer_share": 0.3},
                   "events": [{"name": "fuel depot blast", "day": 2.5, "killed_people": 1_000}]},
                  horizon_days=3).with_values({"record_every_hours": 6})
    s = run_replication(sc, 0, 7).series
    blast = 10  # record time 2.5: the blast is seen at it
    queued, inside = s["waiting"][blast - 1], s["residents"][blast - 1] + s["waiting"][blast - 1]
    assert queued > 6_900  # every household but the stayers decided; nobody could cross
    assert s["waiting"][blast - 1] - s["waiting"][blast] == round(1_000 * queued / inside)
    assert s["killed"][blast] == 1_000
    assert np.all(s["residents"] + s["waiting"] + s["departed"] + s["killed"] == 10_000)


def test_everyone_inside_eats_those_queuing_too():
    world = _world()
    _queue(world, [(0.0, 4_000)])
    world.advance(1.0)
    assert world.supplies_person_days == pytest.approx(180_000 - 10_000, rel=1e-12)


def test_those_who_cross_eat_until_the_moment_they_cross():
    """4,000 queue for 100 an hour: the k-th crosses at k / 2,400 days, so a day eats
    10,000 - sum over k <= 2,400 of (1 - k / 2,400) = 10,000 - 1,199.5 person-days."""
    world = _world(corridor_open=True)
    _queue(world, [(0.0, 4_000)])
    world.advance(0.5)
    world.advance(1.0)  # in two steps: the same as one
    assert (world.waiting, world.departed) == (1_600, 2_400)
    assert world.supplies_person_days == pytest.approx(180_000 - 10_000 + 1_199.5, abs=1e-3)
