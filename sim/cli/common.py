"""What every command shares: options, friendly errors, the progress bar, the command line."""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sim.errors import ObservedError, OptionError, ResultsError
from sim.runs.executors import address
from sim.scenario import limits
from sim.scenario.load import Scenario, ScenarioError, load
from sim.text import printable

if TYPE_CHECKING:
    from sim.runs.job import Progress

#: Options several commands share, written once.
#: Replications of one ensemble: at most 10^9 (sim/scenario/limits.py), refused while parsing.
RUNS = click.IntRange(1, limits.MAX_RUNS)
WORKERS = click.option("--workers", type=click.IntRange(min=1),
                       callback=lambda ctx, param, value: at_most_4_per_core(value),
                       help="Processes [default: all cores; at most 4 per core].")
SEED = click.option("--seed", type=click.IntRange(min=0),
                    help="Random seed [default: the scenario's].")
FORCE = click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
NO_FIGURES = click.option("--no-figures", is_flag=True, help="Skip drawing the figures.")


def scheduler_address(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """Refuse an address Dask cannot parse before anything starts (or is written)."""
    try:
        return address(value)
    except OptionError as err:
        raise click.BadParameter(str(err)) from None


def at_most_4_per_core(workers: int | None) -> int | None:
    """More than 4 processes per core only thrash, and a pool forks all of them at once."""
    most = 4 * (os.cpu_count() or 1)
    if workers is not None and workers > most:
        raise click.BadParameter(f"{workers} is more than 4 processes per core ({most} here)",
                                 param_hint="'--workers'")
    return workers


def finite(ctx: click.Context, param: click.Parameter, value: float | None) -> Any:
    """click's FloatRange lets nan through (every comparison with nan is false)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number")
    return value


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input ends with one clear line on stderr and exit status 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ScenarioError, ResultsError, ObservedError, OptionError) as err:
            click.echo(f"error: {printable(err)}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("\ninterrupted: nothing was written", err=True)
            sys.exit(130)

    return wrapper


class Bar:
    """A progress bar on stderr, then a line for each step after it ("drawing figures..."),
    shown only when stderr is a terminal and not --quiet (stdout keeps only the results)."""

    def __init__(self, quiet: bool) -> None:
        self.shown = not quiet and sys.stderr.isatty()

    @contextlib.contextmanager
    def __call__(self, total: int) -> Iterator[Callable[[int], Any]]:
        from tqdm import tqdm

        with tqdm(total=total, unit="run", file=sys.stderr, disable=not self.shown) as progress:
            yield progress.update

    def say(self, doing: str) -> None:
        if self.shown:
            click.echo(doing, err=True)


def bar(quiet: bool) -> Progress:
    """The command's progress: a bar and what happens after it, on stderr."""
    return Bar(quiet)


def command_line() -> str:
    """The command as typed, for manifest.json."""
    return " ".join(["sim", *sys.argv[1:]])


def scenario_and_seed(source: Path) -> tuple[Scenario, int, int | None]:
    """A scenario file's scenario and seed, or a results folder's and how many runs it holds."""
    if source.is_dir():
        from sim.runs import folder as results

        ens, manifest = results.read(source)
        return ens.scenario, int(manifest["seed"]), ens.runs
    sc = load(source)
    return sc, sc.params.seed, None
