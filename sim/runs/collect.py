"""Chunks of one ensemble arriving in any order, put in replication order (or counted)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.outcomes import SERIES
from sim.runs.quantiles import Histograms
from sim.runs.table import OutcomeTable


class Collector:
    """The outcomes of each chunk, and either every series (full) or their histograms; the
    series of a full run are placed as they come, so they are held once."""

    def __init__(self, times: int, runs: int, mode: str) -> None:
        self.runs = runs
        self.rows: dict[int, OutcomeTable] = {}
        self.histograms = Histograms(SERIES, times) if mode == "quantiles" else None
        self.series = {} if self.histograms else {
            name: np.empty((runs, times), dtype=np.float32) for name in SERIES}

    def add(self, start: int, rows: OutcomeTable, data: Mapping[str, np.ndarray]) -> None:
        """One chunk: its series (full) or its packed histograms (quantiles)."""
        self.rows[start] = rows
        if self.histograms:
            self.histograms.merge(Histograms.unpack(SERIES, data))
        else:
            for name in SERIES:
                self.series[name][start:start + len(rows)] = data[name]

    def table(self) -> OutcomeTable:
        """Every chunk's outcomes joined, each chunk's columns let go as they are joined."""
        rows = OutcomeTable.concat([self.rows.pop(start) for start in sorted(self.rows)],
                                   release=True)
        if len(rows) != self.runs:
            raise RuntimeError(f"collected {len(rows)} replications of {self.runs}")
        return rows


def chunk_data(series: dict[str, np.ndarray], mode: str) -> dict[str, np.ndarray]:
    """What a chunk sends back and saves: its series (full) or their packed histograms."""
    if mode != "quantiles":
        return series
    counted = Histograms(SERIES, next(iter(series.values())).shape[1])
    counted.add(series)
    return counted.pack()

