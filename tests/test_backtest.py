"""`sim backtest`: rolling origins on data drawn from the model, null models against known
answers, and every bad input refused with exit status 2 and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from test_calibrate import CAPACITY, DAYS, OPENING, road_tree, synthetic

from sim.fitting.backtest import score_all
from sim.fitting.backtested import report
from sim.fitting.calibrate import distance
from sim.fitting.nulls import constant_queue, last_rate, logistic
from sim.fitting.simulated import simulated_at
from sim.runs.ensemble import run_ensemble
from sim.scenario import from_tree

from conftest import cli


def _files(tmp_path: Path, points: int | None = None) -> tuple[Path, Path]:
    scenario = tmp_path / "road.toml"
    scenario.write_text(tomli_w.dumps(road_tree()))
    truth = synthetic(from_tree(road_tree()))
    pairs = list(zip(truth.times, truth.values, strict=True))[:points]
    data = tmp_path / "observed.csv"
    data.write_text("time,people\n" + "".join(f"{t.isoformat()},{v}\n" for t, v in pairs))
    return scenario, data


def test_backtest_on_data_from_the_model(tmp_path: Path) -> None:
    scenario, data = _files(tmp_path)
    out = tmp_path / "bt"
    result = cli("backtest", scenario, "--observed", data, "--params", f"{CAPACITY},{OPENING}",
                 "--runs", 100, "--keep", 0.1, "--generations", 0, "--predictive-runs", 40,
                 "--workers", 1, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "backtest.json", "forecasts.png", "manifest.json", "pit.png"]
    info = json.loads((out / "backtest.json").read_text())
    assert [o["calibrated_on_points"] for o in info["origins"]] == [2, 3, 4]  # 5 points
    model = info["summary"]["model"]
    crps = [x for o in info["origins"] for x in o["scores"]["model"]["crps"]]
    assert model["points"] == 3 + 2 + 1 and model["crps"] == pytest.approx(np.mean(crps))
    assert model["inside_90%"] >= 0.5  # drawn from the model: its bands hold the truth
    # the constant-capacity queue is the truth's own form: it forecasts it almost exactly
    assert info["summary"]["constant queue"]["crps"] < 0.05 * np.mean(synthetic(
        from_tree(road_tree())).values)
    printed = f"{model['crps']:,.0f}"
    assert any(line.split()[:1] == ["model"] and printed in line
               for line in result.output.splitlines())
    first = info["origins"][0]  # prior and posterior of each parameter, at each origin
    assert set(first["prior_q05_q50_q95"]) == set(first["posterior_q05_q50_q95"]) == {
        CAPACITY, OPENING}
    cap = first["prior_q05_q50_q95"][CAPACITY]
    assert 100 <= cap[0] < cap[1] < cap[2] <= 1000
    assert "From the first 2 points" in result.output and "PIT of the model" in result.output


def test_forecasts_of_data_drawn_from_the_model_are_calibrated() -> None:
    """The known answer: when the data come from the model's own prior, the replications that
    fit the first points forecast the rest with bands that hold the truth as often as they say
    (coverage near nominal) and PIT values near uniform, over many truths."""
    ens = run_ensemble(from_tree(road_tree(), "<road>"), 400, 11, executor="serial")
    counts = simulated_at(ens, "departed", np.array(DAYS))
    pits, inside50, inside90 = [], [], []
    for k in (2, 3):  # calibrated on the first k points, forecast of the rest
        for truth in range(0, 400, 4):  # 100 truths, each forecast by the other replications
            others = np.delete(counts, truth, axis=0)
            kept = others[np.argsort(distance(others[:, :k], counts[truth, :k]))[:40]]
            found = score_all(kept[:, k:], counts[truth, k:])
            pits += found["pit"]
            inside50 += found["inside_50%"]
            inside90 += found["inside_90%"]
    assert 0.4 <= np.mean(inside50) <= 0.65, np.mean(inside50)
    assert 0.82 <= np.mean(inside90) <= 0.97, np.mean(inside90)
    share = np.histogram(pits, bins=4, range=(0, 1))[0] / len(pits)
    assert np.all((share > 0.12) & (share < 0.38)), share  # each quarter: about a quarter
    assert abs(np.mean(pits) - 0.5) < 0.06


def test_a_backtest_needs_three_points(tmp_path: Path) -> None:
    scenario, data = _files(tmp_path, points=2)
    out = tmp_path / "bt"
    result = cli("backtest", scenario, "--observed", data, "--params", CAPACITY,
                 "--runs", 20, "--out", out, "--quiet")
    assert result.exit_code == 2, result.output
    assert "at least 3 observed points" in result.output and "it has 2" in result.output
    assert "Traceback" not in result.output and not out.exists()


@pytest.mark.parametrize(("rows", "words"), [
    ("2023-09-22T10:00:00+04:00,500\n2023-09-22T12:00:00+04:00,400\n"
     "2023-09-22T14:00:00+04:00,900\n", "decrease"),
    ("2023-09-22T10:00:00,500\n", "offset"),
    ("2023-09-22T10:00:00+04:00,many\n", "which column"),
])
def test_bad_observed_input_is_refused(tmp_path: Path, rows: str, words: str) -> None:
    scenario, _ = _files(tmp_path)
    data = tmp_path / "bad.csv"
    data.write_text("time,people\n" + rows)
    out = tmp_path / "bt"
    result = cli("backtest", scenario, "--observed", data, "--params", CAPACITY,
                 "--runs", 20, "--out", out, "--quiet")
    assert result.exit_code == 2, result.output
    assert words in result.output.lower() and "Traceback" not in result.output
    assert not out.exists()


def test_a_backtest_refuses_a_fixed_parameter(tmp_path: Path) -> None:
    scenario, data = _files(tmp_path)
    result = cli("backtest", scenario, "--observed", data, "--params", "world.tension",
                 "--runs", 20, "--out", tmp_path / "bt", "--quiet")
    assert result.exit_code == 2 and "not an uncertain parameter" in result.output


def test_null_models_know_their_answers() -> None:
    days = np.array([0.0, 1.0, 2.0, 3.0])
    line = 100 + 50 * days
    ahead = np.array([4.0, 6.0])
    assert last_rate(days, line, ahead) == pytest.approx(100 + 50 * ahead)
    assert constant_queue(days, line, ahead) == pytest.approx(100 + 50 * ahead)
    bent = np.array([0.0, 10.0, 40.0])  # the last rate is the last interval's
    assert last_rate(days[:3], bent, ahead) == pytest.approx(40 + 30 * (ahead - 2))
    t = np.linspace(0, 6, 7)
    curve = 10_000 / (1 + np.exp(-1.5 * (t - 3)))
    got = logistic(t, curve, np.array([8.0, 12.0]), ceiling=50_000)
    assert got == pytest.approx(10_000 / (1 + np.exp(-1.5 * (np.array([8.0, 12.0]) - 3))),
                                rel=1e-3)
    assert logistic(days[:2], line[:2], ahead, 1e6) is None  # three points at least
    assert last_rate(days[:1], line[:1], ahead) is None


def test_the_api_backtest_is_the_command_s(tmp_path: Path) -> None:
    import sim

    scenario, data = _files(tmp_path)
    args = {"params": f"{CAPACITY},{OPENING}", "runs": 20, "generations": 0,
            "predictive_runs": 10, "seed": 7, "workers": 1}
    done = sim.backtest(scenario, data, **args, progress=False)  # type: ignore[arg-type]
    assert done.folder is None and not (tmp_path / "results").exists()
    out = tmp_path / "bt"
    result = cli("backtest", scenario, "--observed", data, "--params", args["params"],
                 "--runs", 20, "--generations", 0, "--predictive-runs", 10, "--seed", 7,
                 "--workers", 1, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert json.loads((out / "backtest.json").read_text())["summary"] == done.summary()
    assert report(done) in result.output
    written = sim.backtest(scenario, data, [CAPACITY, OPENING], runs=20, generations=0,
                           predictive_runs=10, seed=7, workers=1, out=tmp_path / "api",
                           progress=False)
    assert written.folder == tmp_path / "api" and written.summary() == done.summary()
    assert json.loads((tmp_path / "api" / "manifest.json").read_text())["command"] == \
        "sim.backtest(...) in Python"
    with pytest.raises(sim.OptionError, match="keep"):
        sim.backtest(scenario, data, CAPACITY, keep=0, progress=False)
    with pytest.raises(sim.OptionError, match="runs"):
        sim.backtest(scenario, data, CAPACITY, runs=0, progress=False)
