"""Figures of a comparison: each scenario in its own colour and line style, on shared axes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator, PercentFormatter
from matplotlib.transforms import blended_transform_factory

from sim import outcomes
from sim.analysis.compare import Comparison
from sim.figures.differences import (
    COLOURS,
    differences_amounts,
    differences_probabilities,
    figure,
    look,
)
from sim.figures.spread import share_spread
from sim.figures.standard import happened, not_shown, share_axis, survival_curve
from sim.figures.style import FONT, OKABE_ITO, date_axis, save_figures, to_dates
from sim.figures.style import ecdf as draw_ecdf
from sim.runs.stats import present, proportion

HATCHES = ["//", "\\\\", "xx", ".."]
TICKS = [0, 1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]


def save_comparison_figures(comp: Comparison, folder: Path) -> list[Path]:
    """Draw every comparison figure into `folder` as PNG files and return their paths."""
    return save_figures(folder, {"end_states": end_states, "departures": departures,
                                 "distributions": distributions, "survival": survival,
                                 "differences_probabilities": differences_probabilities,
                                 "differences_amounts": differences_amounts}, comp)


def end_states(comp: Comparison) -> Figure:
    """Probability of each end state, scenarios side by side, with 95% Wilson intervals."""
    p = comp.entries[0].ensemble.scenario.params
    states, missing = happened(outcomes.states(),
                               [e.ensemble.column("end_state") for e in comp.entries])
    fig, (ax,) = figure(comp, f"How it ends for {p.names.region} by day {p.horizon_days:g}, "
                              "by scenario", size=(11, 2.4 + 0.3 * len(comp.entries) * len(states)))
    k = len(comp.entries)
    height = 0.8 / k
    text_x = blended_transform_factory(ax.transAxes, ax.transData)
    for j, entry in enumerate(comp.entries):
        column = entry.ensemble.column("end_state")
        stats = [proportion([v == s for v in column]) for s in states]
        ys = np.arange(len(states)) + (j - (k - 1) / 2) * height
        prob = np.array([s["probability"] for s in stats]) * 100
        err = np.array([[s["probability"] - s["low"], s["high"] - s["probability"]]
                        for s in stats]).T * 100
        ax.barh(ys, prob, height=height * 0.9, color=COLOURS[j % len(COLOURS)],
                label=entry.label, hatch=["", "//", "..", "xx"][j % 4], edgecolor="white")
        ax.errorbar(prob, ys, xerr=err, fmt="none", ecolor=OKABE_ITO["black"], capsize=3)
        for y, s in zip(ys, stats, strict=True):
            ax.text(1.01, float(y), f"{s['probability']:.0%} ({s['count']:,} of {s['n']:,})",
                    transform=text_x, va="center", fontsize=FONT - 1)
    labels = [getattr(p.end_states.labels, s) for s in states]
    ax.set_yticks(np.arange(len(labels)), labels, fontsize=FONT)
    not_shown(ax, [getattr(p.end_states.labels, s) for s in missing],
              min(e.ensemble.runs for e in comp.entries))
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(PercentFormatter())
    ax.set_xlabel("probability (% of replications); black bars: 95% interval", fontsize=FONT)
    ax.set_ylabel("end state", fontsize=FONT)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=min(k, 5), fontsize=FONT - 1,
              frameon=False)
    return fig


def departures(comp: Comparison) -> Figure:
    """Cumulative departures over time (median and middle half) and the final share (ECDF)."""
    p = comp.entries[0].ensemble.scenario.params
    fig, (left, right) = figure(comp, f"How many of {p.names.population} have left, by scenario",
                                ncols=2, width_ratios=(1.5, 1))
    for k, entry in enumerate(comp.entries):
        ens = entry.ensemble
        q25, q50, q75 = ens.fan("departed", (0.25, 0.5, 0.75))
        dates = to_dates(ens.scenario.params.start, ens.time_days)
        band(left, dates, q25, q75, k)
        left.plot(dates, q50, linewidth=2, label=entry.label, **look(k))
    left.set_title("Left so far: median (line) and middle 50% of replications (band)",
                   fontsize=FONT)
    left.set_ylabel("people who have left", fontsize=FONT)
    left.set_ylim(bottom=0)
    left.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    date_axis(left, p.start, p.horizon_days)
    left.legend(loc="lower right", fontsize=FONT - 1)
    share_spread(right, [(e.label, e.ensemble, look(k)) for k, e in enumerate(comp.entries)])
    return fig


def band(ax: Axes, x: np.ndarray, low: np.ndarray, high: np.ndarray, k: int) -> None:
    """The first scenario's band filled, the others hatched in outline: no mixed colours."""
    colour = look(k)["color"]
    if k == 0:
        ax.fill_between(x, low, high, color=colour, alpha=0.2, linewidth=0)
    else:
        ax.fill_between(x, low, high, facecolor="none", edgecolor=colour, alpha=0.7,
                        hatch=HATCHES[(k - 1) % len(HATCHES)], linewidth=1)


