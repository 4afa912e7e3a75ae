"""Credible commitments: settled guarantees, agreement and broken promises move the level trust
relaxes to, by the credibility third-party enforcement gives them when they are made."""

from __future__ import annotations

import pytest

from sim.model import run_replication
from sim.scenario import from_tree, load

from conftest import ROOT, scenario

FAST_TRUST = {"trust_half_life_days": 0.001}  # trust is at its level within minutes


def _anchor_on_day(negotiation, world=None, events=(), ceasefire=None, day=2):
    """Trust on `day` (= its level), one round a day from day 1 (done 2 hours later)."""
    tree = {"negotiation": {"mean_days_between_rounds": 1, "round_gap_shape": 1e6,
                            "guarantee_trust_gain": 0.1, "agreement_trust_gain": 0.2,
                            "base_credibility": 0.2, "enforcement_weight": 0.8,
                            "broken_trust_loss": 0.1, **negotiation},
            "world": {**FAST_TRUST, **(world or {})}, "ceasefire": ceasefire or {},
            "events": list(events)}
    return float(run_replication(scenario(tree, horizon_days=day + 1), 0, 3).series["trust"][day])


GUARANTEE_AGREED = {"issues": {"security": {"gap": 0.5, "guarantee": True}},
                    "mean_concession_share": 0.9}  # settled, and so agreed, in the first round


@pytest.mark.parametrize(("monitors", "deterrence", "credibility"), [
    (0.0, 0.0, 0.2),    # nobody to enforce it: the promise is worth little
    (1.0, 0.0, 1.0),    # full monitoring
    (0.5, 0.0, 0.6),    # 0.2 + 0.8 x 0.5
    (0.5, 0.5, 0.8),    # peacekeepers deter half: enforcement 1 - 0.5 x 0.5 = 0.75
])
def test_a_settled_guarantee_and_agreement_raise_the_level_by_credibility(monitors, deterrence,
                                                                          credibility):
    level = _anchor_on_day(GUARANTEE_AGREED, world={"monitors": monitors, "peacekeepers": 2_000},
                           ceasefire={"peacekeeper_deterrence": deterrence,
                                      "peacekeepers_full_strength_people": 2_000})
    assert level == pytest.approx(0.5 + (0.1 + 0.2) * credibility, abs=1e-6)


def test_credibility_is_taken_when_the_promise_is_made():
    # the monitors arrive after the round that settled the guarantee: it stays a weak promise
    late = [{"name": "monitors arrive", "day": 1.5, "set": {"monitors": 1.0}}]
    assert _anchor_on_day(GUARANTEE_AGREED, events=late) == pytest.approx(0.5 + 0.3 * 0.2,
                                                                          abs=1e-6)


def test_a_settled_issue_that_is_no_guarantee_moves_only_the_agreement_gain():
    ordinary = {**GUARANTEE_AGREED, "issues": {"security": 0.5}}
    assert _anchor_on_day(ordinary, world={"monitors": 1.0}) == pytest.approx(0.7, abs=1e-6)


def test_guarantees_settled_before_the_start_are_in_force_from_day_0():
    before = {"issues": {"security": {"gap": 0.05, "guarantee": True}, "other": 0.9},
              "mean_days_between_rounds": 1e6}
    assert _anchor_on_day(before, world={"monitors": 1.0}, day=1) == pytest.approx(0.6, abs=1e-6)


def _tension_on_day(negotiation, world, day=2):
    """Tension on `day`, held still between events, one round a day from day 1."""
    tree = {"negotiation": {"mean_days_between_rounds": 1, "round_gap_shape": 1e6,
                            "base_credibility": 0.2, "enforcement_weight": 0.8,
                            "agreement_tension_change": 0.0, "guarantee_tension_change": -0.2,
                            **negotiation},
            "world": {"tension": 0.5, "tension_baseline": 0.5, "tension_half_life_days": 1e9,
                      **world}}
    return float(run_replication(scenario(tree, horizon_days=day + 1), 0, 3).series["tension"][day])


