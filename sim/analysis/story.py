"""The story of one replication: a dated, plain-language account for teachers and students."""

from __future__ import annotations

import math
import textwrap
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

import numpy as np

from sim import outcomes
from sim.model.replication import Replication, record_times
from sim.model.world import Record
from sim.scenario.events import EventSpec, event_day
from sim.scenario.load import Scenario
from sim.scenario.params import ScenarioParams
from sim.text import label, printable_lines

#: Log kinds told one line per run of records, with the longest run in days.
GROUPED = {"incident": 3.0, "fighting": 3.0, "convoy": 3.0, "postponed": math.inf}
MILESTONES = (0.1, 0.5, 0.9)
FIGHTING_LINES = 8  # after a collapse, fighting is told in at most about this many lines
WIDTH, INDENT = 96, 18
ROUNDS = {"setback": "A setback: the two sides moved further apart.",
          "unproductive": "No real progress.",
          "productive": "Some progress, but no new issue settled."}

TURNS = {"collapse": "THE CEASEFIRE COLLAPSES after {incidents}. The war starts again.",
         "agreement": "AGREEMENT! {government} and {p.separatists} have settled every issue.",
         "ceasefire collapsed": "The talks are over: there is war again.",
         "no progress": "THE TALKS BREAK DOWN after {n:.0f} rounds in a row without progress."}


class Line(NamedTuple):
    time_days: float
    order: int  # position in the log, so lines at one moment keep the order things happened
    text: str


def tell(scenario: Scenario, rep: Replication, replication: int, seed: int) -> str:
    """The header, dated lines in time order, and how it ended."""
    p = scenario.with_values(rep.parameters).params if rep.parameters else scenario.params
    main = [*_log_lines(p, rep.log), *_departures(p, rep)]
    rounds = [r.time_days for r in rep.log if r.kind == "round"]
    body = sorted([*main, *_grouped(p, rep.log, sorted(line.time_days for line in main), rounds)])
    dated = [textwrap.fill(f"{_when(p.start, line.time_days):<{INDENT}}{line.text}", WIDTH,
                           subsequent_indent=" " * INDENT) for line in body]
    return printable_lines(
        "\n".join([*_header(p, rep, replication, seed), "", *dated, "", *_ending(p, rep)]))


def _when(start: datetime, days: float) -> str:
    t = start + timedelta(days=days)
    return f"{t:%a} {t.day} {t:%b %H:%M}"


def _agreed(p: ScenarioParams) -> list[str]:
    """Issues whose starting gap is already below `settle_gap`: settled before the first round."""
    return [name for name, issue in p.negotiation.issues.items()
            if issue.gap < p.negotiation.settle_gap]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _count(n: float, word: str, plural: str = "") -> str:
    return f"{round(n):,} {word if round(n) == 1 else plural or word + 's'}"


def _people(n: float) -> str:
    return _count(n, "person", "people")


def _hurt(casualties: float, killed: int) -> str:
    if casualties == 0:
        return "nobody was hurt"
    return (f"{_count(casualties, 'casualty', 'casualties')} ({killed:,} killed, "
            f"{round(casualties) - killed:,} wounded)")


