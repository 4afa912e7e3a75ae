"""Posterior files: accepted parameter sets, one per row, drawn jointly by `{ posterior = ... }`."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.scenario.inputs import check_regular, read_bytes
from sim.scenario.tree import put

#: A posterior file's parameter columns are named `param.<dotted.path>`, as in outcomes.csv.
PREFIX = "param."
#: The folder, next to a saved scenario.toml, that holds copies of its posterior files.
COPIES = "posteriors"


def read_table(file: str) -> dict[str, tuple[float, ...]]:
    """The `param.` columns of a posterior file, every cell checked to be a finite number."""
    path = Path(file)
    if not os.path.lexists(path):
        raise ValueError(f"posterior file {file} does not exist")
    try:
        stat = check_regular(path, "posterior file (CSV)")
    except InputError as err:
        raise ValueError(f"posterior file {err}") from None
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _read(file: str, mtime_ns: int, size: int) -> dict[str, tuple[float, ...]]:
    try:
        text = read_bytes(Path(file), "posterior file (CSV)").decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except InputError as err:
        raise ValueError(f"posterior file {err}") from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise ValueError(f"posterior file {file} is not a readable CSV file: {err}") from None
    except OSError as err:
        raise ValueError(f"posterior file {file} cannot be read: {err.strerror}") from None
    if not lines or not lines[0]:
        raise ValueError(f"posterior file {file} is empty; it needs a header with "
                         f"{PREFIX}<path> columns and one row per accepted parameter set")
    header = [h.strip() for h in lines[0]]
    columns = {i: h for i, h in enumerate(header) if h.startswith(PREFIX)}
    if not columns:  # its first line is not shown: the file may be anything, e.g. /etc/passwd
        raise ValueError(f"posterior file {file} has no {PREFIX}<path> columns in its first "
                         "line; a posterior file is a CSV file whose header names the "
                         f"parameters as {PREFIX}<dotted.path>, as `sim calibrate` writes it")
    twice = sorted({h for h in columns.values() if list(columns.values()).count(h) > 1})
    if twice:
        raise ValueError(f"posterior file {file} names column(s) {', '.join(twice)} more than "
                         "once in its header; each parameter needs exactly one column")
    values: dict[str, list[float]] = {h: [] for h in columns.values()}
    for n, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ValueError(f"posterior file {file}, line {n}: {len(cells)} cells where the "
                             f"header has {len(header)}")
        for i, name in columns.items():
            values[name].append(_number(cells[i], file, n, name))
    if not values[header[min(columns)]]:
        raise ValueError(f"posterior file {file} has a header but no rows")
    return {name: tuple(column) for name, column in values.items()}


def _number(text: str, file: str, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"posterior file {file}, line {line}: {column} is {text.strip()!r}, "
                         "not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"posterior file {file}, line {line}: {column} is {text.strip()!r}; "
                         "values must be finite numbers")
    return value


def check_columns(found: dict[str, Any]) -> None:
    """Each posterior file's columns must be exactly the paths that draw from it."""
    wanted: dict[str, set[str]] = {}
    for path, d in found.items():
        if d.form == "posterior":
            wanted.setdefault(d.args[0], set()).add(PREFIX + path)
    for file, names in wanted.items():
        extra = sorted(set(read_table(file)) - names)
        if extra:
            raise ValueError(f"posterior file {file} has column(s) {', '.join(extra)} that no "
                             f"parameter of the scenario draws from it; its columns must match "
                             "the paths written as { posterior = ... }: "
                             + ", ".join(sorted(names)))


def anchor(tree: Any, folder: Path) -> None:
    """Make posterior file names relative to the scenario file absolute, in place."""
    items: Any = ()
    if isinstance(tree, dict):
        if len(tree) == 1 and isinstance(tree.get("posterior"), str) and tree["posterior"]:
            tree["posterior"] = os.path.realpath(folder / tree["posterior"])
            return
        items = tree.values()
    elif isinstance(tree, list):
        items = tree
    for value in items:
        anchor(value, folder)


def fingerprinted(tree: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    """A copy of a scenario tree in which each posterior file name is replaced by the hash of
    the values drawn from it: the scenario hash then changes when the file's content does,
    and not when the same file is read from another folder."""
    out = copy.deepcopy(tree)
    for path, d in found.items():
        if d.form == "posterior":
            values = np.asarray(d.args[1], dtype=np.float64).tobytes()
            put(out, path, {"posterior": "sha256:" + hashlib.sha256(values).hexdigest()})
    return out


def portable(tree: dict[str, Any], found: dict[str, Any]) -> tuple[dict[str, Any],
                                                                    dict[str, str]]:
    """A copy of a scenario tree that refers to copies of its posterior files by relative
    names in `posteriors/`, and {relative name: the file it is a copy of}."""
    out = copy.deepcopy(tree)
    names: dict[str, str] = {}  # file -> relative name
    for path in sorted(found):
        d = found[path]
        if d.form != "posterior":
            continue
        if d.args[0] not in names:
            base = Path(d.args[0])
            name, n = f"{COPIES}/{base.name}", 1
            while name in names.values():
                n += 1
                name = f"{COPIES}/{base.stem}-{n}{base.suffix}"
            names[d.args[0]] = name
        put(out, path, {"posterior": names[d.args[0]]})
    return out, {name: file for file, name in names.items()}
