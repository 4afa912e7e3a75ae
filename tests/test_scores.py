"""Proper scores against closed forms, and a forecast of data drawn from the model itself:
coverage near nominal and PIT near uniform."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest

import sim
from sim.fitting.observed import Observed
from sim.fitting.scores import crps, interval_scores, pit
from sim.fitting.validate import report, validate

from conftest import START, scenario


def test_crps_of_one_member_is_the_absolute_error() -> None:
    assert crps(np.array([[3.0, 10.0]]), np.array([1.0, 12.0])) == pytest.approx([2.0, 2.0])


def test_crps_of_a_normal_ensemble_is_the_closed_form() -> None:
    """CRPS(N(0,1), y) = y (2 Phi(y) - 1) + 2 phi(y) - 1/sqrt(pi) (Gneiting and Raftery 2007)."""
    from scipy.stats import norm

    members = norm.ppf((np.arange(20_000) + 0.5) / 20_000)[:, None] * np.ones((1, 3))
    y = np.array([0.0, 1.0, -2.5])
    exact = y * (2 * norm.cdf(y) - 1) + 2 * norm.pdf(y) - 1 / math.sqrt(math.pi)
    assert crps(members, y) == pytest.approx(exact, abs=1e-3)


def test_interval_score_is_width_plus_the_penalty_outside() -> None:
    members = np.linspace(0, 100, 100_001)[:, None]  # quantile q is 100 q
    for value, band90 in ((50.0, 90.0), (0.0, 90 + 2 / 0.1 * 5), (100.0, 90 + 2 / 0.1 * 5)):
        got = interval_scores(members, np.array([value]))
        assert got["90%"][0] == pytest.approx(band90, rel=1e-4)
    assert interval_scores(members, np.array([80.0]))["50%"][0] == pytest.approx(
        50 + 2 / 0.5 * 5, rel=1e-4)


def test_pit_counts_ties_half() -> None:
    assert pit(np.array([[1.0], [2.0], [2.0], [3.0]]), np.array([2.0])) == pytest.approx([0.5])


def _truths_and_forecast() -> tuple[sim.Ensemble, sim.Ensemble]:
    """A road whose throughput walks at random: a forecast ensemble and, run with another seed,
    replications taken as what happened."""
    sc = scenario({"outflow": {"mode": "queue", "stayer_share": 0.0,
                               "corridor_capacity_per_hour": 300, "throughput": "random_walk",
                               "throughput_walk_sd_per_sqrt_day": 0.5,
                               "throughput_step_hours": 6},
                   "world": {"population_people": 1_000_000}}, horizon_days=4)
    forecast = sim.run(sc, runs=300, seed=1, workers=1, progress=False)
    truths = sim.run(sc, runs=120, seed=2, workers=1, progress=False)
    return forecast, truths


def test_a_forecast_of_data_drawn_from_the_model_is_calibrated() -> None:
    forecast, truths = _truths_and_forecast()
    days = np.array([1.0, 2.0, 3.0])
    column = np.searchsorted(truths.time_days, days)
    pits, inside = [], {"50%": [], "90%": []}
    for row in np.asarray(truths.series["departed"])[:, column]:
        obs = Observed("truth", "departed", tuple(START + timedelta(days=float(d)) for d in days),
                       tuple(days.tolist()), tuple(float(x) for x in row))
        v = validate(forecast, obs)
        pits.extend(v.scores["pit"])
        for band in inside:
            inside[band].extend(v.inside[band])
    n = len(pits)
    for band, nominal in (("50%", 0.5), ("90%", 0.9)):  # 360 points, not independent by row
        assert np.mean(inside[band]) == pytest.approx(nominal, abs=4.5 * math.sqrt(
            nominal * (1 - nominal) / (n / 3)))
    counts = np.histogram(pits, bins=5, range=(0, 1))[0]
    assert counts.min() > n / 5 * 0.55 and counts.max() < n / 5 * 1.45
    assert "Mean CRPS" in report(v) and "PIT" in report(v)


def test_a_biased_forecast_scores_worse_and_its_pit_piles_up() -> None:
    forecast, truths = _truths_and_forecast()
    at = np.searchsorted(forecast.time_days, 2.0)
    truth = np.asarray(truths.series["departed"])[:, at]
    good = np.asarray(forecast.series["departed"])[:, [at]]
    high = 1.5 * good
    assert np.mean([crps(good, [t])[0] for t in truth]) < np.mean(
        [crps(high, [t])[0] for t in truth])
    assert np.mean([pit(high, [t])[0] for t in truth]) < 0.3
