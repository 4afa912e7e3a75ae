"""The model's documents stay true to the code: every parameter documented with its default, and
the ODD+D description complete."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.scenario.events import EventSpec
from sim.scenario.params import (
    CeasefireParams,
    EndStateLabels,
    EndStateParams,
    Issue,
    Names,
    NegotiationParams,
    OutflowParams,
    ScenarioParams,
    SuppliesParams,
    WorldParams,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"
#: Each parameters model and the table heading (a level-2 heading of PARAMETERS.md) it has.
SECTIONS: dict[str, type[BaseModel]] = {
    "top level": ScenarioParams,
    "[world]": WorldParams,
    "[negotiation]": NegotiationParams,
    "[negotiation.issues]": Issue,
    "[ceasefire]": CeasefireParams,
    "[outflow]": OutflowParams,
    "[supplies]": SuppliesParams,
    "[end_states]": EndStateParams,
    "[end_states.labels]": EndStateLabels,
    "[names]": Names,
    "[[events]]": EventSpec,
}
ODD_HEADINGS = (
    "Purpose and patterns", "Entities, state variables and scales",
    "Process overview and scheduling", "Design concepts", "Theoretical and empirical background",
    "Individual decision-making", "Learning", "Individual sensing", "Individual prediction",
    "Interaction", "Collectives", "Heterogeneity", "Stochasticity", "Observation",
    "Implementation details", "Initialization", "Input data", "Submodels", "The null model",
    "References",
)


def tables(text: str) -> dict[str, dict[str, list[str]]]:
    """The rows of each level-2 section's table, by the parameter name in the first column."""
    out: dict[str, dict[str, list[str]]] = {}
    section = None
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip().strip("`")
            out[section] = {}
        elif section and line.startswith("| `"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out[section][cells[0].strip("`")] = cells
    return out


def documented_value(cell: str) -> object:
    """A default as PARAMETERS.md writes it (`0.5`, `100_000`, `true`, `"the enclave"`, `inf`)."""
    text = cell.strip().strip("`")
    if text in ("true", "false"):
        return text == "true"
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    if text == "inf":
        return math.inf
    try:
        return float(text.replace("_", "").replace(",", ""))
    except ValueError:
        return text


@pytest.fixture(scope="module")
def parameters() -> dict[str, dict[str, list[str]]]:
    return tables((DOCS / "PARAMETERS.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("section", SECTIONS)
def test_every_parameter_is_documented_with_the_codes_default(
        parameters: dict[str, dict[str, list[str]]], section: str) -> None:
    model = SECTIONS[section]
    rows = parameters.get(section)
    assert rows is not None, f"PARAMETERS.md has no section '## {section}'"
    assert set(rows) == set(model.model_fields), (
        f"{section}: undocumented {sorted(set(model.model_fields) - set(rows))}, "
        f"documented but not in the code {sorted(set(rows) - set(model.model_fields))}")
    for name, field in model.model_fields.items():
        cells = rows[name]
        assert len(cells) == 6, f"{section} {name}: name, unit, default, range, meaning, source"
        assert all(cells), f"{section} {name}: an empty cell"
        shown = documented_value(cells[2])
        if field.is_required():
            assert shown == "required", f"{section} {name}: required, not {cells[2]}"
            continue
        default = field.default
        if default is PydanticUndefined or isinstance(default, BaseModel):
            continue  # a table or a list: described in words
        if default is None:
            assert shown == "none", f"{section} {name}: the code's default is none"
        elif isinstance(default, bool | str):
            assert shown == default, f"{section} {name}: the code's default is {default!r}"
        else:
            assert isinstance(shown, float) and shown == pytest.approx(default, rel=1e-12), (
                f"{section} {name}: PARAMETERS.md says {cells[2]}, the code {default!r}")


def test_judgement_is_given_with_its_reason(parameters: dict[str, dict[str, list[str]]]) -> None:
    for section, rows in parameters.items():
        for name, cells in rows.items():
            source = cells[-1]
            if source.lower().startswith("judgement"):
                assert len(re.sub(r"^judgement:?", "", source, flags=re.I).strip()) > 10, (
                    f"{section} {name}: a judgement needs its reason")


def test_the_odd_description_has_every_odd_d_section() -> None:
    text = (DOCS / "ODD.md").read_text(encoding="utf-8")
    headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
    for wanted in ODD_HEADINGS:
        assert any(wanted in h for h in headings), f"ODD.md has no heading '{wanted}'"
    assert "..." not in text, "ODD.md has an unfinished section"


def test_the_readme_links_the_model_documents() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    model = readme.split("## The model", 1)[1].split("\n## ", 1)[0]
    for doc in ("docs/ODD.md", "docs/PARAMETERS.md", "docs/COUPLING.md"):
        assert f"({doc})" in model, f"README's 'The model' does not link {doc}"
