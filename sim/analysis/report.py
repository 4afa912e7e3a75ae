"""The short table printed after a run: end states with intervals, main outcomes with ranges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.outcomes import END_STATES
from sim.runs.stats import describe, proportion
from sim.text import printable

if TYPE_CHECKING:
    from sim.runs.table import OutcomeTable

#: Outcomes in the table, with how to show them.
MAIN = (("departed_share", "share of people who left", "{:.0%}"),
        ("day_half_departed", "day half had left", "{:.1f}"),
        ("peak_departures_per_day", "peak departures per day", "{:,.0f}"),
        ("mean_wait_hours", "mean wait at the corridor, hours", "{:.1f}"),
        ("rounds_held", "talks rounds held", "{:.0f}"),
        ("agreement_day", "day of agreement", "{:.1f}"),
        ("collapse_day", "day the ceasefire collapsed", "{:.1f}"),
        ("incidents", "incidents", "{:.0f}"),
        ("killed_people", "people killed", "{:,.0f}"))


def table(rows: OutcomeTable, labels: dict[str, str]) -> str:
    """Plain text: end-state probabilities (95% Wilson interval), medians (90% range)."""
    n = len(rows)
    lines = [f"End states over {n} replications (95% interval):"]
    states = rows.column("end_state")
    for state in END_STATES:
        p = proportion([s == state for s in states])
        lines.append(f"  {printable(labels[state]):<28} {p['probability']:6.1%}   "
                     f"({p['low']:.1%} to {p['high']:.1%})")
    lines.append("Main outcomes: median (90% of replications between):")
    for name, label, fmt in MAIN:
        d = describe(rows.column(name))
        if "q50" not in d:
            lines.append(f"  {label:<34} never happened")
            continue
        text = f"{fmt.format(d['q50'])} ({fmt.format(d['q05'])} to {fmt.format(d['q95'])})"
        if d["missing"]:
            text += f"   [in {n - d['missing']:.0f} of {n} runs]"
        lines.append(f"  {label:<34} {text}")
    return "\n".join(lines)
