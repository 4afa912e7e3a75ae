"""Households differ: each one's hazard is `frailty x h`, frailty ~ Gamma(shape, mean 1), exactly.

Households are exchangeable and decide independently given the common hazard, so, given that a
household has not decided after a cumulative hazard H (of frailty 1), its frailty is gamma with
the same shape and rate shape + H (the frail have gone: Bayes with the survival exp(-f H)). The
chance that it decides in a step adding h is therefore 1 - (1 + h / (shape + H))^(-shape),
the same for every undecided household and independent between them: one binomial draw a step
over all undecided households simulates the continuous gamma exactly (no classes). People killed
or evacuated are taken without regard to frailty, which leaves those remaining distributed alike.
The share still undecided after H is (1 + H/shape)^(-shape) (Vaupel, Manton and Stallard 1979).
"""

from __future__ import annotations

import math

#: A gamma shape above this is a spread below 1e-6: households alike, frailty 1.
ALIKE = 1e12


def step_chance(shape: float, cumulative: float, hazard: float) -> float:
    """The chance that an undecided household decides in a step adding `hazard` (of frailty 1)
    after a cumulative `cumulative`: 1 - exp(-hazard) when all are alike."""
    if shape > ALIKE:
        return -math.expm1(-hazard)
    return -math.expm1(-shape * math.log1p(hazard / (shape + cumulative)))


def surviving_share(shape: float, cumulative: float) -> float:
    """The share of households not yet decided after a cumulative hazard (frailty 1)."""
    if shape > ALIKE:
        return math.exp(-cumulative)
    return (1.0 + cumulative / shape) ** -shape
