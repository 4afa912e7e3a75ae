"""Tests and intervals that say whether two scenarios differ, valid when few runs differ, and
the correction for comparing many outcomes at once."""

from __future__ import annotations

import math
import warnings
from statistics import NormalDist
from typing import Any

import numpy as np

from sim.runs import stats as runstats

#: Fewer paired runs than this whose amounts differ: no interval and no test (a bootstrap or a
#: permutation over a handful of differences says nothing reliable).
MIN_DIFFERING = 15
#: Permutation resamples for a p-value of an amount (its Monte Carlo error is about 0.002 at
#: p = 0.05).
PERMUTATIONS = 9999
#: An adjusted p-value below this, with the interval excluding zero, is a clear difference.
ALPHA = 0.05


def wilson(k: np.ndarray | float, n: float, confidence: float = 0.95) -> tuple[Any, Any]:
    """Wilson score interval, in closed form so that it works on arrays of counts."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = np.asarray(k, dtype=float) / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def newcombe_unpaired(k1: int, n1: int, k2: int, n2: int,
                      confidence: float = 0.95) -> tuple[float, float, float]:
    """k1/n1 - k2/n2 with Newcombe's hybrid score interval (1998, method 10), from Wilson's."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, confidence)
    l2, u2 = wilson(k2, n2, confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, max(-1.0, float(low)), min(1.0, float(high))


def newcombe_paired(a: Any, b: Any, c: Any, d: Any,
                    confidence: float = 0.95) -> tuple[Any, Any, Any]:
    """Difference of paired proportions (a: both yes, b: only the first yes, c: only the second
    yes, d: neither): (b - c) / n with Newcombe's score interval (1998, method 10), which
    accounts for the pairing through the phi coefficient and stays valid with few discordant
    pairs. Works on arrays of tables."""
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson(a + b, n, confidence)
    l2, u2 = wilson(a + c, n, confidence)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.where(margins > 0, (a * d - b * c) / np.sqrt(margins), 0.0)
    diff = p1 - p2
    below = np.sqrt(np.maximum(0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2)
                               + (u2 - p2) ** 2))
    above = np.sqrt(np.maximum(0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2)
                               + (p2 - l2) ** 2))
    return diff, np.maximum(-1.0, diff - below), np.minimum(1.0, diff + above)


def mcnemar(only_first: int, only_second: int) -> float:
    """Exact McNemar test: the discordant pairs split as a fair coin would (binomial, 1/2)."""
    if only_first + only_second == 0:
        return 1.0
    from scipy.stats import binomtest

    return float(binomtest(only_first, only_first + only_second, 0.5).pvalue)


def fisher(k1: int, n1: int, k2: int, n2: int) -> float:
    """Fisher's exact test of two independent proportions (two-sided)."""
    from scipy.stats import fisher_exact

    return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)


