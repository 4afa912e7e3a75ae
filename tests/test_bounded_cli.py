"""Every command that runs ensembles refuses absurd or unaffordable work at once: exit status 2,
one `error:` line, nothing written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import ROOT, cli

BASELINE = str(ROOT / "scenarios" / "baseline.toml")
HISTORICAL = str(ROOT / "scenarios" / "historical_2023.toml")
OBSERVED = str(ROOT / "data" / "nk2023_arrivals_early.csv")
EXT = f'extends = "{BASELINE}"\nname = "x"\n'

#: (id, scenario text or None, command line ({scenario} is the file), fragment of the message).
CASES: list[tuple[str, str | None, list[str], str]] = [
    ("runs-1e18-in-file", EXT + "runs = 1e18\n", ["run", "{scenario}"], "at most 10^9"),
    ("runs-option-2^62", None, ["run", BASELINE, "--runs", "4611686018427387904"],
     "1<=x<=1000000000"),
    ("runs-billion-memory", None, ["run", BASELINE, "--runs", "1000000000"], "of memory"),
    ("runs-ten-million-full", None, ["run", BASELINE, "--runs", "10000000"], "--series quantiles"),
    ("sweep-billion-values", None, ["sweep", BASELINE, "--set", "world.tension=0:1:1000000000"],
     "at most 1,000 are allowed per parameter"),
    ("sweep-grid-too-big", None, ["sweep", BASELINE, "--set", "world.tension=0:1:1000",
                                  "--set", "world.trust=0:1:1000"], "at most 10,000"),
    ("sweep-memory", None, ["sweep", BASELINE, "--set", "world.tension=0:1:100",
                            "--runs", "10000000"], "of memory"),
    ("story-pick-trillion", None, ["story", BASELINE, "--pick", "typical", "--runs",
                                   "1000000000000"], "1<=x<=1000000000"),
    ("story-pick-memory", None, ["story", BASELINE, "--pick", "typical", "--runs",
                                 "1000000000"], "of memory"),
    ("compare-memory", None, ["compare", BASELINE, BASELINE, "--runs", "100000000"], "of memory"),
    ("validate-memory", None, ["validate", HISTORICAL, "--observed", OBSERVED, "--runs",
                               "100000000"], "of memory"),
    ("calibrate-memory", None, ["calibrate", HISTORICAL, "--observed", OBSERVED, "--params",
                                "outflow.corridor_capacity_per_hour", "--runs", "100000000"],
     "of memory"),
    ("workers-huge", None, ["run", BASELINE, "--workers", "1000000"], "4 processes per core"),
    ("generations-huge", None, ["calibrate", HISTORICAL, "--observed", OBSERVED, "--params",
                                "outflow.corridor_capacity_per_hour", "--generations",
                                "1000000000000"], "0<=x<=100"),
    ("convoys-1e308", EXT + "[supplies]\nconvoys_per_day = 1e308\n", ["run", "{scenario}"],
     "supplies.convoys_per_day: must be at most 1,000 a day"),
    ("decision-step-1e-9", EXT + "[outflow]\ndecision_step_hours = 1e-9\n",
     ["run", "{scenario}"], "outflow.decision_step_hours: must be at least a minute"),
    ("incidents-1e308", EXT + "[ceasefire]\nbase_incidents_per_day = 1e308\n",
     ["run", "{scenario}"], "ceasefire.base_incidents_per_day: must be at most 1,000 a day"),
    ("tension-half-life", EXT + "[world]\ntension_half_life_days = 5e-324\n",
     ["run", "{scenario}"], "world.tension_half_life_days: must be at least a minute"),
    ("trust-half-life", EXT + "[world]\ntrust_half_life_days = 5e-324\n",
     ["run", "{scenario}"], "world.trust_half_life_days: must be at least a minute"),
    ("incident-memory-half-life", EXT + "[negotiation]\nincident_memory_half_life_days = 5e-324\n",
     ["run", "{scenario}"], "incident_memory_half_life_days: must be at least a minute"),
    ("excitation-half-life", EXT + "[ceasefire]\nexcitation_half_life_days = 5e-324\n",
     ["run", "{scenario}"], "excitation_half_life_days: must be at least a minute"),
    ("incident-weight-work", EXT + "[ceasefire]\ntension_incident_weight = 1e300\n",
     ["check", "{scenario}"], "simulation events"),
]


@pytest.mark.parametrize(("text", "args", "fragment"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_refused_at_once_with_one_line_and_nothing_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | None, args: list[str],
        fragment: str) -> None:
    monkeypatch.chdir(tmp_path)
    if text is not None:
        (tmp_path / "scenario.toml").write_text(text)
    before = sorted(tmp_path.rglob("*"))
    began = time.perf_counter()
    result = cli(*(a.replace("{scenario}", "scenario.toml") for a in args))
    assert time.perf_counter() - began < 10
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.output
    assert sorted(tmp_path.rglob("*")) == before


def test_an_observed_file_with_a_line_of_megabytes_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "observed.csv").write_text("time,value\n2023-09-24T18:00:00+04:00,"
                                           + "1" * 3_000_000 + "\n")
    result = cli("validate", HISTORICAL, "--observed", "observed.csv", "--runs", "5")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: observed.csv, line 2: longer than 100,000 characters")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["observed.csv"]
