"""Every figure kind, drawn at the size it is saved: no text outside the figure, no two texts on
top of each other (matplotlib's own text extents, from the renderer that draws the PNG)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import sim
from sim.analysis.sweep import rows as sweep_rows
from sim.figures import compare, fit, heatmaps, standard, sweep
from sim.figures.style import DPI
from sim.runs.ensemble import run_ensemble
from sim.text import literal_figure_text

from conftest import ROOT, START

SCENARIOS = ROOT / "scenarios"
OBSERVED = ROOT / "data" / "nk2023_arrivals_early.csv"
QUIET = {"progress": False, "workers": 1}


def _hidden(fig: Figure) -> set[int]:
    """Texts matplotlib does not draw: in hidden axes, on axes turned off, and tick labels
    outside the view."""
    hidden = {id(t) for ax in fig.get_axes() if not ax.get_visible() for t in ax.findobj(Text)}
    hidden |= {id(t) for ax in fig.get_axes() if not ax.axison
               for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)}
    for ax in fig.get_axes():
        for axis, k in ((ax.xaxis, 0), (ax.yaxis, 1)):
            lo, hi = sorted(axis.get_view_interval())
            slack = (hi - lo) * 1e-6 or 1e-9
            hidden |= {id(t) for t in axis.get_ticklabels(which="both")
                       if not lo - slack <= t.get_position()[k] <= hi + slack}
    return hidden


def text_boxes(fig: Figure) -> list[tuple[str, Bbox]]:
    """Each drawn, non-empty text and its extent in pixels, drawn at the saved resolution."""
    fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    hidden = _hidden(fig)
    return [(t.get_text(), t.get_window_extent(renderer)) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def text_problems(fig: Figure) -> list[str]:
    """Texts that cross the figure's edge, and pairs of texts that overlap by over a pixel."""
    boxes = text_boxes(fig)
    frame = fig.bbox
    found = [f"clipped: {text!r}" for text, b in boxes
             if b.x0 < frame.x0 - 1 or b.y0 < frame.y0 - 1 or b.x1 > frame.x1 + 1
             or b.y1 > frame.y1 + 1]
    x0, y0, x1, y1 = np.array([b.extents for _, b in boxes]).reshape(-1, 4).T
    wide = np.minimum.outer(x1, x1) - np.maximum.outer(x0, x0) > 1
    tall = np.minimum.outer(y1, y1) - np.maximum.outer(y0, y0) > 1
    for i, j in zip(*np.nonzero(np.triu(wide & tall, k=1)), strict=True):
        found.append(f"overlap: {boxes[i][0]!r} / {boxes[j][0]!r}")
    return found


def test_the_check_finds_clipped_and_overlapping_text():
    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.set_title("a title")
    fig.text(0.98, 0.5, "runs off the right edge")
    ax.text(0.5, 0.5, "one", transform=ax.transAxes)
    ax.text(0.5, 0.5, "two", transform=ax.transAxes)
    found = text_problems(fig)
    assert "clipped: 'runs off the right edge'" in found
    assert "overlap: 'one' / 'two'" in found
    assert not any("a title" in f for f in found)


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    """Every figure `sim run`, `compare`, `sweep` (1-D, 2-D), `validate` and `calibrate` draw."""
    base = SCENARIOS / "baseline.toml"
    ens = sim.run(base, runs=20, seed=2023, **QUIET)
    comp = sim.compare([base, SCENARIOS / "peacekeepers_withdraw.toml",
                        SCENARIOS / "early_guarantees.toml"], runs=20, **QUIET)
    drawn: dict[str, Any] = {f"run {n}": lambda n=n: getattr(standard, n)(ens)
                             for n in ("departures", "end_states", "survival", "tension_trust")}
    drawn |= {f"compare {n}": lambda n=n: getattr(compare, n)(comp)
              for n in ("end_states", "departures", "distributions", "survival",
                        "differences_probabilities", "differences_amounts")}
    one = sim.sweep(base, ["ceasefire.peacekeeper_deterrence=0:1:5"], runs=10, **QUIET)
    two = sim.sweep(base, ["world.peacekeepers=0:2000:5", "ceasefire.peacekeeper_deterrence=0:1:5"],
                    runs=3, **QUIET)
    for name, sw, kinds in (("1-D", one, (sweep.probabilities, sweep.medians, sweep.distributions)),
                            ("2-D", two, (heatmaps.heat_probabilities, heatmaps.heat_medians))):
        table = sweep_rows(sw)
        drawn |= {f"sweep {name} {k.__name__}": lambda k=k, sw=sw, t=table: k(sw, t)
                  for k in kinds}
    calibrated = SCENARIOS / "historical_2023_calibrated.toml"
    v = sim.validate(calibrated, OBSERVED, runs=20, **QUIET)
    v_ens = run_ensemble(sim.load(calibrated), 20, 1, executor="serial")
    drawn["validate"] = lambda: fit.validation_figures(v, v_ens)["validation.png"]
    cal = sim.calibrate(SCENARIOS / "historical_2023.toml", OBSERVED,
                        "outflow.corridor_capacity_per_hour,events.5.day,"
                        "outflow.throughput_ramp_per_hour_per_day,outflow.throughput_ceiling_per_hour",
                        keep=0.2, runs=120,
                        generations=0, **QUIET)
    for name, fig in fit.calibration_figures(cal.fit, cal.prior, v_ens).items():
        drawn[f"calibrate {name}"] = lambda fig=fig: fig
    return drawn


KINDS = ["run departures", "run end_states", "run survival", "run tension_trust",
         "compare end_states", "compare departures", "compare distributions", "compare survival",
         "compare differences_probabilities", "compare differences_amounts",
         "sweep 1-D probabilities", "sweep 1-D medians", "sweep 1-D distributions",
         "sweep 2-D heat_probabilities", "sweep 2-D heat_medians", "validate",
         "calibrate prior_posterior.png", "calibrate prior_predictive.png",
         "calibrate posterior_predictive.png"]


def test_every_figure_kind_is_checked(figures):
    assert sorted(figures) == sorted(KINDS)


def drawn_problems(draw: Any) -> list[str]:
    """The text problems of a figure drawn as `sim` saves it (the scenario's own names)."""
    with literal_figure_text():
        return text_problems(draw())


@pytest.mark.parametrize("kind", KINDS)
def test_no_text_clipped_or_overlapping(figures, kind):
    assert drawn_problems(figures[kind]) == []


@pytest.mark.parametrize("k", range(1, 8))
def test_prior_posterior_of_any_number_of_parameters_keeps_its_text_apart(k):
    names = ["outflow.corridor_capacity_per_hour", "events.0.day", "world.trust",
             "events.0.add.corridor_capacity_per_hour", "ceasefire.peacekeeper_deterrence",
             "world.tension", "outflow.base_hazard_per_day"][:k]
    prior = np.random.default_rng(k).uniform(0, 1, (300, k))
    notes = {"events.0.day": "the road to Armenia opens for departures, under peacekeeper escort"}
    with literal_figure_text():
        fig = fit.prior_posterior(names, prior, prior[:25], "historical_2023: what the data say "
                                  "about each parameter", notes=notes, start=START,
                                  truth={"world.trust": 0.3})
    assert text_problems(fig) == []
