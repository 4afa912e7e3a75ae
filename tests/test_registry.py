"""The registry of outcomes is their single declaration: the model returns exactly its outcomes,
and the terminal table and comparisons show what it declares, in its words."""

from __future__ import annotations

import csv
import importlib
import json
import pkgutil
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import pytest

import sim
from sim import outcomes
from sim.analysis.measures import FORMATS, measures
from sim.analysis.report import table
from sim.analysis.story import tell
from sim.analysis.sweep import grid, parse_set, rows, run_sweep
from sim.model import replication, run_replication
from sim.outcomes import (
    BOOLEAN_OUTCOMES,
    END_STATES,
    OUTCOMES,
    REGISTRY,
    SERIES,
    SERIES_REGISTRY,
    Kind,
    Outcome,
    Typical,
    outcome,
    shown,
    state,
)
from sim.runs.folder import read
from sim.runs.table import OutcomeTable
from sim.scenario.params import EndStateLabels
from sim.scenario.save import save_scenario

from conftest import cli, ok, scenario

LABELS = {s: s.replace("_", " ") for s in END_STATES}


@pytest.fixture(scope="module")
def runs() -> list:
    sc = scenario(horizon_days=30)
    return [run_replication(sc, k, 3) for k in range(4)]


def test_the_model_returns_the_registry_outcomes_in_its_order(runs: list) -> None:
    for rep in runs:
        assert tuple(rep.outcomes) == OUTCOMES == tuple(o.name for o in REGISTRY)
        assert tuple(rep.series) == SERIES == tuple(s.name for s in SERIES_REGISTRY)
        for o in REGISTRY:
            value = rep.outcomes[o.name]
            assert value is not None or o.censored, o.name
            if o.kind == "boolean":
                assert isinstance(value, bool), o.name
            if o.kind == "state":
                assert value in END_STATES


def test_every_entry_is_complete_and_names_are_unique() -> None:
    assert len(set(OUTCOMES)) == len(OUTCOMES) and len(set(SERIES)) == len(SERIES)
    assert tuple(o.name for o in REGISTRY if o.kind == "boolean") == BOOLEAN_OUTCOMES
    for o in REGISTRY:
        assert o.kind in get_args(Kind)
        assert o.label and o.described and o.format and o.unit in FORMATS, o.name
        assert outcome(o.name) is o
    for s in SERIES_REGISTRY:
        assert s.label and s.unit
    with pytest.raises(KeyError):
        outcome("no_such_outcome")


def test_the_terminal_table_shows_exactly_the_registry_table(runs: list) -> None:
    text = table(OutcomeTable.from_rows([r.outcomes for r in runs]), LABELS)
    main = text.split("Main outcomes: median (90% of replications between):\n")[1].splitlines()
    assert len(main) == len(shown("table"))
    for line, name in zip(main, shown("table"), strict=True):
        o = outcome(name)
        assert line.startswith(f"  {o.label:<34} "), (line, o.label)
        value = line[37:].split(" (")[0]
        assert value == "never happened" or value.strip() == o.format.format(
            float(value.replace(",", "").rstrip("%")) / (100 if "%" in value else 1)), line


def test_comparisons_use_the_registry_words_and_units() -> None:
    chosen = {m.key: m for m in measures(LABELS)}
    compared = {m.outcome for m in chosen.values()}
    assert compared == set(OUTCOMES)
    for o in REGISTRY:
        if o.kind == "state":
            continue
        m = chosen[o.name]
        assert (m.label, m.unit) == (o.described, o.unit)
        assert m.kind == ("probability" if o.kind == "boolean" else "mean")
        assert (f"{o.name}.happened" in chosen) == bool(o.happened)


# A new outcome, added the way a newcomer would: one entry in the registry (and its name in the
# places that show it) and its value computed by the model. Nothing else is touched, so every
# layer must find it by reading the registry when it runs.
STAYED = Outcome("not_departed_people", "count", "people who never crossed", "people",
                 "{:,.0f}", False, detail="people who never crossed (by the horizon)")
ANYONE = Outcome("anyone_left", "boolean", "anyone left", "share", "{:.0%}", False,
                 detail="anyone left at all")
PLACES = {"table": (STAYED.name,), "compare": (STAYED.name, ANYONE.name),
          "sweep": (STAYED.name, ANYONE.name), "sweep_table": (STAYED.name,),
          "sweep_medians": (STAYED.name,), "sweep_probabilities": (ANYONE.name,),
          "heatmap_medians": (STAYED.name,), "heatmap_probabilities": (ANYONE.name,)}


