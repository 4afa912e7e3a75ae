"""The cost of one replication on this machine, timed in this process: `make bench`'s figures of
the model itself (split from bench.py, which gathers them).

The floor is a bare SimPy loop of timeouts; a replication's cost is read against it, per event
and as a whole, so the same figures can be compared between machines. Each measure repeats and
keeps the best (or the median of rounds), so other load on the machine counts as little as
possible.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import simpy

import sim.model.replication
from sim.model.world import World
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
SEED = 2023
#: A population that cannot all leave within 180 days: the same work every simulated day.
STEADY_POPULATION = 5_000_000


def best_of(repeats: int, work: Callable[[], float]) -> float:
    return min(work() for _ in range(repeats))


def floor_us_per_event(events: int = 200_000) -> float:
    """A bare SimPy loop: one process, timeouts with delays drawn beforehand."""
    delays = np.random.default_rng(1).exponential(1.0, events).tolist()

    def once() -> float:
        env = simpy.Environment()

        def loop(env: simpy.Environment) -> Any:
            for d in delays:
                yield env.timeout(d)

        env.process(loop(env))
        began = time.perf_counter()
        env.run()
        return (time.perf_counter() - began) / events * 1e6

    return best_of(5, once)


class CountingEnvironment(simpy.Environment):
    """Counts the events a replication processes, and the households' decision steps (the
    World's clock: as much work as an event), in a separate, untimed pass."""

    processed = 0

    def step(self) -> None:
        CountingEnvironment.processed += 1
        super().step()


class CountingWorld(World):
    """A World whose decision steps CountingEnvironment counts."""

    def keep_clock(self, decide: Callable[[World, float], float], first: float) -> None:
        def counted(world: World, day: float) -> float:
            CountingEnvironment.processed += 1
            return decide(world, day)

        super().keep_clock(counted, first)


class TimingEnvironment(simpy.Environment):
    """Adds up the time spent in the event loop (`run`); one clock reading per replication."""

    seconds = 0.0

    def run(self, until: Any = None) -> Any:
        began = time.perf_counter()
        try:
            return super().run(until)
        finally:
            TimingEnvironment.seconds += time.perf_counter() - began


@contextmanager
def environment(cls: type[simpy.Environment]) -> Iterator[None]:
    original = sim.model.replication.simpy.Environment
    sim.model.replication.simpy.Environment = cls  # type: ignore[misc]
    try:
        yield
    finally:
        sim.model.replication.simpy.Environment = original  # type: ignore[misc]


def events_per_replication(sc: Scenario, reps: int = 200) -> float:
    """SimPy events and decision steps a replication processes, on average."""
    world = sim.model.replication.World
    with environment(CountingEnvironment):
        sim.model.replication.World = CountingWorld  # type: ignore[misc]
        try:
            CountingEnvironment.processed = 0
            for r in range(reps):
                sim.model.replication.run_replication(sc, r, SEED)
            return CountingEnvironment.processed / reps
        finally:
            sim.model.replication.World = world  # type: ignore[misc]


def us_per_replication(sc: Scenario, reps: int = 200) -> tuple[float, float]:
    """Everything a replication costs (streams, parameters, the run, outcomes and series), and
    the part of it spent in the event loop, in microseconds (best of three passes)."""

    def once() -> tuple[float, float]:
        TimingEnvironment.seconds = 0.0
        began = time.perf_counter()
        for r in range(reps):
            sim.model.replication.run_replication(sc, r, SEED)
        whole = time.perf_counter() - began
        return whole / reps * 1e6, TimingEnvironment.seconds / reps * 1e6

    with environment(TimingEnvironment):
        return min(once() for _ in range(3))


def replication_floor_events(sc: Scenario, rounds: int = 5, reps: int = 100) -> float:
    """The cost of one replication in events of the floor: (ms a replication) / (us an event of
    a bare SimPy loop of timeouts), both timed in each round, one after the other, in CPU time of
    this process (so other work on the machine counts less); the median of the rounds."""
    delays = np.random.default_rng(1).exponential(1.0, 50_000).tolist()

    def loop(env: simpy.Environment) -> Any:
        for d in delays:
            yield env.timeout(d)

    for r in range(5):  # warm: imports, caches
        sim.model.replication.run_replication(sc, r, SEED)
    ratios = []
    for _ in range(rounds):
        env = simpy.Environment()
        env.process(loop(env))
        began = time.process_time()
        env.run()
        floor_us = (time.process_time() - began) / len(delays) * 1e6
        began = time.process_time()
        for r in range(reps):
            sim.model.replication.run_replication(sc, r, SEED)
        ratios.append((time.process_time() - began) / reps * 1e3 / floor_us * 1e3)
    return float(np.median(ratios))


def horizons(sc: Scenario, steady: bool = False) -> dict[str, Any]:
    """Cost against the horizon (30, 90, 180 days), and the straight line `fixed + per day x
    horizon` through it. The baseline's work stops once its people have left, so its cost grows
    less than the horizon; with `steady`, the population never runs out and the work per day is
    the same all along, which shows whether cost itself is linear in the horizon."""
    base = {"world.population_people": STEADY_POPULATION} if steady else {}
    rows = []
    for days in (30, 90, 180):
        variant = sc.with_values({**base, "horizon_days": days})
        reps = 30 if steady else 100
        us, loop = us_per_replication(variant, reps)
        events = events_per_replication(variant, reps)
        rows.append({"horizon_days": days, "ms_per_replication": round(us / 1e3, 3),
                     "events_per_replication": round(events, 1),
                     "us_per_event": round(us / events, 3),
                     "loop_us_per_event": round(loop / events, 3)})
    for row in rows:
        row["cost_per_day_vs_30"] = round(row["ms_per_replication"] / rows[0]["ms_per_replication"]
                                          * 30 / row["horizon_days"], 3)
    x = np.array([r["horizon_days"] for r in rows], dtype=float)
    ms = np.array([r["ms_per_replication"] for r in rows])
    per_day, fixed = np.polyfit(x, ms, 1)
    residual = np.abs(fixed + per_day * x - ms) / ms
    return {"population": STEADY_POPULATION if steady else "baseline", "rows": rows,
            "fit_fixed_ms": round(float(fixed), 3), "fit_ms_per_day": round(float(per_day), 4),
            "fit_max_relative_residual": round(float(residual.max()), 3)}
