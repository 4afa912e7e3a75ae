"""The look every figure shares: colour-blind-safe colours, font, saving, calendar axes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DateFormatter
from matplotlib.figure import Figure

#: Okabe-Ito colours, safe for the common forms of colour blindness.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
             "purple": "#CC79A7", "grey": "#999999"}
STATE_COLOURS = {"renewed_war": OKABE_ITO["vermillion"], "exodus": OKABE_ITO["orange"],
                 "reintegration": OKABE_ITO["green"], "unresolved": OKABE_ITO["grey"]}
#: Points a step curve (an ECDF, a survival curve) is drawn with at most: a figure is a few
#: thousand pixels wide, so a million steps look as these do, but take hundreds of MB to draw.
MOST_STEPS = 10_000
SIZE = (10, 4.5)
FONT = 11
DPI = 110


def save_figures(folder: Path, drawers: Mapping[str, Callable[..., Figure]],
                 *data: Any) -> list[Path]:
    """Draw each figure from the same data and save it as `<name>.png`, one at a time."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, draw in drawers.items():
        path = folder / f"{name}.png"
        draw(*data).savefig(path, dpi=DPI)
        paths.append(path)
    return paths


def to_dates(start: datetime, days: np.ndarray) -> np.ndarray:
    """Calendar times (the scenario's local clock) of days since the start."""
    micros = np.round(np.asarray(days, dtype=float) * 86_400e6).astype("timedelta64[us]")
    return np.datetime64(start.replace(tzinfo=None), "us") + micros


def date_axis(ax: Axes, start: datetime, days: float, most: int = 6) -> None:
    """Day-month ticks every 1, 2, 4, 7 or 14 days from the start (months on long horizons)."""
    step = next((k for k in (1, 2, 4, 7, 14) if days / k <= most), None)
    if step is None or days < 3:
        locator = AutoDateLocator(minticks=3, maxticks=most)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))
    else:
        first = np.datetime64(start.date(), "D") + 1
        ax.set_xticks(first + np.arange(0, days, step).astype("timedelta64[D]"))
        ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
    years = sorted({start.year, (start + timedelta(days=days)).year})
    ax.set_xlabel(f"date in {'–'.join(map(str, years))} ({start.tzname()})", fontsize=FONT)


def thinned(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most MOST_STEPS points of a step curve, evenly spaced along it, both ends kept (the
    curve drawn through them is off by about 1/MOST_STEPS of its height at most)."""
    if x.size <= MOST_STEPS:
        return x, y
    keep = np.unique(np.linspace(0, x.size - 1, MOST_STEPS).round().astype(np.intp))
    return x[keep], y[keep]


def ecdf(ax: Axes, x: np.ndarray, **style: Any) -> None:
    """`ax.ecdf`, its steps thinned for a large sample (values present only)."""
    if x.size <= MOST_STEPS:
        ax.ecdf(x, **style)
        return
    xs, ys = thinned(np.sort(x), np.arange(1, x.size + 1) / x.size)
    ax.step(np.concatenate([xs[:1], xs]), np.concatenate([[0.0], ys]), where="post", **style)
