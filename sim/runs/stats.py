"""Statistics of outcome distributions: proportions and means with intervals, differences, KS."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import outcomes

if TYPE_CHECKING:
    from sim.runs.table import OutcomeTable

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (good at 0% and 100%, unlike the normal one)."""
    if n == 0:
        return (math.nan, math.nan)
    from scipy.stats import binomtest

    ci = binomtest(successes, n).proportion_ci(confidence_level=confidence, method="wilson")
    return (float(ci.low), float(ci.high))


def proportion(flags: list[bool] | np.ndarray) -> dict[str, float]:
    k = int(np.count_nonzero(flags)) if isinstance(flags, np.ndarray) else sum(map(bool, flags))
    n = len(flags)
    low, high = wilson(k, n)
    return {"probability": k / n if n else math.nan, "low": low, "high": high, "count": k, "n": n}


def describe(values: list[Any] | np.ndarray) -> dict[str, float]:
    """Mean and quantiles of the values present, and how many are missing (censored; NaN in
    an array)."""
    if isinstance(values, np.ndarray):
        present = values.astype(float)
        present = present[~np.isnan(present)]
    else:
        present = np.array([v for v in values if v is not None], dtype=float)
    out: dict[str, float] = {"n": len(values), "missing": len(values) - present.size}
    if present.size:
        out["mean"] = float(present.mean())
        for q, v in zip(QUANTILES, np.quantile(present, QUANTILES), strict=True):
            out[f"q{round(q * 100):02d}"] = float(v)
    return out


def summarise(rows: OutcomeTable) -> dict[str, Any]:
    """summary.json: each outcome described; booleans and end states as probabilities."""
    out: dict[str, Any] = {}
    for name in outcomes.names():
        column = rows.numbers(name)  # a million rows as Python values would take 40 MB a column
        values = rows.column(name) if column is None else column
        if name == "end_state":
            out[name] = {s: proportion([v == s for v in values]) for s in outcomes.states()}
        elif name in outcomes.booleans():
            out[name] = proportion(values)
        else:
            out[name] = describe(values)
    return out


#: Bootstrap resamples; enough that the interval's ends are stable to about 1% of its width.
RESAMPLES = 9999
#: Fewer values present than this in a sample: no interval for a difference of its mean
#: (too many resamples would have nothing to average).
MIN_PRESENT = 15


def present(values: list[Any] | np.ndarray) -> np.ndarray:
    """Values as floats, with missing (censored) ones as NaN."""
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def _bootstrap(data: tuple[np.ndarray, ...], statistic: Any, paired: bool,
               rng: np.random.Generator, confidence: float) -> tuple[float, float]:
    """scipy's BCa interval, or the percentile one where BCa is undefined (too few distinct)."""
    import warnings

    from scipy.stats import bootstrap

    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ci = bootstrap(data, statistic, paired=paired, vectorized=True, method=method,
                           n_resamples=RESAMPLES, batch=2500, confidence_level=confidence,
                           rng=rng).confidence_interval
        if math.isfinite(ci.low) and math.isfinite(ci.high):
            return float(ci.low), float(ci.high)
    return math.nan, math.nan


def mean_interval(values: list[Any] | np.ndarray, rng: np.random.Generator,
                  confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of the values present and its bootstrap interval (outcomes are rarely normal)."""
    x = present(values)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if np.all(x == x[0]):
        return mean, mean, mean
    low, high = _bootstrap((x,), lambda s, axis: np.mean(s, axis=axis), False, rng, confidence)
    return mean, low, high


def difference(base: list[Any] | np.ndarray, other: list[Any] | np.ndarray, paired: bool,
               rng: np.random.Generator, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of `other` minus mean of `base` (values present) with a bootstrap interval.

    Paired samples (common random numbers) resample replication indices jointly, which keeps
    the shared randomness out of the interval; unpaired ones resample each sample on its own.
    """
    a, b = present(base), present(other)
    counts = (np.count_nonzero(~np.isnan(a)), np.count_nonzero(~np.isnan(b)))
    if min(counts) == 0:
        return math.nan, math.nan, math.nan
    if paired and np.array_equal(a, b, equal_nan=True):
        return 0.0, 0.0, 0.0
    estimate = float(np.nanmean(b) - np.nanmean(a))
    if min(counts) < MIN_PRESENT:
        return estimate, math.nan, math.nan
    if not paired:
        a, b = a[~np.isnan(a)], b[~np.isnan(b)]

    def statistic(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
        return np.asarray(np.nanmean(y, axis=axis) - np.nanmean(x, axis=axis))

    low, high = _bootstrap((a, b), statistic, paired, rng, confidence)
    return estimate, low, high


def ks(base: list[Any] | np.ndarray, other: list[Any] | np.ndarray) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov statistic and p-value of the values present."""
    a, b = present(base), present(other)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size == 0 or b.size == 0:
        return math.nan, math.nan
    import warnings

    from scipy.stats import ks_2samp

    with warnings.catch_warnings():  # "exact calculation unsuccessful": it falls back, fine
        warnings.simplefilter("ignore", RuntimeWarning)
        result = ks_2samp(a, b)
    return float(result.statistic), float(result.pvalue)


def median_interval(values: list[Any] | np.ndarray,
                    confidence: float = 0.95) -> tuple[float, float, float]:
    """Median of the values present with its distribution-free (order statistic) interval."""
    x = present(values)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan, math.nan, math.nan
    from scipy.stats import quantile_test

    median = float(np.median(x))
    ci = quantile_test(x, q=median, p=0.5).confidence_interval(confidence)
    low, high = (float(v) if math.isfinite(v) else math.nan for v in (ci.low, ci.high))
    return median, low, high
