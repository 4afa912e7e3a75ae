"""Ensembles and real `sim run`s for `make bench`: wall time on 1 or 2 workers, and the peak
memory of runs of growing size (split from bench.py, which gathers the figures)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_model import BASELINE, SEED

from sim.runs.ensemble import run_ensemble
from sim.scenario import Scenario


def ensemble_seconds(sc: Scenario, runs: int, **how: Any) -> float:
    began = time.perf_counter()
    run_ensemble(sc, runs, SEED, **how)
    return time.perf_counter() - began


def sim_run(runs: int, series: str, folder: Path) -> dict[str, float]:
    """A real `sim run` in a child process: its wall time, and the peak memory of the largest
    process of its tree (the main one: it holds the ensemble) as the kernel reports it."""
    out = folder / f"{series}-{runs}"
    command = [sys.executable, "-m", "sim", "run", str(BASELINE), "--runs", str(runs),
               "--seed", str(SEED), "--out", str(out), "--workers", "2", "--series", series,
               "--quiet"]
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True,
                          text=True, check=True)
    wall = time.perf_counter() - began
    manifest = json.loads((out / "manifest.json").read_text())
    return {"runs": runs, "series": series, "wall_seconds": round(wall, 2),
            "ensemble_seconds": manifest["wall_time_seconds"],
            "ms_per_replication": round(manifest["wall_time_seconds"] / runs * 1e3, 4),
            "peak_rss_mb": round(int(done.stdout.split()[-1]) / 1024, 1)}  # Linux: KiB
