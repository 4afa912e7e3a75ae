"""The statistics of comparisons, against published values, scipy and textbook cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from sim.runs.stats import MIN_PRESENT, difference, ks, mean_interval, median_interval, wilson


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    # Newcombe (1998), Statistics in Medicine 17:857, table II, method 3 (Wilson score)
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
    # the same formula at 0, half and all of 10
    (0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0)])
def test_wilson_matches_published_values(k: int, n: int, low: float, high: float) -> None:
    assert wilson(k, n) == pytest.approx((low, high), abs=5e-5)


def test_wilson_closed_form() -> None:
    z = sps.norm.ppf(0.975)
    for k, n in [(3, 17), (40, 41), (250, 500)]:
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        assert wilson(k, n) == pytest.approx((centre - half, centre + half), abs=1e-9)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_paired_difference_agrees_with_the_paired_t_interval() -> None:
    a = rng(1).normal(10, 3, 400)
    b = a + 0.5 + rng(2).normal(0, 0.4, 400)  # strongly correlated, like common random numbers
    d, low, high = difference(a, b, paired=True, rng=rng())
    t = sps.ttest_rel(b, a).confidence_interval(0.95)
    assert d == pytest.approx(float(np.mean(b - a)))
    assert (low, high) == pytest.approx((t.low, t.high), abs=0.01)
    assert low < 0.5 < high


def test_pairing_narrows_the_interval_of_correlated_samples() -> None:
    a = rng(1).normal(10, 3, 200)
    b = a + 0.5 + rng(2).normal(0, 0.4, 200)
    _, lp, hp = difference(a, b, paired=True, rng=rng())
    _, lu, hu = difference(a, b, paired=False, rng=rng())
    assert (hp - lp) < (hu - lu) / 5
    assert lu < 0 < hu  # unpaired, 0.5 is lost in the noise of 3
    assert lp > 0


def test_unpaired_difference_agrees_with_welch() -> None:
    a, b = rng(3).normal(0, 1, 300), rng(4).normal(1, 2, 500)
    d, low, high = difference(a, b, paired=False, rng=rng())
    welch = sps.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert d == pytest.approx(float(b.mean() - a.mean()))
    assert (low, high) == pytest.approx((welch.low, welch.high), abs=0.03)


def test_bootstrap_interval_covers_a_known_difference() -> None:
    """Of 80 paired experiments with a true difference of 0.3, about 95% of intervals cover it."""
    source = rng(5)
    covered = 0
    for _ in range(80):
        a = source.exponential(1.0, 60)  # skewed, as outcomes are
        b = a + 0.3 + source.normal(0, 0.5, 60)
        _, low, high = difference(a, b, paired=True, rng=source)
        covered += low <= 0.3 <= high
    assert covered >= 70  # 95% of 80 is 76; binomial 1st percentile is 70


def test_difference_of_booleans_is_in_points_of_probability() -> None:
    base = [False] * 80 + [True] * 20
    other = [False] * 50 + [True] * 50  # replications 50-79 changed from False to True
    d, low, high = difference(base, other, paired=True, rng=rng())
    assert d == pytest.approx(0.3)
    assert 0.2 < low < 0.3 < high < 0.4


def test_same_sample_gives_exactly_zero() -> None:
    a = [1.0, None, 3.0, 7.5] * 10
    assert difference(a, list(a), paired=True, rng=rng()) == (0.0, 0.0, 0.0)
    assert ks(a, a) == (0.0, 1.0)


def test_missing_values_are_left_out() -> None:
    a = [None] * 10 + list(range(40))
    b = [None] * 20 + [x + 2 for x in range(30)]
    d, low, high = difference(a, b, paired=True, rng=rng())
    assert d == pytest.approx(np.mean([x + 2 for x in range(30)]) - np.mean(range(40)))
    assert low < d < high
    few = [None] * (50 - MIN_PRESENT + 1) + [1.0] * (MIN_PRESENT - 1)
    d, low, high = difference(few, few[::-1], paired=True, rng=rng())
    assert d == 0 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in difference([None] * 5, [1.0] * 5, True, rng()))


def test_ks_against_scipy() -> None:
    a, b = rng(6).normal(0, 1, 100), rng(7).normal(0.5, 1, 120)
    expected = sps.ks_2samp(a, b)
    assert ks([*a, None], b) == pytest.approx((expected.statistic, expected.pvalue))
    x = rng(8).normal(0, 1, 50)
    assert ks(x, x) == (0.0, 1.0)


def test_mean_interval() -> None:
    x = rng(9).normal(5, 2, 500)
    mean, low, high = mean_interval(x, rng())
    t = sps.ttest_1samp(x, 0).confidence_interval(0.95)
    assert mean == pytest.approx(x.mean())
    assert (low, high) == pytest.approx((t.low, t.high), abs=0.02)
    assert mean_interval([4, 4, None, 4], rng()) == (4.0, 4.0, 4.0)
    assert all(math.isnan(v) for v in mean_interval([None, None], rng()))


def test_median_interval_uses_order_statistics() -> None:
    """n = 20: the 95% interval of the median runs from the 6th to the 15th smallest value."""
    median, low, high = median_interval([*range(20), None])
    assert (median, low, high) == (9.5, 5.0, 14.0)
    median, low, high = median_interval([1.0, 2.0, 3.0])  # too few for a 95% interval
    assert median == 2.0 and math.isnan(low) and math.isnan(high)
