"""A comparison and a sweep from their inputs to their folders, the same for `sim compare`,
`sim sweep` and `sim.compare`, `sim.sweep` in a notebook (no click here); figures are passed in."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.analysis import compare as comparing
from sim.analysis import sweep as sweeping
from sim.errors import ScenarioError
from sim.runs.ensemble import Ensemble
from sim.runs.folder import check_target, write_folder
from sim.runs.job import Progress, as_scenario, say, saying, scenario_inputs, silent
from sim.runs.outpaths import default_out
from sim.scenario.load import Scenario
from sim.scenario.workload import check_work

#: A scenario file or results folder (str or Path), a loaded scenario or an ensemble.
Input = str | Path | Scenario | Ensemble


def _source(item: Input) -> tuple[Path, Scenario | Ensemble]:
    """The path an input is known by, and what it holds."""
    if isinstance(item, Scenario):
        return Path(item.source), item
    if isinstance(item, Ensemble):
        return item.folder or Path(item.scenario.source), item
    return Path(item), comparing.read_input(Path(item))


def compare(inputs: Sequence[Input], runs: int | None = None, seed: int | None = None, *,
            about: Mapping[str, Any], workers: int | None = None,
            out: Path | bool | None = None, force: bool = False, family_wise: bool = False,
            figures: Callable[[comparing.Comparison, Path], object] | None = None,
            progress: Progress = silent) -> comparing.Comparison:
    """Run the scenario files with one seed, compare everything with the first input (clear
    differences: false discovery rate, or family-wise error with `family_wise`); with `out`
    (True: the default folder), write comparison.csv, summary.txt, manifest, figures."""
    if len(inputs) < 2:
        raise ScenarioError("give at least two scenario files or results folders")
    paths, loaded = zip(*(_source(item) for item in inputs), strict=True)
    runs, seed = comparing.defaults(loaded, runs, seed)
    files = [item for item in loaded if isinstance(item, Scenario)]
    if files:
        check_work([(sc, runs) for sc in files], workers=workers)
    target = default_out("compare") if out is True else out or None
    sources = [*paths, *(f for sc in files for f in scenario_inputs(sc))]
    if target is not None:
        check_target(target, force, sources)
    with progress(runs * len(inputs)) as tick:
        entries = comparing.gather(paths, loaded, runs, seed, workers=workers, progress=tick)
    say(progress, "computing the differences, their intervals and tests...")
    comp = comparing.compare(entries, family_wise)
    if target is None:
        return comp
    manifest = {**about, "correction": "Holm" if family_wise else "Benjamini-Hochberg",
                "inputs": [
        {"source": e.source, "label": e.label, "scenario": e.ensemble.scenario.name,
         "description": e.ensemble.scenario.params.description, "seed": e.ensemble.seed,
         "runs": e.ensemble.runs, "paired_with_first": p,
         "scenario_sha256": e.ensemble.scenario.digest()}
        for e, p in zip(comp.entries, comp.paired, strict=True)]}
    lines = comp.summary()
    write_folder(target, {"comparison.csv": comparing.comparison_csv(comp.rows),
                          "summary.txt": "\n".join(lines) + "\n"}, manifest,
                 saying(progress, "drawing figures...",
                        (lambda folder: figures(comp, folder)) if figures else None),
                 force=force, inputs=sources)
    return comp


def axes_of(sets: Sequence[str] | Mapping[str, str | Sequence[Any]]) -> list[sweeping.Axis]:
    """`["path=v1,v2"]` as on the command line, or `{path: "v1,v2" or "0:1:5" or [v1, v2]}`."""
    if isinstance(sets, Mapping):
        texts = [f"{path}={v if isinstance(v, str) else ','.join(json.dumps(x) for x in v)}"
                 for path, v in sets.items()]
    else:
        texts = [sets] if isinstance(sets, str) else list(sets)
    return [sweeping.parse_set(text) for text in texts]


def sweep(scenario: Scenario | Path, sets: Sequence[str] | Mapping[str, Any],
          runs: int | None = None, seed: int | None = None, *, about: Mapping[str, Any],
          workers: int | None = None, out: Path | bool | None = None, force: bool = False,
          figures: Callable[[sweeping.Sweep, list[dict[str, Any]], Path], object] | None = None,
          progress: Progress = silent) -> sweeping.Sweep:
    """Run every point of a grid of one or two parameters with one seed; with `out` (True: the
    default folder), write sweep.csv, the scenario, manifest and figures."""
    sc = as_scenario(scenario)
    axes = axes_of(sets)
    runs = runs or sc.params.runs
    check_work([(sc, runs)] * sweeping.grid_size(axes), workers=workers)  # before building it
    points = sweeping.grid(sc, axes)
    check_work([(point, runs) for _, point in points], workers=workers)
    seed = sc.params.seed if seed is None else seed
    target = default_out("sweep", sc.name) if out is True else out or None
    inputs = scenario_inputs(sc)
    if target is not None:
        check_target(target, force, inputs)
    with progress(runs * len(points)) as tick:
        result = sweeping.run_sweep(sc, axes, points, runs, seed, workers=workers,
                                    progress=tick)
    if target is None:
        return result
    say(progress, "computing the medians and their intervals...")
    table = sweeping.rows(result)
    manifest = {**about, "scenario": sc.name, "seed": seed, "runs": runs,
                "scenario_sha256": sc.digest(), "axes": {a.path: list(a.values) for a in axes}}
    write_folder(target, {"sweep.csv": sweeping.sweep_csv(table)}, manifest,
                 saying(progress, "drawing figures...",
                        (lambda folder: figures(result, table, folder)) if figures else None),
                 force=force, inputs=inputs, scenario=sc)
    return result
