"""The `sim` command: the group and its commands (each defined in sim/commands/)."""

from __future__ import annotations

import click

from sim import __version__
from sim.commands import comparing, fitting, running
from sim.commands.common import friendly

__all__ = ["friendly", "main"]


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


for command in (running.run, running.check, running.story, comparing.compare, comparing.sweep,
                comparing.plot, comparing.summary, fitting.validate_command,
                fitting.calibrate_command):
    main.add_command(command)
