"""THE registry of outcomes, end states and series: each declared once, so every layer reads
the same facts.

Layers read it when they run (`outcome`, `names`, `shown`, ...), never a copy made at import, so
adding an outcome is one `Outcome` here (plus its name in the places of `SHOWN` that show it)
and its value in the model (`sim/model/replication.py` `summarise`)."""

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
    still: str = ""     # plain words for "not yet" on a survival curve (censored times)
    short: str = ""     # a few words for a narrow column's heading; the label if empty

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
            detail="day of agreement (when reached)", still="agreement not yet reached"),
    Outcome("talks_broken", "boolean", "talks broke down", "share", "{:.0%}", False),
    Outcome("rounds_held", "count", "talks rounds held", "rounds", "{:.0f}", False,
            detail="rounds of talks held"),
    Outcome("issues_settled", "count", "issues settled", "issues", "{:.0f}", False),
    Outcome("ceasefire_collapsed", "boolean", "ceasefire collapse", "share", "{:.0%}", False),
    Outcome("collapse_day", "day", "day the ceasefire collapsed", "days", "{:.1f}", True,
            detail="day the ceasefire collapsed (when it did)", still="ceasefire still holding"),
    Outcome("incidents", "count", "incidents", "incidents", "{:.0f}", False),
    Outcome("casualties", "count", "casualties (killed and wounded)", "people", "{:,.0f}",
            False, short="casualties"),
    Outcome("departed_people", "count", "people who left", "people", "{:,.0f}", False),
    Outcome("departed_share", "share", "share of people who left", "share", "{:.0%}", False,
            short="share left"),
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


@dataclass(frozen=True)
class EndState:
    """How a replication ended: its name (outcomes.csv), default label and why, in plain words."""

    name: str
    label: str   # the default label; a scenario may rename it (`end_states.labels`)
    ending: str  # "... because {ending}" in a story; {share} is the scenario's exodus share


#: Every end state, in the order tables, figures and ties show them.
STATES = (
    EndState("renewed_war", "renewed war", "the ceasefire collapsed and the war started again"),
    EndState("exodus", "exodus", "at least {share:.0%} of the people left"),
    EndState("reintegration", "reintegration", "the two sides reached an agreement"),
    EndState("unresolved", "unresolved",
             "there was no agreement and no war, and most people stayed"),
)

#: Where outcomes are shown, each place in its order. End states are shown (as probabilities)
#: in every place that shows probabilities; a yes/no outcome is shown as its probability, any
#: other as its median (or mean, in comparisons). A figure grows a row when a place grows.
SHOWN: dict[str, tuple[str, ...]] = {
    # the terminal table after a run (`sim run`, `sim summary`)
    "table": ("departed_share", "day_half_departed", "peak_departures_per_day",
              "mean_wait_hours", "rounds_held", "agreement_day", "collapse_day", "incidents",
              "killed_people"),
    # comparisons (`sim compare`, figures of differences), in this order
    "compare": ("ceasefire_collapsed", "collapse_day", "incidents", "casualties",
                "killed_people", "agreement", "agreement_day", "talks_broken", "rounds_held",
                "issues_settled", "departed_share", "departed_people", "day_half_departed",
                "day_90pct_departed", "peak_departures_per_day", "max_waiting_people",
                "mean_wait_hours", "p90_wait_hours", "stayed_people", "trust_at_end"),
    # sweep.csv, in this order after the end states
    "sweep": ("ceasefire_collapsed", "collapse_day", "incidents", "casualties", "killed_people",
              "agreement", "agreement_day", "talks_broken", "rounds_held", "departed_share",
              "day_half_departed", "peak_departures_per_day", "mean_wait_hours"),
    # the sweep's terminal table, after the end states (medians)
    "sweep_table": ("departed_share", "casualties"),
    # figures of a sweep along one parameter: the talks panel, then one panel per median
    "sweep_probabilities": ("agreement", "talks_broken"),
    "sweep_medians": ("departed_share", "day_half_departed", "peak_departures_per_day",
                      "mean_wait_hours", "agreement_day", "collapse_day", "incidents",
                      "casualties", "killed_people"),
    # heat maps of a sweep over two parameters: after the end states, then medians
    "heatmap_probabilities": ("agreement", "talks_broken"),
    "heatmap_medians": ("departed_share", "day_half_departed", "mean_wait_hours", "incidents",
                        "casualties", "killed_people"),
    # survival curves of a results folder (censored times, with their `still` words)
    "survival": ("collapse_day", "agreement_day"),
}


@dataclass(frozen=True)
class Typical:
    """An outcome that defines the typical run: its weight in the distance to the median run,
    and how a pick's reason shows a run's value ({value}) next to the median ({median})."""

    name: str
    words: str  # yes/no outcomes: {value} is "yes (k of n runs: yes)"
    weight: float = 1.0


#: What "typical" means (`sim pick`): the run of the most common end closest to the median run.
TYPICAL = (
    Typical("departed_share", "{value:.1%} left (median {median:.1%})"),
    Typical("casualties", "{value:,} casualties (median {median:g})"),
    Typical("rounds_held", "{value} rounds of talks (median {median:g})"),
    Typical("ceasefire_collapsed", "ceasefire collapsed {value}"),
    Typical("agreement", "agreement {value}"),
)
#: Harm (best and worst picks) = people killed + LEFT_WEIGHT x share of the population that left.
LEFT_WEIGHT = 100.0

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


def outcome(name: str) -> Outcome:
    """The registry's entry of an outcome (KeyError names an outcome nobody declared)."""
    for o in REGISTRY:
        if o.name == name:
            return o
    raise KeyError(name)


def names() -> tuple[str, ...]:
    """The outcomes' names, in the order of `outcomes.csv`."""
    return tuple(o.name for o in REGISTRY)


def booleans() -> tuple[str, ...]:
    """The yes/no outcomes (shown as probabilities)."""
    return tuple(o.name for o in REGISTRY if o.kind == "boolean")


def states() -> tuple[str, ...]:
    """The end states' names, in their order."""
    return tuple(s.name for s in STATES)


def state(name: str) -> EndState:
    """The registry's entry of an end state (KeyError names one nobody declared)."""
    for s in STATES:
        if s.name == name:
            return s
    raise KeyError(name)


def shown(place: str) -> tuple[str, ...]:
    """The outcomes a place shows, in its order (KeyError names a place nobody declared)."""
    return SHOWN[place]


#: Views of the registry made at import, for code that needs today's names only (the public
#: API, work estimates, tests); code that lists or shows outcomes calls the functions above.
OUTCOMES = names()
BOOLEAN_OUTCOMES = booleans()
END_STATES = states()
SERIES = tuple(s.name for s in SERIES_REGISTRY)
