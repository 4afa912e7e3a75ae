"""`--force` in real processes: user files are never touched; a sim folder is replaced whole,
even when the process is killed in the middle of the replacement."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.runs.folder import read

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
FILES = {"manifest.json", "outcomes.csv", "scenario.toml", "series.npz", "summary.json"}


def _env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {**os.environ, "HOME": str(home), "PYTHONPATH": str(ROOT)}


def _sim(tmp_path: Path, cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=_env(tmp_path), timeout=300)


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the folder (hidden ones too) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _refused(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A working folder with a scenario and some of the user's own files."""
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "scenario.toml").write_text(f'extends = "{BASELINE}"\nname = "mine"\n')
    (work / "notes.txt").write_text("my notes\n")
    (work / "sub" / "notes.txt").write_text("more notes\n")
    (work / ".hidden").write_text("secret\n")
    return work


def test_out_dot_force_is_refused_and_touches_nothing(tmp_path: Path, work: Path) -> None:
    before = _snapshot(work)
    proc = _sim(tmp_path, work, "run", "scenario.toml", "--runs", "3", "--out", ".", "--force",
                "--no-figures")
    _refused(proc, "--out .: --force would delete the current folder", "notes.txt",
             "--force only replaces an empty folder or one that sim wrote")
    assert _snapshot(work) == before


def test_out_user_folder_force_is_refused(tmp_path: Path, work: Path) -> None:
    before = _snapshot(work)
    for command in (["run", "scenario.toml", "--runs", "3"],
                    ["sweep", "scenario.toml", "--set", "world.trust=0.1,0.2", "--runs", "2"],
                    ["compare", "scenario.toml", "scenario.toml", "--runs", "2"]):
        proc = _sim(tmp_path, work, *command, "--out", "sub", "--force", "--no-figures")
        _refused(proc, "--out sub: --force would delete sub, a folder sim did not write",
                 "notes.txt")
        assert _snapshot(work) == before


def test_out_holding_the_scenario_is_refused(tmp_path: Path, work: Path) -> None:
    (work / "sub" / "manifest.json").write_text('{"made_by": "peacesim", "kind": "run"}')
    (work / "sub" / "s.toml").write_text(f'extends = "{BASELINE}"\nname = "x"\n')
    before = _snapshot(work)
    proc = _sim(tmp_path, work, "run", "sub/s.toml", "--runs", "3", "--out", "sub", "--force",
                "--no-figures")
    _refused(proc, "holds the input sub/s.toml")
    assert _snapshot(work) == before


@pytest.mark.slow
def test_force_replaces_a_results_folder(tmp_path: Path, work: Path) -> None:
    out = work / "results" / "mine"
    first = _sim(tmp_path, work, "run", "scenario.toml", "--runs", "3", "--out", out,
                 "--no-figures", "--quiet")
    assert first.returncode == 0, first.stderr
    assert json.loads((out / "manifest.json").read_text())["made_by"] == "peacesim"
    again = _sim(tmp_path, work, "run", "scenario.toml", "--runs", "4", "--out", out,
                 "--no-figures", "--quiet")
    _refused(again, "add --force")
    second = _sim(tmp_path, work, "run", "scenario.toml", "--runs", "4", "--out", out,
                  "--force", "--no-figures", "--quiet")
    assert second.returncode == 0, second.stderr
    assert read(out)[0].runs == 4
    assert {p.name for p in out.iterdir()} == FILES
    assert [p.name for p in out.parent.iterdir()] == ["mine"]  # no hidden sibling left


def test_hostile_name_runs_inside_results(tmp_path: Path, work: Path) -> None:
    (work / "scenario.toml").write_text(f'extends = "{BASELINE}"\nname = "../../../x\\n"\n')
    proc = _sim(tmp_path, work, "run", "scenario.toml", "--runs", "2", "--no-figures",
                "--quiet")
    assert proc.returncode == 0, proc.stderr
    made = [p for p in (work / "results").rglob("manifest.json")]
    assert [p.parent.parent.name for p in made] == ["x"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "work"]


# --- kill -9 during a --force replacement -----------------------------------------------------

_WRAPPER = """
import pathlib, sys, time
import sim.runs.replacing
marker, step = pathlib.Path(sys.argv[1]), sys.argv[2]
def pause(*args, **kwargs):
    marker.write_text("paused")
    time.sleep(120)
setattr(sim.runs.replacing, step, pause)
sys.argv = ["sim", *sys.argv[3:]]
from sim.cli import main
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize(("step", "left"), [("replace", "old"), ("discard", "new")])
def test_kill_during_force_replacement(tmp_path: Path, work: Path, step: str,
                                       left: str) -> None:
    """Paused just before the swap, the old folder is whole; just after it (the old one not
    yet deleted), the new one is. The next run cleans up the hidden sibling left behind."""
    out = work / "out"
    first = _sim(tmp_path, work, "run", "scenario.toml", "--runs", "3", "--out", out,
                 "--no-figures", "--quiet", "--executor", "serial")
    assert first.returncode == 0, first.stderr
    old = _snapshot(out)
    marker = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, str(marker), step, "run", "scenario.toml", "--runs",
         "5", "--out", str(out), "--force", "--no-figures", "--quiet", "--executor", "serial"],
        cwd=work, env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not marker.exists():
            assert proc.poll() is None, "the run ended before the replacement"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    if left == "old":
        assert _snapshot(out) == old
    else:
        assert {p.name for p in out.iterdir()} == FILES
        assert read(out)[0].runs == 5
    stray = [p.name for p in work.iterdir() if p.name.startswith(".out.peacesim-")]
    assert len(stray) == 1 and stray[0].endswith(".tmp")  # recognisably sim's
    again = _sim(tmp_path, work, "run", "scenario.toml", "--runs", "2", "--out", out,
                 "--force", "--no-figures", "--quiet", "--executor", "serial")
    assert again.returncode == 0, again.stderr
    assert read(out)[0].runs == 2
    assert not [p.name for p in work.iterdir() if p.name.startswith(".out.")]


def test_validate_and_calibrate_keep_the_folder_of_the_observed_data(tmp_path: Path,
                                                                     work: Path) -> None:
    data = work / "fit" / "observed.csv"
    data.parent.mkdir()
    data.write_text((ROOT / "data" / "nk2023_arrivals_early.csv").read_text())
    (work / "fit" / "manifest.json").write_text('{"made_by": "peacesim", "kind": "validation"}')
    (work / "h.toml").write_text(f'extends = "{ROOT / "scenarios" / "historical_2023.toml"}"\n')
    before = _snapshot(work)
    for command in (["validate", "h.toml", "--runs", "5"],
                    ["calibrate", "h.toml", "--params", "outflow.corridor_capacity_per_hour",
                     "--runs", "20"]):
        proc = _sim(tmp_path, work, *command, "--observed", "fit/observed.csv", "--out", "fit",
                    "--force")
        _refused(proc, "--force would delete fit, which holds the input fit/observed.csv")
        proc = _sim(tmp_path, work, *command, "--observed", "fit/observed.csv", "--out", "fit")
        _refused(proc, "it holds an input of this command")
        assert _snapshot(work) == before
