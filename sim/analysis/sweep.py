"""Sweep one or two parameters over a grid; every grid point runs on the same random numbers."""

from __future__ import annotations

import csv
import io
import itertools
import math
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import outcomes
from sim.analysis.measures import Measure, measures
from sim.runs import stats
from sim.runs.ensemble import Ensemble, Job, run_ensembles
from sim.scenario import limits
from sim.scenario.load import Scenario, ScenarioError
from sim.text import csv_cell, printable

EXAMPLE = "e.g. --set ceasefire.peacekeeper_deterrence=0,0.5,1 or =0:1:5 (start:stop:count)"


@dataclass(frozen=True)
class Axis:
    """One swept parameter (a dotted path) and its values, in order."""

    path: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Point:
    """One grid point: a value per axis, and its ensemble."""

    values: tuple[Any, ...]
    ensemble: Ensemble


@dataclass(frozen=True)
class Sweep:
    """The base scenario, the axes and every grid point (the last axis varies fastest)."""

    scenario: Scenario
    axes: tuple[Axis, ...]
    points: tuple[Point, ...]

    def measures(self) -> dict[str, Measure]:
        """The end states and the outcomes the registry shows in a sweep, by key."""
        labels = self.scenario.params.end_states.labels.model_dump()
        return {m.key: m for m in measures(labels, "sweep", happened=False)}


def parse_set(text: str) -> Axis:
    """`section.param=v1,v2,...` or `section.param=start:stop:count` (both ends included)."""
    path, eq, spec = (part.strip() for part in text.partition("="))
    where = f"--set {text}"
    if not eq or not path or not spec:
        raise ScenarioError(f"{where}: write section.param=values, {EXAMPLE}")
    if ":" in spec and "," not in spec and isinstance(_value(spec), str):
        return Axis(path, _range(where, spec))
    if spec.count(",") >= limits.MAX_AXIS_VALUES:
        raise ScenarioError(f"--set {path}: {spec.count(',') + 1:,} values; at most "
                            f"{limits.MAX_AXIS_VALUES:,} are allowed per parameter")
    values = [_value(v.strip()) for v in spec.split(",")]
    if any(v == "" for v in values):
        raise ScenarioError(f"{where}: an empty value in the list; {EXAMPLE}")
    if len(set(map(repr, values))) < len(values):
        raise ScenarioError(f"{where}: a value appears twice")
    return Axis(path, tuple(values))


def _range(where: str, spec: str) -> tuple[Any, ...]:
    parts = spec.split(":")
    try:
        start, stop = (_number(p) for p in parts[:2])
        count = int(parts[2]) if len(parts) == 3 else 0
    except (ValueError, IndexError):
        count = 0
    if len(parts) != 3 or count < 2 or not all(math.isfinite(x) for x in (start, stop)):
        raise ScenarioError(f"{where}: a range is start:stop:count with finite numbers and a "
                            f"whole count of at least 2, e.g. 0:1:5 for 0, 0.25, 0.5, 0.75, 1")
    if start == stop:
        raise ScenarioError(f"{where}: the range starts and stops at {start:g}")
    if count > limits.MAX_AXIS_VALUES:  # checked before any value is made
        raise ScenarioError(f"{where}: {count:,} values; at most {limits.MAX_AXIS_VALUES:,} are "
                            "allowed per parameter (each is a whole ensemble)")
    whole = all(p.strip().lstrip("+-").isdigit() for p in parts[:2])
    values = [float(f"{v:.12g}") for v in np.linspace(start, stop, count)]
    whole = whole and all(v.is_integer() for v in values)
    return tuple(int(v) if whole else v for v in values)


def _number(text: str) -> float:
    value = _value(text.strip())
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(text)
    return float(value)


