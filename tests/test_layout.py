"""The layout shows the architecture: imports only go down the layers, never round in a cycle.

Every import is read with `ast`, at the top of a module and inside functions alike, so a cycle
cannot hide behind an import made late. Imports under `if TYPE_CHECKING:` never run: they must go
down the layers like the others, but a type named both ways (a model and its validator) is no
cycle."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"

#: Modules every layer may import; they import only each other.
BASE = ("sim.errors", "sim.outcomes", "sim.text")

#: The layers from the bottom up: a module imports its own layer, lower layers and BASE. `sim` is
#: sim/__init__.py, the Python API: above figures (it passes them as callbacks to the jobs below)
#: and below the command line, a thin layer that calls it. `sim.app` (the classroom page) calls the
#: API too; the command line only starts it.
LAYERS = ("sim.scenario", "sim.model", "sim.runs", "sim.analysis", "sim.fitting",
          "sim.figures", "sim", "sim.app", "sim.cli", "sim.__main__")

#: Where each command's work is done, below the command line: the CLI reaches them through the API.
JOBS = ("sim.runs.job", "sim.runs.checkpoint", "sim.runs.interrupts", "sim.analysis.jobs",
        "sim.fitting.jobs")
README = SIM.parent / "README.md"

MAX_TOP_ENTRIES = 13  # the layers of DESIGN.md, app/ included, and the base modules
MAX_LINES = 250


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by the name of its __init__)."""
    out = {}
    for path in SIM.rglob("*.py"):
        parts = ("sim", *path.relative_to(SIM).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imported(name: str, path: Path, modules: Mapping[str, Path],
             typing: bool = True) -> Iterator[str]:
    """The package's modules that module `name` imports, wherever the import statement is
    (with `typing` False, leaving out those under `if TYPE_CHECKING:`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set() if typing else {
        id(inner) for node in ast.walk(tree) if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for inner in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _known(alias.name, modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield from _known(full if full in modules else base, modules)


def _known(name: str, modules: Mapping[str, Path]) -> Iterator[str]:
    """The longest module of the package that `name` names (nothing for other packages)."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in modules:
            yield ".".join(parts)
            return
        parts.pop()


def graph(typing: bool = True) -> dict[str, set[str]]:
    """Module -> the other modules of the package it imports (`typing`: also for types only)."""
    modules = module_names()
    return {name: set(imported(name, path, modules, typing)) - {name}
            for name, path in modules.items()}


def layer(name: str) -> int:
    """Index of the layer a module belongs to (-1 for BASE)."""
    if name in BASE:
        return -1
    owners = [i for i, top in enumerate(LAYERS) if name == top or name.startswith(top + ".")]
    assert owners, f"{name} belongs to no layer: add it to LAYERS or BASE"
    return max(owners, key=lambda i: len(LAYERS[i]))


def upward(edges: Mapping[str, set[str]]) -> list[str]:
    """Imports that go up a layer, or from BASE to anything but BASE."""
    return sorted(f"{a} -> {b}" for a, targets in edges.items() for b in targets
                  if layer(b) > layer(a) or (layer(a) == -1 and b not in BASE))


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while (w := stack.pop()) != v:
                group.append(w)
            if group:
                found.append(sorted([v, *group]))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle() -> None:
    assert cycles(graph(typing=False)) == []


def test_imports_only_go_down_the_layers() -> None:
    assert upward(graph()) == []


def test_the_checks_catch_an_upward_import_and_a_cycle() -> None:
    edges = graph(typing=False)
    edges["sim.scenario.params"] = edges["sim.scenario.params"] | {"sim.runs.ensemble"}
    assert upward(edges) == ["sim.scenario.params -> sim.runs.ensemble"]
    assert any({"sim.runs.ensemble", "sim.scenario.params"} <= set(group)
               for group in cycles(edges))


def test_imports_inside_functions_and_relative_imports_are_read(tmp_path: Path) -> None:
    package = tmp_path / "sim" / "runs"
    package.mkdir(parents=True)
    module = package / "late.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    import sim.model.world\n"
                      "def f():\n    from . import folder\n    from ..fitting import smc\n")
    modules = {"sim.runs.folder": SIM, "sim.fitting.smc": SIM, "sim.model.world": SIM,
               "sim.runs.late": module}
    assert set(imported("sim.runs.late", module, modules, typing=False)) == {
        "sim.runs.folder", "sim.fitting.smc"}
    assert "sim.model.world" in set(imported("sim.runs.late", module, modules))


def test_the_top_of_the_package_stays_small() -> None:
    entries = [p.name for p in SIM.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= MAX_TOP_ENTRIES, sorted(entries)


def test_no_module_is_long() -> None:
    long = {name: n for name, path in module_names().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_command_line_works_through_the_api() -> None:
    edges = graph(typing=False)
    top = LAYERS.index("sim.cli")
    cli = {name: targets for name, targets in edges.items() if layer(name) >= top}
    assert {name: sorted(t & set(JOBS)) for name, t in cli.items() if t & set(JOBS)} == {}
    assert any("sim" in targets for targets in cli.values())
    assert edges["sim"] >= {"sim.runs.job", "sim.analysis.jobs", "sim.fitting.jobs"}


def _readme_tree() -> set[str]:
    """The modules the README's Architecture tree lists, one line each."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Architecture\n"):text.index("\n### Where to add")]
    tree = section[section.index("```\nsim/\n") + 4:]
    listed, package = set(), ""
    for line in tree[:tree.index("```")].splitlines()[1:]:
        name = line.split()[0] if line.strip() else ""
        if line.startswith("  ") and not line.startswith("    "):
            package = name if name.endswith("/") else ""
            if package:
                continue
        if name.endswith(".py"):
            listed.add(f"sim/{package if line.startswith('    ') else ''}{name}")
    return listed


def test_the_readme_tree_lists_every_module() -> None:
    modules = {str(path.relative_to(SIM.parent)) for path in module_names().values()
               if len(path.read_text(encoding="utf-8").splitlines()) > 1}
    listed = _readme_tree()
    assert sorted(modules - listed) == [] and sorted(listed - set(
        str(p.relative_to(SIM.parent)) for p in SIM.rglob("*.py"))) == []
