"""Figures of validation and calibration: observed points on the fan chart, prior and posterior."""

from __future__ import annotations

import math
import textwrap
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.dates import DateFormatter, HourLocator
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.figures.standard import fan_band, new_figure
from sim.figures.style import FONT, OKABE_ITO, date_axis, to_dates
from sim.fitting.calibrate import Calibration
from sim.fitting.observed import Observed
from sim.fitting.validate import Validation
from sim.model.observation import OBSERVED_LABELS
from sim.outcomes import SERIES_REGISTRY
from sim.runs.ensemble import FAN, Ensemble

#: What each series counts, for the axis label (from the registry).
UNITS = {s.name: s.label for s in SERIES_REGISTRY} | OBSERVED_LABELS


def observed_fan(ens: Ensemble, series: str, observed: Observed,
                 title: str | None = None) -> Figure:
    """The series' fan chart with the observed points: the observed period, and the horizon."""
    p = ens.scenario.params
    verb = {"departed": "have left", "arrived": f"have arrived in {p.names.destination}",
            "registered": f"were registered in {p.names.destination}"}
    title = title or (f"How many of {p.names.population} {verb[series]}: model and observed "
                      "counts" if series in verb else f"{series}: model and observed values")
    fig, (near, whole) = new_figure(ens, 2, title, width_ratios=(1, 1.3))
    days = observed.day_array
    span = max(days[-1] - days[0], 0.25)
    lo, hi = max(0.0, days[0] - 0.4 * span), min(p.horizon_days, days[-1] + 0.4 * span)
    colour = OKABE_ITO["blue"]
    data = ens.series[series]
    dates = to_dates(p.start, ens.time_days)
    for ax, (a, b), size in ((near, (lo, hi), 6), (whole, (0.0, p.horizon_days), 3.5)):
        keep = (ens.time_days >= a - 1e-9) & (ens.time_days <= b + 1e-9)
        fan_band(ax, dates[keep], np.quantile(data[:, keep], FAN, axis=0), colour)
        ax.plot(to_dates(p.start, days), observed.value_array, "o", color=OKABE_ITO["black"],
                markersize=size, markeredgecolor="white", markeredgewidth=0.5, zorder=5)
        ends = to_dates(p.start, np.array([a, b]))
        ax.set_xlim(ends[0], ends[1])
        top = max(float(np.quantile(data[:, keep], 0.95, axis=0).max(initial=0)),
                  float(observed.value_array.max()))
        ax.set_ylim(0 if data.min() >= 0 else None, max(1e-9, 1.08 * top))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 10
                                                   else f"{v:g}"))
    near.set_title("The observed period", fontsize=FONT)
    whole.set_title(f"The whole horizon ({p.horizon_days:g} days); shaded: the left panel",
                    fontsize=FONT)
    window = to_dates(p.start, np.array([lo, hi]))
    whole.axvspan(window[0], window[1], color=OKABE_ITO["grey"], alpha=0.25, linewidth=0)
    near.set_ylabel(UNITS.get(series, series), fontsize=FONT)
    _short_date_axis(near, p.start + timedelta(days=lo), hi - lo)
    date_axis(whole, p.start, p.horizon_days)
    handles = [Line2D([], [], color=colour, linewidth=2), Patch(color=colour, alpha=0.4),
               Patch(color=colour, alpha=0.18),
               Line2D([], [], marker="o", color=OKABE_ITO["black"], linestyle="none")]
    whole.legend(handles, ["median", "middle 50%", "middle 90% of replications",
                           f"observed: {observed_words(observed)}"], loc="best",
                 fontsize=FONT - 2)
    return fig


def observed_words(observed: Observed) -> str:
    """The observed column in words and the file it came from: "cumulative arrivals\n(a.csv)"."""
    return f"{observed.column.replace('_', ' ')}\n({Path(observed.source).name})"


def _short_date_axis(ax: Axes, start: datetime, days: float) -> None:
    """Ticks every 6, 12 or 24 hours with day and hour; whole days on longer windows."""
    if days > 4:
        date_axis(ax, start, days, most=5)
        return
    hours = 6 if days <= 1.5 else 12
    ax.xaxis.set_major_locator(HourLocator(byhour=range(0, 24, hours)))
    ax.xaxis.set_major_formatter(DateFormatter("%d %b\n%H:%M"))
    ax.set_xlabel(f"date and time in {start.year} ({start.tzname()})", fontsize=FONT)


