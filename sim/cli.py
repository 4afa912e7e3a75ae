"""Command wiring: `sim run`, `sim check`, `sim story`."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from sim import __version__
from sim.model import SERIES
from sim.observed import ObservedError
from sim.results import ResultsError
from sim.scenario import Scenario, ScenarioError, load


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input ends with one clear line on stderr and exit status 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ScenarioError, ResultsError, ObservedError) as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="peacesim")
def main() -> None:
    """peacesim: talks, a fragile ceasefire and a population deciding whether to stay.

    \b
    Examples:
      sim run scenarios/baseline.toml --runs 200
      sim check scenarios/*.toml
      sim story scenarios/baseline.toml --replication 3
      sim validate scenarios/historical_2023.toml --observed data/nk2023_arrivals_early.csv
      sim calibrate scenarios/historical_2023.toml --observed data/nk2023_arrivals_early.csv \\
        --params outflow.corridor_capacity_per_hour
      sim compare scenarios/baseline.toml scenarios/peacekeepers_withdraw.toml --runs 300
      sim sweep scenarios/baseline.toml --set ceasefire.peacekeeper_deterrence=0,0.5,1
      sim plot results/baseline/demo      (and: sim summary results/baseline/demo)
    """


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--runs", type=click.IntRange(min=1), help="Replications [default: the scenario's].")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed [default: the scenario's].")
@click.option("--workers", type=click.IntRange(min=1), help="Processes [default: all cores].")
@click.option("--executor", type=click.Choice(["serial", "local", "dask"]), default="local",
              show_default=True, help="Where replications run (dask: a LocalCluster, or the "
              "--scheduler).")
@click.option("--scheduler", metavar="ADDRESS",
              help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --executor dask).")
@click.option("--series", type=click.Choice(["full", "quantiles"]),
              help="Keep every replication's series, or only per-time quantiles (memory stays "
                   "flat for huge runs) [default: full].")
@click.option("--chunk-size", type=click.IntRange(min=1),
              help="Replications per chunk, the unit of work and of checkpoints [default: auto].")
@click.option("--out", type=click.Path(path_type=Path),
              help="Results folder [default: results/<scenario>/<timestamp>].")
@click.option("--resume", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Continue the interrupted run into DIR from its saved chunks.")
@click.option("--force", is_flag=True,
              help="Replace --out if it exists and is not empty (or an interrupted run into it).")
@click.option("--no-figures", is_flag=True, help="Skip drawing the standard figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or table.")
@friendly
def run(scenario: Path | None, runs: int | None, seed: int | None, workers: int | None,
        executor: str, scheduler: str | None, series: str | None, chunk_size: int | None,
        out: Path | None, resume: Path | None, force: bool, no_figures: bool,
        quiet: bool) -> None:
    """Run a scenario many times and write a results folder.

    Finished chunks are saved next to the results folder as the run goes; after Ctrl-C or a
    crash, --resume DIR runs only what is missing and gives the same results.

    \b
    Examples:
      sim run scenarios/baseline.toml --runs 500 --seed 7 --out results/mine
      sim run --resume results/mine
      sim run scenarios/baseline.toml --runs 100000 --series quantiles --executor dask
    """
    from sim import checkpoint, results
    from sim.ensemble import chunks, run_ensemble
    from sim.executors import ExecutorError
    from sim.report import table

    executor = "dask" if scheduler else executor
    if resume:
        if out and out != resume:
            raise click.UsageError("give --resume DIR or --out DIR, not both")
        out = resume
        cp = checkpoint.resume(out, {"seed": seed, "runs": runs, "version": __version__})
        sc = checkpoint.resume_scenario(cp, scenario)
        cp = checkpoint.resume(out, {"scenario_sha256": sc.digest()})
        runs, seed, chunk_size = cp.info["runs"], cp.info["seed"], cp.info["chunk_size"]
        series = series or cp.info["series"]
    elif scenario is None:
        raise click.UsageError("give a SCENARIO file to run (or --resume DIR)")
    else:
        sc = load(scenario)
    runs = runs or sc.params.runs
    seed = sc.params.seed if seed is None else seed
    series = series or "full"
    out = out or Path("results") / sc.name / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    results.check_target(out, force)
    chunk_size = chunks(runs, workers or os.cpu_count() or 1, chunk_size)[0][1]
    if not resume:
        cp = checkpoint.create(out, {"scenario": sc.name, "scenario_sha256": sc.digest(),
                                     "seed": seed, "runs": runs, "version": __version__,
                                     "chunk_size": chunk_size, "series": series}, sc.to_toml(),
                                force=force)
    began = time.perf_counter()
    try:
        ens = _with_progress(quiet, runs, lambda tick: run_ensemble(
            sc, runs, seed, executor=executor, workers=workers, progress=tick, series=series,
            chunk_size=chunk_size, checkpoint=cp, scheduler=scheduler))
        manifest = {"scenario": sc.name, "seed": seed, "runs": runs, "version": __version__,
                    "scenario_sha256": sc.digest(), "command": " ".join(["sim", *sys.argv[1:]]),
                    "executor": executor, "workers": workers or os.cpu_count(),
                    "scheduler": scheduler, "series": series, "chunk_size": chunk_size,
                    "resumed": bool(resume),
                    "wall_time_seconds": round(time.perf_counter() - began, 3),
                    "created": datetime.now(UTC).isoformat(timespec="seconds")}
        figures = None if no_figures else _figures(ens)
        results.write(ens, out, manifest, figures, force=force)
    except KeyboardInterrupt:
        click.echo("\n" + checkpoint.stopped(cp, out, runs, "Interrupted"), err=True)
        sys.exit(130)
    except ExecutorError as err:
        click.echo(f"error: {err}\n" + checkpoint.stopped(cp, out, runs, "Stopped"), err=True)
        sys.exit(1)
    except BaseException:
        if not cp.completed():
            cp.remove()  # nothing worth resuming
        raise
    cp.remove()
    if not quiet:
        click.echo(table(ens.rows, sc.params.end_states.labels.model_dump()))
    click.echo(f"Results: {out}" + ("" if no_figures else f"\nFigures: {out / 'figures'}"))


def _with_progress(quiet: bool, total: int, work: Callable[[Callable[[int], Any]], Any]) -> Any:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="run", file=sys.stderr,
               disable=quiet or not sys.stderr.isatty())
    with bar:
        return work(bar.update)


def _figures(ens: Any) -> Callable[[Path], None]:
    def draw(folder: Path) -> None:
        from sim.plots import save_standard_figures

        save_standard_figures(ens, folder)

    return draw


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Validate scenario files and say what is wrong with each.

    \b
    Example:
      sim check scenarios/*.toml
    """
    bad = 0
    for path in files:
        try:
            sc = load(path)
        except ScenarioError as err:
            bad += 1
            click.echo(f"error: {err}", err=True)
            continue
        uncertain = f", {len(sc.distributions)} uncertain parameters" if sc.distributions else ""
        click.echo(f"ok: {path} ({sc.name}: {sc.params.horizon_days:g} days, "
                   f"{len(sc.params.events)} timeline events{uncertain})")
    if bad:
        sys.exit(2)


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--replication", "-r", type=click.IntRange(min=0),
              help="Which replication to tell [default: 0].")
@click.option("--pick", "picks", multiple=True, type=click.Choice(["typical", "best", "worst"]),
              help="Tell a representative replication of the ensemble instead: typical (the "
                   "most common end, closest to the median run), best or worst (least or most "
                   "harm = people killed + 100 x share who left). Repeat for several.")
@click.option("--runs", type=click.IntRange(min=1),
              help="With --pick and a scenario file: replications to pick from "
                   "[default: the scenario's].")
@click.option("--seed", type=click.IntRange(min=0),
              help="Random seed [default: the scenario's, or the results folder's].")
@friendly
def story(source: Path, replication: int | None, picks: tuple[str, ...], runs: int | None,
          seed: int | None) -> None:
    """Tell one replication as a dated story, in the scenario's names.

    SOURCE is a scenario file or a results folder (its scenario and seed are used).

    \b
    Examples:
      sim story scenarios/baseline.toml --replication 3
      sim story results/baseline/demo --pick typical --pick worst
    """
    from sim.model import run_replication
    from sim.story import tell

    if picks:
        from sim.pick import tell_picks

        if replication is not None:
            raise click.UsageError("give --replication or --pick, not both")
        click.echo(tell_picks(source, picks, runs, seed))
        return
    sc, default_seed = _scenario_and_seed(source)
    seed = default_seed if seed is None else seed
    replication = replication or 0
    click.echo(tell(sc, run_replication(sc, replication, seed), replication, seed))


def _scenario_and_seed(source: Path) -> tuple[Scenario, int]:
    if source.is_dir():
        from sim import results

        ens, manifest = results.read(source)
        return ens.scenario, int(manifest["seed"])
    sc = load(source)
    return sc, sc.params.seed


_OBSERVED = click.option("--observed", required=True, type=click.Path(path_type=Path),
                         help="CSV of observed values: a `time` column (with UTC offset) and a "
                              "value column.")
_SERIES = click.option("--series", type=click.Choice(SERIES), default="departed",
                       show_default=True, help="The simulated series the values are compared with.")
_COLUMN = click.option("--column", help="Observed value column [default: the one numeric column].")


def _observed(sc: Scenario, path: Path, series: str, column: str | None) -> Any:
    from sim.observed import CUMULATIVE, read

    p = sc.params
    return read(path, p.start, p.horizon_days, column, cumulative=series in CUMULATIVE)


def _default_out(sc: Scenario, what: str) -> Path:
    return Path("results") / sc.name / f"{what}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"


@main.command("validate")
@click.argument("source", type=click.Path(path_type=Path))
@_OBSERVED
@_SERIES
@_COLUMN
@click.option("--runs", type=click.IntRange(min=1), help="Replications [default: the scenario's].")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed [default: the scenario's].")
@click.option("--workers", type=click.IntRange(min=1), help="Processes [default: all cores].")
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder for validation.json and the figure "
                   "[default: results/<scenario>/validation-<timestamp>].")
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
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
    from sim import results
    from sim import validate as v
    from sim.ensemble import run_ensemble

    if source.is_dir():
        if runs is not None or seed is not None:
            raise ResultsError(f"{source}: --runs and --seed apply to a scenario file; a results "
                               "folder already holds its replications")
        ens, _ = results.read(source)
        sc = ens.scenario
    else:
        sc = load(source)
    data = _observed(sc, observed, series, column)
    out = out or _default_out(sc, "validation")
    results.check_target(out, force)
    if not source.is_dir():
        n, s = runs or sc.params.runs, sc.params.seed if seed is None else seed
        ens = _with_progress(quiet, n, lambda tick: run_ensemble(sc, n, s, workers=workers,
                                                                 progress=tick))
    result = v.validate(ens, data, series)
    v.write(result, ens, out, force)
    click.echo(v.report(result))
    click.echo(f"Validation: {out}")


@main.command("calibrate")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@_OBSERVED
@click.option("--params", required=True,
              help="Uncertain parameters to calibrate, comma-separated dotted paths.")
@click.option("--keep", type=click.FloatRange(0, 1, min_open=True), default=0.05,
              show_default=True, help="Share of replications kept: those closest to the data.")
@_SERIES
@_COLUMN
@click.option("--runs", type=click.IntRange(min=1), default=4000, show_default=True,
              help="Replications per generation (the first draws from the priors).")
@click.option("--generations", type=click.IntRange(min=0), default=3, show_default=True,
              help="Sequential Monte Carlo generations after the first; 0: plain rejection.")
@click.option("--predictive-runs", type=click.IntRange(min=1), default=500, show_default=True,
              help="Replications of the calibrated scenario, for the posterior fan chart.")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed [default: the scenario's].")
@click.option("--workers", type=click.IntRange(min=1), help="Processes [default: all cores].")
@click.option("--out", type=click.Path(path_type=Path),
              help="Results folder [default: results/<scenario>/calibration-<timestamp>].")
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
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
    from sim import calibrate as cal
    from sim import calibrated, results
    from sim.validate import report

    sc = load(scenario)
    names = cal.check_params(sc, [p.strip() for p in params.split(",") if p.strip()])
    cal.check_generations(sc, names, generations)
    data = _observed(sc, observed, series, column)
    out = out or _default_out(sc, "calibration")
    results.check_target(out, force)
    seed = sc.params.seed if seed is None else seed
    fit, prior = _with_progress(quiet, runs * (1 + generations), lambda tick: cal.calibrate(
        sc, data, names, keep, runs, seed, series, generations, workers=workers, progress=tick))
    _, predictive = calibrated.write(fit, prior, out, predictive_runs, force, workers=workers)
    click.echo(calibrated.report(fit))
    click.echo(f"Posterior predictive, {predictive_runs} replications of the calibrated scenario:")
    click.echo(report(predictive))
    click.echo(f"Calibration: {out}")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _manifest(**more: Any) -> dict[str, Any]:
    return {"command": " ".join(["sim", *sys.argv[1:]]), "version": __version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"), **more}


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--runs", type=click.IntRange(min=1),
              help="Replications of each scenario file [default: the first results folder's, "
                   "else the first scenario's].")
@click.option("--seed", type=click.IntRange(min=0),
              help="Seed of every scenario file [default: as --runs].")
@click.option("--workers", type=click.IntRange(min=1), help="Processes [default: all cores].")
@click.option("--out", type=click.Path(path_type=Path),
              help="Comparison folder [default: results/compare/<timestamp>].")
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
@click.option("--no-figures", is_flag=True, help="Skip drawing the figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@friendly
def compare(inputs: tuple[Path, ...], runs: int | None, seed: int | None, workers: int | None,
            out: Path | None, force: bool, no_figures: bool, quiet: bool) -> None:
    """Compare scenarios' outcomes with the first one's.

    Each INPUT is a scenario file or a results folder of `sim run` (mixing is allowed).
    Scenario files all run with one seed, so replication k of each shares its random numbers
    and differences are paired; folders run with another seed or number of runs are compared
    as independent samples. Writes comparison.csv, summary.txt and figures, and prints each
    difference whose 95% interval excludes zero.

    \b
    Examples:
      sim compare scenarios/baseline.toml scenarios/peacekeepers_withdraw.toml --runs 500
      sim compare results/baseline/demo scenarios/early_guarantees.toml
    """
    import json

    from sim import compare as comparing
    from sim.folders import atomic_folder
    from sim.results import check_target

    if len(inputs) < 2:
        raise click.UsageError("give at least two scenario files or results folders")
    loaded = [comparing.read_input(path) for path in inputs]
    runs, seed = comparing.defaults(loaded, runs, seed)
    out = out or Path("results") / "compare" / _stamp()
    check_target(out, force)
    entries = _with_progress(quiet, runs * len(inputs), lambda tick: comparing.gather(
        inputs, loaded, runs, seed, workers=workers, progress=tick))
    comp = comparing.compare(entries)
    lines = comparing.summary(comp)
    manifest = _manifest(inputs=[
        {"source": e.source, "label": e.label, "scenario": e.ensemble.scenario.name,
         "description": e.ensemble.scenario.params.description, "seed": e.ensemble.seed,
         "runs": e.ensemble.runs, "paired_with_first": p,
         "scenario_sha256": e.ensemble.scenario.digest()}
        for e, p in zip(comp.entries, comp.paired, strict=True)])
    with atomic_folder(out, force) as tmp:
        (tmp / "comparison.csv").write_text(comparing.comparison_csv(comp.rows))
        (tmp / "summary.txt").write_text("\n".join(lines) + "\n")
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        if not no_figures:
            from sim.compare_plots import save_comparison_figures

            save_comparison_figures(comp, tmp / "figures")
    if not quiet:
        click.echo("\n".join(lines))
    click.echo(f"Comparison: {out}" + ("" if no_figures else f"\nFigures: {out / 'figures'}"))


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--set", "sets", multiple=True, required=True, metavar="PATH=VALUES",
              help="A parameter and its values: v1,v2,... or start:stop:count (ends included). "
                   "Once or twice.")
@click.option("--runs", type=click.IntRange(min=1), help="Replications per grid point "
              "[default: the scenario's].")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed [default: the scenario's].")
@click.option("--workers", type=click.IntRange(min=1), help="Processes [default: all cores].")
@click.option("--out", type=click.Path(path_type=Path),
              help="Sweep folder [default: results/sweep/<scenario>-<timestamp>].")
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
@click.option("--no-figures", is_flag=True, help="Skip drawing the figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or table.")
@friendly
def sweep(scenario: Path, sets: tuple[str, ...], runs: int | None, seed: int | None,
          workers: int | None, out: Path | None, force: bool, no_figures: bool,
          quiet: bool) -> None:
    """Run a scenario over a grid of one or two parameters.

    Every grid point runs with the same seed (common random numbers). Writes sweep.csv (one
    row per grid point: the values, each probability and median with its 95% interval) and
    figures of each main outcome against the parameter(s).

    \b
    Examples:
      sim sweep scenarios/baseline.toml --set ceasefire.peacekeeper_deterrence=0,0.5,1
      sim sweep scenarios/baseline.toml --set outflow.corridor_capacity_per_hour=200:1000:5 \\
          --set world.trust=0.1,0.3,0.5 --runs 200
    """
    import json

    from sim import sweep as sweeping
    from sim.folders import atomic_folder
    from sim.results import check_target

    sc = load(scenario)
    axes = [sweeping.parse_set(text) for text in sets]
    points = sweeping.grid(sc, axes)
    runs = runs or sc.params.runs
    seed = sc.params.seed if seed is None else seed
    out = out or Path("results") / "sweep" / f"{sc.name}-{_stamp()}"
    check_target(out, force)
    result = _with_progress(quiet, runs * len(points), lambda tick: sweeping.run_sweep(
        sc, axes, points, runs, seed, workers=workers, progress=tick))
    table = sweeping.rows(result)
    manifest = _manifest(scenario=sc.name, seed=seed, runs=runs, scenario_sha256=sc.digest(),
                         axes={a.path: list(a.values) for a in axes})
    with atomic_folder(out, force) as tmp:
        (tmp / "sweep.csv").write_text(sweeping.sweep_csv(table))
        (tmp / "scenario.toml").write_text(sc.to_toml())
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        if not no_figures:
            from sim.sweep_plots import save_sweep_figures

            save_sweep_figures(result, table, tmp / "figures")
    if not quiet:
        click.echo(sweeping.text_table(result, table))
    click.echo(f"Sweep: {out}" + ("" if no_figures else f"\nFigures: {out / 'figures'}"))


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@friendly
def plot(folder: Path) -> None:
    """Redraw the standard figures of a results folder.

    The figures go to the folder's figures/ subfolder, replacing those there.

    \b
    Example:
      sim plot results/baseline/demo
    """
    from sim.compare import read_folder
    from sim.plots import save_standard_figures

    ens = read_folder(folder)
    for path in save_standard_figures(ens, folder / "figures"):
        click.echo(f"Figure: {path}")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@friendly
def summary(folder: Path) -> None:
    """Print the outcome table of a results folder.

    \b
    Example:
      sim summary results/baseline/demo
    """
    from sim.compare import read_folder
    from sim.report import table

    ens = read_folder(folder)
    click.echo(f"{ens.scenario.name}: {ens.runs} replications, seed {ens.seed} ({folder})")
    click.echo(table(ens.rows, ens.scenario.params.end_states.labels.model_dump()))
