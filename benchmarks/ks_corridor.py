"""Do the fluid and the sliced corridor give the same distributions? `python
benchmarks/ks_corridor.py [RUNS [PROCESSES]]` runs RUNS (default 10,000) replications of every
shipped scenario with each corridor (same seeds) on PROCESSES (default 2), compares each outcome
with a two-sample KS test and writes benchmarks/ks_corridor.json (rendered into the README by
docs/blocks_corridor.py)."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"
CHUNK = 2_500
ALPHA = 0.001  # a difference beyond sampling error: p below this, per outcome and scenario


def _chunk(task: tuple[str, bool, int, int]) -> list[dict[str, Any]]:
    """Outcomes of replications start..stop of a scenario with one corridor (a fresh process)."""
    path, sliced, start, stop = task
    sys.path.insert(0, str(HERE))
    from sim.model import run_replication
    from sim.scenario import load
    if sliced:
        from sliced_corridor import use_sliced
        use_sliced()
    sc = load(path)
    return [run_replication(sc, r, sc.params.seed).outcomes for r in range(start, stop)]


def _numeric(rows: list[dict[str, Any]], name: str) -> np.ndarray:
    """An outcome's uncensored values as floats (booleans as 0 and 1)."""
    return np.array([float(r[name]) for r in rows if r[name] is not None])


def compare(fluid: list[dict[str, Any]], sliced: list[dict[str, Any]]) -> dict[str, Any]:
    """Per outcome: the KS statistic, its p-value, both means (end states: each one's share)."""
    from scipy import stats
    out: dict[str, Any] = {}
    for name in fluid[0]:
        if isinstance(fluid[0][name], str):
            for state in sorted({r[name] for r in fluid + sliced}):
                a = np.array([r[name] == state for r in fluid], float)
                b = np.array([r[name] == state for r in sliced], float)
                out[f"{name}={state}"] = _row(a, b, stats)
            continue
        a, b = _numeric(fluid, name), _numeric(sliced, name)
        if a.size and b.size:
            out[name] = _row(a, b, stats)
    return out


def _row(a: np.ndarray, b: np.ndarray, stats: Any) -> dict[str, float]:
    ks = stats.ks_2samp(a, b)
    return {"ks": float(ks.statistic), "p": float(ks.pvalue), "fluid_mean": float(a.mean()),
            "sliced_mean": float(b.mean()), "fluid_n": int(a.size), "sliced_n": int(b.size)}


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    processes = int(sys.argv[2]) if len(sys.argv) > 2 else min(2, os.cpu_count() or 1)
    paths = sorted(str(p) for p in SCENARIOS.glob("*.toml"))
    tasks = [(p, s, a, min(runs, a + CHUNK)) for p in paths for s in (False, True)
             for a in range(0, runs, CHUNK)]
    began = time.perf_counter()
    with get_context("spawn").Pool(processes, maxtasksperchild=1) as pool:
        done = pool.map(_chunk, tasks, chunksize=1)
    rows: dict[tuple[str, bool], list[dict[str, Any]]] = {}
    for (path, sliced, _, _), part in zip(tasks, done, strict=True):
        rows.setdefault((path, sliced), []).extend(part)
    result = {
        "runs": runs, "alpha": ALPHA, "seconds": round(time.perf_counter() - began, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "scenarios": {Path(p).stem: compare(rows[(p, False)], rows[(p, True)]) for p in paths},
    }
    (HERE / "ks_corridor.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"{runs} runs a scenario and corridor in {result['seconds']} s")


if __name__ == "__main__":
    main()