def prior_posterior(names: list[str], prior: np.ndarray, posterior: np.ndarray, title: str,
                    truth: dict[str, float] | None = None,
                    notes: dict[str, str] | None = None,
                    start: datetime | None = None) -> Figure:
    """One panel per parameter: the prior sample and the kept (posterior) sets' density.
    `notes` adds lines under a parameter's name (the event it belongs to); with `start`, an
    event's day reads as a date and time."""
    k = len(names)
    cols = 2 if k == 4 else min(3, k)
    rows = math.ceil(k / cols)
    spare = rows * cols - k  # empty slots hold the legend
    fig = Figure(figsize=(max(8.0, 4.6 * cols), 3.6 * rows + (0.6 if spare else 1.2)),
                 layout="constrained")
    axes = list(fig.subplots(rows, cols, squeeze=False).ravel())
    fig.suptitle(title, fontsize=FONT + 2, fontweight="bold")
    for ax, name, a, b in zip(axes, names, prior.T, posterior.T, strict=False):
        when = start if start is not None and _is_day(name) else None
        show = _when(when) if when else _num
        _densities(ax, a, b, when)
        lo, mid, hi = np.quantile(b, (0.05, 0.5, 0.95))
        note = (notes or {}).get(name)
        lines = [name, *textwrap.wrap(note or "", 44),
                 f"posterior median {show(mid)}", f"(90%: {show(lo)} – {show(hi)})"]
        ax.set_title("\n".join(lines), fontsize=FONT - 1)
        if truth and name in truth:
            ax.axvline(truth[name], color=OKABE_ITO["vermillion"], linewidth=2, linestyle="--")
    handles: list[Any] = [Patch(color=OKABE_ITO["grey"], alpha=0.5),
                          Line2D([], [], color=OKABE_ITO["blue"], linewidth=2),
                          Line2D([], [], color=OKABE_ITO["blue"], marker="|", linestyle="none")]
    labels = [f"prior: {prior.shape[0]:,} replications' values",
              f"posterior: density of the {posterior.shape[0]:,} kept sets\n(kernel estimate)",
              "each kept set's value"]
    if truth:
        handles.append(Line2D([], [], color=OKABE_ITO["vermillion"], linestyle="--"))
        labels.append("true value")
    for ax in axes[k:]:
        ax.axis("off")
    if spare:
        axes[k].legend(handles, labels, loc="center", fontsize=FONT - 1, frameon=False)
    else:
        fig.legend(handles, labels, loc="outside lower left", ncols=min(len(labels), 1 + cols),
                   fontsize=FONT - 1, frameon=False)
    return fig


def _densities(ax: Axes, prior: np.ndarray, posterior: np.ndarray,
               start: datetime | None) -> None:
    """The prior as a histogram, the posterior as a kernel density (a histogram of a few dozen
    kept sets is mostly noise) with a rug of the sets themselves."""
    lo, hi = float(prior.min()), float(prior.max())
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    ax.hist(prior, bins=list(np.linspace(lo, hi, 31)), density=True, color=OKABE_ITO["grey"],
            alpha=0.5)
    grid = np.linspace(lo, hi, 400)
    if posterior.size > 1 and np.ptp(posterior) > 0:
        from scipy.stats import gaussian_kde

        density = gaussian_kde(posterior)(grid)
        ax.fill_between(grid, density, color=OKABE_ITO["blue"], alpha=0.25, linewidth=0)
        ax.plot(grid, density, color=OKABE_ITO["blue"], linewidth=2)
    else:
        ax.axvline(float(posterior[0]), color=OKABE_ITO["blue"], linewidth=2)
    ax.plot(posterior, np.zeros_like(posterior), "|", color=OKABE_ITO["blue"], markersize=12,
            transform=ax.get_xaxis_transform(), clip_on=False)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("density (per unit)", fontsize=FONT - 1)
    ax.tick_params(labelsize=FONT - 2)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}"))
    if start is not None:
        ax.set_ylabel("density (per day)", fontsize=FONT - 1)
        ax.set_xticks(_hour_ticks(ax.get_xlim(), start))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _when(start)(v, "\n")))
        ax.set_xlabel(f"date and time ({start.tzname()})", fontsize=FONT - 2)
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _num(v)))
    ax.grid(alpha=0.3)


def _hour_ticks(limits: tuple[float, float], start: datetime) -> list[float]:
    """Days after `start` that fall on whole clock hours, every 1, 2, 3, 6, 12 or 24... hours,
    at most five."""
    first = start.hour + start.minute / 60  # hours after the start date's midnight
    lo, hi = (first + 24 * v for v in limits)
    step = next((h for h in (1, 2, 3, 6, 12, 24, 48, 96, 168) if (hi - lo) / h <= 4), 336)
    hours = np.arange(math.ceil(lo / step), math.floor(hi / step) + 1) * step
    return [float(h - first) / 24 for h in hours]


def _is_day(name: str) -> bool:
    """Whether a calibrated parameter is the day of a timeline event."""
    keys = name.split(".")
    return keys[0] == "events" and keys[-1] == "day"


def _when(start: datetime) -> Any:
    """Days after `start` as the scenario's clock reads them: "24 Sep 17:30"."""
    return lambda day, sep=" ": (start + timedelta(days=float(day))).strftime(f"%d %b{sep}%H:%M")


def _num(v: float) -> str:
    """Compact numbers: 12,300 / 0.042 / 4.21."""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def validation_figures(v: Validation, ens: Ensemble) -> dict[str, Figure]:
    """What `sim validate` draws: the fan chart with the observed points."""
    return {"validation.png": observed_fan(ens, v.series, v.observed)}


def calibration_figures(cal: Calibration, prior_ens: Ensemble,
                        ens: Ensemble) -> dict[str, Figure]:
    """What `sim calibrate` draws: prior against posterior, and both predictive fan charts."""
    before, after = "Before calibration: the prior", "After calibration: the posterior"
    return {
        "prior_posterior.png": prior_posterior(
            list(cal.params), cal.prior, cal.posterior,
            f"{cal.scenario.name}: what the data say about each parameter",
            notes=_event_names(cal), start=cal.scenario.params.start),
        "prior_predictive.png": observed_fan(prior_ens, cal.series, cal.observed,
                                             f"{before}'s fan chart and the data"),
        "posterior_predictive.png": observed_fan(ens, cal.series, cal.observed,
                                                 f"{after}'s fan chart and the data"),
    }


def _event_names(cal: Calibration) -> dict[str, str]:
    """For parameters of timeline events: the event's whole name (titles wrap it)."""
    events = cal.scenario.params.events
    return {p: events[int(p.split(".")[1])].name for p in cal.params if p.startswith("events.")}
