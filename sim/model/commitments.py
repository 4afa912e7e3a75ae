"""Credible commitments: how much a promise made now is worth, from third-party enforcement."""

from __future__ import annotations

from collections.abc import Generator as Process

import simpy

from sim.model.ceasefire import deterrence
from sim.model.world import World
from sim.scenario.params import CeasefireParams, NegotiationParams


def enforcement(c: CeasefireParams, world: World) -> float:
    """Third-party enforcement now (0-1), from the peacekeepers and the monitors.

    Peacekeepers enforce a promise as far as they deter breaches of the ceasefire
    (`deterrence`: their deterrence at full strength, scaled by their strength), monitors by
    their presence (0-1). The two combine as independent chances that a breach is answered,
    1 - (1 - deterrence)(1 - monitors): either alone can enforce fully, together they add
    without passing 1, and the absence of one takes nothing from the other (judgement)."""
    return 1.0 - (1.0 - deterrence(c, world)) * (1.0 - world.monitors)


def credibility(p: NegotiationParams, c: CeasefireParams, world: World) -> float:
    """How far the population believes a promise made now (0-1): the commitment problem, where
    a promise nobody can enforce moves little (Fearon 1995; Walter 1997, 2002)."""
    return min(1.0, p.base_credibility
               + p.enforcement_weight * enforcement(c, world))


def broken_ceasefire(env: simpy.Environment, p: NegotiationParams, world: World
                     ) -> Process[simpy.Event, object, None]:
    """A ceasefire that collapses is a commitment broken: the trust level falls when it does
    (talks broken down by the collapse are a second one, see `negotiation`)."""
    yield world.ceasefire_collapsed
    world.advance(env.now)
    world.move_anchor(-p.broken_trust_loss)
    world.snapshot()
