"""The exit corridor as a fluid queue: first come, first served in closed form, no events.

While people wait and the corridor is open, capacity accrues at `corridor_capacity_per_hour`; it
changes only at known times (timeline events, throughput steps), each a world update. From an
update at t0 with a fraction `frac` of a person's capacity already accrued, the k-th person served
crosses at t0 + (k - frac - EPS) / rate: whole people, each at the moment the cumulative capacity
reaches their place in the queue (EPS, a millionth of a person, is rounding). The fraction carries
across capacity changes and closures and is dropped when the queue empties (idle capacity is not
saved). So the corridor needs no process: the world serves the queue up to `now` whenever it is
brought up to date, and series and outcomes between updates are read in closed form from the
snapshots, which carry the flow's rate and fraction.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

EPS = 1e-6  # a millionth of a person is rounding


class Crossing(NamedTuple):
    """People of one cohort crossing one after another at a constant rate (step 0: at once)."""

    joined: float  # the day the cohort joined the queue
    first: float   # the day the first of them crossed
    step: float    # days between two of them
    people: int


def serve(queue: deque[list[float]], runs: list[list[float]], waiting: int, frac: float,
          rate: float, t0: float, now: float) -> tuple[int, float, float]:
    """Serve the queue from t0 to now at `rate` people a day (cohorts [joined, people], first
    first); extend or append the runs [joined, first, step, people] of `Crossing` (lists: the
    last is extended in place, hot). Returns (people served, the fraction carried on, the
    person-days those served spent outside before now: what they did not eat)."""
    dt = now - t0
    accrued = frac + rate * dt
    n = int(accrued + EPS)
    if n >= waiting:
        n, carry = waiting, 0.0
    else:
        carry = accrued - n
    if n <= 0:
        return 0, carry, 0.0
    step = 1.0 / rate
    first = t0 + (1.0 - frac - EPS) * step
    last = runs[-1] if runs else None
    left = n
    while left:
        cohort = queue[0]
        joined = cohort[0]
        m = int(cohort[1])
        if m > left:
            m = left
        if last is not None and last[0] == joined and last[2] == step and abs(
                last[1] + last[3] * step - first) <= 1e-9 * step:
            last[3] += m  # the same run goes on
        else:
            last = [joined, first, step, m]
            runs.append(last)
        first += m * step
        left -= m
        if m == cohort[1]:
            queue.popleft()
        else:
            cohort[1] -= m
    return n, carry, n * dt - (n * (n + 1) / 2 - n * (frac + EPS)) * step


def served(frac: np.ndarray, rate: np.ndarray, waiting: np.ndarray,
           dt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """People served `dt` days after snapshots (arrays) and the person-days they spent outside:
    what `serve` gives, for series between updates."""
    n = np.minimum(waiting, np.floor(frac + rate * np.maximum(dt, 0.0) + EPS))
    n = np.where(rate > 0, n, 0.0)
    step = np.divide(1.0, rate, out=np.zeros_like(rate), where=rate > 0)
    return n, n * dt - (n * (n + 1) / 2 - n * (frac + EPS)) * step


def first_reaching(times: np.ndarray, ends: np.ndarray, departed: np.ndarray, waiting: np.ndarray,
                   frac: np.ndarray, rate: np.ndarray, level: float) -> float | None:
    """The first day `departed` reaches `level`, between snapshots too (rows valid until `ends`)."""
    need = np.ceil(level - 1e-9) - departed  # people still to be served
    step = np.divide(1.0, rate, out=np.zeros_like(rate), where=rate > 0)
    at = np.where(need <= 0, times, times + np.maximum(need - frac - EPS, 0.0) * step)
    hit = np.flatnonzero((need <= 0) | ((need <= waiting) & (rate > 0) & (at <= ends)))
    return round(float(at[hit[0]]), 6) if hit.size else None


def waited_days(crossings: Sequence[Sequence[float]]) -> float:
    """The summed wait of everyone who crossed, in days (`Crossing`s, or the World's runs)."""
    return sum(people * (first - joined) + step * people * (people - 1) / 2
               for joined, first, step, people in crossings)


def wait_quantile_days(crossings: Sequence[Sequence[float]], q: float) -> float | None:
    """The smallest wait at least a share q of those who crossed did not exceed (each person's
    own wait; a run's waits are an arithmetic sequence), to a billionth; None if nobody crossed.

    A bisection on the wait, counting who waited at most each trial. The count reaches the rank
    at a known wait (`_ranked`), so the trials clearly away from it are decided without counting:
    the same trials, the same answer, two or three counts instead of forty."""
    if not crossings:
        return None
    joined, first, s, n = np.fromiter(chain.from_iterable(crossings), float,
                                      4 * len(crossings)).reshape(-1, 4).T
    a = first - joined
    rank = math.ceil(q * n.sum() - 1e-9)
    inv = np.divide(1.0, s, out=np.zeros_like(s), where=s > 0)
    at_once = None if s.all() else s == 0  # runs crossing all at once: all or none

    def below(w: float) -> np.ndarray:  # how many of each run waited at most w
        k = np.clip(np.floor((w - a) * inv + 1e-9) + 1, 0.0, n)
        if at_once is not None:
            k[at_once] = np.where(w >= a[at_once], n[at_once], 0.0)
        return k

    lo, hi = float(a.min()) - 1e-12, float((a + s * (n - 1)).max())
    known = _ranked(a, s, n, rank)
    # within `margin` of the ranked wait a count decides; beyond, the count is at least the
    # rank (above) or below it (under): the 1e-9 of a step `below` adds, and rounding, are less
    margin = 1e-7 * float(s.max()) + 1e-12 * (abs(lo) + abs(hi) + 1.0)
    while hi - lo > 1e-9 * hi:
        mid = 0.5 * (lo + hi)
        if known is None or abs(mid - known) <= margin:
            up = below(mid).sum() >= rank
        else:
            up = mid > known
        if up:
            hi = mid
        else:
            lo = mid
    k = below(hi)  # the last of each run at or below hi: the largest of them is the answer
    return float((a + s * (k - 1))[k > 0].max())


def _ranked(a: np.ndarray, s: np.ndarray, n: np.ndarray, rank: int) -> float | None:
    """The rank-th smallest wait (to rounding) of runs of waits a, a + s, ... (n of them): near
    where the runs, taken as continuous, hold `rank`, each run's next few waits are candidates.
    None if too many are (the bisection then counts every trial)."""
    if rank <= 0:
        return -math.inf
    if rank > n.sum():
        return math.inf
    pos = s > 0
    inv = np.divide(1.0, s, out=np.zeros_like(s), where=pos)
    # the continuous count: rising 1/s a day from a - s to the last wait, or all at once at a
    x = np.concatenate([a - s, a + s * (n - 1)])
    order = np.argsort(x, kind="stable")
    x = x[order]
    slope = np.concatenate([inv, -inv])[order].cumsum()
    jump = np.concatenate([np.where(pos, 0.0, n), np.zeros_like(n)])[order]
    before = np.empty_like(x)  # the count just before each corner, and at it
    before[0] = 0.0
    np.cumsum(slope[:-1] * (x[1:] - x[:-1]) + jump[:-1], out=before[1:])
    i = int(np.searchsorted(before + jump, rank))  # the first corner at which it holds rank
    if i == 0 or i >= x.size or before[i] < rank:
        w = float(x[min(i, x.size - 1)])
    else:  # reached on the way to corner i
        start = before[i - 1] + jump[i - 1]
        w = float(x[i - 1] + (rank - start) / (before[i] - start) * (x[i] - x[i - 1]))
    k = np.where(pos, np.minimum(np.maximum(np.floor((w - a) * inv) + 1, 0.0), n),
                 np.where(a <= w, n, 0.0))
    held = int(k.sum())
    d = held - rank + 1 if held >= rank else rank - held
    if d * a.size > 100_000:
        return None
    m = np.arange(d)
    j = k[:, None] - 1 - m if held >= rank else k[:, None] + m
    waits = (a[:, None] + s[:, None] * j)[(j >= 0) & (j < n[:, None])]
    if waits.size < d:
        return None
    return float(np.partition(waits, waits.size - d)[waits.size - d] if held >= rank
                 else np.partition(waits, d - 1)[d - 1])
