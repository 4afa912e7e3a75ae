"""The README's generated blocks: each key, the command it quotes, and how its output is shown."""

from __future__ import annotations

from fmt import console, story_entries
from workspace import Workspace

RUN = "sim run scenarios/baseline.toml --runs 500 --seed 2023"
RUN_OUT = "results/baseline/20261128-014900"
DEMO = "sim run scenarios/baseline.toml --runs 500 --out results/baseline/demo --force"
STORY = "sim story scenarios/baseline.toml --replication 3"
PICK = "sim story results/baseline/demo --pick typical --pick worst"
COMPARE = "sim compare scenarios/baseline.toml scenarios/peacekeepers_withdraw.toml --runs 500"
COMPARE_OUT = "results/compare/20261128-020000"
COMPARE_BRIEF = ("sim compare scenarios/baseline.toml scenarios/peacekeepers_withdraw.toml "
                 "scenarios/early_guarantees.toml --runs 500 --brief --no-figures")
COMPARE_BRIEF_OUT = "results/compare/20261128-020500"
COMPARE3 = ("sim compare scenarios/baseline.toml scenarios/peacekeepers_withdraw.toml "
            "scenarios/early_guarantees.toml --runs 500 --out results/figures/compare")
SWEEP = ("sim sweep scenarios/baseline.toml --set ceasefire.peacekeeper_deterrence=0,0.5,1 "
         "--runs 500")
SWEEP_OUT = "results/sweep/baseline-20261128-020000"
SWEEP1 = ("sim sweep scenarios/baseline.toml --set ceasefire.peacekeeper_deterrence=0:1:5 "
          "--runs 300 --out results/figures/sweep1")
SWEEP2 = ("sim sweep scenarios/baseline.toml --set world.peacekeepers=0:2000:5 "
          "--set ceasefire.peacekeeper_deterrence=0:1:5 --runs 100 --out results/figures/sweep2")
OBSERVED = "--observed data/nk2023_arrivals_early.csv"
VALIDATE = (f"sim validate scenarios/historical_2023_calibrated.toml {OBSERVED} --series "
            "registered --runs 1000")
VALIDATE_OUT = "results/historical_2023_calibrated/validation-20261128-020800"
CALIBRATE = ("sim calibrate scenarios/historical_2023.toml --observed "
             "data/nk2023_arrivals_early_timed.csv --series registered \\\n    --params "
             "outflow.corridor_capacity_per_hour,outflow.throughput_ramp_per_hour_per_day,"
             "outflow.throughput_ceiling_per_hour,outflow.travel_hours_mean,events.5.day \\\n"
             "    --runs 2000 --keep 0.1 --generations 2")
CALIBRATE_OUT = "results/historical_2023/calibration-20261128-021000"


def out(command: str, folder: str) -> str:
    """The command as run: the document's command, into a fixed folder so the text is stable."""
    return f"{command.replace(chr(92) + chr(10), ' ')} --out {folder}"


def run_block(ws: Workspace) -> str:
    """`sim run` of the baseline: its whole table."""
    return console(RUN, ws.sim(out(RUN, RUN_OUT)))


def story_block(ws: Workspace) -> str:
    """`sim story`: the header, then the dated lines from round 1 to half gone (no convoys)."""
    text = ws.sim(STORY)
    lines = text.splitlines()
    entries = story_entries(text)
    first = next(i for i, e in enumerate(entries) if "Talks, round 1" in e)
    half = next(i for i, e in enumerate(entries) if "By now 50%" in e)
    shown = [e for e in entries[first:half + 1] if "aid convoy" not in e]
    return console(STORY, "\n".join([lines[0], "...", *shown, "..."]))


def pick_block(ws: Workspace) -> str:
    """`sim story --pick`: why each run was picked; the first story's title, the last's reason."""
    ws.sim(DEMO + " --no-figures --quiet")
    paras = ws.sim(PICK).split("\n\n")
    reasons = [p for p in paras if p.startswith("The ")]
    title = next(p for p in paras if p.startswith("THE STORY")).splitlines()[0]
    shown = [reasons[0], "", title, "...", *reasons[1:], "..."]
    return console(PICK, "\n".join(shown))