@pytest.mark.parametrize(("monitors", "credibility"), [(0.0, 0.2), (0.5, 0.6), (1.0, 1.0)])
def test_a_settled_guarantee_calms_fear_by_its_credibility(monitors, credibility):
    tension = _tension_on_day(GUARANTEE_AGREED, {"monitors": monitors})
    assert tension == pytest.approx(0.5 - 0.2 * credibility, abs=1e-6)


def test_guarantees_settled_before_the_start_calm_fear_from_day_0():
    before = {"issues": {"security": {"gap": 0.05, "guarantee": True},
                         "amnesty": {"gap": 0.05, "guarantee": True}, "other": 0.9},
              "mean_days_between_rounds": 1e6}
    assert _tension_on_day(before, {"monitors": 1.0}, day=1) == pytest.approx(0.1, abs=1e-6)


def test_a_settled_issue_that_is_no_guarantee_does_not_calm_fear():
    ordinary = {**GUARANTEE_AGREED, "issues": {"security": 0.5}}
    assert _tension_on_day(ordinary, {"monitors": 1.0}) == pytest.approx(0.5, abs=1e-6)


def test_talks_broken_off_lower_the_level():
    broken = {"max_unproductive_rounds": 1, "breakdown_trust_change": 0.0}
    assert _anchor_on_day(broken) == pytest.approx(0.4, abs=1e-6)


def test_a_collapsed_ceasefire_lowers_the_level_once_without_talks_and_twice_with_them():
    war = {"base_incidents_per_day": 1e3, "escalation_probability": 1.0,
           "war_casualties_per_day": 0, "mean_casualties_per_incident": 0}
    no_talks = {"talks_held": False}
    assert _anchor_on_day(no_talks, ceasefire=war) == pytest.approx(0.4, abs=1e-6)
    talks = {"breakdown_trust_change": 0.0}  # the collapse breaks the talks off: a second loss
    assert _anchor_on_day(talks, ceasefire=war) == pytest.approx(0.3, abs=1e-6)


def test_without_talks_no_round_is_held():
    sc = scenario({"negotiation": {"talks_held": False, "mean_days_between_rounds": 0.5,
                                   "mean_concession_share": 0.5}}, horizon_days=20)
    out = run_replication(sc, 0, 3).outcomes
    assert out["rounds_held"] == 0 and not out["agreement"] and not out["talks_broken"]


def test_fixing_one_distribution_leaves_the_other_draws_unchanged():
    base = load(ROOT / "scenarios" / "baseline.toml")
    fixed = base.with_values({"ceasefire.escalation_probability": 0.02})
    for k in range(3):
        a = run_replication(base, k, 2023).parameters
        b = run_replication(fixed, k, 2023).parameters
        assert "ceasefire.escalation_probability" not in b
        assert a["world.population_people"] == b["world.population_people"]
        assert all(a[key] == value for key, value in b.items())
    # and the draws are not all the same stream: two parameters with one distribution differ
    p = run_replication(base, 0, 2023).parameters
    assert p["outflow.tension_hazard_per_day"] != p["outflow.distrust_hazard_per_day"]


def test_the_order_of_the_agenda_in_the_file_does_not_change_results():
    # a saved scenario writes the issues given as tables after those given as numbers
    base = load(ROOT / "scenarios" / "baseline.toml")
    issues = base.raw["negotiation"]["issues"]
    tree = {**base.raw, "negotiation": {**base.raw["negotiation"],
                                        "issues": dict(reversed(list(issues.items())))}}
    reordered = from_tree(tree)
    assert list(tree["negotiation"]["issues"]) != list(base.raw["negotiation"]["issues"])
    for k in range(3):
        assert run_replication(base, k, 5).outcomes == run_replication(reordered, k, 5).outcomes
