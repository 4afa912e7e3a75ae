"""Observed data against an ensemble: band coverage, relative difference of the median, timing."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from sim.fitting import scores as sc
from sim.fitting.observed import CUMULATIVE, Observed
from sim.fitting.simulated import at_times as at_times  # re-exported
from sim.fitting.simulated import simulated_at
from sim.runs.ensemble import FAN, Ensemble
from sim.runs.folder import write_folder
from sim.text import literal_figure_text, printable

#: The bands of the fan charts: middle 50% and middle 90% of replications.
BANDS = {"50%": (0.25, 0.75), "90%": (0.05, 0.95)}
QUANTILES = FAN
#: Shares of the value at the last observed time whose reaching time is compared.
FRACTIONS = {"half": 0.5, "90%": 0.9}


@dataclass(frozen=True)
class Validation:
    """How an ensemble's series compares with observed values at the observed times."""

    scenario: str
    series: str
    runs: int
    seed: int
    start: datetime
    observed: Observed
    cumulative: bool
    quantiles: dict[str, tuple[float, ...]]  # "q05" ... "q95", one value per observed point
    inside: dict[str, tuple[bool, ...]]  # per band, per observed point
    mean_relative_difference: float | None
    timing: dict[str, dict[str, float | None]]  # per fraction: observed, median, low, high (days)
    folder: Path | None = None  # where it was written, if it was
    # per observed point: "crps", "interval_50%", "interval_90%", "pit" (empty without the extra)
    scores: dict[str, tuple[float, ...]] = field(default_factory=dict)

    @property
    def coverage(self) -> dict[str, float]:
        return {band: float(np.mean(flags)) for band, flags in self.inside.items()}

    @property
    def mean_scores(self) -> dict[str, float]:
        """CRPS and interval scores averaged over the observed points (lower is better)."""
        return {k: float(np.mean(v)) for k, v in self.scores.items() if k != "pit"}

    def to_json(self) -> dict[str, Any]:
        obs = self.observed
        points = [{"time": t.isoformat(), "day": round(d, 6), "observed": v,
                   **{q: round(vals[i], 3) for q, vals in self.quantiles.items()},
                   **{f"inside_{b}": flags[i] for b, flags in self.inside.items()},
                   **{k: round(vals[i], 4) for k, vals in self.scores.items()}}
                  for i, (t, d, v) in enumerate(zip(obs.times, obs.days, obs.values, strict=True))]
        timing = {name: {k: None if v is None else {"day": round(v, 6), "time": self._at(v)}
                         for k, v in row.items()} for name, row in self.timing.items()}
        return {"scenario": self.scenario, "series": self.series, "runs": self.runs,
                "seed": self.seed, "observed_file": obs.source, "observed_column": obs.column,
                "cumulative": self.cumulative, "coverage": self.coverage,
                "mean_relative_difference": self.mean_relative_difference,
                "mean_relative_difference_means": "average over observed points (value > 0) of "
                                                  "|simulated median - observed| / observed",
                "scores": self.mean_scores,
                "scores_mean": "CRPS and interval scores (in the series' unit; lower is better), "
                               "averaged over the observed points; pit per point",
                "timing": timing, "points": points}

    def _at(self, day: float) -> str:
        return (self.start + timedelta(days=day)).isoformat(timespec="minutes")


def reach_times(grid: np.ndarray, curves: np.ndarray, fraction: float) -> np.ndarray:
    """Per curve (rows), the first time it reaches `fraction` of its last value, interpolated
    linearly between grid points; the first grid time if it starts above; NaN if it ends at 0."""
    curves = np.atleast_2d(np.asarray(curves, dtype=float))
    level = fraction * curves[:, -1]
    hit = curves >= level[:, None]
    k = np.argmax(hit, axis=1)
    prev = np.maximum(k - 1, 0)
    rows = np.arange(curves.shape[0])
    lo, hi = curves[rows, prev], curves[rows, k]
    w = np.divide(level - lo, hi - lo, out=np.ones_like(level), where=hi > lo)
    out = np.where(k == 0, grid[0], grid[prev] + w * (grid[k] - grid[prev]))
    return np.where(curves[:, -1] > 0, out, np.nan)


def score(simulated: np.ndarray, observed: np.ndarray) -> tuple[dict, dict, float | None]:
    """Quantiles at each observed point, whether each point is inside each band, and the
    mean relative difference of the median (points with observed value 0 are left out)."""
    qs = np.quantile(simulated, QUANTILES, axis=0)
    quantiles = {f"q{round(q * 100):02d}": tuple(float(x) for x in row)
                 for q, row in zip(QUANTILES, qs, strict=True)}
    at = dict(zip(QUANTILES, qs, strict=True))
    inside = {band: tuple(bool(x) for x in (at[lo] <= observed) & (observed <= at[hi]))
              for band, (lo, hi) in BANDS.items()}
    median = at[0.5]
    positive = observed > 0
    rel = (float(np.mean(np.abs(median[positive] - observed[positive]) / observed[positive]))
           if positive.any() else None)
    return quantiles, inside, rel


