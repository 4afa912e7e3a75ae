"""Parameters written as distributions: recognise, check and sample them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from numpy.random import Generator

from sim.scenario import posterior

#: Distribution name -> how many arguments it takes (None: one or more). `posterior` takes a
#: file name: the parameters that name one file are drawn jointly, one row per replication.
FORMS: dict[str, int | None] = {
    "uniform": 2, "normal": 2, "lognormal": 2, "beta": 2, "triangular": 3, "choice": None,
    "posterior": 1,
}
#: normal and lognormal are truncated at this many standard deviations, so every value
#: a replication can draw is one the scenario was checked with on load.
TRUNCATE_SD = 3.0
#: What every replication of a run shares (the clock, the run's settings, the labels of its
#: tables and stories), so it cannot be drawn per replication.
FIXED = re.compile(r"(name|description|start|horizon_days|record_every_hours|runs|seed"
                   r"|names\..*|end_states\.labels\..*|events\.\d+\.(name|at))")


class DistributionError(ValueError):
    """A distribution written the wrong way."""


@dataclass(frozen=True)
class Distribution:
    form: str
    args: tuple[Any, ...]

    def extremes(self) -> tuple[Any, ...]:
        """Values at the edges of the support: the scenario must be valid at each."""
        a = self.args
        if self.form == "uniform":
            return (a[0], a[1])
        if self.form == "triangular":
            return (a[0], a[2])
        if self.form == "normal":
            return (a[0] - TRUNCATE_SD * a[1], a[0] + TRUNCATE_SD * a[1])
        if self.form == "lognormal":
            return (math.exp(a[0] - TRUNCATE_SD * a[1]), math.exp(a[0] + TRUNCATE_SD * a[1]))
        if self.form == "beta":
            return (1e-9, 1 - 1e-9)
        if self.form == "posterior":
            return (min(a[1]), max(a[1]))
        return a

    def sample(self, rng: Generator, rows: dict[str, int] | None = None) -> Any:
        """Draw one value; posterior draws share one row per file through `rows`."""
        a = self.args
        if self.form == "posterior":
            if rows is None:
                return a[1][int(rng.integers(len(a[1])))]
            if a[0] not in rows:
                rows[a[0]] = int(rng.integers(len(a[1])))
            return a[1][rows[a[0]]]
        if self.form == "uniform":  # rng.uniform's arithmetic, without its broadcasting
            return a[0] + (a[1] - a[0]) * rng.random()
        if self.form == "triangular":
            return float(rng.triangular(a[0], a[1], a[2])) if a[0] < a[2] else float(a[0])
        if self.form == "beta":
            return float(rng.beta(a[0], a[1]))
        if self.form == "choice":
            return a[int(rng.integers(len(a)))]
        while True:  # truncated normal / lognormal by rejection (rejects 0.27%)
            z = rng.standard_normal()
            if abs(z) <= TRUNCATE_SD:
                x = a[0] + a[1] * z
                return float(math.exp(x) if self.form == "lognormal" else x)

    def to_toml(self) -> dict[str, Any]:
        return {"posterior": self.args[0]} if self.form == "posterior" else {
            self.form: list(self.args)}

    def shown(self) -> str:
        """As written in the scenario file."""
        if self.form == "posterior":
            return f'{{ posterior = "{self.args[0]}" }}'
        return f"{{ {self.form} = {list(self.args)} }}"


def stream_keys(found: dict[str, Distribution]) -> dict[str, str]:
    """The key of each drawn parameter's random stream: its dotted path, so adding or fixing
    one distribution leaves the others' draws alone; the parameters of one posterior file share
    `posterior:<the first of their paths>` (its row is drawn jointly; not the file's name,
    which a results folder's copy of the file changes)."""
    first: dict[str, str] = {}
    for path in sorted(found):
        if found[path].form == "posterior":
            first.setdefault(found[path].args[0], f"posterior:{path}")
    return {path: first[d.args[0]] if d.form == "posterior" else path
            for path, d in found.items()}


def is_distribution(value: Any) -> bool:
    """A one-key table whose key names a distribution form."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in FORMS


def parse(value: dict[str, Any], path: str = "") -> Distribution:
    """Check a `{ form = [args] }` table and return the distribution."""
    form, args = next(iter(value.items()))
    if form == "posterior":
        return _posterior(args, path)
    wanted = FORMS[form]
    shape = {"uniform": "[low, high]", "normal": "[mean, sd]", "lognormal": "[mu, sigma]",
             "beta": "[a, b]", "triangular": "[low, mode, high]", "choice": "[v1, v2, ...]"}
    usage = f"write {{ {form} = {shape[form]} }}"
    if not isinstance(args, list) or not args or (wanted and len(args) != wanted):
        raise DistributionError(f"{form} needs {wanted or 'one or more'} values: {usage}")
    if form == "choice":
        _check_choice(args, usage)
    else:
        if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in args):
            raise DistributionError(f"{form} takes numbers: {usage}")
        if not all(math.isfinite(x) for x in args):
            raise DistributionError(f"{form} takes finite numbers: {usage}")
    a = args
    if form == "uniform" and a[0] > a[1]:
        raise DistributionError(f"uniform needs low <= high, got {a}")
    if form == "triangular" and not a[0] <= a[1] <= a[2]:
        raise DistributionError(f"triangular needs low <= mode <= high, got {a}")
    if form in ("normal", "lognormal") and a[1] <= 0:
        raise DistributionError(f"{form} needs a positive spread, got {a[1]}")
    if form == "lognormal" and abs(a[0]) + TRUNCATE_SD * a[1] > 700:
        raise DistributionError(f"lognormal [mu, sigma] are on the log scale: exp(mu ± "
                                f"{TRUNCATE_SD:g} sigma) must stay below about 1e304, got {a}")
    if form == "beta" and (a[0] <= 0 or a[1] <= 0):
        raise DistributionError(f"beta needs positive a and b, got {a}")
    return Distribution(form, tuple(args))


def _check_choice(args: list[Any], usage: str) -> None:
    """A choice is among plain values of one kind: a number never stands for true or false."""
    kinds = {_kind(x) for x in args}
    if "" in kinds:
        raise DistributionError(f"choice takes plain values (numbers, true/false, text or "
                                f"date-times), not tables or arrays: {usage}")
    if len(kinds) > 1:
        raise DistributionError(f"choice mixes {' and '.join(sorted(kinds))}; give values of "
                                f"one kind: {usage}")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "numbers"
    if isinstance(value, str):
        return "text"
    return "date-times" if isinstance(value, date | time) else ""


def check_fixed(found: dict[str, Distribution]) -> None:
    """Refuse distributions of what cannot vary between the replications of one run."""
    fixed = [path for path in found if FIXED.fullmatch(path)]
    if fixed:
        raise DistributionError(
            f"{', '.join(fixed)}: cannot be a distribution, write one value; the replications "
            "of a run share name, description, start, horizon_days, record_every_hours, runs, "
            "seed, [names], [end_states.labels], and each event's name and `at` (its `day` may "
            "vary)")


def _posterior(file: Any, path: str) -> Distribution:
    """The column `param.<path>` of a posterior file (made absolute when the file was read)."""
    if not isinstance(file, str) or not file:
        raise DistributionError('posterior takes a file name in quotes: write '
                                '{ posterior = "posterior.csv" } (relative to the scenario file)')
    try:
        table = posterior.read_table(file)
    except ValueError as err:
        raise DistributionError(str(err)) from None
    column = posterior.PREFIX + path
    if column not in table:
        raise DistributionError(f"posterior file {file} has no column {column} (its columns: "
                                f"{', '.join(table)})")
    return Distribution("posterior", (file, table[column]))


def find(tree: Any, prefix: str = "") -> dict[str, Distribution]:
    """Every distribution in a raw scenario tree, by dotted path."""
    found: dict[str, Distribution] = {}
    if is_distribution(tree):
        try:
            return {prefix: parse(tree, prefix)}
        except DistributionError as err:
            raise DistributionError(f"{prefix}: {err}") from None
    items: Any = ()
    if isinstance(tree, dict):
        items = tree.items()
    elif isinstance(tree, list):
        items = enumerate(tree)
    for key, value in items:
        found.update(find(value, f"{prefix}.{key}" if prefix else str(key)))
    return found
