"""Heat maps of a two-parameter sweep: one panel per outcome, every cell labelled."""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim import outcomes
from sim.analysis.measures import Measure, number
from sim.analysis.sweep import Sweep
from sim.figures.labels import parameter_label
from sim.figures.style import FONT, OKABE_ITO

Table = list[dict[str, Any]]
MAP = "cividis"  # readable with every common colour blindness, and in grey


def _grid(sw: Sweep, table: Table, column: str, scale: float = 1) -> np.ndarray:
    """A sweep.csv column as a (first axis x second axis) array."""
    shape = tuple(len(a.values) for a in sw.axes)
    return np.array([r[column] for r in table], dtype=float).reshape(shape) * scale


def _panel(ax: Axes, sw: Sweep, values: np.ndarray, text: list[list[str]], title: str,
           vmin: float, vmax: float, unit: str) -> None:
    """One heat map: rows are the first parameter, columns the second, each cell written in."""
    image = ax.imshow(values, cmap=MAP, vmin=vmin, vmax=vmax, aspect="auto", origin="lower")
    cmap = colormaps[MAP]
    small = values.size > 36
    for (i, j), v in np.ndenumerate(values):
        light = np.isnan(v) or np.mean(cmap((v - vmin) / max(vmax - vmin, 1e-12))[:3]) > 0.5
        ax.text(j, i, text[i][j], ha="center", va="center", fontsize=FONT - (3 if small else 2),
                color="black" if light else "white")
    (first, second) = sw.axes
    ax.set_xticks(range(len(second.values)), [str(v) for v in second.values])
    ax.set_yticks(range(len(first.values)), [str(v) for v in first.values])
    ax.set_xlabel(parameter_label(second.path), fontsize=FONT - 1)
    ax.set_ylabel(parameter_label(first.path), fontsize=FONT - 1)
    ax.set_title("\n".join(textwrap.wrap(title, 40)), fontsize=FONT)
    ax.grid(False)
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.85)
    bar.set_label(unit, fontsize=FONT - 2)
    bar.ax.tick_params(labelsize=FONT - 2)


def heat_probabilities(sw: Sweep, table: Table) -> Figure:
    """Probability of each end state and talks outcome over the grid (95% interval below)."""
    states = [f"end_state.{s}" for s in outcomes.states()]
    never = [k for k in states if all(r[k] == 0 for r in table)]
    keys = [k for k in states if k not in never] + list(outcomes.shown("heatmap_probabilities"))
    measures = sw.measures()
    left_out = ", ".join(_title(measures[k]).removeprefix("End state: ") for k in never)
    fig, axes = panels(sw, "How likely each outcome is over the grid (% of replications; "
                           "95% interval below)" + (f"\nNot shown (happened in no run): "
                                                    f"end state {left_out}" if never else ""),
                       len(keys))
    for ax, key in zip(axes, keys, strict=True):
        value, low, high = (_grid(sw, table, c, 100)
                            for c in (key, f"{key}_low", f"{key}_high"))
        text = [[f"{v:.0f}%" + ("" if value.size > 36 else f"\n{lo:.0f}–{hi:.0f}")
                 for v, lo, hi in zip(*rows_, strict=True)]
                for rows_ in zip(value, low, high, strict=True)]
        _panel(ax, sw, value, text, _title(measures[key]), 0, 100, "% of replications")
    return fig


