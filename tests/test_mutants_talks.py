"""The talks as a user sees them, where mutation testing found them unchecked: guarantees in force
from the start, postponements, rounds called by the timeline, the count of unproductive rounds
in a row, and the log lines the story tells of each round and of the end of the talks."""

from __future__ import annotations

import pytest

from sim.model import run_replication

from conftest import scenario


def _run(negotiation, world=None, events=(), horizon=10.0, seed=3):
    """A round about a day after the last one ends (each 2 hours), trust at its level within
    minutes."""
    tree = {"negotiation": {"mean_days_between_rounds": 1, "round_gap_shape": 1e6,
                            "guarantee_trust_gain": 0.1, "base_credibility": 0.2,
                            "enforcement_weight": 0.8, **negotiation},
            "world": {"trust_half_life_days": 0.001, **(world or {})}, "events": list(events)}
    return run_replication(scenario(tree, horizon_days=horizon), 0, seed)


def _kind(rep, kind):
    return [r for r in rep.log if r.kind == kind]


def test_each_guarantee_settled_before_the_start_raises_the_level_once_by_its_credibility():
    # no round is held: two guarantees already below the settle gap, one open, and a settled
    # issue that is no guarantee; credibility 0.2 + 0.8 x monitors 0.5 = 0.6, so the level
    # rises by 2 x 0.1 x 0.6 = 0.12 (not by 4 issues, not by the gain over the credibility)
    issues = {"a": {"gap": 0.05, "guarantee": True}, "b": {"gap": 0.0, "guarantee": True},
              "c": {"gap": 0.9, "guarantee": True}, "d": 0.05}
    rep = _run({"issues": issues, "mean_days_between_rounds": 1e6}, {"monitors": 0.5}, horizon=2)
    assert rep.series["trust"][1] == pytest.approx(0.62, abs=1e-6)
    assert not _kind(rep, "round")


def test_a_guarantee_whose_gap_is_exactly_the_settle_gap_is_not_yet_given():
    rep = _run({"issues": {"a": {"gap": 0.1, "guarantee": True}}, "settle_gap": 0.1,
                "mean_days_between_rounds": 1e6}, {"monitors": 1.0}, horizon=2)
    assert rep.series["trust"][1] == pytest.approx(0.5, abs=1e-6)


def test_the_talks_break_down_after_the_maximum_of_unproductive_rounds_in_a_row_not_before():
    # no concessions: every round is unproductive; with a maximum of 2 the talks break down
    # after the second, and the story says after how many rounds without progress
    rep = _run({"max_unproductive_rounds": 2})
    rounds, broken = _kind(rep, "round"), _kind(rep, "talks_broken")
    assert [(r.what, r.amount) for r in rounds] == [("unproductive", 0.0)] * 2
    assert [(r.what, r.amount) for r in broken] == [("no progress", 2.0)]
    assert [r.time_days for r in rounds + broken] == pytest.approx(
        [1 + 1 / 12, 2 + 2 / 12, 2 + 2 / 12], abs=0.01)
    assert rep.outcomes["talks_broken"] and not rep.outcomes["agreement"]


def test_rounds_are_postponed_a_day_at_a_time_while_tension_is_above_the_threshold():
    # tension 0.9 above 0.85 until the timeline sets it to 0.5 on day 3.5: the round due on
    # day 1 is put off on days 1, 2 and 3, and held on day 4 (2 hours)
    rep = _run({"postpone_above_tension": 0.85, "postpone_days": 1.0},
               {"tension": 0.9, "tension_baseline": 0.9, "tension_half_life_days": 1e6},
               events=[{"name": "calm", "day": 3.5, "set": {"tension": 0.5}}], horizon=4.5)
    assert [r.time_days for r in _kind(rep, "postponed")] == pytest.approx([1, 2, 3], abs=0.01)
    assert [r.time_days for r in _kind(rep, "round")] == pytest.approx([4 + 1 / 12], abs=0.01)


def test_a_round_is_not_postponed_when_tension_is_exactly_at_the_threshold():
    rep = _run({"postpone_above_tension": 0.5}, horizon=2.5)  # tension held at 0.5
    assert not _kind(rep, "postponed")
    assert [r.time_days for r in _kind(rep, "round")] == pytest.approx([1 + 1 / 12, 2 + 2 / 12],
                                                                       abs=0.01)


def test_with_scheduled_rounds_only_a_round_is_held_when_the_timeline_calls_one():
    rep = _run({"scheduled_rounds_only": True}, horizon=6,
               events=[{"name": "summit", "day": 2.5, "round": True},
                       {"name": "second summit", "day": 4.0, "round": True}])
    assert [r.time_days for r in _kind(rep, "round")] == pytest.approx([2.5 + 1 / 12, 4 + 1 / 12],
                                                                        abs=1e-9)


