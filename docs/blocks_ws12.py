"""The teacher's guide, worksheets 1 and 2: one run told as a story, and chance."""

from __future__ import annotations

import re
import textwrap
from datetime import datetime, timedelta
from typing import Any

from fmt import (
    end_sentence,
    find,
    outcomes,
    pct,
    quantile,
    story_entries,
    summary,
    words,
)
from teach import BASELINE, GUIDE, LABELS, bullet, column, day_of, run, spread, when
from workspace import Workspace


def plural(n: int, word: str) -> str:
    """'1 round', '2 rounds'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def story_bullet(text: str, run: int, group: str) -> str:
    """One run of worksheet 1 in a sentence or three, read from its story."""
    flat = " ".join(text.split())
    entries = story_entries(text)
    start = datetime.strptime(find(r"starts on (\w+ \d+ \w+ \d+) at (\d+:\d+)", flat)
                              .expand(r"\1 \2"), "%a %d %b %Y %H:%M")
    people = find(r" number ([\d,]+) \(a number drawn", flat).group(1)
    gone = {m.group(1): e for e in entries if (m := re.search(r"By now (\d+)% of", e))}
    queue = next(e for e in entries if "queue" in e and "longest" in e)
    setbacks = sum("A setback" in e for e in entries)
    rounds = [e for e in entries if "Talks, round" in e]
    ended = find(r"HOW IT ENDED \(([^)]*)\): ([a-z ]+),", flat)
    share = find(r"Left for \w+: [\d,]+ people \((\d+%)\)", flat).group(1)
    incidents = find(r"Violence: (\d+) incidents?", flat).group(1)
    killed = find(r"([\d,]+) (?:person|people) killed in all", flat).group(1)
    settled = find(r"Talks: \d+ rounds?, (\d+) of \d+ issues settled", flat).group(1)
    half = when(gone["50"])
    parts = [f"**Run {run}** (group {group}): {people} people."]
    milestones = [f"10% gone by {' '.join(gone['10'].split()[:4])}" if "10" in gone else "",
                  f"half by {' '.join(gone['50'].split()[:4])} "
                  f"(day {(half - start).total_seconds() / 86400:.1f})",
                  f"90% by {day_of(gone['90'])}" if "90" in gone else ""]
    parts.append(", ".join(m for m in milestones if m) + ".")
    longest = find(r"([\d,]+) people", queue).group(1)
    parts.append(f"The queue peaks at {longest} on {day_of(queue)}.")
    talks = plural(len(rounds), "round") + " of talks"
    if len(rounds) <= 3:
        talks += f" ({', '.join(' '.join(day_of(r).split()[1:]) for r in rounds)})"
    talks += f", {plural(int(settled), 'issue')} settled"
    if setbacks:
        talks += f", {words(setbacks)} setback{'s' if setbacks > 1 else ''}"
    parts.append(f"{talks}; {plural(int(incidents), 'incident')}, {killed} killed.")
    agreement = next((e for e in entries if "AGREEMENT!" in e), None)
    if agreement:
        late = "90" in gone and when(agreement).date() >= when(gone["90"]).date()
        parts.append(f"**Agreement on {day_of(agreement)}**"
                     + (", the day 90% have left: the deal comes after the people have"
                        " gone." if late else "."))
    collapse = next((e for e in entries if "THE CEASEFIRE COLLAPSES" in e), None)
    if collapse:
        end = datetime.strptime(f"{ended.group(1)} 2023", "%a %d %b %H:%M %Y")
        fighting = (end - when(collapse)).days
        parts.append(f"The ceasefire **collapses on {day_of(collapse)}** after "
                     f"{plural(int(incidents), 'incident')}, ending the talks; {fighting} days of "
                     f"fighting.")
    parts.append(f"Ends as *{ended.group(2)}*, {share} gone.")
    return bullet(" ".join(parts))


def ws1_runs(ws: Workspace) -> str:
    """Worksheet 1: the three stories the groups read."""
    return "\n".join(story_bullet(ws.sim(f"sim story {BASELINE} --replication {run}"), run, g)
                     for run, g in ((3, "A"), (19, "B"), (24, "C")))


def ws1_ensemble(ws: Workspace) -> str:
    """Worksheet 1: the 50-run ensemble of the baseline."""
    folder = run(ws, f"{BASELINE} --runs 50", "results/ex1/baseline")
    s = summary(folder)
    agree = s["agreement"]
    killed = s["killed_people"]
    return bullet(
        f"**{agree['n']} runs**: {end_sentence(s, LABELS)}; agreement in {agree['count']} of "
        f"{agree['n']} runs. Median share who left {pct(s['departed_share']['q50'])}; half gone "
        f"by day {spread(s, 'day_half_departed', 1)}; median {killed['q50']:.0f} killed "
        f"({killed['q05']:.0f} to {killed['q95']:.0f}).")


def ws1_figure(ws: Workspace) -> str:
    """Worksheet 1: what tension_trust.png of the 50 runs shows, read from series.npz."""
    import numpy as np

    folder = run(ws, f"{BASELINE} --runs 50", "results/ex1/baseline")
    with np.load(folder / "series.npz") as series:
        time, tension, trust = series["time_days"], series["tension"], series["trust"]
    ten = np.quantile(tension, (0.05, 0.5, 0.95), axis=0)
    tru = np.quantile(trust, (0.05, 0.5, 0.95), axis=0)
    start = datetime(2023, 9, 21, 13)

    def date(day: float) -> str:
        return (start + timedelta(days=float(day))).strftime("%-d %B")

    war = np.flatnonzero(ten[2] >= 0.999)
    high = np.flatnonzero(tru[2] > 0.5)
    top = (f"the top of the 90% band reaches 1.0 from {date(time[war[0]])} (the runs at war)"
           if war.size else "the top of the 90% band stays below 1.0 (no run at war)")
    jump = (f"the top of its band reaches about {tru[2].max():.1f} by {date(time[high[0]])} "
            f"(agreements raise trust by 0.3)" if high.size
            else f"the top of its band stays below {tru[2].max():.1f}")
    return bullet(
        f"`tension_trust.png`: median tension falls from {ten[1][0]:.1f} to about "
        f"{ten[1][-1]:.2f} by day {time[-1]:.0f}, in jumps (each incident adds to it); {top}. "
        f"Trust barely moves from {tru[1][0]:.2f} (median about {tru[1][-1]:.1f} at the end); "
        f"{jump}.")


def seeds(ws: Workspace) -> list[tuple[int, dict[str, Any], list[dict[str, str]]]]:
    """Worksheet 2: six groups, 20 runs each, seeds 1 to 6."""
    found = []
    for seed in range(1, 7):
        folder = run(ws, f"{BASELINE} --runs 20 --seed {seed}", f"results/ex2/seed{seed}")
        found.append((seed, summary(folder), outcomes(folder)))
    return found


def ws2_seeds(ws: Workspace) -> str:
    """Worksheet 2: the board of six groups, and what they share."""
    lines = ["| seed | renewed war (95% interval) | median killed (max) |", "|---|---|---|"]
    medians = set()
    for seed, s, table in seeds(ws):
        war = s["end_state"]["renewed_war"]
        killed = column(table, "killed_people")
        lines.append(f"| {seed} | {pct(war['probability'])} ({pct(war['low'])} to "
                     f"{pct(war['high'])}) | {quantile(killed, 0.5):.0f} ({max(killed):.0f}) |")
        medians.add(pct(s["departed_share"]["q50"]))
    same = (f"Every group's median share who left is {medians.pop()}." if len(medians) == 1
            else f"The groups' median shares who left: {', '.join(sorted(medians))}.")
    return "\n".join(lines) + "\n\n" + same


def ws2_runs(ws: Workspace) -> str:
    """Worksheet 2: 100 runs and 400 runs of seed 1 against the six groups' intervals."""
    s100 = summary(run(ws, f"{BASELINE} --runs 100 --seed 1", "results/ex2/runs100"))
    s400 = summary(run(ws, f"{BASELINE} --runs 400 --seed 1", "results/ex2/runs400"))
    w100, w400 = s100["end_state"]["renewed_war"], s400["end_state"]["renewed_war"]
    groups = [s["end_state"]["renewed_war"] for _, s, _ in seeds(ws)]
    inside = sum(g["low"] <= w400["probability"] <= g["high"] for g in groups)
    width20 = 100 * (groups[0]["high"] - groups[0]["low"])
    width100 = 100 * (w100["high"] - w100["low"])
    contain = ("All six 20-run intervals contain" if inside == 6
               else f"{inside} of the six 20-run intervals contain")
    k = s100["killed_people"]
    return textwrap.fill(
        f"With 100 runs (seed 1): renewed war {pct(w100['probability'])} "
        f"({pct(w100['low'], 1)} to {pct(w100['high'], 1)}), killed median {k['q50']:.0f} "
        f"(90% of runs: {k['q05']:.0f} to {k['q95']:.0f}). With 400 runs (the notebook, "
        f"seed 1): {pct(w400['probability'], 1)} ({pct(w400['low'], 1)} to "
        f"{pct(w400['high'], 1)}). The interval shrinks roughly with the square root of the "
        f"runs: 20 → 100 runs (seed 1) cuts its width from about {width20:.0f} to "
        f"{width100:.0f} points. {contain} the 400-run value; with 95% intervals about one "
        f"group in twenty would miss it.", width=96, break_on_hyphens=False)


