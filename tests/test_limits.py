"""Bounded work: the estimate of a command's events and memory, held against counted runs, and
the refusal, before anything is written, of what is absurd or would not fit."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import simpy

from sim.model import run_replication
from sim.model.world import World
from sim.scenario import Scenario, ScenarioError, limits, load, merge, workload
from sim.scenario.workload import LimitError, check_work, estimate, events_per_replication

from conftest import ROOT, scenario

SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))
GIB = 2**30


def counted_events(path: Path, replications: int = 30) -> float:
    """Mean SimPy events and decision steps (the World's clock: as much work as an event) a
    replication of a scenario file processes, counted while it runs."""
    sc = load(path)
    step, keep_clock = simpy.Environment.step, World.keep_clock
    count = 0

    def counting(env: simpy.Environment) -> None:
        nonlocal count
        count += 1
        step(env)

    def counting_clock(world: World, decide: Any, first: float) -> None:
        def counted(w: World, day: float) -> float:
            nonlocal count
            count += 1
            return decide(w, day)
        keep_clock(world, counted, first)

    simpy.Environment.step = counting  # type: ignore[method-assign]
    World.keep_clock = counting_clock  # type: ignore[method-assign]
    try:
        for r in range(replications):
            run_replication(sc, r, 7)
    finally:
        simpy.Environment.step = step  # type: ignore[method-assign]
        World.keep_clock = keep_clock  # type: ignore[method-assign]
    return count / replications


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_events_per_replication_is_within_twice_the_counted_events(path: Path) -> None:
    estimated = sum(events_per_replication(load(path).params).values())
    measured = counted_events(path)
    assert measured / 2 <= estimated <= 2 * measured, (estimated, measured)


#: The peak resident memory of a fresh process running an ensemble (VmHWM: ru_maxrss would
#: start from the forking process's).
PEAK = """
import json, sys
sys.path.insert(0, sys.argv[2])
from conftest import scenario
from sim.runs.ensemble import run_ensemble
run_ensemble(scenario(json.loads(sys.argv[3])), int(sys.argv[1]), 1, executor="serial",
             chunk_size=100)
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(int(status.split()[0]) * 1024)
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc/self/status")
def test_memory_estimate_bounds_the_measured_growth_of_a_run() -> None:
    """Peak resident memory of 2,000 runs over that of 10 (the program), in fresh processes."""
    changes = {"record_every_hours": 1, "ceasefire": {"base_incidents_per_day": 1}}
    sc = scenario(changes)  # hourly records: the series dominate, as at scale

    def peak(runs: int) -> int:
        out = subprocess.run([sys.executable, "-c", PEAK, str(runs), str(Path(__file__).parent),
                              json.dumps(changes)], capture_output=True, text=True, check=True)
        return int(out.stdout)

    measured = peak(2000) - peak(10)
    planned = (estimate([(sc, 2000)], workers=1, chunk_size=100).bytes
               - estimate([(sc, 10)], workers=1, chunk_size=100).bytes)
    assert measured <= planned <= 2.5 * measured, (measured, planned)


def test_memory_grows_with_runs_and_record_points_and_quantiles_stay_flat() -> None:
    sc = load(ROOT / "scenarios" / "baseline.toml")
    fine = sc.with_values({"record_every_hours": 1})

    def held(s: Scenario, runs: int, series: str = "full") -> float:
        return estimate([(s, runs)], series, workers=2).memory["outcomes and series"]

    assert held(sc, 10**6) == pytest.approx(100 * held(sc, 10**4))
    assert held(fine, 10**6) > 5 * held(sc, 10**6)
    assert held(sc, 10**6, "quantiles") < 0.1 * held(sc, 10**6)
    assert held(sc, 10**6, "quantiles") - held(sc, 10**5, "quantiles") < 0.5 * GIB


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenarios_pass_with_their_runs_and_with_100000_quantile_runs(path: Path) -> None:
    sc = load(path)
    check_work([(sc, sc.params.runs)], workers=4, available=2 * GIB)
    check_work([(sc, 100_000)], "quantiles", workers=4, available=2 * GIB)


def test_a_billion_runs_are_refused_for_memory_even_in_quantile_mode() -> None:
    sc = load(ROOT / "scenarios" / "baseline.toml")
    for series in ("full", "quantiles"):
        with pytest.raises(LimitError, match="of memory") as err:
            check_work([(sc, 10**9)], series, quantiles_option=True, available=64 * GIB)
        assert "--series quantiles" not in str(err.value)  # it would not fit either
        assert "--runs" in str(err.value) and "\n" not in str(err.value)
    assert estimate([(sc, 10**9)], "quantiles").bytes > 200 * GIB


def test_quantile_mode_is_suggested_when_it_would_fit() -> None:
    sc = load(ROOT / "scenarios" / "baseline.toml")
    with pytest.raises(LimitError, match="use --series quantiles or fewer replications"):
        check_work([(sc, 10**7)], quantiles_option=True, available=16 * GIB)


def test_too_many_events_in_all_are_refused_whatever_the_memory() -> None:
    sc = load(ROOT / "scenarios" / "baseline.toml")
    with pytest.raises(LimitError, match="simulation events; at most 1e\\+11"):
        check_work([(sc, 10**9)], "quantiles", available=math.inf)


def test_available_memory_is_a_positive_number_of_bytes() -> None:
    free = workload.available_memory()
    assert math.isinf(free) or free > 2**20


def test_available_memory_keeps_within_the_address_space_limit() -> None:
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31)); "
            "from sim.scenario.workload import available_memory; print(available_memory())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert 0 < float(out.stdout) < 2**31


