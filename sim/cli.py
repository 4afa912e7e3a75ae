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
from sim.results import ResultsError
from sim.scenario import Scenario, ScenarioError, load


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input ends with one clear line on stderr and exit status 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ScenarioError, ResultsError) as err:
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
    """


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--runs", type=click.IntRange(min=1), help="Replications [default: the scenario's].")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed [default: the scenario's].")
@click.option("--workers", type=click.IntRange(min=1), help="Processes [default: all cores].")
@click.option("--executor", type=click.Choice(["serial", "local"]), default="local",
              show_default=True, help="Where replications run.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Results folder [default: results/<scenario>/<timestamp>].")
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
@click.option("--no-figures", is_flag=True, help="Skip drawing the standard figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or table.")
@friendly
def run(scenario: Path, runs: int | None, seed: int | None, workers: int | None, executor: str,
        out: Path | None, force: bool, no_figures: bool, quiet: bool) -> None:
    """Run a scenario many times and write a results folder.

    \b
    Example:
      sim run scenarios/baseline.toml --runs 500 --seed 7 --out results/mine
    """
    from sim import results
    from sim.ensemble import run_ensemble
    from sim.report import table

    sc = load(scenario)
    runs = runs or sc.params.runs
    seed = sc.params.seed if seed is None else seed
    out = out or Path("results") / sc.name / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    results.check_target(out, force)
    began = time.perf_counter()
    ens = _with_progress(quiet, runs, lambda tick: run_ensemble(
        sc, runs, seed, executor=executor, workers=workers, progress=tick))
    manifest = {"scenario": sc.name, "seed": seed, "runs": runs, "version": __version__,
                "scenario_sha256": sc.digest(), "command": " ".join(["sim", *sys.argv[1:]]),
                "executor": executor, "workers": workers or os.cpu_count(),
                "wall_time_seconds": round(time.perf_counter() - began, 3),
                "created": datetime.now(UTC).isoformat(timespec="seconds")}
    figures = None if no_figures else _figures(ens)
    results.write(ens, out, manifest, figures, force=force)
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
@click.option("--replication", "-r", type=click.IntRange(min=0), default=0, show_default=True,
              help="Which replication to tell.")
@click.option("--seed", type=click.IntRange(min=0),
              help="Random seed [default: the scenario's, or the results folder's].")
@friendly
def story(source: Path, replication: int, seed: int | None) -> None:
    """Tell one replication as a dated story, in the scenario's names.

    SOURCE is a scenario file or a results folder (its scenario and seed are used).

    \b
    Example:
      sim story scenarios/baseline.toml --replication 3
    """
    from sim.model import run_replication
    from sim.story import tell

    sc, default_seed = _scenario_and_seed(source)
    seed = default_seed if seed is None else seed
    click.echo(tell(sc, run_replication(sc, replication, seed), replication, seed))


def _scenario_and_seed(source: Path) -> tuple[Scenario, int]:
    if source.is_dir():
        from sim import results

        ens, manifest = results.read(source)
        return ens.scenario, int(manifest["seed"])
    sc = load(source)
    return sc, sc.params.seed
