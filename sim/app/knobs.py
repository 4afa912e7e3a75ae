"""The sliders of the page: the main parameters of each mechanism, with their unit, range and
meaning read from the parameter documentation, so the page never says other words than it."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.load import Scenario
from sim.scenario.params import ScenarioParams
from sim.scenario.tree import get

#: The parameters table of every section (docs/PARAMETERS.md, beside the package in a checkout).
PARAMETERS = Path(__file__).resolve().parents[2] / "docs" / "PARAMETERS.md"

#: The main parameters of each mechanism, as the worksheets change them (judgement: the ones
#: worksheets 1-6 and the shipped what-ifs move; any other is set by uploading a file).
MAIN: dict[str, tuple[str, ...]] = {
    "World": ("world.trust", "world.tension", "world.peacekeepers", "world.mediator_pressure",
              "world.monitors"),
    "Talks": ("negotiation.mean_days_between_rounds", "negotiation.mean_concession_share",
              "negotiation.base_credibility"),
    "Ceasefire": ("ceasefire.base_incidents_per_day", "ceasefire.peacekeeper_deterrence",
                  "ceasefire.escalation_probability"),
    "Outflow": ("outflow.corridor_capacity_per_hour", "outflow.tension_hazard_per_day",
                "outflow.stayer_share"),
    "Supplies": ("supplies.convoys_per_day", "supplies.convoy_person_days"),
}


@dataclass(frozen=True)
class Knob:
    """One slider: a parameter's path, words, bounds and the scenario's value."""

    path: str
    unit: str
    meaning: str
    low: float
    high: float
    value: float
    drawn: str  # the distribution each run draws from, "" when the scenario fixes the value

    @property
    def step(self) -> float:
        return 1.0 if self.high - self.low > 50 else 0.01

    @property
    def help(self) -> str:
        text = f"{self.meaning} (unit: {self.unit})"
        return text + (f"; the scenario draws it per run from {self.drawn}" if self.drawn else "")


@functools.cache
def documented() -> dict[str, dict[str, str]]:
    """Unit and meaning of each documented parameter by its dotted path ("world.trust")."""
    if not PARAMETERS.is_file():
        return {}
    out: dict[str, dict[str, str]] = {}
    section = ""
    for line in PARAMETERS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip().strip("`[]")
        elif line.startswith("| `") and section and section != "top level":
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out[f"{section}.{cells[0].strip('`')}"] = {"unit": cells[1], "meaning": cells[4]}
    return out


def bounds(path: str) -> tuple[float, float]:
    """What the parameter's field allows (ge/gt, le/lt), the lowest valid of 0, 0.01 and 1
    where it sets no lower bound (a wait of zero days is refused), inf where no upper one."""
    section, name = path.split(".")
    model: type[BaseModel] = ScenarioParams.model_fields[section].annotation  # type: ignore
    low, high = -math.inf, math.inf
    for m in model.model_fields[name].metadata:
        low = max(low, float(getattr(m, "ge", getattr(m, "gt", -math.inf))))
        high = min(high, float(getattr(m, "le", getattr(m, "lt", math.inf))))
    for candidate in (max(low, 0.0), 0.01, 1.0):
        try:
            model.model_validate({name: candidate})
        except ValidationError:
            continue
        return candidate, high
    return max(low, 0.0), high


def knobs(sc: Scenario) -> dict[str, list[Knob]]:
    """The sliders of a scenario by mechanism: its typical values, ranges that hold them."""
    docs = documented()
    out: dict[str, list[Knob]] = {}
    for group, paths in MAIN.items():
        for path in paths:
            value = float(get(sc.params, path))
            low, high = bounds(path)
            if math.isinf(high):  # judgement: four times the scenario's value covers what-ifs
                high = max(4 * value, 1.0)
            d = sc.distributions.get(path)
            drawn = f"{d.form} {list(d.args)}" if d is not None else ""
            about = docs.get(path, {"unit": "", "meaning": path})
            out.setdefault(group, []).append(Knob(path, about["unit"], about["meaning"], low,
                                                  high, value, drawn))
    return out


def changed(sc: Scenario, values: dict[str, Any]) -> dict[str, Any]:
    """The slider values that differ from the scenario's typical values (only these change)."""
    return {p: v for p, v in values.items() if not math.isclose(float(get(sc.params, p)), v,
                                                                 rel_tol=1e-9, abs_tol=1e-12)}
