"""Scenario files -> one raw tree: read the TOML, follow `extends`, merge child over parent."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from sim.errors import InputError, ScenarioError
from sim.scenario import distributions as dist
from sim.scenario import posterior
from sim.scenario.inputs import read_bytes

#: How many files an `extends` chain may hold, and how deeply tables and arrays may nest
#: (the shipped scenarios use 2 and 4; deeper is a mistake or an attack on the recursion).
MAX_EXTENDS = 32
MAX_DEPTH = 32


def _read(path: Path) -> dict[str, Any]:
    try:
        data = read_bytes(path, "scenario file")
    except InputError as err:
        raise ScenarioError(str(err)) from None
    if not data.strip():
        raise ScenarioError(f"{path}: the file is empty; a scenario needs at least "
                            "`name`, `start` and `horizon_days`")
    try:
        tree = tomllib.loads(data.decode("utf-8-sig"))  # a byte-order mark is not an error
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text (UTF-8) TOML file") from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: TOML syntax error: {err}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: tables or arrays nested too deeply (at most "
                            f"{MAX_DEPTH} levels)") from None
    try:
        check_tree(tree)
    except ScenarioError as err:
        raise ScenarioError(f"{path}: {err}") from None
    return tree


def check_tree(tree: dict[str, Any]) -> None:
    """Tables and arrays nest at most MAX_DEPTH deep, and no key holds a dot (a parameter's
    dotted path, e.g. negotiation.issues.security, must name one value)."""
    todo: list[tuple[Any, str, int]] = [(tree, "", 0)]
    while todo:
        node, where, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise ScenarioError(f"{where}: tables or arrays nested too deeply (at most "
                                f"{MAX_DEPTH} levels)")
        if isinstance(node, dict):
            for key, value in node.items():
                if "." in key and where != "events":  # [events."name"] names an event
                    raise ScenarioError(f"{where or 'the top level'}: the name {key!r} holds a "
                                        "dot; names cannot contain '.' (it separates the parts "
                                        "of a path such as negotiation.issues.security)")
                todo.append((value, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(node, list):
            todo.extend((v, f"{where}.{i}", depth + 1) for i, v in enumerate(node))


def resolve(path: Path, seen: tuple[Path, ...] = (), read: list[Path] | None = None
            ) -> dict[str, Any]:
    """The file's tree merged over whatever it `extends` (recursively); each file read is
    appended to `read`."""
    tree = _read(path)  # first: it refuses a symlink loop, which resolve() cannot follow
    if read is not None:
        read.append(path)
    real = Path(os.path.realpath(path))
    if real in seen:
        chain = " -> ".join(p.name for p in (*seen, real))
        raise ScenarioError(f"{path}: `extends` goes round in a cycle: {chain}")
    if len(seen) >= MAX_EXTENDS:
        raise ScenarioError(f"{seen[0]}: `extends` chains more than {MAX_EXTENDS} files "
                            f"(number {MAX_EXTENDS + 1} is {path}); at most {MAX_EXTENDS} are "
                            "allowed")
    posterior.anchor(tree, path.parent)
    parent = tree.pop("extends", None)
    if parent is None:
        return tree
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: `extends` must be a file name in quotes")
    parent_path = path.parent / parent
    if parent_path.is_dir() or not os.path.lexists(parent_path):
        problem = "is a folder" if parent_path.is_dir() else "does not exist"
        raise ScenarioError(f"{path}: extends {parent!r}, but {parent_path} {problem}")
    base = resolve(parent_path, (*seen, real), read)
    try:
        return merge(base, tree)
    except ScenarioError as err:
        raise ScenarioError(f"{path}: {err}") from None


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge, `events` append, distributions and other values replace.

    A table `[events."name"]` (or `[events.3]`) changes that event of the parent instead."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if key == "events" and isinstance(old, list) and isinstance(value, list):
            out[key] = old + value
        elif key == "events" and isinstance(old, list) and isinstance(value, dict):
            out[key] = _change_events(old, value)
        elif (isinstance(old, dict) and isinstance(value, dict)
              and not dist.is_distribution(old) and not dist.is_distribution(value)):
            out[key] = merge(old, value)
        else:
            out[key] = value
    return out


def _change_events(events: list[Any], changes: dict[str, Any]) -> list[Any]:
    """The parent's events with some changed, each named by its `name` or its index."""
    out = list(events)
    names = [e.get("name") if isinstance(e, dict) else None for e in events]
    for key, change in changes.items():
        hits = [i for i, name in enumerate(names) if name == key]
        if not hits and key.isdigit() and int(key) < len(out):
            hits = [int(key)]
        if len(hits) != 1:
            problem = "several events are" if hits else "no event is"
            raise ScenarioError(f"events.{key}: {problem} named {key!r} in the parent; name "
                                f"one of: {', '.join(map(repr, names))} (or give its index)")
        if not isinstance(change, dict) or not isinstance(out[hits[0]], dict):
            raise ScenarioError(f"events.{key}: write the changes to that event as a table")
        out[hits[0]] = merge(out[hits[0]], change)
    return out
