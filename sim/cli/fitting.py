"""`sim validate` and `sim calibrate`: hold an ensemble against observed data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sim.cli.common import (
    FORCE,
    RUNS,
    SEED,
    WORKERS,
    finite,
    friendly,
    new_manifest,
    scenario_inputs,
    with_progress,
)
from sim.errors import ResultsError
from sim.outcomes import SERIES
from sim.runs.outpaths import default_out
from sim.scenario.limits import MAX_GENERATIONS
from sim.scenario.load import Scenario, load
from sim.scenario.workload import check_work
from sim.text import printable

_OBSERVED = click.option("--observed", required=True, type=click.Path(path_type=Path),
                         help="CSV of observed values: a `time` column (with UTC offset) and a "
                              "value column.")
_SERIES = click.option("--series", type=click.Choice(SERIES), default="departed",
                       show_default=True, help="The simulated series the values are compared with.")
_COLUMN = click.option("--column", help="Observed value column [default: the one numeric column].")


def _observed(sc: Scenario, path: Path, series: str, column: str | None) -> Any:
    from sim.fitting.observed import CUMULATIVE, read

    p = sc.params
    return read(path, p.start, p.horizon_days, column, cumulative=series in CUMULATIVE)



@click.command("validate")
@click.argument("source", type=click.Path(path_type=Path))
@_OBSERVED
@_SERIES
@_COLUMN
@click.option("--runs", type=RUNS, help="Replications [default: the scenario's].")
@SEED
@WORKERS
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder for validation.json and the figure "
                   "[default: results/<scenario>/validation-<timestamp>].")
@FORCE
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@friendly
def validate_command(source: Path, observed: Path, series: str, column: str | None,
                     runs: int | None, seed: int | None, workers: int | None, out: Path | None,
                     force: bool, quiet: bool) -> None:
    """Compare an ensemble with observed data: band coverage, relative difference, timing.

    SOURCE is a scenario file (run here) or a results folder (its replications are used).

    \b
    Example:
      sim validate scenarios/historical_2023.toml --observed data/nk2023_arrivals_early.csv
    """
    from sim.figures.fit import validation_figures
    from sim.fitting import validate as v
    from sim.runs import folder as results
    from sim.runs.ensemble import run_ensemble

    if source.is_dir():
        if runs is not None or seed is not None:
            raise ResultsError(f"{source}: --runs and --seed apply to a scenario file; a results "
                               "folder already holds its replications")
        ens, _ = results.read(source)
        sc = ens.scenario
    else:
        sc = load(source)
    data = _observed(sc, observed, series, column)
    out = out or default_out("validation", sc.name)
    inputs = [source, observed, *([] if source.is_dir() else scenario_inputs(sc))]
    results.check_target(out, force, inputs)
    if not source.is_dir():
        n, s = runs or sc.params.runs, sc.params.seed if seed is None else seed
        check_work([(sc, n)], workers=workers)
        ens = with_progress(quiet, n, lambda tick: run_ensemble(sc, n, s, workers=workers,
                                                                 progress=tick))
    result = v.validate(ens, data, series)
    manifest = new_manifest("validation", scenario=sc.name, seed=ens.seed, runs=ens.runs,
                            scenario_sha256=sc.digest(), observed=str(observed), series=series)
    v.write(result, ens, out, force, manifest=manifest, inputs=inputs,
            figures=validation_figures)
    click.echo(v.report(result))
    click.echo(f"Validation: {printable(out)}")


@click.command("calibrate")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@_OBSERVED
@click.option("--params", required=True,
              help="Uncertain parameters to calibrate, comma-separated dotted paths.")
@click.option("--keep", type=click.FloatRange(0, 1, min_open=True), default=0.05, callback=finite,
              show_default=True, help="Share of replications kept: those closest to the data.")
@_SERIES
@_COLUMN
@click.option("--runs", type=RUNS, default=4000, show_default=True,
              help="Replications per generation (the first draws from the priors).")
@click.option("--generations", type=click.IntRange(0, MAX_GENERATIONS), default=3,
              show_default=True,
              help="Sequential Monte Carlo generations after the first; 0: plain rejection.")
@click.option("--predictive-runs", type=RUNS, default=500, show_default=True,
              help="Replications of the calibrated scenario, for the posterior fan chart.")
@SEED
@WORKERS
@click.option("--out", type=click.Path(path_type=Path),
              help="Results folder [default: results/<scenario>/calibration-<timestamp>].")
@FORCE
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@friendly
def calibrate_command(scenario: Path, observed: Path, params: str, keep: float, series: str,
                      column: str | None, runs: int, generations: int, predictive_runs: int,
                      seed: int | None,
                      workers: int | None, out: Path | None, force: bool, quiet: bool) -> None:
    """Calibrate uncertain parameters on observed data (approximate Bayesian computation).

    Runs the scenario (each replication draws its parameters from their priors) and keeps the
    --keep share closest to the data; each further generation perturbs the kept sets, runs
    them and keeps the closest again (sequential Monte Carlo). Writes posterior.csv, a scenario
    that extends SCENARIO and draws the parameters jointly from it, calibration.json, figures.

    \b
    Example:
      sim calibrate scenarios/historical_2023.toml --observed data/nk2023_arrivals_early.csv \\
        --params outflow.corridor_capacity_per_hour,world.population_people --runs 4000
    """
    from sim.figures.fit import calibration_figures
    from sim.fitting import calibrate as cal
    from sim.fitting import calibrated
    from sim.fitting.validate import report
    from sim.runs import folder as results

    sc = load(scenario)
    names = cal.check_params(sc, [p.strip() for p in params.split(",") if p.strip()])
    cal.check_generations(sc, names, generations)
    data = _observed(sc, observed, series, column)
    # the first generation is kept to the end, beside one more and then the predictive runs
    check_work([(sc, runs)] * (1 + generations) + [(sc, predictive_runs)], workers=workers,
               kept=3)
    out = out or default_out("calibration", sc.name)
    inputs = [observed, *scenario_inputs(sc)]
    results.check_target(out, force, inputs)
    seed = sc.params.seed if seed is None else seed
    fit, prior = with_progress(quiet, runs * (1 + generations), lambda tick: cal.calibrate(
        sc, data, names, keep, runs, seed, series, generations, workers=workers, progress=tick))
    manifest = new_manifest("calibration", scenario=sc.name, seed=seed, runs=runs,
                            scenario_sha256=sc.digest(), observed=str(observed), series=series)
    _, predictive = calibrated.write(fit, prior, out, predictive_runs, force, workers=workers,
                                     manifest=manifest, inputs=inputs,
                                     figures=calibration_figures)
    click.echo(calibrated.report(fit))
    click.echo(f"Posterior predictive, {predictive_runs} replications of the calibrated scenario:")
    click.echo(report(predictive))
    click.echo(f"Calibration: {printable(out)}")


