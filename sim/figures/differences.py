"""Figures of the differences from the first scenario, each with its 95% interval."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

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
                    textcoords="offset points", fontsize=FONT - 2, va="center",
                    color=darker(colour), ha="right" if left else "left")


def differences_probabilities(comp: Comparison) -> Figure:
    """Differences in each probability, in percentage points."""
    base = comp.entries[0]
    chosen, same = distinct(comp, [m for m in comp.measures if m.kind == "probability"])
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
    ax.set_yticks(np.arange(len(chosen)), [m.label + (f"\n(= {same[m.key]})" if m.key in same
                                                      else "") for m in chosen], fontsize=FONT)
    ax.set_ylim(len(chosen) - 0.5, -0.5)
    ax.set_xlabel(f"difference from {base.label} (percentage points; bars: 95% interval)",
                  fontsize=FONT)
    ax.margins(x=0.15)
    ax.legend(loc="best", fontsize=FONT - 1)
    return fig


def differences_amounts(comp: Comparison) -> Figure:
    """Differences in each mean on one shared scale, the standard deviation of the first
    scenario's replications; each is written beside in its own unit."""
    base = comp.entries[0]
    chosen = [m for m in comp.measures if m.kind == "mean"]
    others = entries_but_first(comp)
    fig, (ax,) = figure(comp, f"How each average differs from {base.label}",
                        size=(11, min(15, 2 + 0.3 * len(chosen) * max(1.5, len(others)))))
    step = 0.8 / max(1, len(others))
    base_rows = _rows(comp, base.label)
    for j, (k, entry, paired) in enumerate(others):
        rows = _rows(comp, entry.label)
        for i, m in enumerate(chosen):
            row = rows[m.key]
            d = m.decimals(0.0, row["diff"], row["diff"])
            _interval(ax, i + (j - (len(others) - 1) / 2) * step, row,
                      1 / spread(comp, m), k, m.signed(row["diff"], d))
        ax.plot([], [], "o", color=look(k)["color"],
                label=entry.label + ("" if paired else " (unpaired)"))
    ax.axvline(0, color=OKABE_ITO["black"], linewidth=1)
    ax.set_yticks(np.arange(len(chosen)),
                  [f"{m.label}\n{base.label}: {m.show(base_rows[m.key]['value'])}"
                   for m in chosen], fontsize=FONT - 1)
    ax.set_ylim(len(chosen) - 0.5, -0.5)
    ax.set_xlabel(f"difference of means, in standard deviations of {base.label}'s replications "
                  "(bars: 95% interval;\nwritten beside: the difference in the outcome's own "
                  f"unit; hollow dot: under {MIN_PRESENT} runs where it happened)",
                  fontsize=FONT - 1)
    ax.margins(x=0.2)
    _zero_in_view(ax, False)
    ax.legend(loc="best", fontsize=FONT - 1)
    return fig


def spread(comp: Comparison, m: Measure) -> float:
    """The standard deviation of a measure over the first scenario's replications (over all
    scenarios' if that is zero, and 1 if they too are all alike): the unit of the shared scale."""
    for entries in (comp.entries[:1], comp.entries):
        values = np.concatenate([m.column(e.ensemble) for e in entries])
        values = values[~np.isnan(values)]
        sd = float(values.std(ddof=1)) if values.size > 1 else 0.0
        if sd > 0:
            return sd
    return 1.0


def distinct(comp: Comparison, measures: list[Measure]) -> tuple[list[Measure], dict[str, str]]:
    """The measures without those equal to an earlier one in every run of every scenario (as
    "renewed war" is "ceasefire collapse"), and for each kept key the labels it stands for."""
    kept: list[Measure] = []
    same: dict[str, str] = {}
    columns = {m.key: np.concatenate([m.column(e.ensemble) for e in comp.entries])
               for m in measures}
    for m in measures:
        twin = next((k for k in kept if np.array_equal(columns[k.key], columns[m.key],
                                                       equal_nan=True)), None)
        if twin is None:
            kept.append(m)
        else:
            same[twin.key] = ", ".join(filter(None, [same.get(twin.key), m.label]))
    return kept, same


def darker(colour: str) -> str:
    """The colour at 60% brightness: Okabe-Ito orange or pink text is too pale on white."""
    rgb = [int(colour[i:i + 2], 16) * 0.6 for i in (1, 3, 5)]
    return "#" + "".join(f"{round(v):02x}" for v in rgb)


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
