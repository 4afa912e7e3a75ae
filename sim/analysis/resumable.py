"""The checkpoint of a `sim sensitivity`, so a long design interrupted is resumed, not rerun.

It is the checkpoint of `sim run` (sim/runs/checkpoint.py) for a whole design: the hidden
`.<folder>.partial/` with `run.json` (what is being run, with the method, the parameters'
ranges and the design's hash) and the scenario, and under `points/<i>/` each design point's
chunks and journal, as `sim run` saves its own. Running the same command into the same folder
again reads the saved chunks and runs the rest; the results are the bytes of an uninterrupted
run. Another command on that checkpoint is refused, saying what differs."""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sim.errors import ResultsError, RunFailed, RunInterrupted
from sim.runs import checkpoint
from sim.runs.checkpoint import Checkpoint, CheckpointError
from sim.runs.executors import ExecutorError
from sim.runs.interrupts import Terminated, is_full, no_space, sigterm_as_ctrl_c
from sim.scenario.load import Scenario
from sim.text import printable

#: What must match for the saved chunks to give the results of an uninterrupted run.
IDENTITY = ("kind", "scenario_sha256", "seed", "runs", "version", "method", "samples",
            "parameters", "design_sha256")
#: Each of those as a person would name it in the refusal.
SHOWN = {"scenario_sha256": "a scenario with sha256 {:.12}...",
         "seed": "--seed {}", "runs": "--runs-per-point {}", "version": "peacesim {}",
         "method": "--method {}", "samples": "--samples {}",
         "parameters": "other parameters or ranges ({})", "design_sha256": "another design"}


def point(cp: Checkpoint, i: int) -> Checkpoint:
    """Design point `i`'s chunks, saved as `sim run` saves a run's."""
    folder = cp.folder / "points" / f"{i:06d}"
    folder.mkdir(parents=True, exist_ok=True)
    return Checkpoint(folder)


def saved_runs(cp: Checkpoint) -> int:
    """Replications saved whole, over every design point."""
    points = cp.folder / "points"
    return sum(Checkpoint(p).saved_runs() for p in points.iterdir()) if points.is_dir() else 0


def _differs(info: dict[str, Any], wanted: dict[str, Any]) -> str:
    for key in IDENTITY[1:]:
        had, want = info.get(key), wanted[key]
        if had != want:
            if key == "parameters":
                try:
                    had, want = (", ".join(f"{n}={a:g}:{b:g}" for n, a, b in v)
                                 for v in (had or (), want))
                except (TypeError, ValueError):
                    had = "?"
            return f"used {SHOWN[key].format(str(had))}, not {SHOWN[key].format(str(want))}"
    return ""


def open_checkpoint(out: Path, info: dict[str, Any], scenario: Scenario,
                    force: bool) -> tuple[Checkpoint, bool]:
    """The checkpoint of this design into `out`, and whether it resumes an interrupted one
    (a partial folder of another command is refused; `force` starts again)."""
    folder = checkpoint.partial_folder(out)
    wanted = json.loads(json.dumps(info))  # as run.json will read back
    if force or not (folder.exists() or folder.is_symlink()):
        return checkpoint.create(out, info, scenario, force=force), False
    if folder.is_symlink() or not folder.is_dir():
        raise CheckpointError(f"--out {printable(out)}: {printable(folder)} is in the way and "
                              "is not an interrupted run of sim; move it away")
    cp = Checkpoint(folder)
    try:
        had = cp.info
    except (OSError, ValueError):
        had = None
    checkpoint._refuse_if_running(folder, out)
    if not isinstance(had, dict):
        differs = "has no readable run.json, so its chunks cannot be used"
    elif had.get("kind", "run") != "sensitivity":
        differs = f"holds an interrupted sim {had.get('kind', 'run')}, not a sim sensitivity"
    else:
        differs = _differs(had, wanted)
    if differs:
        raise CheckpointError(
            f"--out {printable(out)}: an interrupted run into this folder, saved in "
            f"{printable(folder)}, {differs}; run that command again to continue it, "
            "or add --force to start again")
    tmp = folder / f"run.json.{os.getpid()}"  # this process carries the design on now
    tmp.write_text(json.dumps({**(had or {}), "pid": os.getpid(), "host": socket.gethostname()},
                              indent=1) + "\n")
    os.replace(tmp, folder / "run.json")
    return cp, True


@contextlib.contextmanager
def guarded(cp: Checkpoint, out: Path, runs: int) -> Iterator[None]:
    """Run the block with SIGTERM as Ctrl-C; stopped early, say what is saved and how to go
    on (RunInterrupted, RunFailed); done, remove the checkpoint."""
    def stopped(why: str) -> str:
        done = saved_runs(cp)
        if not done:
            cp.remove()
            return f"{why} before any replication was finished; nothing was written"
        return (f"{why}: {done:,} of {runs:,} replications are saved in "
                f"{printable(cp.folder)}\nContinue with the same command and --out "
                f"{printable(out)} (add --force to start again)")

    try:
        with sigterm_as_ctrl_c():
            yield
    except KeyboardInterrupt as err:
        code, why = (143, "Terminated") if isinstance(err, Terminated) else (130, "Interrupted")
        raise RunInterrupted("\n" + stopped(why), code) from None
    except ExecutorError as err:
        raise RunFailed(f"error: {err}\n" + stopped("Stopped"), 1) from None
    except OSError as err:
        if not is_full(err):
            _drop_if_empty(cp)
            raise
        raise ResultsError(f"{no_space(err, out)}; " + stopped("stopped")) from None
    except BaseException:
        _drop_if_empty(cp)
        raise
    cp.remove()


def _drop_if_empty(cp: Checkpoint) -> None:
    if not saved_runs(cp):
        cp.remove()  # nothing worth resuming
