"""Null models of a cumulative count, fitted to its first points: what the full model must beat.

Each gives a point forecast (no stated uncertainty: its CRPS is its absolute error, and any miss
costs an interval score of 2 / alpha times the miss). None when the points cannot fit it.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

#: The null models, in the order tables show them, with a line on what each assumes.
NULLS = {
    "last rate": "the rate between the last two points, carried forward",
    "constant queue": "a straight line fitted to the points (a queue served at a constant rate)",
    "logistic": "a logistic curve fitted to the points (needs 3), its ceiling at most twice "
                "the scenario's population",
}


def last_rate(days: np.ndarray, values: np.ndarray, ahead: np.ndarray) -> np.ndarray | None:
    """The last observed rate carried forward from the last point."""
    if days.size < 2 or days[-1] <= days[-2]:
        return None
    rate = (values[-1] - values[-2]) / (days[-1] - days[-2])
    return values[-1] + rate * (ahead - days[-1])


def constant_queue(days: np.ndarray, values: np.ndarray, ahead: np.ndarray) -> np.ndarray | None:
    """A least-squares line through the points, never below the last point."""
    if days.size < 2:
        return None
    slope, intercept = np.polyfit(days, values, 1)
    return np.maximum(values[-1], intercept + slope * ahead)


def logistic(days: np.ndarray, values: np.ndarray, ahead: np.ndarray,
             ceiling: float) -> np.ndarray | None:
    """K / (1 + exp(-r (t - m))) by least squares, K between the last value and `ceiling`."""
    if days.size < 3 or values[-1] <= 0:
        return None
    from scipy.optimize import curve_fit

    def curve(t: np.ndarray, k: float, r: float, m: float) -> np.ndarray:
        return np.asarray(k / (1.0 + np.exp(-r * (t - m))))

    top = max(ceiling, 2.0 * values[-1])
    guess = (min(top, 4.0 * values[-1]), 2.0, days[-1] + 1.0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (k, r, m), _ = curve_fit(curve, days, values, p0=guess, maxfev=20_000,
                                     bounds=([values[-1], 1e-3, days[0] - 30.0],
                                             [top, 50.0, days[-1] + 60.0]))
    except (RuntimeError, ValueError):
        return None
    out = curve(np.asarray(ahead, float), k, r, m)
    return out if np.all(np.isfinite(out)) else None


def forecasts(days: np.ndarray, values: np.ndarray, ahead: np.ndarray,
              population: float) -> dict[str, np.ndarray | None]:
    """Every null model's forecast at `ahead` from the points (days, values)."""
    ceiling = 2.0 * population if math.isfinite(population) else 1e12
    return {"last rate": last_rate(days, values, ahead),
            "constant queue": constant_queue(days, values, ahead),
            "logistic": logistic(days, values, ahead, ceiling)}