def ws2_picks(ws: Workspace) -> str:
    """Worksheet 2: the typical, best and worst of the 100 runs of seed 1, with their stories."""
    folder = run(ws, f"{BASELINE} --runs 100 --seed 1", "results/ex2/runs100")
    table = outcomes(folder)
    text = ws.sim("sim story results/ex2/runs100 --pick typical --pick best --pick worst")
    picks = re.split(r"\n(?=The (?:typical|best|worst) run is run)", "\n" + text)[1:]
    lines = []
    for pick in picks:
        flat = " ".join(pick.split())
        kind, number = find(r"The (\w+) run is run (\d+)", flat).groups()
        row = next(r for r in table if r["replication"] == number)
        gone = pct(float(row["departed_share"]), 1)
        if kind == "typical":
            like = find(r"ended in ([a-z ]+), like (\d+) of the (\d+) runs", flat)
            lines.append(bullet(
                f"**typical: run {number}**, {'an' if like.group(1)[0] in 'aeiou' else 'a'} "
                f"{like.group(1)} like {like.group(2)} of the {like.group(3)}, {gone} gone, "
                f"{row['casualties']} casualties, {row['rounds_held']} rounds;"))
            continue
        harm = find(r"= ([\d.]+) \(median run ([\d.]+)", flat)
        killed = row["killed_people"]
        if kind == "best":
            lines.append(bullet(f"**best: run {number}**, {killed} killed and {gone} gone (harm "
                                f"{harm.group(1)}, median run {harm.group(2)});"))
            continue
        collapse = next((e for e in story_entries(pick) if "THE CEASEFIRE COLLAPSES" in e), "")
        first = re.search(r"after (\d+) incidents?", collapse)
        how = ""
        if first:
            how = ("after the very first incident" if first.group(1) == "1"
                   else f"after {first.group(1)} incidents")
        what = (f"the ceasefire collapses on {day_of(collapse)} {how}; " if collapse else "")

        def rank(name: str, row: dict[str, str] = row) -> str:
            mine = float(row[f"param.{name}"])
            below = sum(float(r[f"param.{name}"]) < mine for r in table)
            return f"higher than in {below} of {len(table)} runs"

        rate = float(row["param.ceasefire.base_incidents_per_day"])
        esc = float(row["param.ceasefire.escalation_probability"])
        lines.append(bullet(
            f"**worst: run {number}**, {what}{killed} killed, {pct(float(row['departed_share']))} "
            f"gone (harm {harm.group(1)}). Nothing on day 1 distinguished it: its drawn incident "
            f"rate ({rate:.2f} a day, {rank('ceasefire.base_incidents_per_day')}) and escalation "
            f"probability ({esc:.3f}, {rank('ceasefire.escalation_probability')}) were drawn "
            f"from the same ranges as every run's."))
    return "\n".join(lines)


BLOCKS = {
    "teacher-ws1-runs": (GUIDE, ws1_runs),
    "teacher-ws1-ensemble": (GUIDE, ws1_ensemble),
    "teacher-ws1-figure": (GUIDE, ws1_figure),
    "teacher-ws2-seeds": (GUIDE, ws2_seeds),
    "teacher-ws2-runs": (GUIDE, ws2_runs),
    "teacher-ws2-picks": (GUIDE, ws2_picks),
}
