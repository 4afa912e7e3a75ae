"""How a run stops early and says so: Ctrl-C, SIGTERM (handled as Ctrl-C), a full disk."""

from __future__ import annotations

import errno
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Protocol

from sim.text import printable

#: The errors of a disk with no room left (or of a user over quota).
FULL = (errno.ENOSPC, errno.EDQUOT)


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as after Ctrl-C, keeping what is saved."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """While the block runs, SIGTERM stops it as Ctrl-C would (only the main thread can)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def is_full(err: OSError) -> bool:
    return err.errno in FULL


def device(path: Path) -> str:
    """The file system a path is on, as people know it: its device and where it is mounted."""
    mount = Path(os.path.abspath(path))
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as f:
            devices = [line.split()[0] for line in f if line.split()[1:2] == [str(mount)]]
    except OSError:
        devices = []
    return f"{devices[-1]} (mounted on {mount})" if devices else str(mount)


def no_space(err: OSError, default: Path) -> str:
    """`no space left on DEVICE while writing PATH` (or the quota), for the one error line."""
    path = Path(err.filename) if err.filename else default
    what = "no space left" if err.errno == errno.ENOSPC else "disk quota exceeded"
    return f"{what} on {printable(device(path))} while writing {printable(path)}"


class Saved(Protocol):
    """What these messages read of a run's checkpoint (sim.runs.checkpoint.Checkpoint)."""

    @property
    def folder(self) -> Path: ...

    def completed(self) -> list[tuple[int, int]]: ...

    def saved_runs(self) -> int: ...

    def remove(self) -> None: ...


def kept(cp: Saved, out: Path, runs: int) -> str:
    """What is saved of a run that cannot go on, and how to go on (an empty checkpoint is
    removed: there is nothing to resume)."""
    if not cp.completed():
        cp.remove()
        return "no replication was saved; free space and run the command again"
    return (f"{cp.saved_runs():,} of {runs:,} replications are saved in "
            f"{printable(cp.folder)}; free space and run sim run --resume {printable(out)}")


def stopped(cp: Saved, out: Path, runs: int, why: str) -> str:
    """What to tell people when a run stops early, and how to go on (a partial folder with
    nothing in it is removed: there is nothing to resume)."""
    if not cp.completed():
        cp.remove()
        return f"{why} before any replication was finished; nothing was written"
    return (f"{why}: {cp.saved_runs():,} of {runs:,} replications are saved in "
            f"{printable(cp.folder)}\nContinue the run with: sim run --resume {printable(out)}")
