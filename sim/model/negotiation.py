"""Negotiation rounds: gaps on the agenda narrow by concessions, widen on setbacks."""

from __future__ import annotations

import math
from collections.abc import Generator as Process

import simpy
from numpy.random import Generator

from sim.model.commitments import credibility
from sim.model.world import Record, World
from sim.scenario.params import CeasefireParams, NegotiationParams


def negotiation(env: simpy.Environment, p: NegotiationParams, rng: Generator, world: World,
                log: list[Record], c: CeasefireParams) -> Process[simpy.Event, object, None]:
    """Hold rounds until every issue is settled (agreement) or the talks break down. Settled
    guarantees and an agreement raise the level trust relaxes to by their credibility (`c`
    says what full-strength peacekeeping is); a breakdown lowers it."""
    if not p.talks_held:
        return
    names = list(p.issues)  # in name order (NegotiationParams)
    gaps = [float(p.issues[n].gap) for n in names]
    guarantee = [p.issues[n].guarantee for n in names]
    settled = [g < p.settle_gap for g in gaps]
    if given := _count(settled, guarantee):  # guarantees given before the start are in force
        _guaranteed(p, c, world, given)
        world.snapshot()
    unproductive = 0
    while not all(settled):
        if p.scheduled_rounds_only:
            yield world.round_called | world.ceasefire_collapsed
        else:
            gap_days = rng.gamma(p.round_gap_shape, p.mean_days_between_rounds / p.round_gap_shape)
            yield simpy.AnyOf(env, (env.timeout(gap_days), world.round_called,
                                    world.ceasefire_collapsed))
        while (not world.ceasefire_collapsed.triggered
               and _tension(world) > p.postpone_above_tension):
            log.append(Record(env.now, "postponed", "round", world.tension))
            yield env.timeout(p.postpone_days) | world.ceasefire_collapsed
        if world.ceasefire_collapsed.triggered:
            break
        yield env.timeout(p.round_hours / 24) | world.ceasefire_collapsed
        if world.ceasefire_collapsed.triggered:
            break
        world.advance(env.now)
        newly, result = _round(p, rng, world, gaps, settled)
        settled = [a or b for a, b in zip(settled, newly, strict=True)]
        world.settle(sum(newly))
        unproductive = 0 if result == "productive" else unproductive + 1
        world.shift("trust", p.trust_per_settled_issue * sum(newly)
                    + (p.trust_per_productive_round if result == "productive"
                       else -p.trust_per_unproductive_round))
        if given := _count(newly, guarantee):
            _guaranteed(p, c, world, given)
        if result == "setback":
            world.shift("tension", p.setback_tension)
        world.snapshot()
        log.append(Record(env.now, "round", result, float(sum(newly)),
                          ", ".join(n for n, s in zip(names, newly, strict=True) if s)))
        if unproductive >= p.max_unproductive_rounds:
            break
    world.advance(env.now)
    if all(settled):
        world.end_talks(True, p.agreement_trust_change, p.agreement_tension_change)
        world.move_anchor(p.agreement_trust_gain * credibility(p, c, world))
        log.append(Record(env.now, "agreement", "all issues settled", float(len(names))))
    else:
        world.end_talks(False, p.breakdown_trust_change, p.breakdown_tension_change)
        world.move_anchor(-p.broken_trust_loss)
        why = "ceasefire collapsed" if world.ceasefire_collapsed.triggered else "no progress"
        log.append(Record(env.now, "talks_broken", why, float(unproductive)))
    world.snapshot()


def _tension(world: World) -> float:
    world.advance(world.env.now)
    return world.tension


def _guaranteed(p: NegotiationParams, c: CeasefireParams, world: World, count: int) -> None:
    """`count` guarantees settled now: each raises the level trust relaxes to and calms fear,
    both in proportion to how credible a promise is now (the commitment problem)."""
    worth = credibility(p, c, world) * count
    world.move_anchor(p.guarantee_trust_gain * worth)
    world.shift("tension", p.guarantee_tension_change * worth)


def _count(these: list[bool], guarantee: list[bool]) -> int:
    """How many of these issues are guarantees."""
    return sum(1 for a, g in zip(these, guarantee, strict=True) if a and g)


def _round(p: NegotiationParams, rng: Generator, world: World, gaps: list[float],
           settled: list[bool]) -> tuple[list[bool], str]:
    """One round, in place on `gaps` (plain lists: a few issues, where numpy's calls cost more
    than the sums): returns the newly settled issues and the result.

    Every round draws the same random numbers whatever the state, so two scenarios run with
    one seed keep their negotiation streams aligned (common random numbers)."""
    n = len(gaps)
    u_setback = rng.random()
    shape = p.concession_shape
    spread = (rng.standard_gamma(shape, n) / shape).tolist() if shape > 0 else [1.0] * n
    u_break = rng.random(n).tolist()
    open_ = [i for i in range(n) if not settled[i]]
    memory = sum(math.exp(-(world.env.now - t) * math.log(2) / p.incident_memory_half_life_days)
                 for t in world.incident_times)
    if u_setback < p.setback_probability + p.setback_per_incident_probability * memory:
        widen = 1 + p.setback_widening_share
        for i in open_:
            gaps[i] = min(1.0, gaps[i] * widen)
        return [False] * n, "setback"
    gone = world.departed / world.population  # the separatists' leverage: the departed share
    mean = (p.mean_concession_share * world.mediator_pressure
            * (1 - p.tension_concession_weight * world.tension)
            * (1 + p.departed_leverage_weight * gone))
    before = sum(gaps[i] for i in open_)
    for i in open_:
        gaps[i] *= 1 - min(max(mean * spread[i], 0.0), 0.95)
    newly = [False] * n
    for i in open_:
        newly[i] = gaps[i] < p.settle_gap or u_break[i] < p.settle_probability
    progress = any(newly) or before - sum(gaps[i] for i in open_) >= p.min_progress_share * before
    return newly, "productive" if progress else "unproductive"
