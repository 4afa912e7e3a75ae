"""Population outflow: households decide to leave, then queue for the one exit corridor (which
serves its queue in closed form: sim/model/fluid.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from collections.abc import Generator as Process

import simpy
from numpy.random import Generator

from sim.model.frailty import step_chance
from sim.model.world import World
from sim.scenario.params import OutflowParams


def hazard_rate(p: OutflowParams, world: World) -> Callable[[World], float]:
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
    population, hunger_of = world.population, world.relax.hunger

    def rate(world: World) -> float:
        fear = world.tension - tol
        hunger = hunger_of(world.supplies_person_days, world.residents + world.waiting) - tol
        distrust = 1 - world.trust - tol
        return (base + tension_w * ((fear / span if fear > 0.0 else 0.0) ** k)
                + hunger_w * ((hunger / span if hunger > 0.0 else 0.0) ** k)
                + distrust_w * ((distrust / span if distrust > 0.0 else 0.0) ** k)
                + neighbours_w * (world.departed / population))

    return rate


def start(env: simpy.Environment, p: OutflowParams, rng: Generator, world: World,
          horizon: float) -> None:
    """Start the population's outflow: households deciding on the world's decision clock, or
    the null model (everyone queues at once) as a process."""
    if p.mode == "queue":
        env.process(everyone_at_once(env, world))
    else:
        decide = Decisions(p, rng, world, horizon)
        world.keep_clock(decide, decide.due(decide.step))


class Decisions:
    """Every decision step before the horizon, a binomial number of the undecided households
    decide to leave, each with the chance its gamma frailty gives after the hazard so far
    (sim/model/frailty.py: one draw a step, exact); no draw when nobody can decide. The undecided
    are the residents but the stayers (people killed or evacuated have left them).

    The steps are a clock of the World, not events: `World.advance` stops at each step due and
    calls this with the world brought to it (a step at the moment of an event comes first), so
    what is decided does not depend on how often the world is brought up to date."""

    def __init__(self, p: OutflowParams, rng: Generator, world: World, horizon: float) -> None:
        self.step = p.decision_step_hours / 24
        self.size = p.household_size_people
        self.shape = p.hazard_heterogeneity
        self.hazard_per_day = hazard_rate(p, world)
        self.cumulative = 0.0  # the hazard of frailty 1 the undecided have come through
        self.binomial = rng.binomial
        self.horizon = horizon

    def __call__(self, world: World, t: float) -> float:
        """Decide at step `t` (the world brought to it); returns the next step's day (inf: none
        before the horizon)."""
        left = world.residents - world.stayers
        households = int(left // self.size)
        if households:  # else nobody decides: no draw (a probability 0 takes no random number)
            hazard = self.hazard_per_day(world) * self.step
            chance = step_chance(self.shape, self.cumulative, hazard)
            self.cumulative += hazard
            if d := int(self.binomial(households, chance)):
                people = round(d * self.size)
                world.join_queue(left if people > left else people)
        return self.due(t + self.step)

    def due(self, day: float) -> float:
        """The day a step falls due: none at or after the horizon (inf)."""
        return day if day < self.horizon else math.inf


def everyone_at_once(env: simpy.Environment, world: World) -> Process[simpy.Event, object, None]:
    """The null model: everyone but the stayers decides the moment the corridor is open."""
    while not world.corridor_open:
        yield world.corridor_changed
    world.advance(env.now)
    if world.residents > world.stayers:
        world.join_queue(world.residents - world.stayers)
