"""`sim run`, `sim check`, `sim story`: one scenario, its ensemble and its stories."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim import __version__
from sim.cli.common import (
    NO_FIGURES,
    RUNS,
    SEED,
    WORKERS,
    figure_writer,
    friendly,
    new_manifest,
    scenario_and_seed,
    scenario_inputs,
    scheduler_address,
    with_progress,
)
from sim.errors import ResultsError
from sim.runs.interrupts import Terminated, is_full, kept, no_space, sigterm_as_ctrl_c, stopped
from sim.runs.outpaths import default_out
from sim.scenario.load import ScenarioError, load
from sim.text import printable

if TYPE_CHECKING:
    from sim.runs.checkpoint import Checkpoint


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
    from sim.analysis.report import table
    from sim.runs import checkpoint
    from sim.runs import folder as results
    from sim.runs.ensemble import chunks, run_ensemble
    from sim.runs.executors import ExecutorError
    from sim.scenario import workload

    executor = "dask" if scheduler else executor
    if resume:
        if out and out != resume:
            raise click.UsageError("give --resume DIR or --out DIR, not both")
        out = resume
        cp = checkpoint.resume(out, {"seed": seed, "runs": runs, "version": __version__})
        sc = checkpoint.resume_scenario(cp, scenario)
        runs, seed, chunk_size = cp.info["runs"], cp.info["seed"], cp.info["chunk_size"]
        series = series or cp.info["series"]
    elif scenario is None:
        raise click.UsageError("give a SCENARIO file to run (or --resume DIR)")
    else:
        sc = load(scenario)
    runs = runs or sc.params.runs
    seed = sc.params.seed if seed is None else seed
    series = series or "full"
    workload.check_work([(sc, runs)], series, workers, chunk_size, quantiles_option=True)
    out = out or default_out("run", sc.name)
    inputs = scenario_inputs(sc)
    results.check_target(out, force, inputs)
    chunk_size = chunks(runs, workers or os.cpu_count() or 1, chunk_size)[0][1]
    if not resume:
        try:
            cp = checkpoint.create(out, {"scenario": sc.name, "scenario_sha256": sc.digest(),
                                         "seed": seed, "runs": runs, "version": __version__,
                                         "chunk_size": chunk_size, "series": series}, sc,
                                    force=force)
        except OSError as err:
            if not is_full(err):
                raise
            raise ResultsError(f"{no_space(err, out)}; nothing was saved; free space and run "
                               "the command again") from None
    began = time.perf_counter()
    try:
        with sigterm_as_ctrl_c():
            ens = with_progress(quiet, runs, lambda tick: run_ensemble(
                sc, runs, seed, executor=executor, workers=workers, progress=tick,
                series=series, chunk_size=chunk_size, checkpoint=cp, scheduler=scheduler))
            manifest = new_manifest(
                "run", scenario=sc.name, seed=seed, runs=runs, scenario_sha256=sc.digest(),
                executor=executor, workers=workers or os.cpu_count(), scheduler=scheduler,
                series=series, chunk_size=chunk_size, resumed=bool(resume),
                wall_time_seconds=round(time.perf_counter() - began, 3))
            figures = None if no_figures else figure_writer(ens)
            try:
                results.write(ens, out, manifest, figures, force=force, inputs=inputs)
            except OSError as err:
                if is_full(err):
                    err.filename = str(out)  # the hidden folder it was writing is gone
                raise
    except KeyboardInterrupt as err:
        code, why = (143, "Terminated") if isinstance(err, Terminated) else (130, "Interrupted")
        click.echo("\n" + stopped(cp, out, runs, why), err=True)
        sys.exit(code)
    except ExecutorError as err:
        click.echo(f"error: {err}\n" + stopped(cp, out, runs, "Stopped"), err=True)
        sys.exit(1)
    except OSError as err:
        if not is_full(err):
            _drop_if_empty(cp)
            raise
        click.echo(f"error: {no_space(err, out)}; {kept(cp, out, runs)}", err=True)
        sys.exit(2)
    except BaseException:
        _drop_if_empty(cp)
        raise
    cp.remove()
    if not quiet:
        click.echo(table(ens.rows, sc.params.end_states.labels.model_dump()))
    click.echo(f"Results: {printable(out)}"
               + ("" if no_figures else f"\nFigures: {printable(out / 'figures')}"))


def _drop_if_empty(cp: Checkpoint) -> None:
    if not cp.completed():
        cp.remove()  # nothing worth resuming


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
    from sim.analysis.story import tell
    from sim.model.replication import run_replication

    if picks:
        from sim.analysis.pick import tell_picks

        if replication is not None:
            raise click.UsageError("give --replication or --pick, not both")
        click.echo(tell_picks(source, picks, runs, seed))
        return
    sc, default_seed = scenario_and_seed(source)
    seed = default_seed if seed is None else seed
    replication = replication or 0
    click.echo(tell(sc, run_replication(sc, replication, seed), replication, seed))


