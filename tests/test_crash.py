"""Crashes: kill -9 or SIGTERM of `sim run` at several moments leaves no half results folder and
no worker behind, and --resume gives the bytes of an uninterrupted run; a tampered checkpoint
(a chunk of another run, of another replication range, cut short) is found and run again."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from sim.runs import checkpoint, chunkfile
from sim.scenario import load

from conftest import cli, ok, same_bytes

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
RUNS, CHUNK = "300", "50"  # six chunks on two workers: a kill lands between the first and last
ARGS = ["--runs", RUNS, "--chunk-size", CHUNK, "--no-figures", "-q"]
pytestmark = pytest.mark.slow  # processes killed and resumed: seconds each


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted run (bytes do not depend on the executor)."""
    out = tmp_path_factory.mktemp("ref") / "ref"
    ok(cli("run", BASELINE, "--seed", "11", "--out", out, "--executor", "serial", *ARGS))
    return out


def _marked(mark: str) -> list[int]:
    """Live processes started by a test: they inherit its unique environment variable."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if f"SIM_CRASH_TEST={mark}".encode() in environ and state != "Z":
            found.append(int(pid))
    return found


class Run:
    """`python -c CODE` or `python -m sim run ...` in a subprocess, marked, killed at the end."""

    def __init__(self, out: Path, code: str | None = None, executor: str = "local") -> None:
        self.mark = uuid.uuid4().hex
        command = ["-c", code, "run"] if code else ["-m", "sim", "run"]
        self.proc = subprocess.Popen(
            [sys.executable, *command, str(BASELINE), "--seed", "11", "--out", str(out),
             "--workers", "2", "--executor", executor, *ARGS], cwd=out.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, start_new_session=True,
            env={**os.environ, "SIM_CRASH_TEST": self.mark})

    def wait_for(self, ready: Callable[[], bool], seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while not ready():
            assert self.proc.poll() is None, self.proc.communicate()
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.02)

    def stop(self, sig: int) -> str:
        os.kill(self.proc.pid, sig)
        _, err = self.proc.communicate(timeout=60)
        return err

    def no_workers_left(self, seconds: float = 5) -> bool:
        deadline = time.monotonic() + seconds
        while _marked(self.mark) and time.monotonic() < deadline:
            time.sleep(0.1)
        return not _marked(self.mark)

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        for pid in _marked(self.mark):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


def _saved(out: Path) -> int:
    folder = checkpoint.partial_folder(out)
    return checkpoint.Checkpoint(folder).saved_runs() if folder.is_dir() else 0


def _resumed_is_whole(out: Path, reference: Path, hidden_ok: bool = False) -> None:
    """Resumed, the run gives the reference's bytes and leaves nothing else behind (but the
    hidden folder of a results folder being written when the process was killed)."""
    ok(cli("run", "--resume", out, "--workers", "2", "--no-figures", "-q"))
    same_bytes(reference, out)
    assert not checkpoint.partial_folder(out).exists()
    left = [p.name for p in out.parent.iterdir() if p != out]
    assert all(name.startswith(f".{out.name}.") for name in left) if hidden_ok else not left


def test_kill_9_during_the_run(reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "killed"
    with Run(out) as run:
        run.wait_for(lambda: _saved(out) >= 50)
        run.stop(signal.SIGKILL)
        assert run.no_workers_left()
    assert not out.exists()
    assert 0 < _saved(out) < int(RUNS)
    _resumed_is_whole(out, reference)


def test_kill_9_of_a_run_on_a_dask_local_cluster(reference: Path, tmp_path: Path) -> None:
    """Dask's nannies and workers notice their parent is gone, as the pool's workers do."""
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    with Run(out, executor="dask") as run:
        run.wait_for(lambda: _saved(out) >= 50)
        run.stop(signal.SIGKILL)
        assert run.no_workers_left()
    _resumed_is_whole(out, reference)


def test_sigterm_is_ctrl_c(reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "terminated"
    with Run(out) as run:
        run.wait_for(lambda: _saved(out) >= 50)
        err = run.stop(signal.SIGTERM)
        assert run.proc.returncode == 143
        assert run.no_workers_left()
    assert "Traceback" not in err
    assert "Terminated:" in err and f"Continue the run with: sim run --resume {out}" in err
    assert not out.exists()
    _resumed_is_whole(out, reference)


#: The run, with the writing of series.npz stalled until the test kills it.
STALLED_WRITE = """
import pathlib, sys, time
import sim.runs.folder
def stalled(path, *args, **kwargs):
    pathlib.Path(path).write_bytes(b"half a file")
    pathlib.Path({marker!r}).write_text("writing")
    time.sleep(300)
