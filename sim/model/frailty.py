"""Households differ: frailty classes of a gamma distribution with mean 1.

Each household's hazard is `frailty x h`, frailty ~ Gamma(shape, scale 1/shape). The population is
split into K classes of equal probability (the gamma's quantiles k/K to (k+1)/K); a class's frailty
is its conditional mean, K x (P(shape+1, shape q_(k+1)) - P(shape+1, shape q_k)) with P the
regularised lower incomplete gamma, because x f_shape(x) is the density of Gamma(shape+1, 1/shape)
for a mean-1 gamma. So the classes' mean frailty is exactly 1, and each class, given its frailty,
is simulated exactly (its own binomial draws). The surviving share after a cumulative hazard H is
the mean of exp(-f_k H) over classes, which tends to (1 + H/shape)^(-shape) as K grows.
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache


@lru_cache(maxsize=64)
def frailties(shape: float, classes: int) -> tuple[float, ...]:
    """The frailty of each class (mean exactly 1); one class of frailty 1 when all are alike."""
    if shape > 1e12 or classes == 1:  # a spread below 1e-6: alike (and beyond scipy's reach)
        return (1.0,)
    from scipy.special import gammainc, gammaincinv

    quantiles = [0.0] + [float(gammaincinv(shape, k / classes))
                                  for k in range(1, classes)] + [math.inf]
    mass = [1.0 if math.isinf(q) else float(gammainc(shape + 1, q)) for q in quantiles]
    mass[0] = 0.0
    return tuple(classes * (b - a) for a, b in itertools.pairwise(mass))


def surviving_share(shape: float, classes: int, cumulative_hazard: float) -> float:
    """The share of households not yet decided after a cumulative hazard (frailty 1)."""
    f = frailties(shape, classes)
    return sum(math.exp(-x * cumulative_hazard) for x in f) / len(f)
