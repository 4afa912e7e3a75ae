"""Speed and memory of peacesim on this machine, against the targets of the README.

`make bench` runs this once: it prints a table and writes benchmarks/latest.json. The floor
and the model are timed in this process (best of several repeats, so other load on the machine
counts as little as possible); each size of run for memory is a real `sim run` in a child
process, whose peak memory the operating system reports when it ends. The long-run figures (a
sweep's pool, a checkpoint's bytes, a million runs) are in scale.py beside this file; `python
benchmarks/bench.py --million` also runs the million (about 15 minutes on 2 cores) instead of
extrapolating it.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale

import sim
import sim.model.replication
from sim.runs.ensemble import run_ensemble
from sim.scenario import Scenario, load

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
OUT = Path(__file__).resolve().parent / "latest.json"
SEED = 2023


def best_of(repeats: int, work: Callable[[], float]) -> float:
    return min(work() for _ in range(repeats))


def floor_us_per_event(events: int = 200_000) -> float:
    """A bare SimPy loop: one process, timeouts with delays drawn beforehand."""
    delays = np.random.default_rng(1).exponential(1.0, events).tolist()

    def once() -> float:
        env = simpy.Environment()

        def loop(env: simpy.Environment) -> Any:
            for d in delays:
                yield env.timeout(d)

        env.process(loop(env))
        began = time.perf_counter()
        env.run()
        return (time.perf_counter() - began) / events * 1e6

    return best_of(5, once)


class CountingEnvironment(simpy.Environment):
    """Counts the events a replication processes (used in a separate, untimed pass)."""

    processed = 0

    def step(self) -> None:
        CountingEnvironment.processed += 1
        super().step()


class TimingEnvironment(simpy.Environment):
    """Adds up the time spent in the event loop (`run`); one clock reading per replication."""

    seconds = 0.0

    def run(self, until: Any = None) -> Any:
        began = time.perf_counter()
        try:
            return super().run(until)
        finally:
            TimingEnvironment.seconds += time.perf_counter() - began


@contextmanager
def environment(cls: type[simpy.Environment]) -> Iterator[None]:
    original = sim.model.replication.simpy.Environment
    sim.model.replication.simpy.Environment = cls  # type: ignore[misc]
    try:
        yield
    finally:
        sim.model.replication.simpy.Environment = original  # type: ignore[misc]


def events_per_replication(sc: Scenario, reps: int = 200) -> float:
    with environment(CountingEnvironment):
        CountingEnvironment.processed = 0
        for r in range(reps):
            sim.model.replication.run_replication(sc, r, SEED)
        return CountingEnvironment.processed / reps


def us_per_replication(sc: Scenario, reps: int = 200) -> tuple[float, float]:
    """Everything a replication costs (streams, parameters, the run, outcomes and series), and
    the part of it spent in the event loop, in microseconds (best of three passes)."""

    def once() -> tuple[float, float]:
        TimingEnvironment.seconds = 0.0
        began = time.perf_counter()
        for r in range(reps):
            sim.model.replication.run_replication(sc, r, SEED)
        whole = time.perf_counter() - began
        return whole / reps * 1e6, TimingEnvironment.seconds / reps * 1e6

    with environment(TimingEnvironment):
        return min(once() for _ in range(3))


def replication_floor_events(sc: Scenario, rounds: int = 5, reps: int = 100) -> float:
    """The cost of one replication in events of the floor: (ms a replication) / (us an event of
    a bare SimPy loop of timeouts), both timed in each round, one after the other, in CPU time of
    this process (so other work on the machine counts less); the median of the rounds."""
    delays = np.random.default_rng(1).exponential(1.0, 50_000).tolist()

    def loop(env: simpy.Environment) -> Any:
        for d in delays:
            yield env.timeout(d)

    for r in range(5):  # warm: imports, caches
        sim.model.replication.run_replication(sc, r, SEED)
    ratios = []
    for _ in range(rounds):
        env = simpy.Environment()
        env.process(loop(env))
        began = time.process_time()
        env.run()
        floor_us = (time.process_time() - began) / len(delays) * 1e6
        began = time.process_time()
        for r in range(reps):
            sim.model.replication.run_replication(sc, r, SEED)
        ratios.append((time.process_time() - began) / reps * 1e3 / floor_us * 1e3)
    return float(np.median(ratios))


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


#: A population that cannot all leave within 180 days: the same work every simulated day.
STEADY_POPULATION = 5_000_000


def horizons(sc: Scenario, steady: bool = False) -> dict[str, Any]:
    """Cost against the horizon (30, 90, 180 days), and the straight line `fixed + per day x
    horizon` through it. The baseline's work stops once its people have left, so its cost grows
    less than the horizon; with `steady`, the population never runs out and the work per day is
    the same all along, which shows whether cost itself is linear in the horizon."""
    base = {"world.population_people": STEADY_POPULATION} if steady else {}
    rows = []
    for days in (30, 90, 180):
        variant = sc.with_values({**base, "horizon_days": days})
        reps = 30 if steady else 100
        us, loop = us_per_replication(variant, reps)
        events = events_per_replication(variant, reps)
        rows.append({"horizon_days": days, "ms_per_replication": round(us / 1e3, 3),
                     "events_per_replication": round(events, 1),
        "replication_floor_events": round(replication_floor_events(sc)),
                     "us_per_event": round(us / events, 3),
                     "loop_us_per_event": round(loop / events, 3)})
    for row in rows:
        row["cost_per_day_vs_30"] = round(row["ms_per_replication"] / rows[0]["ms_per_replication"]
                                          * 30 / row["horizon_days"], 3)
    x = np.array([r["horizon_days"] for r in rows], dtype=float)
    ms = np.array([r["ms_per_replication"] for r in rows])
    per_day, fixed = np.polyfit(x, ms, 1)
    residual = np.abs(fixed + per_day * x - ms) / ms
    return {"population": STEADY_POPULATION if steady else "baseline", "rows": rows,
            "fit_fixed_ms": round(float(fixed), 3), "fit_ms_per_day": round(float(per_day), 4),
            "fit_max_relative_residual": round(float(residual.max()), 3)}


def measure(measure_million: bool = False) -> dict[str, Any]:
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
    result["targets"] = {
        "model_to_floor_per_event <= 3": result["model_to_floor_per_event"] <= 3,
        "speedup_2_workers >= 1.9": result["speedup_2_workers"] >= 1.9,
        "a million runs with --series quantiles on 2 workers within 600 s":
            result["million_runs_seconds"] <= 600,
        "peak memory of a million runs with --series quantiles at most 500 MB":
            result["peak_memory_million_mb"] <= 500,
        "checkpoint of a quantiles run at most 0.2 KB a run":
            result["checkpoint_bytes_per_run"] <= 200,
        "20 points of 200 runs on one pool within 5% of one ensemble of 4,000":
            result["sweep_overhead"] <= 0.05,
        "cost per replication within 15% for 1k/10k/100k runs": result["runs_cost_spread"] <= 1.15,
        "cost per replication-day at 90 and 180 days at most 15% above 30 days' "
        "(no super-linear growth; it is sub-linear)":
            max(h["cost_per_day_vs_30"] for h in by_horizon["rows"]) <= 1.15,
        "cost linear in the horizon with steady work: fixed + per day x horizon fits 30, 90 and "
        "180 days within 15%": steady["fit_max_relative_residual"] <= 0.15,
        "peak_rss_mb_100k <= 1024": result["peak_rss_mb_100k"] <= 1024,
        "with --series quantiles, memory grows only by the outcomes: at most 1 KB a run from "
        "10k to 100k runs": result["kb_per_run_quantiles"] <= 1.0,
    }
    return result


def table(r: dict[str, Any]) -> str:
    lines = [f"peacesim {r['version']} on {r['machine']}; load average at start "
             f"{r['load_average_at_start'][0]} (other work on the machine slows every figure)", "",
             f"{'floor: bare SimPy loop':46}{r['floor_us_per_event']:>10.3f} us/event",
             f"{'baseline: events per replication':46}{r['events_per_replication']:>10.1f}",
             f"{'baseline: cost per event (whole replication)':46}"
             f"{r['model_us_per_event']:>10.3f} us/event  ({r['model_to_floor_per_event']}x floor)",
             f"{'  of it, in the event loop':46}"
             f"{r['loop_us_per_event']:>10.3f} us/event  ({r['loop_to_floor_per_event']}x floor)",
             f"{'  of it, outside it (set-up, outcomes, series)':46}"
             f"{r['fixed_us_per_replication']:>10.1f} us/run    "
             f"({r['fixed_to_floor_per_event']}x floor per event)",
             f"{'baseline: cost per replication':46}{r['us_per_replication'] / 1e3:>10.3f} ms",
             f"{'replications per second, one core':46}"
             f"{r['replications_per_second_1_core']:>10.1f}",
             f"{'4,000 runs, local executor, 1 / 2 workers':46}"
             f"{r['seconds_4000_runs_1_worker']:>7.2f} s / {r['seconds_4000_runs_2_workers']:.2f} s"
             f"  (speed-up {r['speedup_2_workers']})", "",
             f"{'sim run, 2 workers':22}{'runs':>9}{'ensemble s':>12}{'ms/run':>9}"
             f"{'wall s':>9}{'peak MB':>9}"]
    for s in r["runs"]:
        lines.append(f"{'  series ' + s['series']:22}{s['runs']:>9,}{s['ensemble_seconds']:>12.2f}"
                     f"{s['ms_per_replication']:>9.3f}{s['wall_seconds']:>9.2f}"
                     f"{s['peak_rss_mb']:>9.1f}")
    lines += [] if "sweep" not in r else [  # figures an older latest.json does not have
        f"{'a million runs, quantiles, 2 workers':46}{r['million_runs_seconds']:>10.0f} s, "
        f"peak {r['peak_memory_million_mb']:.0f} MB ({r['million_measured_or_extrapolated']})",
        f"{'checkpoint of a quantiles run':46}{r['checkpoint_bytes_per_run']:>10.1f} bytes/run",
        f"{'20 x 200 runs on one pool vs 4,000 runs':46}{r['sweep']['seconds_points']:>7.2f} s / "
        f"{r['sweep']['seconds_one_ensemble']:.2f} s  (overhead {r['sweep_overhead']:.1%})"]
    for h in (r["horizons"], r["horizons_steady"]):
        lines += ["", f"{'horizon, population ' + str(h['population']):34}{'ms/run':>9}"
                  f"{'events':>9}{'us/event':>10}{'per day vs 30':>15}"]
        for row in h["rows"]:
            lines.append(f"{row['horizon_days']:<34}{row['ms_per_replication']:>9.3f}"
                         f"{row['events_per_replication']:>9.1f}{row['us_per_event']:>10.3f}"
                         f"{row['cost_per_day_vs_30']:>15.3f}")
        lines.append(f"  straight line: {h['fit_fixed_ms']} ms + {h['fit_ms_per_day']} ms a day "
                     f"(largest miss {h['fit_max_relative_residual']:.1%})")
    lines += ["", "targets:"]
    lines += [f"  {'met    ' if ok else 'NOT MET'}  {name}" for name, ok in r["targets"].items()]
    return "\n".join(lines)


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