def ecdf(ax: Axes, values: list[Any], scale: float = 1, **style: Any) -> int:
    """Share of replications at or below x (values present only); returns how many."""
    x = present(values) * scale
    x = x[~np.isnan(x)]
    if x.size:
        draw_ecdf(ax, x, linewidth=2, **style)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1))
    return int(x.size)


def distributions(comp: Comparison) -> Figure:
    """ECDFs of the share gone, the casualties and the wait: both modes of a bimodal outcome."""
    fig, axes = figure(comp, "How outcomes vary across replications (the height of a curve at x "
                             "is the share of replications with x or less)", ncols=3,
                       size=(12.5, 5))
    share_spread(axes[0], [(e.label, e.ensemble, look(k)) for k, e in enumerate(comp.entries)])
    for k, entry in enumerate(comp.entries):
        ecdf(axes[1], entry.ensemble.column("casualties"), label=entry.label, **look(k))
        waits = entry.ensemble.column("mean_wait_hours")
        n = sum(w is not None for w in waits)
        label = entry.label + ("" if n == len(waits) else f" ({n:,} of {len(waits):,} runs)")
        ecdf(axes[2], waits, label=label, **look(k))
    axes[1].set_xscale("symlog", linthresh=1, linscale=0.3)
    axes[1].xaxis.set_major_locator(FixedLocator(TICKS))
    axes[1].xaxis.set_minor_locator(NullLocator())
    axes[1].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    axes[1].set_xlim(left=0)
    axes[1].set_title("Casualties (log scale)", fontsize=FONT)
    axes[1].set_xlabel("killed and wounded by the horizon (people)", fontsize=FONT)
    axes[2].set_title("Wait to cross (runs where anyone crossed)", fontsize=FONT)
    axes[2].set_xlabel("mean wait at the exit road (hours)", fontsize=FONT)
    axes[2].set_xlim(left=0)
    axes[0].set_ylabel("share of replications at or below (%)", fontsize=FONT)
    axes[1].set_ylabel("")
    axes[2].legend(loc="lower right", fontsize=FONT - 1)
    return fig


def survival(comp: Comparison) -> Figure:
    """Share of replications in which the ceasefire still holds / agreement is not yet reached."""
    p = comp.entries[0].ensemble.scenario.params
    fig, axes = figure(comp, "Does the ceasefire hold, and is there an agreement yet?",
                       ncols=2, sharey=True)
    panels = (("collapse_day", "Ceasefire still holding (no collapse yet)"),
              ("agreement_day", f"Agreement not yet reached between {p.names.government}"
                                f"\nand {p.names.separatists}"))
    lowest = 100.0
    for ax, (outcome, title) in zip(axes, panels, strict=True):
        for k, entry in enumerate(comp.entries):
            sp = entry.ensemble.scenario.params
            days, alive = survival_curve(entry.ensemble.column(outcome), sp.horizon_days)
            ax.step(to_dates(sp.start, days), alive * 100, where="post", linewidth=2.2,
                    label=f"{entry.label} ({alive[-1]:.0%} at day {sp.horizon_days:g})",
                    **look(k))
            lowest = min(lowest, float(alive.min()) * 100)
        ax.set_title(title, fontsize=FONT)
        date_axis(ax, p.start, p.horizon_days)
        ax.legend(loc="best", fontsize=FONT - 1)
    share_axis(axes[0], lowest)
    return fig
