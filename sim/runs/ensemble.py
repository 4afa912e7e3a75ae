"""Run many replications in chunks: in this process, on a local process pool, or on Dask."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.replication import run_replication
from sim.outcomes import SERIES
from sim.runs import executors
from sim.runs.collect import Collector, chunk_data
from sim.runs.executors import EXECUTORS
from sim.runs.quantiles import LEVELS
from sim.runs.table import OutcomeTable
from sim.scenario.load import Scenario
from sim.scenario.workload import chunks, record_times

if TYPE_CHECKING:
    import pandas as pd

    from sim.runs.checkpoint import Checkpoint

#: full: every replication's series, (runs, T) each; quantiles: per-time quantiles only.
SERIES_MODES = ("full", "quantiles")
#: The quantiles of a fan chart: median, middle 50% and middle 90%.
FAN = (0.05, 0.25, 0.5, 0.75, 0.95)


class QuantilesOnly(Mapping[str, np.ndarray]):
    """The `series` of an ensemble run with `--series quantiles`: asking for one says why not."""

    def __getitem__(self, name: str) -> np.ndarray:
        from sim.errors import ResultsError

        raise ResultsError(f"series {name!r}: this ensemble kept only per-time quantiles "
                           "(sim run --series quantiles); this needs every replication's series: "
                           "run it again with --series full")

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


@dataclass(frozen=True)
class Ensemble:
    """Outcomes (one row per replication) and series of one scenario: every replication's
    (`series`, runs x times, float32), or only per-time quantiles (`quantiles`, levels x times);
    `folder`: the results folder it was written to or read from, if any."""

    scenario: Scenario
    seed: int
    time_days: np.ndarray
    rows: OutcomeTable
    series: Mapping[str, np.ndarray]
    quantiles: dict[str, np.ndarray] = field(default_factory=dict)
    levels: tuple[float, ...] = ()
    folder: Path | None = None

    @property
    def runs(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        kept = "quantiles of the series" if self.quantiles else "every series"
        where = f", folder {str(self.folder)!r}" if self.folder else ""
        return (f"<Ensemble {self.scenario.name!r}: {self.runs} runs, seed {self.seed}, "
                f"{kept}{where}>")

    def column(self, name: str) -> list[Any]:
        return self.rows.column(name)

    def fan(self, name: str, levels: tuple[float, ...] = FAN) -> np.ndarray:
        """Quantiles of a series across replications at each time, shape (levels, times)."""
        if not self.quantiles:
            return np.quantile(self.series[name], levels, axis=0)
        missing = [q for q in levels if q not in self.levels]
        if missing:
            raise ValueError(f"quantiles {missing} were not kept (kept: {list(self.levels)})")
        return self.quantiles[name][[self.levels.index(q) for q in levels]]

    def to_pandas(self) -> pd.DataFrame:
        """Outcomes and drawn parameters, one row per replication (needs pandas)."""
        from sim.runs.frames import outcomes_frame

        return outcomes_frame(self.rows)

    def series_frame(self) -> pd.DataFrame:
        """The series as a long frame: one row per replication (or kept quantile) and record
        time, with the calendar time and one column per series (needs pandas)."""
        from sim.runs.frames import series_frame

        return series_frame(self.time_days, self.scenario.params.start, self.series,
                            self.quantiles, self.levels)


def run_chunk(scenario: Scenario, seed: int, start: int, count: int,
              series: str = "full") -> tuple[OutcomeTable, dict[str, np.ndarray]]:
    """Replications start .. start+count-1; each rebuilds its own streams from (seed, index).
    With `series="quantiles"` the chunk gives its series' histograms, packed, instead."""
    times = record_times(scenario.params)
    rows: list[dict[str, Any]] = []
    arrays = {name: np.empty((count, times.size), dtype=np.float32) for name in SERIES}
    for i in range(count):
        rep = run_replication(scenario, start + i, seed)
        rows.append({"replication": start + i, **rep.outcomes,
                     **{f"param.{k}": v for k, v in rep.parameters.items()}})
        for name in SERIES:
            arrays[name][i] = rep.series[name]
    return OutcomeTable.from_rows(rows), chunk_data(arrays, series)


