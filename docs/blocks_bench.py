"""The README's speed table, rendered from benchmarks/latest.json (what `make bench` wrote last).

`make docs` does not measure again: timings depend on the machine and on its load, so the one
source is the file the benchmark writes, and the table names the machine and load it came from.
A figure the file does not have (written by an older benchmark) is left out of the table."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fmt import count
from workspace import Failed, Workspace

LATEST = "benchmarks/latest.json"
Row = tuple[tuple[str, ...], str, Callable[[dict[str, Any]], str]]


def _s(x: float) -> str:
    return f"{x:.1f} s" if x < 100 else f"{x:,.0f} s"


def _runs(r: dict[str, Any], series: str) -> dict[int, dict[str, Any]]:
    return {run["runs"]: run for run in r["runs"] if run["series"] == series}


def _horizons(h: dict[str, Any], line: bool = False) -> str:
    ms = " / ".join(f"{row['ms_per_replication']:.1f}" for row in h["rows"])
    if line:
        return (f"{ms} ms: {h['fit_fixed_ms']:.2f} ms + {h['fit_ms_per_day']:.3f} ms a day, "
                f"within {h['fit_max_relative_residual']:.1%}")
    events = " / ".join(count(row["events_per_replication"]) for row in h["rows"])
    return f"{ms} ms a replication ({events} events)"


ROWS: list[Row] = [
    (("floor_us_per_event",), "floor: a bare SimPy loop of timeouts",
     lambda r: f"{r['floor_us_per_event']:.2f} µs per event"),
    (("replication_floor_events",), "baseline: one replication in units of the floor "
     "(`replication_floor_events`)", lambda r: f"{count(r['replication_floor_events'])} events"),
    (("events_per_replication",),
     "baseline: events per replication (SimPy events and decision steps)",
     lambda r: count(r["events_per_replication"])),
    (("model_us_per_event",), "baseline: cost per event, whole replication",
     lambda r: f"{r['model_us_per_event']:.1f} µs ({r['model_to_floor_per_event']:.1f} × the "
               "floor)"),
    (("loop_us_per_event",), "of it, in the event loop",
     lambda r: f"{r['loop_us_per_event']:.1f} µs per event ({r['loop_to_floor_per_event']:.1f} × "
               "the floor)"),
    (("fixed_us_per_replication",), "of it, outside the loop (streams, parameters, outcomes, "
     "series)", lambda r: f"{r['fixed_us_per_replication'] / 1e3:.2f} ms a replication "
                          f"({r['fixed_to_floor_per_event']:.2f} × the floor per event)"),
    (("us_per_replication",), "baseline: one replication",
     lambda r: f"{r['us_per_replication'] / 1e3:.1f} ms, so "
               f"{count(r['replications_per_second_1_core'])} replications a second on one core"),
    (("speedup_2_workers",), "4,000 replications, local executor, 1 → 2 workers",
     lambda r: f"{r['seconds_4000_runs_1_worker']:.1f} s → {r['seconds_4000_runs_2_workers']:.1f}"
               f" s (speed-up {r['speedup_2_workers']:.2f}, `speedup_2_workers`)"),
    (("runs",), "`sim run`, 2 workers: 1,000 / 10,000 / 100,000 runs",
     lambda r: " / ".join(_s(_runs(r, "full")[n]["ensemble_seconds"])
                          for n in (1_000, 10_000, 100_000)) + " of simulation"),
    (("runs",), "peak memory: 1,000 / 10,000 / 100,000 runs",
     lambda r: " / ".join(f"{_runs(r, 'full')[n]['peak_rss_mb']:.0f} MB"
                          for n in (1_000, 10_000, 100_000))),
    (("runs",), "peak memory with `--series quantiles`: 10,000 / 100,000 runs",
     lambda r: " / ".join(f"{_runs(r, 'quantiles')[n]['peak_rss_mb']:.0f} MB"
                          for n in (10_000, 100_000))),
    (("horizons",), "horizon 30 / 90 / 180 days, baseline",
     lambda r: _horizons(r["horizons"])),
    (("horizons_steady",), "horizon 30 / 90 / 180 days, 5 million people (steady work)",
     lambda r: _horizons(r["horizons_steady"], line=True)),
    (("million_runs_seconds",), "a million runs with `--series quantiles`, 2 workers: time and "
     "peak memory (`million_runs_seconds`, `peak_memory_million_mb`)",
     lambda r: f"{_s(r['million_runs_seconds'])}, {r['peak_memory_million_mb']:.0f} MB "
               f"({r['million_measured_or_extrapolated']})"),
    (("checkpoint_bytes_per_run",), "a `--series quantiles` run's chunks on disk while it runs "
     "(`checkpoint_bytes_per_run`)",
     lambda r: f"{r['checkpoint_bytes_per_run']:.0f} bytes a replication (chunks of "
               f"{count(r['checkpoint']['runs'] / r['checkpoint']['chunks'])})"),
    (("sweep_overhead",), "20 ensembles of 200 runs on one pool against one of 4,000 "
     "(`sweep_overhead`)",
     lambda r: f"{r['sweep']['seconds_points']:.1f} s against "
               f"{r['sweep']['seconds_one_ensemble']:.1f} s ({r['sweep_overhead']:+.1%}; the "
               f"workers' CPU time {r['sweep']['workers_cpu_overhead']:+.1%})"),
]


def speed_block(ws: Workspace) -> str:
    """The table of benchmarks/latest.json, with the machine and the load it was measured at."""
    try:
        r = json.loads((ws.root / LATEST).read_text())
    except (OSError, ValueError) as err:
        raise Failed(f"{LATEST}: {err}; run `make bench`") from None
    load = r.get("load_average_at_start", ["?"])[0]
    lines = ["| measure | value |", "|---|---|",
             f"| machine (load average when the benchmark started) | {r['machine']} ({load}) |"]
    lines += [f"| {label} | {show(r)} |" for keys, label, show in ROWS if all(k in r for k in keys)]
    return "\n".join(lines)


BLOCKS = {"speed-table": ("README.md", speed_block)}
