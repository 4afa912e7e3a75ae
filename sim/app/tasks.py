"""What a worker process does for a page: run an ensemble through the Python API and bring
back only what the page shows (end states, fans, survival, stories, paired differences)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import sim
from sim import outcomes
from sim.analysis.compare import Comparison
from sim.analysis.pick import pick
from sim.analysis.report import table
from sim.analysis.story import tell
from sim.app.work import progress
from sim.runs.ensemble import FAN
from sim.runs.stats import proportion

#: Stories told on the page, the typical run first.
PICKS = ("typical", "worst")
#: Runs between two reports of progress (the results do not depend on it).
CHUNK = 10


@dataclass(frozen=True)
class Result:
    """What a page shows of one ensemble (and of its comparison with the baseline, if any)."""

    name: str
    runs: int
    labels: dict[str, str]
    end_states: dict[str, dict[str, float]]
    table: str
    days: list[float]
    departed: dict[str, list[float]]   # fan of the share who left: q05, q25, q50, q75, q95
    holding: list[float]               # share of runs whose ceasefire still holds, each day
    no_agreement: list[float]          # share of runs still without agreement, each day
    stories: dict[str, str]
    differences: tuple[str, ...] = ()  # plain lines: each difference clear at 95%
    largest: tuple[str, ...] = ()      # the clearest differences, for the class chart
    ensemble: Any = None               # kept for a class (the baseline's, to pair with)


def explore(sc: sim.Scenario, runs: int, seed: int, baseline: sim.Scenario | None) -> Result:
    """One scenario's ensemble and stories; with a baseline, paired differences from it."""
    ens = sim.run(sc, runs, seed, workers=1, executor="serial", progress=progress,
                  figures=False, chunk_size=CHUNK)
    comp = None
    if baseline is not None:
        base = sim.run(baseline, runs, seed, workers=1, executor="serial", progress=progress,
                       figures=False, chunk_size=CHUNK)
        comp = sim.compare([base, ens], progress=False, figures=False)
    return _result(ens, comp)


def team(sc: sim.Scenario, runs: int, seed: int, base: sim.Ensemble | sim.Scenario) -> Result:
    """A team's what-if against the class baseline, on the same random numbers."""
    if isinstance(base, sim.Scenario):
        base = sim.run(base, runs, seed, workers=1, executor="serial", progress=progress,
                       figures=False, chunk_size=CHUNK)
    ens = sim.run(sc, runs, seed, workers=1, executor="serial", progress=progress,
                  figures=False, chunk_size=CHUNK)
    result = _result(ens, sim.compare([base, ens], progress=False, figures=False))
    return Result(**{**result.__dict__, "ensemble": ens})


def class_results(ensembles: list[sim.Ensemble], out: Path) -> list[str]:
    """The `sim compare` results folder of the whole class (baseline first), with figures."""
    comp = sim.compare(ensembles, out=out, force=True, progress=False,
                       command="sim serve: the class results")
    return comp.summary()


def baseline(sc: sim.Scenario, runs: int, seed: int) -> Result:
    """The class baseline, kept whole so that every team pairs with it."""
    ens = sim.run(sc, runs, seed, workers=1, executor="serial", progress=progress,
                  figures=False, chunk_size=CHUNK)
    result = _result(ens, None)
    return Result(**{**result.__dict__, "ensemble": ens})


def _result(ens: sim.Ensemble, comp: Comparison | None) -> Result:
    labels = ens.scenario.params.end_states.labels.model_dump()
    states = ens.column("end_state")
    days = ens.time_days
    fan = _departed_share_fan(ens)
    told = {}
    for which in PICKS:
        chosen = pick(ens.rows, which, labels)
        rep = sim.run_replication(ens.scenario, chosen.replication, ens.seed)
        told[which] = chosen.reason + "\n\n" + tell(ens.scenario, rep, chosen.replication,
                                                    ens.seed)
    lines, largest = _differences(comp)
    return Result(
        name=ens.scenario.name, runs=ens.runs, labels=labels,
        end_states={s: proportion([v == s for v in states]) for s in outcomes.states()},
        table=table(ens.rows, labels), days=[float(d) for d in days],
        departed={f"q{round(q * 100):02d}": [float(v) for v in row]
                  for q, row in zip(FAN, fan, strict=True)},
        holding=_still(ens.column("collapse_day"), days),
        no_agreement=_still(ens.column("agreement_day"), days),
        stories=told, differences=lines, largest=largest)


def _departed_share_fan(ens: sim.Ensemble) -> np.ndarray:
    """Quantiles over runs of the share who have left, each run over its own population."""
    s = ens.series
    at_start = s["residents"][:, :1] + s["waiting"][:, :1] + s["departed"][:, :1]
    share = s["departed"] / np.maximum(at_start, 1)
    return np.quantile(share, FAN, axis=0)


def _still(when: list[Any], days: np.ndarray) -> list[float]:
    """Share of runs in which it has not happened yet, at each record time."""
    at = np.array([np.inf if w is None else float(w) for w in when])
    return [float(np.mean(at > d)) for d in days]


def _differences(comp: Comparison | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The compare summary's lines (each clear difference, its test and how many pairs differ),
    and the team's `--brief` line: its largest clear changes in plain words, for the class chart."""
    if comp is None:
        return (), ()
    other = comp.entries[1].label
    lines, mine = comp.brief(), list[str]()
    for line in lines:
        if line.startswith(f"{other}: ") or (mine and line.startswith("  ")):
            mine.append(line)
        elif mine:
            break
    return tuple(comp.summary()), tuple(mine)
