"""One replication: build a fresh World, start the processes, run, summarise."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from sim.model.ceasefire import ceasefire
from sim.model.commitments import broken_ceasefire
from sim.model.fluid import first_reaching, served, wait_quantile_days, waited_days
from sim.model.negotiation import negotiation
from sim.model.outflow import start as start_outflow
from sim.model.rng import parameter_stream, streams
from sim.model.snapshots import columns
from sim.model.supplies import supplies
from sim.model.throughput import throughput
from sim.model.timeline import incident_days, timeline
from sim.model.world import Record, World
from sim.scenario.events import event_day
from sim.scenario.load import Scenario
from sim.scenario.params import ScenarioParams
from sim.scenario.workload import record_times

#: The streams every replication uses (throughput's only with a throughput rule).
USED = ("negotiation", "ceasefire", "outflow", "supplies")


@dataclass(frozen=True)
class Replication:
    """What one replication produced: outcomes, series on the record grid, the event log."""

    outcomes: dict[str, Any]
    parameters: dict[str, Any]
    series: dict[str, np.ndarray]
    log: tuple[Record, ...]


def run_replication(scenario: Scenario, replication: int, seed: int) -> Replication:
    """Run replication `replication` of a scenario with the streams of `seed`."""
    p, drawn = scenario.draw(lambda key: parameter_stream(seed, replication, key))
    rng = streams(seed, replication, USED if p.outflow.throughput == "constant" else
                  (*USED, "throughput"))
    env = simpy.Environment()
    world = World(env, p)
    log: list[Record] = []
    events = [(event_day(e, p.start), e) for e in p.events]
    env.process(timeline(env, events, world, log, p.ceasefire.tension_per_incident))
    env.process(negotiation(env, p.negotiation, rng["negotiation"], world, log, p.ceasefire))
    env.process(ceasefire(env, p.ceasefire, rng["ceasefire"], world, log, incident_days(events)))
    env.process(broken_ceasefire(env, p.negotiation, world))
    start_outflow(env, p.outflow, rng["outflow"], world, p.horizon_days)
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


def summarise(p: ScenarioParams, world: World, log: list[Record],
              table: np.ndarray | None = None) -> dict[str, Any]:
    """The outcomes of MODEL.md; times of things that never happened are None (censored)."""
    snaps = columns(world.table() if table is None else table)
    times, departed = snaps.time_days, snaps.departed
    flow = (snaps.departed, snaps.waiting, snaps.flow_fraction, snaps.flow_per_day)
    ends = np.append(times[1:], p.horizon_days)
    days = np.minimum(np.arange(math.ceil(p.horizon_days) + 1, dtype=float), p.horizon_days)
    row = np.searchsorted(times, days + 1e-9, side="right") - 1
    n, _ = served(snaps.flow_fraction[row], snaps.flow_per_day[row], snaps.waiting[row],
                  days - times[row])
    daily = np.diff(departed[row] + n)
    crossings = world.runs  # as `Crossing`s: (joined, first, step, people)
    crossed = int(sum(run[3] for run in crossings))
    p90 = wait_quantile_days(crossings, 0.9)
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
        "day_half_departed": first_reaching(times, ends, *flow, 0.5 * world.population),
        "day_90pct_departed": first_reaching(times, ends, *flow, 0.9 * world.population),
        "peak_departures_per_day": int(daily.max()) if daily.size else 0,
        "max_waiting_people": int(snaps.waiting.max()),
        "mean_wait_hours": 24 * waited_days(crossings) / crossed if crossed else None,
        "killed_people": world.killed,
        "p90_wait_hours": None if p90 is None else 24 * p90,
        "trust_at_end": float(world.trust),
        "stayed_people": world.residents,
        "end_state": end,
    }
