"""The ceasefire where mutation testing found it loosely checked: how fast the excitation of the
timeline's incidents fades, what it carries from one to the next, and the incident rate when
tension is below 1."""

from __future__ import annotations

import math

import numpy as np

from sim.model import run_replication

from conftest import scenario


def _extra(days, share, half_life, horizon, runs=200):
    """Incidents beyond the timeline's own (no random incidents of their own) in each run."""
    sc = scenario({"ceasefire": {"self_excitation_share": share,
                                 "excitation_half_life_days": half_life},
                   "events": [{"name": f"gunfire {i}", "day": d, "incident": True}
                              for i, d in enumerate(days)]}, horizon_days=horizon)
    return np.array([run_replication(sc, k, 7).outcomes["incidents"] - len(days)
                     for k in range(runs)], dtype=float)


def test_offspring_within_one_half_life_follow_the_hawkes_closed_form():
    # 20 incidents at once, n = 0.5: the expected count of their offspring (all generations)
    # by time t is 20 n / (1 - n) (1 - exp(-(1 - n) ln 2 t / half-life)); one half-life later
    # 20 (1 - 2^-0.5) = 5.86 (8.45 if the excitation faded at ln 3 a half-life)
    extra = _extra([1.0] * 20, 0.5, 1.0, 2.0)
    expected = 20 * (1 - 2 ** -0.5)
    assert abs(extra.mean() - expected) < 4 * extra.std() / math.sqrt(extra.size)
    assert abs(extra.mean() - expected) < 1.0


def test_the_excitation_a_timeline_incident_finds_has_faded_since_the_last_incident():
    # 20 incidents a half-life apart, n = 0.5: each brings n / (1 - n) = 1 more on average in
    # the end, whatever is left of the excitation of the ones before when it comes
    extra = _extra([1.0 + i for i in range(20)], 0.5, 1.0, 60.0)
    assert abs(extra.mean() - 20.0) < 4 * extra.std() / math.sqrt(extra.size)
    assert abs(extra.mean() - 20.0) < 2.5


def test_incidents_come_at_base_times_one_plus_the_weight_times_tension_below_its_ceiling():
    # tension held at 0.5, weight 1: 1 x (1 + 1 x 0.5) = 1.5 a day for 20 days (not 1 + 1 / 0.5)
    sc = scenario({"ceasefire": {"base_incidents_per_day": 1.0, "tension_incident_weight": 1.0},
                   "world": {"tension": 0.5, "tension_baseline": 0.5}}, horizon_days=20)
    counts = np.array([run_replication(sc, k, 7).outcomes["incidents"] for k in range(60)],
                      dtype=float)
    assert abs(counts.mean() - 30) < 4 * math.sqrt(30 / counts.size)
