"""Every term coupling the talks, the ceasefire and the timeline to another mechanism: each test
fails when its term is removed from the model (tried by deleting the term)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import run_replication

from conftest import scenario


def _outcomes(sc, n, seed=7):
    return [run_replication(sc, k, seed).outcomes for k in range(n)]


def _rounds(overrides, horizon=100):
    """Rounds held until agreement with deterministic concessions, one round a day."""
    base = {"negotiation": {"mean_days_between_rounds": 1, "round_gap_shape": 1e6,
                            "settle_gap": 0.1, "issues": {"only": 0.8}}}
    for key, value in overrides.items():
        base[key] = {**base.get(key, {}), **value} if isinstance(value, dict) else value
    out = run_replication(scenario(base, horizon_days=horizon), 0, 3).outcomes
    assert out["agreement"]
    return out["rounds_held"]


def _closed_form(mean, gap=0.8, settle=0.1):
    return math.ceil(math.log(settle / gap) / math.log(1 - mean))


def test_mediator_pressure_and_tension_scale_concessions():
    # mean = 0.1 x pressure 2 x (1 - 0.5 x tension 0.5) = 0.15: 13 rounds (27 without the
    # mediator term, 10 without the tension term)
    rounds = _rounds({"negotiation": {"mean_concession_share": 0.1,
                                      "tension_concession_weight": 0.5},
                      "world": {"mediator_pressure": 2.0}})
    assert rounds == _closed_form(0.15) == 13


def test_departed_share_is_the_separatists_leverage():
    # half the people evacuated on day 0: mean = 0.2 x (1 + 1 x 0.5) = 0.3, 6 rounds (10 without)
    evacuated = {"events": [{"name": "evacuation", "day": 0, "evacuate_people": 5_000}]}
    tree = {"negotiation": {"mean_concession_share": 0.2, "departed_leverage_weight": 1.0}}
    rounds = _rounds(tree | evacuated)
    assert rounds == _closed_form(0.3) == 6


def test_people_still_waiting_give_no_leverage():
    # everyone queues on day 0 behind a closed corridor: nobody has left, mean = 0.2: 10 rounds
    rounds = _rounds({"negotiation": {"mean_concession_share": 0.2,
                                      "departed_leverage_weight": 1.0},
                      "outflow": {"corridor_open": False, "base_hazard_per_day": 1e3,
                                  "stayer_share": 0.0, "decision_step_hours": 1}})
    assert rounds == _closed_form(0.2) == 10


def test_incidents_to_collapse_follow_deterrence_and_tension_in_escalation():
    # escalation per incident = 0.1 x (1 + 1 x tension 0.5) x (1 - deterrence 0.5) = 0.075:
    # incidents up to collapse are geometric with mean 13.3 (6.7 without the deterrence term,
    # 20 without the tension term)
    sc = scenario({"ceasefire": {"base_incidents_per_day": 5.0, "escalation_probability": 0.1,
                                 "tension_escalation_weight": 1.0, "peacekeeper_deterrence": 0.5,
                                 "mean_casualties_per_incident": 0, "war_casualties_per_day": 0},
                   "world": {"peacekeepers": 2_000}}, horizon_days=60)
    outs = _outcomes(sc, 300)
    assert all(o["ceasefire_collapsed"] for o in outs)
    counts = np.array([o["incidents"] for o in outs], dtype=float)
    p = 0.075
    se = math.sqrt((1 - p) / p**2 / counts.size)
    assert abs(counts.mean() - 1 / p) < 4 * se


def _war(extra=None, horizon=21):
    """Collapse within minutes (every incident escalates), then war to the horizon."""
    tree = {"ceasefire": {"base_incidents_per_day": 1e3, "escalation_probability": 1.0,
                          "mean_casualties_per_incident": 0, "fatal_share": 0.0,
                          "war_casualties_per_day": 10.0}}
    return scenario(tree | (extra or {}), horizon_days=horizon)


def test_war_brings_daily_casualties_in_proportion_to_those_inside():
    full = np.array([o["casualties"] for o in _outcomes(_war(), 100)], dtype=float)
    assert abs(full.mean() - 10 * 20) < 4 * math.sqrt(200 / full.size)
    # half the people evacuated before: half the casualties
    half = _war({"events": [{"name": "evacuation", "day": 0, "evacuate_people": 5_000}]})
    halved = np.array([o["casualties"] for o in _outcomes(half, 100)], dtype=float)
    assert abs(halved.mean() - 5 * 20) < 4 * math.sqrt(100 / halved.size)


def test_no_convoy_arrives_during_war():
    sc = _war({"supplies": {"convoys_per_day": 5.0}})
    for k in range(20):
        rep = run_replication(sc, k, 7)
        collapse = rep.outcomes["collapse_day"]
        arrived = [r.time_days for r in rep.log if r.kind == "convoy" and r.what == "arrived"]
        turned = [r for r in rep.log if r.kind == "convoy" and r.what == "turned back"]
        assert all(day < collapse for day in arrived)
        assert len(turned) > 50  # about 5 a day for 20 days were sent


def test_a_timeline_incident_makes_setbacks_likelier():
    # setbacks only from incidents, remembered for ever: after the timeline's incident every
    # round is a setback and nothing is settled; without it the talks agree in 10 rounds
    tree = {"negotiation": {"mean_days_between_rounds": 1, "round_gap_shape": 1e6,
                            "mean_concession_share": 0.2, "setback_per_incident_probability": 1.0,
                            "incident_memory_half_life_days": 1e6},
            "events": [{"name": "gunfire", "day": 0, "incident": True, "casualties": 2}]}
    rep = run_replication(scenario(tree, horizon_days=20), 0, 3)
    results = [r.what for r in rep.log if r.kind == "round"]
    assert rep.outcomes["incidents"] == 1 and rep.outcomes["casualties"] == 2
    assert results and set(results) == {"setback"}


def test_a_timeline_incident_excites_further_incidents():
    # no random incidents of their own: one timeline incident with self-excitation share n = 0.5
    # brings n / (1 - n) = 1 more on average (a branching process); none without its excitation
    sc = scenario({"ceasefire": {"self_excitation_share": 0.5, "excitation_half_life_days": 0.5},
                   "events": [{"name": "gunfire", "day": 1.5, "incident": True}]},
                  horizon_days=30)
    extra = np.array([o["incidents"] - 1 for o in _outcomes(sc, 600)], dtype=float)
    # offspring total of a Galton-Watson process with Poisson(n) children: variance n / (1-n)^3
    assert abs(extra.mean() - 1.0) < 4 * math.sqrt(4.0 / extra.size)


def trust_on_day(negotiation, world=None, day=2, horizon=3, events=()):
    """Trust on a day (record every day), one round a day from day 1 (done 2 hours later)."""
    tree = {"negotiation": {"mean_days_between_rounds": 1, "round_gap_shape": 1e6,
                            "trust_per_productive_round": 0.0, **negotiation},
            "world": {"trust_half_life_days": 1e6, **(world or {})}, "events": list(events)}
    return float(run_replication(scenario(tree, horizon_days=horizon), 0, 3).series["trust"][day])


def test_each_settled_issue_adds_trust():
    # two issues settle in the first round (0.5 x (1 - 0.85) < 0.1), the third does not
    # (0.9 x 0.15): trust 0.5 + 2 x 0.04 on day 2 (trust held by a long half-life)
    tree = {"issues": {"a": 0.5, "b": 0.5, "c": 0.9}, "mean_concession_share": 0.85,
            "trust_per_settled_issue": 0.04}
    assert trust_on_day(tree) == pytest.approx(0.58, abs=1e-6)
