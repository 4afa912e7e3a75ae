"""The teacher's guide, worksheets 3 and 4: peacekeepers, guarantees and trust."""

from __future__ import annotations

import itertools
import textwrap

from fmt import (
    arrow,
    comparison,
    count,
    find,
    pct,
    points,
    story_entries,
)
from teach import BASELINE, GUIDE, bullet, clear, compare, day_of, same_or_range, sweep
from workspace import Workspace


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


def ws3_sweep(ws: Workspace) -> str:
    """Worksheet 3: renewed war against the number of peacekeepers, 100 and 400 runs a point."""
    grid = "--set world.peacekeepers=0:2000:5"
    small = sweep(ws, f"{BASELINE} {grid} --runs 100", "results/ex3/peacekeepers")
    big = sweep(ws, f"{BASELINE} {grid} --runs 400 --seed 7", "results/ex3/peacekeepers400")
    war = [float(r["end_state.renewed_war"]) for r in small]
    war400 = [float(r["end_state.renewed_war"]) for r in big]
    keep = [count(float(r["world.peacekeepers"])) for r in small]
    falls = all(b < a for a, b in itertools.pairwise(war400))
    first, second = 100 * (war[0] - war[2]), 100 * (war[2] - war[4])
    cas = [r["casualties_median"] for r in small]
    left = [pct(float(r["departed_share_median"])) for r in small]
    half = [f"{float(r['day_half_departed_median']):.1f}" for r in small]
    return bullet(
        f"**Sweep of numbers** (100 runs per point): renewed war {pct(war[0])} ({keep[0]} "
        f"peacekeepers), " + ", ".join(f"{pct(w)} ({k})" for w, k in zip(war[1:], keep[1:],
                                                                            strict=True))
        + f" (the first thousand take {first:.0f} points off, the second {second:.0f}). With "
        f"100 runs per point the shape is uncertain; 400 runs per point (seed 7) give "
        f"{', '.join(pct(w) for w in war400)}."
        + (" Each step lowers it: no threshold, no flattening; every peacekeeper counts."
           if falls else " Not every step lowers it at 400 runs either.")
        + f" Median casualties {float(cas[0]):.0f} → {float(cas[-1]):.0f}. Share who left: "
        f"{same_or_range(left)}; \"day half had left\": {same_or_range(half, ' days')} "
        f"(`medians.png`).")


def ws3_mandate(ws: Workspace) -> str:
    """Worksheet 3: the grid of numbers and mandates, 50 runs a square."""
    grid = sweep(ws, f"{BASELINE} --set world.peacekeepers=0,1000,2000 --set "
                 "ceasefire.peacekeeper_deterrence=0.25,0.5,0.9 --runs 50", "results/ex3/mandate")
    war = {(float(r["world.peacekeepers"]), float(r["ceasefire.peacekeeper_deterrence"])):
           float(r["end_state.renewed_war"]) for r in grid}
    zero = [pct(war[(0.0, d)]) for d in (0.25, 0.5, 0.9)]
    at0 = (f"all three deterrence levels give {zero[0]} renewed war" if len(set(zero)) == 1
           else f"the three deterrence levels give {' / '.join(zero)} renewed war")
    full = " / ".join(pct(war[(2000.0, d)]) for d in (0.25, 0.5, 0.9))
    return bullet(
        f"**Mandate grid** (50 runs per square): with 0 peacekeepers {at0} (deterrence needs "
        f"someone to deter); at 2,000, deterrence 0.25 / 0.5 / 0.9 gives {full}. 1,000 with a "
        f"strong mandate ({pct(war[(1000.0, 0.9)])}) against 2,000 with the usual one "
        f"({pct(war[(2000.0, 0.5)])}).")


