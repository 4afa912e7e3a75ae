"""Speed and memory of peacesim on this machine, against the targets of the README.

`make bench` runs this once: it prints a table and writes benchmarks/latest.json. The floor
and the model are timed in this process (bench_model.py: best of several repeats, so other load
on the machine counts as little as possible); each size of run for memory is a real `sim run`
in a child process, whose peak memory the operating system reports when it ends (bench_runs.py).
The long-run figures (a sweep's pool, a checkpoint's bytes, a million runs) are in scale.py,
the table and the targets in bench_table.py, all beside this file; `python
benchmarks/bench.py --million` also runs the million (about 15 minutes on 2 cores) instead of
extrapolating it.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale
from bench_model import (
    BASELINE,
    ROOT,
    SEED,
    best_of,
    events_per_replication,
    floor_us_per_event,
    horizons,
    replication_floor_events,
    us_per_replication,
)
from bench_runs import ensemble_seconds, sim_run
from bench_table import table, targets

import sim
from sim.scenario import load

OUT = Path(__file__).resolve().parent / "latest.json"
#: What floor_events.py and tests/test_bench.py take from here, measured in the modules beside it.
__all__ = ["BASELINE", "OUT", "ROOT", "SEED", "events_per_replication", "floor_us_per_event",
           "main", "measure", "replication_floor_events", "scale", "table", "targets",
           "us_per_replication"]


def measure(measure_million: bool = False) -> dict[str, Any]:
    """Every figure of latest.json, on the baseline; with `measure_million`, a million runs too."""
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    sc = load(BASELINE)
    floor = floor_us_per_event()
    per_rep, loop = us_per_replication(sc)
    events = events_per_replication(sc)
    serial = ensemble_seconds(sc, 2000, executor="serial")
    one = best_of(2, lambda: ensemble_seconds(sc, 4000, workers=1))
    two = best_of(2, lambda: ensemble_seconds(sc, 4000, workers=2, executor="local"))
    with tempfile.TemporaryDirectory(prefix="peacesim-bench-") as tmp:
        sizes = [sim_run(n, "full", Path(tmp)) for n in (1_000, 10_000, 100_000)]
        sizes += [sim_run(n, "quantiles", Path(tmp)) for n in (10_000, 100_000)]
        if measure_million:
            sizes.append(sim_run(scale.MILLION, "quantiles", Path(tmp)))
    pool = scale.sweep_overhead(sc, SEED)
    stored = scale.checkpoint_bytes(sc, SEED)
    full = {s["runs"]: s for s in sizes if s["series"] == "full"}
    quantiles = {s["runs"]: s for s in sizes if s["series"] == "quantiles"}
    per_run = [s["ms_per_replication"] for s in full.values()]
    by_horizon = horizons(sc)
    steady = horizons(sc, steady=True)
    result: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}, simpy {simpy.__version__}",
        "version": sim.__version__,
        "load_average_at_start": load_at_start,
        "floor_us_per_event": round(floor, 3),
        "model_us_per_event": round(per_rep / events, 3),
        "model_to_floor_per_event": round(per_rep / events / floor, 2),
        "events_per_replication": round(events, 1),
        "replication_floor_events": round(replication_floor_events(sc)),
        "us_per_replication": round(per_rep, 1),
        "loop_us_per_event": round(loop / events, 3),
        "loop_to_floor_per_event": round(loop / events / floor, 2),
        "fixed_us_per_replication": round(per_rep - loop, 1),
        "fixed_to_floor_per_event": round((per_rep - loop) / events / floor, 2),
        "replications_per_second_1_core": round(2000 / serial, 1),
        "seconds_4000_runs_1_worker": round(one, 2),
        "seconds_4000_runs_2_workers": round(two, 2),
        "speedup_2_workers": round(one / two, 3),
        "peak_rss_mb_1k": full[1_000]["peak_rss_mb"],
        "peak_rss_mb_10k": full[10_000]["peak_rss_mb"],
        "peak_rss_mb_100k": full[100_000]["peak_rss_mb"],
        "peak_rss_mb_10k_quantiles": quantiles[10_000]["peak_rss_mb"],
        "peak_rss_mb_100k_quantiles": quantiles[100_000]["peak_rss_mb"],
        "kb_per_run_quantiles": round((quantiles[100_000]["peak_rss_mb"]
                                       - quantiles[10_000]["peak_rss_mb"]) * 1024 / 90_000, 2),
        "runs": sizes,
        **scale.million(quantiles),
        "checkpoint_bytes_per_run": stored["checkpoint_bytes_per_run"],
        "checkpoint": stored,
        "sweep_overhead": pool["sweep_overhead"],
        "sweep": pool,
        "runs_cost_spread": round(max(per_run) / min(per_run), 3),
        "horizons": by_horizon,
        "horizons_steady": steady,
    }
    result["targets"] = targets(result)
    return result


def main() -> None:
    began = time.perf_counter()
    result = measure("--million" in sys.argv[1:])
    result["bench_seconds"] = round(time.perf_counter() - began, 1)
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(table(result))
    print(f"\n{OUT.relative_to(ROOT)} written in {result['bench_seconds']:.0f} s; peak memory "
          f"of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
