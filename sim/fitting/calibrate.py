"""Approximate Bayesian computation: keep the replications closest to the data, then refine.

A plain ensemble is a prior-predictive sample: every replication draws its uncertain parameters
in `Scenario.draw` and reports them as `param.<path>`. The replications whose series come
closest to the observed values (the `keep` share) are a sample of the posterior (rejection);
further generations refine it by sequential Monte Carlo (`sim.fitting.smc`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.random import SeedSequence, default_rng

from sim.fitting import smc as abc
from sim.fitting.observed import Observed
from sim.fitting.simulated import simulated_at
from sim.runs.ensemble import Ensemble, run_ensemble
from sim.scenario.load import Scenario, ScenarioError
from sim.scenario.posterior import PREFIX

DISTANCE = ("root mean square, over the observed times, of log(c + simulated) - log(c + observed) "
            "with c = 1% of the largest observed value (at least 1): relative differences, so "
            "early small counts weigh as much as later large ones, without letting a count near "
            "zero (30 against 60) decide alone")


@dataclass(frozen=True)
class Calibration:
    """The prior sample, the accepted parameter sets (equally weighted) and how they were found."""

    scenario: Scenario
    series: str
    observed: Observed
    params: tuple[str, ...]
    seed: int
    keep: float
    prior: np.ndarray  # (runs, k) the first generation's draws from the priors
    posterior: np.ndarray  # (n, k) the accepted parameter sets, closest first
    distances: np.ndarray  # (n,) their distances
    replications: np.ndarray  # (n,) which replication of its generation each came from
    generations: tuple[dict[str, Any], ...]  # per generation: runs, kept, tolerance, ess

    @property
    def threshold(self) -> float:
        return float(self.generations[-1]["tolerance"])


def distance(simulated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Per replication (rows of `simulated`, runs x points): see DISTANCE."""
    c = max(1.0, 0.01 * float(np.max(np.abs(observed))))
    sim = np.log(c + np.maximum(simulated, 0.0))
    obs = np.log(c + np.maximum(observed, 0.0))
    return np.sqrt(np.mean((sim - obs) ** 2, axis=1))


def check_params(scenario: Scenario, params: list[str]) -> tuple[str, ...]:
    """The parameters to calibrate must be uncertain (distributions) in the scenario."""
    if not params:
        raise ScenarioError("--params: name at least one uncertain parameter (a.b,c.d)")
    unknown = [p for p in params if p not in scenario.distributions]
    if unknown:
        known = ", ".join(sorted(scenario.distributions)) or "none"
        raise ScenarioError(f"{scenario.source}: --params {', '.join(unknown)}: not an uncertain "
                            "parameter of the scenario (write it as a distribution to calibrate "
                            f"it); its uncertain parameters: {known}")
    for p in params:  # a joint posterior is recalibrated whole, or its file would not match
        d = scenario.distributions[p]
        group = sorted(q for q, e in scenario.distributions.items() if d.form == "posterior"
                       and e.form == "posterior" and e.args[0] == d.args[0])
        if not set(group) <= set(params):
            raise ScenarioError(f"{scenario.source}: --params {p} is drawn jointly with "
                                f"{', '.join(q for q in group if q != p)} from {d.args[0]}; "
                                "calibrate them together")
    return tuple(dict.fromkeys(params))


def check_generations(scenario: Scenario, params: tuple[str, ...], generations: int) -> None:
    """Sequential Monte Carlo needs a prior density for every calibrated parameter."""
    if generations:
        try:
            abc.check([scenario.distributions[p] for p in params], list(params))
        except ValueError as err:
            raise ScenarioError(f"{scenario.source}: {err}") from None


def _fit(ens: Ensemble, observed: Observed, params: tuple[str, ...],
         series: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each replication's calibrated parameters, distance to the data and number."""
    simulated = simulated_at(ens, series, observed.day_array)
    theta = np.array([[float(row[PREFIX + p]) for p in params] for row in ens.rows])
    reps = np.array([int(row["replication"]) for row in ens.rows])
    return theta, distance(simulated, observed.value_array), reps


def calibrate(scenario: Scenario, observed: Observed, params: tuple[str, ...], keep: float,
              runs: int, seed: int, series: str = "departed", generations: int = 0,
              executor: str = "local", workers: int | None = None,
              progress: Callable[[int], None] | None = None) -> tuple[Calibration, Ensemble]:
    """Rejection on a prior-predictive ensemble; then, for each further generation, sequential
    Monte Carlo: `runs` perturbed sets, the closest `keep` share kept and reweighed."""
    first = run_ensemble(scenario, runs, seed, executor=executor, workers=workers,
                         progress=progress)
    prior, dist, reps = _fit(first, observed, params, series)
    count = min(runs, max(2 if generations else 1, round(keep * runs)))
    kept = np.argsort(dist, kind="stable")[:count]
    theta, weights = prior[kept], np.full(count, 1 / count)
    dist, reps, gens = dist[kept], reps[kept], [_generation(0, runs, dist[kept], weights)]
    rng = default_rng(SeedSequence(seed, spawn_key=(2**32 - 1,)))  # apart from replications'
    priors = [scenario.distributions[p] for p in params]
    with tempfile.TemporaryDirectory(prefix="sim-abc-") as tmp:
        for g in range(1, generations + 1):
            cov = abc.kernel(theta, weights)
            proposals = abc.propose(theta, weights, cov, priors, runs, rng)
            file = Path(tmp) / f"generation{g}.csv"
            file.write_text(_table(params, proposals))
            trial = scenario.with_values({p: {"posterior": str(file)} for p in params})
            ens = run_ensemble(trial, runs, int(rng.integers(2**63)), executor=executor,
                               workers=workers, progress=progress)
            values, d, r = _fit(ens, observed, params, series)
            kept = np.argsort(d, kind="stable")[:count]
            weights = abc.reweigh(values[kept], theta, weights, cov, priors)
            theta, dist, reps = values[kept], d[kept], r[kept]
            gens.append(_generation(g, runs, dist, weights))
    if generations:
        picked = np.sort(abc.resample(weights, count, rng))
        theta, dist, reps = theta[picked], dist[picked], reps[picked]
    fit = Calibration(scenario, series, observed, params, seed, keep, prior, theta, dist, reps,
                      tuple(gens))
    return fit, first


def _generation(g: int, runs: int, dist: np.ndarray, weights: np.ndarray) -> dict[str, Any]:
    return {"generation": g, "runs": runs, "kept": int(dist.size),
            "tolerance": float(dist.max()), "effective_size": abc.effective_size(weights)}


def _table(params: tuple[str, ...], theta: np.ndarray) -> str:
    rows = [",".join(PREFIX + p for p in params)]
    rows += [",".join(repr(float(v)) for v in row) for row in theta]
    return "\n".join(rows) + "\n"
