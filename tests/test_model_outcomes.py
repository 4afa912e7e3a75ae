"""Known answers for a replication's outcomes: a queue served at a fixed rate, where each outcome
can be worked out by hand, and the end state each combination of events gives."""

from __future__ import annotations

import pytest

from sim.model import run_replication

from conftest import scenario


def _queue(horizon=5.0, stayers=0.0, **sections):
    """10,000 people queue at day 0 for a corridor of 100 an hour (2,400 a day)."""
    outflow = {"mode": "queue", "stayer_share": stayers, "corridor_capacity_per_hour": 100,
               **sections.pop("outflow", {})}
    return run_replication(scenario({"outflow": outflow, **sections}, horizon_days=horizon), 0, 1)


def test_the_outcomes_of_a_queue_served_100_an_hour():
    """The k-th person crosses at k / 100 hours, k = 1..10,000: that is their wait."""
    out = _queue().outcomes
    assert out["departed_people"] == 10_000 and out["departed_share"] == 1.0
    assert out["stayed_people"] == 0 and out["killed_people"] == 0
    assert out["max_waiting_people"] == 10_000
    assert out["day_half_departed"] == round(50 / 24, 6)
    assert out["day_90pct_departed"] == round(90 / 24, 6)
    assert out["peak_departures_per_day"] == 2_400
    assert out["mean_wait_hours"] == pytest.approx(10_001 / 2 / 100, abs=1e-6)
    assert out["p90_wait_hours"] == pytest.approx(90.0, abs=1e-6)  # the 9,000th person
    assert out["end_state"] == "exodus"
    assert out["trust_at_end"] == 0.5 and out["rounds_held"] == 0
    assert out["agreement"] is False and out["agreement_day"] is None
    assert out["ceasefire_collapsed"] is False and out["collapse_day"] is None


def test_a_part_day_at_the_end_counts_toward_the_peak_and_nobody_crossing_gives_no_waits():
    out = _queue(horizon=0.52).outcomes  # 12.48 hours: 1,248 cross
    assert out["peak_departures_per_day"] == 1_248 and out["departed_people"] == 1_248
    assert out["day_half_departed"] is None and out["day_90pct_departed"] is None
    out = _queue(outflow={"corridor_open": False}).outcomes
    assert out["mean_wait_hours"] is None and out["p90_wait_hours"] is None
    assert out["departed_people"] == 0 and out["end_state"] == "unresolved"


def test_the_p90_wait_is_the_smallest_wait_at_least_90_percent_did_not_exceed():
    """With half the people staying, 5,000 cross in 50 hours: 90% of them by hour 45."""
    out = _queue(stayers=0.5).outcomes
    assert out["departed_people"] == 5_000 and out["stayed_people"] == 5_000
    assert out["p90_wait_hours"] == pytest.approx(45.0, abs=1e-6)
    assert out["mean_wait_hours"] == pytest.approx(5_001 / 2 / 100, abs=1e-6)
    assert out["end_state"] == "exodus"  # exactly the exodus share (0.5) counts


def _ended(agree: bool, collapse: bool, leave: bool) -> str:
    events = [{"name": "talks", "day": 0.5, "round": True}]
    negotiation = {"mean_concession_share": 1.0, "settle_probability": 1.0} if agree else {}
    ceasefire = {"base_incidents_per_day": 1e3, "escalation_probability": 1.0} if collapse else {}
    outflow = {"corridor_capacity_per_hour": 100 if leave else 1}
    return _queue(horizon=4.0, events=events, negotiation=negotiation, ceasefire=ceasefire,
                  outflow=outflow).outcomes["end_state"]


@pytest.mark.parametrize(("agree", "collapse", "leave", "end"), [
    (False, False, False, "unresolved"), (True, False, False, "reintegration"),
    (True, False, True, "exodus"), (False, True, True, "renewed_war"),
])
def test_war_comes_before_exodus_and_exodus_before_reintegration(agree, collapse, leave, end):
    assert _ended(agree, collapse, leave) == end
