"""A dated event of a scenario's timeline, as the file writes it: when, and what it changes."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field, model_validator

from sim.scenario.types import NonNegative, Strict

#: World variables a timeline event may `set` or `add` to, with their kind.
WORLD_VARIABLES: dict[str, str] = {
    "tension": "share",
    "trust": "share",
    "supplies_person_days": "amount",
    "peacekeepers": "amount",
    "mediator_pressure": "amount",
    "monitors": "share",
    "corridor_capacity_per_hour": "amount",
    "corridor_open": "switch",
    "aid_access_open": "switch",
}


class EventSpec(Strict):
    name: str
    at: AwareDatetime | None = None
    day: NonNegative | None = None
    set: dict[str, float | bool] = Field(default_factory=dict)
    add: dict[str, float] = Field(default_factory=dict)
    evacuate_people: NonNegative = 0
    killed_people: NonNegative = 0
    round: bool = False
    incident: bool = False  # an incident of the ceasefire (setbacks, self-excitation)
    casualties: NonNegative = 0  # killed and wounded in the incident (killed_people among them)

    @model_validator(mode="after")
    def _effects(self) -> EventSpec:
        if (self.at is None) == (self.day is None):
            raise ValueError("give the event exactly one of `at` (a date-time) or `day`")
        for verb, changes in (("set", self.set), ("add", self.add)):
            for key, value in changes.items():
                kind = WORLD_VARIABLES.get(key)
                if kind is None:
                    allowed = ", ".join(WORLD_VARIABLES)
                    raise ValueError(f"`{verb}` names unknown world variable {key!r}; "
                                     f"allowed: {allowed}")
                if (kind == "switch") != isinstance(value, bool):
                    want = "true or false" if kind == "switch" else "a number"
                    raise ValueError(f"`{verb}.{key}` must be {want}")
                if kind == "switch" and verb == "add":
                    raise ValueError(f"`add.{key}`: a switch can only be `set`")
                if kind == "share" and verb == "set" and not 0 <= value <= 1:
                    raise ValueError(f"`set.{key}` must be between 0 and 1")
                if kind == "amount" and verb == "set" and value < 0:
                    raise ValueError(f"`set.{key}` must be 0 or more")
        if self.casualties and not self.incident:
            raise ValueError("`casualties` are counted for an incident: add `incident = true`")
        if self.incident and self.casualties < self.killed_people:
            raise ValueError(f"`casualties` ({self.casualties:g}) count the killed too: give "
                             f"at least killed_people ({self.killed_people:g})")
        return self


def event_day(event: EventSpec, start: datetime) -> float:
    """Days from the scenario start at which an event happens."""
    if event.day is not None:
        return event.day
    assert event.at is not None
    return (event.at - start).total_seconds() / 86_400