def ws4_guarantees(ws: Workspace) -> str:
    """Worksheet 4: early guarantees against the baseline, and the typical run with them."""
    t = comparison(compare(ws, f"{BASELINE} scenarios/early_guarantees.toml --runs 100",
                           "results/ex4/guarantees"))
    a, b = "baseline", "early_guarantees"

    def v(name: str, outcome: str) -> float:
        return float(t[(name, outcome)]["value"])

    share = t[(b, "departed_share")]
    stay = -float(t[(b, "departed_people")]["diff"])
    n = int(t[(b, "departed_share")]["n"])
    ninety = [round(v(x, "day_90pct_departed.happened") * n) for x in (b, a)]
    settled = [v(x, "issues_settled") for x in (b, a)]
    agree = (f"Agreement stays at {pct(v(a, 'agreement'))} in both"
             if pct(v(a, "agreement")) == pct(v(b, "agreement"))
             else f"Agreement {arrow(t, a, b, 'agreement')}, "
             + ("hardly more often" if v(b, "agreement") > v(a, "agreement") else "less often"))
    story = ws.sim("sim story scenarios/early_guarantees.toml --pick typical --runs 50")
    flat = " ".join(story.split())
    typical = find(r"The typical run is run (\d+): it ended in ([a-z ]+),", flat)
    gone = find(r"Left for \w+: [\d,]+ people \((\d+%)\)", flat).group(1)
    half = next(e for e in story_entries(story) if "By now 50%" in e)
    return bullet(
        f"**Early guarantees against baseline** (100 runs, paired): mean share who left "
        f"{arrow(t, a, b, 'departed_share', '{:.1f}%', 100)} ({100 * float(share['diff']):+.0f} "
        f"points, about {count(round(stay, -3))} more people stay); half gone by day "
        f"{v(b, 'day_half_departed'):.1f} instead of {v(a, 'day_half_departed'):.1f}; 90% gone "
        f"in {ninety[0]} of {n} runs ({ninety[1]} in the baseline); peak queue "
        f"{arrow(t, a, b, 'max_waiting_people', '{:,.0f}')}; mean wait at the road "
        f"{arrow(t, a, b, 'mean_wait_hours', '{:.1f} h')}. Collapse "
        f"{arrow(t, a, b, 'ceasefire_collapsed')}. \"Mean issues settled\" "
        f"{'falls' if settled[0] < settled[1] else 'goes'} {settled[1]:.2f} → {settled[0]:.2f}, "
        f"a counting trap (debrief 4): the two issues settled before the first round are not "
        f"counted; in all {settled[0] + 2:.1f} of 6 are settled against {settled[1]:.1f}. "
        f"{agree}: the remaining four move slowly, because in the model a delegation's "
        f"concessions grow with the share of its people gone (1 + share gone), and fewer have "
        f"gone. The typical run with guarantees (run {typical.group(1)}) ends as "
        f"{'an' if typical.group(2)[0] in 'aeiou' else 'a'} {typical.group(2)}: {gone} gone, "
        f"half by {day_of(half)}.")


def ws4_grid(ws: Workspace) -> str:
    """Worksheet 4: starting fear against starting trust, 50 runs a square."""
    grid = sweep(ws, f"{BASELINE} --set world.trust=0.15,0.5,0.8 --set world.tension=0.4,0.8 "
                 "--runs 50", "results/ex4/fear_and_trust")
    cell = {(float(r["world.trust"]), float(r["world.tension"])): r for r in grid}
    trusts = (0.15, 0.5, 0.8)
    lines = ["- **Fear × trust grid** (starting values, 50 runs per square), median share who "
             "left:", "", "  | trust \\ tension | 0.4 | 0.8 |", "  |---|---|---|"]
    share = {k: float(r["departed_share_median"]) for k, r in cell.items()}
    for tr in trusts:
        lines.append(f"  | {tr:g} | {pct(share[(tr, 0.4)])} | {pct(share[(tr, 0.8)])} |")
    days = ", ".join(f"{float(cell[(tr, 0.4)]['day_half_departed_median']):.1f} / "
                     f"{float(cell[(tr, 0.8)]['day_half_departed_median']):.1f} "
                     f"({'trust ' if tr == trusts[0] else ''}{tr:g})" for tr in trusts)
    low_fear = share[(0.15, 0.4)] - share[(0.8, 0.4)]
    high_fear = share[(0.15, 0.8)] - share[(0.8, 0.8)]
    helps = ("Trust helps most when fear is low: the terms add up, and while fear is above what "
             "people tolerate its term keeps them leaving whatever they trust."
             if low_fear > high_fear else "Trust helps at least as much when fear is high.")
    text = (f"and the median day half had left: {days}. {helps} Both starting values drift back "
            f"(trust toward 0.15 with a 30-day half-life, tension toward 0.3 with 7 days), which "
            f"is why even the best square loses {pct(min(share.values()))}; `early_guarantees` "
            f"also raises the level they drift to.")
    lines += ["", textwrap.fill(text, width=96, initial_indent="  ", subsequent_indent="  ",
                                break_on_hyphens=False)]
    return "\n".join(lines)


def ws4_neighbours(ws: Workspace) -> str:
    """Worksheet 4: the weight of neighbours leaving, with early guarantees, 50 runs a point."""
    grid = sweep(ws, "scenarios/early_guarantees.toml --set "
                 "outflow.neighbours_hazard_per_day=0,0.05,0.1,0.2 --runs 50",
                 "results/ex4/neighbours")
    parts = []
    for k, r in enumerate(grid):
        text = f"{float(r['outflow.neighbours_hazard_per_day']):g} → "
        text += ("median " if k == 0 else "") + pct(float(r["departed_share_median"]))
        gone = "" if k else " gone"
        unresolved = float(r["end_state.unresolved"])
        if unresolved:
            text += f"{gone}, {pct(unresolved)}" + (' of runs "unresolved" (most stayed)' if k == 0
                                                     else " unresolved")
        parts.append(text)
    return bullet(f"**Neighbours** (early guarantees, 50 runs per point): weight "
                  f"{'; '.join(parts)}. The cascade turns a slower start into the same end.")


BLOCKS = {
    "teacher-ws3-withdraw": (GUIDE, ws3_withdraw),
    "teacher-ws3-sweep": (GUIDE, ws3_sweep),
    "teacher-ws3-mandate": (GUIDE, ws3_mandate),
    "teacher-ws4-guarantees": (GUIDE, ws4_guarantees),
    "teacher-ws4-grid": (GUIDE, ws4_grid),
    "teacher-ws4-neighbours": (GUIDE, ws4_neighbours),
}
