"""Observed data: a CSV of dated values, checked row by row and placed on the scenario's clock."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

import numpy as np

from sim.errors import InputError, ObservedError
from sim.scenario.inputs import read_bytes
from sim.scenario.limits import MAX_OBSERVED_LINE_CHARS

#: Series that only ever grow: their observed values must not decrease.
CUMULATIVE = ("departed", "killed", "incidents", "issues_settled", "arrived", "registered")
#: Header names taken as the time column, in this order of preference.
TIME_COLUMNS = ("time", "datetime", "date", "timestamp")



@dataclass(frozen=True)
class Observed:
    """Observed values at dated times; `days` are days since the scenario's start."""

    source: str
    column: str
    times: tuple[datetime, ...]
    days: tuple[float, ...]
    values: tuple[float, ...]

    @property
    def day_array(self) -> np.ndarray:
        return np.array(self.days, dtype=float)

    @property
    def value_array(self) -> np.ndarray:
        return np.array(self.values, dtype=float)


def read(path: str | Path, start: datetime, horizon_days: float, column: str | None = None,
         cumulative: bool = False) -> Observed:
    """Read and check an observed file against a scenario's period (start, horizon)."""
    path = Path(path)
    lines = _lines(path)
    header = [h.strip() for h in lines[0]]
    time_col = next((header.index(h) for name in TIME_COLUMNS for h in header
                     if h.lower() == name), None)
    if time_col is None:
        raise ObservedError(f"{path}: no time column; name one column `time` (a date-time with "
                            f"its UTC offset, e.g. 2023-09-24T18:00:00+04:00); header: "
                            f"{', '.join(header)}")
    value_col = _value_column(path, header, lines[1:], time_col, column)
    name = header[value_col]
    times: list[datetime] = []
    values: list[float] = []
    for n, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        where = f"{path}, line {n}"
        cells = cells + [""] * (len(header) - len(cells))
        when = _time(cells[time_col].strip(), where)
        value = _value(cells[value_col].strip(), where, name)
        if times and when <= times[-1]:
            raise ObservedError(f"{where}: time {when.isoformat()} is not after the previous "
                                f"row's ({times[-1].isoformat()}); list rows in time order")
        if cumulative and values and value < values[-1]:
            raise ObservedError(f"{where}: {name} goes down from {values[-1]:g} to {value:g}, "
                                "but a cumulative series never decreases")
        day = (when - start).total_seconds() / 86_400
        if not 0 <= day <= horizon_days:
            raise ObservedError(f"{where}: time {when.isoformat()} is outside the scenario's "
                                f"period ({start.isoformat()} plus {horizon_days:g} days)")
        times.append(when)
        values.append(value)
    days = tuple((t - start).total_seconds() / 86_400 for t in times)
    return Observed(str(path), name, tuple(times), days, tuple(values))


def _lines(path: Path) -> list[list[str]]:
    try:
        text = read_bytes(path, "observed-data file").decode("utf-8-sig")
        lines = list(csv.reader(_capped(io.StringIO(text, newline=""), path), strict=True))
    except InputError as err:
        raise ObservedError(str(err)) from None
    except (UnicodeDecodeError, csv.Error) as err:
        why = "a quote is opened and never closed" if "end of data" in str(err) else err
        raise ObservedError(f"{path}: not a readable CSV text file ({why})") from None
    if not lines or not any(h.strip() for h in lines[0]):
        raise ObservedError(f"{path}: empty; it needs a header (e.g. time,value) and rows")
    if not any(c.strip() for row in lines[1:] for c in row):
        raise ObservedError(f"{path}: a header but no rows of data")
    return lines


def _capped(f: TextIO, path: Path) -> Iterator[str]:
    """The lines of a file, refusing one too long before it is read whole."""
    for n, line in enumerate(iter(lambda: f.readline(MAX_OBSERVED_LINE_CHARS + 1), ""), start=1):
        if len(line) > MAX_OBSERVED_LINE_CHARS:
            raise ObservedError(f"{path}, line {n}: longer than {MAX_OBSERVED_LINE_CHARS:,} "
                                "characters; an observed row holds a time and a few numbers")
        yield line


def _value_column(path: Path, header: list[str], rows: list[list[str]], time_col: int,
                  column: str | None) -> int:
    """The named column, or else the one other column whose cells are mostly numbers."""
    if column is not None:
        if column not in header:
            raise ObservedError(f"{path}: no column {column!r}; header: {', '.join(header)}")
        return header.index(column)
    numeric = [i for i in range(len(header)) if i != time_col and _mostly_numbers(rows, i)]
    if len(numeric) != 1:
        found = ", ".join(header[i] for i in numeric) or "none"
        raise ObservedError(f"{path}: cannot tell which column holds the values (numeric "
                            f"columns: {found}); name it with --column")
    return numeric[0]


def _mostly_numbers(rows: list[list[str]], i: int) -> bool:
    cells = [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
    good = sum(1 for c in cells if _is_number(c))
    return bool(cells) and good > len(cells) / 2


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _time(text: str, where: str) -> datetime:
    if not text:
        raise ObservedError(f"{where}: the time is missing")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ObservedError(f"{where}: {text!r} is not a date-time; write e.g. "
                            "2023-09-24T18:00:00+04:00") from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise ObservedError(f"{where}: time {text!r} has no UTC offset; write e.g. "
                            f"{text}+04:00")
    return when


def _value(text: str, where: str, name: str) -> float:
    if not text:
        raise ObservedError(f"{where}: the value of {name} is missing")
    try:
        value = float(text)
    except ValueError:
        raise ObservedError(f"{where}: {name} is {text!r}, not a number") from None
    if not math.isfinite(value):
        raise ObservedError(f"{where}: {name} is {text!r}; values must be finite numbers")
    return value

