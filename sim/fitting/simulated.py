"""A simulated series at observed times: a recorded series, or one the observation model reads."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.model.observation import FIELDS, OBSERVED_SERIES, observe
from sim.runs.ensemble import Ensemble

PREFIX = "param.outflow."


def at_times(time_days: np.ndarray, values: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Each replication's series (runs x T) linearly interpolated at `days` (runs x n)."""
    t = np.asarray(time_days, dtype=float)
    d = np.asarray(days, dtype=float)
    j = np.clip(np.searchsorted(t, d, side="right") - 1, 0, max(t.size - 2, 0))
    if t.size == 1:
        return np.repeat(values[:, :1], d.size, axis=1).astype(float)
    w = np.clip((d - t[j]) / (t[j + 1] - t[j]), 0.0, 1.0)
    return values[:, j] * (1 - w) + values[:, j + 1] * w


def settings(ens: Ensemble) -> list[dict[str, float]]:
    """Each replication's observation settings: drawn (a `param.` column) or the scenario's."""
    fixed = ens.scenario.params.outflow
    columns = {f: ens.column(PREFIX + f) if PREFIX + f in ens.rows.names else None
               for f in FIELDS}
    return [{f: float(getattr(fixed, f) if col is None else col[i]) for f, col in columns.items()}
            for i in range(ens.runs)]


def simulated_at(ens: Ensemble, series: str, days: np.ndarray) -> np.ndarray:
    """Every replication's `series` at `days` (runs x n); `arrived` and `registered` are read
    off `departed` by the observation model (sim/model/observation.py)."""
    if series not in OBSERVED_SERIES:
        return at_times(ens.time_days, ens.series[series], days)
    reps = np.array(ens.column("replication"), dtype=int) if "replication" in ens.rows.names \
        else np.arange(ens.runs)
    return observe(series, ens.time_days, np.asarray(ens.series["departed"], dtype=float), days,
                   settings(ens), ens.seed, reps)


def with_series(ens: Ensemble, series: str) -> Ensemble:
    """The ensemble with an observed series on its record grid too (for its fan chart)."""
    if series not in OBSERVED_SERIES:
        return ens
    return replace(ens, series={**ens.series, series: simulated_at(ens, series, ens.time_days)})
