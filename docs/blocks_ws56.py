"""The teacher's guide, worksheets 5 and 6: 2023 against the model, and the teams' ideas."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from fmt import comparison, console, count, find, pct, words
from teach import (
    BASELINE,
    GUIDE,
    OBSERVED,
    bullet,
    compare,
    inside,
    run,
    stamp,
    sweep,
    validation,
)
from workspace import Workspace


def ws5_validation(ws: Workspace) -> str:
    """Worksheet 5: the uncalibrated 2023 scenario against the early arrivals."""
    v = validation(ws, "historical_2023", "results/ex5/validation")
    pts = v["points"]
    n = len(pts)
    above = sum(p["q50"] > p["observed"] for p in pts)
    where = ("above every observed count" if above == n
             else f"above {above} of the {n} observed counts")
    edge = (", at its lower edge" if all(p["observed"] < p["q25"] for p in pts
                                          if p["inside_90%"]) else "")
    first, last = pts[0], pts[-1]
    half = v["timing"]["half"]
    return bullet(
        f"**Validation of `historical_2023`**: the model's median is {where}: at "
        f"{stamp(first['time'])} it says {count(first['q50'])} (observed "
        f"{count(first['observed'])}), on {stamp(last['time'])} {count(last['q50'])} (observed "
        f"{count(last['observed'])}). {inside(v, '50%')} of {n} points inside the middle 50% "
        f"(about {n // 2} expected), {inside(v, '90%')} of {n} inside the middle 90%{edge}. The "
        f"\"mean relative difference\" of {100 * v['mean_relative_difference']:,.0f}% is "
        f"inflated by the first point ({count(first['observed'])} people observed): a relative "
        f"error on a tiny count means little, a good misreading to discuss. Half of the last "
        f"observed count was reached at {stamp(half['observed']['time'])} in reality, "
        f"{datetime.fromisoformat(half['median']['time']):%H:%M} in the model.")


def ws5_calibration(ws: Workspace) -> str:
    """Worksheet 5: the class's own calibration of the road's capacity."""
    out = "results/ex5/calibration"
    ws.sim(f"sim calibrate scenarios/historical_2023.toml {OBSERVED} --params "
           f"outflow.corridor_capacity_per_hour --runs 100 --keep 0.2 --predictive-runs 100 "
           f"--out {out} --force")
    c = json.loads(ws.path(f"{out}/calibration.json").read_text())
    q = c["parameters"]["outflow.corridor_capacity_per_hour"]
    v = c["posterior_predictive"]
    n = len(v["points"])
    below = [p for p in v["points"] if p["observed"] < p["q05"]]
    above = [p for p in v["points"] if p["observed"] > p["q95"]]
    miss = ""
    if below:
        which = words(len(below))
        if below == v["points"][:len(below)]:
            which = f"the first {which}"
        observed = " and ".join(count(p["observed"]) for p in below)
        miss += f"; {which} ({observed}) {'falls' if len(below) == 1 else 'fall'} below the band"
    if above:
        miss += f"; {words(len(above))} {'falls' if len(above) == 1 else 'fall'} above it"
    return bullet(
        f"**The class's own calibration** (road capacity only, 100 runs × "
        f"{len(c['generations'])} generations): the capacity narrows from "
        f"{count(q['prior']['q05'])} to {count(q['prior']['q95'])} people an hour (prior 90%) "
        f"to a median of {count(q['posterior']['q50'])} ({count(q['posterior']['q05'])} to "
        f"{count(q['posterior']['q95'])}). After it, {inside(v, '50%')} of {n} points lie in the "
        f"middle 50% and {inside(v, '90%')} of {n} in the middle 90%{miss}, because the hour the "
        f"road opened was not calibrated.")


def ws5_calibrated(ws: Workspace) -> str:
    """Worksheet 5: the shipped calibrated scenario against the same data."""
    v = validation(ws, "historical_2023_calibrated", "results/ex5/validation_calibrated",
                   "registered")
    pts = v["points"]
    width = pts[-1]["q95"] - pts[-1]["q05"]
    return bullet(
        f"**The shipped calibrated scenario** (series `registered`): medians "
        f"{', '.join(count(p['q50']) for p in pts)} against "
        f"{', '.join(count(p['observed']) for p in pts)}; {inside(v, '50%')} of {len(pts)} "
        f"points inside the middle 50%, {inside(v, '90%')} inside the middle 90%; mean relative "
        f"difference {100 * v['mean_relative_difference']:.1f}%; the "
        f"90% band on the morning of 26 September is {count(width)} people wide.")


def left_by(folder: Path, days: tuple[float, ...]) -> list[tuple[float, float, float]]:
    """The people gone by each day of a run's series: 5%, 50% and 95% over the replications."""
    import numpy as np

    with np.load(folder / "series.npz") as series:
        time, departed = series["time_days"], series["departed"]
    found = []
    for day in days:
        at = np.array([np.interp(day, time, run) for run in departed])
        low, mid, high = np.quantile(at, (0.05, 0.5, 0.95))
        found.append((float(low), float(mid), float(high)))
    return found


