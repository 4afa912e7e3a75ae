"""A scenario saved into a folder with copies of its posterior files, enough to run it again."""

from __future__ import annotations

import shutil
from pathlib import Path

import tomli_w

from sim.errors import ScenarioError
from sim.scenario.load import Scenario, load
from sim.scenario.posterior import portable


def save_scenario(scenario: Scenario, folder: Path) -> None:
    """scenario.toml and a copy of each posterior file it draws from, so that the folder is
    enough to run it again; refused if a posterior file changed since it was read."""
    tree, copies = portable(scenario.raw, scenario.distributions)
    for name, file in copies.items():
        (folder / name).parent.mkdir(exist_ok=True)
        shutil.copyfile(file, folder / name)
    (folder / "scenario.toml").write_text(tomli_w.dumps(tree))
    if copies and load(folder / "scenario.toml").digest() != scenario.digest():
        raise ScenarioError(f"posterior file(s) {', '.join(copies.values())} changed since the "
                            "scenario was read; run it again")
