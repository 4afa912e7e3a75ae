"""Calibration recovers what made the data, and the `{ posterior = ... }` distribution form."""

from __future__ import annotations

import csv
import json
import re
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import tomli_w

from sim.fitting.calibrate import calibrate
from sim.fitting.calibrated import calibrated_toml, posterior_csv
from sim.fitting.observed import Observed
from sim.fitting.validate import at_times
from sim.model import run_replication
from sim.runs.ensemble import run_ensemble
from sim.scenario import from_tree, load

from conftest import START, cli, quiet_tree

CAPACITY = "outflow.corridor_capacity_per_hour"
OPENING = "events.0.day"
# The road lets people through in slices of an hour from its opening, so counts on the hour
# tell the opening only to the hour: the truth sits inside such an hour, not at its edge.
TRUTH = {CAPACITY: 400.0, OPENING: 0.48}
DAYS = (0.75, 1.0, 1.5, 2.0, 2.5)


def road_tree() -> dict:
    """Everyone queues at once; the road opens some time on the first day, then lets an
    unknown number of people an hour through: the data identify both."""
    tree = quiet_tree(horizon_days=3)
    tree.update(name="road", record_every_hours=1)
    tree["world"]["population_people"] = 50_000
    tree["outflow"].update(base_hazard_per_day=50.0, decision_step_hours=1, corridor_open=False,
                           corridor_capacity_per_hour={"uniform": [100, 1000]})
    tree["events"] = [{"name": "the road opens", "day": {"uniform": [0.2, 1.0]},
                       "set": {"corridor_open": True}}]
    return tree


def synthetic(sc, seed: int = 99) -> Observed:
    """What the model itself gives with the true parameters, at a few times."""
    truth = sc.with_values(TRUTH)
    rep = run_replication(truth, 0, seed)
    times = np.arange(rep.series["departed"].size) * truth.params.record_every_hours / 24
    values = at_times(times, rep.series["departed"][None, :], np.array(DAYS))[0]
    return Observed("<model>", "departed", tuple(START + timedelta(days=d) for d in DAYS), DAYS,
                    tuple(float(v) for v in values))


@pytest.mark.parametrize("generations", [0, 2])
def test_calibration_recovers_the_parameters_that_made_the_data(generations: int) -> None:
    sc = from_tree(road_tree(), "<road>")
    fit, prior = calibrate(sc, synthetic(sc), (CAPACITY, OPENING), keep=0.1, runs=300, seed=5,
                           generations=generations, executor="serial")
    assert fit.posterior.shape == (30, 2)
    for j, name in enumerate(fit.params):
        low, high = np.quantile(fit.posterior[:, j], (0.05, 0.95))
        assert low <= TRUTH[name] <= high, (name, low, high)
        prior_low, prior_high = np.quantile(fit.prior[:, j], (0.05, 0.95))
        assert high - low < (prior_high - prior_low) / 2  # the data narrowed it
    assert [g["generation"] for g in fit.generations] == list(range(generations + 1))
    tolerances = [g["tolerance"] for g in fit.generations]
    assert tolerances == sorted(tolerances, reverse=True)
    assert prior.runs == 300


def test_the_calibrated_scenario_draws_whole_rows(tmp_path: Path) -> None:
    parent = tmp_path / "road.toml"
    parent.write_text(tomli_w.dumps(road_tree()))
    sc = load(parent)
    fit, _ = calibrate(sc, synthetic(sc), (CAPACITY, OPENING), keep=0.2, runs=50, seed=1,
                       executor="serial")
    sub = tmp_path / "fit"
    sub.mkdir()
    (sub / "post.csv").write_text(posterior_csv(fit))
    (sub / "road_calibrated.toml").write_text(calibrated_toml(fit, "../road.toml", "post.csv"))
    calibrated = load(sub / "road_calibrated.toml")
    assert calibrated.name == "road_calibrated"
    assert calibrated.distributions[OPENING].form == "posterior"
    with (sub / "post.csv").open() as f:
        rows = {(float(r[f"param.{CAPACITY}"]), float(r[f"param.{OPENING}"]))
                for r in csv.DictReader(f)}
    ens = run_ensemble(calibrated, 40, 2, executor="serial")
    drawn = {(float(r[f"param.{CAPACITY}"]), float(r[f"param.{OPENING}"])) for r in ens.rows}
    assert drawn <= rows and len(drawn) > 1


