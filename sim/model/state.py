"""The state between events in closed form, and integer shares taken in proportion.

Between two events supplies fall linearly (everyone inside, residents and those queuing, eats one
person-day a day), so hunger is piecewise linear in time: 0 while the stock lasts more than
`comfortable_supply_days`, then rising with slope 1 / comfortable_supply_days, then 1 once the
stock is gone. Tension relaxes toward `baseline + hunger_weight x hunger(t)` (at most 1; 1 at
war): a linear ODE with piecewise-linear forcing, solved exactly piece by piece, so the state
does not depend on how often it is brought up to date. Trust relaxes toward its anchor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Relaxation:
    """The constants of the state's motion between events (from the scenario)."""

    baseline: float      # tension's level when fed and at peace
    weight: float        # how much full hunger adds to it
    comfortable: float   # days of supply at which nobody is hungry
    tension_rate: float  # ln 2 / half-life, per day
    trust_rate: float

    def hunger(self, supplies: float, inside: float) -> float:
        """How short of supplies the people inside are: 0 fed, 1 nothing left."""
        if inside <= 0:
            return 0.0
        return 1.0 - min(1.0, max(0.0, supplies) / inside / self.comfortable)

    def target(self, supplies: float, inside: float) -> float:
        """The level tension relaxes toward at peace, with this stock and this many inside."""
        return min(1.0, self.baseline + self.weight * self.hunger(supplies, inside))

    def tension(self, tension: float, dt: float, supplies: float, inside: float,
                at_war: bool) -> float:
        """Tension `dt` days on, exactly, from `tension` with this stock and this many inside."""
        rate = self.tension_rate
        c, b, w = self.comfortable, self.baseline, self.weight
        target: float | None = None  # None: hunger moves within dt (below)
        if at_war:  # a constant target (hot: `target`, written out)
            target = 1.0
        elif inside <= 0 or supplies - inside * dt >= inside * c:  # nobody inside, or fed
            target = min(1.0, b)
        elif supplies <= 0.0:  # starving throughout
            target = min(1.0, b + w)
        if target is not None:
            return target + (tension - target) * math.exp(-dt * rate)
        # the forcing's corners: the stock falls to `comfortable` days, then to nothing; and
        # (if the target reaches 1 on the way) the day it does
        days = supplies / inside
        ceiling = days - c + c * (1.0 - b) / w if w > 0 and b + w > 1.0 else -1.0
        corners = [x for x in (days - c, days, ceiling) if 0.0 < x < dt]
        if len(corners) > 1:
            corners.sort()
        corners.append(dt)
        t, g0 = 0.0, min(1.0, b + w * (1.0 - min(1.0, days / c)))
        for corner in corners:
            length = corner - t
            if length <= 0.0:
                continue
            left = days - corner  # days of stock left then
            g1 = min(1.0, b + w * (1.0 - (min(1.0, left / c) if left > 0.0 else 0.0)))
            x = length * rate
            # dT/dt = k (g(t) - T) with g linear from g0 to g1 over the piece
            tension = g1 + (tension - g0) * math.exp(-x) + (g1 - g0) / x * math.expm1(-x)
            t, g0 = corner, g1
        return tension

    def series(self, at: Any, dt: np.ndarray, inside: np.ndarray | None = None,
               inside_now: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Tension, trust and hunger `dt` days after snapshots `at` (columns by name), as
        `World.advance` would bring them: the piecewise solution where hunger moves, the same
        arithmetic in arrays where the target is constant (most rows). `inside` is the mean
        number inside since the snapshot, `inside_now` the number at the end (both by default
        the snapshot's: nobody crossed meanwhile)."""
        if inside is None:
            inside = at.residents + at.waiting
        supplies = at.supplies_person_days
        war = at.at_war > 0
        stock = np.maximum(0.0, supplies - inside * dt)
        target = np.where(war, 1.0, np.minimum(1.0, self.baseline + self.weight * self._hunger(
            supplies, inside)))
        tension = target + (at.tension - target) * np.exp(-dt * self.tension_rate)
        moving = ~war & (inside > 0) & (supplies > 0) & (stock < inside * self.comfortable)
        for i in np.flatnonzero(moving).tolist():
            tension[i] = self.tension(float(at.tension[i]), float(dt[i]), float(supplies[i]),
                                      float(inside[i]), False)
        return {"tension": tension,
                "trust": at.trust_anchor + (at.trust - at.trust_anchor) * np.exp(
                    -dt * self.trust_rate),
                "hunger": self._hunger(stock, inside if inside_now is None else inside_now)}

    def _hunger(self, supplies: np.ndarray, inside: np.ndarray) -> np.ndarray:
        days = np.divide(np.maximum(0.0, supplies), inside, out=np.full_like(supplies, np.inf),
                         where=inside > 0)
        return 1.0 - np.minimum(1.0, days / self.comfortable)


def apportion(total: int, counts: Sequence[int]) -> list[int]:
    """`total` people taken from groups in proportion to their sizes, in whole people (largest
    remainder, ties to the earlier group); all of them when `total` is at least their sum."""
    whole = sum(counts)
    if total >= whole:
        return list(counts)
    if total <= 0:
        return [0] * len(counts)
    if len(counts) > 64 and whole < 2**31:  # many groups (a long queue's cohorts): in numpy
        c = np.fromiter(counts, np.int64, len(counts))
        got = total * c // whole
        short = total - int(got.sum())
        if short:  # a stable sort keeps ties in the groups' order
            got[np.argsort(-(total * c % whole), kind="stable")[:short]] += 1
        return got.tolist()
    taken = [total * c // whole for c in counts]
    short = total - sum(taken)
    if short:
        order = sorted(range(len(counts)), key=lambda i: -(total * counts[i] % whole))
        for i in order[:short]:
            taken[i] += 1
    return taken
