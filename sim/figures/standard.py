"""The standard figures of a results folder: each takes an Ensemble and returns a Figure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter
from matplotlib.transforms import blended_transform_factory

from sim import outcomes
from sim.figures.spread import share_spread
from sim.figures.style import (
    FONT,
    OKABE_ITO,
    SIZE,
    STATE_COLOURS,
    date_axis,
    save_figures,
    thinned,
    to_dates,
)
from sim.figures.timeline import agreements, timeline
from sim.runs.ensemble import Ensemble
from sim.runs.stats import proportion


def save_standard_figures(ens: Ensemble, folder: Path) -> list[Path]:
    """Draw the four standard figures into `folder` as PNG files and return their paths."""
    return save_figures(folder, {"departures": departures, "end_states": end_states,
                                 "survival": survival, "tension_trust": tension_trust}, ens)


def departures(ens: Ensemble) -> Figure:
    """How many have left over time (fan chart) and how the final share varies (ECDF)."""
    p = ens.scenario.params
    title = f"How many of {p.names.population} have left, day by day"
    fig, (left, right) = new_figure(ens, 2, title, width_ratios=(1.5, 1))
    fan_band(left, _dates(ens), ens.fan("departed"), OKABE_ITO["blue"])
    left.set_title(f"Left so far (through {p.names.corridor} or evacuated)", fontsize=FONT)
    left.set_ylabel("people who have left", fontsize=FONT)
    left.set_ylim(0, max(10.0, 1.05 * float(ens.fan("departed", (1.0,)).max(initial=0))))
    left.yaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 2.5, 5, 10]))
    left.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    date_axis(left, p.start, p.horizon_days)
    _fan_legend(fig, [OKABE_ITO["blue"]])
    share_spread(right, [("", ens, {"color": OKABE_ITO["blue"]})])
    return fig


def end_states(ens: Ensemble) -> Figure:
    """Probability of each end state with 95% Wilson intervals."""
    p = ens.scenario.params
    fig, (ax,) = new_figure(ens, 1, f"How it ends for {p.names.region} "
                                 f"(day {p.horizon_days:g}, {ens.runs:,} replications)")
    column = ens.column("end_state")
    states, missing = happened(outcomes.states(), [column])
    stats = [proportion([v == state for v in column]) for state in states]
    prob = np.array([s["probability"] for s in stats]) * 100
    err = np.array([[s["probability"] - s["low"], s["high"] - s["probability"]]
                    for s in stats]).T * 100
    labels = [getattr(p.end_states.labels, state) for state in states]
    ys = np.arange(len(states))
    ax.barh(ys, prob, color=[STATE_COLOURS[s] for s in states], height=0.6)
    ax.errorbar(prob, ys, xerr=err, fmt="none", ecolor=OKABE_ITO["black"], capsize=5)
    column_x = blended_transform_factory(ax.transAxes, ax.transData)
    for y, s in zip(ys, stats, strict=True):
        ax.text(1.02, float(y), f"{s['probability']:.0%}  ({s['count']:,} of {s['n']:,})",
                transform=column_x, va="center", fontsize=FONT)
    not_shown(ax, [getattr(p.end_states.labels, s) for s in missing], ens.runs)
    ax.set_yticks(ys, labels, fontsize=FONT)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(PercentFormatter())
    ax.set_xlabel("probability (% of replications); black bars: 95% interval", fontsize=FONT)
    ax.set_ylabel("end state", fontsize=FONT)
    return fig


def survival(ens: Ensemble) -> Figure:
    """Share of replications where the ceasefire still holds / no agreement yet, over time."""
    p = ens.scenario.params
    fig, (ax,) = new_figure(ens, 1, "Ceasefire holding, agreement not yet reached")
    looks = ((OKABE_ITO["blue"], "-"), (OKABE_ITO["orange"], "--"), (OKABE_ITO["green"], ":"),
             (OKABE_ITO["purple"], "-."))
    lowest = 100.0
    for k, name in enumerate(outcomes.shown("survival")):
        label, (colour, style) = outcomes.outcome(name).still, looks[k % len(looks)]
        days, alive = survival_curve(ens.column(name), p.horizon_days)
        x = to_dates(p.start, days)
        ax.step(x, alive * 100, where="post", color=colour, linestyle=style, linewidth=2.2,
                label=f"{label} ({alive[-1]:.0%} at day {p.horizon_days:g})")
        ax.plot(x[-1:], alive[-1:] * 100, "o", color=colour)
        lowest = min(lowest, float(alive.min()) * 100)
    share_axis(ax, lowest)
    ax.set_title(f"Ceasefire between {p.names.government} and {p.names.separatists}, "
                 f"and their talks", fontsize=FONT)
    date_axis(ax, p.start, p.horizon_days, most=9)
    ax.legend(loc="best", fontsize=FONT)
    return fig


def share_axis(ax: Axes, lowest: float) -> None:
    """A 0-100% axis cut to the range the curves use (in tens), and the label saying so."""
    bottom = max(0.0, math.floor((lowest - 3) / 10) * 10)
    ax.set_ylim(bottom, 102)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=True))
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    cut = f"; axis from {bottom:.0f}%" if bottom > 0 else ""
    ax.set_ylabel(f"share of replications (%{cut})", fontsize=FONT)


def happened(states: Sequence[str], columns: list[list[Any]]) -> tuple[list[str], list[str]]:
    """End states some replication reached (in order), and those none did."""
    seen = {v for column in columns for v in column}
    return [s for s in states if s in seen], [s for s in states if s not in seen]


def not_shown(ax: Axes, labels: list[str], runs: int) -> None:
    """Say which end states were left out because no run reached them, and that not seen in
    `runs` runs is not impossible (the 95% interval of 0 of them)."""
    if labels:
        high = proportion([False] * runs)["high"]
        ax.set_title(f"Not shown, as no run reached them: {', '.join(labels)} (0 of {runs:,}: "
                     f"95% interval 0–{high:.0%})", fontsize=FONT - 1, color=OKABE_ITO["grey"],
                     loc="right")


def survival_curve(times: list[Any], horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Empirical survival with every missing time censored at the horizon (steps at events;
    thinned to the steps a figure can show)."""
    n = len(times)
    events = np.sort(np.array([t for t in times if t is not None], dtype=float))
    days = np.concatenate([[0.0], events, [horizon]])
    alive = 1 - np.concatenate([[0], np.arange(1, events.size + 1), [events.size]]) / max(n, 1)
    return thinned(days, alive)


