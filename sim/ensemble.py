"""Run many replications: in this process (serial) or on a local process pool."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model import SERIES, record_times, run_replication
from sim.scenario import Scenario

EXECUTORS = ("serial", "local")
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Ensemble:
    """Outcomes (one row per replication) and series (runs x times, float32) of one scenario."""

    scenario: Scenario
    seed: int
    time_days: np.ndarray
    rows: Rows
    series: dict[str, np.ndarray]

    @property
    def runs(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        return [row.get(name) for row in self.rows]


def run_chunk(scenario: Scenario, seed: int, start: int, count: int) -> tuple[Rows, dict]:
    """Replications start .. start+count-1; each rebuilds its own streams from (seed, index)."""
    times = record_times(scenario.params)
    rows: Rows = []
    series = {name: np.empty((count, times.size), dtype=np.float32) for name in SERIES}
    for i in range(count):
        rep = run_replication(scenario, start + i, seed)
        rows.append({"replication": start + i, **rep.outcomes,
                     **{f"param.{k}": v for k, v in rep.parameters.items()}})
        for name in SERIES:
            series[name][i] = rep.series[name]
    return rows, series


def chunks(runs: int, workers: int) -> list[tuple[int, int]]:
    """(start, count) pieces: at least 50 replications each, a few per worker."""
    size = max(50, min(1000, math.ceil(runs / (4 * workers))))
    return [(s, min(size, runs - s)) for s in range(0, runs, size)]


def run_ensemble(scenario: Scenario, runs: int, seed: int, executor: str = "local",
                 workers: int | None = None,
                 progress: Callable[[int], None] | None = None) -> Ensemble:
    """Run `runs` replications; the result is the same whatever the executor and workers."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    workers = workers or os.cpu_count() or 1
    pieces = chunks(runs, workers)
    if executor == "serial" or workers == 1 or len(pieces) == 1:
        results: Iterator[tuple[Rows, dict]] = (run_chunk(scenario, seed, s, c) for s, c in pieces)
        return _collect(scenario, seed, pieces, results, progress)
    if executor != "local":
        raise ValueError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_chunk, scenario, seed, s, c) for s, c in pieces]
        return _collect(scenario, seed, pieces, (f.result() for f in futures), progress)


def _collect(scenario: Scenario, seed: int, pieces: list[tuple[int, int]],
             results: Iterator[tuple[Rows, dict]],
             progress: Callable[[int], None] | None) -> Ensemble:
    rows: Rows = []
    parts: dict[str, list[np.ndarray]] = {name: [] for name in SERIES}
    for (_, count), (chunk_rows, chunk_series) in zip(pieces, results, strict=True):
        rows.extend(chunk_rows)
        for name in SERIES:
            parts[name].append(chunk_series[name])
        if progress:
            progress(count)
    series = {name: np.concatenate(parts[name]) for name in SERIES}
    return Ensemble(scenario, seed, record_times(scenario.params), rows, series)
