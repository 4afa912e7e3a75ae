"""What a calibration writes: posterior.csv, the calibrated scenario, calibration.json, figures."""

from __future__ import annotations

import io
import json
import os
import textwrap
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from sim.fitting.calibrate import DISTANCE, Calibration
from sim.fitting.validate import Validation, validate
from sim.runs.ensemble import Ensemble, run_ensemble
from sim.runs.folder import write_folder
from sim.scenario.load import load
from sim.scenario.posterior import PREFIX
from sim.text import literal_figure_text, printable, slug


def posterior_csv(cal: Calibration) -> str:
    """The accepted parameter sets, closest first: replication, distance, param.<path>..."""
    buf = io.StringIO()
    buf.write(",".join(["replication", "distance", *(PREFIX + p for p in cal.params)]) + "\n")
    for rep, d, row in zip(cal.replications, cal.distances, cal.posterior, strict=True):
        cells = [str(rep), repr(float(d)), *(_cell(v) for v in row)]
        buf.write(",".join(cells) + "\n")
    return buf.getvalue()


def _cell(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def calibrated_toml(cal: Calibration, extends: str, posterior_file: str) -> str:
    """A scenario that extends the original and draws the listed parameters jointly from the
    accepted rows; every other parameter keeps the original's value or prior."""
    name = f"{cal.scenario.name}_calibrated"
    events = [e.name for e in cal.scenario.params.events]
    tables: dict[tuple[str, ...], list[str]] = {}
    for path in cal.params:
        keys = path.split(".")
        if keys[0] == "events":
            index = int(keys[1])
            keys[1] = events[index] if events.count(events[index]) == 1 else str(index)
        tables.setdefault(tuple(keys[:-1]), []).append(
            f"{_key(keys[-1])} = {{ posterior = {json.dumps(posterior_file)} }}")
    method = (f"sequential Monte Carlo ABC, {len(cal.generations)} generations"
              if len(cal.generations) > 1 else "rejection ABC")
    lines = [f"# {printable(name)}: written by `sim calibrate` ({method}).",
             *textwrap.wrap(f"Kept {len(cal.posterior)} parameter sets whose {cal.series!r} "
                            f"series came closest to {printable(cal.observed.source)}, by "
                            f"{DISTANCE}; "
                            f"distance at most {cal.threshold:.4g}. The parameters below are "
                            f"drawn together, one row of {posterior_file} per replication; "
                            f"everything else keeps {printable(cal.scenario.name)}'s values "
                            "and priors.",
                            width=98, initial_indent="# ", subsequent_indent="# "),
             "", f"extends = {json.dumps(extends)}", f"name = {json.dumps(name)}",
             f"description = {json.dumps(_description(cal))}"]
    for table, entries in tables.items():
        header = ".".join(_key(k) for k in table)
        lines += ["", *([f"[{header}]"] if table else []), *entries]
    return "\n".join(lines) + "\n"


def _description(cal: Calibration) -> str:
    return (f"{cal.scenario.name}, with {', '.join(cal.params)} drawn jointly from the "
            f"parameter sets calibrated on {Path(cal.observed.source).name}.")


def _key(key: str) -> str:
    """A TOML key: bare when it can be, else quoted."""
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)


def summary(cal: Calibration) -> dict[str, Any]:
    """Prior and posterior quantiles of each calibrated parameter."""
    out: dict[str, Any] = {}
    for j, p in enumerate(cal.params):
        pr = np.quantile(cal.prior[:, j], (0.05, 0.5, 0.95))
        po = np.quantile(cal.posterior[:, j], (0.05, 0.5, 0.95))
        out[p] = {"prior": dict(zip(("q05", "q50", "q95"), map(float, pr), strict=True)),
                  "posterior": dict(zip(("q05", "q50", "q95"), map(float, po), strict=True))}
    return out


