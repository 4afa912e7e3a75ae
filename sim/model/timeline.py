"""The scenario's timeline: dated events that change the world, evacuate people, call a round."""

from __future__ import annotations

from collections.abc import Generator as Process
from collections.abc import Sequence

import simpy

from sim.model.world import Record, World
from sim.scenario.events import WORLD_VARIABLES, EventSpec


def timeline(env: simpy.Environment, events: Sequence[tuple[float, EventSpec]], world: World,
             log: list[Record], tension_per_incident: float
             ) -> Process[simpy.Event, object, None]:
    """Apply each event at its day, in time order (events on one day in file order). An event
    marked `incident` counts as an incident of the ceasefire, felt like a random one; the
    ceasefire's self-excitation reads its day from `incident_days`."""
    for day, event in sorted(events, key=lambda pair: pair[0]):
        yield env.timeout(day - env.now)
        world.advance(env.now)
        apply(event, world)
        moved = world.evacuate(round(event.evacuate_people))
        killed = world.kill(round(event.killed_people), round(event.casualties))
        if event.incident:
            world.incident(tension_per_incident)
        world.snapshot()
        log.append(Record(env.now, "event", event.name, float(moved), str(killed)))
        if event.round:
            world.signal("round_called")


def apply(event: EventSpec, world: World) -> None:
    """Set and add to world variables; shares stay within 0-1, amounts at or above 0."""
    corridor_before = (world.corridor_open, world.corridor_capacity_per_hour)
    for key, value in event.set.items():
        world.set_variable(key, value)
    for key, delta in event.add.items():
        value = getattr(world, key) + delta
        upper = 1.0 if WORLD_VARIABLES[key] == "share" else float("inf")
        world.set_variable(key, min(upper, max(0.0, value)))
    if (world.corridor_open, world.corridor_capacity_per_hour) != corridor_before:
        world.signal("corridor_changed")


def incident_days(events: Sequence[tuple[float, EventSpec]]) -> list[float]:
    """The days of the timeline's incidents, in time order."""
    return sorted(day for day, event in events if event.incident)
