"""The long-run figures of `make bench`: a sweep's pool, a checkpoint's bytes, a million runs.

Split from bench.py, which gathers the figures (bench_model.py times the model itself). Each
function measures one thing on the baseline and says how: a million runs is extrapolated from
runs of 10,000 and 100,000 (time in proportion to the runs, memory along the straight line
through the two), not run, unless bench.py is given the million itself.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from sim.runs import checkpoint
from sim.runs.ensemble import Job, run_ensemble, run_ensembles
from sim.scenario import Scenario

MILLION = 1_000_000


def _workers_cpu() -> float:
    """CPU seconds of the ended child processes (a pool's workers, once it is shut down)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def sweep_overhead(sc: Scenario, seed: int, points: int = 20, runs: int = 200,
                   repeats: int = 2) -> dict[str, Any]:
    """`points` ensembles of `runs` on one pool of 2 workers (as a sweep runs them: each its own
    seed, so no point's cost is another's) against one ensemble of points x runs; best of
    `repeats`, the two interleaved so that load on the machine falls on both alike. The
    workers' CPU time is given too: other work on the machine moves it much less."""
    wall: dict[str, list[float]] = {"points": [], "one": []}
    cpu: dict[str, list[float]] = {"points": [], "one": []}
    work = {"points": lambda: run_ensembles([Job(sc, runs, seed + k) for k in range(points)],
                                            workers=2),
            "one": lambda: run_ensemble(sc, points * runs, seed, workers=2)}
    for _ in range(repeats):
        for name, run in work.items():
            began, used = time.perf_counter(), _workers_cpu()
            run()
            wall[name].append(time.perf_counter() - began)
            cpu[name].append(_workers_cpu() - used)
    return {"points": points, "runs_per_point": runs,
            "seconds_points": round(min(wall["points"]), 2),
            "seconds_one_ensemble": round(min(wall["one"]), 2),
            "sweep_overhead": round(min(wall["points"]) / min(wall["one"]) - 1, 3),
            "workers_cpu_overhead": round(min(cpu["points"]) / min(cpu["one"]) - 1, 3)}


def checkpoint_bytes(sc: Scenario, seed: int, runs: int = 20_000,
                     chunk: int = 10_000) -> dict[str, Any]:
    """Bytes a run with `--series quantiles` keeps on disk per replication while it runs, in
    the chunks a million-run uses (10,000 replications each), on 2 workers."""
    with tempfile.TemporaryDirectory(prefix="peacesim-bench-") as tmp:
        cp = checkpoint.create(Path(tmp) / "run", {"runs": runs}, sc)
        began = time.perf_counter()
        run_ensemble(sc, runs, seed, workers=2, series="quantiles", checkpoint=cp,
                     chunk_size=chunk)
        seconds = time.perf_counter() - began
        files = list((cp.folder / "chunks").glob("*.npz"))
        size = sum(path.stat().st_size for path in files)
    return {"runs": runs, "chunks": len(files), "seconds": round(seconds, 2),
            "checkpoint_bytes_per_run": round(size / runs, 1)}


def million(quantiles: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    """A million baseline runs with `--series quantiles` on 2 workers, from the `sim run`s of
    10,000 and 100,000 (or a measured million): wall time in proportion to the runs (the
    fixed start-up counted again each time, so on the high side), and peak memory along the
    line through the two sizes (what grows with the runs is the outcome table)."""
    if MILLION in quantiles:
        run = quantiles[MILLION]
        return {"million_measured_or_extrapolated": "measured",
                "million_runs_seconds": run["wall_seconds"],
                "peak_memory_million_mb": run["peak_rss_mb"]}
    small, large = quantiles[10_000], quantiles[100_000]
    per_run = (large["peak_rss_mb"] - small["peak_rss_mb"]) / (100_000 - 10_000)
    return {"million_measured_or_extrapolated":
            "extrapolated from 10,000 and 100,000 runs",
            "million_runs_seconds": round(large["wall_seconds"] * MILLION / 100_000, 1),
            "peak_memory_million_mb": round(large["peak_rss_mb"]
                                            + per_run * (MILLION - 100_000), 1)}
