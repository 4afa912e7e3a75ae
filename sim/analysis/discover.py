"""Scenario discovery: which ranges of the drawn parameters lead to an outcome, found by PRIM
(Friedman and Fisher 1999, peeling only) over the `param.*` columns of a results folder."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import outcomes
from sim.errors import OptionError
from sim.runs.ensemble import Ensemble

#: Share of the box's runs peeled off at each step, and the smallest box kept (share of runs).
PEEL, SUPPORT = 0.05, 0.05
#: A limit is kept when the runs it excludes hold clearly fewer cases (one-sided, this level).
ALPHA = 0.05
COMPARE = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
           "=": operator.eq}
SPEC = re.compile(r"\s*([\w.]+)\s*(<=|>=|<|>|=)?\s*(.*?)\s*")
EXAMPLE = ("e.g. end_state=reintegration, ceasefire_collapsed, agreement=false or "
           "day_half_departed<=5")


@dataclass(frozen=True)
class Box:
    """Limits on some parameters (the others unrestricted), and what the box holds."""

    limits: dict[str, tuple[float, float]]
    coverage: float  # share of all cases that are in the box
    density: float   # share of the box's runs that are cases
    mass: float      # share of all runs in the box


@dataclass(frozen=True)
class Discovery:
    """The outcome sought, the peeling trajectory, the box chosen on it and that box without
    the limits the data do not support (`box`, the one shown)."""

    outcome: str
    names: tuple[str, ...]
    ranges: dict[str, tuple[float, float]]
    base: float
    cases: int
    runs: int
    trajectory: tuple[Box, ...]
    chosen: int
    box: Box


def cases(ens: Ensemble, spec: str) -> tuple[np.ndarray, str]:
    """The runs where the outcome holds (an outcome that never happened counts as not
    holding), and the condition in plain words."""
    found = SPEC.fullmatch(spec)
    name, op, text = found.groups() if found else (spec, None, "")
    if name not in outcomes.names() or (op is None) != (text == ""):
        raise OptionError(f"--outcome {spec}: write an outcome and a condition, {EXAMPLE}")
    o, column = outcomes.outcome(name), ens.column(name)
    if o.kind == "state":
        states = outcomes.states()
        if op != "=" or text not in states:
            raise OptionError(f"--outcome {spec}: write end_state=NAME, NAME one of "
                              f"{', '.join(states)}")
        labels = ens.scenario.params.end_states.labels.model_dump()
        return np.array([v == text for v in column]), f'the end state is "{labels[text]}"'
    if o.kind == "boolean":
        if op not in (None, "=") or text not in ("", "true", "false"):
            raise OptionError(f"--outcome {spec}: {name} is yes/no: write {name}, "
                              f"{name}=true or {name}=false")
        wanted = text != "false"
        return np.array([v is wanted for v in column]), (o.label if wanted
                                                         else f"not {o.label}")
    try:
        limit = float(text)
    except ValueError:
        limit = math.nan
    if op is None or not math.isfinite(limit):
        raise OptionError(f"--outcome {spec}: {name} is a number: compare it with one, "
                          f"e.g. {name}<={text or 5}")
    test = COMPARE[op]
    return (np.array([v is not None and bool(test(v, limit)) for v in column]),
            f"{o.label} {op} {limit:g}")


def parameters(ens: Ensemble) -> dict[str, np.ndarray]:
    """The numeric drawn parameters that vary between runs, by dotted path."""
    out = {}
    for column in ens.rows.names:
        if not column.startswith("param."):
            continue
        values = ens.column(column)
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            array = np.array(values, dtype=float)
            if np.ptp(array) > 0:
                out[column.removeprefix("param.")] = array
    return out


def prim(x: np.ndarray, y: np.ndarray, names: Sequence[str], peel: float = PEEL,
         support: float = SUPPORT) -> list[Box]:
    """The peeling trajectory: from the box holding every run, repeatedly cut the `peel` share
    of runs at one end of one parameter, the cut that leaves the densest box, while the box
    keeps at least `support` of the runs."""
    n, total = len(y), max(int(y.sum()), 1)
    inside = np.ones(n, dtype=bool)
    limits: dict[str, tuple[float, float]] = {}
    boxes = [Box({}, float(y.sum()) / total, float(y.mean()), 1.0)]
    while inside.sum() * (1 - peel) >= support * n:
        best: tuple[float, np.ndarray, str, int] | None = None
        for j, name in enumerate(names):
            for keep in _peels(x[:, j], inside, peel):
                kept = inside & keep
                if kept.any() and (best is None or y[kept].mean() > best[0]):
                    best = (float(y[kept].mean()), kept, name, j)
        if best is None:
            break
        density, inside, name, j = best
        limits = {**limits, name: (float(x[inside, j].min()), float(x[inside, j].max()))}
        boxes.append(Box(limits, float(y[inside].sum()) / total, density,
                         float(inside.mean())))
    return boxes


def _peels(column: np.ndarray, inside: np.ndarray, peel: float) -> list[np.ndarray]:
    """The runs kept by cutting the `peel` share at the bottom, and at the top; where many
    runs share a value (a design's levels) a cut that removes nothing removes that value."""
    col, out = column[inside], []
    for q, keep_low in ((peel, False), (1 - peel, True)):
        cut = np.quantile(col, q)
        keep = column <= cut if keep_low else column >= cut
        if (inside & keep).sum() == inside.sum():
            keep = column < col.max() if keep_low else column > col.min()
        if (inside & keep).sum() < inside.sum():
            out.append(keep)
    return out


def choose(boxes: Sequence[Box], threshold: float | None = None) -> int:
    """The box with the most coverage whose density reaches the threshold (else the densest);
    by default the threshold is 90% of the density of the densest box that still holds at
    least half of the cases (judgement: later boxes buy little density with much coverage,
    and narrow parameters that do not matter)."""
    if threshold is None:
        threshold = 0.9 * max(b.density for b in boxes if b.coverage >= 0.5)
    good = [i for i, b in enumerate(boxes) if b.density >= threshold]
    if good:
        return max(good, key=lambda i: (boxes[i].coverage, -i))
    return max(range(len(boxes)), key=lambda i: (boxes[i].density, -i))


def simplify(x: np.ndarray, y: np.ndarray, names: Sequence[str], box: Box,
             alpha: float = ALPHA) -> Box:
    """The box without the limits the data do not support: one at a time, drop the limit whose
    excluded runs are least clearly fewer cases than the box's (one-sided binomial test; greedy
    peeling on a noisy outcome also trims parameters that do not matter)."""
    from scipy.stats import binomtest

    total, limits = max(int(y.sum()), 1), dict(box.limits)
    while limits:
        worst: tuple[float, str] | None = None
        for name in limits:
            inside = _inside(x, names, limits)
            wider = _inside(x, names, {k: v for k, v in limits.items() if k != name})
            cut = wider & ~inside
            p = binomtest(int(y[cut].sum()), int(cut.sum()), float(y[inside].mean()),
                          alternative="less").pvalue if cut.any() else 1.0
            if worst is None or p > worst[0]:
                worst = (p, name)
        if worst is None or worst[0] <= alpha:
            break
        del limits[worst[1]]
    inside = _inside(x, names, limits)
    return Box(limits, float(y[inside].sum()) / total, float(y[inside].mean()),
               float(inside.mean()))


def _inside(x: np.ndarray, names: Sequence[str], limits: dict[str, tuple[float, float]]
            ) -> np.ndarray:
    inside = np.ones(len(x), dtype=bool)
    for name, (low, high) in limits.items():
        j = list(names).index(name)
        inside &= (x[:, j] >= low) & (x[:, j] <= high)
    return inside


def discover(ens: Ensemble, spec: str, threshold: float | None = None) -> Discovery:
    """PRIM over an ensemble's drawn parameters for the runs where `spec` holds."""
    if threshold is not None and not 0 < threshold <= 1:
        raise OptionError(f"--threshold {threshold}: a density, a share in (0, 1]")
    y, words = cases(ens, spec)
    params = parameters(ens)
    if not params:
        raise OptionError("no parameter varies between these runs: run a scenario with "
                          "uncertain parameters (or a `sim sensitivity` folder)")
    if not 0 < y.sum() < len(y):
        raise OptionError(f"--outcome {spec}: it holds in {int(y.sum())} of {len(y)} runs; "
                          "PRIM needs runs where it holds and runs where it does not")
    names = tuple(params)
    x = np.column_stack([params[n] for n in names])
    boxes = prim(x, y, names)
    chosen = choose(boxes, threshold)
    return Discovery(words, names, {n: (float(v.min()), float(v.max())) for n, v in
                                    params.items()}, float(y.mean()), int(y.sum()), len(y),
                     tuple(boxes), chosen, simplify(x, y, names, boxes[chosen]))


def describe(d: Discovery) -> list[str]:
    """The chosen box in plain words."""
    box, dropped = d.box, len(d.trajectory[d.chosen].limits) - len(d.box.limits)
    lines = [f"Runs where {d.outcome}: {d.cases} of {d.runs} ({d.base:.0%}).",
             f"PRIM's chosen box (step {d.chosen} of {len(d.trajectory) - 1}"
             + (f", {dropped} limit{'s' * (dropped > 1)} the runs do not support dropped"
                if dropped else "") + f") holds {box.mass:.0%} of the runs and "
             f"{box.coverage:.0%} of these cases (coverage); {box.density:.0%} of its runs are "
             f"cases (density), against {d.base:.0%} overall."]
    for name, (low, high) in box.limits.items():
        a, b = d.ranges[name]
        limit = (f"between {low:.4g} and {high:.4g}" if low > a and high < b
                 else f"at least {low:.4g}" if low > a else f"at most {high:.4g}")
        lines.append(f"  {name} {limit} (runs had {a:.4g} to {b:.4g})")
    if not box.limits:
        lines.append("  no limit: no range of the parameters makes it clearly likelier")
    return lines


def trajectory_rows(d: Discovery) -> list[dict[str, Any]]:
    """peeling.csv: each step's coverage, density, mass and limits."""
    return [{"step": i, "coverage": b.coverage, "density": b.density, "mass": b.mass,
             "chosen": i == d.chosen, **{f"{n}_low": b.limits.get(n, d.ranges[n])[0]
                                         for n in d.names},
             **{f"{n}_high": b.limits.get(n, d.ranges[n])[1] for n in d.names}}
            for i, b in enumerate(d.trajectory)]
