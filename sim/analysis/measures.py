"""What is compared for each outcome (a probability or a mean), in plain words and units."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim import outcomes
from sim.runs.ensemble import Ensemble
from sim.runs.stats import present

#: How a value is shown: decimals, unit of a difference, and whether it is a share (0-1).
FORMATS = {"share": (0, "points", True), "days": (1, "days", False),
           "hours": (1, "hours", False), "people": (0, "", False), "incidents": (1, "", False),
           "rounds": (1, "", False), "issues": (1, "", False), "0-1": (2, "", False)}

@dataclass(frozen=True)
class Measure:
    """One line of a comparison: an outcome (or part of one) and how to show it."""

    key: str     # "ceasefire_collapsed", "end_state.exodus", "day_half_departed.happened"
    outcome: str  # the column of outcomes.csv it comes from
    kind: str    # "probability" or "mean"
    label: str   # plain words
    unit: str    # a key of FORMATS

    def column(self, ens: Ensemble) -> np.ndarray:
        """One value per replication: 0/1 for a probability, NaN where undefined (censored)."""
        values = ens.column(self.outcome)
        if self.key.startswith("end_state."):
            state = self.key.split(".", 1)[1]
            return np.array([v == state for v in values], dtype=float)
        if self.key.endswith(".happened"):
            return np.array([v is not None for v in values], dtype=float)
        return present(values)

    def show(self, value: float, decimals: int | None = None) -> str:
        """A value as people read it: "31%", "4.5 days", "12,345 people"."""
        places, unit, share = FORMATS[self.unit]
        text = number(value * 100 if share else value, places if decimals is None else decimals)
        return text + "%" if share else f"{text} {unit}".rstrip()

    def signed(self, diff: float, decimals: int | None = None, unit: bool = True) -> str:
        """A difference with its sign: "+19 points", "-1.5 days"."""
        places, name, share = FORMATS[self.unit]
        text = number(diff * 100 if share else diff,
                      places if decimals is None else decimals, sign=True)
        return f"{text} {name}".rstrip() if unit else text

    def decimals(self, base: float, other: float, diff: float) -> int:
        """Decimals for a line "base -> other (diff ...)": two significant digits of the
        difference, and for percentages enough that the shown values subtract to it."""
        places, _, share = FORMATS[self.unit]
        a, b, d = (v * 100 if share else v for v in (base, other, diff))
        places = _needed(d, places)
        while share and places < 2 and not _adds_up(a, b, d, places):
            places += 1
        return places


def _adds_up(a: float, b: float, d: float, places: int) -> bool:
    return abs(round(b, places) - round(a, places) - round(d, places)) < 0.5 * 10.0 ** -places


def _needed(value: float, decimals: int) -> int:
    """Decimals that show at least two significant digits (at most three)."""
    value = float(f"{value:.9g}")  # 0.99999999 is 1, and needs no more decimals than 1
    if math.isnan(value) or value == 0 or abs(value) >= 10 ** (1 - decimals):
        return decimals
    return min(3, max(decimals, 1 - math.floor(math.log10(abs(value)))))


def number(value: float, decimals: int, sign: bool = False) -> str:
    """A number with thousands separated, "n/a" when undefined."""
    if math.isnan(value):
        return "n/a"
    return f"{value:{'+' if sign else ''},.{decimals}f}"


def measures(end_state_labels: dict[str, str], place: str = "compare",
             happened: bool = True) -> tuple[Measure, ...]:
    """The end states, then the outcomes the registry shows in `place` (comparisons by
    default), each with "it happened" first where the registry words that (`happened`)."""
    out = [Measure(f"end_state.{s}", "end_state", "probability",
                   f'end state "{end_state_labels.get(s, s)}"', "share")
           for s in outcomes.states()]
    for name in outcomes.shown(place):
        o = outcomes.outcome(name)
        if o.happened and happened:
            out.append(Measure(f"{name}.happened", name, "probability", o.happened, "share"))
        kind = "probability" if o.kind == "boolean" else "mean"
        out.append(Measure(name, name, kind, o.described, o.unit))
    return tuple(out)
