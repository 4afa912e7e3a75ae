"""The teacher's guide's generated blocks: what the worksheets' commands give, in sentences."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from fmt import arrow, comparison, end_sentence, outcomes, pct, points, quantile, summary
from workspace import Workspace

GUIDE = "exercises/TEACHER.md"
BASELINE = "scenarios/baseline.toml"
LABELS = {"renewed_war": "renewed war", "exodus": "exodus",
          "reintegration": "negotiated reintegration", "unresolved": "unresolved"}
#: Numbers only: the figures and the printed table are not read here.
QUIET = "--force --no-figures --quiet"


def bullet(text: str) -> str:
    """A Markdown bullet wrapped at 96 columns, its continuation lines indented."""
    return textwrap.fill(text, width=96, initial_indent="- ", subsequent_indent="  ",
                         break_on_hyphens=False)


def run(ws: Workspace, args: str, out: str) -> Path:
    """`sim run` with the worksheet's arguments into OUT; the results folder."""
    ws.sim(f"sim run {args} --out {out} {QUIET}")
    return ws.path(out)


def column(rows: list[dict[str, str]], name: str) -> list[float]:
    """The non-empty values of one outcome over the runs."""
    return [float(r[name]) for r in rows if r[name] != ""]


def spread(s: dict[str, Any], name: str, digits: int = 0) -> str:
    """A median with the range holding 90% of runs: '4.2 (90% of runs: 3.1 to 7.7)'."""
    q = s[name]
    return f"{q['q50']:.{digits}f} (90% of runs: {q['q05']:.{digits}f} to {q['q95']:.{digits}f})"


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
    for seed, s, rows in seeds(ws):
        war = s["end_state"]["renewed_war"]
        killed = column(rows, "killed_people")
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


def compare(ws: Workspace, args: str, out: str) -> Path:
    """`sim compare` with the worksheet's arguments into OUT; the comparison folder."""
    ws.sim(f"sim compare {args} --out {out} --force --no-figures --quiet")
    return ws.path(out)


def clear(t: dict[tuple[str, str], dict[str, str]], other: str, outcome: str) -> str:
    """Whether a paired difference is clear (its 95% interval excludes zero), in words."""
    r = t[(other, outcome)]
    low, high = float(r["diff_low"]), float(r["diff_high"])
    if low <= 0 <= high:
        return "no clear difference"
    return ("statistically clear, practically nil" if abs(float(r["diff"])) < 0.01
            else "statistically clear")


def ws3_withdraw(ws: Workspace) -> str:
    """Worksheet 3: peacekeepers withdraw, paired with the baseline."""
    t = comparison(compare(ws, f"{BASELINE} scenarios/peacekeepers_withdraw.toml --runs 100",
                           "results/ex3/withdraw"))
    a, b = "baseline", "peacekeepers_withdraw"
    hold = [1 - float(t[(x, "ceasefire_collapsed")]["value"]) for x in (b, a)]
    return bullet(
        f"**Withdrawal** (100 runs each, paired): ceasefire collapse "
        f"{arrow(t, a, b, 'ceasefire_collapsed')} ({points(t, b, 'ceasefire_collapsed')}); "
        f"incidents {arrow(t, a, b, 'incidents')} on average; killed "
        f"{arrow(t, a, b, 'killed_people')}; talks broken down {arrow(t, a, b, 'talks_broken')}; "
        f"agreement {arrow(t, a, b, 'agreement')}. The share who left: "
        f"{arrow(t, a, b, 'departed_share', '{:.1f}%', 100)} "
        f"({clear(t, b, 'departed_share')}). `survival.png`: both curves coincide until 26 "
        f"September (the withdrawal, day 5), then the withdrawal's falls faster: "
        f"{pct(hold[0])} still holding on day 30 against {pct(hold[1])}.")


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


BLOCKS = {
    "teacher-ws1-ensemble": (GUIDE, ws1_ensemble),
    "teacher-ws2-seeds": (GUIDE, ws2_seeds),
    "teacher-ws2-runs": (GUIDE, ws2_runs),
    "teacher-ws3-withdraw": (GUIDE, ws3_withdraw),
    "teacher-ws6-teams": (GUIDE, ws6_teams),
}
