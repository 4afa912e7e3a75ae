"""`sim sensitivity` from a scenario to its folder: each design point is a grid point of a sweep
(run by the sweep's runner, one seed for all, so points differ only by their parameters)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim import outcomes
from sim.analysis import discover as discovering
from sim.analysis import resumable
from sim.analysis import sensitivity as gsa
from sim.analysis.discover import Discovery
from sim.runs.ensemble import Ensemble, Job, chunks, run_ensembles
from sim.runs.folder import check_target, read, write_folder, write_outcomes, write_series
from sim.runs.job import Progress, as_scenario, scenario_inputs, silent
from sim.runs.outpaths import default_out
from sim.runs.stats import summarise
from sim.runs.table import OutcomeTable
from sim.scenario.load import Scenario
from sim.scenario.workload import check_work

#: The outcomes the terminal summary and the figures of each outcome show (indices.csv and the
#: heat map have every one).
MAIN = ("end_state.renewed_war", "end_state.exodus", "end_state.reintegration",
        "end_state.unresolved", "ceasefire_collapsed", "agreement", "departed_share",
        "day_half_departed", "killed_people")


@dataclass(frozen=True)
class Sensitivity:
    """A design, every point's ensemble, and per outcome its indices and seed-noise share."""

    scenario: Scenario
    method: str
    problem: gsa.Problem
    design: np.ndarray
    seed: int
    points: tuple[Ensemble, ...]
    indices: dict[str, dict[str, np.ndarray]]
    noise: dict[str, float]
    skipped: dict[str, str]

    def labels(self) -> dict[str, str]:
        """Each analysed outcome in plain words."""
        names = self.scenario.params.end_states.labels.model_dump()
        return {key: label(key, names) for key in self.indices}


def label(key: str, names: dict[str, str]) -> str:
    """An analysed outcome in plain words, as figures and the summary name it."""
    if key.startswith("end_state."):
        return f'P(end state "{names.get(key[10:], key[10:])}")'
    o = outcomes.outcome(key)
    return f"P({o.label})" if o.kind == "boolean" else o.label


def outcome_runs(points: Sequence[Ensemble], horizon: float) -> dict[str, np.ndarray]:
    """Each outcome as (points, replications): end states and yes/no as 0/1; a day that never
    came counts as the horizon (a restricted mean); other outcomes undefined somewhere are NaN."""
    out = {f"end_state.{s}": np.array([[v == s for v in e.column("end_state")] for e in points],
                                      dtype=float) for s in outcomes.states()}
    for o in outcomes.REGISTRY:
        if o.kind == "state":
            continue
        absent = horizon if o.kind == "day" else math.nan
        out[o.name] = np.array([[absent if v is None else float(v) for v in e.column(o.name)]
                                for e in points], dtype=float)
    return out


def run(scenario: Scenario | Path, method: str, params: Sequence[str] | None = None,
        ranges: Sequence[str] = (), samples: int | None = None, runs: int = 10,
        seed: int | None = None, *, about: dict[str, Any], workers: int | None = None,
        out: Path | bool | None = None, force: bool = False,
        figures: Callable[[Sensitivity, Path], object] | None = None,
        progress: Progress = silent) -> Sensitivity:
    """Design, run and analyse; with `out` (True: the default folder), write indices.csv,
    noise.csv, outcomes.csv and series.npz of every run, the scenario, manifest and figures."""
    sc = as_scenario(scenario)
    p = gsa.problem(sc, params, ranges)
    samples = samples or (10 if method == "morris" else 64)
    seed = sc.params.seed if seed is None else seed
    x = gsa.design(p, method, samples, seed)
    check_work([(sc, runs)] * len(x), workers=workers)
    points = [(tuple(v.values()), sc.with_values(v, source=f"{sc.source} at design point {i}"))
              for i, v in enumerate(gsa.values(p, row) for row in x)]
    target = default_out("sensitivity", sc.name) if out is True else out or None
    inputs = scenario_inputs(sc)
    cores = workers or os.cpu_count() or 1  # few runs a point: shared among the workers
    chunk = chunks(runs, cores, math.ceil(runs / cores) if cores > 1 else None)[0][1]
    cp, resumed = None, False
    if target is not None:
        check_target(target, force, inputs)
        info = {"kind": "sensitivity", "scenario": sc.name, "scenario_sha256": sc.digest(),
                "seed": seed, "runs": runs, "version": about.get("version"),
                "chunk_size": chunk, "series": "full", "method": method, "samples": samples,
                "parameters": [[n, *b] for n, b in zip(p.names, p.bounds, strict=True)],
                "design_sha256": hashlib.sha256(x.tobytes()).hexdigest()}
        cp, resumed = resumable.open_checkpoint(target, info, sc, force)
        chunk = cp.info["chunk_size"]
    with resumable.guarded(cp, target, runs * len(x)) if cp and target else nullcontext():
        with progress(runs * len(points)) as tick:
            ensembles = tuple(run_ensembles(
                [Job(point, runs, seed, resumable.point(cp, i) if cp else None)
                 for i, (_, point) in enumerate(points)],
                workers=workers, progress=tick, chunk_size=chunk))
        result = _analyse(sc, method, p, x, seed, ensembles)
        if target is not None:
            _write(result, runs, target, {**about, "resumed": resumed}, figures, force, inputs)
    return result


