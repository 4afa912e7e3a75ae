"""An interrupted `sim sensitivity` (Ctrl-C, SIGTERM) keeps its finished design points, the same
command resumes to the bytes of an uninterrupted run, and another command on it is refused."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_sensitivity import PARAMS, small

import sim
from sim.errors import ResultsError, RunInterrupted
from sim.runs.checkpoint import partial_folder

from conftest import cli

#: Two trajectories over two parameters: six design points of four runs each.
OPTIONS = {"method": "morris", "params": PARAMS, "samples": 2, "runs_per_point": 4, "seed": 9,
           "workers": 1, "figures": False}
SAME = ("indices.csv", "noise.csv", "outcomes.csv", "series.npz", "summary.json")


def stop_after(runs: int) -> Callable[[int], contextlib.AbstractContextManager[Any]]:
    """A progress that presses Ctrl-C once `runs` replications are done (0: at once)."""
    @contextlib.contextmanager
    def bar(total: int) -> Iterator[Callable[[int], None]]:
        done = [0]
        if not runs:
            raise KeyboardInterrupt

        def tick(count: int) -> None:
            done[0] += count
            if done[0] >= runs:
                raise KeyboardInterrupt

        yield tick

    return bar


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "ref"
    sim.sensitivity(small(), **OPTIONS, out=out, progress=False)
    return out


def interrupted(out: Path, runs: int = 8) -> None:
    with pytest.raises(RunInterrupted) as stop:
        sim.sensitivity(small(), **OPTIONS, out=out, progress=stop_after(runs))
    assert stop.value.code == 130
    assert f"Interrupted: {runs} of 24 replications are saved in" in stop.value.message
    assert f"Continue with the same command and --out {out}" in stop.value.message
    assert not out.exists() and partial_folder(out).is_dir()


def same(a: Path, b: Path) -> None:
    for name in SAME:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_ctrl_c_after_two_points_then_the_same_call_resumes_to_the_same_bytes(
        reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "gsa"
    interrupted(out)
    ticks: list[int] = []

    @contextlib.contextmanager
    def counting(total: int) -> Iterator[Callable[[int], None]]:
        yield ticks.append

    sim.sensitivity(small(), **OPTIONS, out=out, progress=counting)
    same(reference, out)
    assert sum(ticks) == 24  # the saved points counted as done, not run again
    assert json.loads((out / "manifest.json").read_text())["resumed"] is True
    assert json.loads((reference / "manifest.json").read_text())["resumed"] is False
    assert not partial_folder(out).exists()


def test_ctrl_c_before_any_point_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "gsa"
    with pytest.raises(RunInterrupted, match="before any replication was finished"):
        sim.sensitivity(small(), **OPTIONS, out=out, progress=stop_after(0))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("change", "said"), [
    ({"seed": 10}, "used --seed 9, not --seed 10"),
    ({"runs_per_point": 5}, "used --runs-per-point 4, not --runs-per-point 5"),
    ({"method": "sobol", "samples": 2}, "used --method morris, not --method sobol"),
    ({"params": PARAMS[::-1]}, "used other parameters or ranges (outflow.corridor"),
    ({"samples": 3}, "used --samples 2, not --samples 3"),
])
def test_another_command_on_the_checkpoint_is_refused(change: dict[str, Any], said: str,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "gsa"
    interrupted(out)
    saved = sorted(p.name for p in partial_folder(out).rglob("*"))
    with pytest.raises(ResultsError, match=re.escape(said)) as refused:
        sim.sensitivity(small(), **{**OPTIONS, **change}, out=out, progress=False)
    assert "run that command again to continue it, or add --force" in str(refused.value)
    assert sorted(p.name for p in partial_folder(out).rglob("*")) == saved  # kept as it was


def test_a_checkpoint_of_sim_run_or_an_unreadable_one_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "mixed"
    with pytest.raises(RunInterrupted):
        sim.run(small(), runs=8, seed=9, workers=1, out=out, chunk_size=4, figures=False,
                progress=stop_after(4))
    with pytest.raises(ResultsError, match="holds an interrupted sim run, not a sim sensitivity"):
        sim.sensitivity(small(), **OPTIONS, out=out, progress=False)
    (partial_folder(out) / "run.json").write_text("{not json")
    with pytest.raises(ResultsError, match=r"has no readable run\.json.*add --force"):
        sim.sensitivity(small(), **OPTIONS, out=out, progress=False)
    assert not out.exists()


def test_the_command_refuses_clearly_and_force_starts_again(reference: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "gsa"
    interrupted(out)
    args = ["sensitivity", str(Path(small().source)), "--params", ",".join(PARAMS),
            "--samples", "2", "--runs-per-point", "4", "--workers", "1", "--out", str(out)]
    result = cli(*args, "--seed", "9")  # the baseline itself, not the 2-day one: refused
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "a scenario with sha256" in result.stderr and "--force" in result.stderr
    other = cli("run", "--resume", out)
    assert other.exit_code == 2 and "holds an interrupted sim sensitivity" in other.stderr
    sim.sensitivity(small(), **OPTIONS, out=out, progress=False, force=True)
    same(reference, out)
    assert json.loads((out / "manifest.json").read_text())["resumed"] is False


@pytest.fixture(scope="module")
def command(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path]:
    """The command on the 2-day baseline, and its uninterrupted folder."""
    folder = tmp_path_factory.mktemp("cmd")
    scenario = folder / "short.toml"
    scenario.write_text(f'extends = "{small().source}"\nhorizon_days = 2\n')
    args = [sys.executable, "-m", "sim", "sensitivity", str(scenario), "--params",
            ",".join(PARAMS), "--samples", "6", "--runs-per-point", "4", "--seed", "9",
            "--workers", "1", "--no-figures", "-q"]
    subprocess.run([*args, "--out", str(folder / "ref")], check=True, capture_output=True)
    return args, folder / "ref"


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGKILL, -9)])
def test_a_stopped_or_killed_command_then_the_same_command_gives_the_same_bytes(
        command: tuple[list[str], Path], sig: int, code: int, tmp_path: Path) -> None:
    """The command in its own process, stopped by SIGTERM (or killed, as by a crash) once
    some design points are saved."""
    args, ref = command
    out = tmp_path / "gsa"
    proc = subprocess.Popen([*args, "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    points = partial_folder(out) / "points"
    deadline = time.monotonic() + 120
    while not (points.is_dir() and len(list(points.glob("*/journal.jsonl"))) >= 3):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    if sig == signal.SIGTERM:
        assert "Terminated: " in err and "Continue with the same command" in err
    assert not out.exists()
    subprocess.run([*args, "--out", str(out)], check=True, capture_output=True)
    same(ref, out)
