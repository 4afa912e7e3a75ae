"""Rolling-origin backtests: calibrate on the first k points, forecast the rest, score both the
model and the null models on the points left out, for every k that leaves one to forecast."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import ObservedError
from sim.fitting import nulls
from sim.fitting import scores as sc
from sim.fitting.calibrate import calibrate
from sim.fitting.observed import Observed
from sim.fitting.simulated import simulated_at
from sim.runs.ensemble import run_ensemble
from sim.scenario.load import Scenario
from sim.scenario.posterior import PREFIX

#: Points the first origin calibrates on: two, so every null model but the logistic has a rate.
FIRST = 2
MODEL = "model"
LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Origin:
    """One origin: calibrated on the first `points`, each model's forecast of the rest."""

    points: int
    days: tuple[float, ...]  # the points left out
    observed: tuple[float, ...]
    quantiles: dict[str, tuple[tuple[float, ...], ...]]  # model -> per level, per point
    scores: dict[str, dict[str, tuple[float, ...]]]  # model -> score -> per point
    posterior: dict[str, tuple[float, ...]]  # parameter -> q05, q50, q95
    prior: dict[str, tuple[float, ...]]  # the same of the prior draws (what the data moved)


@dataclass(frozen=True)
class Backtest:
    """Every origin of a rolling-origin backtest of a scenario on observed data."""

    scenario: str
    series: str
    observed: Observed
    params: tuple[str, ...]
    runs: int
    predictive_runs: int
    seed: int
    origins: tuple[Origin, ...]
    folder: Path | None = None  # where backtest.json was written, if anywhere

    def summary(self) -> dict[str, dict[str, float]]:
        """Per model, each score averaged over every forecast point of every origin, and the
        share of them inside each band (coverage); models in table order."""
        out: dict[str, dict[str, float]] = {}
        for name in (MODEL, *nulls.NULLS):
            rows = [o.scores[name] for o in self.origins if name in o.scores]
            if not rows:
                continue
            out[name] = {k: float(np.mean([x for r in rows for x in r[k]]))
                         for k in rows[0] if k != "pit"}
            out[name]["points"] = float(sum(len(r["crps"]) for r in rows))
        return out

    def to_json(self) -> dict[str, Any]:
        return to_json(self)

    def pit(self) -> list[float]:
        """The model's PIT values at every forecast point of every origin."""
        return [x for o in self.origins for x in o.scores[MODEL]["pit"]]


def origins(observed: Observed) -> range:
    """The numbers of points calibrated on, each leaving at least one to forecast."""
    n = len(observed.values)
    if n < FIRST + 1:
        raise ObservedError(f"{observed.source}: a backtest needs at least {FIRST + 1} observed "
                            f"points ({FIRST} to calibrate on, 1 to forecast); it has {n}")
    return range(FIRST, n)


def first(observed: Observed, k: int) -> Observed:
    """The observed data up to and including point k - 1."""
    return Observed(observed.source, observed.column, observed.times[:k], observed.days[:k],
                    observed.values[:k])


def score_all(simulated: np.ndarray, observed: np.ndarray) -> dict[str, tuple[float, ...]]:
    """CRPS, interval scores, PIT and whether each point is inside each band."""
    bands = {b: (np.quantile(simulated, lo, axis=0), np.quantile(simulated, hi, axis=0))
             for b, (lo, hi) in sc.BANDS.items()}
    found = {"crps": sc.crps(simulated, observed),
             **{f"interval_{b}": v for b, v in sc.interval_scores(simulated, observed).items()},
             **{f"inside_{b}": ((lo <= observed) & (observed <= hi)).astype(float)
                for b, (lo, hi) in bands.items()},
             "pit": sc.pit(simulated, observed)}
    return {k: tuple(float(x) for x in v) for k, v in found.items()}


def backtest(scenario: Scenario, observed: Observed, params: tuple[str, ...], keep: float,
             runs: int, generations: int, predictive_runs: int, seed: int,
             series: str = "departed", workers: int | None = None,
             progress: Callable[[int], None] | None = None) -> Backtest:
    """Calibrate on the first k points and forecast the rest, for each origin k."""
    sc.require()
    population = float(scenario.params.world.population_people)
    done = []
    for k in origins(observed):
        fit, _ = calibrate(scenario, first(observed, k), params, keep, runs, seed, series,
                           generations, workers=workers, progress=progress)
        with tempfile.TemporaryDirectory(prefix="sim-backtest-") as tmp:
            file = Path(tmp) / "posterior.csv"
            rows = [",".join(PREFIX + p for p in params)]
            rows += [",".join(repr(float(v)) for v in row) for row in fit.posterior]
            file.write_text("\n".join(rows) + "\n")
            calibrated = scenario.with_values({p: {"posterior": str(file)} for p in params})
            ens = run_ensemble(calibrated, predictive_runs, seed + k, workers=workers,
                               progress=progress)
        days, values = observed.day_array, observed.value_array
        ahead, truth = days[k:], values[k:]
        forecast = {MODEL: simulated_at(ens, series, ahead)}
        for name, point in nulls.forecasts(days[:k], values[:k], ahead, population).items():
            if point is not None:
                forecast[name] = point[None, :]
        post, prior = ({p: tuple(float(x) for x in np.quantile(theta[:, j], (0.05, 0.5, 0.95)))
                        for j, p in enumerate(params)} for theta in (fit.posterior, fit.prior))
        done.append(Origin(k, tuple(ahead.tolist()), tuple(truth.tolist()),
                           {m: tuple(tuple(float(x) for x in row)
                                     for row in np.quantile(f, LEVELS, axis=0))
                            for m, f in forecast.items()},
                           {m: score_all(f, truth) for m, f in forecast.items()},
                           post, prior))
    return Backtest(scenario.name, series, observed, params, runs, predictive_runs, seed,
                    tuple(done))


def to_json(b: Backtest) -> dict[str, Any]:
    """The backtest as plain data (backtest.json)."""
    return {"scenario": b.scenario, "series": b.series, "observed_file": b.observed.source,
            "params": list(b.params), "runs": b.runs, "predictive_runs": b.predictive_runs,
            "seed": b.seed, "null_models": nulls.NULLS,
            "scores_mean": "CRPS and interval scores in the series' unit, lower is better; "
                           "inside_*: share of forecast points inside the band",
            "summary": b.summary(),
            "origins": [{"calibrated_on_points": o.points, "forecast_days": list(o.days),
                         "observed": list(o.observed),
                         "quantiles": {m: dict(zip(("q05", "q25", "q50", "q75", "q95"),
                                                   map(list, q), strict=True))
                                       for m, q in o.quantiles.items()},
                         "scores": o.scores, "prior_q05_q50_q95": o.prior,
                         "posterior_q05_q50_q95": o.posterior}
                        for o in b.origins]}

