"""One replication: build a fresh World, start the processes, run, summarise."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from sim.model.ceasefire import ceasefire
from sim.model.commitments import broken_ceasefire
from sim.model.negotiation import negotiation
from sim.model.outflow import corridor, decisions
from sim.model.rng import parameter_stream, streams
from sim.model.supplies import supplies
from sim.model.throughput import throughput
from sim.model.timeline import incident_days, timeline
from sim.model.world import Record, World, columns
from sim.scenario.events import event_day
from sim.scenario.load import Scenario
from sim.scenario.params import ScenarioParams
from sim.scenario.workload import record_times


@dataclass(frozen=True)
class Replication:
    """What one replication produced: outcomes, series on the record grid, the event log."""

    outcomes: dict[str, Any]
    parameters: dict[str, Any]
    series: dict[str, np.ndarray]
    log: tuple[Record, ...]


def run_replication(scenario: Scenario, replication: int, seed: int) -> Replication:
    """Run replication `replication` of a scenario with the streams of `seed`."""
    rng = streams(seed, replication)
    p, drawn = scenario.draw(lambda key: parameter_stream(seed, replication, key))
    env = simpy.Environment()
    world = World(env, p)
    log: list[Record] = []
    events = [(event_day(e, p.start), e) for e in p.events]
    env.process(timeline(env, events, world, log, p.ceasefire.tension_per_incident))
    env.process(negotiation(env, p.negotiation, rng["negotiation"], world, log, p.ceasefire))
    env.process(ceasefire(env, p.ceasefire, rng["ceasefire"], world, log, incident_days(events)))
    env.process(broken_ceasefire(env, p.negotiation, world))
    env.process(decisions(env, p.outflow, rng["outflow"], world))
    env.process(corridor(env, world))
    if p.outflow.throughput != "constant":
        env.process(throughput(env, p.outflow, rng["throughput"], world))
    env.process(supplies(env, p.supplies, rng["supplies"], world, log))
    env.run(until=p.horizon_days)
    world.advance(p.horizon_days)
    table = world.table()
    return Replication(outcomes=summarise(p, world, log, table), parameters=drawn,
                       series=world.series(record_times(p), table), log=tuple(log))


def _first(log: list[Record], kind: str) -> float | None:
    day = next((r.time_days for r in log if r.kind == kind), None)
    return None if day is None else round(day, 6)


def _first_reaching(times: np.ndarray, values: np.ndarray, level: float) -> float | None:
    """First time a series reaches a level, to 0.1 s (sums of steps drift in the last digits)."""
    hit = np.flatnonzero(values >= level)
    return round(float(times[hit[0]]), 6) if hit.size else None


def _p90_wait_hours(waits: list[tuple[float, float, int]]) -> float | None:
    """The wait at least 90% of those who crossed did not exceed (person-weighted, the smallest
    such wait); None when nobody crossed."""
    total = sum(n for _, _, n in waits)
    if not total:
        return None
    seen = 0
    for wait, n in sorted((w, n) for _, w, n in waits):  # noqa: B007 (the last is the answer)
        seen += n
        if seen >= 0.9 * total:
            break
    return 24 * wait


def summarise(p: ScenarioParams, world: World, log: list[Record],
              table: np.ndarray | None = None) -> dict[str, Any]:
    """The outcomes of MODEL.md; times of things that never happened are None (censored)."""
    snaps = columns(world.table() if table is None else table)
    times, departed = snaps.time_days, snaps.departed
    days = np.arange(math.ceil(p.horizon_days) + 1, dtype=float)
    daily = np.diff(departed[np.searchsorted(times, days + 1e-9, side="right") - 1])
    crossed = sum(c[1] for c in world.crossings)
    share = world.departed / world.population
    collapsed = world.ceasefire_collapsed.triggered
    agreed = world.agreement.triggered
    if collapsed:
        end = "renewed_war"
    elif share >= p.end_states.exodus_share:
        end = "exodus"
    elif agreed:
        end = "reintegration"
    else:
        end = "unresolved"
    return {
        "agreement": agreed,
        "agreement_day": _first(log, "agreement"),
        "talks_broken": world.talks_broken.triggered,
        "rounds_held": sum(1 for r in log if r.kind == "round"),
        "issues_settled": world.issues_settled,
        "ceasefire_collapsed": collapsed,
        "collapse_day": _first(log, "collapse"),
        "incidents": world.incidents,
        "casualties": world.casualties,
        "departed_people": world.departed,
        "departed_share": share,
        "day_half_departed": _first_reaching(times, departed, 0.5 * world.population),
        "day_90pct_departed": _first_reaching(times, departed, 0.9 * world.population),
        "peak_departures_per_day": int(daily.max()) if daily.size else 0,
        "max_waiting_people": int(snaps.waiting.max()),
        "mean_wait_hours": 24 * sum(c[2] for c in world.crossings) / crossed if crossed else None,
        "killed_people": world.killed,
        "p90_wait_hours": _p90_wait_hours(world.waits),
        "trust_at_end": float(world.trust),
        "stayed_people": world.residents,
        "end_state": end,
    }
