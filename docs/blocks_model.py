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


def twin(ws: Workspace, name: str, what: str, section: str, line: str) -> str:
    """A shipped scenario with one line changed (`what` names it), written beside it."""
    path = f"scenarios/{name}_{what.replace(' ', '_')}.toml"
    ws.path(path).write_text(f'extends = "{name}.toml"\nname = "{name} {what}"\n\n'
                             f"[{section}]\n{line}\n")
    return path


def means(ws: Workspace, name: str) -> dict[tuple[str, bool], float]:
    """Mean of each shown outcome for the scenario (False) and its queue twin (True), paired."""
    folder = f"results/null/{name}"
    queue = twin(ws, name, "queue only", "outflow", 'mode = "queue"')
    ws.sim(f"sim compare scenarios/{name}.toml {queue} --runs {RUNS} --seed {SEED} "
           f"--no-figures --out {folder}")
    shown = {outcome for outcome, _, _ in SHOWN}
    found: dict[tuple[str, bool], float] = {}
    with ws.path(f"{folder}/comparison.csv").open() as f:
        for row in csv.DictReader(f):
            if row["statistic"] == "mean" and row["outcome"] in shown:
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


KEPT_RUNS = 1000


def difference(ws: Workspace, name: str, other: str | None = None
               ) -> tuple[float, float, float]:
    """The paired difference in the share who left, the scenario minus `other` (a scenario
    file; by default its no-talks twin)."""
    folder = f"results/kept/{name}" + ("" if other is None else f"-{other.split('/')[-1]}")
    without = other or twin(ws, name, "without talks", "negotiation", "talks_held = false")
    ws.sim(f"sim compare {without} scenarios/{name}.toml --runs {RUNS} "
           f"--seed {SEED} --no-figures --out {folder}")
    with ws.path(f"{folder}/comparison.csv").open() as f:
        row = next(r for r in csv.DictReader(f) if r["pairing"]
                   and r["outcome"] == "departed_share" and r["statistic"] == "mean")
    return tuple(100 * float(row[c]) for c in ("diff", "diff_low", "diff_high"))  # type: ignore


def reintegrated(ws: Workspace, path: str) -> str:
    """How often a scenario file ends in reintegration, of KEPT_RUNS, with its interval."""
    import json

    folder = f"results/kept/{path.split('/')[-1].removesuffix('.toml')}-ensemble"
    ws.sim(f"sim run {path} --runs {KEPT_RUNS} --seed {SEED} --no-figures --quiet --out {folder}")
    r = json.loads(ws.path(f"{folder}/summary.json").read_text())["end_state"]["reintegration"]
    return f"{r['count']} of {r['n']:,} ({100 * r['low']:.1f}% to {100 * r['high']:.1f}%)"


def kept_block(ws: Workspace) -> str:
    """What the talks and guarantees keep: paired differences, and how often anyone stays."""
    lines = []
    for name in ("baseline", "credible_guarantees", "credible_guarantees_aid"):
        d, low, high = difference(ws, name)
        lines.append(f"| `{name}` | {d:+.1f} ({low:+.1f} to {high:+.1f}) | "
                     f"{reintegrated(ws, f'scenarios/{name}.toml')} |")
    head = ["| scenario | share who left, points, against no talks (95% interval) | "
            "negotiated reintegration (95% interval) |", "|---|---|---|"]
    return "\n".join(head + lines)


#: `credible_guarantees` changed in one respect each: the guarantees come later (settled in the
#: talks from the baseline's gaps, trust where the baseline's starts), or nobody enforces them
#: (no monitors, no peacekeepers: each promise worth 0.2 of its face, trust 0.15 + 2 x 0.03).
VARIANTS = (
    ("settled later, in the talks", "later",
     "trust = 0.15\n\n[negotiation.issues]\nsecurity_guarantees.gap = 0.7\namnesty.gap = 0.8"),
    ("with nobody to enforce them", "unenforced", "monitors = 0.0\npeacekeepers = 0\ntrust = 0.21"),
)


def timing_block(ws: Workspace) -> str:
    """Guarantees at the start against the same settled later or left unenforced (paired)."""
    name = "credible_guarantees"
    lines = [f"| given at the start, enforced (`{name}`) | | "
             f"{reintegrated(ws, f'scenarios/{name}.toml')} |"]
    for label, what, line in VARIANTS:
        path = twin(ws, name, what, "world", line)
        d, low, high = difference(ws, name, path)
        lines.append(f"| {label} | {d:+.1f} ({low:+.1f} to {high:+.1f}) | "
                     f"{reintegrated(ws, path)} |")
    head = ["| the same two guarantees ... | share who left, points, at the start minus this "
            "(95% interval) | negotiated reintegration (95% interval) |", "|---|---|---|"]
    return "\n".join(head + lines)


BLOCKS["readme-kept"] = ("README.md", kept_block)
BLOCKS["readme-timing"] = ("README.md", timing_block)
