"""THE registry of outcomes and series: each declared once, so every layer reads the same facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["boolean", "count", "amount", "share", "day", "hours", "state"]


@dataclass(frozen=True)
class Outcome:
    """One outcome of a replication: what it is, how it is named and shown, if it can be absent."""

    name: str       # the column of outcomes.csv
    kind: Kind
    label: str      # plain words, short (the terminal table)
    unit: str       # how a value is shown: "share", "days", "hours", "people", "incidents", ...
    format: str     # the terminal table's format of one value
    censored: bool  # None in a replication where it did not happen before the horizon
    detail: str = ""    # plain words with their qualifier (comparisons); the label if empty
    happened: str = ""  # plain words for "it happened" when that is compared on its own

    @property
    def described(self) -> str:
        """The label with its qualifier, as comparisons show it."""
        return self.detail or self.label


@dataclass(frozen=True)
class Series:
    """One series recorded on the grid of record times."""

    name: str
    label: str  # what it counts, as an axis reads
    unit: str


#: Every outcome, in the order of `outcomes.csv`.
REGISTRY = (
    Outcome("agreement", "boolean", "agreement reached", "share", "{:.0%}", False),
    Outcome("agreement_day", "day", "day of agreement", "days", "{:.1f}", True,
            detail="day of agreement (when reached)"),
    Outcome("talks_broken", "boolean", "talks broke down", "share", "{:.0%}", False),
    Outcome("rounds_held", "count", "talks rounds held", "rounds", "{:.0f}", False,
            detail="rounds of talks held"),
    Outcome("issues_settled", "count", "issues settled", "issues", "{:.0f}", False),
    Outcome("ceasefire_collapsed", "boolean", "ceasefire collapse", "share", "{:.0%}", False),
    Outcome("collapse_day", "day", "day the ceasefire collapsed", "days", "{:.1f}", True,
            detail="day the ceasefire collapsed (when it did)"),
    Outcome("incidents", "count", "incidents", "incidents", "{:.0f}", False),
    Outcome("casualties", "count", "casualties (killed and wounded)", "people", "{:,.0f}",
            False),
    Outcome("departed_people", "count", "people who left", "people", "{:,.0f}", False),
    Outcome("departed_share", "share", "share of people who left", "share", "{:.0%}", False),
    Outcome("day_half_departed", "day", "day half had left", "days", "{:.1f}", True,
            detail="day half had left (when they did)", happened="half the people left"),
    Outcome("day_90pct_departed", "day", "day 90% had left", "days", "{:.1f}", True,
            detail="day 90% had left (when they did)", happened="90% of the people left"),
    Outcome("peak_departures_per_day", "amount", "peak departures per day", "people",
            "{:,.0f}", False, detail="peak departures in a day"),
    Outcome("max_waiting_people", "amount", "peak queue to cross", "people", "{:,.0f}", False),
    Outcome("mean_wait_hours", "hours", "mean wait at the corridor, hours", "hours", "{:.1f}",
            True, detail="wait to cross (of those who crossed)",
            happened="anyone crossed the exit road"),
    Outcome("killed_people", "count", "people killed", "people", "{:,.0f}", False,
            detail="people killed (all causes)"),
    Outcome("p90_wait_hours", "hours", "90th percentile of waits, hours", "hours", "{:.1f}",
            True, detail="wait to cross, 90th percentile (of those who crossed)"),
    Outcome("trust_at_end", "amount", "trust at the horizon", "0-1", "{:.2f}", False),
    Outcome("stayed_people", "count", "people still at home at the horizon", "people",
            "{:,.0f}", False),
    Outcome("end_state", "state", "end state", "share", "{}", False),
)

#: The outcomes of the terminal table after a run, in its order.
TABLE = ("departed_share", "day_half_departed", "peak_departures_per_day", "mean_wait_hours",
         "rounds_held", "agreement_day", "collapse_day", "incidents", "killed_people")

#: Every series, in the order of `series.npz`.
SERIES_REGISTRY = (
    Series("tension", "tension (0–1)", "0-1"),
    Series("trust", "trust (0–1)", "0-1"),
    Series("hunger", "hunger (0–1)", "0-1"),
    Series("residents", "people still at home", "people"),
    Series("waiting", "people queuing to leave", "people"),
    Series("departed", "people who have left (cumulative)", "people"),
    Series("killed", "people killed (cumulative)", "people"),
    Series("incidents", "incidents (cumulative)", "incidents"),
    Series("issues_settled", "issues settled", "issues"),
)

BY_NAME = {o.name: o for o in REGISTRY}

#: Views of the registry, for the layers that need only names.
OUTCOMES = tuple(o.name for o in REGISTRY)
BOOLEAN_OUTCOMES = tuple(o.name for o in REGISTRY if o.kind == "boolean")
END_STATES = ("renewed_war", "exodus", "reintegration", "unresolved")
SERIES = tuple(s.name for s in SERIES_REGISTRY)


def outcome(name: str) -> Outcome:
    """The registry's entry of an outcome (KeyError names an outcome nobody declared)."""
    return BY_NAME[name]
