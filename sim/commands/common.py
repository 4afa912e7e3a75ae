"""What every command shares: friendly errors, the progress bar, output folders, manifests."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from sim import __version__, limits
from sim.observed import ObservedError
from sim.results import ResultsError
from sim.scenario import Scenario, ScenarioError, load

#: Options several commands share, written once.
#: Replications of one ensemble: at most 10^9 (sim/limits.py), refused while parsing.
RUNS = click.IntRange(1, limits.MAX_RUNS)
WORKERS = click.option("--workers", type=click.IntRange(1, limits.MAX_WORKERS),
                       help="Processes [default: all cores].")
SEED = click.option("--seed", type=click.IntRange(min=0),
                    help="Random seed [default: the scenario's].")
FORCE = click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
NO_FIGURES = click.option("--no-figures", is_flag=True, help="Skip drawing the figures.")


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input ends with one clear line on stderr and exit status 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ScenarioError, ResultsError, ObservedError) as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("\ninterrupted: nothing was written", err=True)
            sys.exit(130)

    return wrapper


def with_progress(quiet: bool, total: int, work: Callable[[Callable[[int], Any]], Any]) -> Any:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="run", file=sys.stderr,
               disable=quiet or not sys.stderr.isatty())
    with bar:
        return work(bar.update)


def figure_writer(ens: Any) -> Callable[[Path], None]:
    def draw(folder: Path) -> None:
        from sim.plots import save_standard_figures

        save_standard_figures(ens, folder)

    return draw


def scenario_and_seed(source: Path) -> tuple[Scenario, int]:
    if source.is_dir():
        from sim import results

        ens, manifest = results.read(source)
        return ens.scenario, int(manifest["seed"])
    sc = load(source)
    return sc, sc.params.seed


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def new_manifest(**more: Any) -> dict[str, Any]:
    return {"command": " ".join(["sim", *sys.argv[1:]]), "version": __version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"), **more}



def default_out(sc: Scenario, what: str) -> Path:
    return Path("results") / sc.name / f"{what}-{stamp()}"
