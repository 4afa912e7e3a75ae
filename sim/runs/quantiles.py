"""Per-time quantiles of an ensemble's series in memory that does not grow with the runs.

`sim run --series quantiles` keeps, for each series and record time, a histogram of fixed
width instead of every replication's value. Shares (tension, trust, hunger) use 2,048 bins on
0-1; counts (people, incidents, issues) use bins one unit wide, doubled in width whenever a
value would not fit, so small counts stay exact. A quantile is read off the histogram with the
same interpolation as `numpy.quantile` ("linear"); it is within one bin width of the exact one,
and exact at the minimum and maximum (kept apart).
Adding chunks in any order gives the same counts, hence the same quantiles on any executor; a
chunk's histograms travel and wait on disk packed (`pack`: the bins that are not empty), and
histograms of separate chunks merge (`merge`) into the counts that adding the chunks one after
another would have made."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

#: Quantile levels kept per series and time (0 and 1 are the minimum and maximum).
LEVELS = (0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0)
BINS = 2048
SHARES = frozenset({"tension", "trust", "hunger"})


class Histograms:
    """Counts per (record time, bin) of each series, added one chunk of replications at a time."""

    def __init__(self, names: Iterable[str], times: int) -> None:
        self.counts = {name: np.zeros((times, BINS), dtype=np.int64) for name in names}
        self.width = {name: 1 / BINS if name in SHARES else 1.0 for name in self.counts}
        self.low = {name: np.full(times, np.inf) for name in self.counts}
        self.high = {name: np.full(times, -np.inf) for name in self.counts}
        self.runs = 0

    def add(self, series: Mapping[str, np.ndarray]) -> None:
        """Count one chunk: arrays of shape (replications, times)."""
        for name, counts in self.counts.items():
            values = np.asarray(series[name], dtype=float)
            while name not in SHARES and values.max(initial=0) >= BINS * self.width[name]:
                self._coarsen(name)
            index = np.clip((values / self.width[name]).astype(np.int64), 0, BINS - 1)
            index += np.arange(values.shape[1]) * BINS
            counts += np.bincount(index.ravel(), minlength=counts.size).reshape(counts.shape)
            np.minimum(self.low[name], values.min(axis=0), out=self.low[name])
            np.maximum(self.high[name], values.max(axis=0), out=self.high[name])
        self.runs += len(next(iter(series.values())))

    def merge(self, other: Histograms) -> None:
        """Add the counts of other chunks (the same series and times), kept at either width."""
        for name, counts in self.counts.items():
            while self.width[name] < other.width[name]:
                self._coarsen(name)
            while other.width[name] < self.width[name]:
                other._coarsen(name)
            counts += other.counts[name]
            np.minimum(self.low[name], other.low[name], out=self.low[name])
            np.maximum(self.high[name], other.high[name], out=self.high[name])
        self.runs += other.runs

    def pack(self) -> dict[str, np.ndarray]:
        """The counts as arrays a file or a pipe carries cheaply: per series the gaps between
        bins that are not empty (in the flattened times x bins grid) and their counts, in the
        narrowest unsigned type that holds them, with the bin width and the extremes."""
        out = {"runs": np.array([self.runs], dtype=np.int64)}
        for name, counts in self.counts.items():
            flat = counts.ravel()
            cells = np.flatnonzero(flat)
            out[f"{name}.gaps"] = _narrow(np.diff(cells, prepend=0))
            out[f"{name}.counts"] = _narrow(flat[cells])
            out[f"{name}.width"] = np.array([self.width[name]])
            out[f"{name}.low"], out[f"{name}.high"] = self.low[name], self.high[name]
        return out

    @classmethod
    def unpack(cls, names: Iterable[str], packed: Mapping[str, np.ndarray]) -> Histograms:
        """Histograms back from `pack`; a wrong shape or count raises ValueError."""
        names = list(names)
        times = len(packed[f"{names[0]}.low"]) if names else 0
        out = cls(names, times)
        out.runs = int(packed["runs"][0])
        for name, counts in out.counts.items():
            cells = np.cumsum(packed[f"{name}.gaps"], dtype=np.int64)
            if cells.size and (cells[-1] >= counts.size or np.any(np.diff(cells) <= 0)):
                raise ValueError(f"histogram of {name}: bins out of place")
            counts.ravel()[cells] = packed[f"{name}.counts"]
            if np.any(counts.sum(axis=1) != out.runs):
                raise ValueError(f"histogram of {name}: counts do not add up to the runs")
            out.width[name] = float(packed[f"{name}.width"][0])
            out.low[name] = np.array(packed[f"{name}.low"], dtype=float)
            out.high[name] = np.array(packed[f"{name}.high"], dtype=float)
            if out.low[name].shape != (times,) or out.high[name].shape != (times,):
                raise ValueError(f"histogram of {name}: extremes of another length")
        return out

    def _coarsen(self, name: str) -> None:
        """Double the bin width of a count series: bins 2k and 2k+1 become bin k (as if counted
        so from the start, so the order in which chunks arrive does not matter)."""
        counts = self.counts[name]
        merged = counts.reshape(len(counts), BINS // 2, 2).sum(axis=2)
        counts[:] = 0
        counts[:, : BINS // 2] = merged
        self.width[name] *= 2

    def quantiles(self, levels: Iterable[float] = LEVELS) -> dict[str, np.ndarray]:
        """Each series' quantiles per time, shape (levels, times), float32."""
        if self.runs == 0:
            raise ValueError("no replications counted")
        out = {}
        for name, counts in self.counts.items():
            cumulative = np.cumsum(counts, axis=1)
            rows = []
            for q in levels:
                h = q * (self.runs - 1)
                low = self._order_statistic(name, counts, cumulative, math.floor(h))
                high = self._order_statistic(name, counts, cumulative, math.ceil(h))
                rows.append(low + (h - math.floor(h)) * (high - low))
            out[name] = np.array(rows, dtype=np.float32)
        return out

    def _order_statistic(self, name: str, counts: np.ndarray, cumulative: np.ndarray,
                         i: int) -> np.ndarray:
        """The i-th smallest value at each time, its bin's values spread evenly over the bin
        (and within the smallest and largest values, which are known exactly)."""
        if i == 0:
            return self.low[name]
        if i == self.runs - 1:
            return self.high[name]
        b = (cumulative <= i).sum(axis=1)
        rows = np.arange(len(counts))
        inside = counts[rows, b]
        rank = (i - (cumulative[rows, b] - inside) + 0.5) / inside
        width = self.width[name]
        # a bin of counts holds `width` whole numbers, b * width to b * width + width - 1
        value = (b + rank) * width if name in SHARES else b * width + (width - 1) * rank
        return np.clip(value, self.low[name], self.high[name])


def _narrow(values: np.ndarray) -> np.ndarray:
    """Non-negative whole numbers in the smallest unsigned type that holds them all."""
    top = int(values.max(initial=0))
    kind = np.uint16 if top < 2**16 else np.uint32 if top < 2**32 else np.uint64
    return values.astype(kind)
