"""The figures of `sim sensitivity`, `sim discover` and `sim backtest`, drawn at the size they are
saved: no text outside the figure, no two texts on top of each other (the check of
test_figure_text.py, on the figure kinds the later commands added)."""

from __future__ import annotations

from typing import Any

import pytest
from test_figure_text import OBSERVED, QUIET, SCENARIOS, drawn_problems

import sim
from sim.analysis.exploring import MAIN
from sim.fitting import backtest as bt
from sim.fitting.jobs import observed

pytest.importorskip("SALib")


def _shown(result: Any) -> str:
    """The first main outcome the small design could analyse (its figure, as `sim` saves it)."""
    return next(k for k in MAIN if k in result.indices)


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    """Every figure kind of the three commands, from small runs (drawn when asked)."""
    from sim.figures import forecast
    from sim.figures import sensitivity as sens

    base = SCENARIOS / "baseline.toml"
    params = ("ceasefire.base_incidents_per_day,ceasefire.escalation_probability,"
              "world.population_people")
    morris = sim.sensitivity(base, "morris", params=params, samples=4, runs_per_point=4,
                             figures=False, **QUIET)
    sobol = sim.sensitivity(base, "sobol", params=params, samples=8, runs_per_point=2,
                            figures=False, **QUIET)
    ens = sim.run(base, 200, **QUIET, figures=False)
    found = sim.discover(ens, "end_state=renewed_war", figures=False)
    scenario = sim.load(SCENARIOS / "historical_2023.toml")
    data = observed(scenario, OBSERVED, "registered", None)
    back = bt.backtest(scenario, data, ("outflow.corridor_capacity_per_hour", "events.5.day"),
                       keep=0.2, runs=60, generations=0, predictive_runs=20, seed=1,
                       series="registered", workers=1)
    drawn = {"sensitivity morris": lambda: sens.morris(morris, _shown(morris)),
             "sensitivity sobol": lambda: sens.sobol(sobol, _shown(sobol)),
             "sensitivity heat_map": lambda: sens.heat_map(morris),
             "discover": lambda: sens.discovery(found)}
    drawn |= {f"backtest {name}": lambda fig=fig: fig
              for name, fig in forecast.backtest_figures(back).items()}
    return drawn


KINDS = ["sensitivity morris", "sensitivity sobol", "sensitivity heat_map", "discover",
         "backtest forecasts.png", "backtest pit.png"]


def test_every_figure_kind_is_checked(figures):
    assert sorted(figures) == sorted(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_no_text_clipped_or_overlapping(figures, kind):
    assert drawn_problems(figures[kind]) == []
