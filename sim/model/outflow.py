"""Population outflow: households decide to leave, then queue for the one exit corridor (which
serves its queue in closed form: sim/model/fluid.py)."""

from __future__ import annotations

import math
from collections.abc import Generator as Process

import simpy
from numpy.random import Generator
from simpy.events import Timeout

from sim.model.frailty import frailties
from sim.model.state import apportion
from sim.model.world import World
from sim.scenario.params import OutflowParams


def felt(level: float, tolerance: float, exponent: float) -> float:
    """How much a level of fear, hunger or distrust (0-1) drives leaving: nothing at or below the
    tolerance, linearly to 1 above it, raised to the exponent (tolerance 0, exponent 1: MODEL's
    linear term)."""
    return (max(0.0, level - tolerance) / (1.0 - tolerance)) ** exponent


def hazard_per_day(p: OutflowParams, world: World) -> float:
    """A household's rate of deciding to leave (frailty 1), from fear, hunger, distrust (each
    as `felt` above the tolerance) and the share of the population already gone (departed, not
    queuing)."""
    k, tol = p.hazard_exponent, p.hazard_tolerance
    return (p.base_hazard_per_day + p.tension_hazard_per_day * felt(world.tension, tol, k)
            + p.hunger_hazard_per_day * felt(world.hunger(), tol, k)
            + p.distrust_hazard_per_day * felt(1 - world.trust, tol, k)
            + p.neighbours_hazard_per_day * (world.departed / world.population))


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
    left = sum(undecided)
    binomial, exp = rng.binomial, math.exp
    while True:
        yield Timeout(env, step)
        world.advance(env.now)
        lost = left - max(0, world.residents - world.stayers)
        if lost > 0:  # killed or evacuated since the last step
            undecided = [n - k for n, k in zip(undecided, apportion(lost, undecided), strict=True)]
            left -= lost
        if left < size:
            continue  # nobody decides: no draw (a probability 0 takes no random number)
        hazard = hazard_per_day(p, world) * step
        joined = 0
        for j, f in enumerate(frailty):  # one draw per class with a household, in class order
            n = undecided[j]
            households = int(n // size)
            if households and (d := int(binomial(households, 1.0 - exp(-f * hazard)))):
                people = round(d * size)
                people = n if people > n else people
                undecided[j] = n - people
                joined += people
        if joined:
            left -= joined
            world.join_queue(joined)


def everyone_at_once(env: simpy.Environment, world: World) -> Process[simpy.Event, object, None]:
    """The null model: everyone but the stayers decides the moment the corridor is open."""
    while not world.corridor_open:
        yield world.corridor_changed
    world.advance(env.now)
    if world.residents > world.stayers:
        world.join_queue(world.residents - world.stayers)
