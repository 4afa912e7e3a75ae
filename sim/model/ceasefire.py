"""Ceasefire stability: incidents as a self-exciting point process, escalation to collapse."""

from __future__ import annotations

import math
from collections.abc import Generator as Process
from collections.abc import Sequence

import simpy
from numpy.random import Generator

from sim.model.world import Record, World
from sim.scenario.params import CeasefireParams


def deterrence(p: CeasefireParams, world: World) -> float:
    """Share of incidents and escalations the peacekeepers prevent, scaled by their strength."""
    return p.peacekeeper_deterrence * min(1.0, world.peacekeepers
                                          / p.peacekeepers_full_strength_people)


def ceasefire(env: simpy.Environment, p: CeasefireParams, rng: Generator, world: World,
              log: list[Record], scheduled: Sequence[float] = ()
              ) -> Process[simpy.Event, object, None]:
    """Incidents by Ogata thinning, exact in continuous time, until the ceasefire collapses.

    Intensity: base x (1 + w x tension) x (1 - deterrence) + excitation, where each incident adds
    `self_excitation_share` expected further incidents, spread with the excitation half-life.
    The timeline's incidents (days `scheduled`, in order) excite it too: a candidate is never
    drawn past the next one, which is exact since the waits are memoryless."""
    decay = math.log(2) / p.excitation_half_life_days
    jump = p.self_excitation_share * decay
    ceiling = p.base_incidents_per_day * (1 + p.tension_incident_weight)  # tension <= 1
    excitation, since = 0.0, 0.0
    days, nxt = list(scheduled), 0
    while True:
        while nxt < len(days) and days[nxt] <= env.now:  # a timeline incident: excitation jumps
            excitation = excitation * math.exp(-decay * (days[nxt] - since)) + jump
            since, nxt = days[nxt], nxt + 1
        bound = ceiling + excitation * math.exp(-decay * (env.now - since))
        until = days[nxt] - env.now if nxt < len(days) else math.inf
        if bound <= 0 and until == math.inf:
            return
        wait = rng.exponential(1 / bound) if bound > 0 else math.inf
        if wait >= until:
            yield env.timeout(until)
            continue
        yield env.timeout(wait)
        now = env.now
        excitation *= math.exp(-decay * (now - since))
        since = now
        world.advance(now)
        keep = 1 - deterrence(p, world)
        rate = p.base_incidents_per_day * (1 + p.tension_incident_weight * world.tension) * keep
        if rng.random() * bound >= rate + excitation:
            continue  # a rejected candidate: no incident
        excitation += jump
        escalation = min(1.0, p.escalation_probability
                         * (1 + p.tension_escalation_weight * world.tension) * keep)
        casualties, killed = _harm(p, rng, world, p.mean_casualties_per_incident)
        world.incident(p.tension_per_incident)
        world.snapshot()
        log.append(Record(now, "incident", "incident", casualties, str(killed)))
        if rng.random() < escalation:
            break
    yield from _hostilities(env, p, rng, world, log)


def _harm(p: CeasefireParams, rng: Generator, world: World, mean: float) -> tuple[int, int]:
    """Draw casualties (killed and wounded) and remove the killed from the residents."""
    casualties = int(rng.poisson(mean))
    return casualties, world.kill(int(rng.binomial(casualties, p.fatal_share)), casualties)


def _hostilities(env: simpy.Environment, p: CeasefireParams, rng: Generator, world: World,
                 log: list[Record]) -> Process[simpy.Event, object, None]:
    """The ceasefire has collapsed: war resumes until the horizon, with daily casualties in
    proportion to the people still inside."""
    world.resume_war()
    log.append(Record(env.now, "collapse", "ceasefire collapsed", float(world.incidents)))
    while True:
        yield env.timeout(1.0)
        world.advance(env.now)
        present = world.inside / world.population  # fewer people left, fewer hit
        casualties, killed = _harm(p, rng, world, p.war_casualties_per_day * present)
        world.snapshot()
        log.append(Record(env.now, "fighting", "a day of fighting", casualties, str(killed)))
