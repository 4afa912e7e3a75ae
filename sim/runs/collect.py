"""Chunks of one ensemble arriving in any order, put in replication order (or counted)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.outcomes import SERIES
from sim.runs.quantiles import Histograms
from sim.runs.table import Filling, OutcomeTable


class Collector:
    """The outcomes of each chunk, and either every series (full) or their histograms; the
    outcomes and the series of a full run are placed as they come, so they are held once."""

    def __init__(self, times: int, runs: int, mode: str) -> None:
        self.runs = runs
        self.rows = Filling(runs)
        self.histograms = Histograms(SERIES, times) if mode == "quantiles" else None
        self.series = {} if self.histograms else {
            name: np.empty((runs, times), dtype=np.float32) for name in SERIES}

    def add(self, start: int, rows: OutcomeTable, data: Mapping[str, np.ndarray]) -> None:
        """One chunk: its series (full) or its packed histograms (quantiles)."""
        self.rows.put(start, rows)
        if self.histograms:
            self.histograms.merge(Histograms.unpack(SERIES, data))
        else:
            for name in SERIES:
                self.series[name][start:start + len(rows)] = data[name]

    def table(self) -> OutcomeTable:
        """Every chunk's outcomes, in replication order."""
        return self.rows.table()


def chunk_data(series: dict[str, np.ndarray], mode: str) -> dict[str, np.ndarray]:
    """What a chunk sends back and saves: its series (full) or their packed histograms."""
    if mode != "quantiles":
        return series
    counted = Histograms(SERIES, next(iter(series.values())).shape[1])
    counted.add(series)
    return counted.pack()

