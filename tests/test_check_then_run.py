"""Whatever `sim check` accepts, `sim run` and `sim story` run without a traceback: a property
over scenario trees made by mutating the shipped scenarios (numbers to extremes, types changed,
keys deleted or added, values turned into distributions)."""

from __future__ import annotations

import copy
import signal
import tempfile
import traceback
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from sim.scenario import ScenarioError, load
from sim.scenario.files import resolve

from conftest import cli

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))
#: Seconds one generated scenario may run (2 replications, about 0.01 s when shipped); more is
#: reported as slow (a value the work estimate or an upper bound should refuse).
BUDGET = 5.0

NUMBERS = [0, 1, 0.5, 2, 0.999999, 1e-6, 100, 1e6, -0.0, 1e-9, 1e9, -1, 10**30, 2**63, 1e-300,
           1e300, 5e-324]
OTHERS: list[Any] = [True, False, "", "x", "0.5", "=1+1", "\x1b[31mred\n", [], [1, 2], {},
                     {"a": 1}, datetime(2023, 9, 22, tzinfo=timezone(timedelta(hours=4)))]
DISTRIBUTIONS: list[Any] = [
    {"uniform": [0, 1]}, {"uniform": [1, 1]}, {"uniform": [0, 1e9]}, {"normal": [0.5, 0.1]},
    {"lognormal": [0, 1]}, {"beta": [2, 2]}, {"triangular": [0, 0.5, 1]}, {"choice": [0, 1]},
    {"choice": [True, False]}, {"choice": ["a", "b"]}, {"choice": [1, 2, 3]},
    {"posterior": "missing.csv"}, {"choice": [0.5]},
]
KEYS = ["bogus", "tension", "name", "day", "runs", "issues", "security", "a.b", "", "set"]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into the tree: tables, arrays and values."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _at(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@st.composite
def mutated_trees(draw: st.DrawFn) -> dict[str, Any]:
    """A shipped scenario (its horizon of a month or less) with 2,000 people, then mutated 1 to 3
    times: mostly numbers, the values most likely to be accepted and still break a run."""
    tree = resolve(draw(st.sampled_from(SHIPPED)))
    tree.setdefault("world", {})["population_people"] = 2_000
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["number"] * 4 + ["distribution"] * 2 + ["delete"] * 2
                                      + ["other", "add"]))
        paths = _paths(tree)
        numeric = [p for p in paths if _is_number(_at(tree, p))]
        if action in ("number", "distribution") and numeric:
            paths = numeric
        path = draw(st.sampled_from(paths))
        parent = _at(tree, path[:-1])
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add":
            table = _at(tree, path) if isinstance(_at(tree, path), dict) else parent
            if isinstance(table, dict):
                table[draw(st.sampled_from(KEYS))] = draw(st.sampled_from(NUMBERS + OTHERS))
        else:
            pool = {"number": NUMBERS, "other": OTHERS, "distribution": DISTRIBUTIONS}
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(pool.get(action, NUMBERS))))
    return tree


class Slow(BaseException):
    """The generated scenario ran past BUDGET."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Slow


@pytest.mark.slow
@settings(derandomize=True, max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated_trees())
def test_what_check_accepts_runs_without_a_traceback(tree: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.toml"
        path.write_text(tomli_w.dumps(tree))
        note(path.read_text())
        try:
            load(path)
        except ScenarioError:
            event("refused by sim check")  # test_hostile covers how
            return
        event("accepted by sim check")
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, BUDGET)
        try:
            results = [cli("run", path, "--runs", "2", "--executor", "serial", "--no-figures",
                           "--quiet", "--out", Path(tmp) / "out"),
                       cli("story", path, "--replication", "1")]
        except Slow:
            event("slow: ran past the budget")  # shown by --hypothesis-show-statistics
            return
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    for result in results:
        assert result.exit_code in (0, 2), "".join(traceback.format_exception(*result.exc_info))
        if result.exit_code == 2:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
