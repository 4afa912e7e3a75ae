"""The corridor serves first come first served at exactly its capacity: cohorts cross in the
order they joined, and the waits are those of a FIFO queue served at c people an hour."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from conftest import served


def test_cohorts_cross_in_the_order_they_joined_and_the_last_waits_the_fifo_time():
    # 1,000 at hour 0 and 1,000 at hour 1, served at 250 an hour: FIFO serves the first cohort in
    # hours 1-4 and the second in 5-8, so the longest wait is 2,000 / 250 - 1 = 7 hours (LIFO: 8)
    world = served(250, [(0, 1_000), (1, 1_000)])
    joined = [round((day - wait) * 24, 9) for day, wait, _ in world.waits]
    assert joined == sorted(joined)
    assert max(24 * wait for _, wait, _ in world.waits) == pytest.approx(7.0, abs=1e-9)
    by_cohort = {0.0: 0, 1.0: 0}
    for day, wait, n in world.waits:
        by_cohort[round((day - wait) * 24, 9)] += n
    assert by_cohort == {0.0: 1_000, 1.0: 1_000}


def test_a_later_cohort_never_crosses_before_an_earlier_one_is_through():
    world = served(100, [(h, 60) for h in range(12)])  # demand 60 an hour, served at 100
    last_of = {}
    for day, wait, _ in world.waits:
        last_of[round((day - wait) * 24, 9)] = day
    firsts = {}
    for day, wait, _ in reversed(world.waits):
        firsts[round((day - wait) * 24, 9)] = day
    hours = sorted(last_of)
    assert hours == [float(h) for h in range(12)]
    assert all(last_of[a] <= firsts[b] for a, b in pairwise(hours))


@pytest.mark.parametrize("capacity", [250.0, 333.3])
def test_exactly_capacity_crosses_each_hour_while_people_wait(capacity):
    world = served(capacity, [(0, 3_000)], hours=20)
    # by hour t (whole hours, then the last partial slice) floor(c t) have crossed: a fraction
    # of a person carries on; the last crosses at 3,000 / c hours
    crossed = 0
    for day, people, _ in world.crossings:
        crossed += people
        assert crossed == min(3_000, math.floor(capacity * day * 24 + 1e-6))
    assert crossed == 3_000
    assert len(world.crossings) == math.ceil(3_000 / capacity)
    assert world.crossings[-1][0] * 24 == pytest.approx(3_000 / capacity, abs=1e-9)
