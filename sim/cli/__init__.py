"""The `sim` command: the group and its commands (each defined in sim/cli/)."""

from __future__ import annotations

import sys
from typing import Any

import click

from sim import __version__
from sim.cli import comparing, exploring, fitting, running, serving
from sim.cli.common import friendly
from sim.text import printable

__all__ = ["friendly", "main"]


class Sim(click.Group):
    """A usage error (a bad option or argument) is one line on stderr and exit status 2, like
    every other bad input."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as err:  # `sim` alone: the help
            click.echo(err.ctx.get_help() if err.ctx else err.format_message())
            sys.exit(0)
        except click.UsageError as err:
            path = err.ctx.command_path if err.ctx else "sim"
            click.echo(f"error: {printable(err.format_message())} (`{path} --help` lists what "
                       "is allowed)", err=True)
            sys.exit(2)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        if isinstance(code, int) and code:
            sys.exit(code)
        return code


@click.group(cls=Sim,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
      sim backtest scenarios/historical_2023.toml --observed data/nk2023_arrivals_early.csv \\
        --params outflow.corridor_capacity_per_hour
      sim compare scenarios/baseline.toml scenarios/peacekeepers_withdraw.toml --runs 300
      sim sweep scenarios/baseline.toml --set ceasefire.peacekeeper_deterrence=0,0.5,1
      sim sensitivity scenarios/baseline.toml --method morris --runs-per-point 10
      sim discover results/baseline/demo --outcome end_state=renewed_war
      sim plot results/baseline/demo      (and: sim summary results/baseline/demo)
      sim serve                           (the classroom page: needs peacesim[app])
    """


for command in (running.run, running.check, running.story, comparing.compare, comparing.sweep,
                comparing.plot, comparing.summary, exploring.sensitivity, exploring.discover,
                fitting.validate_command, fitting.calibrate_command, fitting.backtest_command,
                serving.serve):
    main.add_command(command)
