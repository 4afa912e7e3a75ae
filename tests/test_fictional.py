"""scenarios/fictional.toml: the baseline with invented names, and no real name anywhere in its
messages, stories or figures."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

from sim.analysis.pick import pick
from sim.analysis.story import tell
from sim.cli import main
from sim.figures import standard as plots
from sim.model import run_replication
from sim.runs.ensemble import Ensemble, run_ensemble
from sim.scenario import load

from conftest import ROOT

FICTIONAL = ROOT / "scenarios" / "fictional.toml"
BASELINE = ROOT / "scenarios" / "baseline.toml"
REAL = ("Azerbaijan", "Azerbaijani", "Baku", "Karabakh", "Nagorno", "Artsakh", "Armenia",
        "Armenian", "Stepanakert", "Khankendi", "Lachin", "Hakari", "Kornidzor", "Yevlakh",
        "Khojaly", "Aghdam", "Russia", "Russian", "Moscow", "Syunik", "Goris", "Shusha")
LEAK = re.compile("|".join(REAL), re.IGNORECASE)
RUNS, SEED = 40, 5


def no_real_name(text: str, where: str) -> None:
    found = LEAK.findall(text)
    assert not found, f"{where}: real names {sorted(set(found))} in:\n{text}"


@pytest.fixture(scope="module")
def ensemble() -> Ensemble:
    return run_ensemble(load(FICTIONAL), RUNS, SEED, executor="serial")


def test_only_names_name_and_description_differ() -> None:
    fictional, baseline = load(FICTIONAL).raw, load(BASELINE).raw
    assert set(fictional) == set(baseline)
    changed = {key for key in fictional if fictional[key] != baseline[key]}
    assert changed == {"names", "name", "description"}
    assert set(fictional["names"]) == set(baseline["names"])
    assert all(fictional["names"][k] != baseline["names"][k] for k in baseline["names"])


def test_the_baseline_uses_real_names_so_the_check_can_fail() -> None:
    assert LEAK.search(load(BASELINE).to_toml())


def test_the_resolved_scenario_has_no_real_name() -> None:
    no_real_name(load(FICTIONAL).to_toml(), "the resolved scenario (events, labels, names)")


def test_same_runs_as_the_baseline(ensemble: Ensemble) -> None:
    """Names change no random number: every outcome equals the baseline's, run for run."""
    base = run_ensemble(load(BASELINE), RUNS, SEED, executor="serial")
    assert ensemble.rows == base.rows


def test_stories_have_no_real_name(ensemble: Ensemble) -> None:
    """The typical, best and worst runs, and a run of each end state that happened."""
    sc = ensemble.scenario
    chosen = {pick(ensemble.rows, which).replication for which in ("typical", "best", "worst")}
    ends: dict[str, int] = {}
    for row in ensemble.rows:
        ends.setdefault(row["end_state"], row["replication"])
    for k in sorted(chosen | set(ends.values())):
        no_real_name(tell(sc, run_replication(sc, k, SEED), k, SEED), f"story of run {k}")
    assert len(chosen | set(ends.values())) >= 3


def test_run_table_and_pick_have_no_real_name(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "run"
    result = runner.invoke(main, ["run", str(FICTIONAL), "--runs", "20", "--seed", "5",
                                  "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "End states" in result.output
    no_real_name(result.output, "sim run")
    result = runner.invoke(main, ["story", str(out), "--pick", "typical", "--pick", "worst"])
    assert result.exit_code == 0, result.output
    no_real_name(result.output, "sim story --pick")
    result = runner.invoke(main, ["check", str(FICTIONAL)])
    no_real_name(result.output, "sim check")


def figure_functions() -> list[tuple[str, Callable[[Ensemble], Figure]]]:
    """Every public function of sim.figures.standard that takes an Ensemble and returns a Figure."""
    found: list[tuple[str, Callable[[Ensemble], Figure]]] = []
    for name, fn in inspect.getmembers(plots, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != plots.__name__:
            continue
        params = list(inspect.signature(fn).parameters)
        if len(params) == 1 and "Figure" in str(inspect.signature(fn).return_annotation):
            found.append((name, fn))
    return found


def test_the_standard_figures_are_all_checked() -> None:
    names = {name for name, _ in figure_functions()}
    assert {"departures", "end_states", "survival", "tension_trust"} <= names


@pytest.mark.parametrize("name, draw", figure_functions(), ids=lambda v: v if isinstance(v, str)
                         else "")
def test_figure_text_has_no_real_name(ensemble: Ensemble, name: str,
                                      draw: Callable[[Ensemble], Figure]) -> None:
    fig = draw(ensemble)
    assert isinstance(fig, Figure)
    fig.draw_without_rendering()  # tick labels exist only once drawn
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert any(texts)
    for text in texts:
        no_real_name(text, f"figure {name}")
    invented = ensemble.scenario.params.names.model_dump().values()
    assert any(n in t for n in invented for t in texts), f"figure {name}: no name at all"
