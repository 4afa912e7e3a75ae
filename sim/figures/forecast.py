"""Figures of a backtest: each origin's forecast against what followed, and the PIT histogram."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from sim.figures.style import FONT, OKABE_ITO
from sim.fitting.backtest import MODEL, Backtest
from sim.fitting.nulls import NULLS

NULL_STYLE = dict(zip(NULLS, (("orange", "s"), ("green", "^"), ("purple", "D")), strict=True))


def forecasts(b: Backtest) -> Figure:
    """One panel per origin: the points calibrated on (filled), those left out (open), the
    model's median with its 50% and 90% bands, and each null model's forecast."""
    obs = b.observed
    n = len(b.origins)
    cols = min(n, 2 if n <= 4 else 3)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(4.2 * cols, 3.6 * rows + 0.8), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True).ravel()
    times = np.array([t.replace(tzinfo=None) for t in obs.times], dtype="datetime64[us]")
    start = obs.times[0] - timedelta(days=obs.days[0])
    values = obs.value_array
    for ax, o in zip(axes, b.origins, strict=False):
        k = o.points
        ahead = times[k:]
        q = np.array(o.quantiles[MODEL])
        blue = OKABE_ITO["blue"]
        ax.vlines(ahead, q[0], q[4], color=blue, alpha=0.35, linewidth=8, label="model: 90%")
        ax.vlines(ahead, q[1], q[3], color=blue, alpha=0.7, linewidth=8, label="model: 50%")
        ax.plot(np.concatenate([times[k - 1:k], ahead]), np.concatenate([values[k - 1:k], q[2]]),
                "-", color=blue, label="model: median")
        for name, (colour, marker) in NULL_STYLE.items():
            if name in o.quantiles:
                ax.plot(ahead, o.quantiles[name][2], marker, color=OKABE_ITO[colour],
                        markersize=5, label=name, linestyle="none")
        ax.plot(times[:k], values[:k], "o", color="black", label="calibrated on")
        ax.plot(ahead, values[k:], "o", markerfacecolor="white", color="black",
                label="left out")
        ax.set_title(f"from the first {k} points", fontsize=FONT)
        ax.set_xticks(times[sorted({0, len(times) // 2, len(times) - 1})])
        ax.xaxis.set_major_formatter(DateFormatter("%d %b\n%H:%M"))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.tick_params(labelsize=FONT - 2)
    for ax in axes[n:]:
        ax.set_visible(False)
    axes[0].set_ylabel(f"{b.series} (people)", fontsize=FONT)
    handles, labels = axes[0].get_legend_handles_labels()
    for name, (colour, marker) in NULL_STYLE.items():
        if name not in labels:
            handles.append(Line2D([], [], marker=marker, color=OKABE_ITO[colour],
                                  linestyle="none"))
            labels.append(name)
    axes[0].legend(handles, labels, fontsize=FONT - 3, loc="upper left")
    fig.suptitle(f"{b.scenario}: each origin's forecast against what followed "
                 f"({start.tzname()})", fontsize=FONT + 1)
    return fig


def pit_histogram(b: Backtest) -> Figure:
    """The model's PIT values: a flat histogram if its bands are right, a U if too narrow, a
    hump if too wide, piled to one side if biased."""
    pits = b.pit()
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    bins = 5 if len(pits) >= 10 else 4
    ax.hist(pits, bins=bins, range=(0, 1), color=OKABE_ITO["blue"], edgecolor="white")
    ax.axhline(len(pits) / bins, color="black", linestyle="--", linewidth=1,
               label="what a calibrated forecast gives on average")
    ax.set_xlim(0, 1)
    ax.set_xlabel("PIT: share of replications below the observed value", fontsize=FONT)
    ax.set_ylabel("forecast points", fontsize=FONT)
    ax.set_title(f"{b.scenario}: PIT of the backtest's {len(pits)} forecast points",
                 fontsize=FONT)
    ax.legend(fontsize=FONT - 2)
    return fig


def backtest_figures(b: Backtest) -> dict[str, Figure]:
    """What `sim backtest` draws."""
    return {"forecasts.png": forecasts(b), "pit.png": pit_histogram(b)}
