"""Humanitarian supplies: random aid convoys while the access road is open and the guns quiet."""

from __future__ import annotations

from collections.abc import Generator as Process

import simpy
from numpy.random import Generator

from sim.model.world import Record, World
from sim.scenario.params import SuppliesParams


def supplies(env: simpy.Environment, p: SuppliesParams, rng: Generator, world: World,
             log: list[Record]) -> Process[simpy.Event, object, None]:
    """Convoys arrive as a Poisson process; one that finds the road shut or war resumed turns back.

    Consumption (one person-day a day for everyone inside, residents and those queuing to
    leave) is continuous and kept by the World."""
    if p.convoys_per_day <= 0:
        return
    while True:
        yield env.timeout(rng.exponential(1 / p.convoys_per_day))
        if not world.aid_access_open or world.ceasefire_collapsed.triggered:
            log.append(Record(env.now, "convoy", "turned back", 0.0))
            continue
        world.deliver(p.convoy_person_days)
        log.append(Record(env.now, "convoy", "arrived", p.convoy_person_days))