def heat_medians(sw: Sweep, table: Table) -> Figure:
    """Median of the main outcomes over the grid; censored times say in how many runs."""
    keys = outcomes.shown("heatmap_medians")
    fig, axes = panels(sw, "Median outcome over the grid (runs where it happened, if not all)",
                       len(keys))
    measures = sw.measures()
    runs = sw.points[0].ensemble.runs
    for ax, key in zip(axes, keys, strict=True):
        m = measures[key]
        scale = 100 if m.unit == "share" else 1
        value = _grid(sw, table, f"{key}_median", scale)
        happened = _grid(sw, table, f"{key}_happened") if f"{key}_happened" in table[0] else None
        finite = value[np.isfinite(value)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        places = 1 if scale == 100 and high - low < 5 else None
        text = [[_cell(v, None if happened is None else happened[i][j], runs, m, places)
                 for j, v in enumerate(row)] for i, row in enumerate(value)]
        if scale == 100:  # shares on their whole range: 97.5% and 97.9% look alike
            low, high = 0.0, 100.0
        else:
            widths = (_grid(sw, table, f"{key}_median_high", scale)
                      - _grid(sw, table, f"{key}_median_low", scale))
            step = 1.0 if all(_whole(v, m) for v in finite) else 0.1
            low, high = colour_range(low, high, step, widths)
        unit = "% of the population" if scale == 100 else m.unit
        _panel(ax, sw, value, text, f"median {m.label}", low, high, unit)
    return fig


def colour_range(low: float, high: float, step: float,
                 widths: np.ndarray) -> tuple[float, float]:
    """The colour scale's ends: around the medians, at least ten label steps and twice the
    widest 95% interval of a median wide, so cells whose labels read alike, or whose medians
    differ by less than their intervals, look alike (judgement: a tenth of the scale and half
    of it are hard to tell apart at a glance); never below zero for values that are not."""
    finite = widths[np.isfinite(widths)]
    span = max(high - low, 10 * step, 2 * float(finite.max()) if finite.size else 0.0)
    middle = (low + high) / 2
    bottom = middle - span / 2
    if low >= 0 > bottom:
        bottom = 0.0
    return bottom, bottom + span


def panels(sw: Sweep, title: str, count: int) -> tuple[Figure, list[Axes]]:
    """A figure of `count` heat maps, three to a row (two when four fill two rows); rows grow
    with what the registry shows."""
    cols = 2 if count in (2, 4) else 3
    rows = max(1, math.ceil(count / cols))
    fig, axes = figure(sw, title, nrows=rows, ncols=cols,
                       size=(12.5, 4.25 * rows + 0.3))
    for ax in axes[count:]:
        ax.set_visible(False)
    return fig, axes[:count]


def _cell(value: float, happened: float | None, runs: int, m: Measure,
          places: int | None = None) -> str:
    if np.isnan(value):
        return "never"
    whole = _whole(value, m)
    text = number(value, places if places is not None else 0 if whole else 1)
    text += "%" if m.unit == "share" else ""
    return text if happened is None or happened == runs else f"{text}\n({happened:.0f}/{runs})"


def _whole(value: float, m: Measure) -> bool:
    """Whether a cell shows the value without decimals."""
    return m.unit == "share" or float(value).is_integer() or value >= 100


def _title(m: Measure) -> str:
    return m.label.replace("end state ", "End state: ").replace('"', "")



def figure(sw: Sweep, title: str, nrows: int = 1, ncols: int = 1,
           size: tuple[float, float] = (11, 4.8), **grid: Any) -> tuple[Figure, list[Axes]]:
    """A constrained-layout figure with a title and a footnote saying how the sweep was run."""
    fig = Figure(figsize=size, layout="constrained")
    axes = list(fig.subplots(nrows, ncols, squeeze=False, **grid).flat)
    fig.suptitle(title, fontsize=FONT + 2, fontweight="bold")
    ens = sw.points[0].ensemble
    grid_text = " × ".join(a.path for a in sw.axes)
    fig.supxlabel(f"Scenario {sw.scenario.name!r} · grid: {grid_text} · {ens.runs:,} replications "
                  f"per point · seed {ens.seed} (the same random numbers at every point)",
                  fontsize=FONT - 1, color=OKABE_ITO["grey"])
    for ax in axes:
        ax.tick_params(labelsize=FONT - 1)
        ax.grid(alpha=0.3)
    return fig, axes
