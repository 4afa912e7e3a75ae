"""The 2023 forecast's parameters: what the early counts moved (prior against posterior) and
which assumptions make the forecast wide (its bands with each group fixed at its median)."""

from __future__ import annotations

import json

from blocks_forecast import clock
from fmt import count
from workspace import Workspace

CALIBRATED = "scenarios/historical_2023_calibrated.toml"

PRIOR_POSTERIOR = f'''
import csv, json
import numpy as np
from numpy.random import default_rng
from sim import load
prior = load("scenarios/historical_2023.toml").distributions
post = load("{CALIBRATED}").distributions
rng = default_rng(2023)
out = {{}}
for path, d in prior.items():
    before = np.array([float(d.sample(rng)) for _ in range(20000)])
    after = post[path]
    if after.form == "posterior":
        with open(after.args[0]) as f:
            kept = np.array([float(r["param." + path]) for r in csv.DictReader(f)])
    else:
        kept = None
    q = (0.05, 0.5, 0.95)
    out[path] = [np.quantile(before, q).tolist(),
                 None if kept is None else np.quantile(kept, q).tolist()]
print(json.dumps(out))
'''

#: The groups of uncertain parameters fixed in turn, in the words of the table.
GROUPS = {
    "the road: when it opened, its throughput then, its daily ramp, its ceiling":
        ("events.5.day", "outflow.corridor_capacity_per_hour",
         "outflow.throughput_ramp_per_hour_per_day", "outflow.throughput_ceiling_per_hour"),
    "the journey to Armenia and the registration lag":
        ("outflow.travel_hours_mean", "outflow.registration_lag_hours"),
    "how many people were there, how many stay whatever happens":
        ("world.population_people", "outflow.stayer_share"),
    "how people decide (fear, hunger, distrust, neighbours)":
        ("outflow.tension_hazard_per_day", "outflow.hunger_hazard_per_day",
         "outflow.distrust_hazard_per_day", "outflow.neighbours_hazard_per_day"),
}
RUNS = 500

WIDTH = f'''
import csv, json, os, shutil, tempfile
import numpy as np
from sim import load
from sim.fitting.simulated import simulated_at
from sim.runs.ensemble import run_ensemble
sc = load("{CALIBRATED}")
days = np.array([2, 4, 7]) + 6 + 11 / 24  # the ends of 28 Sep, 30 Sep, 3 Oct
groups = {{"none": []}} | {{name: list(paths) for name, paths in {GROUPS!r}.items()}}
groups["all"] = list(sc.distributions)
base = run_ensemble(sc, {RUNS}, 2023)
median = {{p: float(np.median([float(r["param." + p]) for r in base.rows]))
          for p in sc.distributions}}
joint = [p for p, d in sc.distributions.items() if d.form == "posterior"]
with open(sc.distributions[joint[0]].args[0]) as f:
    rows = list(csv.DictReader(f))
tmp = tempfile.mkdtemp()


def fixed(paths):
    """The scenario with `paths` at their medians; the rest of the joint posterior kept."""
    values = {{p: median[p] for p in paths}}
    rest = [p for p in joint if p not in paths]
    if len(rest) < len(joint) and rest:
        file = os.path.join(tmp, f"{{len(values)}}-{{len(rest)}}.csv")
        with open(file, "w") as f:
            f.write(",".join("param." + p for p in rest) + "\\n")
            f.writelines(",".join(r["param." + p] for p in rest) + "\\n" for r in rows)
        values |= {{p: {{"posterior": file}} for p in rest}}
    return sc.with_values(values)


out = {{}}
for name, paths in groups.items():
    ens = base if not paths else run_ensemble(fixed(paths), {RUNS}, 2023)
    q = np.quantile(simulated_at(ens, "registered", days), (0.05, 0.5, 0.95), axis=0)
    out[name] = (q[2] - q[0]).tolist()
shutil.rmtree(tmp)
print(json.dumps(out))
'''


def _range(q: list[float], path: str = "") -> str:
    low, mid, high = q
    if path.endswith(".day"):
        return f"{clock(mid)} ({clock(low)} – {clock(high)})"
    if max(abs(low), abs(high)) >= 100:
        return f"{count(mid)} ({count(low)} – {count(high)})"
    return f"{mid:.3g} ({low:.3g} – {high:.3g})"


def prior_posterior_block(ws: Workspace) -> str:
    """Each uncertain parameter of the 2023 scenario: its prior, and what calibration made it."""
    found = json.loads(ws.python(PRIOR_POSTERIOR))
    rows = ["| parameter | prior: median (90%) | calibrated: median (90%) | 90% range kept |",
            "|---|---:|---:|---:|"]
    for path, (prior, post) in sorted(found.items(), key=lambda kv: kv[1][1] is None):
        if post is None:
            rows.append(f"| `{path}` | {_range(prior, path)} | prior kept | 100% |")
            continue
        share = (post[2] - post[0]) / (prior[2] - prior[0])
        rows.append(f"| `{path}` | {_range(prior, path)} | {_range(post, path)} | {share:.0%} |")
    return "\n".join(rows)


def width_block(ws: Workspace) -> str:
    """The width of the forecast's 90% band with each group of assumptions fixed in turn."""
    found = json.loads(ws.python(WIDTH))
    full = found["none"]
    rows = ["| fixed at its median | 90% band, 28 Sep | 30 Sep | 3 Oct |",
            "|---|---:|---:|---:|",
            "| nothing (the forecast) | " + " | ".join(count(w) for w in full) + " |"]
    for name in (*GROUPS, "all"):
        label = ("every uncertain parameter (what is left: the model's own chance and the "
                 "count errors)" if name == "all" else name)
        cells = " | ".join(f"{count(w)} ({w / f:.0%})" for w, f in zip(found[name], full,
                                                                       strict=True))
        rows.append(f"| {label} | {cells} |")
    return "\n".join(rows)


BLOCKS = {
    "readme-2023-prior-posterior": ("README.md", prior_posterior_block),
    "readme-2023-width": ("README.md", width_block),
}
