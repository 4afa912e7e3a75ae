"""The work of a command, estimated before it starts: events and memory from the scenario's rates
and the machine's free memory; what would not finish or not fit is refused, saying how to
proceed (the bounds themselves are in sim/scenario/limits.py)."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.errors import ScenarioError
from sim.outcomes import OUTCOMES, SERIES
from sim.scenario.limits import MAX_EVENTS_PER_REPLICATION, MAX_TOTAL_EVENTS, MEMORY_SHARE

if TYPE_CHECKING:
    from sim.scenario.load import Scenario
    from sim.scenario.params import ScenarioParams

# The estimate's constants (measured on the shipped scenarios; tests/test_limits.py holds the
# estimate against counted events and measured memory).
PROGRAM_BYTES = 200 * 2**20  # Python, numpy, SimPy and the scenario
EVENT_BYTES = 500  # a replication's state snapshot and log record per event
#: Replications' worth of memory per worker: the one running, and finished ones whose
#: reference cycles (world, environment, processes) await Python's cycle collector.
REPLICATIONS_HELD = 8
SERIES_COUNT = len(SERIES)
BINS = 2048  # quantiles.BINS
ROUND_EVENTS = 3  # a gap, its condition and the round's own wait
EVENT_COST_SECONDS = 1e-5


class LimitError(ScenarioError):
    """A command whose work or memory would exceed what is allowed or available (bad input:
    one line, exit status 2)."""


def events_per_replication(p: ScenarioParams) -> dict[str, float]:
    """Expected simulation events of one replication, by mechanism (an estimate that errs high:
    no collapse, no agreement; the corridor, a fluid queue, takes none; a decision step, on the
    World's clock, is not a SimPy event but as much work as one)."""
    h = p.horizon_days
    steps = h * 24 / p.outflow.decision_step_hours
    c = p.ceasefire
    calm = c.base_incidents_per_day * (1 + c.tension_incident_weight)  # tension at most 1
    # a Hawkes process with branching ratio n has mean rate base / (1 - n)
    incidents = calm * h / (1 - c.self_excitation_share)
    n = p.negotiation
    gap = 0.0 if n.scheduled_rounds_only else n.mean_days_between_rounds
    rounds = (sum(e.round for e in p.events) if n.scheduled_rounds_only
              else h / (gap + n.round_hours / 24))
    postponed = h / n.postpone_days if n.postpone_above_tension < 1 else 0.0
    if p.outflow.mode == "queue":  # no decisions (the corridor itself costs no event)
        steps = 1.0
    return {
        "decision steps (outflow.decision_step_hours)": steps,
        "throughput steps (outflow.throughput_step_hours)": 0.0 if p.outflow.throughput == (
            "constant") else h * 24 / p.outflow.throughput_step_hours,
        "incidents (ceasefire.base_incidents_per_day and tension_incident_weight)": incidents,
        "rounds of talks (negotiation.mean_days_between_rounds)": ROUND_EVENTS * rounds,
        "postponements (negotiation.postpone_days)": postponed,
        # each round sums the memory of the incidents before it (half of them, on average),
        # each term costing about a hundredth of an event
        "incident memory sums (rounds x incidents)": rounds * incidents / 200,
        "aid convoys (supplies.convoys_per_day)": p.supplies.convoys_per_day * h,
        "timeline events": 2.0 * len(p.events),
    }


def check_replication(p: ScenarioParams) -> None:
    """Refuse a scenario whose single replication would take too many events (a ValueError
    naming the largest part, for the scenario's validation)."""
    parts = events_per_replication(p)
    total = sum(parts.values())
    if not total <= MAX_EVENTS_PER_REPLICATION:  # NaN counts as too many
        worst = max(parts, key=lambda k: parts[k] if parts[k] == parts[k] else math.inf)
        raise ValueError(f"one replication would take about {_g(total)} simulation events, "
                         f"{_g(parts[worst])} of them {worst}; at most "
                         f"{MAX_EVENTS_PER_REPLICATION:,} are allowed: shorten horizon_days "
                         "or lower that rate")


@dataclass(frozen=True)
class Estimate:
    """The planned work of a command: events in all and peak memory in bytes, by part."""

    events: float
    memory: dict[str, float]

    @property
    def bytes(self) -> float:
        return sum(self.memory.values())


def estimate(ensembles: Sequence[tuple[Scenario, int]], series: str = "full",
             workers: int | None = None, chunk_size: int | None = None,
             kept: int | None = None) -> Estimate:
    """Events and peak memory of running ensembles (scenario, runs) one after another on
    `workers` processes, the `kept` largest (default all) held in memory at once."""
    workers = workers or os.cpu_count() or 1
    events, held, running, flight = 0.0, [], 0.0, 0.0
    for sc, runs in ensembles:
        per_run = sum(events_per_replication(sc.params).values())
        points = record_times(sc.params).size
        columns = 1 + len(OUTCOMES) + len(sc.distributions)
        chunk = chunk_size or chunks(min(runs, 40_000 * workers), workers, series=series)[0][1]
        events += runs * per_run
        # the table (chunks' columns let go as they are joined); summaries turn one column
        # into Python values
        table = runs * (8.0 * columns + 40)
        if series == "quantiles":
            table += (SERIES_COUNT + 2.0) * points * BINS * 8
        else:  # float32 series, and one series' quantiles in float64 when drawn
            table += runs * points * (SERIES_COUNT * 4.0 + 8)
        held.append(table)
        running = max(running, workers * REPLICATIONS_HELD * per_run * EVENT_BYTES)
        # full: chunks' series queued and received; quantiles: each worker's chunk being counted
        queued = workers if series == "quantiles" else 2.0 * (workers + 1)
        flight = max(flight, queued * min(chunk, runs) * points * SERIES_COUNT * 4)
    kept = len(held) if kept is None else kept
    return Estimate(events, {
        "the program": float(PROGRAM_BYTES),
        "outcomes and series": sum(sorted(held, reverse=True)[:kept]),
        "replications in progress": running,
        "chunks in flight": flight})


def check_work(ensembles: Sequence[tuple[Scenario, int]], series: str = "full",
               workers: int | None = None, chunk_size: int | None = None,
               kept: int | None = None, available: float | None = None,
               quantiles_option: bool = False) -> Estimate:
    """Refuse, before anything is written or run, a command that would not fit in memory or
    not finish in reasonable time; the message says how to proceed (`quantiles_option`: the
    command offers --series quantiles)."""
    est = estimate(ensembles, series, workers, chunk_size, kept)
    runs = sum(r for _, r in ensembles)
    what = f"{runs:,} replication{'s' if runs != 1 else ''}"
    if len(ensembles) > 1:
        what = f"{len(ensembles):,} ensembles, {what} in all,"
    source = ensembles[0][0].source
    free = available_memory() if available is None else available
    usable = MEMORY_SHARE * free
    if not est.bytes <= usable:
        big = {k: v for k, v in est.memory.items() if v >= 0.1 * est.bytes}
        how = ["fewer replications (--runs)"]
        if "outcomes and series" in big:
            how.append("a coarser record_every_hours")
            if (quantiles_option and series == "full" and estimate(
                    ensembles, "quantiles", workers, chunk_size, kept).bytes <= usable):
                how.insert(0, "--series quantiles")
        if "chunks in flight" in big:
            how.append("a smaller --chunk-size or fewer --workers")
        if "replications in progress" in big:
            how.append("fewer --workers")
        parts = ", ".join(f"{k} {_size(v)}" for k, v in big.items())
        raise LimitError(f"{source}: {what} would need about {_size(est.bytes)} of memory "
                         f"({parts}); {_size(free)} is available here, of which "
                         f"{MEMORY_SHARE:.0%} may be planned: use {' or '.join(how)}")
    if not est.events <= MAX_TOTAL_EVENTS:
        hours = MAX_TOTAL_EVENTS * EVENT_COST_SECONDS / 3600
        raise LimitError(f"{source}: {what} would take about {_g(est.events)} simulation "
                         f"events; at most {_g(MAX_TOTAL_EVENTS)} are allowed (about "
                         f"{hours:,.0f} hours of one core): run fewer replications")
    return est


def available_memory() -> float:
    """Bytes this process may still use: the machine's available memory, within a container's
    limit and the process's address-space limit."""
    found = [_meminfo("/proc/meminfo", "MemAvailable:")]
    if found[0] is None:
        try:
            found = [float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))]
        except (ValueError, OSError, AttributeError):
            found = []
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
        if limit != "max":
            found.append(float(limit) - float(used))
    except (OSError, ValueError):
        pass
    try:
        import resource  # not on Windows
    except ImportError:
        pass
    else:
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            found.append(soft - (_meminfo("/proc/self/status", "VmSize:") or 0.0))
    values = [v for v in found if v is not None]
    return max(0.0, min(values)) if values else math.inf


def _meminfo(path: str, key: str) -> float | None:
    """A `key: N kB` line of a /proc file, in bytes."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return float(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _g(x: float) -> str:
    return f"{x:,.0f}" if x < 1e7 else f"{x:.2g}"


def _size(n: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n / 2**10:,.0f} KiB"


#: The largest default chunk: a chunk of histograms (quantiles) is about as large on disk for
#: 10,000 replications as for 1,000, so larger chunks keep a long run's checkpoint small.
LARGEST_CHUNK = {"full": 1000, "quantiles": 10_000}


def chunks(runs: int, workers: int, size: int | None = None,
           series: str = "full") -> list[tuple[int, int]]:
    """(start, count) pieces: by default 50 to 1,000 replications (10,000 when only the
    quantiles of the series are kept), about four per worker."""
    size = size or max(50, min(LARGEST_CHUNK.get(series, 1000), math.ceil(runs / (4 * workers))))
    return [(s, min(size, runs - s)) for s in range(0, runs, size)]


def record_times(p: ScenarioParams) -> np.ndarray:
    """Days at which the series are recorded: every `record_every_hours`, from 0 to the horizon."""
    step = p.record_every_hours / 24
    return np.arange(math.floor(p.horizon_days / step + 1e-9) + 1) * step
