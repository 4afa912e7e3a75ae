"""Shared helpers: small scenarios built in code, every mechanism quiet but the one under test;
the `sim` command run in-process, and checks of its results."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from sim.cli import main
from sim.scenario import Scenario, from_tree, merge

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis: CI (which sets CI=true, as does .ci/run) tries the same examples on every run, so a
# red build is reproducible and a green one is not luck; on a desk the "dev" profile keeps
# exploring new examples each run (and replays a failure it found from .hypothesis/). A failure
# prints the blob that replays it (@reproduce_failure). HYPOTHESIS_PROFILE=ci picks one by hand.
# Both start from hypothesis's defaults, not from whatever profile hypothesis loaded itself.
settings.register_profile("ci", settings.get_profile("default"), derandomize=True,
                          database=None, deadline=None, print_blob=True)
settings.register_profile("dev", settings.get_profile("default"), deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") else "dev"))

START = datetime(2023, 9, 21, 13, 0, tzinfo=timezone(timedelta(hours=4)))


def quiet_tree(horizon_days: float = 60) -> dict[str, Any]:
    """A scenario in which nothing happens unless a test switches it on."""
    return {
        "name": "test", "start": START, "horizon_days": horizon_days,
        "record_every_hours": 24,
        "world": {"tension": 0.5, "tension_baseline": 0.5, "trust": 0.5, "trust_baseline": 0.5,
                  "population_people": 10_000, "supplies_person_days": 1e9},
        "negotiation": {"issues": {"only": 0.8}, "mean_concession_share": 0.0,
                        "concession_shape": 0, "tension_concession_weight": 0,
                        "departed_leverage_weight": 0, "setback_probability": 0,
                        "setback_per_incident_probability": 0, "settle_probability": 0,
                        "max_unproductive_rounds": 1_000_000, "postpone_above_tension": 1,
                        "mean_days_between_rounds": 1e6},
        "ceasefire": {"base_incidents_per_day": 0, "self_excitation_share": 0,
                      "tension_incident_weight": 0, "tension_escalation_weight": 0,
                      "escalation_probability": 0, "peacekeeper_deterrence": 0,
                      "tension_per_incident": 0},
        "outflow": {"base_hazard_per_day": 0, "tension_hazard_per_day": 0,
                    "hunger_hazard_per_day": 0, "distrust_hazard_per_day": 0,
                    "neighbours_hazard_per_day": 0, "decision_step_hours": 24},
        "supplies": {"convoys_per_day": 0, "hunger_tension_weight": 0},
    }


def scenario(overrides: dict[str, Any] | None = None, horizon_days: float = 60) -> Scenario:
    """The quiet scenario with some sections changed (nested dicts, merged)."""
    return from_tree(merge(quiet_tree(horizon_days), overrides or {}), "<test>")


@pytest.fixture
def root() -> Path:
    return ROOT


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(result: Result) -> Result:
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result


def same_bytes(a: Path, b: Path) -> None:
    for name in ("outcomes.csv", "series.npz"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def child_pids() -> set[int]:
    """This process's children, grandchildren..., to find later those a test left behind."""
    import psutil  # Dask's dependency: the tests that need it need Dask

    return {p.pid for p in psutil.Process().children(recursive=True)}


def new_children(before: set[int]) -> list[Any]:
    """This process's children not in `before`, but multiprocessing's resource tracker (which
    lives as long as this process, by design)."""
    import psutil

    return [p for p in psutil.Process().children(recursive=True) if p.pid not in before
            and not any("resource_tracker" in part for part in p.cmdline())]


def served(capacity: float, cohorts: list[tuple[float, int]], changes: Any = (),
           hours: float = 48.0) -> Any:
    """A World whose corridor serves cohorts (hour, people) at `capacity` an hour, nothing else
    running; `changes` (hour, open, capacity) change the corridor as a timeline event would."""
    import simpy

    from sim.model.world import World

    env = simpy.Environment()
    world = World(env, scenario({"outflow": {"corridor_capacity_per_hour": capacity}}).params)

    def arrivals() -> Any:
        for hour, people in cohorts:
            yield env.timeout(hour / 24 - env.now)
            world.advance(env.now)
            world.join_queue(people)

    def timeline() -> Any:
        for hour, is_open, cap in changes:
            yield env.timeout(hour / 24 - env.now)
            world.set_variable("corridor_open", is_open)
            world.set_variable("corridor_capacity_per_hour", cap)
            world.signal("corridor_changed")

    env.process(arrivals())
    env.process(timeline())
    env.run(until=hours / 24)
    world.advance(hours / 24)
    return world


def crossed_by(world: Any, day: float) -> int:
    """People the corridor let through at or before `day` (each crossing at its own moment)."""
    total = 0
    for c in world.crossings:
        if c.first <= day + 1e-12:
            k = c.people if c.step == 0 else int((day - c.first) / c.step + 1e-6) + 1
            total += min(c.people, k)
    return total


def cross_times(world: Any) -> list[tuple[float, float]]:
    """(day crossed, day joined) of each person who crossed, in the order they crossed."""
    return [(c.first + i * c.step, c.joined) for c in world.crossings for i in range(c.people)]
