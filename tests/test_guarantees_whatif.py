"""What would have kept people? Credible guarantees early in the talks against the same
scenario without talks, and against the same guarantees given late (200 paired runs each)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import run_replication
from sim.scenario import load

from conftest import ROOT

RUNS, SEED = 200, 2023


def _outcomes(sc):
    return [run_replication(sc, k, SEED).outcomes for k in range(RUNS)]


def _shares(outs):
    return np.array([o["departed_share"] for o in outs])


def _interval(diff):
    """95% interval of a mean paired difference (normal approximation)."""
    half = 1.96 * diff.std(ddof=1) / np.sqrt(diff.size)
    return diff.mean() - half, diff.mean() + half


@pytest.fixture(scope="module")
def early():
    return load(ROOT / "scenarios" / "credible_guarantees.toml")


@pytest.fixture(scope="module")
def early_outcomes(early):
    return _outcomes(early)


def test_credible_guarantees_keep_people_compared_with_no_talks(early, early_outcomes):
    # measured: 2.1 points fewer leave (95% interval 1.7 to 2.5) with 200 runs
    without = _shares(_outcomes(early.with_values({"negotiation.talks_held": False})))
    _, high = _interval(_shares(early_outcomes) - without)
    assert high < 0


def test_early_guarantees_keep_more_people_than_late_ones(early, early_outcomes):
    # late: security and amnesty as far apart as in the baseline, the monitors on days 10-11;
    # measured: 0.5 points fewer leave with early guarantees (95% interval 0.4 to 0.6)
    late = early.with_values({"negotiation.issues.security_guarantees.gap": 0.7,
                              "negotiation.issues.amnesty.gap": 0.8,
                              "events.1.day": 10, "events.2.day": 11})
    _, high = _interval(_shares(early_outcomes) - _shares(_outcomes(late)))
    assert high < 0


@pytest.mark.xfail(strict=True, reason=(
    "not reached yet: with every household alike, any hazard above about 0.023 a day for 30 "
    "days ends in exodus, and fear, hunger and distrust at trust 0.15 give about 0.25 a day "
    "before the first rounds; even an agreement on day 0 with full credibility, calm and food "
    "leaves 80% gone. Households that differ (hazard_heterogeneity) make a reluctant core: a "
    "prototype with gamma frailty (shape 1) still gave 0% here (77-80% left)"))
def test_credible_guarantees_sometimes_end_in_reintegration(early_outcomes):
    share = np.mean([o["end_state"] == "reintegration" for o in early_outcomes])
    assert share > 0
