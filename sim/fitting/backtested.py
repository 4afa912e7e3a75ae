"""`sim backtest` from its inputs to its report and folder (backtest.json, figures, manifest)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sim.fitting import backtest as bt
from sim.fitting import calibrate as cal
from sim.fitting import nulls
from sim.fitting import scores as sc
from sim.fitting.jobs import observed
from sim.runs import folder as results
from sim.runs.folder import write_folder
from sim.runs.job import Progress, as_scenario, scenario_inputs, silent
from sim.runs.outpaths import default_out
from sim.scenario.load import Scenario
from sim.scenario.workload import check_work
from sim.text import literal_figure_text, printable

FMT = "%d %b %H:%M"


def run(scenario: Scenario | Path, observed_file: Path, params: Sequence[str],
        keep: float = 0.1, series: str = "departed", column: str | None = None,
        runs: int = 400, generations: int = 1, predictive_runs: int = 200,
        seed: int | None = None, *, about: Mapping[str, Any], workers: int | None = None,
        out: Path | bool | None = None, force: bool = False,
        figures: Callable[[bt.Backtest], Mapping[str, Any]] | None = None,
        progress: Progress = silent) -> bt.Backtest:
    """Check everything, run every origin, and write the folder (with `out`; True: default)."""
    sc.require()
    scen = as_scenario(scenario)
    names = cal.check_params(scen, [p.strip() for p in params if p.strip()])
    cal.check_generations(scen, names, generations)
    data = observed(scen, observed_file, series, column)
    count = len(bt.origins(data))
    check_work([(scen, runs)] * 2 + [(scen, predictive_runs)], workers=workers, kept=3)
    target = default_out("backtest", scen.name) if out is True else out or None
    inputs = [observed_file, *scenario_inputs(scen)]
    if target is not None:
        results.check_target(target, force, inputs)
    seed = scen.params.seed if seed is None else seed
    with progress(count * (runs * (1 + generations) + predictive_runs)) as tick:
        done = bt.backtest(scen, data, names, keep, runs, generations, predictive_runs, seed,
                           series, workers=workers, progress=tick)
    if target is None:
        return done
    manifest = {**about, "scenario": scen.name, "seed": seed, "runs": runs,
                "scenario_sha256": scen.digest(), "observed": str(observed_file),
                "series": series}

    def draw(folder: Path) -> None:
        with literal_figure_text():
            for name, fig in (figures(done) if figures else {}).items():
                fig.savefig(folder / name, dpi=110)

    write_folder(target, {"backtest.json": json.dumps(bt.to_json(done), indent=1) + "\n"},
                 manifest, draw if figures else None, force, inputs, figures_in="")
    return replace(done, folder=target)


def _n(v: float) -> str:
    return f"{v:,.0f}"


def report(b: bt.Backtest) -> str:
    """Each origin's forecast against what followed, the scores of every model, the PIT."""
    obs = b.observed
    start = obs.times[0] - timedelta(days=obs.days[0])
    names = list(nulls.NULLS)
    lines = [f"Backtest of {b.scenario} on {obs.source} ({b.series}, {len(obs.values)} points): "
             f"calibrated on the first k points ({', '.join(b.params)}), forecast of the rest; "
             f"{b.runs} runs a generation, {b.predictive_runs} predictive runs, seed {b.seed}"]
    for o in b.origins:
        lines += [f"  From the first {o.points} points (to {obs.times[o.points - 1]:{FMT}}):",
                  f"    {'time':<13}{'observed':>9}{'median':>9}{'middle 50%':>19}"
                  f"{'middle 90%':>19}" + "".join(f"{n:>16}" for n in names)]
        q = o.quantiles[bt.MODEL]
        for i, (day, value) in enumerate(zip(o.days, o.observed, strict=True)):
            when = start + timedelta(days=day)
            nul = "".join(f"{_n(o.quantiles[n][2][i]) if n in o.quantiles else '—':>16}"
                          for n in names)
            lines.append(f"    {when.strftime(FMT):<13}{_n(value):>9}{_n(q[2][i]):>9}"
                         f"{_n(q[1][i]):>9} – {_n(q[3][i]):<7}{_n(q[0][i]):>9} – "
                         f"{_n(q[4][i]):<7}{nul}")
    lines += ["Scores over every forecast point (CRPS and interval scores in people, lower is "
              "better; inside: share of points in the band; null models state no band)",
              f"  {'':<16}{'points':>7}{'CRPS':>9}{'interval 50%':>14}{'interval 90%':>14}"
              f"{'inside 50%':>12}{'inside 90%':>12}"]
    summary = b.summary()
    for name, s in summary.items():
        lines.append(f"  {name:<16}{s['points']:>7.0f}{_n(s['crps']):>9}"
                     f"{_n(s['interval_50%']):>14}{_n(s['interval_90%']):>14}"
                     f"{s['inside_50%']:>12.0%}{s['inside_90%']:>12.0%}")
    lines.append(verdict(b))
    lines.append("PIT of the model at each forecast point (share of replications below the "
                 "observed value; uniform on 0-1 if calibrated): "
                 + ", ".join(f"{x:.2f}" for x in b.pit()))
    return "\n".join(printable(line) for line in lines)


def versus(b: bt.Backtest) -> dict[str, float]:
    """Per null model, the model's mean CRPS over the null model's mean CRPS, on the points the
    null model could forecast (below 1: the model is better)."""
    out = {}
    for name in nulls.NULLS:
        pairs = [(m, x) for o in b.origins if name in o.scores
                 for m, x in zip(o.scores[bt.MODEL]["crps"], o.scores[name]["crps"], strict=True)]
        if pairs and sum(x for _, x in pairs) > 0:
            out[name] = sum(m for m, _ in pairs) / sum(x for _, x in pairs)
    return out


def verdict(b: bt.Backtest) -> str:
    """Whether the model beats each null model by mean CRPS on the same points, and by how much."""
    ratios = versus(b)
    if not ratios:
        return "No null model could be fitted: nothing to compare the model with."
    parts = [f"{name} {r:.0%}" for name, r in ratios.items()]
    beaten = [n for n, r in ratios.items() if r < 1]
    head = ("The model beats every null model" if len(beaten) == len(ratios) else
            "The model beats none of the null models" if not beaten else
            f"The model beats {', '.join(beaten)} only")
    return (f"{head}: its mean CRPS as a share of each one's, on the points that one forecast: "
            f"{', '.join(parts)}.")
