"""Scenario discovery: PRIM finds a planted box, conditions read as written, and the command
runs on a real results folder without touching it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.analysis import discover as prim
from sim.errors import OptionError

from conftest import ROOT, cli, ok

BASELINE = ROOT / "scenarios" / "baseline.toml"
NAMES = ("a", "b", "c", "d")


def planted(n: int = 2000, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Cases are 90% likely where a > 0.6 and c < 0.3, 5% likely elsewhere."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, len(NAMES)))
    inside = (x[:, 0] > 0.6) & (x[:, 2] < 0.3)
    return x, np.where(inside, rng.uniform(size=n) < 0.9, rng.uniform(size=n) < 0.05)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_prim_finds_a_planted_box(seed: int) -> None:
    x, y = planted(seed=seed)
    boxes = prim.prim(x, y, NAMES)
    box = boxes[prim.choose(boxes)]
    assert set(box.limits) == {"a", "c"}
    assert box.limits["a"][0] == pytest.approx(0.6, abs=0.05)
    assert box.limits["c"][1] == pytest.approx(0.3, abs=0.05)
    assert box.density > 0.75 and box.coverage > 0.6
    assert boxes[0].density == pytest.approx(y.mean()) and boxes[0].coverage == 1
    masses = [b.mass for b in boxes]
    assert masses == sorted(masses, reverse=True) and masses[-1] >= prim.SUPPORT


def test_limits_the_runs_do_not_support_are_dropped() -> None:
    x, y = planted()
    noisy = prim.Box({"a": (0.6, 1.0), "b": (0.05, 0.95), "c": (0.0, 0.3), "d": (0.1, 1.0)},
                     0, 0, 0)
    kept = prim.simplify(x, y, NAMES, noisy)
    assert set(kept.limits) == {"a", "c"}
    inside = (x[:, 0] >= 0.6) & (x[:, 2] <= 0.3)
    assert kept.mass == pytest.approx(inside.mean())
    assert kept.density == pytest.approx(y[inside].mean())
    assert kept.coverage == pytest.approx(y[inside].sum() / y.sum())


def test_a_threshold_picks_the_widest_box_dense_enough() -> None:
    x, y = planted()
    boxes = prim.prim(x, y, NAMES)
    for threshold in (0.3, 0.6, 0.85):
        chosen = boxes[prim.choose(boxes, threshold)]
        assert chosen.density >= threshold
        assert all(b.coverage <= chosen.coverage for b in boxes if b.density >= threshold)
    assert prim.choose(boxes, 1.0) == max(range(len(boxes)), key=lambda i: boxes[i].density)


def test_no_box_where_nothing_matters() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.uniform(size=(3000, 3)), rng.uniform(size=3000) < 0.3
    boxes = prim.prim(x, y, NAMES[:3])
    assert boxes[prim.choose(boxes)].density < 0.4


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("discover") / "run"
    sim.run(BASELINE, runs=100, seed=4, workers=1, out=out, progress=False, figures=False)
    return out


def test_conditions_read_as_written(folder: Path) -> None:
    ens = sim.read(folder)
    states = ens.column("end_state")
    y, words = prim.cases(ens, "end_state=renewed_war")
    assert y.sum() == states.count("renewed_war") and words == 'the end state is "renewed war"'
    y, _ = prim.cases(ens, "ceasefire_collapsed=false")
    assert y.sum() == ens.column("ceasefire_collapsed").count(False)
    y, words = prim.cases(ens, "day_half_departed <= 4")
    days = ens.column("day_half_departed")
    assert y.sum() == sum(d is not None and d <= 4 for d in days) and words.endswith("<= 4")


@pytest.mark.parametrize(("spec", "fragment"), [
    ("end_state=peace", "NAME one of"), ("end_state", "NAME one of"),
    ("ceasefire_collapsed=maybe", "yes/no"), ("day_half_departed=soon", "compare it"),
    ("happiness>1", "write an outcome"), ("day_half_departed<=-1", "holds in 0"),
])
def test_bad_conditions_are_refused(folder: Path, spec: str, fragment: str) -> None:
    with pytest.raises(OptionError, match=fragment):
        prim.discover(sim.read(folder), spec)


def test_the_command_runs_on_a_results_folder_and_leaves_it_alone(folder: Path,
                                                                  tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    out = tmp_path / "found"
    result = ok(cli("discover", folder, "--outcome", "day_half_departed<=4", "--out", out))
    assert "PRIM's chosen box" in result.stdout and "coverage" in result.stdout
    assert "outflow.corridor_capacity_per_hour at least" in result.stdout  # the road's pace
    rows = list(csv.DictReader((out / "peeling.csv").open()))
    assert sum(r["chosen"] == "True" for r in rows) == 1
    assert json.loads((out / "manifest.json").read_text())["kind"] == "discover"
    assert (out / "figures" / "discovery.png").is_file()
    assert before == {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("args", [["--outcome", "end_state=peace"],
                                  ["--outcome", "agreement", "--threshold", "0"],
                                  ["--outcome", "agreement", "--out", "."]])
def test_bad_discoveries_exit_2_and_write_nothing(folder: Path, args: list[str],
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.txt").write_text("a user's file")
    result = cli("discover", folder, *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
