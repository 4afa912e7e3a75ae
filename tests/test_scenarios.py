"""Every shipped scenario loads and runs a few replications."""

from __future__ import annotations

import pytest

from sim.outcomes import END_STATES
from sim.runs.ensemble import run_ensemble
from sim.scenario import load

from conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


def test_there_are_a_baseline_and_five_what_ifs():
    names = {p.stem for p in SCENARIOS}
    assert {"baseline", "peacekeepers_withdraw", "early_guarantees", "blockade_continues",
            "strong_mediation", "corridor_closed"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_runs(path):
    sc = load(path)
    assert sc.name == path.stem
    ens = run_ensemble(sc, 6, 1, executor="serial")
    assert ens.runs == 6
    assert all(row["end_state"] in END_STATES for row in ens.rows)


def test_what_ifs_change_what_they_say():
    def outcome(name, key, runs=40):
        ens = run_ensemble(load(ROOT / "scenarios" / f"{name}.toml"), runs, 3, executor="serial")
        values = [row[key] for row in ens.rows]
        return sum(bool(v) for v in values) / runs if key in ("ceasefire_collapsed",) else values

    assert outcome("corridor_closed", "departed_people") == [0] * 40
    assert outcome("peacekeepers_withdraw", "ceasefire_collapsed") > outcome(
        "baseline", "ceasefire_collapsed")


def test_a_scenario_shows_itself_in_one_short_line() -> None:
    from sim.scenario import load

    shown = repr(load(ROOT / "scenarios" / "baseline.toml"))
    assert "\n" not in shown and len(shown) < 160
    assert shown.startswith("Scenario('baseline' from ")
    assert shown.endswith(": 30 days, 1 event, 11 uncertain parameters)")
