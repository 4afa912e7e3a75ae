"""Figures of the differences from the first scenario, each with its 95% interval."""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.analysis.compare import Comparison, Entry
from sim.analysis.measures import FORMATS, Measure
from sim.figures.style import FONT, OKABE_ITO
from sim.runs.stats import MIN_PRESENT


def _rows(comp: Comparison, label: str) -> dict[str, dict[str, Any]]:
    return {r["outcome"]: r for r in comp.rows if r["label"] == label}


def _interval(ax: Axes, y: float, row: dict[str, Any], scale: float, k: int,
              text: str | None = None) -> None:
    """One difference: a dot, its interval as a bar, and the value written beside."""
    d, low, high = (row[c] * scale for c in ("diff", "diff_low", "diff_high"))
    colour = look(k)["color"]
    if math.isnan(d):
        return
    if math.isnan(low):
        ax.plot([d], [y], "o", mfc="white", color=colour, markersize=7)
        return
    ax.errorbar([d], [y], xerr=[[d - low], [high - d]], fmt="o", color=colour, capsize=4,
                markersize=7, linewidth=2)
    if text:
        text = "no difference" if d == low == high == 0 else text
        left = d < 0  # written on the far side from zero
        ax.annotate(text, (low if left else high, y), xytext=(-4 if left else 4, 0),
                    textcoords="offset points", fontsize=FONT - 2, va="center", color=colour,
                    ha="right" if left else "left")


def differences_probabilities(comp: Comparison) -> Figure:
    """Differences in each probability, in percentage points."""
    base = comp.entries[0]
    chosen = [m for m in comp.measures if m.kind == "probability"]
    others = entries_but_first(comp)
    fig, (ax,) = figure(comp, f"How much likelier each outcome is than in {base.label}",
                        size=(11, min(9.5, 1.6 + 0.28 * len(chosen) * max(1.5, len(others)))))
    step = 0.8 / max(1, len(others))
    for j, (k, entry, paired) in enumerate(others):
        rows = _rows(comp, entry.label)
        for i, m in enumerate(chosen):
            row = rows[m.key]
            d = m.decimals(0.0, row["diff"], row["diff"])
            _interval(ax, i + (j - (len(others) - 1) / 2) * step, row, 100, k,
                      m.signed(row["diff"], d))
        ax.plot([], [], "o", color=look(k)["color"],
                label=entry.label + ("" if paired else " (unpaired)"))
    ax.axvline(0, color=OKABE_ITO["black"], linewidth=1)
    ax.set_yticks(np.arange(len(chosen)), [m.label for m in chosen], fontsize=FONT)
    ax.set_ylim(len(chosen) - 0.5, -0.5)
    ax.set_xlabel(f"difference from {base.label} (percentage points; bars: 95% interval)",
                  fontsize=FONT)
    ax.margins(x=0.15)
    ax.legend(loc="best", fontsize=FONT - 1)
    return fig


def differences_amounts(comp: Comparison) -> Figure:
    """Differences in each mean, one small panel per outcome in its own unit."""
    base = comp.entries[0]
    chosen = [m for m in comp.measures if m.kind == "mean"]
    others = entries_but_first(comp)
    ncols = 4
    nrows = math.ceil(len(chosen) / ncols)
    fig, axes = figure(comp, f"How each average differs from {base.label}\n(dot: difference of "
                             "means; bar: its 95% interval; hollow dot: too few runs where it "
                             f"happened for an interval, under {MIN_PRESENT})",
                       ncols=ncols, nrows=nrows,
                       size=(12.5, min(9.5, 1.2 + nrows * (1.3 + 0.3 * len(others)))))
    base_rows = _rows(comp, base.label)
    for ax, m in zip(axes, chosen, strict=False):
        ends = []
        for j, (k, entry, _) in enumerate(others):
            row = _rows(comp, entry.label)[m.key]
            _interval(ax, j, row, _scale(m), k)
            ends += [row["diff"], row["diff_low"], row["diff_high"]]
        ax.axvline(0, color=OKABE_ITO["black"], linewidth=1)
        ax.set_yticks(range(len(others)), [e.label for _, e, _ in others], fontsize=FONT - 1)
        ax.set_ylim(len(others) - 0.5, -0.5)
        title = "\n".join(textwrap.wrap(m.label, 34))
        ax.set_title(f"{title}\n{base.label}: {m.show(base_rows[m.key]['value'])}",
                     fontsize=FONT - 1)
        ax.set_xlabel(f"difference ({_unit(m)})", fontsize=FONT - 1)
        ax.margins(x=0.2)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}"))
        _zero_in_view(ax, all(v == 0 or math.isnan(v) for v in ends))
    for ax in axes[len(chosen):]:
        ax.set_visible(False)
    for ax in axes[1:]:
        if axes.index(ax) % ncols:
            ax.tick_params(labelleft=False)
    return fig


def _scale(m: Measure) -> float:
    return 100.0 if FORMATS[m.unit][2] else 1.0


def _unit(m: Measure) -> str:
    return "percentage points" if m.unit == "share" else m.unit


def _zero_in_view(ax: Axes, all_zero: bool) -> None:
    """Keep zero on the axis, so a difference is read against no difference."""
    low, high = ax.get_xlim()
    span = high - low
    if all_zero:
        ax.set_xlim(-1, 1)
    else:
        ax.set_xlim(min(low, -0.1 * span), max(high, 0.1 * span))


#: Okabe-Ito colours and line styles, one pair per scenario, so print in grey still tells them.
COLOURS = [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky",
                                  "black", "grey")]
STYLES = ["-", "--", "-.", ":"]


def look(k: int) -> dict[str, Any]:
    """Colour and line style of the k-th scenario."""
    return {"color": COLOURS[k % len(COLOURS)], "linestyle": STYLES[k % len(STYLES)]}


def figure(comp: Comparison, title: str, ncols: int = 1, nrows: int = 1,
           size: tuple[float, float] = (11, 5), **grid: Any) -> tuple[Figure, list[Axes]]:
    """A constrained-layout figure with a title and a footnote saying what was compared."""
    fig = Figure(figsize=size, layout="constrained")
    axes = list(fig.subplots(nrows, ncols, squeeze=False, **grid).flat)
    fig.suptitle(title, fontsize=FONT + 2, fontweight="bold")
    fig.supxlabel(footnote(comp), fontsize=FONT - 1, color=OKABE_ITO["grey"])
    for ax in axes:
        ax.tick_params(labelsize=FONT - 1)
        ax.grid(alpha=0.3)
    return fig, axes


def footnote(comp: Comparison) -> str:
    runs = sorted({e.ensemble.runs for e in comp.entries})
    seeds = sorted({e.ensemble.seed for e in comp.entries})
    how = "paired (common random numbers)" if all(comp.paired) else "NOT all paired"
    counts = "/".join(f"{r:,}" for r in runs)
    return f"{counts} replications each · seed {'/'.join(map(str, seeds))} · {how}"


def entries_but_first(comp: Comparison) -> list[tuple[int, Entry, bool]]:
    """(colour index, entry, paired) of every scenario compared with the first."""
    return [(k, e, p) for k, (e, p) in enumerate(zip(comp.entries, comp.paired, strict=True))
            if k > 0]