sim.runs.folder.write_series = stalled
from sim.cli import main
sys.argv = ["sim", *sys.argv[1:]]
main()
"""


def test_kill_9_while_writing_the_results_folder(reference: Path, tmp_path: Path) -> None:
    out, marker = tmp_path / "writing", tmp_path.parent / f"{tmp_path.name}.marker"
    with Run(out, code=STALLED_WRITE.format(marker=str(marker))) as run:
        run.wait_for(marker.exists)
        run.stop(signal.SIGKILL)
        assert run.no_workers_left()
    assert not out.exists()  # never half a results folder
    assert _saved(out) == int(RUNS)
    _resumed_is_whole(out, reference, hidden_ok=True)


def _interrupted(out: Path, seed: str, monkeypatch: pytest.MonkeyPatch, chunks: int = 3) -> Path:
    """A run into `out` stopped (as by Ctrl-C) once `chunks` chunks are saved; its partial
    folder."""
    save, saved = checkpoint.Checkpoint.save, []

    def save_then_stop(self: checkpoint.Checkpoint, *args: object, **kwargs: object) -> None:
        save(self, *args, **kwargs)  # type: ignore[arg-type]
        saved.append(1)
        if len(saved) == chunks:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(checkpoint.Checkpoint, "save", save_then_stop)
        result = cli("run", BASELINE, "--seed", seed, "--out", out, "--executor", "serial", *ARGS)
    assert result.exit_code == 130, result.output
    return checkpoint.partial_folder(out)


@pytest.fixture(scope="module")
def partials(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Partial folders of the reference run (seed 11) and of another seed, 150 of 300 saved."""
    folder = tmp_path_factory.mktemp("partials")
    with pytest.MonkeyPatch.context() as patch:
        return {seed: _interrupted(folder / f"seed{seed}", seed, patch) for seed in ("11", "12")}


def _chunk(partial: Path, start: int) -> Path:
    return partial / "chunks" / chunkfile.name(start, int(CHUNK))


def _swap(mine: Path, other: Path) -> None:
    shutil.copyfile(_chunk(other, 50), _chunk(mine, 50))


def _zero_over_hundred(mine: Path, other: Path) -> None:
    os.replace(_chunk(mine, 0), _chunk(mine, 100))
    shutil.copyfile(_chunk(mine, 100), _chunk(mine, 0))  # chunk 0 itself stays right


def _truncated(mine: Path, other: Path) -> None:
    path = _chunk(mine, 50)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _folder(mine: Path, other: Path) -> None:
    _chunk(mine, 50).unlink()
    (_chunk(mine, 50) / "x").mkdir(parents=True)


def _unjournaled(mine: Path, other: Path) -> None:
    journal = mine / chunkfile.JOURNAL
    lines = journal.read_text().splitlines(keepends=True)
    journal.write_text("".join(line for line in lines if chunkfile.name(50, 50) not in line))


def _journaled_copy(mine: Path, other: Path) -> None:
    """Another seed's chunk with its journal line: the checksum matches, what it says does not."""
    _swap(mine, other)
    lines = (other / chunkfile.JOURNAL).read_text().splitlines(keepends=True)
    with (mine / chunkfile.JOURNAL).open("a") as f:
        f.write(next(line for line in lines if chunkfile.name(50, 50) in line))


@pytest.mark.parametrize(("tamper", "start", "reason"), [
    (_swap, 50, "checksum"), (_zero_over_hundred, 100, "checksum"), (_truncated, 50, "checksum"),
    (_folder, 50, "not a file"), (_unjournaled, 50, "no journal entry"),
    (_journaled_copy, 50, "it says another seed")])
def test_a_tampered_chunk_is_run_again(tamper: Callable[[Path, Path], None], start: int,
                                       reason: str, partials: dict[str, Path], reference: Path,
                                       tmp_path: Path) -> None:
    out = tmp_path / "seed11"
    mine = checkpoint.partial_folder(out)
    shutil.copytree(partials["11"], mine)
    tamper(mine, partials["12"])
    result = ok(cli("run", "--resume", out, "--executor", "serial", "--no-figures", "-q"))
    said = [line for line in result.stderr.splitlines() if "did not match" in line]
    assert said == [f"chunk {start}-{start + 49} did not match its journal ({reason}); "
                    "running it again"]
    same_bytes(reference, out)


@pytest.mark.parametrize(("damage", "problem"), [
    (lambda f: f.unlink(), "is missing"), (lambda f: f.write_text("{ half"), "cannot be read"),
    (lambda f: f.write_text('{"seed": "11"}'), "has no valid scenario_sha256"),
    (lambda f: f.write_text(f.read_text().replace('"runs": 300', '"runs": true')),
     "has no valid runs"),
    (lambda f: (f.unlink(), f.mkdir()), "cannot be read")])
def test_a_damaged_run_json_says_how_to_start_again(damage: Callable[[Path], None],
                                                    problem: str, partials: dict[str, Path],
                                                    tmp_path: Path) -> None:
    out = tmp_path / "seed11"
    mine = checkpoint.partial_folder(out)
    shutil.copytree(partials["11"], mine)
    damage(mine / "run.json")
    result = cli("run", "--resume", out)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert problem in result.stderr and f"--out {out} --force" in result.stderr
    assert not out.exists()


def test_a_chunk_says_what_it_is(partials: dict[str, Path]) -> None:
    with np.load(_chunk(partials["12"], 100)) as npz:
        meta = json.loads(npz["meta_json"].tobytes())
    assert meta == {"format": chunkfile.FORMAT, "start": 100, "count": 50, "seed": 12,
                    "scenario_sha256": load(BASELINE).digest(), "series": "full"}