def ws5_month(ws: Workspace) -> str:
    """Worksheet 5: the whole month, before and after calibration."""
    history, calibrated = "historical_2023", "historical_2023_calibrated"
    t = comparison(compare(ws, f"scenarios/{history}.toml scenarios/{calibrated}.toml --runs "
                           "100", "results/ex5/month"))

    def f(name: str, outcome: str) -> float:
        return float(t[(name, outcome)]["value"])

    # Sat 30 Sep and Thu 5 Oct, 13:00: days 10 and 15 after the ceasefire (20 Sep, 13:00).
    before, after = (left_by(run(ws, f"scenarios/{name}.toml --runs 100",
                                 f"results/ex5/{name}"), (10.0, 15.0))
                     for name in (history, calibrated))
    half = [f(x, "day_half_departed") for x in (history, calibrated)]
    on = (datetime(2023, 9, 20, 13) + timedelta(days=half[0])).strftime("%-d %B")
    gone = {pct(f(x, "departed_share")) for x in (history, calibrated)}
    war = {pct(f(x, "end_state.renewed_war")) for x in (history, calibrated)}
    rounds = {f"{f(x, 'rounds_held'):.0f}" for x in (history, calibrated)}
    killed = [f(x, "killed_people") for x in (history, calibrated)]
    agree = max(f(x, "agreement") for x in (history, calibrated))
    wait = sorted(f(x, "mean_wait_hours") for x in (history, calibrated))
    story = ws.sim(f"sim story scenarios/{calibrated}.toml --pick typical --runs 100")
    queue = find(r"queue at the [^:]*longest: ([\d,]+) people", " ".join(story.split()))

    def k(x: float) -> str:
        return count(round(x, -3))

    both = (f"in both about {' / '.join(sorted(gone))} gone by 16 October, "
            f"{' / '.join(sorted(war))} renewed war, {' / '.join(sorted(rounds))} rounds and "
            + ("never an agreement" if agree == 0 else f"an agreement in {pct(agree)} of runs"))
    return bullet(
        f"**The month** (`results/ex5/month`): before calibration, half gone by day "
        f"{half[0]:.1f} on average ({on}), after calibration by day {half[1]:.1f}; the busiest "
        f"day {count(f(history, 'peak_departures_per_day'))} against "
        f"{count(f(calibrated, 'peak_departures_per_day'))}; {both}, about "
        f"{round(sum(killed) / 2, -1):.0f} killed (the 218 to 239 of the fuel depot explosion are "
        f"in every run). People who had left by **Sat 30 Sep 13:00**, median (90% of runs): "
        f"**{k(before[0][1])} ({k(before[0][0])} to {k(before[0][2])}) before calibration, "
        f"{k(after[0][1])} ({k(after[0][0])} to {k(after[0][2])}) after**; by 5 October about "
        f"{k(before[1][1])} and {k(after[1][1])}. The mean wait at the road is {wait[0]:.0f} to "
        f"{wait[1]:.0f} hours: in the model everyone who has decided queues at once when the "
        f"road opens (in the typical calibrated run, {queue.group(1)} people on the first "
        f"evening).")


#: Worksheet 6's example teams: scenario name in the comparison -> row of the table.
TEAMS = {"baseline": "baseline", "robust_mandate": "A robust mandate",
         "aid_airlift": "B aid airlift", "amnesty_on_day_2": "C amnesty day 2",
         "talks_every_day": "D talks every day"}


