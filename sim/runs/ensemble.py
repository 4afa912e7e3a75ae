"""Run many replications in chunks: in this process, on a local process pool, or on Dask."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.replication import run_replication
from sim.outcomes import SERIES
from sim.runs import executors
from sim.runs.executors import EXECUTORS
from sim.runs.quantiles import LEVELS, Histograms
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


def run_chunk(scenario: Scenario, seed: int, start: int,
              count: int) -> tuple[OutcomeTable, dict[str, np.ndarray]]:
    """Replications start .. start+count-1; each rebuilds its own streams from (seed, index)."""
    times = record_times(scenario.params)
    rows: list[dict[str, Any]] = []
    series = {name: np.empty((count, times.size), dtype=np.float32) for name in SERIES}
    for i in range(count):
        rep = run_replication(scenario, start + i, seed)
        rows.append({"replication": start + i, **rep.outcomes,
                     **{f"param.{k}": v for k, v in rep.parameters.items()}})
        for name in SERIES:
            series[name][i] = rep.series[name]
    return OutcomeTable.from_rows(rows), series


def run_ensemble(scenario: Scenario, runs: int, seed: int, executor: str = "local",
                 workers: int | None = None, progress: Callable[[int], None] | None = None, *,
                 series: str = "full", chunk_size: int | None = None,
                 checkpoint: Checkpoint | None = None,
                 scheduler: str | None = None) -> Ensemble:
    """Run `runs` replications; the result is the same whatever the executor and workers.

    With a checkpoint, chunks saved there (and matching its journal) are read instead of run,
    and each chunk is saved as soon as it is done. `series="quantiles"` keeps memory flat as
    runs grow."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if series not in SERIES_MODES:
        raise ValueError(f"unknown series mode {series!r}; choose one of {', '.join(SERIES_MODES)}")
    workers = workers or os.cpu_count() or 1
    pieces = chunks(runs, workers, chunk_size)
    collect = _Collector(scenario, seed, runs, series)
    saved: set[tuple[int, int]] = set()
    identity = {"seed": seed, "scenario_sha256": scenario.digest()} if checkpoint else {}
    if checkpoint:
        for (start, count), chunk in checkpoint.restore(pieces, identity):
            collect.add(start, *chunk)
            saved.add((start, count))
            if progress:
                progress(count)
    todo = [piece for piece in pieces if piece not in saved]
    for (start, count), (rows, arrays) in _execute(executor, scenario, seed, todo, workers,
                                                   scheduler):
        if checkpoint:
            checkpoint.save(start, count, rows, arrays, {**identity, "series": series})
        collect.add(start, rows, arrays)
        if progress:
            progress(count)
    return collect.ensemble()


def _execute(executor: str, scenario: Scenario, seed: int, pieces: list[tuple[int, int]],
             workers: int, scheduler: str | None) -> Iterator[tuple[tuple[int, int], Any]]:
    if not pieces:
        return iter(())
    if executor == "dask":
        return executors.dask(run_chunk, scenario, seed, pieces, workers, scheduler)
    if executor == "serial" or workers == 1 or len(pieces) == 1:
        return executors.serial(run_chunk, scenario, seed, pieces)
    return executors.local(run_chunk, scenario, seed, pieces, workers)


class _Collector:
    """Chunks arriving in any order, put in replication order (or counted, for quantiles)."""

    def __init__(self, scenario: Scenario, seed: int, runs: int, mode: str) -> None:
        self.scenario, self.seed, self.runs = scenario, seed, runs
        self.times = record_times(scenario.params)
        self.rows: dict[int, OutcomeTable] = {}
        self.histograms = Histograms(SERIES, self.times.size) if mode == "quantiles" else None
        self.series = {} if self.histograms else {
            name: np.empty((runs, self.times.size), dtype=np.float32) for name in SERIES}

    def add(self, start: int, rows: OutcomeTable, series: dict[str, np.ndarray]) -> None:
        self.rows[start] = rows
        if self.histograms:
            self.histograms.add(series)
        else:
            for name in SERIES:
                self.series[name][start:start + len(rows)] = series[name]

    def ensemble(self) -> Ensemble:
        rows = OutcomeTable.concat([self.rows[start] for start in sorted(self.rows)])
        if len(rows) != self.runs:
            raise RuntimeError(f"collected {len(rows)} replications of {self.runs}")
        if self.histograms:
            return Ensemble(self.scenario, self.seed, self.times, rows, QuantilesOnly(),
                            self.histograms.quantiles(LEVELS), LEVELS)
        return Ensemble(self.scenario, self.seed, self.times, rows, self.series)