@pytest.fixture
def new_outcomes(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in pkgutil.walk_packages(sim.__path__, "sim."):  # any copy is made before
        if module.name != "sim.__main__":
            importlib.import_module(module.name)
    monkeypatch.setattr(outcomes, "REGISTRY", (*REGISTRY, STAYED, ANYONE))
    for place, added in PLACES.items():
        monkeypatch.setitem(outcomes.SHOWN, place, (*outcomes.SHOWN[place], *added))
    monkeypatch.setattr(outcomes, "TYPICAL", (
        *outcomes.TYPICAL, Typical(STAYED.name, "{value:,} stayed (median {median:g})")))
    model = replication.summarise

    def summarise(p: Any, world: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        out = model(p, world, *args, **kwargs)
        return {**out, STAYED.name: world.population - world.departed,
                ANYONE.name: world.departed > 0}

    monkeypatch.setattr(replication, "summarise", summarise)


def _leaving_scenario(folder: Path) -> Path:
    """A small scenario in which some people leave (how many varies between runs)."""
    folder.mkdir()
    save_scenario(scenario({"outflow": {"base_hazard_per_day": 0.004}}, horizon_days=20), folder)
    return folder / "scenario.toml"


def test_a_new_outcome_touches_only_the_registry_and_the_model(
        new_outcomes: None, tmp_path: Path) -> None:
    toml = _leaving_scenario(tmp_path / "in")
    run = ok(cli("run", toml, "--runs", 6, "--workers", 1, "--out", tmp_path / "r",
                 "--no-figures"))
    line = f"  {STAYED.label:<34} "
    assert line in run.output
    assert line in ok(cli("summary", tmp_path / "r")).output
    with (tmp_path / "r" / "outcomes.csv").open() as f:
        table = list(csv.DictReader(f))
    assert {row[ANYONE.name] for row in table} <= {"true", "false"}
    assert all(int(row[STAYED.name]) + int(row["departed_people"]) == 10_000 for row in table)
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert "probability" in summary[ANYONE.name] and "q50" in summary[STAYED.name]
    ens, _ = read(tmp_path / "r")
    assert all(isinstance(v, bool) for v in ens.column(ANYONE.name))

    ok(cli("compare", tmp_path / "r", toml, "--runs", 6, "--workers", 1, "--out",
           tmp_path / "c", "--no-figures", "--quiet"))
    compared = (tmp_path / "c" / "comparison.csv").read_text()
    assert STAYED.described in compared and ANYONE.described in compared

    swept = ok(cli("sweep", toml, "--set", "outflow.base_hazard_per_day=0.002,0.004", "--runs",
                   4, "--workers", 1, "--out", tmp_path / "s", "--no-figures"))
    assert f"{STAYED.label} (median)" in swept.output
    head = (tmp_path / "s" / "sweep.csv").read_text().splitlines()[0].split(",")
    assert {f"{STAYED.name}_median", ANYONE.name, f"{ANYONE.name}_low"} <= set(head)

    story = ok(cli("story", tmp_path / "r", "--pick", "typical")).output
    assert " stayed (median " in " ".join(story.split())


def test_the_sweep_figures_draw_a_new_outcome(new_outcomes: None) -> None:
    from sim.figures import sweep as figures
    from sim.figures.heatmaps import heat_medians, heat_probabilities

    sc = scenario({"outflow": {"base_hazard_per_day": 0.004}}, horizon_days=10)
    axes = [parse_set("outflow.base_hazard_per_day=0.002,0.004")]
    sw = run_sweep(sc, axes, grid(sc, axes), 3, 1, workers=1)
    table = rows(sw)
    titles = [ax.get_title() for ax in figures.medians(sw, table).axes if ax.get_visible()]
    assert titles[-1] == STAYED.described and len(titles) == len(shown("sweep_medians"))
    talks = figures.probabilities(sw, table).axes[1].get_legend_handles_labels()[1]
    assert ANYONE.described in talks
    axes.append(parse_set("world.trust=0.3,0.6"))
    sw = run_sweep(sc, axes, grid(sc, axes), 2, 1, workers=1)
    table = rows(sw)
    for draw, title, place in ((heat_medians, f"median {STAYED.described}", "heatmap_medians"),
                               (heat_probabilities, ANYONE.described, "heatmap_probabilities")):
        titles = [ax.get_title().replace("\n", " ") for ax in draw(sw, table).axes
                  if ax.get_visible() and ax.get_title()]
        assert titles[-1] == title
        reached = {s for p in sw.points for s in p.ensemble.column("end_state")}  # others: none
        assert len(titles) == len(shown(place)) + (len(reached) if "prob" in place else 0)


def test_every_place_shows_declared_outcomes_the_way_it_can() -> None:
    declared = set(OUTCOMES)
    for place, names in outcomes.SHOWN.items():
        assert set(names) <= declared and len(set(names)) == len(names), place
        assert "end_state" not in names, place  # end states are shown wherever probabilities are
    for place in ("sweep_table", "sweep_medians", "sweep_probabilities", "heatmap_medians",
                  "heatmap_probabilities"):  # figures and the table draw from sweep.csv
        assert set(shown(place)) <= set(shown("sweep")), place
    for place in ("sweep_probabilities", "heatmap_probabilities"):
        assert all(outcome(n).kind == "boolean" for n in shown(place)), place
    for name in shown("survival"):
        assert outcome(name).censored and outcome(name).kind == "day" and outcome(name).still
    for t in outcomes.TYPICAL:
        assert not outcome(t.name).censored and t.weight > 0, t.name


def test_every_end_state_has_a_colour_a_label_and_an_ending() -> None:
    from sim.figures.style import STATE_COLOURS

    assert set(STATE_COLOURS) == set(END_STATES) == set(EndStateLabels.model_fields)
    defaults = EndStateLabels()
    for s in outcomes.STATES:
        assert getattr(defaults, s.name) == s.label and s.ending, s.name
        assert state(s.name) is s
    with pytest.raises(KeyError):
        state("no_such_state")


def test_a_story_says_why_it_ended_in_the_registry_words(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = scenario(horizon_days=5)  # nothing happens: unresolved
    rep = run_replication(sc, 0, 1)
    assert rep.outcomes["end_state"] == "unresolved"
    words = "nothing at all was decided"
    monkeypatch.setattr(outcomes, "STATES", tuple(
        replace(s, ending=words) if s.name == "unresolved" else s for s in outcomes.STATES))
    assert f"because {words}." in " ".join(tell(sc, rep, 0, 1).split())
