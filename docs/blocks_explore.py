"""Generated blocks of `sim sensitivity` and `sim discover`: the README's tour and worksheet 7."""

from __future__ import annotations

import csv
import textwrap

from blocks_readme import RUN, RUN_OUT, out
from fmt import console
from workspace import Workspace

SENSITIVITY = "sim sensitivity scenarios/baseline.toml --runs-per-point 10"
SENSITIVITY_OUT = "results/baseline/sensitivity-20261130-220000"
DISCOVER = f"sim discover {RUN_OUT} --outcome end_state=renewed_war"
DISCOVER_OUT = "results/baseline/discover-20261130-220000"
#: Worksheet 7's commands, exactly as it writes them.
WS7_SCREEN_OUT = "results/ex7/screen"
WS7_SCREEN = ("sim sensitivity scenarios/baseline.toml "
              "--range ceasefire.peacekeeper_deterrence=0:1 --range world.tension=0.5:1 "
              f"--samples 8 --runs-per-point 5 --out {WS7_SCREEN_OUT} --force")
WS7_COLLAPSE = (f"sim discover {WS7_SCREEN_OUT} --outcome ceasefire_collapsed "
                "--out results/ex7/collapse --force")
WS7_FAST = (f"sim discover {WS7_SCREEN_OUT} --outcome \"day_half_departed<=4\" "
            "--out results/ex7/fast --force")


def sensitivity(ws: Workspace) -> str:
    return ws.sim(out(SENSITIVITY, SENSITIVITY_OUT))


def discovered(ws: Workspace, command: str, folder: str) -> str:
    ws.sim(out(RUN, RUN_OUT))  # the folder it reads (the README's run, run once)
    return ws.sim(out(command, folder))


def sensitivity_block(ws: Workspace) -> str:
    """`sim sensitivity` (Morris) of the baseline: what it prints."""
    return console(SENSITIVITY, sensitivity(ws))


def discover_block(ws: Workspace) -> str:
    """`sim discover` on the README's run of the baseline: the box for renewed war."""
    return console(DISCOVER, discovered(ws, DISCOVER, DISCOVER_OUT))


def noise(ws: Workspace, key: str, folder: str = SENSITIVITY_OUT) -> float:
    """An outcome's seed-noise share, from a folder the blocks' commands wrote."""
    with ws.path(f"{folder}/noise.csv").open() as f:
        return next(float(r["seed_noise_share"]) for r in csv.DictReader(f)
                    if r["outcome"] == key)


def ranked(ws: Workspace, key: str, folder: str) -> list[str]:
    """The parameters by mu* for one outcome, from a folder the blocks' commands wrote."""
    with ws.path(f"{folder}/indices.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["outcome"] == key]
    return [r["parameter"] for r in sorted(rows, key=lambda r: -float(r["mu_star"]))]


def noise_block(ws: Workspace) -> str:
    """Inline: the seed-noise shares of renewed war and of the share of people who left."""
    sensitivity(ws)
    war, left = noise(ws, "end_state.renewed_war"), noise(ws, "departed_share")
    return (f"{war:.0%} of the variance of renewed war (over all runs) is seed noise, "
            f"{left:.0%} of that of the share of people who left")


def ws7(ws: Workspace) -> tuple[str, str, str]:
    """Worksheet 7's three commands, as written there, run once: what each printed."""
    return (ws.sim(WS7_SCREEN), ws.sim(WS7_COLLAPSE), ws.sim(WS7_FAST))


def teacher_screen_block(ws: Workspace) -> str:
    """Worksheet 7: the three assumptions that matter most for war and for the day half had
    left, with their seed-noise shares."""
    ws7(ws)
    lines = []
    for key, words in (("end_state.renewed_war", "Renewed war"),
                       ("day_half_departed", "The day half had left")):
        top = ranked(ws, key, WS7_SCREEN_OUT)[:3]
        share = noise(ws, key, WS7_SCREEN_OUT)
        lines.append(textwrap.fill(
            f"- **{words}**: `{top[0]}`, then `{top[1]}` and `{top[2]}` (largest mu* first); "
            f"{share:.0%} of its variance over the 560 runs is seed noise.", width=96,
            subsequent_indent="  ", break_on_hyphens=False))
    return "\n".join(lines)


def teacher_discover_block(ws: Workspace) -> str:
    """Worksheet 7: both boxes, as `sim discover` printed them."""
    _, collapse, fast = ws7(ws)
    keep = [line for text in (collapse, fast) for line in text.splitlines()
            if not line.startswith(("Discovery:", "Figures:"))]
    return "```text\n" + "\n".join(keep) + "\n```"


BLOCKS = {
    "readme-sensitivity": ("README.md", sensitivity_block),
    "readme-sensitivity-noise": ("README.md", noise_block),
    "readme-discover": ("README.md", discover_block),
    "teacher-ws7-screen": ("exercises/TEACHER.md", teacher_screen_block),
    "teacher-ws7-discover": ("exercises/TEACHER.md", teacher_discover_block),
}

#: (command, figure it writes, name in docs/img): the figures the README shows.
FIGURES = [
    (out(SENSITIVITY, SENSITIVITY_OUT), f"{SENSITIVITY_OUT}/figures/heatmap.png",
     "sensitivity_heatmap.png"),
    (out(SENSITIVITY, SENSITIVITY_OUT),
     f"{SENSITIVITY_OUT}/figures/morris_end_state.renewed_war.png",
     "sensitivity_morris_renewed_war.png"),
    (out(DISCOVER, DISCOVER_OUT), f"{DISCOVER_OUT}/figures/discovery.png", "discover.png"),
]
