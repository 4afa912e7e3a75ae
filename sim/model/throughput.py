"""The corridor's throughput as a process: a ramp, a random walk, or growth with the queue.

A road's throughput is not a constant in a crisis: convoys get organised, buses arrive, fuel runs
short, checkpoints learn. Each rule moves `corridor_capacity_per_hour` (people an hour) every
`throughput_step_hours` while the corridor is open, never above `throughput_ceiling_per_hour` (what
the road, its vehicles and the border can carry) nor below 0; timeline events still set and add
to it. The default, constant, starts no process.
"""

from __future__ import annotations

import math
from collections.abc import Generator as Process

import simpy
from numpy.random import Generator
from simpy.events import Timeout

from sim.model.world import World
from sim.scenario.params import OutflowParams


def next_capacity(p: OutflowParams, capacity: float, step_days: float, waiting: int,
                  rng: Generator) -> float:
    """The capacity one step on, by the scenario's rule (exact over the step)."""
    ceiling = p.throughput_ceiling_per_hour
    if p.throughput == "ramp":  # linear in time: organisation, vehicles, practice (or fuel)
        new = capacity + p.throughput_ramp_per_hour_per_day * step_days
    elif p.throughput == "random_walk":  # log-normal steps: median kept, spread ~ sqrt(time)
        z = float(rng.standard_normal())
        new = capacity * math.exp(p.throughput_walk_sd_per_sqrt_day * math.sqrt(step_days) * z)
    else:  # queue_growth: logistic toward the ceiling, only while people wait
        if not waiting or capacity >= ceiling:
            return min(capacity, ceiling)
        grow = math.exp(-p.throughput_growth_per_day * step_days)
        new = ceiling / (1.0 + (ceiling / capacity - 1.0) * grow)
    return min(ceiling, max(0.0, new))


def throughput(env: simpy.Environment, p: OutflowParams, rng: Generator,
               world: World) -> Process[simpy.Event, object, None]:
    """Every step while the corridor is open and moving, set its next capacity (the queue is
    served at the old capacity up to now)."""
    step = p.throughput_step_hours / 24
    while True:
        yield Timeout(env, step)
        world.advance(env.now)  # the queue as it is now (households have decided meanwhile)
        capacity = world.corridor_capacity_per_hour
        if not world.corridor_open or capacity <= 0:
            continue
        new = next_capacity(p, capacity, step, world.waiting, rng)
        if new != capacity:
            world.set_variable("corridor_capacity_per_hour", new)
            world.signal("corridor_changed")
