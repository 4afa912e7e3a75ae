"""The corridor's parameters beyond its capacity: how its throughput moves, what is observed."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.scenario.types import MinuteHours, Positive, Strict


class CorridorParams(Strict):
    """Fields of `[outflow]` (OutflowParams extends this): each default changes nothing."""

    # How the corridor's throughput moves while it is open (sim/model/throughput.py); constant
    # (the default) starts no process, so a scenario that does not ask runs as before.
    throughput: Literal["constant", "ramp", "random_walk", "queue_growth"] = "constant"
    throughput_step_hours: MinuteHours = 1
    throughput_ceiling_per_hour: Positive = 3_000
    throughput_ramp_per_hour_per_day: Annotated[float, Field(ge=-1e6, le=1e6)] = 100
    throughput_walk_sd_per_sqrt_day: Annotated[float, Field(ge=0, le=10)] = 0.2
    throughput_growth_per_day: Annotated[float, Field(ge=0, le=100)] = 0.5
    # What is observed of the outflow (sim/model/observation.py): arrivals at the far end after
    # an Erlang-distributed journey, and counts registered after a lag, with noise.
    travel_hours_mean: Annotated[float, Field(ge=0, le=1e4)] = 0
    travel_hours_shape: Annotated[int, Field(ge=1, le=50)] = 2
    registration_lag_hours: Annotated[float, Field(ge=0, le=1e4)] = 0
    count_noise_sd: Annotated[float, Field(ge=0, le=2)] = 0
