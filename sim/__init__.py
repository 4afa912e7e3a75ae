"""peacesim: talks, a fragile ceasefire and a population's outflow, as a discrete-event model.

The Python API does what the `sim` command does (the command is a thin layer over it): `run`,
`compare`, `sweep`, `validate`, `calibrate` and `read`. Every path is a `str` or a `Path`; bad
input raises the errors of `sim.errors` that the command turns into one `error:` line."""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.analysis import jobs as analysis_jobs
from sim.analysis.compare import Comparison
from sim.analysis.sweep import Sweep
from sim.errors import ObservedError, OptionError, ResultsError, RunFailed, RunInterrupted
from sim.fitting import jobs as fitting_jobs
from sim.fitting.jobs import Calibrated
from sim.fitting.validate import Validation
from sim.model import Replication, run_replication
from sim.model.observation import OBSERVED_SERIES
from sim.outcomes import OUTCOMES, SERIES
from sim.runs import folder as results
from sim.runs import job
from sim.runs.ensemble import SERIES_MODES, Ensemble
from sim.runs.executors import EXECUTORS
from sim.runs.job import Progress
from sim.runs.outpaths import MADE_BY
from sim.scenario import Scenario, ScenarioError, from_tree, limits, load
from sim.text import literal_figure_text

__version__ = "0.1.0"
__all__ = ["OUTCOMES", "SERIES", "Calibrated", "Comparison", "Ensemble", "ObservedError",
           "OptionError", "Replication", "ResultsError", "RunFailed", "RunInterrupted", "Scenario",
           "ScenarioError", "Sweep", "Validation", "__version__", "calibrate", "compare",
           "from_tree", "load", "read", "run", "run_replication", "sweep", "validate"]

PathLike = str | os.PathLike[str]
#: `out`: a folder (str or Path), True for the folder `sim` would choose, None to write nothing.
Out = PathLike | bool | None


def run(scenario: Scenario | PathLike | None, runs: int | None = None,
        seed: int | None = None, workers: int | None = None, executor: str = "local",
        out: Out = None, progress: bool | Progress = True, *, scheduler: str | None = None,
        series: str | None = None, chunk_size: int | None = None,
        resume: PathLike | None = None, force: bool = False, figures: bool = True,
        command: str | None = None) -> Ensemble:
    """Run a scenario (a file or a loaded Scenario) `runs` times, as `sim run` does; with `out`,
    also write the same results folder, checkpoints and all (`resume` continues one)."""
    runs, seed, workers, chunk_size = _options(runs=runs, seed=seed, workers=workers,
                                               chunk_size=chunk_size)
    if executor not in EXECUTORS or (series is not None and series not in SERIES_MODES):
        raise OptionError(f"executor {executor!r}, series {series!r}: choose an executor of "
                          f"{', '.join(EXECUTORS)} and a series of {', '.join(SERIES_MODES)}")
    source = scenario if isinstance(scenario, Scenario) or scenario is None else Path(scenario)
    return job.run(source, runs, seed, about=_about("run", command), executor=executor,
                   workers=workers, scheduler=scheduler, series=series, chunk_size=chunk_size,
                   out=_out(out), resume=None if resume is None else Path(resume), force=force,
                   figures=_standard_figures if figures else None, progress=_progress(progress))


def compare(inputs: Sequence[Scenario | Ensemble | PathLike], runs: int | None = None,
            seed: int | None = None, workers: int | None = None, out: Out = None,
            progress: bool | Progress = True, *, force: bool = False, figures: bool = True,
            command: str | None = None) -> Comparison:
    """Compare scenarios (files, loaded) and results (folders, ensembles) with the first, as
    `sim compare` does; scenarios run with one seed, so differences are paired."""
    runs, seed, workers = _options(runs=runs, seed=seed, workers=workers)
    items = [i if isinstance(i, Scenario | Ensemble) else Path(i) for i in inputs]
    return analysis_jobs.compare(items, runs, seed, about=_about("compare", command),
                                 workers=workers, out=_out(out), force=force,
                                 figures=_comparison_figures if figures else None,
                                 progress=_progress(progress))


def sweep(scenario: Scenario | PathLike, sets: Sequence[str] | Mapping[str, Any],
          runs: int | None = None, seed: int | None = None, workers: int | None = None,
          out: Out = None, progress: bool | Progress = True, *, force: bool = False,
          figures: bool = True, command: str | None = None) -> Sweep:
    """Run a scenario over a grid of one or two parameters, as `sim sweep` does: `sets` as
    `["world.trust=0.1,0.3"]` or `{"world.trust": [0.1, 0.3]}` (or "0:1:5", ends included)."""
    runs, seed, workers = _options(runs=runs, seed=seed, workers=workers)
    source = scenario if isinstance(scenario, Scenario) else Path(scenario)
    return analysis_jobs.sweep(source, sets, runs, seed, about=_about("sweep", command),
                               workers=workers, out=_out(out), force=force,
                               figures=_sweep_figures if figures else None,
                               progress=_progress(progress))


def validate(source: Scenario | Ensemble | PathLike, observed: PathLike,
             series: str = "departed", column: str | None = None, runs: int | None = None,
             seed: int | None = None, workers: int | None = None, out: Out = None,
             progress: bool | Progress = True, *, force: bool = False,
             command: str | None = None) -> Validation:
    """Hold an ensemble (a scenario run here, a results folder or an Ensemble) against observed
    data, as `sim validate` does."""
    runs, seed, workers = _options(runs=runs, seed=seed, workers=workers)
    _series(series)
    item = source if isinstance(source, Scenario | Ensemble) else Path(source)
    return fitting_jobs.validate(item, Path(observed), series, column, runs, seed,
                                 about=_about("validation", command), workers=workers,
                                 out=_out(out), force=force, figures=_validation_figures,
                                 progress=_progress(progress))