def write(cal: Calibration, prior_ens: Ensemble, out: Path, predictive_runs: int,
          force: bool = False, executor: str = "local", workers: int | None = None,
          manifest: dict[str, Any] | None = None, inputs: Iterable[Path | str] = (),
          figures: Callable[[Calibration, Ensemble, Ensemble], Mapping[str, Any]] | None = None,
          ) -> tuple[Path, Validation]:
    """posterior.csv, the calibrated scenario, calibration.json and the figures, atomically.

    The posterior-predictive ensemble runs the calibrated scenario as written; `figures` draws
    the figures (file name -> figure) from the calibration, the prior and that ensemble."""
    source = Path(cal.scenario.source).resolve()
    scenario_file = f"{slug(cal.scenario.name)}_calibrated.toml"
    made: list[Validation] = []

    def fill(folder: Path) -> None:
        extends = Path(os.path.relpath(source, out.resolve())).as_posix()
        (folder / "posterior.csv").write_text(posterior_csv(cal))
        (folder / scenario_file).write_text(calibrated_toml(cal, extends, "posterior.csv"))
        calibrated = load(folder / scenario_file)
        ens = run_ensemble(calibrated, predictive_runs, cal.seed, executor=executor,
                           workers=workers)
        post = validate(ens, cal.observed, cal.series)
        prior = validate(prior_ens, cal.observed, cal.series)
        info = {"scenario": cal.scenario.name, "observed_file": cal.observed.source,
                "series": cal.series, "params": list(cal.params), "seed": cal.seed,
                "keep": cal.keep, "method": "rejection ABC, then sequential Monte Carlo ABC "
                "(Beaumont et al. 2009) for each further generation", "distance": DISTANCE,
                "generations": list(cal.generations), "threshold": cal.threshold,
                "parameters": summary(cal), "predictive_runs": predictive_runs,
                "prior_predictive": prior.to_json(), "posterior_predictive": post.to_json()}
        (folder / "calibration.json").write_text(json.dumps(info, indent=1) + "\n")
        with literal_figure_text():
            drawn = figures(cal, prior_ens, ens) if figures else {}
        for name, fig in drawn.items():
            fig.savefig(folder / name, dpi=110)
        made.append(post)

    write_folder(out, {}, manifest, None, force, inputs, fill=fill)
    return out, made[0]


def event_notes(cal: Calibration) -> dict[str, str]:
    """For parameters of timeline events: the event's name, shortened."""
    notes = {}
    for path in cal.params:
        keys = path.split(".")
        if keys[0] == "events":
            name = cal.scenario.params.events[int(keys[1])].name
            notes[path] = name if len(name) <= 48 else name[:47] + "…"
    return notes


def report(cal: Calibration) -> str:
    """How the accepted sets were found, and each parameter's prior and posterior."""
    lines = [f"Calibrated {cal.scenario.name} on {cal.observed.source} ({cal.series}, "
             f"{len(cal.observed.values)} points); distance: RMS of log differences"]
    for g in cal.generations:
        lines.append(f"  generation {g['generation']}: kept {g['kept']} of {g['runs']} "
                     f"replications, distance at most {g['tolerance']:.3g} (effective sample "
                     f"size {g['effective_size']:.0f})")
    lines.append(f"  {'parameter':<44}{'prior 90%':>28}   posterior median (90%)")
    start = cal.scenario.params.start
    for p, s in summary(cal).items():
        pr, po = s["prior"], s["posterior"]

        def show(v: float, p: str = p) -> str:  # an event's day is a date and time
            return _when(start, v) if _is_day(p) else _g(v)
        lines.append(f"  {p:<44}{show(pr['q05']):>13} – {show(pr['q95']):<13}   "
                     f"{show(po['q50'])} ({show(po['q05'])} – {show(po['q95'])})")
    return "\n".join(printable(line) for line in lines)


def _is_day(path: str) -> bool:
    """An event's `day`: days after the start, shown as a date and time."""
    keys = path.split(".")
    return keys[0] == "events" and keys[-1] == "day"


def _when(start: datetime, day: float) -> str:
    """Days after the start as a date and time, in the start's offset ("25 Sep 14:00")."""
    return (start + timedelta(days=day)).strftime("%d %b %H:%M")


def _g(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
