"""peacesim: talks, a fragile ceasefire and a population's outflow, as a discrete-event model.

The Python API does what the `sim` command does (the command is a thin layer over it): `run`,
`compare`, `sweep`, `sensitivity`, `discover`, `validate`, `calibrate`, `backtest` and `read`;
`scenarios.path("baseline")` finds a shipped scenario file from any folder. Every path is a `str`
or a `Path`; bad input raises the errors of `sim.errors` that the command turns into one `error:`
line."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.analysis import jobs as analysis_jobs
from sim.analysis.compare import Comparison
from sim.analysis.sweep import Sweep
from sim.errors import ObservedError, OptionError, ResultsError, RunFailed, RunInterrupted
from sim.fitting import jobs as fitting_jobs
from sim.fitting.jobs import Calibrated
from sim.fitting.validate import Validation
from sim.model import Replication, run_replication
from sim.outcomes import OUTCOMES, SERIES
from sim.runs import calls, job
from sim.runs import folder as results
from sim.runs.calls import Out, PathLike, __version__, _about, _options, _out, _progress, _series
from sim.runs.ensemble import SERIES_MODES, Ensemble
from sim.runs.executors import EXECUTORS, SCHEDULER_TIMEOUT
from sim.runs.job import Progress
from sim.scenario import Scenario, ScenarioError, from_tree, load
from sim.scenario import shipped as scenarios
from sim.text import literal_figure_text

if TYPE_CHECKING:
    from sim.analysis.discover import Discovery
    from sim.analysis.exploring import Sensitivity
    from sim.fitting.backtest import Backtest

__all__ = ["OUTCOMES", "SERIES", "Calibrated", "Comparison", "Ensemble", "ObservedError",
           "OptionError", "Replication", "ResultsError", "RunFailed", "RunInterrupted", "Scenario",
           "ScenarioError", "Sweep", "Validation", "__version__", "backtest", "calibrate",
           "compare", "discover", "from_tree", "load", "read", "run", "run_replication",
           "scenarios", "sensitivity", "sweep", "validate"]


def run(scenario: Scenario | PathLike | None, runs: int | None = None,
        seed: int | None = None, workers: int | None = None, executor: str = "local",
        out: Out = None, progress: bool | Progress = True, *, scheduler: str | None = None,
        scheduler_timeout: float = SCHEDULER_TIMEOUT, series: str | None = None,
        chunk_size: int | None = None, resume: PathLike | None = None, force: bool = False,
        figures: bool = True, command: str | None = None) -> Ensemble:
    """Run a scenario (a file or a loaded Scenario) `runs` times, as `sim run` does; with `out`,
    also write the same results folder, checkpoints and all (`resume` continues one)."""
    runs, seed, workers, chunk_size = _options(runs=runs, seed=seed, workers=workers,
                                               chunk_size=chunk_size)
    if executor not in EXECUTORS or (series is not None and series not in SERIES_MODES):
        raise OptionError(f"executor {executor!r}, series {series!r}: choose an executor of "
                          f"{', '.join(EXECUTORS)} and a series of {', '.join(SERIES_MODES)}")
    source = scenario if isinstance(scenario, Scenario) or scenario is None else Path(scenario)
    return job.run(source, runs, seed, about=_about("run", command), executor=executor,
                   workers=workers, scheduler=scheduler, scheduler_timeout=scheduler_timeout,
                   series=series, chunk_size=chunk_size, out=_out(out),
                   resume=None if resume is None else Path(resume), force=force,
                   figures=_standard_figures if figures else None, progress=_progress(progress))


def compare(inputs: Sequence[Scenario | Ensemble | PathLike], runs: int | None = None,
            seed: int | None = None, workers: int | None = None, out: Out = None,
            progress: bool | Progress = True, *, force: bool = False, figures: bool = True,
            family_wise: bool = False, command: str | None = None) -> Comparison:
    """Compare scenarios (files, loaded) and results (folders, ensembles) with the first, as
    `sim compare` does; scenarios run with one seed, so differences are paired. Its
    `.summary()` and `.brief()` are the lines `sim compare` and `sim compare --brief` print."""
    runs, seed, workers = _options(runs=runs, seed=seed, workers=workers)
    items = [i if isinstance(i, Scenario | Ensemble) else Path(i) for i in inputs]
    return analysis_jobs.compare(items, runs, seed, about=_about("compare", command),
                                 workers=workers, out=_out(out), force=force,
                                 family_wise=family_wise,
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


def sensitivity(scenario: Scenario | PathLike, method: str = "morris",
                params: str | Sequence[str] | None = None, ranges: Sequence[str] = (),
                samples: int | None = None, runs_per_point: int = 10, seed: int | None = None,
                workers: int | None = None, out: Out = None,
                progress: bool | Progress = True, *, force: bool = False,
                figures: bool = True, command: str | None = None) -> Sensitivity:
    """Rank which parameters matter for each outcome (Morris or Sobol, needs
    `peacesim[analysis]`), as `sim sensitivity` does; `ranges` as `["world.trust=0.05:0.4"]`."""
    from sim.analysis import exploring

    samples, runs_per_point, seed, workers = _options(
        samples=samples, runs_per_point=runs_per_point, seed=seed, workers=workers)
    names = params.split(",") if isinstance(params, str) else params
    source = scenario if isinstance(scenario, Scenario) else Path(scenario)
    return exploring.run(source, method, names, list(ranges), samples, runs_per_point, seed,
                         about=_about("sensitivity", command), workers=workers,
                         out=_out(out), force=force,
                         figures=_sensitivity_figures if figures else None,
                         progress=_progress(progress))


def discover(source: Ensemble | PathLike, outcome: str, threshold: float | None = None,
             out: PathLike | None = None, *, force: bool = False, figures: bool = True,
             command: str | None = None) -> Discovery:
    """Find the parameter ranges where an outcome (`"end_state=reintegration"`) happens, by
    PRIM over a results folder or an ensemble, as `sim discover` does."""
    from sim.analysis import exploring

    item = source if isinstance(source, Ensemble) else Path(source)
    return exploring.discover(item, outcome, threshold, about=_about("discover", command),
                              out=None if out is None else Path(out), force=force,
                              figures=_discovery_figures if figures else None)


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
    calls._fitting(series, keep, generations)
    source = scenario if isinstance(scenario, Scenario) else Path(scenario)
    return fitting_jobs.calibrate(source, Path(observed), calls._params(params), keep, series,
                                  column, runs, generations, predictive_runs, seed,
                                  about=_about("calibration", command), workers=workers,
                                  out=_out(out), force=force, figures=_calibration_figures,
                                  progress=_progress(progress))


def backtest(scenario: Scenario | PathLike, observed: PathLike, params: str | Sequence[str],
             keep: float = 0.1, series: str = "departed", column: str | None = None,
             runs: int = 400, generations: int = 1, predictive_runs: int = 200,
             seed: int | None = None, workers: int | None = None, out: Out = None,
             progress: bool | Progress = True, *, force: bool = False,
             command: str | None = None) -> Backtest:
    """Rolling-origin backtest beside the null models, as `sim backtest` does (`.summary()`:
    its scores; `sim.fitting.backtested.report(result)`: what the command prints)."""
    from sim.fitting import backtested

    runs, seed, workers, predictive_runs = _options(runs=runs, seed=seed, workers=workers,
                                                    predictive_runs=predictive_runs)
    calls._fitting(series, keep, generations)
    source = scenario if isinstance(scenario, Scenario) else Path(scenario)
    return backtested.run(source, Path(observed), calls._params(params), keep, series, column, runs,
                          generations, predictive_runs, seed, about=_about("backtest", command),
                          workers=workers, out=_out(out), force=force,
                          figures=_backtest_figures, progress=_progress(progress))


def _backtest_figures(done: Backtest) -> Mapping[str, Any]:
    from sim.figures.forecast import backtest_figures

    return backtest_figures(done)


def read(path: PathLike) -> Ensemble:
    """The ensemble of a results folder written by `sim run` or `sim.run(out=...)`."""
    return results.read(Path(path))[0]


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



def _sensitivity_figures(result: Any, folder: Path) -> None:
    from sim.figures.sensitivity import save_sensitivity_figures

    with literal_figure_text():
        save_sensitivity_figures(result, folder)


def _discovery_figures(found: Any, folder: Path) -> None:
    from sim.figures.sensitivity import discovery
    from sim.figures.style import DPI

    with literal_figure_text():
        discovery(found).savefig(folder / "discovery.png", dpi=DPI)


def _validation_figures(v: Validation, ens: Ensemble) -> Mapping[str, Any]:
    from sim.figures.fit import validation_figures
    from sim.fitting.simulated import with_series

    return validation_figures(v, with_series(ens, v.series))


def _calibration_figures(cal: Any, prior_ens: Ensemble, ens: Ensemble) -> Mapping[str, Any]:
    from sim.figures.fit import calibration_figures
    from sim.fitting.simulated import with_series

    return calibration_figures(cal, with_series(prior_ens, cal.series),
                               with_series(ens, cal.series))