def calibrate(scenario: Scenario | PathLike, observed: PathLike, params: str | Sequence[str],
              keep: float = 0.05, series: str = "departed", column: str | None = None,
              runs: int = 4000, generations: int = 3, predictive_runs: int = 500,
              seed: int | None = None, workers: int | None = None, out: Out = None,
              progress: bool | Progress = True, *, force: bool = False,
              command: str | None = None) -> Calibrated:
    """Calibrate uncertain parameters (dotted paths, a list or comma-separated) on observed
    data by ABC, as `sim calibrate` does."""
    runs, seed, workers, predictive_runs = _options(runs=runs, seed=seed, workers=workers,
                                                    predictive_runs=predictive_runs)
    _series(series)
    if not 0 < keep <= 1 or not 0 <= generations <= limits.MAX_GENERATIONS:
        raise OptionError(f"keep {keep!r}, generations {generations!r}: keep is a share in "
                          f"(0, 1], generations a whole number 0 to {limits.MAX_GENERATIONS}")
    names = params.split(",") if isinstance(params, str) else list(params)
    source = scenario if isinstance(scenario, Scenario) else Path(scenario)
    return fitting_jobs.calibrate(source, Path(observed), names, keep, series, column, runs,
                                  generations, predictive_runs, seed,
                                  about=_about("calibration", command), workers=workers,
                                  out=_out(out), force=force, figures=_calibration_figures,
                                  progress=_progress(progress))


def read(path: PathLike) -> Ensemble:
    """The ensemble of a results folder written by `sim run` or `sim.run(out=...)`."""
    return results.read(Path(path))[0]


#: The API function that makes each kind of folder.
_FUNCTIONS = {"run": "run", "compare": "compare", "sweep": "sweep", "validation": "validate",
              "calibration": "calibrate"}


def _about(kind: str, command: str | None) -> dict[str, Any]:
    """The header of a folder's manifest.json; `made_by` lets a later --force know the folder
    is sim's to replace."""
    return {"made_by": MADE_BY, "kind": kind,
            "command": command or f"sim.{_FUNCTIONS[kind]}(...) in Python",
            "version": __version__, "created": datetime.now(UTC).isoformat(timespec="seconds")}


def _out(out: Out) -> Path | bool | None:
    return out if out is None or isinstance(out, bool) else Path(out)


def _options(**given: int | None) -> list[Any]:
    """Numbers the command's options refuse are refused here in the same words; whole numbers
    of any kind (numpy's too) come back as int."""
    found: list[Any] = []
    for name, value in given.items():
        low = 0 if name == "seed" else 1
        high = limits.MAX_RUNS if "runs" in name else 4 * (os.cpu_count() or 1) \
            if name == "workers" else None
        try:
            number = None if value is None or isinstance(value, bool) else operator.index(value)
        except TypeError:
            number = None
        if value is not None and (number is None or number < low
                                  or (high is not None and number > high)):
            most = f" and at most {high:,}" if high is not None else ""
            raise OptionError(f"{name}={value!r}: give a whole number at least {low}{most}")
        found.append(number)
    return found


def _series(series: str) -> None:
    if series not in SERIES + OBSERVED_SERIES:
        raise OptionError(f"series {series!r}: choose one of "
                          f"{', '.join(SERIES + OBSERVED_SERIES)}")


def _progress(progress: bool | Progress) -> Progress:
    """True: a bar that suits a notebook or a terminal (tqdm.auto); False: nothing."""
    if progress is True:
        return _bar
    return job.silent if progress is False else progress


def _bar(total: int) -> Any:
    from tqdm.auto import tqdm

    bar = tqdm(total=total, unit="run")
    return _Ticking(bar)


class _Ticking:
    """A tqdm bar as a context that yields its update function."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def __enter__(self) -> Callable[[int], Any]:
        return self.bar.update  # type: ignore[no-any-return]

    def __exit__(self, *exc: object) -> None:
        self.bar.close()


def _standard_figures(ens: Ensemble) -> Callable[[Path], None]:
    def draw(folder: Path) -> None:
        from sim.figures.standard import save_standard_figures

        with literal_figure_text():
            save_standard_figures(ens, folder)

    return draw


def _comparison_figures(comp: Comparison, folder: Path) -> None:
    from sim.figures.compare import save_comparison_figures

    with literal_figure_text():
        save_comparison_figures(comp, folder)


def _sweep_figures(result: Sweep, table: list[dict[str, Any]], folder: Path) -> None:
    from sim.figures.sweep import save_sweep_figures

    with literal_figure_text():
        save_sweep_figures(result, table, folder)



def _validation_figures(v: Validation, ens: Ensemble) -> Mapping[str, Any]:
    from sim.figures.fit import validation_figures
    from sim.fitting.simulated import with_series

    return validation_figures(v, with_series(ens, v.series))


def _calibration_figures(cal: Any, prior_ens: Ensemble, ens: Ensemble) -> Mapping[str, Any]:
    from sim.figures.fit import calibration_figures
    from sim.fitting.simulated import with_series

    return calibration_figures(cal, with_series(prior_ens, cal.series),
                               with_series(ens, cal.series))