def _value(text: str) -> Any:
    """A TOML value (0.5, 1_000, true, "text"); anything else is taken as plain text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):  # RecursionError: [[[... thousands deep
        return text


def grid_size(axes: Sequence[Axis]) -> int:
    """Points of the grid the axes span, refused above `limits.MAX_GRID_POINTS`."""
    size = math.prod(len(a.values) for a in axes)
    if size > limits.MAX_GRID_POINTS:
        raise ScenarioError(f"--set: the grid has {size:,} points; at most "
                            f"{limits.MAX_GRID_POINTS:,} are allowed (each is a whole ensemble)")
    return size


def grid(scenario: Scenario, axes: Sequence[Axis]) -> list[tuple[tuple[Any, ...], Scenario]]:
    """Every grid point's scenario, each checked before anything runs."""
    if len(axes) > 2:
        raise ScenarioError(f"--set is given {len(axes)} times; a sweep takes one or two "
                            "parameters")
    paths = [a.path for a in axes]
    if len(set(paths)) < len(paths):
        raise ScenarioError(f"--set {paths[0]} is given twice")
    grid_size(axes)
    points = []
    for combo in itertools.product(*(a.values for a in axes)):
        shown = ", ".join(f"{p}={v}" for p, v in zip(paths, combo, strict=True))
        points.append((combo, scenario.with_values(dict(zip(paths, combo, strict=True)),
                                                   source=f"{scenario.source} with --set {shown}")))
    return points


def run_sweep(scenario: Scenario, axes: Sequence[Axis],
              points: Sequence[tuple[tuple[Any, ...], Scenario]], runs: int, seed: int,
              workers: int | None = None,
              progress: Callable[[int], None] | None = None,
              chunk_size: int | None = None) -> Sweep:
    """Run every grid point (from `grid`) with one seed, so differences along it are paired,
    all on one pool; `chunk_size` splits points of few runs among the workers (results are
    the same)."""
    ensembles = run_ensembles([Job(sc, runs, seed) for _, sc in points], workers=workers,
                              progress=progress, chunk_size=chunk_size)
    done = [Point(values, ens) for (values, _), ens in zip(points, ensembles, strict=True)]
    return Sweep(scenario, tuple(axes), tuple(done))


def rows(sweep: Sweep) -> list[dict[str, Any]]:
    """sweep.csv: per grid point, each probability (95% Wilson) and median (95% interval)."""
    out = []
    for point in sweep.points:
        row: dict[str, Any] = dict(zip([a.path for a in sweep.axes], point.values, strict=True))
        row["runs"] = point.ensemble.runs
        for key, m in sweep.measures().items():
            values = m.column(point.ensemble)
            if m.kind == "probability":
                p = stats.proportion([bool(v) for v in values])
                row.update({key: p["probability"], f"{key}_low": p["low"],
                            f"{key}_high": p["high"]})
                continue
            median, low, high = stats.median_interval(values)
            row.update({f"{key}_median": median, f"{key}_median_low": low,
                        f"{key}_median_high": high})
            if outcomes.outcome(key).censored:
                row[f"{key}_happened"] = int(np.count_nonzero(~np.isnan(values)))
        out.append(row)
    return out


def sweep_csv(table: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV; empty cells are undefined (an event that never happened)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(table[0]), lineterminator="\n")
    writer.writeheader()
    for row in table:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buf.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6g}"
    if isinstance(value, str):
        return csv_cell(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _short(name: str) -> str:
    o = outcomes.outcome(name)
    return o.short or o.label


def text_table(sweep: Sweep, table: Sequence[dict[str, Any]]) -> str:
    """For the terminal: each grid point's end states and median share gone and casualties."""
    labels = sweep.scenario.params.end_states.labels.model_dump()
    states, medians = outcomes.states(), outcomes.shown("sweep_table")
    heads = ([a.path for a in sweep.axes] + [printable(labels[s]) for s in states]
             + [f"{_short(name)} (median)" for name in medians])
    lines = []
    for row in table:
        cells = [printable(row[a.path]) for a in sweep.axes]
        cells += [f"{row[f'end_state.{s}']:.0%}" for s in states]
        cells += [outcomes.outcome(name).format.format(row[f"{name}_median"])
                  for name in medians]
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(heads)]
    out = [f"{sweep.points[0].ensemble.runs} replications per grid point, seed "
           f"{sweep.points[0].ensemble.seed} (95% intervals in sweep.csv):",
           "  ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True))]
    out += ["  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)) for cells in lines]
    return "\n".join(out)
