"""The story of one replication: names from the scenario, calendar dates, milestones in order."""

from __future__ import annotations

import copy
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.analysis.story import tell
from sim.model import record_times, run_replication
from sim.scenario import Scenario, from_tree, load, merge

from conftest import cli, ok

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"
FALLBACK: dict[str, Any] = {
    "name": "t", "start": datetime(2023, 9, 21, 13, tzinfo=timezone(timedelta(hours=4))),
    "horizon_days": 30, "outflow": {"corridor_open": False},
    "events": [{"name": "the road opens", "day": 2, "set": {"corridor_open": True}}]}
NAMES = {"government": "the Velmarian cabinet", "separatists": "the Oskari council",
         "population": "the Oskari people", "region": "Oskaria", "capital": "Zarvello",
         "corridor": "the Quillon pass", "destination": "Brennmark",
         "mediator": "the Tessaly envoys", "peacekeepers": "the Harrow brigade",
         "talks_venue": "Lindqvist Hall"}
LABELS = {"renewed_war": "back to the guns", "exodus": "the great leaving",
          "reintegration": "one country again", "unresolved": "still waiting"}
EVENT: dict[str, Any] = {"name": "the Quillon pass is cleared", "day": 2.25,
                         "set": {"corridor_open": True}, "evacuate_people": 321}
DATED = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}) ([A-Z][a-z]{2}) (\d\d):(\d\d) +\S")


def _tree() -> dict[str, Any]:
    return copy.deepcopy(load(BASELINE).raw if BASELINE.is_file() else FALLBACK)


@pytest.fixture(scope="module")
def invented() -> Scenario:
    """The baseline (or a small stand-in) with every name, the labels and one event invented."""
    return from_tree(merge(_tree(), {
        "name": "oskaria", "description": "An invented place for the classroom.",
        "names": NAMES, "end_states": {"labels": LABELS}, "events": [EVENT]}))


@pytest.fixture(scope="module")
def told(invented: Scenario) -> tuple[str, Any]:
    rep = run_replication(invented, 3, 11)
    return tell(invented, rep, 3, 11), rep


def _body(text: str) -> list[str]:
    """The dated entries, each with its wrapped continuation lines joined, spaces collapsed."""
    entries: list[str] = []
    for line in text.split("\n\n")[1].splitlines():
        if DATED.match(line):
            entries.append(" ".join(line.split()))
        else:
            entries[-1] += " " + " ".join(line.split())
    return entries


def _flat(text: str) -> str:
    return " ".join(text.split())


def _when(line: str, year: int) -> datetime:
    return datetime.strptime(f"{' '.join(line.split()[:4])} {year}", "%a %d %b %H:%M %Y")


def test_story_is_told_in_the_scenarios_names(told: tuple[str, Any]) -> None:
    text = _flat(told[0])
    for name in NAMES.values():
        assert name in text
    body = "\n".join(_body(told[0]))
    for name in ("talks_venue", "corridor", "population", "destination"):
        assert NAMES[name] in body  # used in the dated lines, not only in the header
    for default in ("the enclave", "the exit road", "Karabakh", "Armenia", "Lachin", "Yevlakh"):
        assert default not in text


def test_lines_carry_calendar_dates_in_time_order(invented: Scenario,
                                                  told: tuple[str, Any]) -> None:
    text, _ = told
    start = invented.params.start
    assert f"{start:%a} {start.day} {start:%b %Y}" in text
    body = _body(text)
    assert len(body) > 5
    times = [_when(line, start.year) for line in body]
    assert times == sorted(times)
    when = start + timedelta(days=EVENT["day"])
    assert any(line.startswith(f"{when:%a} {when.day} {when:%b %H:%M}")
               and "The Quillon pass is cleared" in line and "321 people evacuated to Brennmark"
               in line for line in body)


def test_departure_milestones_in_order_at_the_first_record_time(
        invented: Scenario, told: tuple[str, Any]) -> None:
    text, rep = told
    p = invented.with_values(rep.parameters).params
    times = record_times(p)
    lines = [line for line in _body(text) if "have left" in line]
    shares = [int(re.search(r"By now (\d+)%", line).group(1)) for line in lines]  # type: ignore[union-attr]
    assert shares == sorted(shares) and shares[:2] == [10, 50]
    for share, line in zip(shares, lines, strict=True):
        first = times[np.flatnonzero(rep.series["departed"] >= share / 100 * round(
            p.world.population_people))[0]]
        expected = p.start + timedelta(days=float(first))
        assert line.startswith(f"{expected:%a} {expected.day} {expected:%b %H:%M}")
    assert "the Quillon pass is at its longest" in _flat(text)


