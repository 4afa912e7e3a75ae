"""Completed chunks of a run, kept in a hidden folder next to its results until the run ends.

While `sim run` works on `results/x/`, each finished chunk of replications is saved as
`results/.x.partial/chunks/<start>-<count>.npz` and its sha256 appended to `journal.jsonl`, with
`run.json` (what is being run) and the resolved `scenario.toml` (with copies of its posterior
files). The results folder itself appears only when the run is complete. After Ctrl-C, SIGTERM,
a killed process or a dead worker, `sim run --resume results/x` checks every saved chunk against
the journal and against the run, runs the missing (or mismatching) chunks only, and the results
are the same as those of an uninterrupted run."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import ResultsError
from sim.runs import chunkfile
from sim.runs.interrupts import is_full, no_space
from sim.runs.table import OutcomeTable
from sim.scenario.load import Scenario, ScenarioError, load
from sim.scenario.save import save_scenario

#: What must match for a resumed run to give the results of an uninterrupted one.
IDENTITY = ("scenario_sha256", "seed", "runs", "version")
#: Chunks that did not match, said one line each; more are counted in one line.
MAX_SAID = 10


class CheckpointError(ResultsError):
    """A partial run that cannot be resumed (or would be overwritten), said for people."""


def partial_folder(out: Path) -> Path:
    """Where the completed chunks of a run into `out` are kept."""
    return out.parent / f".{out.name}.partial"


@dataclass(frozen=True)
class Checkpoint:
    """The partial folder of one run."""

    folder: Path

    @property
    def info(self) -> dict[str, Any]:
        """The run.json of the partial run: scenario hash, seed, runs, chunk size, ..."""
        info: dict[str, Any] = json.loads((self.folder / "run.json").read_text())
        return info

    def completed(self) -> list[tuple[int, int]]:
        """(start, count) of every chunk saved whole (in place, and in the journal)."""
        done, sums = [], chunkfile.journal(self.folder)
        for path in (self.folder / "chunks").glob("*.npz"):
            start, _, count = path.stem.partition("-")
            if start.isdigit() and count.isdigit() and path.name in sums:
                done.append((int(start), int(count)))
        return sorted(done)

    def saved_runs(self) -> int:
        return sum(count for _, count in self.completed())

    def save(self, start: int, count: int, rows: OutcomeTable, series: dict[str, np.ndarray],
             about: dict[str, Any]) -> None:
        """Write one chunk, whole or not at all; `about` says which run it belongs to."""
        chunkfile.write(self.folder, start, count, (rows, series), about)

    def restore(self, pieces: list[tuple[int, int]],
                identity: dict[str, Any]) -> Iterator[tuple[tuple[int, int], chunkfile.Chunk]]:
        """The saved chunks of `pieces` that match their journal and `identity`; any other file
        in their place is removed and said on stderr, and its chunk will be run again."""
        folder, sums, bad = self.folder / "chunks", chunkfile.journal(self.folder), 0
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            folder.unlink()
        folder.mkdir(exist_ok=True)
        for path in folder.glob(".*.tmp.npz"):  # a chunk being written when the run stopped
            path.unlink(missing_ok=True)
        for start, count in pieces:
            path = folder / chunkfile.name(start, count)
            if not path.exists() and not path.is_symlink():
                continue
            try:
                yield (start, count), chunkfile.read(path, start, count, identity, sums)
                continue
            except chunkfile.Mismatch as why:
                reason = str(why)
            bad += 1
            if bad <= MAX_SAID:
                _say(f"chunk {start}-{start + count - 1} did not match its journal ({reason}); "
                     "running it again")
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        if bad > MAX_SAID:
            _say(f"{bad - MAX_SAID} more chunks did not match their journal; running them again")

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


#: What only a partial folder of sim holds: --force replaces a folder with one of these.
MARKS = ("run.json", "journal.jsonl", "chunks")


def create(out: Path, info: dict[str, Any], scenario: Scenario,
           force: bool = False) -> Checkpoint:
    """A fresh partial folder for a run into `out`; an interrupted run's is replaced only with
    `force`, and never while its process is still running."""
    folder = partial_folder(out)
    if folder.exists() or folder.is_symlink():
        _refuse_if_running(folder, out)
        if not force:
            raise CheckpointError(
                f"--out {out}: an interrupted run into this folder is saved in {folder}; "
                f"continue it with `sim run --resume {out}`, or add --force to start again")
        if folder.is_symlink() or not any((folder / name).exists() for name in MARKS):
            raise CheckpointError(f"--out {out}: {folder} is in the way and is not an "
                                  "interrupted run of sim (no run.json); move it away")
        shutil.rmtree(folder)
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}")
    try:
        (tmp / "chunks").mkdir(parents=True)
        save_scenario(scenario, tmp)
        owner = {"pid": os.getpid(), "host": socket.gethostname()}
        (tmp / "run.json").write_text(json.dumps({**info, **owner}, indent=1) + "\n")
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Checkpoint(folder)


def _refuse_if_running(folder: Path, out: Path) -> None:
    """Two runs into one folder would mix their chunks."""
    try:
        owner = json.loads((folder / "run.json").read_text())
        pid = int(owner["pid"])
        if owner["host"] != socket.gethostname() or pid == os.getpid():
            return
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError):
        return  # no such process (or an unreadable run.json): nobody is running it
    raise CheckpointError(f"{out}: another sim run (process {pid}) is writing to it now; wait "
                          f"for it to finish, or stop it and resume with `sim run --resume {out}`")


def resume(out: Path, wanted: dict[str, Any]) -> Checkpoint:
    """The interrupted run into `out`, if what it runs matches `wanted` (keys of IDENTITY;
    None means: whatever the interrupted run had)."""
    folder = partial_folder(out)
    if folder.is_symlink():  # the chunks there are not this folder's to rerun or remove
        raise CheckpointError(f"--resume {out}: {folder} is a symbolic link, not the folder "
                              f"an interrupted run saves; start again with `sim run SCENARIO "
                              f"--out {out} --force`")
    if not folder.is_dir():
        done = " (it is complete)" if (out / "manifest.json").is_file() else ""
        raise CheckpointError(f"--resume {out}: no interrupted run to resume{done}: "
                              f"{folder} does not exist")
    _refuse_if_running(folder, out)
    cp = Checkpoint(folder)
    info = _valid_info(folder, out)
    if info.get("kind", "run") != "run":  # a design's points are not one run's chunks
        raise CheckpointError(f"--resume {out}: {folder} holds an interrupted sim "
                              f"{info['kind']}; run that command again to continue it")
    for key in IDENTITY:
        if wanted.get(key) is not None and wanted[key] != info.get(key):
            raise CheckpointError(
                f"--resume {out}: the interrupted run used {_shown(key, info.get(key))}, not "
                f"{_shown(key, wanted[key])}; resume it with the same, or delete {folder} to "
                "start again")
    if info.get("pid") != os.getpid():  # this process carries the run on now
        tmp = folder / f"run.json.{os.getpid()}"
        try:
            tmp.write_text(json.dumps({**info, "pid": os.getpid(),
                                       "host": socket.gethostname()}, indent=1) + "\n")
            os.replace(tmp, folder / "run.json")
        except OSError as err:
            tmp.unlink(missing_ok=True)
            what = (f"{no_space(err, tmp)}; free space and run sim run --resume {out}"
                    if is_full(err) else f"cannot write {tmp}: {err.strerror}")
            raise CheckpointError(f"--resume {out}: {what}") from None
    return cp


#: The keys of run.json that a resumed run reads, and what each must be.
RUN_JSON = {"scenario_sha256": str, "version": str, "seed": int, "runs": int,
            "chunk_size": int, "series": str}


def _valid_info(folder: Path, out: Path) -> dict[str, Any]:
    """run.json of an interrupted run, or a message that says how to start again."""
    problem = ""
    try:
        info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        problem = "is missing" if isinstance(err, FileNotFoundError) else "cannot be read"
    else:
        wrong = [k for k, kind in RUN_JSON.items() if not isinstance(info, dict)
                 or not isinstance(info.get(k), kind) or isinstance(info.get(k), bool)]
        if not wrong and (info["seed"] < 0 or info["runs"] < 1 or info["chunk_size"] < 1
                          or info["series"] not in ("full", "quantiles")):
            wrong = ["seed, runs, chunk_size or series"]
        problem = f"has no valid {', '.join(wrong)}" if wrong else ""
    if problem:
        raise CheckpointError(f"--resume {out}: {folder / 'run.json'} {problem}, so the saved "
                              "chunks cannot be used; start again with `sim run SCENARIO --out "
                              f"{out} --force`")
    return dict(info)


def resume_scenario(cp: Checkpoint, scenario_file: Path | None) -> Scenario:
    """The scenario of an interrupted run: the file given (it must be the same), or its copy."""
    saved = cp.folder / "scenario.toml"
    try:
        sc = load(scenario_file if scenario_file is not None else saved)
    except ScenarioError as err:
        if scenario_file is not None:
            raise
        raise CheckpointError(f"{saved} cannot be used ({err}); give the scenario file to "
                              "resume with, or start again with --force") from None
    had = cp.info.get("scenario_sha256")
    if sc.digest() == had:
        return sc
    if scenario_file is None:
        raise CheckpointError(f"{saved} does not match the run it was saved with; give the "
                              "scenario file to resume with")
    raise CheckpointError(
        f"--resume {cp.folder}: the interrupted run used {_shown('scenario_sha256', had)}, not "
        f"{_shown('scenario_sha256', sc.digest())}; resume it with the same, or delete "
        f"{cp.folder} to start again")


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _shown(key: str, value: Any) -> str:
    if key == "scenario_sha256":
        return f"a scenario with sha256 {str(value)[:12]}..."
    return f"peacesim {value}" if key == "version" else f"--{key} {value}"
