"""Each special case of the model against its closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.model import run_replication

from conftest import scenario


def _runs(sc, n, seed=11, key="rounds_held"):
    return np.array([run_replication(sc, k, seed).outcomes[key] for k in range(n)], dtype=float)


@pytest.mark.parametrize(("gap", "c", "settle"), [(0.8, 0.2, 0.1), (0.5, 0.1, 0.05),
                                                  (0.95, 0.33, 0.2), (0.3, 0.05, 0.1)])
def test_deterministic_concessions_settle_after_closed_form_rounds(gap, c, settle):
    sc = scenario({"negotiation": {"issues": {"only": gap}, "mean_concession_share": c,
                                   "settle_gap": settle, "mean_days_between_rounds": 1}},
                  horizon_days=200)
    expected = math.ceil(math.log(settle / gap) / math.log(1 - c))
    for k in range(3):
        out = run_replication(sc, k, 5).outcomes
        assert out["rounds_held"] == expected
        assert out["agreement"] and out["issues_settled"] == 1
        assert out["end_state"] == "reintegration"


@pytest.mark.slow
def test_fixed_settle_probability_gives_geometric_rounds():
    p = 0.25
    sc = scenario({"negotiation": {"settle_probability": p, "mean_days_between_rounds": 0.5}},
                  horizon_days=200)
    rounds = _runs(sc, 1500)
    se = math.sqrt(1 - p) / p / math.sqrt(rounds.size)
    assert abs(rounds.mean() - 1 / p) < 4 * se
    # the whole distribution, not just its mean: P(R = k) = (1 - p)^(k-1) p
    k = np.arange(1, 9)
    observed = np.array([(rounds == v).sum() for v in k] + [(rounds > 8).sum()])
    expected = np.append((1 - p) ** (k - 1) * p, (1 - p) ** 8) * rounds.size
    assert stats.chisquare(observed, expected).pvalue > 1e-3


def test_incidents_without_self_excitation_are_poisson():
    rate, horizon = 0.8, 50
    sc = scenario({"ceasefire": {"base_incidents_per_day": rate}}, horizon_days=horizon)
    counts = _runs(sc, 800, key="incidents")
    mean = rate * horizon
    assert abs(counts.mean() - mean) < 4 * math.sqrt(mean / counts.size)
    assert 0.85 < counts.var(ddof=1) / counts.mean() < 1.15  # dispersion index of a Poisson


def test_deterrence_thins_incidents_exactly():
    rate, horizon, deterrence = 1.0, 40, 0.6
    sc = scenario({"ceasefire": {"base_incidents_per_day": rate,
                                 "peacekeeper_deterrence": deterrence,
                                 "tension_incident_weight": 1.0},
                   "world": {"tension": 0.5, "tension_baseline": 0.5, "peacekeepers": 4000}},
                  horizon_days=horizon)
    counts = _runs(sc, 600, key="incidents")
    mean = rate * 1.5 * (1 - deterrence) * horizon
    assert abs(counts.mean() - mean) < 4 * math.sqrt(mean / counts.size)


def test_self_excitation_raises_the_mean_rate_to_mu_over_one_minus_n():
    rate, n, horizon = 0.5, 0.5, 200
    sc = scenario({"ceasefire": {"base_incidents_per_day": rate, "self_excitation_share": n,
                                 "excitation_half_life_days": 0.5}}, horizon_days=horizon)
    counts = _runs(sc, 300, key="incidents")
    expected = rate * horizon / (1 - n)
    # a Hawkes count has variance about mean / (1 - n)^2
    assert abs(counts.mean() - expected) < 4 * math.sqrt(expected / (1 - n) ** 2 / counts.size)
    assert counts.var(ddof=1) / counts.mean() > 2  # violence clusters: overdispersed


@pytest.mark.slow
def test_time_to_collapse_is_exponential_with_rate_base_times_escalation():
    rate, q = 0.5, 0.1
    sc = scenario({"ceasefire": {"base_incidents_per_day": rate, "escalation_probability": q}},
                  horizon_days=400)
    days = _runs(sc, 600, key="collapse_day")
    assert not np.isnan(days).any()  # e^-20 chance of surviving the horizon
    assert stats.kstest(days, stats.expon(scale=1 / (rate * q)).cdf).pvalue > 1e-3


def test_collapse_ends_the_talks_and_sets_tension_to_one():
    sc = scenario({"ceasefire": {"base_incidents_per_day": 2, "escalation_probability": 1},
                   "negotiation": {"mean_days_between_rounds": 3}}, horizon_days=20)
    rep = run_replication(sc, 0, 1)
    assert rep.outcomes["ceasefire_collapsed"] and rep.outcomes["talks_broken"]
    assert rep.outcomes["end_state"] == "renewed_war"
    after = np.arange(rep.series["tension"].size) >= math.ceil(rep.outcomes["collapse_day"])
    assert np.allclose(rep.series["tension"][after], 1.0)
