"""`sim sensitivity` and `sim discover`: which assumptions matter, and which ranges of them lead
to an outcome."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sim.cli.common import FORCE, NO_FIGURES, SEED, WORKERS, bar, command_line, finite, friendly
from sim.errors import RunFailed, RunInterrupted
from sim.runs.outpaths import default_out
from sim.scenario import limits
from sim.scenario.load import load
from sim.text import printable


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(["morris", "sobol"]), default="morris",
              show_default=True, help="Morris screens many parameters; Sobol apportions the "
              "variance among few.")
@click.option("--params", help="Comma-separated dotted paths [default: every uncertain "
              "parameter, and those given --range].")
@click.option("--range", "ranges", multiple=True, metavar="PATH=LOW:HIGH",
              help="A range for a fixed parameter (or to override an uncertain one's bounds). "
                   "Repeatable.")
@click.option("--samples", type=click.IntRange(1, 4096),
              help="Morris trajectories [default: 10], or Sobol base points, a power of two "
                   "[default: 64].")
@click.option("--runs-per-point", "runs", type=click.IntRange(1, limits.MAX_RUNS), default=10,
              show_default=True, help="Replications of each design point (with one seed, so "
                                      "the model's own randomness can be measured).")
@SEED
@WORKERS
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder [default: results/<scenario>/sensitivity-<timestamp>].")
@FORCE
@NO_FIGURES
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@friendly
def sensitivity(scenario: Path, method: str, params: str | None, ranges: tuple[str, ...],
                samples: int | None, runs: int, seed: int | None, workers: int | None,
                out: Path | None, force: bool, no_figures: bool, quiet: bool) -> None:
    """Rank which parameters matter for every outcome (global sensitivity).

    Each parameter varies over its distribution's bounds (a normal's or lognormal's +-3 sd),
    or a --range. Every design point runs --runs-per-point replications with one seed;
    an outcome's value at a point is their mean (a probability for end states and yes/no
    outcomes; a day that never came counts as the horizon). Writes indices.csv (Morris: mu,
    mu*, sigma; Sobol: first-order S1 and total ST; each with a 95% interval), noise.csv (the
    share of each outcome's variance over all runs that is seed noise), outcomes.csv of every
    run (so `sim discover` works on it) and figures. Stopped early (Ctrl-C, SIGTERM), the
    finished design points are kept: the same command with the same --out resumes.

    \b
    Examples:
      sim sensitivity scenarios/baseline.toml --runs-per-point 10
      sim sensitivity scenarios/baseline.toml --method sobol --samples 128 \\
          --params ceasefire.escalation_probability,ceasefire.base_incidents_per_day \\
          --range world.trust=0.05:0.4
    """
    import sim
    from sim.analysis import exploring

    sc = load(scenario)
    out = out or default_out("sensitivity", sc.name)
    names = [p.strip() for p in params.split(",")] if params else None
    try:
        result = sim.sensitivity(sc, method, names, ranges, samples, runs, seed, workers, out,
                                 bar(quiet), force=force, figures=not no_figures,
                                 command=command_line())
    except (RunInterrupted, RunFailed) as err:
        click.echo(err.message, err=True)
        sys.exit(err.code)
    if not quiet:
        click.echo("\n".join(exploring.summary(result)))
    click.echo(f"Sensitivity: {printable(out)} (indices.csv, noise.csv)"
               + ("" if no_figures else f"\nFigures: {printable(out / 'figures')}"))


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--outcome", "spec", required=True, metavar="CONDITION",
              help="end_state=NAME, a yes/no outcome (ceasefire_collapsed, agreement=false) "
                   "or a number compared (day_half_departed<=5).")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), callback=finite,
              help="Density wanted: the widest box where at least this share of runs are "
                   "cases [default: 90% of the densest box holding half the cases].")
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder [default: results/<scenario>/discover-<timestamp>].")
@FORCE
@NO_FIGURES
@friendly
def discover(folder: Path, spec: str, threshold: float | None, out: Path | None, force: bool,
             no_figures: bool) -> None:
    """Find the ranges of the parameters that lead to an outcome (PRIM).

    Reads a results folder of `sim run` (uncertain parameters drawn per run) or of
    `sim sensitivity`, marks the runs where the condition holds (an outcome that never
    happened does not hold), and peels the parameters' ranges toward the runs where it holds.
    Prints the chosen box: its coverage (share of those runs inside), density (share of the
    box's runs where it holds) and limits; writes peeling.csv, summary.txt and a figure.

    \b
    Examples:
      sim discover results/baseline/demo --outcome end_state=renewed_war
      sim discover results/baseline/demo --outcome "day_half_departed<=4" --threshold 0.9
    """
    import sim
    from sim.analysis.discover import describe

    ens = sim.read(folder)
    out = out or default_out("discover", ens.scenario.name)
    result = sim.discover(ens, spec, threshold, out, force=force, figures=not no_figures,
                          command=command_line())
    click.echo("\n".join(describe(result)))
    click.echo(f"Discovery: {printable(out)}"
               + ("" if no_figures else f"\nFigures: {printable(out / 'figures')}"))
