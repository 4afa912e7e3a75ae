"""The value types of scenario parameters: typed as written, bounded as scenario/limits.py says."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sim.scenario import limits

Share = Annotated[float, Field(ge=0, le=1)]
Change = Annotated[float, Field(ge=-1, le=1)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]


def within(low: float = -math.inf, high: float = math.inf, allowed: str = "") -> AfterValidator:
    """A bound of sim/scenario/limits.py, refused with what is allowed in words."""

    def check(value: float) -> float:
        if not low <= value <= high:
            raise ValueError(f"must be {allowed}")
        return value

    return AfterValidator(check)


#: Half-lives and waits in days: at least a minute (see sim/scenario/limits.py).
Minutes = Annotated[float, within(limits.MINUTE_DAYS, allowed="at least a minute (0.000694 days)")]
#: Steps and rounds in hours: at least a minute.
MinuteHours = Annotated[float, within(limits.MIN_STEP_HOURS,
                                       allowed="at least a minute (0.0167 hours)")]


class Strict(BaseModel):
    """Values of the types written: true is not 1, "3" is not 3 (TOML has typed values)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers(cls, data: Any) -> Any:
        """3.0 is a whole number (a posterior file holds floats); true and 3.5 are not."""
        if not isinstance(data, dict):
            return data
        whole = {key: int(value) for key, value in data.items()
                 if isinstance(value, float) and value.is_integer() and key in cls.model_fields
                 and cls.model_fields[key].annotation is int}
        return {**data, **whole} if whole else data