def test_end_state_label_and_outcomes_close_the_story(told: tuple[str, Any]) -> None:
    text, rep = told
    ending = _flat(text.split("HOW IT ENDED", 1)[1])
    assert LABELS[rep.outcomes["end_state"]] in ending
    assert f"{rep.outcomes['departed_people']:,} people" in ending


def test_same_replication_and_seed_give_the_same_text(invented: Scenario,
                                                      told: tuple[str, Any]) -> None:
    text, _ = told
    assert tell(invented, run_replication(invented, 3, 11), 3, 11) == text
    assert tell(invented, run_replication(invented, 4, 11), 4, 11) != text


def _grim(ceasefire: dict[str, Any]) -> Scenario:
    """Fear at its height all month: the talks are put off, incidents as the test says."""
    return from_tree(merge(copy.deepcopy(FALLBACK), {
        "horizon_days": 40, "names": NAMES, "world": {"tension": 1.0, "tension_baseline": 1.0},
        "negotiation": {"postpone_above_tension": 0.5}, "ceasefire": ceasefire}))


def test_a_month_of_war_is_told_in_a_few_lines() -> None:
    sc = _grim({"base_incidents_per_day": 5, "escalation_probability": 0.2,
                "peacekeeper_deterrence": 0})
    rep = run_replication(sc, 0, 1)
    assert rep.outcomes["ceasefire_collapsed"]
    text = tell(sc, rep, 0, 1)
    fighting = [line for line in _body(text) if "fighting" in line]
    assert 2 <= len(fighting) <= 10
    assert sum(int(m) for m in re.findall(r"(\d+) days of fighting", text)) > 30
    assert "THE CEASEFIRE COLLAPSES" in text
    assert text.index("THE CEASEFIRE COLLAPSES") < text.index("days of fighting")
    assert "renewed war, because the ceasefire collapsed" in _flat(text)  # default label


def test_postponements_are_grouped() -> None:
    sc = _grim({"base_incidents_per_day": 0})
    rep = run_replication(sc, 0, 1)
    assert sum(r.kind == "postponed" for r in rep.log) > 20
    postponed = [line for line in _body(tell(sc, rep, 0, 1)) if "postponed" in line]
    assert 1 <= len(postponed) <= 3
    assert re.search(r"Talks postponed \d+ times \(until ", postponed[0])


def test_the_header_names_the_scenario_by_its_label() -> None:
    sc = from_tree(merge(_tree(), {"name": "amnesty_on_day_2"}))
    text = tell(sc, run_replication(sc, 0, 1), 0, 1)
    assert text.startswith("THE STORY OF AMNESTY ON DAY 2, run 0 (random seed 1)")
    assert "AMNESTY_ON_DAY_2" not in text


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results folder of 4 runs of the baseline, seed 5."""
    import sim

    out = tmp_path_factory.mktemp("story") / "four"
    sim.run(BASELINE, runs=4, seed=5, workers=1, out=out, progress=False, figures=False)
    return out


def test_a_story_of_a_folder_is_one_of_its_runs(held: Path) -> None:
    told = ok(cli("story", held, "--replication", "3")).stdout
    assert told == ok(cli("story", BASELINE, "--replication", "3", "--seed", "5")).stdout
    assert ok(cli("story", held, "--replication", "3", "--seed", "5")).stdout == told


@pytest.mark.parametrize("asked", [["--replication", "4"], ["--replication", "600"],
                                   ["--replication", "1", "--seed", "6"]])
def test_a_story_outside_the_folders_runs_is_refused(held: Path, asked: list[str]) -> None:
    """Telling replication 600 of a 4-run folder would pass a new run off as one of its own."""
    result = cli("story", held, *asked)
    assert result.exit_code == 2 and not result.stdout
    assert "is not in this results folder" in result.stderr
    assert "replications 0 to 3 of seed 5" in result.stderr and "Traceback" not in result.stderr
    assert f"sim story {held / 'scenario.toml'} --replication" in result.stderr
