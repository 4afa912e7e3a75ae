"""`sim validate` and `sim calibrate`: hold an ensemble against observed data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim.cli.common import FORCE, RUNS, SEED, WORKERS, bar, command_line, finite, friendly
from sim.model.observation import OBSERVED_SERIES
from sim.outcomes import SERIES
from sim.scenario.limits import MAX_GENERATIONS
from sim.text import printable

if TYPE_CHECKING:
    pass

_OBSERVED = click.option("--observed", required=True, type=click.Path(path_type=Path),
                         help="CSV of observed values: a `time` column (with UTC offset) and a "
                              "value column.")
_SERIES = click.option("--series", type=click.Choice(SERIES + OBSERVED_SERIES), default="departed",
                       show_default=True, help="The simulated series the values are compared with "
                       "(arrived, registered: departures seen through the observation model).")
_COLUMN = click.option("--column", help="Observed value column [default: the one numeric column].")


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
    import sim
    from sim.fitting import validate as v

    result = sim.validate(source, observed, series, column, runs, seed, workers, out or True,
                          bar(quiet), force=force, command=command_line())
    click.echo(v.report(result))
    click.echo(f"Validation: {printable(result.folder)}")


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
    import sim
    from sim.fitting import calibrated
    from sim.fitting.validate import report

    done = sim.calibrate(scenario, observed, params, keep, series, column, runs, generations,
                         predictive_runs, seed, workers, out or True, bar(quiet), force=force,
                         command=command_line())
    assert done.predictive is not None and done.folder is not None
    click.echo(calibrated.report(done.fit))
    click.echo(f"Posterior predictive, {predictive_runs} replications of the calibrated scenario:")
    click.echo(report(done.predictive))
    click.echo(f"Calibration: {printable(done.folder)}")


@click.command("backtest")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@_OBSERVED
@click.option("--params", required=True,
              help="Uncertain parameters to calibrate at each origin, comma-separated.")
@click.option("--keep", type=click.FloatRange(0, 1, min_open=True), default=0.1, callback=finite,
              show_default=True, help="Share of replications kept at each generation.")
@_SERIES
@_COLUMN
@click.option("--runs", type=RUNS, default=400, show_default=True,
              help="Replications per generation, at each origin.")
@click.option("--generations", type=click.IntRange(0, MAX_GENERATIONS), default=1,
              show_default=True, help="Sequential Monte Carlo generations after the first.")
@click.option("--predictive-runs", type=RUNS, default=200, show_default=True,
              help="Replications of each origin's calibrated scenario (its forecast).")
@SEED
@WORKERS
@click.option("--out", type=click.Path(path_type=Path),
              help="Results folder [default: results/<scenario>/backtest-<timestamp>].")
@FORCE
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@friendly
def backtest_command(scenario: Path, observed: Path, params: str, keep: float, series: str,
                     column: str | None, runs: int, generations: int, predictive_runs: int,
                     seed: int | None, workers: int | None, out: Path | None, force: bool,
                     quiet: bool) -> None:
    """Rolling-origin backtest: calibrate on the first k observed points, forecast the rest.

    For every k from 2 that leaves at least one point to forecast, calibrates --params on the
    first k points (as `sim calibrate` does), runs the calibrated scenario and scores its
    forecast of the points left out (CRPS, interval scores of the 50% and 90% bands, coverage,
    PIT), beside three null models fitted to the same points: the last rate carried forward, a
    straight line (a queue served at a constant rate) and a logistic curve. Writes
    backtest.json, forecasts.png and pit.png. Needs the scores extra.

    \b
    Example:
      sim backtest scenarios/historical_2023.toml --observed data/nk2023_arrivals_early.csv \\
        --params outflow.corridor_capacity_per_hour --runs 300
    """
    import sim
    from sim.fitting.backtested import report

    done = sim.backtest(scenario, observed, params, keep, series, column, runs, generations,
                        predictive_runs, seed, workers, out or True, bar(quiet), force=force,
                        command=command_line())
    click.echo(report(done))
    click.echo(f"Backtest: {printable(done.folder)}")