def ws6_teams(ws: Workspace) -> str:
    """Worksheet 6: the example teams against the baseline, 100 runs each."""
    t = comparison(compare(ws, f"{BASELINE} exercises/class/*.toml --runs 100",
                           "results/ex6/class"))
    lines = ["| team | share who left | renewed war | agreement | killed (mean) | half gone by |",
             "|---|---|---|---|---|---|"]
    names = list(dict.fromkeys(scenario for scenario, _ in t))
    for name in names:
        def v(outcome: str, name: str = name) -> float:
            return float(t[(name, outcome)]["value"])

        lines.append(f"| {TEAMS.get(name, name)} | {pct(v('departed_share'), 1)} | "
                     f"{pct(v('end_state.renewed_war'))} | {pct(v('agreement'))} | "
                     f"{v('killed_people'):.1f} | day {v('day_half_departed'):.1f} |")
    return "\n".join(lines)


#: Worksheet 6's class comparison as the class screen shows it.
CLASS_BRIEF = (f"sim compare {BASELINE} exercises/class/*.toml --runs 100 --brief "
               "--out results/ex6/class --force")


def ws6_brief(ws: Workspace) -> str:
    """Worksheet 6: the class comparison's brief, as printed on the class screen."""
    return console(CLASS_BRIEF, ws.sim(f"{CLASS_BRIEF} --no-figures"))


def ws6_debrief(ws: Workspace) -> str:
    """Worksheet 6: the debrief's answers for teams A, D and C, from the class comparison."""
    t = comparison(compare(ws, f"{BASELINE} exercises/class/*.toml --runs 100",
                           "results/ex6/class"))
    g = comparison(compare(ws, f"{BASELINE} scenarios/early_guarantees.toml --runs 100",
                           "results/ex4/guarantees"))
    a, d, c = "robust_mandate", "talks_every_day", "amnesty_on_day_2"

    def f(name: str, outcome: str, key: str = "value") -> float:
        return float(t[(name, outcome)][key])

    war = f(a, "end_state.renewed_war")
    why = ("because no run ends in war any more" if war == 0
           else f"because fewer runs end in war ({pct(war)})")
    kept = -100 * f(c, "departed_share", "diff")
    people = -f(c, "departed_people", "diff")
    kept_g = -100 * float(g[("early_guarantees", "departed_share")]["diff"])
    days = sweep(ws, "exercises/class/team_c_amnesty_day2.toml --set events.1.day=0,2,5 "
                 "--runs 100", "results/ex6/team_c_days")
    moved = ", ".join(f"day {float(r['events.1.day']):g} "
                      f"{pct(float(r['departed_share_median']), 1)}" for r in days)
    timing = 100 * (float(days[-1]["departed_share_median"])
                     - float(days[0]["departed_share_median"]))
    package = kept_g - kept
    lesson = ("the package (how high trust goes and stays, how far fear falls) matters more "
              "than a few days" if abs(timing) < package else
              "a few days matter as much as the package (how high trust goes and stays, how far "
              "fear falls)")
    return "\n".join([
        bullet(f"Team A's \"exodus\" goes from {pct(f('baseline', 'end_state.exodus'))} to "
               f"{pct(f(a, 'end_state.exodus'))} {why}: end states are counted in order "
               f"(debrief 2). The share who left: {pct(f('baseline', 'departed_share'), 1)} → "
               f"{pct(f(a, 'departed_share'), 1)}."),
        bullet(f"Team D reaches agreement in {pct(f(d, 'agreement'))} of runs, median day "
               f"{f(d, 'agreement_day', 'median'):.1f}, but by then half the people had gone "
               f"(median day {f(d, 'day_half_departed', 'median'):.1f}): the talks win the "
               f"argument and lose the people (debrief 3)."),
        bullet(f"Team C keeps {kept:.1f} points more of the people (about "
               f"{count(round(people, -2))} people more stay); the early guarantees of worksheet "
               f"4 keep {kept_g:.0f} points. Moving team C's event (debrief 4; `sim sweep "
               f"exercises/class/team_c_amnesty_day2.toml --set events.1.day=0,2,5 --runs "
               f"100`), median share gone: {moved}: {timing:.1f} points from day 0 to day 5, "
               f"against {package:.0f} points between team C and the early guarantees. In this "
               f"model {lesson}."),
    ])


BLOCKS = {
    "teacher-ws5-validation": (GUIDE, ws5_validation),
    "teacher-ws5-calibration": (GUIDE, ws5_calibration),
    "teacher-ws5-calibrated": (GUIDE, ws5_calibrated),
    "teacher-ws5-month": (GUIDE, ws5_month),
    "teacher-ws6-teams": (GUIDE, ws6_teams),
    "teacher-ws6-brief": (GUIDE, ws6_brief),
    "teacher-ws6-debrief": (GUIDE, ws6_debrief),
}