def _header(p: ScenarioParams, rep: Replication, replication: int, seed: int) -> list[str]:
    n, s, end = p.names, p.start, p.start + timedelta(days=p.horizon_days)
    drawn = " (a number drawn at random for this run)" if "world.population_people" in \
        rep.parameters else ""
    issues = ", ".join(name.replace("_", " ") for name in p.negotiation.issues)
    title = (label(p.name) or p.name).upper()
    lines = [f"THE STORY OF {title}, run {replication} (random seed {seed})",
             p.description,
             f"It starts on {s:%a} {s.day} {s:%b %Y at %H:%M} and follows {p.horizon_days:g} days,"
             f" to {end:%a} {end.day} {end:%b %Y}. All times are local ({s:%Z}).",
             f"Place: {n.region} (main city: {n.capital}). {_cap(n.population)} number "
             f"{round(p.world.population_people):,}{drawn}.",
             f"Talks at {n.talks_venue} between {n.government} and {n.separatists}, with "
             f"{n.mediator}. {len(p.negotiation.issues)} issues to settle: {issues}."
             + (f" Already agreed at the start: {', '.join(_agreed(p)).replace('_', ' ')}."
                if _agreed(p) else ""),
             f"Keeping the peace: {n.peacekeepers}, {round(p.world.peacekeepers):,} of them"
             + (f"; international monitors at {p.world.monitors:.0%} of full strength."
                if p.world.monitors else "."),
             f"The only way out is {n.corridor} to {n.destination}; at the start it is "
             f"{'open' if p.outflow.corridor_open else 'CLOSED'}. Departures are counted every "
             f"{p.record_every_hours:g} hours."]
    if rep.parameters:
        values = "; ".join(f"{k} = {v:,.0f}" if isinstance(v, float) and abs(v) >= 100
                           else f"{k} = {v:.3g}" if isinstance(v, float) else f"{k} = {v}"
                           for k, v in sorted(rep.parameters.items()))
        lines.append(f"For teachers, the uncertain values drawn for this run: {values}.")
    return [textwrap.fill(line, WIDTH) for line in lines if line]


def _log_lines(p: ScenarioParams, log: Sequence[Record]) -> list[Line]:
    """One line per round, timeline event, collapse and end of the talks."""
    events = iter(sorted(p.events, key=lambda e: event_day(e, p.start)))  # the timeline's order
    settled, rounds, lines = len(_agreed(p)), 0, []
    for i, r in enumerate(log):
        if r.kind == "round":
            rounds, settled = rounds + 1, settled + int(r.amount)
            text = _round(p, r, rounds, settled)
        elif r.kind == "event":
            text = _event(p, r, next(events))
        elif r.kind in ("collapse", "agreement", "talks_broken"):
            text = TURNS[r.what if r.kind == "talks_broken" else r.kind].format(
                n=r.amount, government=_cap(p.names.government), p=p.names,
                incidents=_count(r.amount, "incident"))
        else:
            continue
        lines.append(Line(r.time_days, i, text))
    return lines


def _round(p: ScenarioParams, r: Record, number: int, settled: int) -> str:
    n = p.names
    result = ROUNDS[r.what]
    if r.amount:
        result = f"{_cap(n.government)} and {n.separatists} agree on {r.note.replace('_', ' ')}."
    return (f"Talks, round {number}, at {n.talks_venue}. {result} "
            f"({settled} of {len(p.negotiation.issues)} issues settled so far.)")


def _event(p: ScenarioParams, r: Record, spec: EventSpec) -> str:
    n, s, parts = p.names, spec.set, [f"{_cap(r.what)}."]
    if "corridor_open" in s:
        parts.append(f"{_cap(n.corridor)} is now {'OPEN' if s['corridor_open'] else 'CLOSED'}.")
    if "corridor_capacity_per_hour" in s:
        parts.append(f"It can take {_people(s['corridor_capacity_per_hour'])} an hour.")
    if "peacekeepers" in s:
        parts.append(f"{_cap(n.peacekeepers)} now number {round(s['peacekeepers']):,}.")
    if "monitors" in s:
        parts.append(f"International monitors now at {s['monitors']:.0%} of full strength."
                     if s["monitors"] else "The international monitors are gone.")
    for key, word in (("tension", "Fear"), ("trust", "Trust")):
        if spec.add.get(key):
            parts.append(f"{word} {'rises' if spec.add[key] > 0 else 'falls'}.")
    if r.amount:
        parts.append(f"{_people(r.amount)} evacuated to {n.destination}.")
    if int(r.note or 0):
        parts.append(f"{_people(int(r.note))} killed.")
    if spec.round:
        parts.append("A round of talks is called.")
    return " ".join(parts)


