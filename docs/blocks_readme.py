"""The README's generated blocks: each key, the command it quotes, and how its output is shown."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta

from fmt import console, count, quantile, story_entries, words
from workspace import Failed, Workspace

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
VALIDATE = (f"sim validate scenarios/historical_2023_calibrated.toml {OBSERVED} --runs 1000")
VALIDATE_OUT = "results/historical_2023_calibrated/validation-20261128-020800"
CALIBRATE = ("sim calibrate scenarios/historical_2023.toml --observed "
             "data/nk2023_arrivals_early.csv \\\n    --params outflow.corridor_capacity_per_hour,"
             "events.5.day,events.7.day,events.7.add.corridor_capacity_per_hour \\\n"
             "    --runs 4000 --keep 0.075 --generations 4")
CALIBRATE_OUT = "results/historical_2023/calibration-20261128-021000"
POSTERIOR = "scenarios/historical_2023_posterior.csv"
#: The calibrated scenario's clock: day 0 is the ceasefire, 20 September 2023, 13:00 UTC+4.
START_2023 = datetime(2023, 9, 20, 13, 0)


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


def clock(day: float) -> str:
    """A day of the 2023 scenario as local time of day, HH:MM, to the nearest 5 minutes."""
    minutes = round(day * 24 * 12) * 5
    return (START_2023 + timedelta(minutes=minutes)).strftime("%H:%M")


def posterior_block(ws: Workspace) -> str:
    """The calibrated road, from the shipped posterior file the calibrated scenario draws from."""
    with ws.path(POSTERIOR).open() as f:
        rows = list(csv.DictReader(f))

    def column(name: str) -> list[float]:
        return sorted(float(r[f"param.{name}"]) for r in rows)

    cap, opens = column("outflow.corridor_capacity_per_hour"), column("events.5.day")
    extra, escort = (column("events.7.add.corridor_capacity_per_hour"),
                     column("events.7.day"))
    day = (START_2023 + timedelta(days=quantile(opens, 0.5))).day
    return (
        f"- the road let through about {count(quantile(cap, 0.5))} people an hour when it "
        f"opened (90%: {count(quantile(cap, 0.05))} to {count(quantile(cap, 0.95))}), and it "
        f"opened\n  for the model between {clock(quantile(opens, 0.05))} and "
        f"{clock(quantile(opens, 0.95))} on {day} September (the model has no travel time, so "
        f"this\n  is when arrivals began);\n"
        f"- the escorted convoys of 25 September added about {count(quantile(extra, 0.5))} an "
        f"hour (90%: {count(quantile(extra, 0.05))} to {count(quantile(extra, 0.95))}), some "
        f"time\n  between {clock(quantile(escort, 0.05))} and {clock(quantile(escort, 0.95))} "
        f"that day; the two go together (a later step needs a larger one), so\n  the posterior "
        f"file keeps them jointly;")


def validation_prose_block(ws: Workspace) -> str:
    """The paragraph on the calibrated scenario against the early data, from validation.json."""
    ws.sim(out(VALIDATE, VALIDATE_OUT))
    v = json.loads(ws.path(f"{VALIDATE_OUT}/validation.json").read_text())
    points = v["points"]
    inside50 = sum(p["inside_50%"] for p in points)
    inside90 = sum(p["inside_90%"] for p in points)
    n = len(points)
    rel = [abs(p["q50"] - p["observed"]) / p["observed"] for p in points[1:]]
    first = points[0]
    half = v["timing"]["half"]
    last_day = datetime.fromisoformat(points[-1]["time"]).day

    def hm(t: str) -> tuple[str, int]:
        when = datetime.fromisoformat(t)
        return when.strftime("%H:%M"), when.day

    obs, obs_day = hm(half["observed"]["time"])
    sim_, _ = hm(half["median"]["time"])
    all90 = f"all {n}" if inside90 == n else f"{inside90} of {n}"
    return (
        f"Against the early data ({v['runs']:,} replications): {inside50} of {n} points inside "
        f"the middle 50% ({100 * inside50 / n:.0f}%), {all90}\ninside the middle 90%; mean "
        f"relative difference of the median {100 * v['mean_relative_difference']:.1f}%, nearly "
        f"all of it from the\nfirst point (median {count(first['q50'])} against about "
        f"{count(first['observed'])}, because the model counts the 23 wounded and the\nmedical "
        f"evacuations too; the other {words(n - 1)} points are within {100 * min(rel):.0f} to "
        f"{100 * max(rel):.0f}%); half of the {last_day} September\nmorning count reached at "
        f"{obs} on {obs_day} September, {sim_} in the median replication.")


def forecast_code(readme: str) -> str:
    """The README's own forecast code (below the table), printing its quantiles as JSON."""
    start = readme.index("```python\n", readme.index("<!-- generated: readme-2023-forecast -->"))
    lines = readme[start + 10:readme.index("```", start + 10)].rstrip().splitlines()
    if not lines[-1].startswith("print("):
        raise Failed("README: the forecast code no longer ends with print(...)")
    shown = lines[-1][len("print("):lines[-1].rindex(")")]
    return "\n".join(["import json", *lines[:-1], f"print(json.dumps(({shown}).tolist()))"])


def forecast_block(ws: Workspace) -> str:
    """The week after the data: the code printed below the table, run here."""
    code = forecast_code((ws.root / "README.md").read_text())
    low, mid, high = json.loads(ws.python(code))
    rows = ["| by the end of | median | 90% band |", "|---|---:|---:|"]
    for k in range(8):
        day = datetime(2023, 9, 26) + timedelta(days=k)
        label = f"{day:%a} {day.day} {day:%b}"
        rows.append(f"| {label} | {count(mid[k])} | {count(low[k])} – {count(high[k])} |")
    return "\n".join(rows)


BLOCKS = {
    "readme-run": ("README.md", run_block),
    "readme-story": ("README.md", story_block),
    "readme-pick": ("README.md", pick_block),
    "readme-compare": ("README.md", compare_block),
    "readme-compare-brief": ("README.md", compare_brief_block),
    "readme-sweep": ("README.md", sweep_block),
    "readme-validate": ("README.md", validate_block),
    "readme-calibrate": ("README.md", calibrate_block),
    "readme-2023-posterior": ("README.md", posterior_block),
    "readme-2023-validation": ("README.md", validation_prose_block),
    "readme-2023-forecast": ("README.md", forecast_block),
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
