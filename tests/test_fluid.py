"""The fluid corridor in closed form: the series between updates are the queue served to that
moment, and the 90th-percentile wait is the wait of the person at that rank, however the
crossings are grouped."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import run_replication
from sim.model.fluid import Crossing, wait_quantile_days

from conftest import scenario


def test_the_series_between_updates_are_the_queue_served_to_that_moment():
    """Everyone queues at day 0 for 333.3 an hour: at each record time t (no update between)
    floor(333.3 x 24 t) have crossed, and those queuing ate until they crossed."""
    sc = scenario({"outflow": {"mode": "queue", "stayer_share": 0.0,
                               "corridor_capacity_per_hour": 333.3},
                   "world": {"supplies_person_days": 40_000.0},
                   "supplies": {"comfortable_supply_days": 10.0}},
                  horizon_days=2).with_values({"record_every_hours": 1})
    rep = run_replication(sc, 0, 1)
    t = np.arange(49) / 24
    served = np.minimum(10_000, np.floor(333.3 * 24 * t + 1e-6))
    assert rep.series["departed"] == pytest.approx(served, abs=0)
    assert rep.series["waiting"] == pytest.approx(10_000 - served, abs=0)
    # eaten by t: 10,000 t less, for the k-th person across at k / (24 x 333.3), t minus that
    k = [np.arange(1, int(n) + 1) for n in served]
    eaten = np.array([10_000 * x - np.sum(x - (j - 1e-6) / (24 * 333.3))
                      for x, j in zip(t, k, strict=True)])
    left = np.maximum(0.0, 40_000.0 - eaten)
    inside = 10_000 - served
    hunger = 1 - np.minimum(1.0, np.divide(left, inside * 10.0, out=np.full_like(left, np.inf),
                                           where=inside > 0))
    assert rep.series["hunger"] == pytest.approx(hunger, abs=1e-9)


def _brute(crossings: list[Crossing], q: float) -> float:
    waits = sorted(c.first - c.joined + i * c.step for c in crossings for i in range(c.people))
    return waits[math.ceil(q * len(waits) - 1e-9) - 1]


@pytest.mark.parametrize("seed", range(20))
def test_the_quantile_wait_is_the_person_at_that_rank(seed):
    rng = np.random.default_rng(seed)
    runs = [Crossing(float(rng.uniform(0, 5)), float(rng.uniform(5, 10)),
                     float(rng.choice([0.0, rng.uniform(0.001, 0.1)])), int(rng.integers(1, 60)))
            for _ in range(int(rng.integers(1, 12)))]
    for q in (0.1, 0.5, 0.9, 1.0):
        assert wait_quantile_days(runs, q) == pytest.approx(_brute(runs, q), rel=1e-8)
    assert wait_quantile_days([], 0.9) is None


def test_the_sliced_reference_crosses_at_slice_ends_and_waits_at_most_an_hour_longer(
        monkeypatch):
    """benchmarks/sliced_corridor.py (the KS comparison's reference): the same queue served in
    hourly slices lets the same people out by whole hours, each up to an hour later."""
    import sys
    from pathlib import Path

    import sim.model.replication as replication
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import sliced_corridor

    sc = scenario({"outflow": {"mode": "queue", "stayer_share": 0.0,
                               "corridor_capacity_per_hour": 100}}, horizon_days=5)
    fluid = run_replication(sc, 0, 1)
    monkeypatch.setattr(replication, "World", sliced_corridor.SlicedWorld)
    monkeypatch.setattr(replication, "start_outflow", sliced_corridor.outflow_and_corridor)
    sliced = run_replication(sc, 0, 1)
    assert fluid.outcomes["departed_people"] == sliced.outcomes["departed_people"] == 10_000
    assert list(fluid.series["departed"]) == list(sliced.series["departed"])  # whole days
    # the k-th crosses at k / 100 hours, or at the end of its hour ceil(k / 100)
    assert sliced.outcomes["mean_wait_hours"] == pytest.approx(50.5, abs=1e-6)
    assert fluid.outcomes["mean_wait_hours"] == pytest.approx(50.005, abs=1e-6)
    assert sliced.outcomes["p90_wait_hours"] == pytest.approx(90.0, abs=1e-6)


def _counted(crossings: list[Crossing], q: float) -> float:
    """The bisection counting every trial (what wait_quantile_days skips most counts of)."""
    a = np.array([c.first - c.joined for c in crossings])
    s = np.array([c.step for c in crossings])
    n = np.array([c.people for c in crossings], dtype=float)
    rank = math.ceil(q * n.sum() - 1e-9)
    inv = np.divide(1.0, s, out=np.zeros_like(s), where=s > 0)

    def below(w: float) -> np.ndarray:
        k = np.clip(np.floor((w - a) * inv + 1e-9) + 1, 0.0, n)
        return np.where(s > 0, k, np.where(w >= a, n, 0.0))

    lo, hi = float(a.min()) - 1e-12, float((a + s * (n - 1)).max())
    while hi - lo > 1e-9 * hi:
        mid = 0.5 * (lo + hi)
        if below(mid).sum() >= rank:
            hi = mid
        else:
            lo = mid
    k = below(hi)
    return float((a + s * (k - 1))[k > 0].max())


def _corridor(rng: np.random.Generator) -> list[Crossing]:
    """Runs as a corridor makes them: one rate, back to back, cohorts of varied waits."""
    step, t, runs = 1 / (24 * float(rng.uniform(50, 500))), 0.0, []
    for _ in range(int(rng.integers(1, 150))):
        m = int(rng.integers(1, 2000))
        runs.append(Crossing(t - float(rng.uniform(0, 3)), t, step, m))
        t += m * step
    return runs


def _tied(rng: np.random.Generator) -> list[Crossing]:
    """Runs whose waits coincide (whole half-days, a few steps apart), some all at once."""
    runs = []
    for _ in range(int(rng.integers(1, 40))):
        step = float(rng.choice([1 / 2400, 0.01, 0.0]))
        joined = float(rng.integers(0, 5))
        runs.append(Crossing(joined, joined + 0.5 * int(rng.integers(1, 3))
                             + step * int(rng.integers(0, 3)), step, int(rng.integers(1, 300))))
    return runs


@pytest.mark.parametrize("seed", range(60))
def test_the_quantile_wait_is_the_counted_bisections_to_the_bit(seed):
    """The trials decided without counting change nothing: the same float as counting each."""
    rng = np.random.default_rng(seed)
    runs = (_corridor if seed % 2 else _tied)(rng)
    for q in (0.001, 0.1, 0.5, 0.9, 0.99, 1.0, 1 / 3):
        assert wait_quantile_days(runs, q) == _counted(runs, q)
