"""The short table printed after a run: end states with intervals, main outcomes with ranges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import outcomes
from sim.runs.stats import describe, proportion
from sim.text import printable

if TYPE_CHECKING:
    from sim.runs.table import OutcomeTable

def table(rows: OutcomeTable, labels: dict[str, str]) -> str:
    """Plain text: end-state probabilities (95% Wilson interval), medians (90% range)."""
    n = len(rows)
    lines = [f"End states over {n} replications (95% interval):"]
    states = rows.column("end_state")
    for state in outcomes.states():
        p = proportion([s == state for s in states])
        lines.append(f"  {printable(labels[state]):<28} {p['probability']:6.1%}   "
                     f"({p['low']:.1%} to {p['high']:.1%})")
    lines.append("Main outcomes: median (90% of replications between):")
    for o in map(outcomes.outcome, outcomes.shown("table")):
        label, fmt, d = o.label, o.format, describe(rows.column(o.name))
        if "q50" not in d:
            lines.append(f"  {label:<34} never happened")
            continue
        text = f"{fmt.format(d['q50'])} ({fmt.format(d['q05'])} to {fmt.format(d['q95'])})"
        if d["missing"]:
            text += f"   [in {n - d['missing']:.0f} of {n} runs]"
        lines.append(f"  {label:<34} {text}")
    return "\n".join(lines)
