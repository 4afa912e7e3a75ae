"""The outcomes of an ensemble, one row per replication, kept as typed columns.

A replication's outcomes are a dict (`model.summarise`); a million of them as dicts would take
gigabytes, so an ensemble keeps them as numpy columns (8 bytes a value) and gives rows back as
dicts only when asked. Values come back exactly as they went in: booleans, integers, floats and
None (a float column keeps None as NaN); a column mixing other types is kept as Python objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np

Row = dict[str, Any]
#: Rows are made in blocks of this many when iterating (a few MB at a time, not all at once).
BLOCK = 10_000


def _kind(values: list[Any]) -> str:
    """The narrowest column type that gives every value back exactly."""
    types = {type(v) for v in values}
    if types <= {bool}:
        return "bool"
    if types <= {int} and all(-(2**63) <= v < 2**63 for v in values):
        return "int"
    if types <= {float, type(None)} and not any(v is not None and math.isnan(v) for v in values):
        return "float"
    return "object"


def _array(kind: str, values: list[Any]) -> np.ndarray:
    if kind == "bool":
        return np.array(values, dtype=bool)
    if kind == "int":
        return np.array(values, dtype=np.int64)
    if kind == "float":
        return np.array([math.nan if v is None else v for v in values], dtype=float)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _values(kind: str, array: np.ndarray) -> list[Any]:
    """A column back as Python values."""
    values = array.tolist()
    if kind == "float":
        return [None if v != v else v for v in values]  # NaN is the only value unequal to itself
    return values


class OutcomeTable(Sequence[Row]):
    """Rows of outcomes with the same keys, stored by column. `table[i]` and iteration give
    dicts; `column(name)` gives one column as a list without making any row."""

    def __init__(self, names: Sequence[str], kinds: Sequence[str],
                 arrays: Sequence[np.ndarray], length: int) -> None:
        self.names = tuple(names)
        self._kinds = dict(zip(self.names, kinds, strict=True))
        self._arrays = dict(zip(self.names, arrays, strict=True))
        self._length = length

    @classmethod
    def from_rows(cls, rows: Sequence[Row]) -> OutcomeTable:
        """Rows that all have the keys of the first one, in its order."""
        names = list(rows[0]) if rows else []
        if any(row.keys() != rows[0].keys() for row in rows):
            raise ValueError("every row of an outcome table needs the same keys")
        return cls.from_columns(names, [[row[name] for row in rows] for name in names],
                                len(rows))

    @classmethod
    def from_columns(cls, names: Sequence[str], columns: Sequence[list[Any]],
                     length: int) -> OutcomeTable:
        """Columns of Python values, each `length` long."""
        if any(len(values) != length for values in columns):
            raise ValueError(f"every column of an outcome table needs {length} values")
        kinds = [_kind(values) for values in columns]
        arrays = [_array(k, values) for k, values in zip(kinds, columns, strict=True)]
        return cls(names, kinds, arrays, length)

    @classmethod
    def from_arrays(cls, columns: Sequence[tuple[str, str, np.ndarray]]) -> OutcomeTable:
        """Columns as `arrays` gives them; a kind or length that does not fit raises ValueError."""
        dtypes = {"bool": np.bool_, "int": np.int64, "float": np.float64, "object": np.object_}
        length = len(columns[0][2]) if columns else 0
        for name, kind, array in columns:
            if kind not in dtypes or array.dtype != dtypes[kind] or array.shape != (length,):
                raise ValueError(f"column {name!r} is not a {kind} column of {length} values")
        return cls([c[0] for c in columns], [c[1] for c in columns], [c[2] for c in columns],
                   length)

    def arrays(self) -> list[tuple[str, str, np.ndarray]]:
        """(name, kind, array) of each column, the table's own arrays (not to be changed)."""
        return [(name, self._kinds[name], self._arrays[name]) for name in self.names]

    @classmethod
    def concat(cls, tables: Sequence[OutcomeTable]) -> OutcomeTable:
        """Tables with the same columns, one after another."""
        tables = [t for t in tables if len(t)] or list(tables[:1])
        if not tables:
            return cls([], [], [], 0)
        names = tables[0].names
        if any(t.names != names for t in tables):
            raise ValueError("outcome tables with different columns cannot be joined")
        kinds, arrays = [], []
        for name in names:
            found = {t._kinds[name] for t in tables}
            if len(found) == 1:
                kind = found.pop()
                array = np.concatenate([t._arrays[name] for t in tables])
            else:  # e.g. a column that is all None in one chunk and integers in another
                values = [v for t in tables for v in t.column(name)]
                kind = _kind(values)
                array = _array(kind, values)
            kinds.append(kind)
            arrays.append(array)
        return cls(names, kinds, arrays, sum(len(t) for t in tables))

    def column(self, name: str) -> list[Any]:
        """One column as Python values (None where a row has no value)."""
        if name not in self._arrays:
            return [None] * self._length
        return _values(self._kinds[name], self._arrays[name])

    def numbers(self, name: str) -> np.ndarray | None:
        """One column as the table's own numpy array (bool, int, or float with NaN where a row
        has no value; not to be changed), or None for a column of other values."""
        if self._kinds.get(name) in ("bool", "int", "float"):
            return self._arrays[name]
        return None

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return list(self._rows(range(self._length)[index]))
        if not -self._length <= index < self._length:
            raise IndexError("outcome row out of range")
        return next(self._rows(range(index % self._length, index % self._length + 1)))

    def __iter__(self) -> Iterator[Row]:
        return self._rows(range(self._length))

    def _rows(self, indices: range) -> Iterator[Row]:
        for first in range(0, len(indices), BLOCK):
            block = np.asarray(indices[first:first + BLOCK], dtype=np.intp)
            if not self.names:
                yield from ({} for _ in block)
                continue
            columns = [_values(self._kinds[n], self._arrays[n][block]) for n in self.names]
            for values in zip(*columns, strict=True):
                yield dict(zip(self.names, values, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OutcomeTable):
            return (self.names == other.names and len(self) == len(other)
                    and all(self.column(n) == other.column(n) for n in self.names))
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking and compared by value

    def __repr__(self) -> str:
        return f"OutcomeTable({self._length} rows, columns {', '.join(self.names)})"


class Filling:
    """An outcome table of known length filled chunk by chunk, in any order: each chunk's
    columns are copied into the table's own arrays at once, so no chunk is kept and the table
    is never held twice (joining a million rows' chunks at the end would hold both). A column
    whose kind differs between chunks is kept as Python values and typed at the end, as
    `concat` types it."""

    def __init__(self, length: int) -> None:
        self.length = length
        self.names: tuple[str, ...] | None = None
        self.kinds: dict[str, str] = {}
        self.arrays: dict[str, np.ndarray] = {}
        self.mixed: dict[str, dict[int, list[Any]]] = {}
        self.spans: list[tuple[int, int]] = []

    def put(self, start: int, table: OutcomeTable) -> None:
        """The rows of `table` at `start` .. start + len(table) - 1."""
        if self.names is None:
            self.names = table.names
            self.kinds = dict(table._kinds)
            self.arrays = {n: np.empty(self.length, dtype=table._arrays[n].dtype)
                           for n in table.names}
        if table.names != self.names:
            raise ValueError("outcome tables with different columns cannot be joined")
        end = start + len(table)
        for name, kind, array in table.arrays():
            if name not in self.mixed and kind != self.kinds[name]:
                held = self.arrays.pop(name)
                self.mixed[name] = {s: _values(self.kinds[name], held[s:s + n])
                                    for s, n in self.spans}
            if name in self.mixed:
                self.mixed[name][start] = _values(kind, array)
            else:
                self.arrays[name][start:end] = array
        self.spans.append((start, len(table)))

    def table(self) -> OutcomeTable:
        """The filled table; every row must have been put exactly once."""
        covered = sorted(self.spans)
        if sum(n for _, n in covered) != self.length or any(
                s != sum(n for _, n in covered[:i]) for i, (s, _) in enumerate(covered)):
            raise RuntimeError(f"the chunks put do not fill {self.length} rows")
        kinds, arrays = [], []
        for name in self.names or ():
            if name in self.mixed:
                values = [v for s in sorted(self.mixed[name]) for v in self.mixed[name][s]]
                kinds.append(_kind(values))
                arrays.append(_array(kinds[-1], values))
            else:
                kinds.append(self.kinds[name])
                arrays.append(self.arrays[name])
        return OutcomeTable(self.names or (), kinds, arrays, self.length)
