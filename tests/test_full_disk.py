"""A full disk: one line that says where, what is saved and how to go on; no temporary files
left; and once there is room, --resume gives the bytes of an uninterrupted run."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from sim.runs import checkpoint, chunkfile
from sim.runs import folder as results
from sim.runs.interrupts import device

from conftest import cli, ok, same_bytes

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
ARGS = ["--runs", "200", "--chunk-size", "50", "--seed", "3", "--executor", "serial",
        "--no-figures", "-q"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "ref"
    ok(cli("run", BASELINE, "--out", out, *ARGS))
    return out


def _full(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    line: str = result.stderr.strip()
    assert line.startswith("error: no space left on ")
    return line


def _only(out: Path, *names: str) -> None:
    """Nothing is left next to the results folder but `names` (no hidden temporary folder)."""
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(names)


def test_a_full_disk_while_saving_a_chunk(reference: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "x"
    write, calls = chunkfile.write, []

    def third_is_full(folder: Path, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) < 3:
            return write(folder, *args, **kwargs)
        fsync = os.fsync
        monkeypatch.setattr(os, "fsync", _full)  # the chunk's bytes do not fit
        try:
            return write(folder, *args, **kwargs)
        finally:
            monkeypatch.setattr(os, "fsync", fsync)

    monkeypatch.setattr(chunkfile, "write", third_is_full)
    line = _one_error_line(cli("run", BASELINE, "--out", out, *ARGS))
    partial = checkpoint.partial_folder(out)
    chunk = partial / "chunks" / chunkfile.name(100, 50)
    assert line == (f"error: no space left on {device(chunk)} while writing {chunk}; 100 of 200 "
                    f"replications are saved in {partial}; free space and run sim run --resume "
                    f"{out}")
    assert sorted(p.name for p in (partial / "chunks").iterdir()) == [
        chunkfile.name(0, 50), chunkfile.name(50, 50)]  # no .tmp.npz left
    _only(out, partial.name)
    monkeypatch.undo()
    ok(cli("run", "--resume", out, "--no-figures", "-q"))
    same_bytes(reference, out)
    _only(out, out.name)


def test_a_full_disk_while_writing_the_results_folder(reference: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "x"

    def half_then_full(path: Path, *args: Any, **kwargs: Any) -> None:
        path.write_bytes(b"half a file")
        _full()

    monkeypatch.setattr(results, "write_series", half_then_full)
    line = _one_error_line(cli("run", BASELINE, "--out", out, *ARGS))
    partial = checkpoint.partial_folder(out)
    assert f"while writing {out}; 200 of 200 replications are saved in {partial}" in line
    assert line.endswith(f"free space and run sim run --resume {out}")
    _only(out, partial.name)  # the hidden results folder is gone
    monkeypatch.undo()
    ok(cli("run", "--resume", out, "--no-figures", "-q"))
    same_bytes(reference, out)


def test_a_full_disk_before_any_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "x"
    monkeypatch.setattr(chunkfile, "write", _full)
    line = _one_error_line(cli("run", BASELINE, "--out", out, *ARGS))
    assert line.endswith("no replication was saved; free space and run the command again")
    _only(out)


def test_a_full_disk_while_starting_the_checkpoint(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "x"
    monkeypatch.setattr("sim.runs.checkpoint.save_scenario", _full)
    line = _one_error_line(cli("run", BASELINE, "--out", out, *ARGS))
    assert line.endswith("nothing was saved; free space and run the command again")
    _only(out)
