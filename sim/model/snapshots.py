"""The snapshots a World records after each change, and its state read from them in closed form
at any day (the series on the record grid)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

import numpy as np

from sim.model.fluid import served

if TYPE_CHECKING:
    from sim.model.state import Relaxation

T = TypeVar("T")
#: A snapshot this close after a day (relative) is at the day: the clock, a running sum of delays,
#: puts things due at a record time a few rounding steps (1e-14 d/d at most) after it.
AT_TIME = 1e-13


class Snapshot(NamedTuple, Generic[T]):
    """The state after a change: a `World.table()` row; fields but `time_days` are attributes."""

    time_days: T
    tension: T
    at_war: T
    trust: T
    trust_anchor: T
    supplies_person_days: T
    residents: T
    waiting: T
    departed: T
    killed: T
    incidents: T
    issues_settled: T
    flow_per_day: T   # the corridor's rate while people wait (0: closed, or no capacity)
    flow_fraction: T  # capacity accrued beyond the last person served


#: The columns of a snapshot table; one snapshot read off a World as a tuple (generated).
SNAPSHOT: tuple[str, ...] = Snapshot._fields
read_snapshot: Any = eval("lambda w: (w._last, " + "".join(f"w.{f}, " for f in SNAPSHOT[1:]) + ")")


def columns(table: np.ndarray) -> Snapshot[np.ndarray]:
    """The columns of a snapshot table by name."""
    return Snapshot(*table.T)


def series(relax: Relaxation, table: np.ndarray, times: np.ndarray) -> dict[str, np.ndarray]:
    """The state at given days: the last snapshot at or before each, carried in closed form."""
    at = columns(table[np.searchsorted(table[:, 0], times + AT_TIME * np.maximum(times, 1.0),
                                       side="right") - 1])
    dt = times - at.time_days  # at or above 0 but for a few rounding steps (AT_TIME)
    n, outside = served(at.flow_fraction, at.flow_per_day, at.waiting, dt)
    inside = at.residents + at.waiting  # then its mean since the snapshot, and now:
    mean = inside - np.divide(outside, dt, out=np.zeros_like(dt), where=dt > 0)
    return {
        **relax.series(at, dt, mean, inside - n),
        "residents": at.residents, "waiting": at.waiting - n, "departed": at.departed + n,
        "killed": at.killed, "incidents": at.incidents, "issues_settled": at.issues_settled,
    }