def _grouped(p: ScenarioParams, log: Sequence[Record], main: list[float],
             rounds: list[float]) -> list[Line]:
    """Runs of incidents, days of fighting, convoys and postponements, one line per run.

    A run never spans `window` days or a main line; postponements run until the next round."""
    runs: list[tuple[str, int, list[Record]]] = []
    for kind, window in GROUPED.items():
        cuts = rounds if kind == "postponed" else main
        found = [(i, r) for i, r in enumerate(log) if r.kind == kind]
        if kind == "fighting":
            window = max(window, math.ceil(len(found) / FIGHTING_LINES))
        for i, r in found:
            last = runs[-1][2] if runs and runs[-1][0] == kind else None
            if (last and r.time_days - last[0].time_days < window - 1e-6
                    and bisect_right(cuts, last[-1].time_days) == bisect_right(cuts, r.time_days)):
                last.append(r)
            else:
                runs.append((kind, i, [r]))
    return [Line(run[0].time_days - (kind == "fighting") * (1 - 1e-9), i, _run(p, kind, run))
            for kind, i, run in runs]  # a day of fighting is logged as it ends


def _run(p: ScenarioParams, kind: str, run: list[Record]) -> str:
    k = len(run)
    until = f" (until {_when(p.start, run[-1].time_days)})" if k > 1 else ""
    hurt = _hurt(sum(r.amount for r in run), sum(int(r.note or 0) for r in run))
    if kind == "incident":
        return (f"{k} incidents{until}" if k > 1 else "An incident") + f": {hurt}."
    if kind == "fighting":
        return (f"{k} days of fighting" if k > 1 else "A day of fighting") + f"{until}: {hurt}."
    if kind == "postponed":
        times = f" {k} times{until}" if k > 1 else ""
        return f"Talks postponed{times}: the situation is too tense."
    came = [r for r in run if r.what == "arrived"]
    parts = [f"{_count(len(came), 'aid convoy')} arrived with food and fuel for "
             f"{_people(sum(r.amount for r in came))} for a day."] if came else []
    if k > len(came):
        parts.append(f"{_count(k - len(came), 'aid convoy')} turned back.")
    return " ".join(parts)[:-1] + f"{until}."


def _departures(p: ScenarioParams, rep: Replication) -> list[Line]:
    """The first record times by which 10%, 50%, 90% had left, and the longest queue."""
    times, departed = record_times(p), rep.series["departed"]
    population, order = round(p.world.population_people), len(rep.log)
    lines = []
    for share in MILESTONES:
        hit = np.flatnonzero(departed >= share * population)
        if hit.size:
            lines.append(Line(float(times[hit[0]]), order, f"By now {share:.0%} of "
                              f"{p.names.population} have left ({_people(departed[hit[0]])})."))
    peak = int(rep.outcomes["max_waiting_people"])
    if peak:
        at = float(times[int(np.argmax(rep.series["waiting"]))])
        lines.append(Line(at, order, f"About now the queue at {p.names.corridor} is at its "
                                     f"longest: {_people(peak)} waiting to leave."))
    return lines


def _ending(p: ScenarioParams, rep: Replication) -> list[str]:
    o, n = rep.outcomes, p.names
    label = getattr(p.end_states.labels, o["end_state"])
    why = outcomes.state(o["end_state"]).ending.format(share=p.end_states.exodus_share)
    wait = f" Average wait at {n.corridor}: {o['mean_wait_hours']:.1f} hours." \
        if o["mean_wait_hours"] is not None else ""
    return [textwrap.fill(line, WIDTH) for line in (
        f"HOW IT ENDED ({_when(p.start, p.horizon_days)}): {label}, because {why}."
        + (f" (An agreement was reached on {_when(p.start, o['agreement_day'])}, but that does"
           " not count when the war is back or so many have left.)"
           if o["agreement"] and o["end_state"] != "reintegration" else ""),
        f"Left for {n.destination}: {_people(o['departed_people'])} "
        f"({o['departed_share']:.0%}). Busiest day: {_people(o['peak_departures_per_day'])} "
        "left." + wait,
        f"Violence: {_count(o['incidents'], 'incident')}"
        + (", then war" if o["ceasefire_collapsed"] else "")
        + f". {_count(o['casualties'], 'casualty', 'casualties')};"
        f" {_people(o['killed_people'])} killed in all.",
        f"Talks: {_count(o['rounds_held'], 'round')}, {o['issues_settled'] + len(_agreed(p))} of "
        f"{len(p.negotiation.issues)} issues settled.")]
