"""The outcome table gives back exactly the rows it was given, and stays small."""

from __future__ import annotations

import math
import pickle
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from sim.runs import table as outcomes
from sim.runs.table import OutcomeTable

ROWS = [
    {"replication": 0, "agreement": True, "agreement_day": 3.25, "end_state": "exodus",
     "param.x": 1, "param.y": 0.5, "param.mixed": 1},
    {"replication": 1, "agreement": False, "agreement_day": None, "end_state": "renewed_war",
     "param.x": 2, "param.y": 0.75, "param.mixed": 2.5},
]


def _same(a: list[dict], b: list[dict]) -> bool:
    """Equal values of equal types (1 == 1.0 == True would hide a changed type)."""
    return a == b and all(type(x[k]) is type(y[k]) for x, y in zip(a, b, strict=True) for k in x)


def test_rows_come_back_exactly_with_their_types() -> None:
    table = OutcomeTable.from_rows(ROWS)
    assert _same(list(table), ROWS)
    assert _same([table[0], table[-1]], [ROWS[0], ROWS[1]])
    assert table[0:2] == ROWS and table[::-1] == ROWS[::-1]
    assert table.column("agreement_day") == [3.25, None]
    assert table.column("absent") == [None, None]
    assert table.names == tuple(ROWS[0])
    with pytest.raises(IndexError):
        table[2]


def _bytes_per_value(build: Callable[[list[dict[str, Any]]], OutcomeTable],
                     make: Callable[[int], Any], count: int = 20_000) -> float:
    """Memory a table keeps per value of a one-column table, once its rows are gone."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        rows = [{"v": make(i)} for i in range(count)]
        table = build(rows)
        del rows
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(table) == count and table[-1] == {"v": make(count - 1)}
    return kept / count


def _halves(rows: list[dict[str, Any]]) -> OutcomeTable:
    half = len(rows) // 2
    return OutcomeTable.concat([OutcomeTable.from_rows(rows[:half]),
                                OutcomeTable.from_rows(rows[half:])])


@pytest.mark.parametrize("build", [OutcomeTable.from_rows, _halves], ids=["rows", "concat"])
def test_columns_of_one_type_are_kept_compact(
        build: Callable[[list[dict[str, Any]]], OutcomeTable]) -> None:
    """Integers, floats (with None) and booleans are kept as typed arrays (8, 8 and 1 bytes a
    value, plus a little), not as Python objects (a pointer of 8 bytes and, but for True and
    False, an object of 24 or more)."""
    assert _bytes_per_value(build, lambda i: 10**9 + i) < 16
    assert _bytes_per_value(build, lambda i: None if i % 3 == 0 else i / 7) < 16
    assert _bytes_per_value(build, lambda i: i % 2 == 0) < 4


def test_mixed_and_unusual_columns_give_back_exact_values() -> None:
    table = OutcomeTable.from_rows(ROWS)
    assert [type(v) for v in table.column("param.mixed")] == [int, float]
    assert [type(v) for v in table.column("replication")] == [int, int]
    assert [type(v) for v in table.column("agreement")] == [bool, bool]
    assert table.column("end_state") == ["exodus", "renewed_war"]
    nan = OutcomeTable.from_rows([{"v": math.nan}, {"v": None}])
    assert nan.column("v")[1] is None and math.isnan(nan.column("v")[0])  # NaN is not None
    assert math.isnan(nan[0]["v"]) and nan[1] == {"v": None}
    huge = OutcomeTable.from_rows([{"v": 2**70}, {"v": -(2**63) - 1}])
    assert huge.column("v") == [2**70, -(2**63) - 1]
    columns = OutcomeTable.from_columns(["a", "b"], [[1, 2], [0.5, None]], 2)
    assert _same(list(columns), [{"a": 1, "b": 0.5}, {"a": 2, "b": None}])
    with pytest.raises(ValueError, match="2 values"):
        OutcomeTable.from_columns(["a"], [[1]], 2)


def test_concat_keeps_order_and_promotes_kinds_that_differ() -> None:
    first = OutcomeTable.from_rows([{"day": None, "n": 1}])
    second = OutcomeTable.from_rows([{"day": 4, "n": 2}, {"day": None, "n": 3}])
    joined = OutcomeTable.concat([first, second])
    assert _same(list(joined), [{"day": None, "n": 1}, {"day": 4, "n": 2},
                                {"day": None, "n": 3}])
    assert joined == OutcomeTable.concat([first, second]) and joined != first
    with pytest.raises(ValueError, match="different columns"):
        OutcomeTable.concat([first, OutcomeTable.from_rows([{"day": 1}])])
    assert len(OutcomeTable.concat([])) == 0


def test_rows_without_keys_and_rows_that_disagree() -> None:
    empty = OutcomeTable.from_rows([{}, {}, {}])
    assert len(empty) == 3 and list(empty) == [{}, {}, {}]
    with pytest.raises(ValueError, match="same keys"):
        OutcomeTable.from_rows([{"a": 1}, {"b": 1}])


def test_iteration_in_blocks_gives_every_row_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outcomes, "BLOCK", 3)
    rows = [{"i": i, "half": i / 2} for i in range(10)]
    table = OutcomeTable.from_rows(rows)
    assert list(table) == rows
    assert table[1:9:2] == rows[1:9:2] and table[9:0:-3] == rows[9:0:-3]


def test_a_table_is_far_smaller_than_its_rows_as_dicts() -> None:
    """Outcomes of 100,000 replications take a few MB, where dicts took hundreds."""
    rows = [{**ROWS[0], "replication": i, "agreement_day": i / 7, "param.y": i / 3,
             "param.mixed": 1} for i in range(20_000)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        table = OutcomeTable.from_rows(rows)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    as_dicts = sum(sys.getsizeof(r) + sum(sys.getsizeof(v) for v in r.values()) for r in rows)
    assert kept < as_dicts / 8
    assert pickle.loads(pickle.dumps(table)) == table
