"""The figures: drawn, saved as real images, labelled, robust when nothing happens, and each
saying what a reader would otherwise misread."""

from __future__ import annotations

import math
from datetime import timedelta

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread

import sim
from sim import outcomes
from sim.analysis.sweep import rows as sweep_rows
from sim.figures.compare import departures as compare_departures
from sim.figures.differences import darker, differences_amounts, differences_probabilities, look
from sim.figures.fit import observed_fan, prior_posterior
from sim.figures.heatmaps import colour_range, heat_probabilities
from sim.figures.labels import parameter_label
from sim.figures.spread import NARROW
from sim.figures.standard import (
    departures,
    end_states,
    save_standard_figures,
    survival,
    tension_trust,
)
from sim.fitting.observed import Observed
from sim.runs.ensemble import run_ensemble
from sim.scenario import load

from conftest import ROOT, START, scenario

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


def test_end_state_counts_add_up_over_the_states_that_happened(ensemble):
    ax = end_states(ensemble).get_axes()[0]
    counts = [int(t.get_text().split("(")[1].split(" of ")[0]) for t in ax.texts]
    assert sum(counts) == ensemble.runs and 0 not in counts
    column = ensemble.column("end_state")
    labels = ensemble.scenario.params.end_states.labels
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert shown == [getattr(labels, s) for s in outcomes.states() if s in column]
    missing = [getattr(labels, s) for s in outcomes.states() if s not in column]
    assert missing, "the baseline's 20 runs leave some end state out: the note is tested"
    note = ax.get_title(loc="right")
    assert note == (f"Not shown, as no run reached them: {', '.join(missing)} (0 of 20: 95% "
                    "interval 0–16%)"), "not seen is not impossible: 0 of 20 may be 16%"


def test_share_gone_axis_spans_the_data(ensemble):
    ax = departures(ensemble).get_axes()[1]
    shares = np.array(ensemble.column("departed_share")) * 100
    low, high = ax.get_xlim()
    assert low <= shares.min() and shares.max() <= high
    assert high - low < 1.2 * (shares.max() - shares.min()) + 2, "padding, not 0-100%"


def test_a_near_degenerate_share_shows_when_half_had_left():
    """All leave at once (one huge hazard): every share ends near 100%, so the day half left
    is what varies."""
    ens = run_ensemble(scenario({"outflow": {"base_hazard_per_day": 3}}, horizon_days=10), 8,
                       1, executor="serial")
    shares = np.array(ens.column("departed_share")) * 100
    assert shares.max() - shares.min() < NARROW
    ax = departures(ens).get_axes()[1]
    assert "half" in ax.get_xlabel() and "how soon did half leave" in ax.get_title()
    half = np.array(ens.column("day_half_departed"), dtype=float)
    low, high = ax.get_xlim()
    assert low <= half.min() and half.max() <= high


def test_survival_says_not_yet_without_double_negative_on_the_range_used(ensemble):
    ax = survival(ensemble).get_axes()[0]
    words = " ".join([ax.get_title(), *(t.get_text() for t in ax.get_legend().get_texts())])
    assert "agreement not yet reached" in words and "still no" not in words.lower()
    lowest = min(100 * (1 - sum(v is not None for v in ensemble.column(c)) / ensemble.runs)
                 for c in ("collapse_day", "agreement_day"))
    bottom = ax.get_ylim()[0]
    assert bottom <= lowest and (bottom == 0 or bottom > lowest - 15)
    assert bottom == 0 or f"axis from {bottom:.0f}%" in ax.get_ylabel()


def test_tension_trust_names_the_timeline_events():
    events = [{"name": "convoy of aid arrives", "day": 2, "add": {"supplies_person_days": 1}},
              {"name": "monitors deployed", "day": 5, "set": {"monitors": 0.5}}]
    ens = run_ensemble(scenario({"events": events}, horizon_days=10), 3, 1, executor="serial")
    tension = tension_trust(ens).get_axes()[0]
    assert [t.get_text() for t in tension.texts] == ["convoy of aid arrives", "monitors deployed"]


