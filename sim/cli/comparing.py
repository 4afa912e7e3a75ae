"""`sim compare`, `sim sweep`, `sim plot`, `sim summary`: outcome distributions side by side."""

from __future__ import annotations

from pathlib import Path

import click

from sim.cli.common import FORCE, NO_FIGURES, RUNS, SEED, WORKERS, bar, command_line, friendly
from sim.runs.outpaths import default_out
from sim.scenario.load import load
from sim.text import literal_figure_text, printable


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--runs", type=RUNS,
              help="Replications of each scenario file [default: the first results folder's, "
                   "else the first scenario's].")
@click.option("--seed", type=click.IntRange(min=0),
              help="Seed of every scenario file [default: as --runs].")
@WORKERS
@click.option("--out", type=click.Path(path_type=Path),
              help="Comparison folder [default: results/compare/<timestamp>].")
@FORCE
@NO_FIGURES
@click.option("--brief", is_flag=True,
              help="Print one line per scenario with its largest clear changes.")
@click.option("--family-wise", is_flag=True,
              help="Holm's correction (any false line unlikely) instead of Benjamini-Hochberg "
                   "(few false lines).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@friendly
def compare(inputs: tuple[Path, ...], runs: int | None, seed: int | None, workers: int | None,
            out: Path | None, force: bool, no_figures: bool, brief: bool, family_wise: bool,
            quiet: bool) -> None:
    """Compare scenarios' outcomes with the first one's.

    Each INPUT is a scenario file or a results folder of `sim run` (mixing is allowed).
    Scenario files all run with one seed, so replication k of each shares its random numbers
    and differences are paired; folders run with another seed or number of runs are compared
    as independent samples. Writes comparison.csv, summary.txt and figures, and prints each
    clear difference: its 95% interval excludes zero and its p-value (exact McNemar for paired
    yes/no outcomes, Fisher's exact unpaired, a permutation test for amounts) is below 0.05
    after the Benjamini-Hochberg correction over all outcomes and scenarios compared.

    \b
    Examples:
      sim compare scenarios/baseline.toml scenarios/peacekeepers_withdraw.toml --runs 500
      sim compare results/baseline/demo scenarios/early_guarantees.toml
      sim compare scenarios/baseline.toml exercises/class/*.toml --runs 100 --brief
    """
    import sim

    if len(inputs) < 2:
        raise click.UsageError("give at least two scenario files or results folders")
    out = out or default_out("compare")
    comp = sim.compare(inputs, runs, seed, workers, out, bar(quiet), force=force,
                       figures=not no_figures, family_wise=family_wise, command=command_line())
    if not quiet:
        click.echo("\n".join(comp.brief() if brief else comp.summary()))
    click.echo(f"Comparison: {printable(out)}"
               + ("" if no_figures else f"\nFigures: {printable(out / 'figures')}"))


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--set", "sets", multiple=True, required=True, metavar="PATH=VALUES",
              help="A parameter and its values: v1,v2,... or start:stop:count (ends included). "
                   "Once or twice.")
@click.option("--runs", type=RUNS, help="Replications per grid point "
              "[default: the scenario's].")
@SEED
@WORKERS
@click.option("--out", type=click.Path(path_type=Path),
              help="Sweep folder [default: results/sweep/<scenario>-<timestamp>].")
@FORCE
@NO_FIGURES
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
    import sim
    from sim.analysis import sweep as sweeping

    sc = load(scenario)
    out = out or default_out("sweep", sc.name)
    result = sim.sweep(sc, sets, runs, seed, workers, out, bar(quiet), force=force,
                       figures=not no_figures, command=command_line())
    if not quiet:
        click.echo(sweeping.text_table(result, sweeping.rows(result)))
    click.echo(f"Sweep: {printable(out)}"
               + ("" if no_figures else f"\nFigures: {printable(out / 'figures')}"))


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@friendly
def plot(folder: Path) -> None:
    """Redraw the standard figures of a results folder.

    The figures go to the folder's figures/ subfolder, replacing those there.

    \b
    Example:
      sim plot results/baseline/demo
    """
    from sim.figures.standard import save_standard_figures
    from sim.runs.folder import read

    ens, _ = read(folder)
    with literal_figure_text():
        paths = save_standard_figures(ens, folder / "figures")
    for path in paths:
        click.echo(f"Figure: {printable(path)}")


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@friendly
def summary(folder: Path) -> None:
    """Print the outcome table of a results folder.

    \b
    Example:
      sim summary results/baseline/demo
    """
    from sim.analysis.report import table
    from sim.runs.folder import read

    ens, _ = read(folder)
    click.echo(f"{printable(ens.scenario.name)}: {ens.runs} replications, seed {ens.seed} "
               f"({printable(folder)})")
    click.echo(table(ens.rows, ens.scenario.params.end_states.labels.model_dump()))
