"""docs/COUPLING.md cannot go stale: every test it cites (`file.py::test_name`, or `::name` after
a cited file in the same cell) is a test function in that file."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

DOC = ROOT / "docs" / "COUPLING.md"
CITED = re.compile(r"(test_\w+\.py)?::(test_\w+)")


def _tests_in(file: str) -> set[str]:
    tree = ast.parse((ROOT / "tests" / file).read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)
            and n.name.startswith("test_")}


def _citations() -> list[tuple[str, str]]:
    """(file, test) for each citation, a bare `::name` taking the file cited before it in the
    same table cell."""
    cited = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        for cell in line.split("|"):
            file = None
            for match in CITED.finditer(cell):
                file = match.group(1) or file
                assert file, f"`::{match.group(2)}` cites no file: {line}"
                cited.append((file, match.group(2)))
    return cited


def test_every_test_cited_in_coupling_md_exists():
    cited = _citations()
    assert len(cited) > 30  # the tables are there and parsed
    missing = [f"{f}::{t}" for f, t in cited
               if not (ROOT / "tests" / f).exists() or t not in _tests_in(f)]
    assert not missing, missing
