"""Each term of the decision hazard against its closed form, the 1 - exp(-h dt) chance, stayers,
the households' gamma frailty, and the queue-only null model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import run_replication
from sim.model.frailty import step_chance, surviving_share

from conftest import scenario

SIZE = 3.5
N = 70_000  # 20,000 households


def _decided(outflow: dict, days: float = 4, world: dict | None = None, seed: int = 5,
             events: list | None = None) -> tuple[float, dict]:
    """The share of households that decided within `days` (the road closed: all still queue)."""
    sc = scenario({"outflow": {"corridor_open": False, "stayer_share": 0.0,
                               "household_size_people": SIZE, **outflow},
                   "world": {"population_people": N, **(world or {})},
                   "supplies": {"hunger_tension_weight": 0},
                   "events": events or []}, horizon_days=days + 0.5)  # a step on `days`
    rep = run_replication(sc, 0, seed)
    return rep.outcomes["max_waiting_people"] / SIZE / (N // SIZE), rep.outcomes


def _binomial_tolerance(p: float, households: float = N // SIZE) -> float:
    return 5 * math.sqrt(p * (1 - p) / households)


@pytest.mark.parametrize(("outflow", "world", "hazard"), [
    ({"tension_hazard_per_day": 0.4}, {"tension": 0.5, "tension_baseline": 0.5}, 0.2),
    ({"distrust_hazard_per_day": 0.4}, {"trust": 0.25, "trust_baseline": 0.25}, 0.3),
    ({"hunger_hazard_per_day": 0.3}, {"supplies_person_days": 0}, 0.3),  # nothing: hunger 1
    ({"base_hazard_per_day": 0.1}, {}, 0.1),
], ids=["tension", "distrust", "hunger", "base"])
def test_each_term_of_the_hazard_decides_households_at_its_closed_form_rate(outflow, world,
                                                                            hazard):
    share, _ = _decided(outflow, world=world)
    expected = 1 - math.exp(-hazard * 4)
    assert share == pytest.approx(expected, abs=_binomial_tolerance(expected))


def test_the_chance_in_a_step_is_one_minus_exp_of_the_hazard_not_the_hazard():
    # one daily step at hazard 0.8: 1 - exp(-0.8) = 0.551 decide, not 0.8
    share, _ = _decided({"base_hazard_per_day": 0.8, "decision_step_hours": 24}, days=1)
    assert share == pytest.approx(1 - math.exp(-0.8), abs=_binomial_tolerance(0.55))


def test_neighbours_follow_the_departed_share_not_the_queue():
    # half the people are evacuated at the start; nobody can cross after them, so the departed
    # share stays 1/2 and the neighbours hazard 0.4 x 1/2 (the queue growing behind the closed
    # road does not count)
    share, out = _decided({"neighbours_hazard_per_day": 0.4}, world={"population_people": N},
                          events=[{"name": "evacuation", "day": 0, "evacuate_people": N // 2}])
    households = (N // 2) // SIZE
    expected = 1 - math.exp(-0.2 * 4)
    decided = out["max_waiting_people"] / SIZE / households
    assert share < 0.5 and decided == pytest.approx(
        expected, abs=_binomial_tolerance(expected, households))


def test_stayers_never_leave_and_share_evacuations_in_proportion():
    sc = scenario({"outflow": {"base_hazard_per_day": 20, "stayer_share": 0.1,
                               "household_size_people": 1,
                               "corridor_capacity_per_hour": 10_000},
                   "events": [{"name": "evacuation", "day": 0.01, "evacuate_people": 5_000}]},
                  horizon_days=10)
    out = run_replication(sc, 0, 2).outcomes
    assert out["stayed_people"] == 500  # 1,000 stayers, half of them evacuated
    assert out["departed_people"] == 9_500


@pytest.mark.parametrize("shape", [0.5, 2.0, 10.0])
def test_the_chances_of_the_steps_multiply_to_the_gamma_survival(shape):
    """Surviving step after step with the chance given the hazard so far is surviving the
    whole hazard at once: (1 + H/shape)^-shape, whatever the steps (the posterior is exact)."""
    steps = np.random.default_rng(3).exponential(0.4, 40)
    undecided, cumulative = 1.0, 0.0
    for h in steps:
        undecided *= 1 - step_chance(shape, cumulative, h)
        cumulative += h
        assert undecided == pytest.approx((1 + cumulative / shape) ** -shape, rel=1e-12)
        assert surviving_share(shape, cumulative) == pytest.approx(undecided, rel=1e-12)
    # the frail go first: the same step is less likely the more hazard came before it
    assert step_chance(shape, 0.0, 0.1) > step_chance(shape, 1.0, 0.1) > step_chance(shape, 5, 0.1)
    # the mean frailty is 1: a first small step is as likely as for households all alike
    assert step_chance(shape, 0.0, 1e-6) == pytest.approx(1 - math.exp(-1e-6), rel=1e-5)


def test_households_all_alike_decide_with_one_minus_exp_of_the_hazard():
    assert step_chance(math.inf, 3.0, 0.2) == pytest.approx(1 - math.exp(-0.2), rel=1e-15)
    assert surviving_share(math.inf, 2.0) == pytest.approx(math.exp(-2.0), rel=1e-15)


def test_heterogeneous_households_decide_early_then_a_reluctant_core_stays():
    rate, shape = 0.3, 0.5
    days = np.arange(1, 21, dtype=float)

    def undecided(outflow: dict) -> np.ndarray:
        sc = scenario({"outflow": {"corridor_open": False, "stayer_share": 0.0,
                                   "base_hazard_per_day": rate, **outflow},
                       "world": {"population_people": N}}, horizon_days=20)
        waiting = run_replication(sc, 0, 4).series["waiting"][1:]
        return 1 - waiting / SIZE / (N // SIZE)

    alike, differ = undecided({}), undecided({"hazard_heterogeneity": shape})
    tol = 5 * math.sqrt(0.25 / (N // SIZE))
    assert alike == pytest.approx(np.exp(-rate * days), abs=tol)
    assert differ == pytest.approx((1 + rate * days / shape) ** -shape, abs=tol)
    # the mean frailty is 1, so on the first day the population's rate is near the alike one;
    # the frail leave first, and the rate of those left falls: a reluctant core remains
    first = (-math.log(differ[0]), -math.log(alike[0]))
    late = (-math.log(differ[-1] / differ[-6]) / 5, -math.log(alike[-1] / alike[-6]) / 5)
    assert first[0] > 0.75 * first[1]
    assert late[0] < 0.25 * late[1]
    # closed form of the gamma: the population's hazard at cumulative H is h / (1 + H / shape)
    assert late[0] == pytest.approx(rate / (1 + rate * 17.5 / shape), rel=0.3)


def test_heterogeneity_must_be_positive():
    with pytest.raises(ValueError, match="hazard_heterogeneity"):
        scenario({"outflow": {"hazard_heterogeneity": 0.0}})


def _null(capacity: float, events: list, stayer_share: float = 0.02, open_: bool = False):
    sc = scenario({"outflow": {"mode": "queue", "corridor_open": open_,
                               "corridor_capacity_per_hour": capacity,
                               "stayer_share": stayer_share,
                               "tension_hazard_per_day": 5.0},  # ignored by the null model
                   "events": events}, horizon_days=10).with_values({"record_every_hours": 1})
    return run_replication(sc, 0, 1)


@pytest.mark.parametrize("capacity", [250.0, 300.0, 333.3])
def test_null_model_half_leave_at_the_queue_closed_form(capacity):
    """With N people, E evacuated before the road opens on day d0 and a constant capacity c an
    hour, everyone else but the stayers queues at d0 and half have left on day
    d0 + (N/2 - E) / c / 24 (the k-th person crosses when the capacity accrued reaches k)."""
    n, evacuated, opens = 10_000, 1_000, 2.0
    rep = _null(capacity, [{"name": "evacuation", "day": 1, "evacuate_people": evacuated},
                           {"name": "road opens", "day": opens, "set": {"corridor_open": True}}])
    hours = (n / 2 - evacuated) / capacity
    assert rep.outcomes["day_half_departed"] == pytest.approx(opens + hours / 24, abs=1e-6)
    assert rep.outcomes["stayed_people"] == 200 - 20  # stayers evacuated in proportion
    assert rep.outcomes["departed_people"] == n - 180
    assert rep.outcomes["max_waiting_people"] == n - evacuated - 180
    # everyone queued at once, served c an hour: the ceil(0.9 Q)-th person waited that over c
    queued = n - evacuated - 180
    assert rep.outcomes["p90_wait_hours"] == pytest.approx(math.ceil(0.9 * queued) / capacity,
                                                           abs=1e-6)


def test_null_model_with_the_road_open_from_the_start():
    rep = _null(250.0, [], open_=True)
    assert rep.outcomes["day_half_departed"] == pytest.approx(5_000 / 250 / 24, abs=1e-6)
    assert rep.outcomes["departed_share"] == 0.98
    assert rep.outcomes["p90_wait_hours"] == pytest.approx(0.9 * 9_800 / 250, abs=1e-6)


def test_trust_at_the_horizon_and_nobody_crossing_censors_the_wait():
    sc = scenario({"world": {"trust": 0.9, "trust_baseline": 0.1, "trust_half_life_days": 30},
                   "outflow": {"corridor_open": False, "base_hazard_per_day": 1.0}},
                  horizon_days=30)
    out = run_replication(sc, 0, 1).outcomes
    assert out["trust_at_end"] == pytest.approx(0.5, rel=1e-12)
    assert out["p90_wait_hours"] is None and out["mean_wait_hours"] is None
    assert out["stayed_people"] + out["max_waiting_people"] == 10_000
