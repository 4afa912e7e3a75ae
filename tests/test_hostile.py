"""The hostile-input corpus: every case in tests/hostile/ is refused in one clean line, within
time and memory limits, and leaves the working folder exactly as it was (see its README)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "hostile").glob("*.toml"))
DEFAULT_COMMANDS = [["check", "{scenario}"], ["run", "{scenario}", "--runs", "5"]]
CPU_SECONDS = 60
MEMORY_BYTES = 3 << 30  # numpy, scipy and matplotlib import well under this
WALL_SECONDS = 120
#: Files planted in the working folder: they must survive every command, byte for byte.
SENTINELS = {".sentinel": b"keep me\n", "precious/data.csv": b"a,b\n1,2\n",
             "results/keep.txt": b"an earlier result\n"}


def _limits() -> None:
    """In the child, before exec: bound its CPU time and address space."""
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _filled(value: Any) -> Any:
    """{root} replaced by the repository's root in every string of the case."""
    if isinstance(value, str):
        return value.replace("{root}", str(ROOT))
    if isinstance(value, list):
        return [_filled(v) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v) for k, v in value.items()}
    return value


def _plant(case: dict[str, Any], work: Path) -> None:
    """The case's scenario, files, generated big files and symlinks, and the sentinels."""
    files: dict[str, str | bytes] = {**SENTINELS, **case.get("files", {})}
    if "scenario" in case:
        files["scenario.toml"] = case["scenario"]
    for name, big in case.get("big", {}).items():
        files[name] = big.get("header", "") + big.get("line", "") * int(big.get("repeat", 1))
    for name, text in files.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    for name, target in case.get("links", {}).items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, work / name)


def _snapshot(folder: Path) -> dict[str, Any]:
    """Every entry under the folder (symlinks not followed): its bytes, target or `folder`."""
    out: dict[str, Any] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                out[key] = ("link", os.readlink(path))
            elif path.is_dir():
                out[key] = "folder"
            else:
                out[key] = path.read_bytes()
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case_file", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_refused_cleanly(case_file: Path, tmp_path: Path) -> None:
    case = _filled(tomllib.loads(case_file.read_text()))
    expect = case["expect"]
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    _plant(case, work)
    before = _snapshot(work)
    env = {**os.environ, "HOME": str(home), "MPLCONFIGDIR": str(home / ".mpl"),
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for command in case.get("commands", DEFAULT_COMMANDS):
        args = [a.replace("{scenario}", "scenario.toml") for a in command]
        proc = subprocess.run([sys.executable, "-m", "sim", *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=WALL_SECONDS,
                              preexec_fn=_limits)
        shown = f"sim {' '.join(args)}\nexit {proc.returncode}\nstderr: {proc.stderr[-2000:]}"
        assert proc.returncode == 2, shown
        assert "Traceback" not in proc.stdout + proc.stderr, shown
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), shown
        assert expect in lines[0], f"{expect!r} not in the message\n{shown}"
        assert _snapshot(work) == before, f"the working folder changed\n{shown}"