def write_posterior(folder: Path, header: str, *rows: str) -> Path:
    path = folder / "post.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def posterior_scenario(folder: Path) -> Path:
    tree = quiet_tree(horizon_days=2)
    tree["world"]["trust"] = {"posterior": "post.csv"}
    tree["outflow"]["corridor_capacity_per_hour"] = {"posterior": "post.csv"}
    path = folder / "scenarios" / "post.toml"
    path.parent.mkdir()
    path.write_text(tomli_w.dumps(tree))
    return path


def test_posterior_form_samples_whole_rows(tmp_path: Path, monkeypatch) -> None:
    path = posterior_scenario(tmp_path)
    write_posterior(path.parent, "replication,param.world.trust,"
                    "param.outflow.corridor_capacity_per_hour", "7,0.1,100", "8,0.2,200",
                    "9,0.3,300")
    monkeypatch.chdir(tmp_path)  # the file is found next to the scenario, not here
    sc = load(path)
    assert sc.params.world.trust == 0.2  # typical: the middle value
    rng = np.random.default_rng(0)
    pairs = {(p.world.trust, p.outflow.corridor_capacity_per_hour)
             for p, _ in (sc.draw(rng) for _ in range(60))}
    assert pairs == {(0.1, 100), (0.2, 200), (0.3, 300)}
    assert "post.csv" in sc.to_toml()
    assert cli("check", path).exit_code == 0


BAD_POSTERIORS = {
    "missing file": (None, "does not exist"),
    "empty": ("", "empty"),
    "no rows": ("param.world.trust,param.outflow.corridor_capacity_per_hour", "no rows"),
    "missing column": ("param.world.trust\n0.2", "no column param.outflow.corridor_capacity"),
    "extra column": ("param.world.trust,param.outflow.corridor_capacity_per_hour,param.x.y\n"
                     "0.2,100,1", "param.x.y"),
    "not a number": ("param.world.trust,param.outflow.corridor_capacity_per_hour\n0.2,lots",
                     "line 2"),
    "out of range": ("param.world.trust,param.outflow.corridor_capacity_per_hour\n0.2,100\n"
                     "1.5,100", "world.trust"),
    "short row": ("param.world.trust,param.outflow.corridor_capacity_per_hour\n0.2", "line 2"),
}


@pytest.mark.parametrize("case", BAD_POSTERIORS, ids=list(BAD_POSTERIORS))
def test_bad_posterior_files_are_refused(case: str, tmp_path: Path) -> None:
    path = posterior_scenario(tmp_path)
    text, words = BAD_POSTERIORS[case]
    if text is not None:
        (path.parent / "post.csv").write_text(text)
    out = tmp_path / "never"
    result = cli("run", path, "--runs", "2", "--out", out)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr
    assert not out.exists()


def test_posterior_needs_a_file_name(tmp_path: Path) -> None:
    path = posterior_scenario(tmp_path)
    path.write_text(path.read_text().replace('"post.csv"', "3", 1))
    result = cli("check", path)
    assert result.exit_code == 2 and "file name in quotes" in result.stderr


def test_a_child_changes_a_parent_event_by_name(tmp_path: Path) -> None:
    (tmp_path / "road.toml").write_text(tomli_w.dumps(road_tree()))
    child = tmp_path / "child.toml"
    child.write_text('extends = "road.toml"\nname = "child"\n'
                     '[events."the road opens"]\nday = 0.25\n')
    sc = load(child)
    assert len(sc.params.events) == 1 and sc.params.events[0].day == 0.25
    child.write_text('extends = "road.toml"\nname = "child"\n[events."no such event"]\nday = 1\n')
    result = cli("check", child)
    assert result.exit_code == 2 and "no event is named 'no such event'" in result.stderr


