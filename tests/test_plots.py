"""The standard figures: drawn, saved as real images, labelled, and robust when nothing happens."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread

from sim.figures.standard import (
    departures,
    end_states,
    save_standard_figures,
    survival,
    tension_trust,
)
from sim.runs.ensemble import run_ensemble
from sim.scenario import load

from conftest import ROOT, scenario

FIGURES = {"departures": departures, "end_states": end_states,
           "survival": survival, "tension_trust": tension_trust}


@pytest.fixture(scope="module")
def ensemble():
    return run_ensemble(load(ROOT / "scenarios" / "baseline.toml"), 20, 1, executor="serial")


@pytest.fixture(scope="module")
def nothing_happens():
    """No incidents, no concessions, no departures: every time is censored at the horizon."""
    return run_ensemble(scenario(horizon_days=10), 5, 1, executor="serial")


def labelled(fig: Figure) -> None:
    assert fig.get_suptitle()
    axes = fig.get_axes()
    assert axes
    assert all(ax.get_xlabel() for ax in axes)
    assert axes[0].get_ylabel()
    assert all(ax.get_title() or len(axes) == 1 for ax in axes)


def test_save_writes_four_real_images(ensemble, tmp_path):
    rc = dict(matplotlib.rcParams)
    paths = save_standard_figures(ensemble, tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{name}.png" for name in FIGURES)
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        image = imread(path)
        height, width = image.shape[:2]
        assert 900 <= width <= 1300 and 400 <= height <= 600, path.name
        assert image[..., :3].std() > 0.05, f"{path.name} is nearly blank"
    assert dict(matplotlib.rcParams) == rc, "drawing must not change global matplotlib style"


@pytest.mark.parametrize("name", FIGURES)
def test_figures_have_titles_and_axis_labels(ensemble, name):
    labelled(FIGURES[name](ensemble))


def test_footnote_names_scenario_runs_and_seed(ensemble):
    texts = " ".join(t.get_text() for t in departures(ensemble).findobj(
        lambda a: hasattr(a, "get_text")))
    assert "baseline" in texts and "20 replications" in texts and "seed 1" in texts


def test_end_state_counts_add_up(ensemble):
    texts = [t.get_text() for t in end_states(ensemble).get_axes()[0].texts]
    counts = [int(t.split("(")[1].split(" of ")[0]) for t in texts]
    assert len(texts) == 4 and sum(counts) == ensemble.runs


def test_nothing_happens_still_draws(nothing_happens, tmp_path):
    assert all(v is None for v in nothing_happens.column("collapse_day"))
    assert all(v is None for v in nothing_happens.column("agreement_day"))
    assert np.all(nothing_happens.series["departed"] == 0)
    for path in save_standard_figures(nothing_happens, tmp_path):
        assert path.stat().st_size > 10_000
    for draw in FIGURES.values():
        labelled(draw(nothing_happens))
    legend = survival(nothing_happens).get_axes()[0].get_legend()
    assert all("100% at day 10" in t.get_text() for t in legend.get_texts())