def test_of_many_timeline_events_those_moving_tension_or_trust_are_drawn_and_named_apart():
    """Eight events, three of which move tension or trust, two of those on the same day."""
    events = [{"name": f"aid convoy {d}", "day": d, "add": {"supplies_person_days": 1}}
              for d in range(5)]
    events += [{"name": "shots fired", "day": 5, "add": {"tension": 0.1}},
               {"name": "trust restored", "day": 5, "add": {"trust": 0.1}},
               {"name": "talks", "day": 8, "round": True}]
    ens = run_ensemble(scenario({"events": events}, horizon_days=10), 2, 1, executor="serial")
    fig = tension_trust(ens)
    tension = fig.get_axes()[0]
    dotted = [line for line in tension.get_lines() if line.get_linestyle() == ":"]
    assert len(dotted) == 3
    assert [t.get_text() for t in tension.texts] == ["shots fired", "talks"]
    assert tension.get_title().endswith("3 of 8 events drawn, those moving tension or\n"
                                        "trust; 2 named")


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


def test_trust_panel_points_at_the_day_5_percent_of_runs_agree():
    ensemble = run_ensemble(load(ROOT / "scenarios" / "credible_guarantees.toml"), 20, 1,
                            executor="serial")
    days = sorted(d for d in ensemble.column("agreement_day") if d is not None)
    k = math.ceil(0.05 * ensemble.runs)
    assert len(days) >= k, "these runs hold an agreement: the note is tested"
    when = ensemble.scenario.params.start + timedelta(days=days[k - 1])
    texts = [t.get_text() for t in tension_trust(ensemble).get_axes()[1].texts]
    assert texts == [f"by {when:%d %b}, 5% of replications\nhave reached an agreement, which "
                     "lifts\ntrust at once: the band's edge jumps"]


def test_a_colour_scale_does_not_amplify_what_labels_and_intervals_cannot_tell():
    """Medians 4.21-4.23 days shown to 0.1 with intervals 0.3 wide: the colour range spans
    at least ten label steps and twice the widest interval, so the cells look alike."""
    low, high = colour_range(4.21, 4.23, 0.1, np.array([0.3, 0.2, np.nan]))
    assert high - low == pytest.approx(1.0) and low < 4.21 and high > 4.23
    assert colour_range(0.0, 1.0, 1, np.array([0.5])) == (0.0, 10.0), "never below zero"
    low, high = colour_range(10.0, 50.0, 1, np.array([3.0]))
    assert (low, high) == (10.0, 50.0), "real differences keep the whole scale"


@pytest.mark.parametrize(("path", "label"), [
    ("world.peacekeepers", "peacekeepers present (people)"),
    ("ceasefire.peacekeeper_deterrence", "peacekeeper deterrence (share 0–1)"),
    ("outflow.corridor_capacity_per_hour", "corridor capacity (per hour)"),
    ("negotiation.mean_days_between_rounds", "mean days between rounds"),
    ("world.tension", "tension (share 0–1)"),
    ("negotiation.mediator_pressure", "mediator pressure (multiplier)"),
    ("negotiation.round_gap_shape", "round gap shape"),
    ("events.5.day", "event 5: day (days after the start)"),
])
def test_a_swept_parameter_reads_as_words_and_unit(path, label):
    assert parameter_label(path) == label


@pytest.fixture(scope="module")
def comparison():
    return sim.compare([ROOT / "scenarios" / "baseline.toml",
                        ROOT / "scenarios" / "peacekeepers_withdraw.toml"], runs=15,
                       progress=False, workers=1)


def test_an_outcome_equal_to_an_end_state_in_every_run_is_shown_once(comparison):
    """Renewed war is the ceasefire's collapse in this model: one row, named both ways."""
    for e in comparison.entries:
        war = [s == "renewed_war" for s in e.ensemble.column("end_state")]
        assert war == [bool(c) for c in e.ensemble.column("ceasefire_collapsed")]
    labels = [t.get_text() for t in
              differences_probabilities(comparison).get_axes()[0].get_yticklabels()]
    assert 'end state "renewed war"\n(= ceasefire collapse)' in labels
    assert "ceasefire collapse" not in labels


