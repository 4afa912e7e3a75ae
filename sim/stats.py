"""Statistics of outcome distributions: proportions with intervals, quantiles, summaries."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.model import BOOLEAN_OUTCOMES, END_STATES, OUTCOMES

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (good at 0% and 100%, unlike the normal one)."""
    if n == 0:
        return (math.nan, math.nan)
    from scipy.stats import binomtest

    ci = binomtest(successes, n).proportion_ci(confidence_level=confidence, method="wilson")
    return (float(ci.low), float(ci.high))


def proportion(flags: list[bool]) -> dict[str, float]:
    k, n = sum(bool(f) for f in flags), len(flags)
    low, high = wilson(k, n)
    return {"probability": k / n if n else math.nan, "low": low, "high": high, "count": k, "n": n}


def describe(values: list[Any]) -> dict[str, float]:
    """Mean and quantiles of the values present, and how many are missing (censored)."""
    present = np.array([v for v in values if v is not None], dtype=float)
    out: dict[str, float] = {"n": len(values), "missing": len(values) - present.size}
    if present.size:
        out["mean"] = float(present.mean())
        for q, v in zip(QUANTILES, np.quantile(present, QUANTILES), strict=True):
            out[f"q{round(q * 100):02d}"] = float(v)
    return out


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """summary.json: each outcome described; booleans and end states as probabilities."""
    out: dict[str, Any] = {}
    for name in OUTCOMES:
        column = [row[name] for row in rows]
        if name == "end_state":
            out[name] = {s: proportion([v == s for v in column]) for s in END_STATES}
        elif name in BOOLEAN_OUTCOMES:
            out[name] = proportion(column)
        else:
            out[name] = describe(column)
    return out
