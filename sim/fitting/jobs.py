"""A validation and a calibration from their inputs to their folders, the same for `sim validate`,
`sim calibrate` and `sim.validate`, `sim.calibrate` in a notebook (no click here)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import ResultsError
from sim.fitting import calibrate as cal
from sim.fitting import calibrated
from sim.fitting import validate as v
from sim.fitting.observed import CUMULATIVE, Observed, read
from sim.runs import folder as results
from sim.runs.ensemble import Ensemble, run_ensemble
from sim.runs.job import Progress, as_scenario, say, scenario_inputs, silent
from sim.runs.outpaths import default_out
from sim.scenario.load import Scenario
from sim.scenario.workload import check_work


@dataclass(frozen=True)
class Calibrated:
    """A calibration, the prior-predictive ensemble it started from and, when a folder was
    written, the calibrated scenario's posterior-predictive validation."""

    fit: cal.Calibration
    prior: Ensemble
    predictive: v.Validation | None
    folder: Path | None


def observed(sc: Scenario, path: Path, series: str, column: str | None) -> Observed:
    """An observed-data file read on the scenario's clock."""
    p = sc.params
    return read(path, p.start, p.horizon_days, column, cumulative=series in CUMULATIVE)


def validate(source: Scenario | Ensemble | Path, observed_file: Path, series: str = "departed",
             column: str | None = None, runs: int | None = None, seed: int | None = None, *,
             about: Mapping[str, Any], workers: int | None = None,
             out: Path | bool | None = None, force: bool = False,
             figures: Callable[[v.Validation, Ensemble], Mapping[str, Any]] | None = None,
             progress: Progress = silent) -> v.Validation:
    """An ensemble (a results folder's, or a scenario run here) against observed data; with
    `out` (True: the default folder), write validation.json, its figure and the manifest."""
    folder = isinstance(source, Path) and source.is_dir()
    ens: Ensemble | None = source if isinstance(source, Ensemble) else None
    if folder or ens is not None:
        if runs is not None or seed is not None:
            raise ResultsError(f"{source if folder else 'an ensemble'}: --runs and --seed apply "
                               "to a scenario file; a results folder already holds its "
                               "replications")
        if ens is None:
            assert isinstance(source, Path)
            ens, _ = results.read(source)
        sc = ens.scenario
    else:
        assert not isinstance(source, Ensemble)
        sc = as_scenario(source)
    data = observed(sc, observed_file, series, column)
    target = default_out("validation", sc.name) if out is True else out or None
    given = [source] if isinstance(source, Path) else []
    inputs = [*given, observed_file, *([] if ens is not None else scenario_inputs(sc))]
    if target is not None:
        results.check_target(target, force, inputs)
    if ens is None:
        n, s = runs or sc.params.runs, sc.params.seed if seed is None else seed
        check_work([(sc, n)], workers=workers)
        with progress(n) as tick:
            ens = run_ensemble(sc, n, s, workers=workers, progress=tick)
    result = v.validate(ens, data, series)
    if target is not None:
        say(progress, "writing the results and drawing figures..." if figures else
            "writing the results...")
        manifest = {**about, "scenario": sc.name, "seed": ens.seed, "runs": ens.runs,
                    "scenario_sha256": sc.digest(), "observed": str(observed_file),
                    "series": series}
        v.write(result, ens, target, force, manifest=manifest, inputs=inputs, figures=figures)
        return dataclasses.replace(result, folder=target)
    return result


def calibrate(scenario: Scenario | Path, observed_file: Path, params: Sequence[str],
              keep: float = 0.05, series: str = "departed", column: str | None = None,
              runs: int = 4000, generations: int = 3, predictive_runs: int = 500,
              seed: int | None = None, *, about: Mapping[str, Any], workers: int | None = None,
              out: Path | bool | None = None, force: bool = False,
              figures: Callable[..., Mapping[str, Any]] | None = None,
              progress: Progress = silent) -> Calibrated:
    """ABC calibration of `params` on observed data; with `out` (True: the default folder),
    write posterior.csv, the calibrated scenario, calibration.json, figures and the manifest,
    after running the calibrated scenario `predictive_runs` times."""
    sc = as_scenario(scenario)
    names = cal.check_params(sc, [p.strip() for p in params if p.strip()])
    cal.check_generations(sc, names, generations)
    data = observed(sc, observed_file, series, column)
    # the first generation is kept to the end, beside one more and then the predictive runs
    check_work([(sc, runs)] * (1 + generations) + [(sc, predictive_runs)], workers=workers,
               kept=3)
    target = default_out("calibration", sc.name) if out is True else out or None
    inputs = [observed_file, *scenario_inputs(sc)]
    if target is not None:
        results.check_target(target, force, inputs)
    seed = sc.params.seed if seed is None else seed
    with progress(runs * (1 + generations)) as tick:
        fit, prior = cal.calibrate(sc, data, names, keep, runs, seed, series, generations,
                                   workers=workers, progress=tick)
    if target is None:
        return Calibrated(fit, prior, None, None)
    manifest = {**about, "scenario": sc.name, "seed": seed, "runs": runs,
                "scenario_sha256": sc.digest(), "observed": str(observed_file),
                "series": series}
    say(progress, f"running the calibrated scenario {predictive_runs:,} times"
        + (", then drawing figures..." if figures else "..."))
    _, predictive = calibrated.write(fit, prior, target, predictive_runs, force,
                                     workers=workers, manifest=manifest, inputs=inputs,
                                     figures=figures)
    return Calibrated(fit, prior, predictive, target)
