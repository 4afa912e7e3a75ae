"""The registry of outcomes is their single declaration: the model returns exactly its outcomes,
and the terminal table and comparisons show what it declares, in its words."""

from __future__ import annotations

from typing import get_args

import pytest

from sim.analysis.measures import FORMATS, measures
from sim.analysis.report import table
from sim.model import run_replication
from sim.outcomes import (
    BOOLEAN_OUTCOMES,
    END_STATES,
    OUTCOMES,
    REGISTRY,
    SERIES,
    SERIES_REGISTRY,
    TABLE,
    Kind,
    outcome,
)
from sim.runs.table import OutcomeTable

from conftest import scenario

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
    assert len(main) == len(TABLE)
    for line, name in zip(main, TABLE, strict=True):
        o = outcome(name)
        assert line.startswith(f"  {o.label:<34} "), (line, o.label)
        shown = line[37:].split(" (")[0]
        assert shown == "never happened" or shown.strip() == o.format.format(
            float(shown.replace(",", "").rstrip("%")) / (100 if "%" in shown else 1)), line


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
