"""The ceasefire's and the talks' couplings that mutation testing found unchecked: tension and
deterrence in the incident rate, excitation by several timeline incidents and its half-life,
the caps on deterrence and credibility, the fading memory of incidents in the talks, and the
log the story reads (collapse and each day of fighting)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from sim.model import run_replication
from sim.model.ceasefire import deterrence
from sim.model.commitments import credibility
from sim.model.world import World

from conftest import scenario


def _incidents(sc, n, seed=7):
    return np.array([run_replication(sc, k, seed).outcomes["incidents"] for k in range(n)],
                    dtype=float)


@pytest.mark.parametrize(("weight", "deter", "rate"), [(0, 0, 1.0), (1, 0, 2.0), (1, 0.5, 1.0)])
def test_incidents_come_at_base_times_one_plus_tension_times_one_minus_deterrence(weight, deter,
                                                                                   rate):
    # tension held at 1: base 1 a day x (1 + weight) x (1 - deterrence), for 20 days
    sc = scenario({"ceasefire": {"base_incidents_per_day": 1.0, "tension_incident_weight": weight,
                                 "peacekeeper_deterrence": deter},
                   "world": {"tension": 1.0, "tension_baseline": 1.0, "peacekeepers": 2_000}},
                  horizon_days=20)
    counts = _incidents(sc, 60)
    assert abs(counts.mean() - 20 * rate) < 4 * math.sqrt(20 * rate / counts.size)


def _gunfire(days, half_life=0.5, horizon=30.0):
    return scenario({"ceasefire": {"self_excitation_share": 0.5,
                                   "excitation_half_life_days": half_life},
                     "events": [{"name": f"gunfire {d}", "day": d, "incident": True}
                                for d in days]}, horizon_days=horizon)


def test_each_of_several_timeline_incidents_excites_its_own_offspring():
    # two incidents ten days apart, n = 0.5: each brings n / (1 - n) = 1 more on average
    extra = _incidents(_gunfire([1.5, 11.5]), 400) - 2
    assert abs(extra.mean() - 2.0) < 4 * math.sqrt(2 * 4.0 / extra.size)


def test_the_excitation_fades_with_its_half_life():
    # in the half-life after the incident its direct offspring alone are n / 2 = 0.25 on average
    # (more with theirs); an excitation fading four times slower would give 0.08
    extra = _incidents(_gunfire([1.5], horizon=2.0), 600) - 1
    assert 0.2 < extra.mean() < 0.5


def _world(peacekeepers: float, **negotiation) -> tuple[World, object]:
    sc = scenario({"world": {"peacekeepers": peacekeepers, "monitors": 0.0},
                   "ceasefire": {"peacekeeper_deterrence": 0.5,
                                 "peacekeepers_full_strength_people": 1_000},
                   "negotiation": negotiation})
    return World(simpy.Environment(), sc.params), sc.params


def test_peacekeepers_beyond_full_strength_deter_no_more():
    world, p = _world(3_000)
    assert deterrence(p.ceasefire, world) == 0.5
    world, p = _world(500)
    assert deterrence(p.ceasefire, world) == 0.25


def test_credibility_is_at_most_one():
    world, p = _world(3_000, base_credibility=0.9, enforcement_weight=1.0)
    assert credibility(p.negotiation, p.ceasefire, world) == 1.0


def test_the_memory_of_an_incident_halves_every_half_life_in_the_talks():
    # setbacks only from memory (probability 1 x memory): the first round, about a day after the
    # incident at day 1 (round at day 2.08), is a setback with chance 2^-(elapsed / half-life)
    tree = {"negotiation": {"mean_days_between_rounds": 2.0, "round_gap_shape": 1e6,
                            "setback_per_incident_probability": 1.0,
                            "incident_memory_half_life_days": 1.0},
            "events": [{"name": "gunfire", "day": 1.0, "incident": True}]}
    sc = scenario(tree, horizon_days=2.5)
    hits, chances = [], []
    for k in range(400):
        first = next(r for r in run_replication(sc, k, 3).log if r.kind == "round")
        hits.append(first.what == "setback")
        chances.append(2.0 ** -(first.time_days - 1.0))
    assert abs(np.mean(hits) - np.mean(chances)) < 4 * math.sqrt(0.25 / len(hits))
    assert 0.4 < np.mean(chances) < 0.6  # the round is about one half-life after it


def test_the_log_dates_the_collapse_and_each_day_of_fighting_with_its_toll():
    sc = scenario({"ceasefire": {"base_incidents_per_day": 1e3, "escalation_probability": 1.0,
                                 "mean_casualties_per_incident": 0, "fatal_share": 0.5,
                                 "war_casualties_per_day": 10.0}}, horizon_days=10.5)
    rep = run_replication(sc, 0, 7)
    collapse = [r for r in rep.log if r.kind == "collapse"]
    fighting = [r for r in rep.log if r.kind == "fighting"]
    assert [(r.what, r.amount) for r in collapse] == [("ceasefire collapsed", 1.0)]  # 1 incident
    assert collapse[0].time_days == pytest.approx(rep.outcomes["collapse_day"], abs=1e-6)
    assert [r.time_days - collapse[0].time_days for r in fighting] == pytest.approx(
        [float(d) for d in range(1, 11)])
    assert {r.what for r in fighting} == {"a day of fighting"}
    assert sum(r.amount for r in fighting) == rep.outcomes["casualties"]
    assert sum(int(r.note) for r in fighting) == rep.outcomes["killed_people"] > 0


def _talks(negotiation, events=(), horizon=60, seed=3):
    """One issue, one round a day from day 1 (each 2 hours), concessions `mean` a round."""
    tree = {"negotiation": {"mean_days_between_rounds": 1, "round_gap_shape": 1e6,
                            "settle_gap": 0.1, "min_progress_share": 0.0, **negotiation},
            "events": list(events)}
    return run_replication(scenario(tree, horizon_days=horizon), 0, seed)


@pytest.mark.parametrize(("gap", "held"), [(0.3, 4), (0.9, 5)])
def test_a_setback_widens_the_gap_by_its_share_up_to_the_whole(gap, held):
    # 20 incidents just before the first round (memory half-life 1.2 hours) make it a setback
    # for sure, and the later rounds free of it. The gap doubles (widening share 1), at most to
    # 1, then halves each round to below 0.1: 0.3 -> 0.6 -> 3 more rounds; 0.9 -> 1 -> 4 more
    rep = _talks({"issues": {"only": gap}, "mean_concession_share": 0.5,
                  "setback_widening_share": 1.0, "setback_per_incident_probability": 1.0,
                  "incident_memory_half_life_days": 0.05},
                 events=[{"name": f"gunfire {i}", "day": 1.0, "incident": True}
                         for i in range(20)])
    results = [r.what for r in rep.log if r.kind == "round"]
    assert results[0] == "setback" and "setback" not in results[1:]
    assert rep.outcomes["agreement"] and rep.outcomes["rounds_held"] == held


@pytest.mark.parametrize(("concession", "least", "held"), [(0.1, 0.09, 20), (0.05, 0.09, 0),
                                                          (0.5, 0.5, 4)])
def test_a_round_is_productive_when_the_gaps_close_by_the_minimum_share(concession, least, held):
    # concessions of 0.1 against a minimum progress of 0.09 are productive (agreement after 20
    # rounds), of 0.05 not, and one unproductive round breaks the talks off; halving the gap is
    # exactly the minimum 0.5 (productive); 0.8 halves to 0.1, not below the settle gap 0.1,
    # so it settles in the 4th round
    rep = _talks({"issues": {"only": 0.8}, "mean_concession_share": concession,
                  "min_progress_share": least, "max_unproductive_rounds": 1})
    results = [r.what for r in rep.log if r.kind == "round"]
    assert rep.outcomes["agreement"] is (held > 0)
    assert results == (["productive"] * held if held else ["unproductive"])


def test_a_concession_takes_at_most_95_percent_of_a_gap():
    # full concessions (mean 1, no spread) leave 5% of the gap: 1 -> 0.05 -> 0.0025 (below 0.01)
    rep = _talks({"issues": {"only": 1.0}, "mean_concession_share": 1.0, "settle_gap": 0.01})
    assert rep.outcomes["agreement"] and rep.outcomes["rounds_held"] == 2


def test_each_issue_draws_its_own_chance_to_settle():
    # four issues, each settled in a round with probability 0.5 whatever its gap: the first
    # round settles 0 to 4 of them, binomially, not all or none together
    firsts = [next(r.amount for r in _talks(
        {"issues": {k: 0.8 for k in "abcd"}, "settle_probability": 0.5}, horizon=3,
        seed=k).log if r.kind == "round") for k in range(40)]
    assert {1.0, 2.0, 3.0} <= set(firsts)


@pytest.mark.parametrize("shape", [0.5, 4.0])
def test_concessions_spread_around_their_mean_by_the_gamma_shape(shape):
    # mean concession 0.1 a round with a gamma spread of mean 1: about 20 rounds, more or fewer
    # from one replication to the next
    held = [_talks({"issues": {"only": 0.8}, "mean_concession_share": 0.1,
                    "concession_shape": shape}, horizon=200, seed=k).outcomes["rounds_held"]
            for k in range(30)]
    assert len(set(held)) > 3
    assert 8 < np.median(held) < 40


def test_the_log_dates_each_incident_with_its_casualties_and_killed():
    sc = scenario({"ceasefire": {"base_incidents_per_day": 2.0, "mean_casualties_per_incident": 3,
                                 "fatal_share": 0.5}}, horizon_days=20)
    rep = run_replication(sc, 0, 7)
    incidents = [r for r in rep.log if r.kind == "incident"]
    assert len(incidents) == rep.outcomes["incidents"] > 20
    assert {r.what for r in incidents} == {"incident"}
    times = [r.time_days for r in incidents]
    assert times == sorted(times) and times[0] > 0 and times[-1] < 20
    assert sum(r.amount for r in incidents) == rep.outcomes["casualties"]
    assert sum(int(r.note) for r in incidents) == rep.outcomes["killed_people"] > 0


@pytest.mark.parametrize("road_open", [True, False])
def test_convoys_come_at_their_rate_and_the_log_says_which_arrived(road_open):
    sc = scenario({"supplies": {"convoys_per_day": 0.5, "convoy_person_days": 7_000.0,
                                "aid_access_open": road_open}}, horizon_days=100)
    log = [r for r in run_replication(sc, 0, 7).log if r.kind == "convoy"]
    assert abs(len(log) - 50) < 4 * math.sqrt(50)
    times = [r.time_days for r in log]
    assert times == sorted(times) and times[0] > 0
    what, amount = ("arrived", 7_000.0) if road_open else ("turned back", 0.0)
    assert {(r.what, r.amount) for r in log} == {(what, amount)}
