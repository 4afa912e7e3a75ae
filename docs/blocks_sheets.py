"""The worksheets' own numbers: what the baseline gives, quoted inline in a question."""

from __future__ import annotations

from fmt import comparison, find, outcomes, pct, summary
from teach import BASELINE, bullet, compare, run
from workspace import Failed, Workspace

CHANCE = "exercises/02_chance.md"
TRUST = "exercises/04_guarantees_trust.md"
DESIGN = "exercises/06_design_your_intervention.md"
GUIDE = "exercises/TEACHER.md"


def chance_share(ws: Workspace) -> str:
    """Worksheet 2, debrief 4: the median share who left, 100 runs of seed 1."""
    s = summary(run(ws, f"{BASELINE} --runs 100 --seed 1", "results/ex2/runs100"))
    return pct(s["departed_share"]["q50"])


def guarantees(ws: Workspace) -> dict[tuple[str, str], dict[str, str]]:
    """Worksheet 4's comparison of early guarantees with the baseline, 100 runs."""
    return comparison(compare(ws, f"{BASELINE} scenarios/early_guarantees.toml --runs 100",
                              "results/ex4/guarantees"))


def trust_share(ws: Workspace) -> str:
    """Worksheet 4, predict 1: the baseline's median share who left."""
    return pct(float(guarantees(ws)[("baseline", "departed_share")]["median"]))


def trust_settled(ws: Workspace) -> str:
    """Worksheet 4, debrief 4: mean issues settled at the talks, guarantees against baseline."""
    t = guarantees(ws)
    return (f"{float(t[('early_guarantees', 'issues_settled')]['value']):.1f} against "
            f"{float(t[('baseline', 'issues_settled')]['value']):.1f}")


def trust_agreement(ws: Workspace) -> str:
    """Worksheet 4, debrief 4: how often an agreement is reached, in both scenarios."""
    t = guarantees(ws)
    a, b = (pct(float(t[(x, "agreement")]["value"])) for x in ("baseline", "early_guarantees"))
    if a == b:
        return f"no more frequent ({a} of runs in both)"
    more = float(t[("early_guarantees", "agreement")]["value"]) > float(
        t[("baseline", "agreement")]["value"])
    return f"{'hardly more' if more else 'less'} frequent ({b} of runs against {a})"


def design(ws: Workspace) -> dict[tuple[str, str], dict[str, str]]:
    """Worksheet 6's class comparison, 100 runs each."""
    return comparison(compare(ws, f"{BASELINE} exercises/class/*.toml --runs 100",
                              "results/ex6/class"))


def design_share(ws: Workspace) -> str:
    """Worksheet 6, bet 1: the baseline's median share who left."""
    return pct(float(design(ws)[("baseline", "departed_share")]["median"]))


def design_war(ws: Workspace) -> str:
    """Worksheet 6, bet 2: the baseline's chance of renewed war."""
    return pct(float(design(ws)[("baseline", "end_state.renewed_war")]["value"]))


def design_agreement(ws: Workspace) -> str:
    """Worksheet 6, bet 2: the baseline's chance of an agreement."""
    return pct(float(design(ws)[("baseline", "agreement")]["value"]))


def guide_share(ws: Workspace) -> str:
    """Teacher's guide, worksheet 2's answers: the median share who left, 100 runs of seed 1."""
    return chance_share(ws)


def guide_amnesty(ws: Workspace) -> str:
    """Teacher's guide, worksheet 4's answers: team C's mean share who left against guarantees."""
    c = design(ws)[("amnesty_on_day_2", "departed_share")]["value"]
    g = guarantees(ws)[("early_guarantees", "departed_share")]["value"]
    return f"{pct(float(c))}, against {pct(float(g))}"


def guide_airlift(ws: Workspace) -> str:
    """Teacher's guide, worksheet 6's misreadings: team B's difference in the share who left."""
    row = design(ws)[("aid_airlift", "departed_share")]
    if row["clear"] != "True":
        raise Failed("team B's difference in the share who left is no longer clear: reword")
    diff = 100 * float(row["diff"])
    return f"{diff:+.2f}".replace("-", "−") + " points"


def first_day(ws: Workspace) -> tuple[str, str]:
    """Notebook 04's first cell, run here: who decides to leave on day 1, without and with."""
    import json

    cells = json.loads((ws.root / "exercises" / "04_decision_to_leave.ipynb").read_text())["cells"]
    code = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    printed = ws.python("\n".join(line for line in code.splitlines()
                                  if not line.startswith("%")))
    base, guaranteed = (find(r"([\d.]+%)", line.rsplit(":", 1)[1]).group(1)
                        for line in printed.splitlines()[:2])
    return base, guaranteed


def guide_notebook(ws: Workspace) -> str:
    """Teacher's guide, worksheet 4: what notebook 04 prints about the first day."""
    base, guaranteed = first_day(ws)
    return bullet(f"**Notebook 04**: on the first day {base} of households decide to leave in "
                  f"the baseline and {guaranteed} with early guarantees (the same hunger).")


def guide_first_day(ws: Workspace) -> str:
    """Teacher's guide, worksheet 1's answers: households deciding on the first day, rounded."""
    return f"{float(first_day(ws)[0].rstrip('%')):.0f}%"


def guide_interval(ws: Workspace) -> str:
    """Teacher's guide, worksheet 2's misreadings: group 1's interval for renewed war."""
    war = summary(run(ws, f"{BASELINE} --runs 20 --seed 1", "results/ex2/seed1"))
    return f"{pct(war['end_state']['renewed_war']['low'])} to " \
           f"{pct(war['end_state']['renewed_war']['high'])}"


def guide_best(ws: Workspace) -> str:
    """Teacher's guide, worksheet 2's misreadings: the share who left in the best run."""
    folder = run(ws, f"{BASELINE} --runs 100 --seed 1", "results/ex2/runs100")
    text = ws.sim("sim story results/ex2/runs100 --pick typical --pick best --pick worst")
    best = find(r"The best run is run (\d+)", text).group(1)
    row = next(r for r in outcomes(folder) if r["replication"] == best)
    return pct(float(row["departed_share"]))


def guide_guarantees(ws: Workspace) -> str:
    """Teacher's guide, worksheet 4's misreadings: the mean share who left with guarantees."""
    return pct(float(guarantees(ws)[("early_guarantees", "departed_share")]["value"]))


BLOCKS = {
    "ws2-share": (CHANCE, chance_share),
    "ws4-share": (TRUST, trust_share),
    "ws4-settled": (TRUST, trust_settled),
    "ws4-agreement": (TRUST, trust_agreement),
    "ws6-share": (DESIGN, design_share),
    "ws6-war": (DESIGN, design_war),
    "ws6-agreement": (DESIGN, design_agreement),
    "teacher-ws2-share": (GUIDE, guide_share),
    "teacher-ws2-interval": (GUIDE, guide_interval),
    "teacher-ws2-best": (GUIDE, guide_best),
    "teacher-ws4-failed": (GUIDE, guide_guarantees),
    "teacher-ws1-first-day": (GUIDE, guide_first_day),
    "teacher-ws4-notebook": (GUIDE, guide_notebook),
    "teacher-ws4-amnesty": (GUIDE, guide_amnesty),
    "teacher-ws6-airlift": (GUIDE, guide_airlift),
}
