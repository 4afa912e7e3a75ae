"""The README's model section: what the social mechanisms add beyond the queue-only null model."""

from __future__ import annotations

import csv
import math

from workspace import Workspace

RUNS = 200
SEED = 2023
#: The null model itself, which has no twin.
NULL = "null_queue"
SHOWN = (("departed_share", "share who left", lambda v: f"{100 * v:.1f}%"),
         ("day_half_departed", "day half had left", lambda v: f"{v:.1f}"),
         ("day_90pct_departed", "day 90% had left", lambda v: f"{v:.1f}"),
         ("mean_wait_hours", "mean wait, hours", lambda v: f"{v:.0f}"))


def twin(ws: Workspace, name: str) -> str:
    """A queue-only twin of a shipped scenario, written beside it in the copy."""
    path = f"scenarios/{name}_queue_only.toml"
    ws.path(path).write_text(f'extends = "{name}.toml"\nname = "{name} queue only"\n\n'
                             '[outflow]\nmode = "queue"\n')
    return path


def means(ws: Workspace, name: str) -> dict[tuple[str, bool], float]:
    """Mean of each shown outcome for the scenario (False) and its queue twin (True), paired."""
    folder = f"results/null/{name}"
    ws.sim(f"sim compare scenarios/{name}.toml {twin(ws, name)} --runs {RUNS} --seed {SEED} "
           f"--no-figures --out {folder}")
    found: dict[tuple[str, bool], float] = {}
    with ws.path(f"{folder}/comparison.csv").open() as f:
        for row in csv.DictReader(f):
            if row["statistic"] == "mean" and row["outcome"] in dict((s[0], s) for s in SHOWN):
                found[row["outcome"], bool(row["pairing"])] = \
                    float(row["value"]) if row["value"] else math.nan
    return found


def null_block(ws: Workspace) -> str:
    """One row per shipped scenario: each outcome in the model, then in its queue-only twin."""
    head = "| scenario | " + " | ".join(f"{label}: model / queue only" for _, label, _ in SHOWN)
    lines = [head + " |", "|---" * (len(SHOWN) + 1) + "|"]
    shipped = sorted(p.stem for p in ws.path("scenarios").glob("*.toml") if p.stem != NULL)
    for name in sorted(shipped, key=lambda n: n != "baseline"):  # every shipped one, baseline first
        m = means(ws, name)
        cells = [" / ".join("never" if math.isnan(m.get((o, q), math.nan)) else show(m[o, q])
                            for q in (False, True)) for o, _, show in SHOWN]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


BLOCKS = {"readme-null-model": ("README.md", null_block)}
