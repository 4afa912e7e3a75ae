"""Pick representative replications of an ensemble (typical, best, worst) for a class debrief.

Rules (the same for every scenario, so groups can compare their picks):

- typical: among the replications that ended in the most common end state, the one closest to
  the ensemble's median run. Distance is the root of the summed weighted squared standardised
  differences `(x - median) / sd` over the registry's `TYPICAL` outcomes (share who left,
  casualties, rounds of talks held, ceasefire collapsed 0/1, agreement 0/1, each weight 1); an
  outcome that does not vary is left out.
- best / worst: the least / most harm, where harm = people killed + the registry's
  `LEFT_WEIGHT` × share of the population that left (so with the default 100, one percentage
  point of the population gone weighs as much as one death).

Ties go to the lowest replication number, so a pick never depends on row order.
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim import outcomes
from sim.text import printable_lines

PICKS = ("typical", "best", "worst")
WIDTH = 96  # as the story
Row = dict[str, Any]


@dataclass(frozen=True)
class Pick:
    """A picked replication and a sentence saying why it was picked."""

    which: str
    replication: int
    reason: str


def harm(row: Row, left_weight: float | None = None) -> float:
    """People killed plus `left_weight` (the registry's by default) times the share that left."""
    weight = outcomes.LEFT_WEIGHT if left_weight is None else left_weight
    return float(row["killed_people"]) + weight * float(row["departed_share"])


def distances(rows: Sequence[Row]) -> np.ndarray:
    """Each row's standardised distance from the median over the registry's typical outcomes."""
    total = np.zeros(len(rows))
    for t in outcomes.TYPICAL:
        x = np.array([float(row[t.name]) for row in rows])
        sd = float(x.std())
        if sd > 0:
            total += t.weight * ((x - float(np.median(x))) / sd) ** 2
    return np.sqrt(total)


def typical(rows: Sequence[Row]) -> int:
    """Index (into rows) of the typical replication: the most common end, closest to median."""
    _check(rows)
    common = _most_common_end(rows)
    d = distances(rows)
    keys = [(d[i], row["replication"], i) for i, row in enumerate(rows)
            if row["end_state"] == common]
    return min(keys)[2]


def extreme(rows: Sequence[Row], worst: bool, left_weight: float | None = None) -> int:
    """Index (into rows) of the replication with the least (best) or most (worst) harm."""
    _check(rows)
    sign = -1 if worst else 1
    return min((sign * harm(row, left_weight), row["replication"], i)
               for i, row in enumerate(rows))[2]


def pick(rows: Sequence[Row], which: str, labels: dict[str, str] | None = None,
         left_weight: float | None = None) -> Pick:
    """The replication `which` (typical, best or worst) names, with the reason in words."""
    if which not in PICKS:
        raise ValueError(f"unknown pick {which!r}; choose one of {', '.join(PICKS)}")
    left_weight = outcomes.LEFT_WEIGHT if left_weight is None else left_weight
    labels = labels or {}
    i = typical(rows) if which == "typical" else extreme(rows, which == "worst", left_weight)
    row, n = rows[i], len(rows)
    end = row["end_state"]
    ends = Counter(r["end_state"] for r in rows)
    shown_end = labels.get(end, end.replace("_", " "))
    if which == "typical":
        how = (f"it ended in {shown_end}, like {ends[end]} of the {n} runs (the most common "
               f"end), and is the closest of those to the median run: {_versus(rows, row)}")
    else:
        harms = sorted(harm(r, left_weight) for r in rows)
        how = (f"it did the {'most' if which == 'worst' else 'least'} harm of the {n} runs, "
               f"counting harm as people killed + {left_weight:g} x share who left: "
               f"{row['killed_people']:,} killed + {left_weight:g} x "
               f"{row['departed_share']:.1%} = {harm(row, left_weight):,.1f} (median run "
               f"{float(np.median(harms)):,.1f}, range {harms[0]:,.1f} to {harms[-1]:,.1f}); "
               f"it ended in {shown_end} ({ends[end]} of {n} runs did)")
    return Pick(which, int(row["replication"]),
                f"The {which} run is run {row['replication']}: {how}.")


def _versus(rows: Sequence[Row], row: Row) -> str:
    """This run's typical outcomes next to the ensemble's medians (or shares, for yes/no)."""
    n = len(rows)
    parts = []
    for t in outcomes.TYPICAL:
        if outcomes.outcome(t.name).kind == "boolean":
            k = sum(bool(r[t.name]) for r in rows)
            value: Any = f"{'yes' if row[t.name] else 'no'} ({k} of {n} runs: yes)"
            parts.append(t.words.format(value=value))
        else:
            median = float(np.median([float(r[t.name]) for r in rows]))
            parts.append(t.words.format(value=row[t.name], median=median))
    return ", ".join(parts)


def _most_common_end(rows: Sequence[Row]) -> str:
    """The most frequent end state; a tie goes to the one first in the registry's order."""
    counts = Counter(row["end_state"] for row in rows)
    top = max(counts.values())
    order = {state: k for k, state in enumerate(outcomes.states())}
    return min((s for s, k in counts.items() if k == top), key=lambda s: (order.get(s, 99), s))


def _check(rows: Sequence[Row]) -> None:
    if not rows:
        raise ValueError("no replications to pick from")
    typical = [t.name for t in outcomes.TYPICAL]
    for name in (*typical, "killed_people", "end_state", "replication"):
        if any(row.get(name) is None for row in rows):
            raise ValueError(f"the outcome {name!r} is missing from some replications")
        if name in ("departed_share", "killed_people") and any(
                math.isnan(float(row[name])) for row in rows):
            raise ValueError(f"the outcome {name!r} is not a number in some replications")


def tell_picks(source: Path, picks: Sequence[str], runs: int | None = None,
               seed: int | None = None) -> str:
    """The stories of the picked replications of a results folder or of a scenario file's runs.

    A results folder gives its replications and seed; a scenario file is run here (`runs`,
    `seed`, by default the scenario's) and the picks are told from that ensemble."""
    from sim.analysis.story import tell
    from sim.model.replication import run_replication
    from sim.runs.folder import ResultsError, read

    if source.is_dir():
        if runs is not None or seed is not None:
            raise ResultsError(f"{source}: --runs and --seed apply to a scenario file; a results "
                               "folder already holds its replications")
        ens, _ = read(source)
    else:
        from sim.runs.ensemble import run_ensemble
        from sim.scenario.load import load
        from sim.scenario.workload import check_work

        sc = load(source)
        runs = runs or sc.params.runs
        check_work([(sc, runs)], "quantiles")  # a pick needs the outcomes only
        ens = run_ensemble(sc, runs, sc.params.seed if seed is None else seed,
                           series="quantiles")
    labels = ens.scenario.params.end_states.labels.model_dump()
    told = []
    for which in dict.fromkeys(picks):
        chosen = pick(ens.rows, which, labels)
        rep = run_replication(ens.scenario, chosen.replication, ens.seed)
        told.append(printable_lines(textwrap.fill(chosen.reason, WIDTH)) + "\n\n"
                    + tell(ens.scenario, rep, chosen.replication, ens.seed))
    return f"\n\n{'=' * WIDTH}\n\n".join(told)
