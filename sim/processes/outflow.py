"""Population outflow: households decide to leave, then queue for the one exit corridor."""

from __future__ import annotations

import math
from collections.abc import Generator as Process

import simpy
from numpy.random import Generator

from sim.params import OutflowParams
from sim.world import World


def hazard_per_day(p: OutflowParams, world: World) -> float:
    """Each undecided household's rate of deciding to leave, from fear, hunger, distrust and
    the share of people already gone or queuing. An exponent above 1 makes fear, hunger and
    distrust matter mostly when they are high (people tolerate moderate levels)."""
    k = p.hazard_exponent
    gone = (world.departed + world.waiting) / world.population
    return (p.base_hazard_per_day + p.tension_hazard_per_day * world.tension ** k
            + p.hunger_hazard_per_day * world.hunger() ** k
            + p.distrust_hazard_per_day * (1 - world.trust) ** k
            + p.neighbours_hazard_per_day * gone)


def decisions(env: simpy.Environment, p: OutflowParams, rng: Generator,
              world: World) -> Process[simpy.Event, object, None]:
    """Every decision step, a binomial number of undecided households decide to leave."""
    step = p.decision_step_hours / 24
    stayers = round(world.population * p.stayer_share)
    while True:
        yield env.timeout(step)
        world.advance(env.now)
        movable = max(0, world.residents - stayers)
        households = int(movable // p.household_size_people)
        if households == 0:
            continue
        chance = 1.0 - math.exp(-hazard_per_day(p, world) * step)
        deciders = int(rng.binomial(households, chance))
        people = min(movable, round(deciders * p.household_size_people))
        if people:
            world.join_queue(people)
            world.snapshot()


#: The shortest slice of crossing time: far above the clock's rounding at any horizon.
MIN_SLICE_DAYS = 1e-9


def corridor(env: simpy.Environment, world: World) -> Process[simpy.Event, object, None]:
    """First come, first served, at most `corridor_capacity_per_hour` people an hour.

    People cross in slices of at most an hour; a slice ends early when the corridor closes or
    its capacity changes (the change interrupts it), and capacity left over as a fraction of a
    person carries on. Waits are plain events, not AnyOf conditions: they are the hot path."""
    me = env.active_process
    assert me is not None  # this generator runs as a process

    def cut(_: simpy.Event) -> None:
        me.interrupt("the corridor changed")

    carry = 0.0
    while True:
        if not world.corridor_open or world.corridor_capacity_per_hour <= 0:
            yield world.corridor_changed
            continue
        idle = world.waiting == 0
        capacity = world.corridor_capacity_per_hour
        began = env.now
        changed = world.corridor_changed
        changed.callbacks.append(cut)  # a change of the corridor interrupts the wait below
        try:
            if idle:
                yield world.people_joined
            else:
                # at least 1e-9 days, so the clock always moves on, even at huge capacities
                yield env.timeout(max(MIN_SLICE_DAYS,
                                      min(1.0, (world.waiting - carry) / capacity) / 24))
            changed.callbacks.remove(cut)
        except simpy.Interrupt:
            pass
        if idle:
            continue
        allowed = capacity * (env.now - began) * 24 + carry
        people = min(world.waiting, int(allowed + 1e-6))  # a millionth of a person is rounding
        carry = min(1.0, allowed - people) if people < world.waiting else 0.0
        if people:
            world.advance(env.now)
            world.cross(people)
            world.snapshot()
