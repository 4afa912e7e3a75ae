"""`sim sweep`: grids, common random numbers, sweep.csv, figures, and refusals of bad grids."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from matplotlib.image import imread

from sim.analysis.sweep import Axis, parse_set
from sim.runs.ensemble import run_ensemble
from sim.scenario import ScenarioError, load

from conftest import ROOT, cli, ok

BASELINE = ROOT / "scenarios" / "baseline.toml"


def read(folder: Path) -> list[dict[str, str]]:
    with (folder / "sweep.csv").open(newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(("text", "values"), [
    ("ceasefire.peacekeeper_deterrence=0,0.5,1", (0, 0.5, 1)),
    ("ceasefire.peacekeeper_deterrence=0:1:5", (0.0, 0.25, 0.5, 0.75, 1.0)),
    ("world.trust = 0.1 , 0.3", (0.1, 0.3)),
    ("world.peacekeepers=0:2000:5", (0, 500, 1000, 1500, 2000)),
    ("outflow.decision_step_hours=1:0.1:4", (1.0, 0.7, 0.4, 0.1)),
    ("world.tension=0:0.3:4", (0.0, 0.1, 0.2, 0.3)),
    ("outflow.corridor_open=true,false", (True, False)),
    ("names.region=Arcadia,\"Far Province\"", ("Arcadia", "Far Province")),
])
def test_grids_are_lists_or_ranges(text: str, values: tuple) -> None:
    axis = parse_set(text)
    assert axis == Axis(text.split("=")[0].strip(), values)
    assert [type(v) for v in axis.values] == [type(v) for v in values]


@pytest.mark.parametrize(("text", "fragment"), [
    ("ceasefire.peacekeeper_deterrence", "write section.param=values"),
    ("=1,2", "write section.param=values"),
    ("world.trust=", "write section.param=values"),
    ("world.trust=0:1", "a range is start:stop:count"),
    ("world.trust=0:1:x", "a range is start:stop:count"),
    ("world.trust=0:1:1", "a range is start:stop:count"),
    ("world.trust=0:inf:3", "a range is start:stop:count"),
    ("world.trust=1:1:3", "starts and stops at 1"),
    ("world.trust=0.1,,0.3", "an empty value"),
    ("world.trust=0.1,0.1", "appears twice"),
])
def test_malformed_grids_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(ScenarioError, match=fragment) as err:
        parse_set(text)
    assert str(err.value).startswith(f"--set {text}")


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "deterrence"
    result = ok(cli("sweep", BASELINE, "--set", "ceasefire.peacekeeper_deterrence=0,0.5,1",
                    "--runs", "30", "--seed", "5", "--out", out))
    assert "renewed war" in result.stdout and f"Sweep: {out}" in result.stdout
    return out


@pytest.mark.slow
def test_sweep_csv_has_a_row_per_grid_point(swept: Path) -> None:
    rows = read(swept)
    assert [r["ceasefire.peacekeeper_deterrence"] for r in rows] == ["0", "0.5", "1"]
    for row in rows:
        assert row["runs"] == "30"
        states = [float(row[f"end_state.{s}"]) for s in
                  ("renewed_war", "exodus", "reintegration", "unresolved")]
        assert sum(states) == pytest.approx(1)
        for key in ("end_state.renewed_war", "agreement", "departed_share_median"):
            low, value, high = (row[f"{key}_low"], row[key], row[f"{key}_high"])
            assert float(low) <= float(value) <= float(high)
        assert int(row["collapse_day_happened"]) <= 30
    war = [float(r["end_state.renewed_war"]) for r in rows]
    assert war[0] > war[2]  # peacekeepers who deter nothing let more ceasefires collapse
    assert sorted(p.name for p in swept.iterdir()) == ["figures", "manifest.json",
                                                        "scenario.toml", "sweep.csv"]
    assert sorted(p.name for p in (swept / "figures").iterdir()) == [
        "distributions.png", "medians.png", "probabilities.png"]


@pytest.mark.slow
def test_the_grid_runs_on_common_random_numbers(swept: Path) -> None:
    """The grid point equal to the scenario's own value is the scenario's own run."""
    row = read(swept)[1]
    ens = run_ensemble(load(BASELINE), 30, 5, executor="serial")
    war = sum(r["end_state"] == "renewed_war" for r in ens.rows) / 30
    shares = sorted(r["departed_share"] for r in ens.rows)
    assert float(row["end_state.renewed_war"]) == pytest.approx(war, rel=1e-5)
    assert float(row["departed_share_median"]) == pytest.approx(
        (shares[14] + shares[15]) / 2, rel=1e-5)


@pytest.mark.slow
def test_two_parameters_draw_heat_maps(tmp_path: Path) -> None:
    out = tmp_path / "two"
    ok(cli("sweep", BASELINE, "--set", "ceasefire.peacekeeper_deterrence=0:1:3",
           "--set", "world.trust=0.1,0.5", "--runs", "8", "--out", out, "--quiet"))
    rows = read(out)
    assert [(r["ceasefire.peacekeeper_deterrence"], r["world.trust"]) for r in rows] == [
        ("0", "0.1"), ("0", "0.5"), ("0.5", "0.1"), ("0.5", "0.5"), ("1", "0.1"), ("1", "0.5")]
    for png in sorted((out / "figures").glob("*.png")):
        image = imread(png)
        assert image.shape[1] <= 1400 and image[..., :3].std() > 0.05, png.name


@pytest.mark.parametrize(("sets", "fragment"), [
    (["ceasefire.nonsense=1,2"], "unknown parameter 'ceasefire.nonsense'"),
    (["ceasefire.peacekeeper_deterrence=0,2"],
     "ceasefire.peacekeeper_deterrence: Input should be less than or equal to 1 (got 2)"),
    (["world.trust=high,low"], "world.trust: Input should be a valid number"),
    (["world.trust=0:1"], "a range is start:stop:count"),
    (["world.trust=0.1", "world.trust=0.2"], "given twice"),
    (["world.trust=0.1", "world.tension=0.2", "world.hunger=1"], "one or two parameters"),
])
def test_bad_sweeps_exit_2_and_write_nothing(sets: list[str], fragment: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = [a for s in sets for a in ("--set", s)]
    result = cli("sweep", BASELINE, *args, "--runs", "2")
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
    assert list(tmp_path.iterdir()) == []