@dataclass(frozen=True)
class Job:
    """One ensemble of a batch that shares a pool: its scenario, runs, seed and checkpoint."""

    scenario: Scenario
    runs: int
    seed: int
    checkpoint: Checkpoint | None = None


def run_ensemble(scenario: Scenario, runs: int, seed: int, executor: str = "local",
                 workers: int | None = None, progress: Callable[[int], None] | None = None, *,
                 series: str = "full", chunk_size: int | None = None,
                 checkpoint: Checkpoint | None = None, scheduler: str | None = None,
                 scheduler_timeout: float = executors.SCHEDULER_TIMEOUT) -> Ensemble:
    """Run `runs` replications; the result is the same whatever the executor and workers.

    With a checkpoint, chunks saved there (and matching its journal) are read instead of run,
    and each chunk is saved as soon as it is done. `series="quantiles"` keeps memory flat as
    runs grow."""
    return run_ensembles([Job(scenario, runs, seed, checkpoint)], executor, workers, progress,
                         series=series, chunk_size=chunk_size, scheduler=scheduler,
                         scheduler_timeout=scheduler_timeout)[0]


def run_ensembles(jobs: Sequence[Job], executor: str = "local", workers: int | None = None,
                  progress: Callable[[int], None] | None = None, *, series: str = "full",
                  chunk_size: int | None = None, scheduler: str | None = None,
                  scheduler_timeout: float = executors.SCHEDULER_TIMEOUT) -> list[Ensemble]:
    """Several ensembles on one pool (started once, kept busy from the first chunk to the
    last); each is the ensemble `run_ensemble` would give alone."""
    if any(job.runs < 1 for job in jobs):
        raise ValueError("runs must be at least 1")
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if series not in SERIES_MODES:
        raise ValueError(f"unknown series mode {series!r}; choose one of {', '.join(SERIES_MODES)}")
    workers = workers or os.cpu_count() or 1
    collectors = [Collector(record_times(job.scenario.params).size, job.runs, series)
                  for job in jobs]
    identities = [{"seed": job.seed, "scenario_sha256": job.scenario.digest(), "series": series}
                  if job.checkpoint else {} for job in jobs]
    tasks: list[tuple[int, executors.Task]] = []
    for i, job in enumerate(jobs):
        pieces = chunks(job.runs, workers, chunk_size, series)
        saved: set[tuple[int, int]] = set()
        if job.checkpoint:
            for (start, count), chunk in job.checkpoint.restore(pieces, identities[i]):
                collectors[i].add(start, *chunk)
                saved.add((start, count))
                if progress:
                    progress(count)
        tasks += [(i, (job.scenario, job.seed, start, count, series))
                  for start, count in pieces if (start, count) not in saved]
    for k, (rows, data) in _execute(executor, [task for _, task in tasks], workers,
                                    scheduler, scheduler_timeout):
        i, (_, _, start, count, _) = tasks[k]
        cp = jobs[i].checkpoint
        if cp:
            cp.save(start, count, rows, data, identities[i])
        collectors[i].add(start, rows, data)
        if progress:
            progress(count)
    return [_ensemble(job, collect) for job, collect in zip(jobs, collectors, strict=True)]


def _execute(executor: str, tasks: list[executors.Task], workers: int,
             scheduler: str | None, timeout: float) -> Iterator[tuple[int, executors.Chunk]]:
    if not tasks:
        return iter(())
    if executor == "dask":
        return executors.dask(run_chunk, tasks, workers, scheduler, timeout)
    if executor == "serial" or workers == 1 or len(tasks) == 1:
        return executors.serial(run_chunk, tasks)
    return executors.local(run_chunk, tasks, workers)


def _ensemble(job: Job, collect: Collector) -> Ensemble:
    times = record_times(job.scenario.params)
    rows = collect.table()
    if collect.histograms:
        quantiles = collect.histograms.quantiles(LEVELS)
        collect.histograms = None
        return Ensemble(job.scenario, job.seed, times, rows, QuantilesOnly(), quantiles, LEVELS)
    return Ensemble(job.scenario, job.seed, times, rows, collect.series)
