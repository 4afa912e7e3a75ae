"""What `make bench` prints and checks: the targets of the README met or not, and the table
of the figures (split from bench.py, which measures them)."""

from __future__ import annotations

from typing import Any


def targets(r: dict[str, Any]) -> dict[str, bool]:
    """Each target of the README, by the words it is quoted in, and whether it is met."""
    return {
        "one baseline replication at most 1,500 events of the floor (replication_floor_events)":
            r["replication_floor_events"] <= 1500,
        "speedup_2_workers >= 1.9": r["speedup_2_workers"] >= 1.9,
        "a million runs with --series quantiles on 2 workers within 600 s":
            r["million_runs_seconds"] <= 600,
        "peak memory of a million runs with --series quantiles at most 500 MB":
            r["peak_memory_million_mb"] <= 500,
        "checkpoint of a quantiles run at most 0.2 KB a run":
            r["checkpoint_bytes_per_run"] <= 200,
        "20 points of 200 runs on one pool within 5% of one ensemble of 4,000":
            r["sweep_overhead"] <= 0.05,
        "cost per replication within 15% for 1k/10k/100k runs": r["runs_cost_spread"] <= 1.15,
        "cost per replication-day at 90 and 180 days at most 15% above 30 days' "
        "(no super-linear growth; it is sub-linear)":
            max(h["cost_per_day_vs_30"] for h in r["horizons"]["rows"]) <= 1.15,
        "cost linear in the horizon with steady work: fixed + per day x horizon fits 30, 90 and "
        "180 days within 15%": r["horizons_steady"]["fit_max_relative_residual"] <= 0.15,
        "peak_rss_mb_100k <= 1024": r["peak_rss_mb_100k"] <= 1024,
        "with --series quantiles, memory grows only by the outcomes: at most 1 KB a run from "
        "10k to 100k runs": r["kb_per_run_quantiles"] <= 1.0,
    }


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