def tension_trust(ens: Ensemble) -> Figure:
    """Tension and trust over time, median and spread across replications."""
    p = ens.scenario.params
    fig, axes = new_figure(ens, 2, f"How unsafe {p.names.population} feel, and how much "
                                f"they trust the guarantees", sharey=True)
    dates = _dates(ens)
    panels = (("tension", "Tension: how unsafe people feel", OKABE_ITO["vermillion"]),
              ("trust", "Trust: how credible the guarantees are", OKABE_ITO["blue"]))
    for ax, (name, title, colour) in zip(axes, panels, strict=True):
        fan_band(ax, dates, ens.fan(name), colour)
        ax.set_title(title, fontsize=FONT, color=colour)
        date_axis(ax, p.start, p.horizon_days)
    axes[0].set_ylim(0, 1)
    axes[0].set_ylabel("level (0 = none, 1 = highest)", fontsize=FONT)
    drawn, left_out = timeline(axes, ens)
    if left_out:
        axes[0].set_title(f"{panels[0][1]}\n{left_out}", fontsize=FONT, color=panels[0][2])
    agreements(axes[1], ens)
    _fan_legend(fig, [c for *_, c in panels], "timeline event" + "s" * (drawn > 1) if drawn
                else "")
    return fig


def new_figure(ens: Ensemble, ncols: int, title: str, **grid: Any) -> tuple[Figure, list[Axes]]:
    """A constrained-layout figure with a title and a footnote naming the run."""
    fig = Figure(figsize=SIZE, layout="constrained")
    axes = list(fig.subplots(1, ncols, squeeze=False, **grid)[0])
    fig.suptitle(title, fontsize=FONT + 2, fontweight="bold")
    fig.supxlabel(f"Scenario {ens.scenario.name!r} · {ens.runs:,} replications · seed {ens.seed}",
                  fontsize=FONT - 1, color=OKABE_ITO["grey"], x=0.99, ha="right")
    for ax in axes:
        ax.tick_params(labelsize=FONT - 1)
        ax.grid(alpha=0.3)
    return fig, axes


def fan_band(ax: Axes, x: np.ndarray, fan: np.ndarray, colour: str) -> None:
    """Median line with the middle 50% and 90% of replications shaded (`Ensemble.fan` rows)."""
    q05, q25, q50, q75, q95 = fan
    ax.fill_between(x, q05, q95, color=colour, alpha=0.18, linewidth=0)
    ax.fill_between(x, q25, q75, color=colour, alpha=0.4, linewidth=0)
    ax.plot(x, q50, color=colour, linewidth=2)


def _fan_legend(fig: Figure, colours: list[str], events: str = "") -> None:
    """One legend under the panels: median and bands, one swatch per colour (and what the
    dotted lines of timeline events are, when drawn)."""
    lines = tuple(Line2D([], [], color=c, linewidth=2) for c in colours)
    bands = [tuple(Patch(color=c, alpha=a) for c in colours) for a in (0.4, 0.18)]
    handles: list[Any] = [lines, *bands]
    labels = ["median", "middle 50%", "middle 90% of replications"]
    if events:
        handles.append(Line2D([], [], color=OKABE_ITO["black"], linestyle=":"))
        labels.append(events)
    fig.legend(handles, labels, handler_map={tuple: HandlerTuple(ndivide=None)},
               loc="outside lower left", ncols=min(len(labels), 3), fontsize=FONT - 1,
               frameon=False)


def _dates(ens: Ensemble) -> np.ndarray:
    return to_dates(ens.scenario.params.start, ens.time_days)