def test_calibrate_command(tmp_path: Path) -> None:
    scenario = tmp_path / "road.toml"
    scenario.write_text(tomli_w.dumps(road_tree()))
    data = tmp_path / "observed.csv"
    truth = synthetic(from_tree(road_tree()))
    pairs = zip(truth.times, truth.values, strict=True)
    data.write_text("time,people\n" + "".join(f"{t.isoformat()},{v}\n" for t, v in pairs))
    out = tmp_path / "fit"
    result = cli("calibrate", scenario, "--observed", data, "--params", f"{CAPACITY},{OPENING}",
                 "--runs", "100", "--keep", "0.1", "--generations", "1",
                 "--predictive-runs", "20", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "calibration.json", "manifest.json", "posterior.csv", "posterior_predictive.png",
        "prior_posterior.png", "prior_predictive.png", "road_calibrated.toml"]
    assert load(out / "road_calibrated.toml").name == "road_calibrated"
    info = json.loads((out / "calibration.json").read_text())
    assert len(info["generations"]) == 2 and info["params"] == [CAPACITY, OPENING]
    assert "generation 1: kept 10 of 100" in result.stdout
    opening = next(line for line in result.stdout.splitlines() if OPENING in line)
    assert len(re.findall(r"\b2[12] Sep \d\d:\d\d\b", opening)) == 5, opening  # not "0.48"


@pytest.mark.parametrize(("params", "extra", "words"), [
    ("world.tension", [], "not an uncertain parameter"),
    ("", [], "at least one"),
    (CAPACITY, ["--keep", "0"], "--keep"),
])
def test_calibrate_refuses_bad_options(tmp_path: Path, params: str, extra: list[str],
                                       words: str) -> None:
    scenario = tmp_path / "road.toml"
    scenario.write_text(tomli_w.dumps(road_tree()))
    data = tmp_path / "observed.csv"
    data.write_text(f"time,people\n{(START + timedelta(days=1)).isoformat()},10\n")
    result = cli("calibrate", scenario, "--observed", data, "--params", params, *extra,
                 "--out", tmp_path / "never")
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert not (tmp_path / "never").exists()


def test_smc_needs_priors_with_a_density(tmp_path: Path) -> None:
    tree = road_tree()
    tree["outflow"]["corridor_capacity_per_hour"] = {"choice": [200, 400]}
    scenario = tmp_path / "road.toml"
    scenario.write_text(tomli_w.dumps(tree))
    data = tmp_path / "observed.csv"
    data.write_text(f"time,people\n{(START + timedelta(days=1)).isoformat()},10\n")
    result = cli("calibrate", scenario, "--observed", data, "--params", CAPACITY)
    assert result.exit_code == 2 and "--generations 0" in result.stderr


def test_a_joint_posterior_is_recalibrated_whole(tmp_path: Path) -> None:
    path = posterior_scenario(tmp_path)
    write_posterior(path.parent, "param.world.trust,param.outflow.corridor_capacity_per_hour",
                    "0.1,100", "0.2,200")
    data = tmp_path / "observed.csv"
    data.write_text(f"time,people\n{(START + timedelta(days=1)).isoformat()},10\n")
    result = cli("calibrate", path, "--observed", data, "--params", CAPACITY,
                 "--generations", "0", "--out", tmp_path / "never")
    assert result.exit_code == 2 and "drawn jointly with world.trust" in result.stderr


def test_calibrate_refuses_bad_observed_rows(tmp_path: Path) -> None:
    scenario = tmp_path / "road.toml"
    scenario.write_text(tomli_w.dumps(road_tree()))
    data = tmp_path / "observed.csv"
    data.write_text(f"time,people\n{(START + timedelta(days=1)).isoformat()},10\n"
                    f"{(START + timedelta(days=2)).isoformat()},5\n")
    result = cli("calibrate", scenario, "--observed", data, "--params", CAPACITY,
                 "--out", tmp_path / "never")
    assert result.exit_code == 2 and "line 3" in result.stderr and "goes down" in result.stderr
    assert not (tmp_path / "never").exists()
