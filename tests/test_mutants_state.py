"""Tension between events is exact in every case the model meets (fed, hungry, starving, at war,
nobody or one person inside, capped at 1), checked against a quadrature of the ODE: whichever
of the two exact solutions (constant target or piecewise) a case takes, the answer is the ODE's."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.integrate import quad

from sim.model.state import Relaxation


def _exact(r: Relaxation, tension: float, dt: float, supplies: float, inside: float,
           at_war: bool) -> float:
    """T(dt) = T0 e^(-k dt) + k integral of e^(-k (dt - s)) g(s) ds, g the capped target."""
    k, b, w, c = r.tension_rate, r.baseline, r.weight, r.comfortable

    def target(s: float) -> float:
        if at_war:
            return 1.0
        if inside <= 0:
            return min(1.0, b)
        stock = max(0.0, supplies - inside * s)
        return min(1.0, b + w * (1.0 - min(1.0, stock / inside / c)))

    days = supplies / inside if inside > 0 else math.inf
    kinks = [x for x in (days - c, days, days - c + c * (1 - b) / w if w > 0 else -1.0)
             if 0.0 < x < dt]
    integral, _ = quad(lambda s: k * math.exp(-k * (dt - s)) * target(s), 0.0, dt,
                       points=kinks or None, limit=200, epsabs=1e-14, epsrel=1e-13)
    return tension * math.exp(-k * dt) + integral


def _cases(n: int, seed: int) -> list[tuple[Relaxation, float, float, float, float, bool]]:
    """Random states: stocks from empty to plentiful, 0, 1 or many inside, sometimes at war,
    baselines and weights that do and do not reach the ceiling."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n):
        r = Relaxation(baseline=float(rng.uniform(0, 1)),
                       weight=float(rng.choice([0.0, rng.uniform(0, 1)])),
                       comfortable=float(rng.uniform(0.5, 30)),
                       tension_rate=float(rng.uniform(0.01, 2)), trust_rate=0.1)
        inside = float(rng.choice([0, 1, 2, rng.integers(3, 20_000)]))
        days = float(rng.choice([0.0, rng.uniform(0, 1), rng.uniform(0, 60)]))
        cases.append((r, float(rng.uniform(0, 1)), float(rng.uniform(1e-3, 40)), days * inside,
                      inside, bool(rng.uniform() < 0.1)))
    return cases


R = Relaxation(baseline=0.3, weight=0.9, comfortable=14, tension_rate=math.log(2) / 5,
               trust_rate=math.log(2) / 30)
#: the edges: one person inside, hungry; under one person-day left; fed to the last instant;
#: an empty stock; nobody inside; at war while the stock runs down; the target reaching 1
EDGES = [(R, 0.2, 10.0, 5.0, 1.0, False), (R, 0.2, 3.0, 0.5, 1.0, False),
         (R, 0.2, 2.0, 0.5, 10_000.0, False), (R, 0.2, 4.0, 18.0, 1.0, False),
         (R, 0.2, 4.0, 180_000.0, 10_000.0, False), (R, 0.9, 3.0, 0.0, 10.0, False),
         (R, 0.9, 3.0, 50.0, 0.0, False), (R, 0.2, 6.0, 100.0, 10.0, True),
         (Relaxation(0.5, 0.9, 14, 0.2, 0.1), 0.1, 30.0, 180_000.0, 10_000.0, False),
         (Relaxation(0.5, 0.5, 14, 0.2, 0.1), 0.1, 30.0, 180_000.0, 10_000.0, False)]
#: below the ceiling: a step that ends with half a day of stock left, under one person-day left
#: for one person; a baseline of 1, where the target reaches 1 on the first day of hunger
LOW = Relaxation(0.3, 0.5, 14, 0.2, 0.05)
EDGES += [(LOW, 0.2, 17.5, 180_000.0, 10_000.0, False), (LOW, 0.2, 3.0, 0.5, 1.0, False),
          (LOW, 0.2, 0.5, 0.9, 1.0, False), (LOW, 0.6, 2.0, 3.0, 1.0, False),
          (Relaxation(1.0, 0.5, 14, 0.2, 0.1), 0.1, 30.0, 180_000.0, 10_000.0, False)]
CASES = EDGES + _cases(150, 12)


@pytest.mark.parametrize("case", CASES)
def test_tension_between_events_is_the_ode_solution_in_every_regime(case):
    r, tension, dt, supplies, inside, at_war = case
    assert r.tension(tension, dt, supplies, inside, at_war) == pytest.approx(
        _exact(r, tension, dt, supplies, inside, at_war), abs=1e-10)


def test_hunger_is_the_share_of_comfortable_days_missing_even_for_one_person():
    assert R.hunger(7.0, 1) == pytest.approx(0.5, abs=1e-15)
    assert R.hunger(0.0, 1) == 1.0 and R.hunger(28.0, 2) == 0.0
    assert R.hunger(50.0, 0) == 0.0  # nobody inside is hungry


@pytest.mark.parametrize("r", [R, LOW])
def test_the_series_gives_every_row_its_exact_state(r):
    """Rows at war, fed, hungry, starving, with nobody, one or many inside, in one call."""
    rows = [c for c in CASES if c[0] is r] + [(r, *c[1:]) for c in _cases(60, 5)]
    inside = np.array([c[4] for c in rows])
    waiting = np.floor(inside / 3)
    dt = np.array([c[2] for c in rows])
    at = SimpleNamespace(residents=inside - waiting, waiting=waiting,
                         supplies_person_days=np.array([c[3] for c in rows]),
                         at_war=np.array([float(c[5]) for c in rows]),
                         tension=np.array([c[1] for c in rows]),
                         trust=np.full(len(rows), 0.9), trust_anchor=np.full(len(rows), 0.1))
    got = r.series(at, dt)
    for i, (_, tension, days, supplies, people, war) in enumerate(rows):
        assert got["tension"][i] == pytest.approx(
            _exact(r, tension, days, supplies, people, war), abs=1e-10)
        stock = max(0.0, supplies - people * days)
        assert got["hunger"][i] == pytest.approx(r.hunger(stock, people), abs=1e-12)
        assert got["trust"][i] == pytest.approx(0.1 + 0.8 * math.exp(-days * r.trust_rate),
                                                 abs=1e-12)
