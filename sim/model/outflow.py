"""Population outflow: households decide to leave, then queue for the one exit corridor."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Generator as Process

import simpy
from numpy.random import Generator
from simpy.events import Timeout

from sim.model.frailty import frailties
from sim.model.state import apportion
from sim.model.world import World
from sim.scenario.params import OutflowParams


def hazard_per_day(p: OutflowParams, world: World) -> float:
    """A household's rate of deciding to leave (frailty 1), from fear, hunger, distrust and the
    share of the population already gone (departed, not queuing). An exponent above 1 makes
    fear, hunger and distrust matter mostly when they are high (people tolerate moderate
    levels); the default 1 is MODEL's linear hazard."""
    k, tol = p.hazard_exponent, p.hazard_tolerance
    gone = world.departed / world.population

    def felt(level: float) -> float:
        return (max(0.0, level - tol) / (1.0 - tol)) ** k

    return (p.base_hazard_per_day + p.tension_hazard_per_day * felt(world.tension)
            + p.hunger_hazard_per_day * felt(world.hunger())
            + p.distrust_hazard_per_day * felt(1 - world.trust)
            + p.neighbours_hazard_per_day * gone)


def decisions(env: simpy.Environment, p: OutflowParams, rng: Generator,
              world: World) -> Process[simpy.Event, object, None]:
    """Every decision step, in each frailty class, a binomial number of its undecided households
    decide to leave (one draw per class per step, in class order, whatever the state, so what-ifs
    share their random numbers). People killed or evacuated leave the classes in proportion."""
    if p.mode == "queue":
        yield from everyone_at_once(env, world)
        return
    step = p.decision_step_hours / 24
    size = p.household_size_people
    frailty = frailties(p.hazard_heterogeneity, p.frailty_classes)
    each, extra = divmod(world.residents - world.stayers, len(frailty))  # equal-sized classes
    undecided = [each + (j < extra) for j in range(len(frailty))]
    while True:
        yield Timeout(env, step)
        world.advance(env.now)
        lost = sum(undecided) - max(0, world.residents - world.stayers)
        if lost > 0:  # killed or evacuated since the last step
            undecided = [n - k for n, k in zip(undecided, apportion(lost, undecided), strict=True)]
        hazard = hazard_per_day(p, world) * step if sum(undecided) >= size else 0.0
        joined = 0
        for j, f in enumerate(frailty):
            households = int(undecided[j] // size)
            deciders = int(rng.binomial(households, 1.0 - math.exp(-f * hazard))) \
                if households else 0
            people = min(undecided[j], round(deciders * size))
            undecided[j] -= people
            joined += people
        if joined:
            world.join_queue(joined)


def everyone_at_once(env: simpy.Environment, world: World) -> Process[simpy.Event, object, None]:
    """The null model: everyone but the stayers decides the moment the corridor is open."""
    while not world.corridor_open:
        yield world.corridor_changed
    world.advance(env.now)
    if world.residents > world.stayers:
        world.join_queue(world.residents - world.stayers)


#: The shortest slice of crossing time: far above the clock's rounding at any horizon.
MIN_SLICE_DAYS = 1e-9


def corridor(env: simpy.Environment, world: World) -> Process[simpy.Event, object, None]:
    """First come, first served, at most `corridor_capacity_per_hour` people an hour.

    People cross in slices of at most an hour; a slice ends early when the corridor closes or
    its capacity changes (the change interrupts it), and capacity left over as a fraction of a
    person carries on. This is the hot path of a replication (most of its events): waits are
    plain events, not AnyOf conditions, and the interrupting callback stays attached to the
    current `corridor_changed` event from one slice to the next."""
    me = env.active_process
    assert me is not None  # this generator runs as a process

    def cut(_: simpy.Event) -> None:
        me.interrupt("the corridor changed")

    carry = 0.0
    armed: simpy.Event | None = None  # the change event `cut` is attached to
    while True:
        changed = world.corridor_changed
        if not world.corridor_open or world.corridor_capacity_per_hour <= 0:
            if armed is changed:
                changed.callbacks.remove(cut)  # type: ignore[union-attr]
            armed = None
            # a change that fired in the instant people joined interrupts here: look again
            with contextlib.suppress(simpy.Interrupt):
                yield changed
            continue
        if armed is not changed:
            changed.callbacks.append(cut)  # type: ignore[union-attr]
            armed = changed
        waiting = world.waiting
        capacity = world.corridor_capacity_per_hour
        began = env.now
        try:
            if not waiting:
                yield world.people_joined
                continue
            # at least 1e-9 days, so the clock always moves on, even at huge capacities
            yield Timeout(env, max(MIN_SLICE_DAYS, min(1.0, (waiting - carry) / capacity) / 24))
        except simpy.Interrupt:
            if not waiting:
                continue
        waiting = world.waiting  # people may have joined during the slice
        allowed = capacity * (env.now - began) * 24 + carry
        people = int(allowed + 1e-6)  # a millionth of a person is rounding
        if people < waiting:
            carry = min(1.0, allowed - people)
        else:
            people, carry = waiting, 0.0
        if people:
            world.cross(people)
