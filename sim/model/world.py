"""World: the state the processes of one replication share, and the event log record type
(what it records of itself: sim/model/snapshots.py)."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

import numpy as np
import simpy

from sim.model.fluid import Crossing, serve
from sim.model.snapshots import SNAPSHOT, read_snapshot, series
from sim.model.state import Relaxation, apportion
from sim.scenario.params import ScenarioParams

LN2 = 0.6931471805599453
PEOPLE = itemgetter(1)  # of a cohort [joined, people]


class Record(NamedTuple):
    """One line of a replication's event log (what the story tells)."""

    time_days: float
    kind: str
    what: str
    amount: float = 0.0
    note: str = ""


def _never(world: World, day: float) -> float:
    return math.inf


class World:
    """Mutable state of one replication, changed only through its methods (`advance`, ...)."""

    def __init__(self, env: simpy.Environment, p: ScenarioParams) -> None:
        w = p.world
        self.env = env
        self.population = round(w.population_people)
        self.residents = self.population
        self.stayers = round(self.residents * p.outflow.stayer_share)  # residents who never leave
        self.waiting = self.departed = self.killed = 0
        self.tension, self.trust = w.tension, w.trust
        self.trust_anchor = w.trust_baseline  # the level trust relaxes to; commitments move it
        self.monitors = w.monitors
        self.supplies_person_days = w.supplies_person_days
        self.peacekeepers = w.peacekeepers
        self.mediator_pressure = w.mediator_pressure
        self.corridor_open = p.outflow.corridor_open
        self.corridor_capacity_per_hour = p.outflow.corridor_capacity_per_hour
        self.flow_fraction = 0.0  # the queue is served in closed form (fluid.py)
        self._set_flow()
        self.aid_access_open = p.supplies.aid_access_open
        self.incidents = self.casualties = self.issues_settled = 0
        self.at_war = False
        self.incident_times: list[float] = []
        self.queue: deque[list[float]] = deque()  # cohorts [joined_day, people], first come first
        self.runs: list[list[float]] = []  # `Crossing`s as lists (extended in place), in order
        self.snapshots: list[tuple[float, ...]] = []
        self._last = 0.0
        self.due = math.inf  # the decision clock (`keep_clock`)
        self.decide: Callable[[World, float], float] = _never
        self.relax = Relaxation(w.tension_baseline, p.supplies.hunger_tension_weight,
                                p.supplies.comfortable_supply_days,
                                LN2 / w.tension_half_life_days, LN2 / w.trust_half_life_days)
        (self.agreement, self.talks_broken, self.ceasefire_collapsed, self.round_called,
         self.corridor_changed, self.people_joined) = (env.event() for _ in range(6))
        self.snapshot()

    @property
    def crossings(self) -> list[Crossing]:
        """The runs of one cohort crossing one after another, first come first."""
        return [Crossing(joined, first, step, int(people))
                for joined, first, step, people in self.runs]

    @property
    def inside(self) -> int:
        """People still in the region (residents and those queuing to leave)."""
        return self.residents + self.waiting

    def hunger(self) -> float:
        """How short of supplies everyone inside (residents and those queuing) is: 0 to 1."""
        return self.relax.hunger(self.supplies_person_days, self.residents + self.waiting)

    def keep_clock(self, decide: Callable[[World, float], float], first: float) -> None:
        """Call `decide(world, day)` at each day due, from `first` (the households' decision
        steps): `advance` stops at each, so they need no events; `decide` returns the next."""
        self.decide, self.due = decide, first

    def advance(self, now: float) -> None:
        """Bring the world to `now`, stopping at each decision step due on the way (hot)."""
        while self.due <= now:
            day = self.due
            self._evolve(day)
            self.due = self.decide(self, day)
        self._evolve(now)

    def _evolve(self, now: float) -> None:
        """Bring the corridor's queue, tension, trust and supplies (eaten by all inside, those
        who crossed meanwhile until they did) to `now` (hot)."""
        last = self._last
        dt = now - last
        if dt <= 0:
            return
        waiting = self.waiting
        inside: float = self.residents + waiting
        if waiting and self.flow_per_day:
            n, self.flow_fraction, outside = serve(self.queue, self.runs, waiting,
                                                   self.flow_fraction, self.flow_per_day,
                                                   last, now)
            self.waiting, self.departed = waiting - n, self.departed + n
            inside -= outside / dt  # the mean number inside over the interval
        supplies = self.supplies_person_days
        relax = self.relax
        self.tension = relax.tension(self.tension, dt, supplies, inside, self.at_war)
        anchor = self.trust_anchor
        self.trust = anchor + (self.trust - anchor) * math.exp(-dt * relax.trust_rate)
        left = supplies - inside * dt
        self.supplies_person_days = left if left > 0.0 else 0.0
        self._last = now

    def snapshot(self) -> None:
        """Record the state after a change (call `advance` before changing it)."""
        now = self.env.now
        if now > self._last:
            self.advance(now)
        self.snapshots.append(read_snapshot(self))

    def table(self) -> np.ndarray:
        """The snapshots as one float array (rows: snapshots, columns: `SNAPSHOT`)."""
        rows = self.snapshots
        return np.fromiter(chain.from_iterable(rows), float, len(rows) * len(SNAPSHOT)).reshape(
            len(rows), len(SNAPSHOT))

    def shift(self, name: str, delta: float) -> None:
        """Add to a share (tension, trust, the trust anchor), kept within 0-1."""
        setattr(self, name, min(1.0, max(0.0, getattr(self, name) + delta)))

    def move_anchor(self, delta: float) -> None:
        """Move the level trust relaxes to (a commitment made or broken), kept within 0-1."""
        self.shift("trust_anchor", delta)

    def kill(self, people: int, casualties: int = 0) -> int:
        """Kill up to `people` of those inside, of `casualties` counted; returns how many.

        Violence does not choose: stayers, other residents and each cohort queuing lose people
        in proportion to their numbers (whole people)."""
        self.casualties += casualties
        if people <= 0:
            return 0
        stayers, others, queued = apportion(
            people, [self.stayers, self.residents - self.stayers, self.waiting])
        if queued:  # a long queue has many cohorts, few of which lose anyone: touch those only
            cohorts = list(self.queue)
            lost = apportion(queued, list(map(PEOPLE, cohorts)))
            emptied = False
            for i in [i for i, k in enumerate(lost) if k]:
                cohorts[i][1] -= lost[i]
                emptied = emptied or not cohorts[i][1]
            if emptied:
                self.queue = deque(c for c in cohorts if c[1] > 0)
        n = stayers + others + queued
        self.stayers -= stayers
        self.residents, self.waiting = self.residents - stayers - others, self.waiting - queued
        self.killed += n
        return n

    def evacuate(self, people: int) -> int:
        """Move up to `people` residents out directly (organised evacuation), stayers among
        them in proportion (an evacuation takes the wounded and children, stayers or not)."""
        stayers, others = apportion(people, [self.stayers, self.residents - self.stayers])
        n = stayers + others
        self.stayers -= stayers
        self.residents, self.departed = self.residents - n, self.departed + n
        return n

    def incident(self, tension_change: float) -> None:
        """An incident now (call `advance` first): counted, dated and felt in the tension."""
        self.incidents += 1
        self.incident_times.append(self.env.now)
        self.shift("tension", tension_change)

    def resume_war(self) -> None:
        """The ceasefire collapses now: war, full tension, recorded."""
        self.advance(self.env.now)
        self.at_war = True
        self.tension = 1.0
        self.ceasefire_collapsed.succeed()
        self.snapshot()

    def settle(self, issues: int) -> None:
        """`issues` more issues on the agenda are settled."""
        self.issues_settled += issues

    def end_talks(self, agreed: bool, trust_change: float, tension_change: float) -> None:
        """The talks end now in agreement or breakdown (call `advance` first)."""
        self.shift("trust", trust_change)
        self.shift("tension", tension_change)
        (self.agreement if agreed else self.talks_broken).succeed()

    def deliver(self, person_days: float) -> None:
        """A convoy's supplies arrive now; the state is recorded."""
        self.advance(self.env.now)
        self.supplies_person_days += person_days
        self.snapshot()

    def set_variable(self, name: str, value: float) -> None:
        """Set a world variable a timeline event may change (`param_events.WORLD_VARIABLES`);
        the corridor's queue is served up to now first and its new rate recorded."""
        if not name.startswith("corridor"):
            return setattr(self, name, value)
        self.advance(self.env.now)
        setattr(self, name, value)
        self._set_flow()
        self.snapshot()

    def _set_flow(self) -> None:
        """The corridor's rate while people wait, people a day (0: closed or no capacity)."""
        c = self.corridor_capacity_per_hour
        self.flow_per_day = 24.0 * c if self.corridor_open and c > 0 else 0.0

    def join_queue(self, people: int) -> None:
        """`people` residents join the corridor's queue now (call `advance` first); recorded."""
        if not self.waiting:
            self.flow_fraction = 0.0  # an empty queue saved no capacity
        self.residents, self.waiting = self.residents - people, self.waiting + people
        self.queue.append([self._last, people])
        self.signal("people_joined")
        self.snapshots.append(read_snapshot(self))  # brought up to date just before

    def signal(self, name: str) -> None:
        """Fire a renewable event and arm a new one (one no process waits on is kept: no event)."""
        old = getattr(self, name)
        if not old.callbacks:
            return
        setattr(self, name, self.env.event())
        old.succeed()

    def series(self, times: np.ndarray, table: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The state at given days: the last snapshot at or before each, carried in closed form."""
        return series(self.relax, self.table() if table is None else table, times)
