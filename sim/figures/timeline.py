"""Marks on a time axis that explain a jump: the scenario's own timeline events, and the day
agreements start to lift trust in the runs that reach one."""

from __future__ import annotations

import math
import textwrap

import numpy as np
from matplotlib.axes import Axes

from sim.figures.style import FONT, OKABE_ITO, to_dates
from sim.runs.ensemble import Ensemble
from sim.runs.stats import present
from sim.scenario.events import EventSpec, event_day

#: Above this many timeline events, only those that move tension or trust are drawn.
MOST = 6
#: Points a name of two rotated lines takes across the axis, with a gap.
NAME_POINTS = 2 * (FONT - 2) * 1.25 + 4


def timeline(axes: list[Axes], ens: Ensemble) -> tuple[int, str]:
    """The timeline's events as dotted lines on every panel (only those that move tension or
    trust when there are over MOST), named at the foot of the first where the names do not
    collide, those that move tension or trust first; returns how many are drawn, and what
    was left out."""
    p = ens.scenario.params
    shown = [e for e in p.events if len(p.events) <= MOST or _moves(e)]
    if not shown:
        return 0, ""
    days = [event_day(e, p.start) for e in shown]
    for ax in axes:
        for day in days:
            ax.axvline(to_dates(p.start, np.array([day]))[0], color=OKABE_ITO["black"],
                       linestyle=":", linewidth=1.2)
    inches = axes[0].get_figure(root=True).get_size_inches()[0]  # type: ignore[union-attr]
    gap = NAME_POINTS / (inches * 72 / (len(axes) + 0.4)) * p.horizon_days  # in days, roughly
    named: list[float] = []
    for i in sorted(range(len(days)), key=lambda i: (not _moves(shown[i]), days[i])):
        if all(abs(days[i] - d) >= gap for d in named):
            named.append(days[i])
            name = "\n".join(textwrap.wrap(shown[i].name, 32, max_lines=2, placeholder="…"))
            axes[0].annotate(name, (to_dates(p.start, np.array([days[i]]))[0], 0),
                             xycoords=("data", "axes fraction"), xytext=(3, 4),
                             textcoords="offset points", rotation=90, va="bottom", ha="left",
                             fontsize=FONT - 2)
    left = [f"{len(shown)} of {len(p.events)} events drawn, those moving tension or trust"
            ] if len(shown) < len(p.events) else []
    left += [f"{len(named)} named"] if len(named) < len(shown) else []
    return len(shown), "\n".join(textwrap.wrap("; ".join(left), 48))


def _moves(event: EventSpec) -> bool:
    """Whether an event moves tension or trust at once (a change, an incident, a round)."""
    changed = {*event.set, *event.add}
    return bool(changed & {"tension", "trust"}) or event.incident or event.round


def agreements(ax: Axes, ens: Ensemble) -> None:
    """Point at the day 5% of replications have agreed: there the 90% band's top jumps, as an
    agreement moves trust at once."""
    p = ens.scenario.params
    days = np.sort(present(ens.column("agreement_day")))
    k = math.ceil(0.05 * ens.runs)
    if k < 1 or np.isnan(days[k - 1]) or p.negotiation.agreement_trust_change == 0:
        return
    day = float(days[k - 1])
    x = to_dates(p.start, np.array([day]))[0]
    top = float(np.interp(day, ens.time_days, ens.fan("trust", (0.95,))[0]))
    lifts = "lifts" if p.negotiation.agreement_trust_change > 0 else "lowers"
    ax.annotate(f"by {x.astype(object):%d %b}, 5% of replications\nhave reached an agreement, "
                f"which {lifts}\ntrust at once: the band's edge jumps",
                (x, top), xytext=(-12, 34 if lifts == "lifts" else -34),
                textcoords="offset points", ha="right", fontsize=FONT - 2,
                arrowprops={"arrowstyle": "->", "color": OKABE_ITO["black"]})
