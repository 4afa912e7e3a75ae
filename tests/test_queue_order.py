"""The corridor serves first come first served at exactly its capacity: cohorts cross in the
order they joined, and the waits are those of a FIFO queue served at c people an hour."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from conftest import cross_times, crossed_by, served


def test_cohorts_cross_in_the_order_they_joined_and_the_last_waits_the_fifo_time():
    # 1,000 at hour 0 and 1,000 at hour 1, served at 250 an hour: the k-th person crosses at
    # k / 250 hours, so the last of the second cohort waits 2,000 / 250 - 1 = 7 hours (LIFO: 8)
    world = served(250, [(0, 1_000), (1, 1_000)])
    people = cross_times(world)
    assert [joined for _, joined in people] == sorted(joined for _, joined in people)
    for k, (day, _) in enumerate(people, start=1):
        assert day * 24 == pytest.approx(k / 250, abs=1e-6)
    assert max(24 * (day - joined) for day, joined in people) == pytest.approx(7.0, abs=1e-6)
    assert sum(1 for _, joined in people if joined == 0) == 1_000
    assert len(people) == 2_000


def test_a_later_cohort_never_crosses_before_an_earlier_one_is_through():
    world = served(100, [(h, 60) for h in range(12)])  # demand 60 an hour, served at 100
    people = cross_times(world)
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in pairwise(people))
    assert sorted({round(joined * 24, 9) for _, joined in people}) == [float(h) for h in range(12)]


@pytest.mark.parametrize("capacity", [250.0, 333.3])
def test_exactly_capacity_crosses_each_hour_while_people_wait(capacity):
    world = served(capacity, [(0, 3_000)], hours=20)
    # by hour t floor(c t) have crossed (a fraction of a person carries on); the last crosses
    # at 3,000 / c hours
    for tenth in range(200):
        hour = tenth / 10
        assert crossed_by(world, hour / 24) == min(3_000, math.floor(capacity * hour + 1e-6))
    people = cross_times(world)
    assert len(people) == 3_000
    assert people[-1][0] * 24 == pytest.approx(3_000 / capacity, abs=1e-6)
