"""Scenario files -> validated, immutable Scenario (TOML, `extends`, distributions)."""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import math
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

import tomli_w
from numpy.random import Generator
from pydantic import BaseModel, ValidationError

from sim.scenario import distributions as dist
from sim.scenario import posterior
from sim.scenario.files import ScenarioError, check_tree, merge, resolve
from sim.scenario.params import ScenarioParams
from sim.scenario.tree import get, put

__all__ = ["Scenario", "ScenarioError", "from_tree", "load", "merge"]


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: its tree as written (after `extends`) and its typical parameters."""

    raw: dict[str, Any]
    params: ScenarioParams
    distributions: dict[str, dist.Distribution] = field(default_factory=dict)
    source: str = "<scenario>"
    #: The files it was read from: the scenario file, then each file it extends.
    files: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.params.name

    def __repr__(self) -> str:
        """One line, as a notebook shows it: name, source, horizon, what is uncertain."""
        events, uncertain = len(self.params.events), len(self.distributions)
        return (f"Scenario({self.name!r} from {self.source!r}: {self.params.horizon_days:g} days, "
                f"{events} event{'' if events == 1 else 's'}, {uncertain} uncertain "
                f"parameter{'' if uncertain == 1 else 's'})")

    def draw(self, rng: Generator | Callable[[str], Generator]
             ) -> tuple[ScenarioParams, dict[str, Any]]:
        """One replication's parameters, in path order, from one stream or the stream of each
        key (a path, or `posterior:<path>` for a posterior file's joint draws)."""
        if not self.distributions:
            return self.params, {}
        drawn: dict[str, Any] = {}
        rows: dict[str, int] = {}  # one row per posterior file: its parameters are drawn jointly
        for path, integer, key in self._draw_plan:
            d = self.distributions[path]
            value = d.sample(rng if isinstance(rng, Generator) else rng(key), rows)
            if integer and not isinstance(value, bool):
                value = round(value)
            drawn[path] = value
        return self._with_drawn(drawn), drawn

    @functools.cached_property
    def _draw_plan(self) -> tuple[tuple[str, bool, str], ...]:
        """Each distribution's path in draw order, whether its parameter is an integer, and the
        key of its random stream (`distributions.stream_keys`)."""
        keys = dist.stream_keys(self.distributions)
        return tuple((path, isinstance(get(self.params, path), int), keys[path])
                     for path in sorted(self.distributions))

    def _with_drawn(self, drawn: dict[str, Any]) -> ScenarioParams:
        """The parameters with drawn values, validated as on loading. Only the sections that
        hold drawn values are validated again: the rest, and the checks across sections, were
        done on loading and do not depend on them (a replication costs a fraction as much)."""
        sections = {path.split(".", 1)[0] for path in drawn}
        if not all(isinstance(getattr(self.params, s, None), BaseModel) for s in sections):
            tree = copy.deepcopy(self.raw)  # a top-level value or an event: the whole tree
            for path, value in drawn.items():
                put(tree, path, value)
            return ScenarioParams.model_validate(tree)
        update: dict[str, BaseModel] = {}
        for section in sections:
            subtree = self.raw[section]
            for path, value in drawn.items():
                head, *keys = path.split(".")
                if head == section:
                    subtree = _replaced(subtree, keys, value)
            update[section] = type(getattr(self.params, section)).model_validate(subtree)
        return self.params.model_copy(update=update)

    def to_toml(self) -> str:
        """The resolved scenario, enough to re-run it exactly."""
        return tomli_w.dumps(self.raw)

    def digest(self) -> str:
        """What identifies the scenario's results: its tree, with the values of each posterior
        file in place of the file's name (editing the file changes it, moving it does not)."""
        tree = posterior.fingerprinted(self.raw, self.distributions)
        return hashlib.sha256(tomli_w.dumps(tree).encode()).hexdigest()

    def with_values(self, values: dict[str, Any], source: str | None = None) -> Scenario:
        """The same scenario with some parameters (dotted paths) replaced."""
        tree = copy.deepcopy(self.raw)
        for path, value in values.items():
            _check_path(self.params, path, source or self.source)
            put(tree, path, value)
        return from_tree(tree, source or self.source)


def _check_path(params: ScenarioParams, path: str, where: str) -> None:
    """An unknown parameter is refused with the keys allowed where the path went wrong."""
    node: Any = params
    keys = path.split(".")
    for i, key in enumerate(keys):
        try:
            node = get(node, key)
        except (KeyError, AttributeError, IndexError, ValueError):
            fields = type(node).model_fields if isinstance(node, BaseModel) else node
            allowed = ", ".join(map(str, fields)) if isinstance(fields, dict) else ""
            section = f"[{'.'.join(keys[:i])}]" if i else "the top level"
            raise ScenarioError(f"{where}: unknown parameter {path!r}"
                                + (f"; allowed in {section}: {allowed}" if allowed else "")
                                ) from None


def _replaced(node: Any, keys: list[str], value: Any) -> Any:
    """A copy of a raw tree with the value at `keys` replaced; only the tables on the way
    are copied (a deep copy per replication costs more than the validation)."""
    out: Any = list(node) if isinstance(node, list) else dict(node)
    key: Any = int(keys[0]) if isinstance(node, list) else keys[0]
    out[key] = _replaced(out[key], keys[1:], value) if len(keys) > 1 else value
    return out


def load(path: str | Path) -> Scenario:
    """Read, resolve and validate a scenario file."""
    path = Path(path)
    read: list[Path] = []
    tree = resolve(path, read=read)
    return dataclasses.replace(from_tree(tree, str(path)), files=tuple(map(str, read)))


def from_tree(tree: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a raw scenario tree; every distribution must give valid values at its edges."""
    try:
        check_tree(tree)
        found = dist.find(tree)
        dist.check_fixed(found)
        posterior.check_columns(found)
    except ValueError as err:
        raise ScenarioError(f"{source}: {err}") from None
    corners = [d.extremes() for d in found.values()]
    for k in range(max((len(c) for c in corners), default=1)):
        variant = copy.deepcopy(tree)
        for path, values in zip(found, corners, strict=True):
            put(variant, path, values[min(k, len(values) - 1)])
        try:
            params = ScenarioParams.model_validate(variant)
        except ValidationError as err:
            raise ScenarioError(_explain(err, source, found, variant)) from None
    typical = copy.deepcopy(tree)
    for path, d in found.items():
        value = _typical(d)
        if isinstance(get(params, path), int) and not isinstance(value, bool):
            value = round(value)
        put(typical, path, value)
    if found:
        try:
            params = ScenarioParams.model_validate(typical)
        except ValidationError as err:
            raise ScenarioError(_explain(err, source, found, typical)) from None
    return Scenario(raw=tree, params=params, distributions=found, source=source)


def _typical(d: dist.Distribution) -> Any:
    a = d.args
    typical = {"uniform": lambda: (a[0] + a[1]) / 2, "normal": lambda: a[0],
               "lognormal": lambda: math.exp(a[0]),
               "beta": lambda: a[0] / (a[0] + a[1]), "triangular": lambda: a[1],
               "choice": lambda: a[0], "posterior": lambda: sorted(a[1])[len(a[1]) // 2]}
    return typical[d.form]()


def _explain(err: ValidationError, source: str, found: dict[str, dist.Distribution],
             tree: dict[str, Any] | None = None) -> str:
    lines = []
    for e in err.errors():
        path = ".".join(str(x) for x in e["loc"])
        loc = path + _event_name(e["loc"], tree)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            allowed = _allowed(e["loc"][:-1])
            msg = "unknown key" + (f"; allowed here: {', '.join(allowed)}" if allowed else "")
        elif e["type"] == "missing":
            msg = "required but missing"
        elif path in found:
            d = found[path]
            msg = f"{d.shown()} can reach {_shown(e['input'])}: {msg}"
        elif (isinstance(e.get("input"), dict) and e["type"].endswith("_type")
              and not e["type"].startswith(("dict", "model"))):
            msg = (f"{msg} (got a table with {', '.join(map(str, e['input'])) or 'no keys'}; "
                   f"a distribution has one key, one of: {', '.join(dist.FORMS)})")
        elif "input" in e and not isinstance(e["input"], dict | list):
            msg = f"{msg} (got {_shown(e['input'])})"
        if e["type"] == "timezone_aware":
            msg += "; write a date-time with its UTC offset, e.g. 2023-09-21T13:00:00+04:00"
        lines.append(f"{loc}: {msg}" if loc else msg)
    return f"{source}: " + "; ".join(lines)


def _shown(value: Any) -> str:
    """A value as the user wrote it in TOML, near enough."""
    if isinstance(value, bool):
        return str(value).lower()
    return value.isoformat() if isinstance(value, date | time) else repr(value)


def _event_name(loc: tuple[Any, ...], tree: dict[str, Any] | None) -> str:
    """` (event 'name')` for a location inside [[events]], so merged indices are readable."""
    if tree is None or len(loc) < 2 or loc[0] != "events" or not isinstance(loc[1], int):
        return ""
    events = tree.get("events")
    event = events[loc[1]] if isinstance(events, list) and loc[1] < len(events) else None
    name = event.get("name") if isinstance(event, dict) else None
    return f" (event {name!r})" if isinstance(name, str) else ""


def _allowed(loc: tuple[Any, ...]) -> list[str]:
    """Keys a section of the scenario accepts."""
    cls: Any = ScenarioParams
    for key in loc:
        if isinstance(key, int):
            continue
        is_model = isinstance(cls, type) and issubclass(cls, BaseModel)
        fld = cls.model_fields.get(key) if is_model else None
        if fld is None:
            return []
        cls = fld.annotation
        for arg in typing.get_args(cls) or ():
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                cls = arg
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        return list(cls.model_fields)
    return []
