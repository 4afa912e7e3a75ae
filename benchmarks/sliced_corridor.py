"""The corridor served in hourly slices, as it was before the fluid corridor: a reference to
compare the fluid corridor's distributions with (benchmarks/ks_corridor.py), kept out of the
package's hot path. `use_sliced()` patches it into `sim.model.replication` in this process.

People cross in slices of at most an hour, all at once at the slice's end; a slice ends early
when the corridor closes or its capacity changes (the change interrupts it), and capacity left
over as a fraction of a person carries on."""

from __future__ import annotations

import contextlib
from collections.abc import Generator as Process

import simpy
from numpy.random import Generator
from simpy.events import Timeout

import sim.model.replication as replication
from sim.model.outflow import start
from sim.model.world import World
from sim.scenario.params import OutflowParams

#: The shortest slice of crossing time: far above the clock's rounding at any horizon.
MIN_SLICE_DAYS = 1e-9


class SlicedWorld(World):
    """A world whose queue does not flow by itself: the sliced corridor serves it."""

    def _set_flow(self) -> None:
        self.flow_per_day = 0.0


def cross(world: World, people: int) -> None:
    """The first `people` in the queue cross at once now, recorded."""
    now = world.env.now
    world.advance(now)
    left = people
    while left:
        cohort = world.queue[0]
        n = left if left < cohort[1] else int(cohort[1])
        world.runs.append([cohort[0], now, 0.0, n])
        cohort[1] -= n
        left -= n
        if cohort[1] == 0:
            world.queue.popleft()
    world.waiting, world.departed = world.waiting - people, world.departed + people
    world.snapshot()


def corridor(env: simpy.Environment, world: World) -> Process[simpy.Event, object, None]:
    """First come, first served, at most `corridor_capacity_per_hour` people an hour, in
    slices of at most an hour."""
    me = env.active_process
    assert me is not None  # this generator runs as a process

    def cut(_: simpy.Event) -> None:
        me.interrupt("the corridor changed")

    carry = 0.0
    armed: simpy.Event | None = None  # the change event `cut` is attached to
    while True:
        changed = world.corridor_changed
        if not world.corridor_open or world.corridor_capacity_per_hour <= 0:
            if armed is changed:
                changed.callbacks.remove(cut)  # type: ignore[union-attr]
            armed = None
            with contextlib.suppress(simpy.Interrupt):
                yield changed
            continue
        if armed is not changed:
            changed.callbacks.append(cut)  # type: ignore[union-attr]
            armed = changed
        waiting = world.waiting
        capacity = world.corridor_capacity_per_hour
        began = env.now
        try:
            if not waiting:
                yield world.people_joined
                continue
            yield Timeout(env, max(MIN_SLICE_DAYS, min(1.0, (waiting - carry) / capacity) / 24))
        except simpy.Interrupt:
            if not waiting:
                continue
        waiting = world.waiting  # people may have joined during the slice
        allowed = capacity * (env.now - began) * 24 + carry
        people = int(allowed + 1e-6)  # a millionth of a person is rounding
        if people < waiting:
            carry = min(1.0, allowed - people)
        else:
            people, carry = waiting, 0.0
        if people:
            cross(world, people)


def outflow_and_corridor(env: simpy.Environment, p: OutflowParams, rng: Generator,
                         world: World, horizon: float) -> None:
    """The households' decisions, the sliced corridor started with them, and a process that
    brings the world up to date at each decision step (so people who decide join the queue, and
    wake the corridor, at their step, as when decisions were events)."""
    env.process(corridor(env, world))
    start(env, p, rng, world, horizon)
    if p.mode != "queue":
        env.process(_tick(env, world, p.decision_step_hours / 24))


def _tick(env: simpy.Environment, world: World, step: float) -> Process[simpy.Event, object, None]:
    while True:
        yield Timeout(env, step)
        world.advance(env.now)


def use_sliced() -> None:
    """Run replications in this process with the sliced corridor."""
    replication.World = SlicedWorld  # type: ignore[misc]
    replication.start_outflow = outflow_and_corridor  # type: ignore[assignment]
