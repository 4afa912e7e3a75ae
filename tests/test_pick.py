"""Picking representative replications for a debrief: `sim.analysis.pick` and `sim story --pick`."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import outcomes
from sim.analysis.pick import distances, extreme, harm, pick, typical
from sim.model import run_replication
from sim.outcomes import END_STATES, LEFT_WEIGHT
from sim.runs.ensemble import run_ensemble
from sim.scenario import load

from conftest import ROOT, cli

BASELINE = ROOT / "scenarios" / "baseline.toml"


def row(replication: int, share: float = 0.5, casualties: int = 10, rounds: int = 5,
        collapsed: bool = False, agreement: bool = False, killed: int = 3,
        end: str = "exodus") -> dict[str, Any]:
    return {"replication": replication, "departed_share": share, "casualties": casualties,
            "rounds_held": rounds, "ceasefire_collapsed": collapsed, "agreement": agreement,
            "killed_people": killed, "end_state": end}


def test_harm_is_killed_plus_weighted_share_left() -> None:
    assert harm(row(0, share=0.25, killed=7)) == 7 + LEFT_WEIGHT * 0.25
    assert harm(row(0, share=0.25, killed=7), left_weight=0) == 7


def test_typical_is_the_run_at_the_median() -> None:
    rows = [row(0, share=0.1, casualties=0), row(1, share=0.5, casualties=10),
            row(2, share=0.9, casualties=40), row(3, share=0.45, casualties=30),
            row(4, share=0.55, casualties=5)]
    assert rows[typical(rows)]["replication"] == 1
    assert distances(rows)[1] == 0


def test_typical_ends_the_most_common_way() -> None:
    """A run right at the medians but with a rare ending is not typical."""
    rows = [row(0, end="renewed_war"), row(1, share=0.2), row(2, share=0.9),
            row(3, share=0.3), row(4, end="renewed_war")]
    assert distances(rows)[0] == 0
    assert typical(rows) == 3


def test_outcomes_that_do_not_vary_are_ignored() -> None:
    rows = [row(i, share=s) for i, s in enumerate((0.2, 0.4, 0.6))]
    assert list(distances(rows)) == pytest.approx([1.2247, 0, 1.2247], abs=1e-3)
    assert typical(rows) == 1


def test_the_registry_weights_each_typical_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 1 is at the median share who left, run 2 at the median casualties: the weights of
    the registry's `TYPICAL` decide which is typical, and the harm weight which is worst."""
    rows = [row(0, share=0.1, casualties=0), row(1, share=0.5, casualties=40),
            row(2, share=0.9, casualties=10), row(3, share=0.6, casualties=10),
            row(4, share=0.4, casualties=12)]
    weighted = {"departed_share": 10.0, "casualties": 0.1}
    monkeypatch.setattr(outcomes, "TYPICAL", tuple(
        replace(t, weight=weighted.get(t.name, t.weight)) for t in outcomes.TYPICAL))
    assert rows[typical(rows)]["replication"] == 1
    weighted = {"departed_share": 0.1, "casualties": 10.0}
    monkeypatch.setattr(outcomes, "TYPICAL", tuple(
        replace(t, weight=weighted.get(t.name, t.weight)) for t in outcomes.TYPICAL))
    assert rows[typical(rows)]["replication"] == 3
    monkeypatch.setattr(outcomes, "LEFT_WEIGHT", 0.0)
    assert harm(row(0, share=0.25, killed=7)) == 7


def test_best_and_worst_by_harm() -> None:
    rows = [row(0, share=0.9, killed=0), row(1, share=0.2, killed=50),
            row(2, share=0.3, killed=1), row(3, share=0.95, killed=40)]
    assert rows[extreme(rows, worst=False)]["replication"] == 2  # harm 31
    assert rows[extreme(rows, worst=True)]["replication"] == 3   # harm 135
    assert rows[extreme(rows, worst=True, left_weight=0)]["replication"] == 1


def test_ties_go_to_the_lowest_replication_whatever_the_order() -> None:
    rows = [row(5), row(2), row(9)]
    for which in ("typical", "best", "worst"):
        assert pick(rows, which).replication == 2
        assert pick(rows[::-1], which).replication == 2


