"""What every function of the API (sim/__init__.py) shares: its numbers checked as the command
checks them, the manifest's header, the output folder and the progress bar; the version."""

from __future__ import annotations

import contextlib
import operator
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.errors import OptionError
from sim.model.observation import OBSERVED_SERIES
from sim.outcomes import SERIES
from sim.runs import job
from sim.runs.job import Progress
from sim.runs.outpaths import MADE_BY
from sim.scenario import limits

__version__ = "0.1.0"

PathLike = str | os.PathLike[str]
#: `out`: a folder (str or Path), True for the folder `sim` would choose, None to write nothing.
Out = PathLike | bool | None


#: The API function that makes each kind of folder.
_FUNCTIONS = {"run": "run", "compare": "compare", "sweep": "sweep", "validation": "validate",
              "calibration": "calibrate", "sensitivity": "sensitivity", "discover": "discover",
              "backtest": "backtest"}


def _about(kind: str, command: str | None) -> dict[str, Any]:
    """The header of a folder's manifest.json; `made_by` lets a later --force know the folder
    is sim's to replace."""
    return {"made_by": MADE_BY, "kind": kind,
            "command": command or f"sim.{_FUNCTIONS[kind]}(...) in Python",
            "version": __version__, "created": datetime.now(UTC).isoformat(timespec="seconds")}


def _out(out: Out) -> Path | bool | None:
    return out if out is None or isinstance(out, bool) else Path(out)


def _options(**given: int | None) -> list[Any]:
    """Numbers the command's options refuse are refused here in the same words; whole numbers
    of any kind (numpy's too) come back as int."""
    found: list[Any] = []
    for name, value in given.items():
        low = 0 if name == "seed" else 1
        high = limits.MAX_RUNS if "runs" in name else 4 * (os.cpu_count() or 1) \
            if name == "workers" else None
        try:
            number = None if value is None or isinstance(value, bool) else operator.index(value)
        except TypeError:
            number = None
        if value is not None and (number is None or number < low
                                  or (high is not None and number > high)):
            most = f" and at most {high:,}" if high is not None else ""
            raise OptionError(f"{name}={value!r}: give a whole number at least {low}{most}")
        found.append(number)
    return found


def _series(series: str) -> None:
    if series not in SERIES + OBSERVED_SERIES:
        raise OptionError(f"series {series!r}: choose one of "
                          f"{', '.join(SERIES + OBSERVED_SERIES)}")


def _fitting(series: str, keep: float, generations: int) -> None:
    """The series, share kept and generations of a calibration, refused as the command does."""
    _series(series)
    if not 0 < keep <= 1 or not 0 <= generations <= limits.MAX_GENERATIONS:
        raise OptionError(f"keep {keep!r}, generations {generations!r}: keep is a share in "
                          f"(0, 1], generations a whole number 0 to {limits.MAX_GENERATIONS}")


def _params(params: str | Sequence[str]) -> list[str]:
    """Dotted paths, as a list or comma-separated."""
    return params.split(",") if isinstance(params, str) else list(params)


def _progress(progress: bool | Progress) -> Progress:
    """True: a bar that suits a notebook or a terminal (tqdm.auto); False: nothing."""
    if progress is True:
        return _bar
    return job.silent if progress is False else progress


class _Bar:
    """tqdm.auto's bar (a notebook's or a terminal's), then each step after it, on stderr."""

    @contextlib.contextmanager
    def __call__(self, total: int) -> Iterator[Callable[[int], Any]]:
        from tqdm.auto import tqdm

        with tqdm(total=total, unit="run") as bar:
            yield bar.update

    def say(self, doing: str) -> None:
        print(doing, file=sys.stderr, flush=True)


_bar = _Bar()
