"""Figures of global sensitivity (Morris mu*-sigma, Sobol bars, a heat map of all outcomes) and
of scenario discovery (PRIM's peeling trajectory and its chosen box)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.discover import Discovery
from sim.analysis.exploring import MAIN, Sensitivity, ranking
from sim.figures.style import DPI, FONT, OKABE_ITO, SIZE

#: Parameters named next to their point in a Morris figure (the rest stay unnamed dots).
NAMED = 6


def save_sensitivity_figures(result: Sensitivity, folder: Path) -> list[Path]:
    """One figure per main outcome analysed and the heat map of all, as PNG files."""
    draw = morris if result.method == "morris" else sobol
    paths = []
    for key in [*(k for k in MAIN if k in result.indices), None]:
        fig = heat_map(result) if key is None else draw(result, key)
        path = folder / f"{'heatmap' if key is None else f'{result.method}_{key}'}.png"
        fig.savefig(path, dpi=DPI)
        paths.append(path)
    return paths


def morris(result: Sensitivity, key: str) -> Figure:
    """mu* against sigma with their 95% intervals: far right matters, high up interacts or is
    non-linear, near the origin does not matter."""
    found, names = result.indices[key], result.problem.names
    fig = Figure(figsize=(7, 5), layout="constrained")
    ax = fig.subplots()
    x, y = found["mu_star"], found["sigma"]
    # intervals drawn as lines: a bootstrap percentile interval need not hold its estimate
    ax.hlines(y, found["mu_star_low"], found["mu_star_high"], color=OKABE_ITO["grey"], lw=1)
    ax.vlines(x, found["sigma_low"], found["sigma_high"], color=OKABE_ITO["grey"], lw=1)
    ax.plot(x, y, "o", color=OKABE_ITO["blue"])
    top = max(float(np.max(found["mu_star_high"])), float(np.max(found["sigma_high"])), 1e-12)
    ax.plot([0, top], [0, top], ls="--", color=OKABE_ITO["grey"], lw=1, label="sigma = mu*")
    placed: list[tuple[float, float]] = []
    for name, _ in ranking(result, key)[:NAMED]:
        i = names.index(name)
        if x[i] < 0.05 * top and placed:  # beside the origin: it does not matter, left unnamed
            continue
        # names of points close together stacked upwards, so that none covers another
        near = sum(abs(x[i] - a) < 0.15 * top and abs(y[i] - b) < 0.08 * top for a, b in placed)
        placed.append((x[i], y[i]))
        ax.annotate(name, (x[i], y[i]), textcoords="offset points", xytext=(4, 4 + 11 * near),
                    fontsize=FONT - 3)
    ax.set(xlabel="mu* (mean absolute effect of moving across the range)",
           ylabel="sigma (spread of the effect)", xlim=(0, None), ylim=(0, None))
    ax.set_title(f"{result.labels()[key]}: Morris screening", fontsize=FONT)
    ax.legend(fontsize=FONT - 2, loc="upper left")
    return fig


def sobol(result: Sensitivity, key: str) -> Figure:
    """First-order and total indices per parameter with their 95% intervals."""
    found, names = result.indices[key], list(result.problem.names)
    order = [names.index(n) for n, _ in ranking(result, key)][::-1]
    fig = Figure(figsize=(8, 0.35 * len(names) + 1.5), layout="constrained")
    ax = fig.subplots()
    rows = np.arange(len(order))
    for shift, index, colour, label in ((0.2, "S1", OKABE_ITO["sky"], "first order"),
                                        (-0.2, "ST", OKABE_ITO["blue"], "total")):
        v = found[index][order]
        ax.barh(rows + shift, v, height=0.4, color=colour, label=label)
        ax.hlines(rows + shift, found[f"{index}_low"][order], found[f"{index}_high"][order],
                  color=OKABE_ITO["black"], lw=1)
    ax.set_yticks(rows, [names[i] for i in order], fontsize=FONT - 2)
    ax.set(xlabel="share of the variance of the mean over runs")
    ax.set_title(f"{result.labels()[key]}: Sobol indices", fontsize=FONT)
    ax.legend(fontsize=FONT - 2, loc="lower right")
    return fig


def heat_map(result: Sensitivity) -> Figure:
    """Parameters x outcomes: each outcome's mu* over its largest (Morris) or total index."""
    keys, names = list(result.indices), result.problem.names
    index = "mu_star" if result.method == "morris" else "ST"
    table = np.array([result.indices[k][index] for k in keys]).T
    if result.method == "morris":
        table = table / np.maximum(table.max(axis=0, keepdims=True), 1e-300)
    fig = Figure(figsize=(max(SIZE[0], 0.4 * len(keys) + 4), 0.35 * len(names) + 3),
                 layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(np.clip(table, 0, 1), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    labels = result.labels()
    ax.set_xticks(range(len(keys)), [labels[k] for k in keys], rotation=90,
                  fontsize=FONT - 3)
    ax.set_yticks(range(len(names)), names, fontsize=FONT - 3)
    shown = "mu* / the outcome's largest mu*" if result.method == "morris" else "total index"
    fig.colorbar(image, ax=ax, label=shown)
    ax.set_title(f"Which parameter matters for which outcome ({result.scenario.name})",
                 fontsize=FONT)
    return fig


def discovery(d: Discovery) -> Figure:
    """The peeling trajectory (coverage against density) and the chosen box's limits, each
    parameter's range scaled to 0-1."""
    fig = Figure(figsize=SIZE, layout="constrained")
    left, right = fig.subplots(1, 2)
    coverage = [b.coverage for b in d.trajectory]
    density = [b.density for b in d.trajectory]
    left.plot(coverage, density, "o-", color=OKABE_ITO["blue"], ms=3)
    chosen = d.box
    left.plot([chosen.coverage], [chosen.density], "o", ms=10, mfc="none",
              color=OKABE_ITO["vermillion"], label="chosen box (unsupported limits dropped)")
    left.axhline(d.base, ls="--", color=OKABE_ITO["grey"], lw=1, label="all runs")
    left.set(xlabel="coverage (share of the cases found in the box)",
             ylabel="density (share of the box's runs that are cases)", xlim=(0, 1.02),
             ylim=(0, 1.02))
    left.legend(fontsize=FONT - 2)
    names = [n for n in d.names if n in chosen.limits] or list(d.names)
    for row, name in enumerate(names):
        low, high = d.ranges[name]
        a, b = chosen.limits.get(name, (low, high))
        span = (high - low) or 1.0
        right.plot([0, 1], [row, row], color=OKABE_ITO["grey"], lw=1)
        right.plot([(a - low) / span, (b - low) / span], [row, row], lw=6,
                   color=OKABE_ITO["blue"], solid_capstyle="butt")
    right.set_yticks(range(len(names)), names, fontsize=FONT - 3)
    right.set(xlabel="share of the parameter's range in the runs", xlim=(-0.02, 1.02))
    fig.suptitle(f"Runs where {d.outcome}: the box PRIM chose", fontsize=FONT)
    return fig
