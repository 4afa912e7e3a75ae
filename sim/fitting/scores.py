"""Proper scores of an ensemble forecast: CRPS, interval scores of its bands, PIT values.

A proper score is best in expectation only for the forecast that states the true distribution,
so a forecast cannot gain by being narrower or wider than it believes. CRPS (continuous ranked
probability score) is the mean absolute error of the whole distribution, in the data's unit;
the interval score of a central (1 - alpha) band is its width plus 2 / alpha times the distance
by which the value falls outside it (Gneiting and Raftery 2007). The PIT value is the share of
the ensemble below the value (ties count half): uniform on 0-1 for a calibrated forecast.
"""

from __future__ import annotations

import numpy as np

from sim.errors import OptionError

#: Central bands scored by their interval score: name -> (lower, upper) quantile.
BANDS = {"50%": (0.25, 0.75), "90%": (0.05, 0.95)}
EXTRA = 'pip install -e ".[scores]"'


def _rules():  # type: ignore[no-untyped-def]
    """scoringrules, imported only where scores are computed (it brings scipy)."""
    try:
        import scoringrules
    except ImportError:
        raise OptionError(f"proper scores need the `scores` extra: {EXTRA}") from None
    return scoringrules


def crps(simulated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """CRPS of each point's ensemble (runs x n) against its observed value (n)."""
    sim = np.asarray(simulated, dtype=float)
    obs = np.asarray(observed, dtype=float)
    return np.asarray(_rules().crps_ensemble(obs, sim.T, backend="numpy"),
                      dtype=float).reshape(obs.shape)


def interval_scores(simulated: np.ndarray, observed: np.ndarray) -> dict[str, np.ndarray]:
    """Each band's interval score at each point (the band from the ensemble's quantiles)."""
    sim = np.asarray(simulated, dtype=float)
    obs = np.asarray(observed, dtype=float)
    out = {}
    for band, (lo, hi) in BANDS.items():
        lower, upper = np.quantile(sim, lo, axis=0), np.quantile(sim, hi, axis=0)
        out[band] = np.asarray(_rules().interval_score(obs, lower, upper, 2 * lo,
                                                       backend="numpy"), dtype=float
                               ).reshape(obs.shape)
    return out


def pit(simulated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """The share of the ensemble below each observed value, ties counted half (mid-PIT)."""
    sim = np.asarray(simulated, dtype=float)
    obs = np.asarray(observed, dtype=float)[None, :]
    return np.asarray(((sim < obs).sum(axis=0) + 0.5 * (sim == obs).sum(axis=0)) / sim.shape[0])


def require() -> None:
    """Refuse, saying how to install it, when the `scores` extra is missing."""
    _rules()


def available() -> bool:
    """Whether the `scores` extra is installed."""
    try:
        _rules()
    except OptionError:
        return False
    return True
