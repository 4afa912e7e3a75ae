"""Population outflow: households decide to leave, then queue for the one exit corridor (which
serves its queue in closed form: sim/model/fluid.py)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Generator as Process

import simpy
from numpy.random import Generator
from simpy.events import Timeout

from sim.model.frailty import step_chance
from sim.model.world import World
from sim.scenario.params import OutflowParams


def hazard_rate(p: OutflowParams, population: int) -> Callable[[World], float]:
    """A household's rate of deciding to leave (frailty 1) in a world: base + the weights of
    fear (tension), hunger and distrust (1 - trust), each felt only above the tolerance, linearly
    to 1 above it and raised to the exponent (tolerance 0, exponent 1: MODEL's linear terms),
    + the neighbours' weight x the share of the population already gone (departed, not queuing).
    Built once a replication (the decision step is hot)."""
    base, tension_w, hunger_w = (p.base_hazard_per_day, p.tension_hazard_per_day,
                                 p.hunger_hazard_per_day)
    distrust_w, neighbours_w = p.distrust_hazard_per_day, p.neighbours_hazard_per_day
    k, tol = p.hazard_exponent, p.hazard_tolerance
    span = 1.0 - tol

    def rate(world: World) -> float:
        fear = world.tension - tol
        hunger = world.hunger() - tol
        distrust = 1 - world.trust - tol
        return (base + tension_w * ((fear / span if fear > 0.0 else 0.0) ** k)
                + hunger_w * ((hunger / span if hunger > 0.0 else 0.0) ** k)
                + distrust_w * ((distrust / span if distrust > 0.0 else 0.0) ** k)
                + neighbours_w * (world.departed / population))

    return rate


def decisions(env: simpy.Environment, p: OutflowParams, rng: Generator,
              world: World) -> Process[simpy.Event, object, None]:
    """Every decision step a binomial number of the undecided households decide to leave, each
    with the chance its gamma frailty gives after the hazard so far (sim/model/frailty.py: one
    draw a step, exact); no draw when nobody can decide. The undecided are the residents but the
    stayers (people killed or evacuated have left them)."""
    if p.mode == "queue":
        yield from everyone_at_once(env, world)
        return
    step = p.decision_step_hours / 24
    size = p.household_size_people
    shape = p.hazard_heterogeneity
    hazard_per_day = hazard_rate(p, world.population)
    cumulative = 0.0  # the hazard of frailty 1 the undecided have come through
    binomial = rng.binomial
    while True:
        yield Timeout(env, step)
        world.advance(env.now)
        left = world.residents - world.stayers  # the undecided (killed, evacuated: gone)
        households = int(left // size)
        if not households:
            continue  # nobody decides: no draw (a probability 0 takes no random number)
        hazard = hazard_per_day(world) * step
        chance = step_chance(shape, cumulative, hazard)
        cumulative += hazard
        if d := int(binomial(households, chance)):
            people = round(d * size)
            world.join_queue(left if people > left else people)


def everyone_at_once(env: simpy.Environment, world: World) -> Process[simpy.Event, object, None]:
    """The null model: everyone but the stayers decides the moment the corridor is open."""
    while not world.corridor_open:
        yield world.corridor_changed
    world.advance(env.now)
    if world.residents > world.stayers:
        world.join_queue(world.residents - world.stayers)
