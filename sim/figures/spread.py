"""The spread of the final share gone, on the range the replications cover: a 0-100% axis
would squeeze a cluster at 96-98% into a cliff that says nothing."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from sim.figures.style import FONT, OKABE_ITO, ecdf
from sim.runs.ensemble import Ensemble
from sim.runs.stats import present

#: Below this spread (percentage points) the share is near-degenerate: show when half had left.
NARROW = 3.0


def padded(lo: float, hi: float, floor: float = 0, ceiling: float = 100,
           least: float = 2) -> tuple[float, float]:
    """An axis range around [lo, hi], with a margin, never narrower than `least`, within bounds."""
    margin = max((hi - lo) * 0.06, least / 2)
    return max(floor, lo - margin), min(ceiling, hi + margin)


def share_spread(ax: Axes, runs: list[tuple[str, Ensemble, dict[str, Any]]]) -> None:
    """ECDFs of the final share gone of each (label, ensemble, look); when the shares are all
    within NARROW points, the ECDFs of the day half had left instead (their spread is the news)."""
    p = runs[0][1].scenario.params
    shares = [present(e.column("departed_share")) * 100 for _, e, _ in runs]
    every = np.concatenate(shares)
    every = every[~np.isnan(every)]
    lo, hi = (float(every.min()), float(every.max())) if every.size else (0.0, 100.0)
    halves = [present(e.column("day_half_departed")) for _, e, _ in runs]
    if hi - lo < NARROW and any((~np.isnan(h)).sum() > 1 for h in halves):
        _half_days(ax, runs, halves, lo, hi)
        return
    for (label, _, look), x in zip(runs, shares, strict=True):
        if x[~np.isnan(x)].size:
            ecdf(ax, x[~np.isnan(x)], linewidth=2, label=label, **look)
    threshold = p.end_states.exodus_share * 100
    left, right = padded(lo, hi)
    reached = float(np.mean(every >= threshold)) * 100 if every.size else 0.0
    line = f"{p.end_states.labels.exodus} line ({threshold:.0f}%)"
    if left <= threshold <= right:
        ax.axvline(threshold, color=OKABE_ITO["vermillion"], linestyle="--", linewidth=1.5)
        line += ", dashed"
    ax.set_title(f"Share gone by day {p.horizon_days:g}, every replication\n{reached:.0f}% reach "
                 f"the {line}", fontsize=FONT)
    ax.set_xlim(left, right)
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0 if right - left > 6 else 1))
    ax.set_xlabel("share of the population that has left (%)", fontsize=FONT)
    _share_axis(ax)


def _half_days(ax: Axes, runs: list[tuple[str, Ensemble, dict[str, Any]]],
               halves: list[np.ndarray], lo: float, hi: float) -> None:
    """ECDFs of the day half had left, over the replications where half did."""
    p = runs[0][1].scenario.params
    for (label, _, look), h in zip(runs, halves, strict=True):
        days = h[~np.isnan(h)]
        if days.size:
            n = f" ({days.size:,} of {h.size:,})" if days.size < h.size else ""
            ecdf(ax, days, linewidth=2, label=label + n, **look)
    ax.set_title(f"Every replication ends with {lo:.0f}–{hi:.0f}% gone by day "
                 f"{p.horizon_days:g}:\nhow soon did half leave?", fontsize=FONT)
    ax.set_xlabel("day half the population had left (days after the start)", fontsize=FONT)
    _share_axis(ax)


def _share_axis(ax: Axes) -> None:
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1))
    ax.set_ylabel("share of replications at or below (%)", fontsize=FONT)
