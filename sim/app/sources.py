"""Where the page's scenarios come from: the shipped files, or one uploaded TOML file read in
memory (it may extend a shipped scenario by its file name, as worksheet 6's files do)."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePath
from typing import Any

import tomli_w

from sim.scenario.files import check_tree, merge, resolve
from sim.scenario.load import Scenario, ScenarioError, from_tree, load

#: The shipped scenarios, beside the package in a checkout.
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: An uploaded scenario is a short text; a larger file is refused unread (judgement: the
#: longest shipped scenario is under 10 kB).
MAX_UPLOAD_BYTES = 64_000
#: The invented names of scenarios/fictional.toml, for classes that should not start from a
#: real conflict.
FICTIONAL = "fictional.toml"


def shipped() -> list[str]:
    """The shipped scenario files by name, baseline first."""
    names = sorted(p.name for p in SCENARIOS.glob("*.toml"))
    return sorted(names, key=lambda n: n != "baseline.toml")


def shipped_scenario(name: str) -> Scenario:
    if name not in shipped():
        raise ScenarioError(f"{name!r} is not a shipped scenario; choose one of "
                            f"{', '.join(shipped())}")
    return load(SCENARIOS / name)


def uploaded(name: str, data: bytes) -> Scenario:
    """An uploaded scenario file, checked as `sim check` checks one; nothing is written."""
    if PurePath(name).suffix.lower() != ".toml":
        raise ScenarioError(f"{name}: upload a scenario file ending in .toml")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScenarioError(f"{name}: {len(data):,} bytes; a scenario file may hold at most "
                            f"{MAX_UPLOAD_BYTES:,}")
    try:
        tree = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{name}: not a text (UTF-8) TOML file") from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{name}: TOML syntax error: {err}") from None
    except RecursionError:
        raise ScenarioError(f"{name}: tables or arrays nested too deeply") from None
    check_tree(tree)
    if _reads_files(tree):
        raise ScenarioError(f"{name}: an uploaded scenario cannot read files (`posterior`); "
                            "extend a shipped scenario that does instead")
    return from_tree(_extended(name, tree), name)


def _reads_files(node: Any) -> bool:
    """Whether a tree names a posterior file anywhere (a path on the server to read)."""
    if isinstance(node, dict):
        return "posterior" in node or any(_reads_files(v) for v in node.values())
    return isinstance(node, list) and any(_reads_files(v) for v in node)


def _extended(name: str, tree: dict[str, Any]) -> dict[str, Any]:
    """The tree merged over the shipped scenario it extends (only those can be reached)."""
    parent = tree.pop("extends", None)
    if parent is None:
        return tree
    base = PurePath(str(parent)).name
    if not isinstance(parent, str) or base not in shipped():
        raise ScenarioError(f"{name}: `extends` may name only a shipped scenario "
                            f"({', '.join(shipped())}); got {parent!r}")
    return merge(resolve(SCENARIOS / base), tree)


def with_fictional_names(sc: Scenario) -> Scenario:
    """The same scenario told with invented names (results are the same run for run)."""
    names = load(SCENARIOS / FICTIONAL).raw.get("names", {})
    return sc.with_values({f"names.{k}": v for k, v in names.items()})


def as_file(sc: Scenario, header: str) -> str:
    """A scenario as one self-contained TOML file (no `extends`), under a comment header."""
    lines = "".join(f"# {line}\n" for line in header.splitlines())
    return lines + tomli_w.dumps(sc.raw)
