"""One run from a scenario to its results folder: the checkpoint's life, resume, Ctrl-C, SIGTERM
and a full disk, the same for `sim run` and for `sim.run` in a notebook (no click here)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sim.errors import ResultsError, RunFailed, RunInterrupted, ScenarioError
from sim.runs import checkpoint
from sim.runs import folder as results
from sim.runs.checkpoint import Checkpoint
from sim.runs.ensemble import Ensemble, chunks, run_ensemble
from sim.runs.executors import SCHEDULER_TIMEOUT, ExecutorError, address, patience
from sim.runs.interrupts import Terminated, is_full, kept, no_space, sigterm_as_ctrl_c, stopped
from sim.runs.outpaths import default_out
from sim.scenario import workload
from sim.scenario.load import Scenario, load

#: Given the total of replications to come, a context that yields the function told each time
#: some are done (a progress bar, or nothing).
Progress = Callable[[int], AbstractContextManager[Callable[[int], Any]]]
#: Given an ensemble, what draws its figures into a folder.
Figures = Callable[[Ensemble], Callable[[Path], None]]


@contextlib.contextmanager
def silent(total: int) -> Iterator[Callable[[int], Any]]:
    """No progress shown."""
    yield lambda done: None


def say(progress: Progress, doing: str) -> None:
    """Tell what happens once the bar is full ("drawing figures..."), so seconds of work after
    it are not silence; only a progress with a `say` (the command's bar) shows it."""
    tell = getattr(progress, "say", None)
    if tell is not None:
        tell(doing)


def saying(progress: Progress, doing: str, then: Callable[[Path], object] | None
           ) -> Callable[[Path], None] | None:
    """`then` (figures drawn into a folder), telling first that it is being done."""
    if then is None:
        return None

    def tell_then(folder: Path) -> None:
        say(progress, doing)
        then(folder)

    return tell_then


def scenario_inputs(sc: Scenario) -> list[Path]:
    """The files a scenario was read from (the file, those it extends, posterior CSVs): a
    results folder may not replace a folder holding them."""
    posteriors = {d.args[0] for d in sc.distributions.values() if d.form == "posterior"}
    return [Path(f) for f in (*sc.files, *sorted(posteriors))]


def as_scenario(scenario: Scenario | str | os.PathLike[str]) -> Scenario:
    """A loaded scenario as it is; a path (str or Path) loaded."""
    return scenario if isinstance(scenario, Scenario) else load(Path(scenario))


def run(scenario: Scenario | Path | None, runs: int | None, seed: int | None, *,
        about: Mapping[str, Any], executor: str = "local", workers: int | None = None,
        scheduler: str | None = None, scheduler_timeout: float = SCHEDULER_TIMEOUT,
        series: str | None = None, chunk_size: int | None = None, out: Path | bool | None = None,
        resume: Path | None = None, force: bool = False, figures: Figures | None = None,
        progress: Progress = silent) -> Ensemble:
    """Run a scenario; with `out` (True: the default folder) or `resume`, write its results
    folder, saving chunks as they finish so an interrupted run can be resumed.

    `about` is the manifest's header (made_by, kind, command, version, created). Raises
    ScenarioError or ResultsError for bad input, RunInterrupted after Ctrl-C or SIGTERM and
    RunFailed when a worker dies; both say what is saved and how to go on. A scheduler that
    does not answer or has no worker within `scheduler_timeout` seconds is a SchedulerError
    (an OptionError), and the run leaves nothing behind."""
    executor = "dask" if address(scheduler) else executor
    scheduler_timeout = patience(scheduler_timeout)
    version = about["version"]
    cp: Checkpoint | None = None
    if resume is not None:
        if out not in (None, True, False) and out != resume:
            raise ResultsError("give resume=DIR or out=DIR, not both")
        out = resume
        cp = checkpoint.resume(out, {"seed": seed, "runs": runs, "version": version})
        sc = checkpoint.resume_scenario(cp, scenario if isinstance(scenario, Path) else None)
        runs, seed, chunk_size = cp.info["runs"], cp.info["seed"], cp.info["chunk_size"]
        series = series or cp.info["series"]
    elif scenario is None:
        raise ScenarioError("give a scenario file to run (or resume a folder)")
    else:
        sc = as_scenario(scenario)
    runs = runs or sc.params.runs
    seed = sc.params.seed if seed is None else seed
    series = series or "full"
    workload.check_work([(sc, runs)], series, workers, chunk_size, quantiles_option=True)
    if out is None or out is False:
        with progress(runs) as tick:
            return run_ensemble(sc, runs, seed, executor=executor, workers=workers,
                                progress=tick, series=series, chunk_size=chunk_size,
                                scheduler=scheduler, scheduler_timeout=scheduler_timeout)
    if out is True:
        out = default_out("run", sc.name)
    assert isinstance(out, Path)
    inputs = scenario_inputs(sc)
    results.check_target(out, force, inputs)
    chunk_size = chunks(runs, workers or os.cpu_count() or 1, chunk_size, series)[0][1]
    if cp is None:
        try:
            cp = checkpoint.create(out, {"scenario": sc.name, "scenario_sha256": sc.digest(),
                                         "seed": seed, "runs": runs, "version": version,
                                         "chunk_size": chunk_size, "series": series}, sc,
                                   force=force)
        except OSError as err:
            if not is_full(err):
                raise
            raise ResultsError(f"{no_space(err, out)}; nothing was saved; free space and run "
                               "the command again") from None
    began = time.perf_counter()
    try:
        with sigterm_as_ctrl_c():
            with progress(runs) as tick:
                ens = run_ensemble(sc, runs, seed, executor=executor, workers=workers,
                                   progress=tick, series=series, chunk_size=chunk_size,
                                   checkpoint=cp, scheduler=scheduler,
                                   scheduler_timeout=scheduler_timeout)
            manifest = {**about, "scenario": sc.name, "seed": seed, "runs": runs,
                        "scenario_sha256": sc.digest(), "executor": executor,
                        "workers": None if scheduler else workers or os.cpu_count(),
                        "scheduler": scheduler,
                        "series": series, "chunk_size": chunk_size, "resumed": bool(resume),
                        "wall_time_seconds": round(time.perf_counter() - began, 3)}
            say(progress, "writing the results folder...")
            try:
                results.write(ens, out, manifest,
                              saying(progress, "drawing figures...",
                                     figures(ens) if figures else None),
                              force=force, inputs=inputs)
            except OSError as err:
                if is_full(err):
                    err.filename = str(out)  # the hidden folder it was writing is gone
                raise
    except KeyboardInterrupt as err:
        code, why = (143, "Terminated") if isinstance(err, Terminated) else (130, "Interrupted")
        raise RunInterrupted("\n" + stopped(cp, out, runs, why), code) from None
    except ExecutorError as err:
        raise RunFailed(f"error: {err}\n" + stopped(cp, out, runs, "Stopped"), 1) from None
    except OSError as err:
        if not is_full(err):
            _drop_if_empty(cp)
            raise
        raise ResultsError(f"{no_space(err, out)}; {kept(cp, out, runs)}") from None
    except BaseException:
        _drop_if_empty(cp)
        raise
    cp.remove()
    return dataclasses.replace(ens, folder=out)


def _drop_if_empty(cp: Checkpoint) -> None:
    if not cp.completed():
        cp.remove()  # nothing worth resuming