def compare_block(ws: Workspace) -> str:
    """`sim compare`: the header and the first five differences."""
    lines = ws.sim(out(COMPARE, COMPARE_OUT)).splitlines()
    diffs = [i for i, line in enumerate(lines) if line.startswith("Peacekeepers withdraw:")]
    tail = [line for line in lines if line.startswith(("Comparison:", "Figures:"))]
    return console(COMPARE, "\n".join([*lines[:diffs[0] + 5], "...", *tail]))


def compare_brief_block(ws: Workspace) -> str:
    """`sim compare --brief` of three scenarios: every line."""
    return console(COMPARE_BRIEF, ws.sim(out(COMPARE_BRIEF, COMPARE_BRIEF_OUT)))


def sweep_block(ws: Workspace) -> str:
    """`sim sweep` over three deterrence levels: the whole table."""
    return console(SWEEP, ws.sim(out(SWEEP, SWEEP_OUT)))


def validate_block(ws: Workspace) -> str:
    """`sim validate`: the first two and the last observed points, then every measure."""
    lines = ws.sim(out(VALIDATE, VALIDATE_OUT)).splitlines()
    points = [i for i, line in enumerate(lines) if line.startswith("  ") and line[2].isdigit()]
    shown = [*lines[:points[2]], "  ...", *lines[points[-1]:]]
    return console(VALIDATE, "\n".join(shown))


def calibrate_block(ws: Workspace) -> str:
    """`sim calibrate`: the first and last generation, the first two parameters."""
    lines = ws.sim(out(CALIBRATE, CALIBRATE_OUT)).splitlines()
    gens = [i for i, line in enumerate(lines) if line.startswith("  generation")]
    table = next(i for i, line in enumerate(lines) if line.lstrip().startswith("parameter"))
    shown = [lines[0], lines[gens[0]], "  ...", lines[gens[-1]], *lines[table:table + 3], "  ..."]
    return console(CALIBRATE, "\n".join(shown))


BLOCKS = {
    "readme-run": ("README.md", run_block),
    "readme-story": ("README.md", story_block),
    "readme-pick": ("README.md", pick_block),
    "readme-compare": ("README.md", compare_block),
    "readme-compare-brief": ("README.md", compare_brief_block),
    "readme-sweep": ("README.md", sweep_block),
    "readme-validate": ("README.md", validate_block),
    "readme-calibrate": ("README.md", calibrate_block),
}

#: (command, figure it writes, name in docs/img): the figures the README shows.
FIGURES = [
    *[(out(RUN, RUN_OUT), f"{RUN_OUT}/figures/{n}.png", f"{n}.png")
      for n in ("departures", "end_states", "survival", "tension_trust")],
    *[(COMPARE3, f"results/figures/compare/figures/{n}.png", f"compare_{d}.png")
      for n, d in (("end_states", "end_states"), ("departures", "departures"),
                   ("distributions", "distributions"), ("survival", "survival"),
                   ("differences_probabilities", "differences"),
                   ("differences_amounts", "differences_amounts"))],
    (SWEEP1, "results/figures/sweep1/figures/probabilities.png", "sweep_probabilities.png"),
    (SWEEP1, "results/figures/sweep1/figures/medians.png", "sweep_medians.png"),
    (SWEEP2, "results/figures/sweep2/figures/probabilities.png", "sweep_heatmap.png"),
    (out(VALIDATE, VALIDATE_OUT), f"{VALIDATE_OUT}/validation.png",
     "historical_2023_validation.png"),
    (out(CALIBRATE, CALIBRATE_OUT), f"{CALIBRATE_OUT}/prior_posterior.png",
     "historical_2023_prior_posterior.png"),
]