def test_differences_labels_are_darker_than_their_dots(comparison):
    ax = differences_probabilities(comparison).get_axes()[0]
    assert ax.texts and all(t.get_color() == darker(look(1)["color"]) for t in ax.texts)
    assert darker("#E69F00") == "#8a5f00"


def test_amounts_share_one_standardised_scale(comparison):
    """Each dot sits at the difference divided by the first scenario's standard deviation."""
    ax = differences_amounts(comparison).get_axes()[0]
    rows = {r["outcome"]: r for r in comparison.rows if r["label"] == comparison.entries[1].label}
    chosen = [m for m in comparison.measures if m.kind == "mean"]
    m = next(m for m in chosen if m.key == "incidents")
    base = comparison.entries[0].ensemble.column("incidents")
    expected = rows["incidents"]["diff"] / np.std(base, ddof=1)
    dots = [line for line in ax.get_lines() if line.get_marker() == "o" and
            line.get_ydata().size == 1 and line.get_ydata()[0] == chosen.index(m)]
    assert dots and dots[0].get_xdata()[0] == pytest.approx(expected)
    assert "standard deviations" in ax.get_xlabel()


def test_prior_posterior_fills_every_slot_and_reads_event_days_as_dates():
    rng = np.random.default_rng(0)
    names = ["outflow.corridor_capacity_per_hour", "events.0.day", "world.trust",
             "events.0.add.corridor_capacity_per_hour", "ceasefire.peacekeeper_deterrence"]
    prior = rng.uniform(0, 1, (400, 5)) * [800, 2, 1, 500, 1]
    posterior = prior[:30]
    start = START + timedelta(hours=3)
    fig = prior_posterior(names, prior, posterior, "t", notes={"events.0.day": "x " * 40},
                          start=start)
    axes = fig.get_axes()
    assert len(axes) == 6
    assert [bool(ax.get_legend()) for ax in axes] == [False] * 5 + [True]
    assert "30 kept sets" in " ".join(t.get_text() for t in axes[5].get_legend().get_texts())
    assert "…" not in " ".join(ax.get_title() for ax in axes)
    day = axes[1]
    ticks = [day.xaxis.get_major_formatter()(v, 0) for v in day.get_xticks()]
    assert all(t[:2].isdigit() and t.endswith((":00",)) for t in ticks), ticks
    assert all(ax.get_yticks().size > 1 for ax in axes[:5]), "density ticks"
    median = float(np.median(posterior[:, 1]))
    assert f"{start + timedelta(days=median):%d %b %H:%M}" in day.get_title()


def test_validation_legend_words_the_observed_column_and_its_file():
    ens = run_ensemble(scenario(horizon_days=4), 3, 1, executor="serial")
    observed = Observed("data/some_counts.csv", "cumulative_arrivals", (START, START),
                        (0.5, 1.5), (0.0, 0.0))
    texts = [t.get_text() for ax in observed_fan(ens, "departed", observed).get_axes()
             if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert "observed: cumulative arrivals\n(some_counts.csv)" in texts


def test_heat_maps_leave_out_end_states_no_run_reached():
    """Nothing happens: every run ends unresolved, so the other end states get no panel."""
    sw = sim.sweep(scenario(horizon_days=3), ["world.trust=0.1,0.3", "world.tension=0.2,0.4"],
                   runs=2, progress=False, workers=1)
    fig = heat_probabilities(sw, sweep_rows(sw))
    titles = [ax.get_title() for ax in fig.get_axes() if ax.get_title()]
    assert titles == ["End state: unresolved", "agreement reached", "talks broke down"]
    assert fig.get_suptitle().endswith("Not shown (happened in no run): end state renewed war, "
                                       "exodus, reintegration")


def test_a_compared_scenario_band_is_hatched_in_outline(comparison):
    """Two filled bands mix into a third colour; the second is an outline with hatching."""
    left = compare_departures(comparison).get_axes()[0]
    first, second = left.collections[:2]
    assert not first.get_hatch() and first.get_facecolor()[0][3] > 0
    face = second.get_facecolor()
    assert second.get_hatch() and (face.size == 0 or face[0][3] == 0)
