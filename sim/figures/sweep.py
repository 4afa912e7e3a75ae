"""Figures of a sweep: each main outcome against one parameter (lines) or two (heat maps)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from sim import outcomes
from sim.analysis.measures import Measure
from sim.analysis.sweep import Sweep
from sim.figures.compare import TICKS, ecdf
from sim.figures.heatmaps import (
    MAP,
    Table,
    figure,
    heat_medians,
    heat_probabilities,
)
from sim.figures.labels import parameter_label
from sim.figures.style import FONT, OKABE_ITO, STATE_COLOURS, save_figures

#: Colours of the talks' outcomes (end states have theirs); any other outcome is sky blue.
OTHER_COLOURS = {"agreement": OKABE_ITO["green"], "talks_broken": OKABE_ITO["purple"]}


def save_sweep_figures(sw: Sweep, table: Table, folder: Path) -> list[Path]:
    """Draw the sweep's figures (from it and its sweep.csv rows) into `folder` as PNG files."""
    drawers: dict[str, Any] = (
        {"probabilities": probabilities, "medians": medians, "distributions": distributions}
        if len(sw.axes) == 1 else
        {"probabilities": heat_probabilities, "medians": heat_medians})
    return save_figures(folder, drawers, sw, table)


def _x(sw: Sweep) -> tuple[np.ndarray, list[str]]:
    """Positions along the axis: the values if they are numbers, else 0, 1, 2, ..."""
    values = sw.axes[0].values
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    xs = np.array(values, dtype=float) if numeric else np.arange(len(values), dtype=float)
    return xs, [_shown(v) for v in values]


def _shown(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else f"{value:,.6g}" if isinstance(
        value, float) else str(value)


def _x_axis(ax: Axes, sw: Sweep, label: bool = True) -> None:
    xs, labels = _x(sw)
    if len(xs) <= 12:
        ax.set_xticks(xs, labels)
    if label:
        ax.set_xlabel(parameter_label(sw.axes[0].path), fontsize=FONT)


def probabilities(sw: Sweep, table: Table) -> Figure:
    """End states and the talks' outcome against the parameter, with 95% Wilson bands."""
    p = sw.scenario.params
    fig, axes = figure(sw, f"How it ends for {p.names.region}, by "
                           f"{parameter_label(sw.axes[0].path)}",
                       ncols=2, sharey=True)
    xs, m = _x(sw)[0], sw.measures()
    titles = ("End state by the horizon (bands: 95% interval)", "Talks")
    shown = ([f"end_state.{s}" for s in outcomes.states()],
             outcomes.shown("sweep_probabilities"))
    for ax, keys, title in zip(axes, shown, titles, strict=True):
        for key in keys:
            colour = STATE_COLOURS.get(key.removeprefix("end_state."),
                                       OTHER_COLOURS.get(key, OKABE_ITO["sky"]))
            value, low, high = (np.array([r[k] for r in table]) * 100
                                for k in (key, f"{key}_low", f"{key}_high"))
            ax.fill_between(xs, low, high, color=colour, alpha=0.2, linewidth=0)
            ax.plot(xs, value, "o-", color=colour, linewidth=2, label=_short(m[key]))
        ax.set_title(title, fontsize=FONT)
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(PercentFormatter())
        _x_axis(ax, sw)
        ax.legend(fontsize=FONT - 1, loc="best")
    axes[0].set_ylabel("probability (% of replications)", fontsize=FONT)
    return fig


def _short(m: Measure) -> str:
    return m.label.removeprefix("end state ").strip('"')


def medians(sw: Sweep, table: Table) -> Figure:
    """Each outcome against the parameter: every replication as a dot, the median as a line."""
    keys = outcomes.shown("sweep_medians")
    rows = max(1, math.ceil(len(keys) / 3))  # three panels a row, as many rows as needed
    fig, axes = figure(sw, f"Main outcomes by {parameter_label(sw.axes[0].path)}: each "
                           "replication (dot), median (line), its 95% interval (band)",
                       nrows=rows, ncols=3, size=(12.5, 3 * rows))
    (xs, _), m = _x(sw), sw.measures()
    jitter = np.random.default_rng(0).uniform(-1, 1, sw.points[0].ensemble.runs)
    width = 0.15 * (np.min(np.diff(xs)) if xs.size > 1 else 1)
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    for i, (ax, key) in enumerate(zip(axes[:len(keys)], keys, strict=True)):
        measure, scale = m[key], 100 if m[key].unit == "share" else 1
        for x, point in zip(xs, sw.points, strict=True):
            y = measure.column(point.ensemble) * scale
            ax.scatter(x + width * jitter[:y.size], y, s=6, color=OKABE_ITO["blue"], alpha=0.25,
                       linewidth=0)
        value, low, high = (np.array([r[k] for r in table], dtype=float) * scale
                            for k in (f"{key}_median", f"{key}_median_low",
                                      f"{key}_median_high"))
        ax.fill_between(xs, low, high, color=OKABE_ITO["orange"], alpha=0.35, linewidth=0)
        ax.plot(xs, value, "o-", color=OKABE_ITO["vermillion"], linewidth=2)
        ax.set_title(measure.label, fontsize=FONT)
        ax.set_ylabel("% of the population" if scale == 100 else measure.unit, fontsize=FONT - 1)
        if any(r.get(f"{key}_happened", r["runs"]) < r["runs"] for r in table):
            for x, r in zip(xs, table, strict=True):
                ax.annotate(f"{r[f'{key}_happened']}/{r['runs']}", (x, 1), xytext=(0, -2),
                            xycoords=("data", "axes fraction"), textcoords="offset points",
                            ha="center", va="top", fontsize=FONT - 3, color=OKABE_ITO["grey"])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}"))
        span = float(np.ptp(xs)) or 1.0  # every panel the same range, censored ends too
        ax.set_xlim(xs.min() - 0.08 * span, xs.max() + 0.08 * span)
        _x_axis(ax, sw, label=i + 3 >= len(keys))
    return fig


def distributions(sw: Sweep, table: Table) -> Figure:
    """ECDFs at each value of the parameter: both modes of a bimodal outcome stay visible."""
    fig, axes = figure(sw, "Spread of outcomes across replications, by "
                           f"{parameter_label(sw.axes[0].path)}", ncols=3, size=(12.5, 5))
    colours = colormaps[MAP](np.linspace(0, 0.9, len(sw.points)))
    panels = (("departed_share", 100, "share of the population that has left (%)"),
              ("casualties", 1, "killed and wounded by the horizon (people)"),
              ("mean_wait_hours", 1, "mean wait at the exit road (hours)"))
    labels = _x(sw)[1]
    for ax, (key, scale, xlabel) in zip(axes, panels, strict=True):
        for colour, label, point in zip(colours, labels, sw.points, strict=True):
            ecdf(ax, point.ensemble.column(key), scale, color=colour, label=label)
        ax.set_xlabel(xlabel, fontsize=FONT - 1)
        ax.set_title(sw.measures()[key].label, fontsize=FONT)
    axes[0].xaxis.set_major_formatter(PercentFormatter())
    axes[1].set_xscale("symlog", linthresh=1, linscale=0.3)
    axes[1].set_xticks([t for t in TICKS if t <= max(1, axes[1].get_xlim()[1])])
    axes[1].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    axes[1].set_xlim(left=0)
    axes[0].set_ylabel("share of replications with x or less (%)", fontsize=FONT)
    axes[2].legend(title=parameter_label(sw.axes[0].path), fontsize=FONT - 1,
                   title_fontsize=FONT - 1, loc="lower right")
    return fig
