"""A parameter's label with its unit, for sweep titles and axes: a reader sees "peacekeepers
(people)", not the dotted path a file writes."""

from __future__ import annotations

from typing import Any

from annotated_types import Ge, Le
from pydantic import BaseModel

from sim.scenario.params import ScenarioParams

#: Units a parameter's name ends with, as words.
SUFFIXES = {"_per_hour": "per hour", "_per_day": "per day", "_days": "days", "_hours": "hours",
            "_people": "people", "_share": "share 0–1", "_probability": "probability 0–1"}
#: Units of parameters whose name carries none (docs/PARAMETERS.md's unit column).
UNITS = {"peacekeepers": "people", "max_unproductive_rounds": "rounds",
         "mediator_pressure": "multiplier", "day": "days after the start"}
#: Words for a name that reads badly on its own.
WORDS = {"peacekeepers": "peacekeepers present", "day": "day"}


def parameter_label(path: str) -> str:
    """`outflow.corridor_capacity_per_hour` -> "corridor capacity (per hour)";
    `ceasefire.peacekeeper_deterrence` -> "peacekeeper deterrence (share 0–1)"."""
    keys = path.split(".")
    name = keys[-1]
    suffix = next((s for s in SUFFIXES if name.endswith(s)), "")
    words = WORDS.get(name, name.removesuffix(suffix).replace("_", " "))
    if keys[0] == "events" and len(keys) > 2:
        words = f"event {keys[1]}: {words}"
    unit = SUFFIXES.get(suffix) or UNITS.get(name) or ("share 0–1" if _share(keys) else "")
    return f"{words} ({unit})" if unit else words


def _share(keys: list[str]) -> bool:
    """Whether the parameter at `keys` is a number bounded by 0 and 1."""
    model: type[BaseModel] = ScenarioParams
    for key in keys[:-1]:
        inner: Any = getattr(model.model_fields.get(key), "annotation", None)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return False
        model = inner
    field = model.model_fields.get(keys[-1])
    if field is None:
        return False
    low = any(isinstance(m, Ge) and m.ge == 0 for m in field.metadata)
    return low and any(isinstance(m, Le) and m.le == 1 for m in field.metadata)
