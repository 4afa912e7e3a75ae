"""The timeline applies its dated events as the scenario file says: in time order, clipped to the
variables' ranges, logged with what they did, and a corridor change cuts the slice under way."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import record_times, run_replication
from sim.model.rng import parameter_stream, streams

from conftest import scenario


def _run(events, horizon=3.0, hours=24.0, **sections):
    sc = scenario({"events": events, **sections}, horizon_days=horizon).with_values(
        {"record_every_hours": hours})
    return record_times(sc.params), run_replication(sc, 0, 1)


def test_the_log_records_each_event_at_its_day_with_the_people_moved_and_killed():
    _, rep = _run([{"name": "evacuation", "day": 1.5, "evacuate_people": 10.6,
                    "killed_people": 3.4, "casualties": 5.6, "incident": True}])
    events = [r for r in rep.log if r.kind == "event"]
    assert len(events) == 1
    record = events[0]
    assert record.time_days == 1.5 and record.what == "evacuation"
    assert record.amount == 11.0 and isinstance(record.amount, float)
    assert record.note == "3"
    assert rep.outcomes["killed_people"] == 3 and rep.outcomes["casualties"] == 6
    assert rep.outcomes["departed_people"] == 11 and rep.outcomes["incidents"] == 1


def test_events_apply_in_time_order_and_on_one_day_in_file_order():
    _, rep = _run([{"name": "late", "day": 2.0, "set": {"trust": 0.1}},
                   {"name": "first", "day": 1.0, "set": {"trust": 0.9}},
                   {"name": "second", "day": 1.0, "set": {"trust": 0.2}}],
                  world={"trust_half_life_days": 1e9})
    assert [(r.time_days, r.what) for r in rep.log if r.kind == "event"] == [
        (1.0, "first"), (1.0, "second"), (2.0, "late")]
    assert rep.series["trust"][1] == pytest.approx(0.2)
    assert rep.series["trust"][2] == pytest.approx(0.1)


def test_added_shares_stay_within_0_and_1_and_added_amounts_have_no_upper_bound():
    _, rep = _run([{"name": "up", "day": 1.0, "add": {"trust": 0.8, "supplies_person_days": 5e5}},
                   {"name": "down", "day": 2.0, "add": {"trust": -1.5,
                                                        "supplies_person_days": -1e11}}],
                  world={"trust_half_life_days": 1e9, "supplies_person_days": 0})
    assert rep.series["trust"][1] == pytest.approx(1.0)
    assert list(rep.series["hunger"][:3]) == [1.0, 0.0, 1.0]  # 50 days of supplies, then none
    assert rep.series["trust"][2] == 0.0


def _queue(events):
    """10,000 people queue at day 0 for a corridor of 100 an hour; records every half hour."""
    return _run(events, horizon=0.125, hours=0.5,
                outflow={"mode": "queue", "stayer_share": 0.0, "corridor_capacity_per_hour": 100})


def test_a_change_of_capacity_applies_from_its_moment_and_another_event_changes_nothing():
    times, rep = _queue([{"name": "quiet", "day": 1 / 48, "add": {"trust": 0.0}}])
    assert times[1] == pytest.approx(1 / 48)
    assert list(rep.series["departed"][:4]) == [0, 50, 100, 150]  # 100 an hour, every moment
    times, rep = _queue([{"name": "wider", "day": 1 / 48,
                          "set": {"corridor_capacity_per_hour": 300}}])
    assert list(rep.series["departed"][:4]) == [0, 50, 200, 350]


def test_a_timeline_event_opens_the_corridor():
    _, rep = _run([{"name": "open", "day": 1.0, "set": {"corridor_open": True}}],
                  outflow={"mode": "queue", "stayer_share": 0.0, "corridor_open": False,
                           "corridor_capacity_per_hour": 100})
    departed = rep.series["departed"]
    assert departed[0] == 0 and departed[1] == 0 and departed[2] == 2_400


def test_the_streams_are_those_of_their_documented_spawn_keys():
    """Saved runs are replayed from (seed, replication): the streams' derivation is a contract
    (stream k of replication r is SeedSequence(seed, spawn_key=(r, k)); a drawn parameter's is
    (r, 0, crc32 of its path)), pinned by their first draws."""
    assert streams(7, 3)["outflow"].random() == np.random.default_rng(
        np.random.SeedSequence(7, spawn_key=(3, 3))).random()
    assert parameter_stream(7, 3, "world.tension").random() == pytest.approx(
        0.09572434000823948, abs=0)