def test_each_round_logs_its_result_and_the_issues_it_settled_by_name_once():
    # concessions halve every gap each round: a and b (0.5) settle in the 3rd round (0.0625),
    # "only" (0.9) in the 4th (0.05625); the story tells these names, and every issue is
    # settled once, so the talks end in agreement after round 4
    rep = _run({"issues": {"a": 0.5, "b": 0.5, "only": 0.9}, "mean_concession_share": 0.5})
    assert [(r.what, r.amount, r.note) for r in _kind(rep, "round")] == [
        ("productive", 0.0, ""), ("productive", 0.0, ""), ("productive", 2.0, "a, b"),
        ("productive", 1.0, "only")]
    assert rep.outcomes["issues_settled"] == 3 and rep.outcomes["rounds_held"] == 4
    assert [(r.what, r.amount) for r in _kind(rep, "agreement")] == [("all issues settled", 3.0)]
    assert _kind(rep, "agreement")[0].time_days == _kind(rep, "round")[-1].time_days


@pytest.mark.parametrize(("concession", "trust"), [(0.2, 0.52), (0.0, 0.47)])
def test_a_productive_round_adds_trust_and_an_unproductive_one_takes_it(concession, trust):
    # one round by day 2 (trust held by a long half-life): +0.02 if the gap closed (0.8 to
    # 0.64, nothing settled), -0.03 if not
    rep = _run({"mean_concession_share": concession, "trust_per_productive_round": 0.02,
                "trust_per_unproductive_round": 0.03}, {"trust_half_life_days": 1e6},
               horizon=2)
    assert len(_kind(rep, "round")) == 1
    assert rep.series["trust"][2] == pytest.approx(trust, abs=1e-6)


def _collapse_on(day, round_hours=2.0):
    """Incidents fully deterred until the peacekeepers leave on `day`; the first one after it,
    within minutes, escalates; rounds as in `_run`."""
    return run_replication(scenario({
        "negotiation": {"mean_days_between_rounds": 1, "round_gap_shape": 1e6,
                        "round_hours": round_hours},
        "world": {"peacekeepers": 1_000},
        "ceasefire": {"base_incidents_per_day": 1e3, "escalation_probability": 1.0,
                      "peacekeeper_deterrence": 1.0, "peacekeepers_full_strength_people": 1_000,
                      "mean_casualties_per_incident": 0, "war_casualties_per_day": 0},
        "events": [{"name": "peacekeepers leave", "day": day, "set": {"peacekeepers": 0}}]},
        horizon_days=4), 0, 3)


@pytest.mark.parametrize(("day", "round_hours", "rounds"), [(0.5, 2.0, 0), (1.5, 24.0, 0),
                                                            (1.5, 2.0, 1)])
def test_a_collapse_between_rounds_or_during_one_breaks_the_talks_off_at_once(day, round_hours,
                                                                               rounds):
    # a collapse before the first round, during a round of a day (begun on day 1), or after a
    # round of 2 hours: the talks break off at the collapse, the round under way is not held
    rep = _collapse_on(day, round_hours)
    collapse, broken = _kind(rep, "collapse"), _kind(rep, "talks_broken")
    assert len(collapse) == 1 and day < collapse[0].time_days < day + 0.01
    assert [(r.time_days, r.what) for r in broken] == [(collapse[0].time_days,
                                                        "ceasefire collapsed")]
    assert len(_kind(rep, "round")) == rounds
    assert rep.outcomes["talks_broken"] and rep.outcomes["ceasefire_collapsed"]


def test_guarantees_settled_in_one_round_each_raise_the_level():
    # two guarantees settle in the first round (0.5 -> 0.075), credibility 0.2 + 0.8 x 0.5 = 0.6:
    # the level rises by 2 x 0.1 x 0.6 = 0.12 (the open issue "only" keeps the talks going)
    issues = {"a": {"gap": 0.5, "guarantee": True}, "b": {"gap": 0.5, "guarantee": True},
              "only": 1.0}
    rep = _run({"issues": issues, "mean_concession_share": 0.85}, {"monitors": 0.5}, horizon=2)
    assert [r.note for r in _kind(rep, "round")] == ["a, b"]
    assert rep.series["trust"][2] == pytest.approx(0.62, abs=1e-6)


def test_a_setback_raises_tension_by_its_amount():
    # every round a setback: tension (held by a long half-life) 0.5 + 0.1 after the one round
    rep = _run({"setback_probability": 1.0, "setback_tension": 0.1},
               {"tension_half_life_days": 1e6}, horizon=2)
    assert [r.what for r in _kind(rep, "round")] == ["setback"]
    assert rep.series["tension"][2] == pytest.approx(0.6, abs=1e-6)