def _analyse(sc: Scenario, method: str, p: gsa.Problem, x: np.ndarray, seed: int,
             ensembles: tuple[Ensemble, ...]) -> Sensitivity:
    indices, noise, skipped = {}, {}, {}
    for key, values in outcome_runs(ensembles, sc.params.horizon_days).items():
        if np.isnan(values).any():
            skipped[key] = "undefined in some runs (it never happened)"
        elif np.ptp(values) == 0:
            skipped[key] = "the same in every run"
        else:
            indices[key] = gsa.analyse(p, method, x, values.mean(axis=1), seed)
            noise[key] = gsa.noise_share(values)
    return Sensitivity(sc, method, p, x, seed, ensembles, indices, noise, skipped)


def _write(result: Sensitivity, runs: int, target: Path, about: dict[str, Any],
           figures: Callable[[Sensitivity, Path], object] | None, force: bool,
           inputs: list[Path]) -> None:
    p, sc = result.problem, result.scenario
    manifest = {**about, "scenario": sc.name, "seed": result.seed, "method": result.method,
                "design_points": len(result.design), "runs_per_point": runs,
                "runs": runs * len(result.design), "scenario_sha256": sc.digest(),
                "parameters": {n: list(b) for n, b in zip(p.names, p.bounds, strict=True)},
                "skipped_outcomes": result.skipped}

    rows = OutcomeTable.from_rows(
        [{**row, **{f"param.{k}": v for k, v in gsa.values(p, point).items()}}
         for point, ens in zip(result.design, result.points, strict=True) for row in ens.rows])

    def fill(tmp: Path) -> None:
        with (tmp / "outcomes.csv").open("w", newline="") as f:
            write_outcomes(f, rows)
        first = result.points[0]
        write_series(tmp / "series.npz", first.time_days,
                     {k: np.concatenate([e.series[k] for e in result.points])
                      for k in first.series})

    write_folder(target, {"indices.csv": indices_csv(result), "noise.csv": noise_csv(result),
                          "summary.json": json.dumps(summarise(rows), indent=1) + "\n"}, manifest,
                 (lambda folder: figures(result, folder)) if figures else None,
                 force=force, inputs=inputs, scenario=sc, fill=fill)


def indices_csv(result: Sensitivity) -> str:
    """One row per outcome and parameter: each index and its 95% interval."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    keys = list(next(iter(result.indices.values()))) if result.indices else []
    writer.writerow(["outcome", "parameter", *keys])
    for outcome, found in result.indices.items():
        for i, name in enumerate(result.problem.names):
            writer.writerow([outcome, name, *(f"{found[k][i]:.6g}" for k in keys)])
    return buf.getvalue()


def noise_csv(result: Sensitivity) -> str:
    """Per outcome: the share of its variance over all runs that is seed noise."""
    lines = ["outcome,seed_noise_share"]
    lines += [f"{k},{'' if math.isnan(v) else f'{v:.4g}'}" for k, v in result.noise.items()]
    return "\n".join(lines) + "\n"


def ranking(result: Sensitivity, key: str) -> list[tuple[str, float]]:
    """Parameters by importance for one outcome: mu* (Morris) or the total index (Sobol)."""
    found = result.indices[key]
    score = found["mu_star" if result.method == "morris" else "ST"]
    order = np.argsort(-score, kind="stable")
    return [(result.problem.names[i], float(score[i])) for i in order]


def summary(result: Sensitivity, top: int = 3, keys: Sequence[str] | None = None) -> list[str]:
    """Plain lines: per outcome, the parameters that matter most and the seed-noise share."""
    index = "mu*" if result.method == "morris" else "total index"
    runs = result.points[0].runs
    lines = [f"{result.method.capitalize()}: {len(result.design)} design points x {runs} runs "
             f"of {result.scenario.name}, {len(result.problem.names)} parameters, seed "
             f"{result.seed}; the parameters that matter most ({index}):"]
    labels = result.labels()
    for key in MAIN if keys is None else keys:
        if key not in result.indices:
            continue
        best = ", ".join(f"{name} {value:.3g}" for name, value in ranking(result, key)[:top])
        noise = result.noise[key]
        shown = "n/a" if math.isnan(noise) else f"{noise:.0%}"
        lines.append(f"  {labels[key]}: {best} (seed noise {shown} of the variance)")
    return lines


def discover(source: Ensemble | Path, spec: str, threshold: float | None = None, *,
             about: dict[str, Any], out: Path | None = None, force: bool = False,
             figures: Callable[[Discovery, Path], object] | None = None) -> Discovery:
    """PRIM on a results folder (or an ensemble); with `out`, write peeling.csv, summary.txt,
    manifest and the figure (never into the folder read)."""
    ens = read(source)[0] if isinstance(source, Path) else source
    found = discovering.discover(ens, spec, threshold)
    if out is None:
        return found
    inputs = [ens.folder] if ens.folder else []
    check_target(out, force, inputs)
    table = discovering.trajectory_rows(found)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(table[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: f"{v:.6g}" if isinstance(v, float) else v for k, v in row.items()}
                     for row in table)
    manifest = {**about, "scenario": ens.scenario.name, "source": str(ens.folder or ""),
                "outcome": spec, "threshold": threshold, "runs": ens.runs,
                "chosen_step": found.chosen}
    write_folder(out, {"peeling.csv": buf.getvalue(),
                       "summary.txt": "\n".join(discovering.describe(found)) + "\n"}, manifest,
                 (lambda folder: figures(found, folder)) if figures else None, force=force,
                 inputs=inputs)
    return found