@pytest.mark.parametrize(("section", "key", "value", "fragment"), [
    ("", "runs", 1e18, "runs: must be at most 10^9"),
    ("", "horizon_days", 1e6, "horizon_days: must be at most a century"),
    ("supplies", "convoys_per_day", 1e308, "supplies.convoys_per_day: must be at most 1,000"),
    ("outflow", "decision_step_hours", 1e-9, "decision_step_hours: must be at least a minute"),
    ("ceasefire", "base_incidents_per_day", 1e308, "base_incidents_per_day: must be at most"),
    ("world", "tension_half_life_days", 5e-324, "tension_half_life_days: must be at least a"),
    ("world", "trust_half_life_days", 5e-324, "trust_half_life_days: must be at least a"),
    ("negotiation", "incident_memory_half_life_days", 5e-324, "incident_memory_half_life_days"),
    ("ceasefire", "excitation_half_life_days", 5e-324, "excitation_half_life_days: must be"),
    ("negotiation", "round_hours", 1e-9, "round_hours: must be at least a minute"),
    ("ceasefire", "tension_incident_weight", 1e300, "one replication would take about"),
])
def test_absurd_values_are_refused_with_the_field_and_what_is_allowed(
        section: str, key: str, value: float, fragment: str) -> None:
    with pytest.raises(ScenarioError, match=re.escape(fragment)):
        scenario(merge({"ceasefire": {"base_incidents_per_day": 0.1}},
                       {section: {key: value}} if section else {key: value}))


def test_one_minute_half_lives_give_finite_series() -> None:
    minute = limits.MINUTE_DAYS
    sc = scenario({"world": {"tension_half_life_days": minute, "trust_half_life_days": minute},
                   "negotiation": {"incident_memory_half_life_days": minute,
                                   "mean_days_between_rounds": 1},
                   "ceasefire": {"excitation_half_life_days": minute,
                                 "base_incidents_per_day": 5, "self_excitation_share": 0.5}},
                  horizon_days=10)
    rep = run_replication(sc, 0, 1)
    assert all(np.isfinite(values).all() for values in rep.series.values())
    assert rep.outcomes["incidents"] > 0


def test_agenda_and_timeline_are_bounded() -> None:
    with pytest.raises(ScenarioError, match="at most 100"):
        scenario({"negotiation": {"issues": {f"i{k}": 0.5 for k in range(101)}}})
    events = [{"name": "e", "day": 1}] * (limits.MAX_TIMELINE_EVENTS + 1)
    with pytest.raises(ScenarioError, match="at most 10000"):
        scenario({"events": events})
