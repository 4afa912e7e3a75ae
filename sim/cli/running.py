"""`sim run`, `sim check`, `sim story`: one scenario, its ensemble and its stories."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sim.cli.common import (
    NO_FIGURES,
    RUNS,
    SEED,
    WORKERS,
    bar,
    command_line,
    finite,
    friendly,
    scenario_and_seed,
    scheduler_address,
)
from sim.errors import ResultsError, RunFailed, RunInterrupted
from sim.runs.executors import SCHEDULER_TIMEOUT
from sim.scenario.load import ScenarioError, load
from sim.text import printable


@click.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--runs", type=RUNS, help="Replications [default: the scenario's].")
@SEED
@WORKERS
@click.option("--executor", type=click.Choice(["serial", "local", "dask"]), default="local",
              show_default=True, help="Where replications run (dask: a LocalCluster, or the "
              "--scheduler).")
@click.option("--scheduler", metavar="ADDRESS", callback=scheduler_address,
              help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --executor dask).")
@click.option("--scheduler-timeout", type=click.FloatRange(min=0, min_open=True),
              callback=finite, default=SCHEDULER_TIMEOUT, show_default=True, metavar="SECONDS",
              help="With --scheduler: how long to wait for the scheduler to answer and have a "
                   "worker; then stop with an error (exit 2), nothing written.")
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
@NO_FIGURES
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or table.")
@friendly
def run(scenario: Path | None, runs: int | None, seed: int | None, workers: int | None,
        executor: str, scheduler: str | None, scheduler_timeout: float, series: str | None,
        chunk_size: int | None, out: Path | None, resume: Path | None, force: bool,
        no_figures: bool, quiet: bool) -> None:
    """Run a scenario many times and write a results folder.

    Finished chunks are saved next to the results folder as the run goes; after Ctrl-C or a
    crash, --resume DIR runs only what is missing and gives the same results.

    \b
    Examples:
      sim run scenarios/baseline.toml --runs 500 --seed 7 --out results/mine
      sim run --resume results/mine
      sim run scenarios/baseline.toml --runs 100000 --series quantiles --executor dask
      sim run scenarios/baseline.toml --scheduler tcp://10.0.0.5:8786 --scheduler-timeout 300
    """
    import sim
    from sim.analysis.report import table

    if resume and out and out != resume:
        raise click.UsageError("give --resume DIR or --out DIR, not both")
    if not resume and scenario is None:
        raise click.UsageError("give a SCENARIO file to run (or --resume DIR)")
    try:
        ens = sim.run(scenario, runs, seed, workers, executor, out or True, bar(quiet),
                      scheduler=scheduler, scheduler_timeout=scheduler_timeout, series=series,
                      chunk_size=chunk_size, resume=resume, force=force,
                      figures=not no_figures, command=command_line())
    except (RunInterrupted, RunFailed) as err:
        click.echo(err.message, err=True)
        sys.exit(err.code)
    if not quiet:
        click.echo(table(ens.rows, ens.scenario.params.end_states.labels.model_dump()))
    assert ens.folder is not None
    click.echo(f"Results: {printable(ens.folder)}"
               + ("" if no_figures else f"\nFigures: {printable(ens.folder / 'figures')}"))


@click.command()
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
            click.echo(f"error: {printable(err)}", err=True)
            continue
        uncertain = f", {len(sc.distributions)} uncertain parameters" if sc.distributions else ""
        click.echo(f"ok: {printable(path)} ({printable(sc.name)}: "
                   f"{sc.params.horizon_days:g} days, "
                   f"{len(sc.params.events)} timeline event"
                   f"{'' if len(sc.params.events) == 1 else 's'}{uncertain})")
    if bad:
        sys.exit(2)


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--replication", "-r", type=click.IntRange(min=0),
              help="Which replication to tell [default: 0].")
@click.option("--pick", "picks", multiple=True, type=click.Choice(["typical", "best", "worst"]),
              help="Tell a representative replication of the ensemble instead: typical (the "
                   "most common end, closest to the median run), best or worst (least or most "
                   "harm = people killed + 100 x share who left). Repeat for several.")
@click.option("--runs", type=RUNS,
              help="With --pick and a scenario file: replications to pick from "
                   "[default: the scenario's].")
@click.option("--seed", type=click.IntRange(min=0),
              help="Random seed [default: the scenario's; a results folder tells only its "
                   "own seed's runs].")
@friendly
def story(source: Path, replication: int | None, picks: tuple[str, ...], runs: int | None,
          seed: int | None) -> None:
    """Tell one replication as a dated story, in the scenario's names.

    SOURCE is a scenario file or a results folder (its scenario and seed are used, and the
    replication must be one of its runs).

    \b
    Examples:
      sim story scenarios/baseline.toml --replication 3
      sim story results/baseline/demo --pick typical --pick worst
    """
    from sim.analysis.story import tell
    from sim.model.replication import run_replication

    if picks:
        from sim.analysis.pick import tell_picks

        if replication is not None:
            raise click.UsageError("give --replication or --pick, not both")
        click.echo(tell_picks(source, picks, runs, seed))
        return
    sc, default_seed, held = scenario_and_seed(source)
    replication = replication or 0
    if held is not None and (replication >= held or seed not in (None, default_seed)):
        raise ResultsError(outside_folder(source, replication, seed, held, default_seed))
    seed = default_seed if seed is None else seed
    click.echo(tell(sc, run_replication(sc, replication, seed), replication, seed))


def outside_folder(folder: Path, replication: int, seed: int | None, held: int,
                   folder_seed: int) -> str:
    """Why a story asked of a results folder is refused: it would tell a run the folder does
    not hold, as if it were one of them; the scenario file tells it as a new run."""
    asked = f"seed {seed}" if seed not in (None, folder_seed) else f"replication {replication}"
    return (f"{printable(folder)}: {asked} is not in this results folder (it holds "
            f"replications 0 to {held - 1:,} of seed {folder_seed}); to tell a new run of its "
            f"scenario, give the scenario file: sim story "
            f"{printable(folder / 'scenario.toml')} --replication {replication} "
            f"--seed {folder_seed if seed is None else seed}")