def validate(ens: Ensemble, observed: Observed, series: str = "departed") -> Validation:
    """Compare an ensemble's series with observed values at the observed times."""
    days = observed.day_array
    simulated = simulated_at(ens, series, days)
    quantiles, inside, rel = score(simulated, observed.value_array)
    cumulative = series in CUMULATIVE
    timing: dict[str, dict[str, float | None]] = {}
    if cumulative:
        inner = ens.time_days[(ens.time_days > days[0]) & (ens.time_days < days[-1])]
        grid = np.concatenate([[days[0]], inner, [days[-1]]])
        curves = simulated_at(ens, series, grid)
        for name, fraction in FRACTIONS.items():
            obs = float(reach_times(days, observed.value_array[None, :], fraction)[0])
            sim = reach_times(grid, curves, fraction)
            sim = sim[np.isfinite(sim)]
            stats = np.quantile(sim, (0.5, 0.05, 0.95)) if sim.size else [math.nan] * 3
            timing[name] = {k: None if not math.isfinite(v) else float(v) for k, v in
                            zip(("observed", "median", "low", "high"), (obs, *stats), strict=True)}
    p = ens.scenario.params
    return Validation(ens.scenario.name, series, ens.runs, ens.seed, p.start, observed,
                      cumulative, quantiles, inside, rel, timing,
                      scores=proper_scores(simulated, observed.value_array))


def proper_scores(simulated: np.ndarray, observed: np.ndarray) -> dict[str, tuple[float, ...]]:
    """CRPS, the bands' interval scores and PIT at each point (none without the extra)."""
    if not sc.available():
        return {}
    found = {"crps": sc.crps(simulated, observed),
             **{f"interval_{b}": v for b, v in sc.interval_scores(simulated, observed).items()},
             "pit": sc.pit(simulated, observed)}
    return {k: tuple(float(x) for x in v) for k, v in found.items()}


def report(v: Validation) -> str:
    """The validation as a readable table and a few sentences."""
    obs = v.observed
    fmt = "%d %b %H:%M"
    lines = [f"{v.scenario}: series {v.series!r} ({v.runs} replications, seed {v.seed}) against "
             f"{obs.source} ({obs.column}, {len(obs.values)} points)",
             f"  {'time':<13}{'observed':>10}{'median':>10}{'middle 50%':>20}{'middle 90%':>20}"]
    q = v.quantiles
    for i, (t, value) in enumerate(zip(obs.times, obs.values, strict=True)):
        marks = "".join("*" if v.inside[b][i] else " " for b in BANDS)
        lines.append(f"  {t.strftime(fmt):<13}{value:>10,.0f}{q['q50'][i]:>10,.0f}"
                     f"{q['q25'][i]:>9,.0f} – {q['q75'][i]:<8,.0f}"
                     f"{q['q05'][i]:>9,.0f} – {q['q95'][i]:<8,.0f} {marks}")
    lines.append("  Marks: the first * inside the middle 50%, the second * inside the middle 90% "
                 "(a blank: outside it)")
    n = len(obs.values)
    for band, share in v.coverage.items():
        lines.append(f"Observed points inside the middle {band} of replications: "
                     f"{round(share * n)} of {n} ({share:.0%}; about {band} expected)")
    if v.mean_relative_difference is not None:
        lines.append(f"Mean relative difference of the median: {v.mean_relative_difference:.1%} "
                     "(|median − observed| / observed, averaged over the points)")
    lines.extend(score_lines(v))
    for name, row in v.timing.items():
        def at(day: float | None) -> str:
            return "never" if day is None else (v.start + timedelta(days=day)).strftime(fmt)
        lines.append(f"Time to {name} of the value at the last observed time: observed "
                     f"{at(row['observed'])}, simulated median {at(row['median'])} "
                     f"(90%: {at(row['low'])} to {at(row['high'])})")
    return "\n".join(printable(line) for line in lines)


def score_lines(v: Validation) -> list[str]:
    """The proper scores in words (or how to get them)."""
    if not v.scores:
        return [f"Proper scores (CRPS, interval scores, PIT) need the scores extra: {sc.EXTRA}"]
    m = v.mean_scores
    pits = ", ".join(f"{x:.2f}" for x in v.scores["pit"])
    return [f"Mean CRPS {m['crps']:,.0f} (the forecast's mean absolute error as a distribution, "
            f"in the series' unit; lower is better); interval score of the 50% band "
            f"{m['interval_50%']:,.0f}, of the 90% band {m['interval_90%']:,.0f}",
            f"PIT (share of replications below each observed value; about uniform on 0-1 if "
            f"the bands are right): {pits}"]


def write(v: Validation, ens: Ensemble, out: Path, force: bool = False,
          manifest: dict[str, Any] | None = None, inputs: Iterable[Path | str] = (),
          figures: Callable[[Validation, Ensemble], Mapping[str, Any]] | None = None) -> Path:
    """validation.json, the figures `figures` draws (file name -> figure; the fan chart with the
    observed points, from the command) and manifest.json."""
    def draw(folder: Path) -> None:
        with literal_figure_text():
            for name, fig in (figures(v, ens) if figures else {}).items():
                fig.savefig(folder / name, dpi=110)

    return write_folder(out, {"validation.json": json.dumps(v.to_json(), indent=1) + "\n"},
                        manifest, draw if figures else None, force, inputs, figures_in="")