def test_reasons_say_why() -> None:
    rows = [row(0, share=0.1, killed=0), row(1, share=0.2, killed=50, end="renewed_war",
                                                collapsed=True)]
    worst = pick(rows, "worst", {"renewed_war": "back to the guns"})
    assert worst.replication == 1
    assert "most harm of the 2 runs" in worst.reason
    assert "50 killed + 100 x 20.0% = 70.0" in worst.reason
    assert "back to the guns" in worst.reason
    assert "like 1 of the 2 runs" in pick(rows, "typical").reason


def test_bad_requests() -> None:
    with pytest.raises(ValueError, match="no replications"):
        pick([], "typical")
    with pytest.raises(ValueError, match="unknown pick"):
        pick([row(0)], "median")
    broken = row(0)
    broken["casualties"] = None
    with pytest.raises(ValueError, match="casualties"):
        pick([broken], "typical")


ROWS = st.lists(st.builds(
    row, replication=st.just(0), share=st.floats(0, 1), casualties=st.integers(0, 500),
    rounds=st.integers(0, 12), collapsed=st.booleans(), agreement=st.booleans(),
    killed=st.integers(0, 500), end=st.sampled_from(END_STATES)), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(ROWS, st.randoms(use_true_random=False))
def test_properties(rows: list[dict[str, Any]], rnd: random.Random) -> None:
    for i, r in enumerate(rows):
        r["replication"] = i
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    harms = [harm(r) for r in rows]
    for which in ("typical", "best", "worst"):
        assert pick(rows, which).replication == pick(shuffled, which).replication
    assert harm(rows[pick(rows, "best").replication]) == min(harms)
    assert harm(rows[pick(rows, "worst").replication]) == max(harms)
    ends = [r["end_state"] for r in rows]
    chosen = rows[pick(rows, "typical").replication]["end_state"]
    assert ends.count(chosen) == max(ends.count(e) for e in ends)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pick") / "run"
    result = cli("run", BASELINE, "--runs", "30", "--seed", "11", "--out", out, "--no-figures",
                 "--quiet", "--workers", "1")
    assert result.exit_code == 0, result.output
    return out


def test_picked_runs_retell_what_the_ensemble_recorded() -> None:
    """The story re-runs the picked replication: its outcomes are the ensemble's row."""
    sc = load(BASELINE)
    ens = run_ensemble(sc, 30, 11, executor="serial")
    for which in ("typical", "best", "worst"):
        k = pick(ens.rows, which).replication
        outcomes = run_replication(sc, k, 11).outcomes
        assert {name: ens.rows[k][name] for name in outcomes} == outcomes


def test_story_pick_on_a_results_folder(folder: Path) -> None:
    result = cli("story", folder, "--pick", "typical", "--pick", "worst")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("The typical run is run ")
    assert "The worst run is run " in text
    assert text.count("THE STORY OF BASELINE, run ") == 2
    assert text.count("(random seed 11)") == 2
    assert text.count("HOW IT ENDED") == 2


def test_story_pick_on_a_scenario_file_runs_it() -> None:
    result = cli("story", BASELINE, "--pick", "best", "--runs", "20", "--seed", "11")
    assert result.exit_code == 0, result.output
    rows = run_ensemble(load(BASELINE), 20, 11, executor="serial").rows
    assert f"run {pick(rows, 'best').replication} (random seed 11)" in result.output


def test_replication_still_works_and_defaults_to_zero(folder: Path) -> None:
    three = cli("story", BASELINE, "--replication", "3")
    assert three.exit_code == 0
    assert "THE STORY OF BASELINE, run 3 (random seed 2023)" in three.output
    assert "run 0 (random seed 11)" in cli("story", folder).output


@pytest.mark.parametrize("args, message", [
    (["--pick", "typical", "--replication", "2"], "not both"),
    (["--pick", "typical", "--runs", "5"], "apply to a scenario file"),
    (["--pick", "median"], "'median' is not one of"),
])
def test_story_pick_refuses_bad_combinations(folder: Path, args: list[str], message: str) -> None:
    result = cli("story", folder, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
