"""The command line and the results folder it writes (DESIGN.md, "Files on disk")."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.outcomes import BOOLEAN_OUTCOMES, END_STATES, OUTCOMES, SERIES
from sim.scenario import load

from conftest import cli, ok, same_bytes

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
FILES = ["manifest.json", "outcomes.csv", "scenario.toml", "series.npz", "summary.json"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 runs of the baseline, written by a real `sim` process."""
    out = tmp_path_factory.mktemp("run") / "out"
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(BASELINE), "--runs", "20",
                           "--seed", "3", "--out", str(out), "--no-figures", "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "End states" not in proc.stdout
    assert f"Results: {out}" in proc.stdout
    return out


def test_help_lists_commands_with_examples() -> None:
    text = ok(cli("--help")).stdout
    for command in ("run", "check", "story"):
        assert f"  {command} " in text
    assert "Examples:" in text
    assert "sim run scenarios/baseline.toml" in text
    for command in ("run", "check", "story"):
        assert "Example" in ok(cli(command, "--help")).stdout


def test_version() -> None:
    assert sim.__version__ in ok(cli("--version")).stdout


def test_folder_has_exactly_the_files(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == FILES
    assert [p.name for p in folder.parent.iterdir()] == ["out"]  # no .partial left behind


def test_outcomes_csv(folder: Path) -> None:
    with (folder / "outcomes.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    params = sorted(f"param.{p}" for p in load(BASELINE).distributions)
    assert header == ["replication", *OUTCOMES, *params]
    assert len(body) == 20
    assert [row[0] for row in body] == [str(i) for i in range(20)]
    table = [dict(zip(header, row, strict=True)) for row in body]
    for row in table:
        for name in BOOLEAN_OUTCOMES:
            assert row[name] in ("true", "false")
        assert row["end_state"] in END_STATES
        # censored: no agreement, no agreement day; no collapse, no collapse day
        assert (row["agreement_day"] == "") == (row["agreement"] == "false")
        assert (row["collapse_day"] == "") == (row["ceasefire_collapsed"] == "false")
        for name in params:
            float(row[name])
    assert any(row["agreement_day"] == "" for row in table)  # censored values do occur


def test_series_npz(folder: Path) -> None:
    with np.load(folder / "series.npz") as npz:
        assert sorted(npz.files) == sorted(["time_days", *SERIES])
        time_days = npz["time_days"]
        assert time_days.ndim == 1 and time_days[0] == 0
        assert time_days[-1] == pytest.approx(load(BASELINE).params.horizon_days)
        for name in SERIES:
            assert npz[name].dtype == np.float32, name
            assert npz[name].shape == (20, time_days.size), name
            assert np.isfinite(npz[name]).all(), name


def test_manifest(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 3
    assert manifest["runs"] == 20
    assert manifest["version"] == sim.__version__
    digest = hashlib.sha256((folder / "scenario.toml").read_bytes()).hexdigest()
    assert manifest["scenario_sha256"] == digest == load(BASELINE).digest()
    assert manifest["command"].startswith("sim run ")
    assert "--runs 20" in manifest["command"] and "--seed 3" in manifest["command"]
    assert manifest["executor"] == "local"
    assert isinstance(manifest["wall_time_seconds"], float | int)
    assert manifest["wall_time_seconds"] >= 0


def test_summary_json(folder: Path) -> None:
    summary = json.loads((folder / "summary.json").read_text())
    assert list(summary) == list(OUTCOMES)
    for name in BOOLEAN_OUTCOMES:
        entry = summary[name]
        assert entry["n"] == 20
        assert 0 <= entry["low"] <= entry["probability"] <= entry["high"] <= 1
    states = summary["end_state"]
    assert sorted(states) == sorted(END_STATES)
    assert sum(s["count"] for s in states.values()) == 20
    rounds = summary["rounds_held"]
    assert rounds["q05"] <= rounds["q50"] <= rounds["q95"]


def test_written_scenario_reruns_identically(folder: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    ok(cli("run", folder / "scenario.toml", "--runs", "20", "--seed", "3", "--out", again,
           "--no-figures", "--quiet"))
    same_bytes(folder, again)
    assert (again / "scenario.toml").read_bytes() == (folder / "scenario.toml").read_bytes()


@pytest.mark.slow
def test_workers_and_executors_give_identical_bytes(tmp_path: Path) -> None:
    """120 runs are three chunks of 50, 50 and 20 whoever runs them."""
    outs = {}
    for label, options in {"one": ("--workers", "1"), "two": ("--workers", "2"),
                           "serial": ("--executor", "serial")}.items():
        outs[label] = tmp_path / label
        result = ok(cli("run", BASELINE, "--runs", "120", "--seed", "11", "--out", outs[label],
                        "--no-figures", *options))
        if label == "two":  # the final table, without --quiet
            assert "End states over 120 replications" in result.stdout
            assert f"Results: {outs[label]}" in result.stdout
    same_bytes(outs["one"], outs["two"])
    same_bytes(outs["one"], outs["serial"])
    with np.load(outs["one"] / "series.npz") as npz:
        assert npz["tension"].shape[0] == 120


def test_another_seed_differs(folder: Path, tmp_path: Path) -> None:
    ok(cli("run", BASELINE, "--runs", "20", "--seed", "4", "--out", tmp_path / "o",
           "--no-figures", "--quiet"))
    assert (tmp_path / "o" / "outcomes.csv").read_bytes() != (folder / "outcomes.csv").read_bytes()


def test_figures(tmp_path: Path) -> None:
    pytest.importorskip("sim.figures.standard")
    out = tmp_path / "out"
    result = ok(cli("run", BASELINE, "--runs", "20", "--seed", "3", "--out", out, "--quiet"))
    assert f"Figures: {out / 'figures'}" in result.stdout
    pngs = sorted((out / "figures").glob("*.png"))
    assert pngs
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_story() -> None:
    pytest.importorskip("sim.analysis.story")
    result = ok(cli("story", BASELINE, "--replication", "2"))
    assert result.stdout.strip()
    assert "Traceback" not in result.output


def test_story_from_a_results_folder(folder: Path) -> None:
    pytest.importorskip("sim.analysis.story")
    from_folder = ok(cli("story", folder, "--replication", "2")).stdout
    from_file = ok(cli("story", BASELINE, "--replication", "2", "--seed", "3")).stdout
    assert from_folder == from_file
