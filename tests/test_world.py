"""The series at a record time is the last state at or before it, carried forward in closed
form: an event just after a record time never shows at that time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import record_times, run_replication

from conftest import scenario

TENSION, TENSION_BASE, TRUST, TRUST_BASE = 0.2, 0.6, 0.9, 0.1
HALF_LIVES = {"tension_half_life_days": 5.0, "trust_half_life_days": 30.0}
STEP = 0.125  # record every 3 hours


def _closed_form(start: float, target: float, days: float, half_life: float) -> float:
    return target + (start - target) * math.exp(-days * math.log(2) / half_life)


def _series(day: float, hours: float = 3) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A quiet day with one event at `day` that drives tension to 0 and trust to 1."""
    sc = scenario({"world": {"tension": TENSION, "tension_baseline": TENSION_BASE,
                             "trust": TRUST, "trust_baseline": TRUST_BASE, **HALF_LIVES},
                   "events": [{"name": "shock", "day": day,
                               "add": {"tension": -1.0, "trust": 1.0}}]},
                  horizon_days=1).with_values({"record_every_hours": hours})
    return record_times(sc.params), run_replication(sc, 0, 1).series


@pytest.mark.parametrize("day", [1e-9, STEP + 1e-12, STEP + 1e-9])
def test_an_event_just_after_a_record_time_is_not_seen_at_it(day):
    times, s = _series(day)
    before = times <= day - 1e-13
    for name in ("tension", "trust"):
        assert np.all((s[name] >= 0) & (s[name] <= 1)), name
    expected_tension = [_closed_form(TENSION, TENSION_BASE, t, 5.0) for t in times[before]]
    expected_trust = [_closed_form(TRUST, TRUST_BASE, t, 30.0) for t in times[before]]
    assert s["tension"][before] == pytest.approx(expected_tension, rel=1e-12, abs=0)
    assert s["trust"][before] == pytest.approx(expected_trust, rel=1e-12, abs=0)
    # from the next record time on, the state after the event, carried forward
    after = times[~before]
    assert s["tension"][~before] == pytest.approx(
        [_closed_form(0.0, TENSION_BASE, t - day, 5.0) for t in after], rel=1e-12, abs=1e-15)
    assert s["trust"][~before] == pytest.approx(
        [_closed_form(1.0, TRUST_BASE, t - day, 30.0) for t in after], rel=1e-12, abs=0)


def test_an_event_exactly_at_a_record_time_is_seen_at_it():
    times, s = _series(STEP)
    assert times[1] == STEP
    assert s["tension"][0] == TENSION and s["trust"][0] == TRUST
    assert s["tension"][1] == 0.0 and s["trust"][1] == 1.0
    assert s["tension"][2] == pytest.approx(_closed_form(0.0, TENSION_BASE, STEP, 5.0), rel=1e-12)


def test_an_event_due_at_a_record_time_is_seen_at_it_despite_rounding():
    times, s = _series(5 / 24, hours=1)  # 5 x (1/24) rounds below 5/24, the event's day
    assert times[5] < 5 / 24
    assert s["tension"][4] > 0.2 and s["trust"][4] < 0.9
    assert s["tension"][5] == pytest.approx(0.0, abs=1e-15)
    assert s["trust"][5] == pytest.approx(1.0, rel=1e-15)