def permutation(base: np.ndarray, other: np.ndarray, paired: bool,
                rng: np.random.Generator) -> float:
    """p-value of the difference of means (values present) by permutation: swapping within
    pairs when paired, relabelling the runs when not."""
    if paired:
        return _swaps(base, other, rng)
    from scipy.stats import permutation_test

    def statistic(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
        return np.asarray(np.mean(y, axis=axis) - np.mean(x, axis=axis))

    result = permutation_test((base[~np.isnan(base)], other[~np.isnan(other)]), statistic,
                              vectorized=True, batch=2500, n_resamples=PERMUTATIONS, rng=rng,
                              permutation_type="independent")
    return float(result.pvalue)


def _swaps(base: np.ndarray, other: np.ndarray, rng: np.random.Generator) -> float:
    """Two-sided p-value of nanmean(other) - nanmean(base) against random swaps within pairs,
    counting the observed arrangement as one of them."""
    observed = abs(np.nanmean(other) - np.nanmean(base))
    extreme, done = 0, 0
    while done < PERMUTATIONS:
        size = min(2500, PERMUTATIONS - done)
        swap = rng.random((size, base.size)) < 0.5
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a group left with no value
            null = (np.nanmean(np.where(swap, base, other), axis=1)
                    - np.nanmean(np.where(swap, other, base), axis=1))
        extreme += int(np.count_nonzero(np.abs(null) >= observed * (1 - 1e-12)))
        done += size
    return (extreme + 1) / (PERMUTATIONS + 1)


def differing(base: np.ndarray, other: np.ndarray) -> int:
    """Pairs whose values differ (a value against a missing one differs; two missing do not)."""
    same = (base == other) | (np.isnan(base) & np.isnan(other))
    return int(np.count_nonzero(~same))


def judge(base: np.ndarray, other: np.ndarray, kind: str, paired: bool,
          rng: np.random.Generator) -> dict[str, Any]:
    """The difference `other - base` with its 95% interval, the test's name and p-value, and
    (paired) how many pairs differ; NaN where there is too little to judge."""
    if kind == "probability":
        return _proportions(base, other, paired)
    out: dict[str, Any] = {"test": "permutation", "pvalue": math.nan, "differing": math.nan,
                           "too_few": False}
    if paired:
        out["differing"] = differing(base, other)
        if 0 < out["differing"] < MIN_DIFFERING:
            diff = _mean(other) - _mean(base)
            return {**out, "diff": diff, "diff_low": math.nan, "diff_high": math.nan,
                    "too_few": True}
    diff, low, high = runstats.difference(base, other, paired, rng)
    out.update(diff=diff, diff_low=low, diff_high=high)
    if paired and out["differing"] == 0:
        out["pvalue"] = 1.0
    elif not math.isnan(low):
        out["pvalue"] = permutation(base, other, paired, rng)
    return out


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x[~np.isnan(x)])) if np.any(~np.isnan(x)) else math.nan


def _proportions(base: np.ndarray, other: np.ndarray, paired: bool) -> dict[str, Any]:
    x, y = base.astype(bool), other.astype(bool)
    if paired:
        a, b, c, d = (int(np.sum(m)) for m in (x & y, y & ~x, x & ~y, ~x & ~y))
        # no pair differs: exactly no difference (Newcombe's interval is [0, 0] too unless
        # one outcome never or always happened, where phi is undefined)
        diff, low, high = ((float(v) for v in newcombe_paired(a, b, c, d)) if b + c else
                           (0.0, 0.0, 0.0))
        return {"diff": diff, "diff_low": low, "diff_high": high, "test": "McNemar exact",
                "pvalue": mcnemar(b, c), "differing": b + c, "too_few": False}
    k1, n1, k2, n2 = int(y.sum()), y.size, int(x.sum()), x.size
    diff, low, high = newcombe_unpaired(k1, n1, k2, n2)
    return {"diff": diff, "diff_low": low, "diff_high": high, "test": "Fisher exact",
            "pvalue": fisher(k1, n1, k2, n2), "differing": math.nan, "too_few": False}


def adjust(pvalues: list[float], family_wise: bool = False) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (false discovery rate), or Holm's (family-wise
    error); NaN (nothing tested) stays NaN and is not counted."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, math.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = tested.size
    if m == 0:
        return out.tolist()
    order = tested[np.argsort(p[tested], kind="stable")]
    ranks = np.arange(1, m + 1)
    if family_wise:
        scaled = np.maximum.accumulate(p[order] * (m - ranks + 1))
    else:
        scaled = np.minimum.accumulate((p[order] * m / ranks)[::-1])[::-1]
    out[order] = np.minimum(scaled, 1.0)
    return out.tolist()


def clear(row: dict[str, Any]) -> bool:
    """A clear difference: adjusted p-value below 5% and a 95% interval that excludes zero."""
    p = row.get("pvalue_adjusted", math.nan)
    low, high = row.get("diff_low", math.nan), row.get("diff_high", math.nan)
    return bool(p < ALPHA and (low > 0 or high < 0))
