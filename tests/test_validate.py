"""`sim validate`: observed files checked row by row; the measures on cases with known answers."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import tomli_w

from sim.fitting.observed import Observed, read
from sim.fitting.validate import at_times, reach_times, score, validate
from sim.runs.ensemble import Ensemble
from sim.runs.table import OutcomeTable

from conftest import ROOT, START, cli, quiet_tree, scenario

DATA = ROOT / "data" / "nk2023_arrivals_early.csv"


def outflow_tree() -> dict:
    """Five days; everyone wants to leave at once and the road lets 100 people an hour through."""
    tree = quiet_tree(horizon_days=5)
    tree["record_every_hours"] = 1
    tree["outflow"].update(base_hazard_per_day=50.0, corridor_capacity_per_hour=100,
                           decision_step_hours=1)
    return tree


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "road.toml"
    path.write_text(tomli_w.dumps(outflow_tree()))
    return path


def at(hours: float) -> str:
    return (START + timedelta(hours=hours)).isoformat()


def observed_file(tmp_path: Path, rows: list[str], header: str = "time,people,note") -> Path:
    path = tmp_path / "observed.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_interpolation_at_observed_times() -> None:
    t = np.array([0.0, 1.0, 2.0])
    values = np.array([[0.0, 10.0, 30.0], [5.0, 5.0, 5.0]])
    got = at_times(t, values, np.array([0.0, 0.5, 1.5, 2.0]))
    assert np.allclose(got, [[0, 5, 20, 30], [5, 5, 5, 5]])


def test_coverage_and_relative_difference_on_a_known_ensemble() -> None:
    simulated = np.tile(np.arange(1.0, 101.0)[:, None], (1, 4))  # runs 1..100 at each point
    observed = np.array([50.0, 10.0, 96.0, 1000.0])
    quantiles, inside, rel = score(simulated, observed)
    assert inside["50%"] == (True, False, False, False)  # 25.75 .. 75.25
    assert inside["90%"] == (True, True, False, False)  # 5.95 .. 95.05
    assert quantiles["q50"] == (50.5,) * 4
    expected = np.mean([0.5 / 50, 40.5 / 10, 45.5 / 96, 949.5 / 1000])
    assert rel == pytest.approx(expected)


def test_relative_difference_skips_zero_observations() -> None:
    simulated = np.full((10, 2), 4.0)
    _, _, rel = score(simulated, np.array([0.0, 2.0]))
    assert rel == pytest.approx(1.0)


def test_time_to_a_share_of_the_last_value() -> None:
    grid = np.arange(11.0)
    curves = np.array([grid * 10, np.full(11, 7.0), np.zeros(11)])
    half = reach_times(grid, curves, 0.5)
    assert half[0] == pytest.approx(5.0)
    assert half[1] == 0.0  # already there at the first time
    assert np.isnan(half[2])  # nothing to reach
    assert reach_times(grid, curves[:1], 0.9)[0] == pytest.approx(9.0)


def test_validate_an_ensemble_whose_median_is_the_data() -> None:
    sc = scenario({"record_every_hours": 1}, horizon_days=4)
    t = np.arange(97) / 24
    rates = np.linspace(50, 150, 101)[:, None]
    departed = (rates * t[None, :]).astype(np.float32)
    series = {"departed": departed}
    ens = Ensemble(sc, 1, t, OutcomeTable.from_rows([{} for _ in rates]), series)
    days = (1.0, 2.0, 3.0)
    obs = Observed("<test>", "people", tuple(START + timedelta(days=d) for d in days), days,
                   tuple(100.0 * d for d in days))
    v = validate(ens, obs, "departed")
    assert v.coverage == {"50%": 1.0, "90%": 1.0}
    assert v.mean_relative_difference == pytest.approx(0.0, abs=1e-6)
    assert v.timing["half"]["observed"] == pytest.approx(1.5)  # 150: between 100 and 200
    assert v.timing["half"]["median"] == pytest.approx(1.5, abs=1e-3)
    assert json.loads(json.dumps(v.to_json()))["coverage"]["50%"] == 1.0


def test_the_shipped_data_file_reads() -> None:
    obs = read(DATA, START - timedelta(days=1), 26, cumulative=True)  # 20 Sep 13:00
    assert obs.column == "cumulative_arrivals"
    assert obs.values == (30, 1510, 2906, 4850, 6650, 13550)
    assert obs.days[0] == pytest.approx(4 + 5 / 24)


def test_validate_command_writes_a_small_folder(scenario_file: Path, tmp_path: Path) -> None:
    # the first deciders queue after an hour, then 100 cross every hour
    data = observed_file(tmp_path, [f"{at(12)},1100,a", f"{at(24)},2300,b", f"{at(36)},3500,"])
    out = tmp_path / "v"
    result = cli("validate", scenario_file, "--observed", data, "--runs", "4", "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "validation.json",
                                                     "validation.png"]
    info = json.loads((out / "validation.json").read_text())
    assert info["coverage"] == {"50%": 1.0, "90%": 1.0}
    assert info["observed_column"] == "people"
    assert "inside the middle 90%" in result.stdout


def test_validate_a_results_folder(scenario_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    assert cli("run", scenario_file, "--runs", "3", "--out", folder, "--no-figures",
               "--quiet", "--executor", "serial").exit_code == 0
    data = observed_file(tmp_path, [f"{at(24)},2400,"])
    result = cli("validate", folder, "--observed", data, "--out", tmp_path / "v")
    assert result.exit_code == 0, result.output
    refused = cli("validate", folder, "--observed", data, "--runs", "3")
    assert refused.exit_code == 2 and "--runs" in refused.stderr


BAD_ROWS = {
    "missing time": ([f"{at(12)},1,", ",2,"], "line 3", "time is missing"),
    "no offset": ([f"{at(12)},1,", "2023-09-22T13:00:00,2,"], "line 3", "no UTC offset"),
    "not a date": (["yesterday,1,"], "line 2", "not a date-time"),
    "non-numeric": ([f"{at(12)},1,", f"{at(24)},many,", f"{at(30)},3,"], "line 3", "not a number"),
    "missing value": ([f"{at(12)},1,", f"{at(24)},,x"], "line 3", "missing"),
    "decreasing": ([f"{at(12)},5,", f"{at(24)},3,"], "line 3", "goes down"),
    "after the horizon": ([f"{at(12)},1,", f"{at(24 * 6)},2,"], "line 3", "outside"),
    "before the start": ([f"{at(-2)},1,"], "line 2", "outside"),
    "out of order": ([f"{at(24)},1,", f"{at(12)},2,"], "line 3", "not after"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_bad_rows_are_refused_by_line(case: str, scenario_file: Path, tmp_path: Path) -> None:
    rows, line, words = BAD_ROWS[case]
    data = observed_file(tmp_path, rows)
    out = tmp_path / "never"
    result = cli("validate", scenario_file, "--observed", data, "--runs", "2", "--out", out)
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.count("\n") == 0 and message.startswith("error: ")
    assert f"{data}, {line}" in message and words in message
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(("header", "rows", "words"), [
    ("when,people", [f"{at(1)},1"], "no time column"),
    ("time,a,b", [f"{at(1)},1,2"], "--column"),
    ("time,people", [], "no rows"),
])
def test_bad_files_are_refused(scenario_file: Path, tmp_path: Path, header: str,
                               rows: list[str], words: str) -> None:
    data = observed_file(tmp_path, rows, header)
    result = cli("validate", scenario_file, "--observed", data, "--runs", "2",
                 "--out", tmp_path / "never")
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert not (tmp_path / "never").exists()


def test_missing_observed_file(scenario_file: Path, tmp_path: Path) -> None:
    result = cli("validate", scenario_file, "--observed", tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert "no such observed-data file" in result.stderr


def test_a_named_column_and_a_non_cumulative_series(scenario_file: Path, tmp_path: Path) -> None:
    data = observed_file(tmp_path, [f"{at(6)},1,900", f"{at(12)},0,800"], "time,a,b")
    result = cli("validate", scenario_file, "--observed", data, "--column", "b", "--series",
                 "waiting", "--runs", "2", "--out", tmp_path / "v")
    assert result.exit_code == 0, result.output  # waiting may go down
    assert "Time to half" not in result.stdout
