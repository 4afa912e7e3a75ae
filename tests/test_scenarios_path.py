"""`sim.scenarios` finds the shipped scenario files from any folder, in a checkout and in an
installed wheel (which carries a copy of scenarios/ made by setup.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import sim
from sim.errors import ScenarioError

from conftest import ROOT

SHIPPED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))


def test_every_shipped_scenario_is_listed_and_found_from_any_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a notebook copied elsewhere: no scenarios/ here
    assert sim.scenarios.names() == SHIPPED and "baseline" in SHIPPED
    for name in SHIPPED:
        found = sim.scenarios.path(name)
        assert found.is_absolute() and found == sim.scenarios.path(f"{name}.toml")
        assert found.read_bytes() == (ROOT / "scenarios" / f"{name}.toml").read_bytes()
    assert sim.load(sim.scenarios.path("historical_2023_calibrated")).distributions


@pytest.mark.parametrize("name", ["nope", "../scenarios/baseline", "", "baseline.csv"])
def test_an_unknown_name_is_refused_with_the_list(name: str) -> None:
    with pytest.raises(ScenarioError, match="the shipped scenarios are: baseline, "):
        sim.scenarios.path(name)


@pytest.mark.slow
def test_an_installed_wheel_carries_and_finds_the_scenarios(tmp_path: Path) -> None:
    """The wheel as pip builds it, unpacked and imported instead of the checkout, from an empty
    folder: every scenario inside the package, and found there."""
    source = tmp_path / "source"  # pip builds in the folder: not in the repository
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("sim", "scenarios"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns(
            "__pycache__", "_scenarios"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path / "dist"), str(source)], capture_output=True,
                           text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("peacesim-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        inside = {Path(n).name for n in z.namelist() if n.startswith("sim/_scenarios/")}
        z.extractall(tmp_path / "site")
    assert inside == {p.name for p in (ROOT / "scenarios").iterdir()
                      if p.suffix in (".toml", ".csv")}
    (tmp_path / "empty").mkdir()
    code = ("import sim; p = sim.scenarios.path('historical_2023_calibrated'); "
            "print(sim.__file__); print(p); print(sim.load(p).name)")
    ran = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "empty", text=True,
                         capture_output=True, env={**os.environ, "PYTHONPATH": str(
                             tmp_path / "site")}, timeout=120)
    assert ran.returncode == 0, ran.stderr
    module, found, name = ran.stdout.split("\n")[:3]
    assert module.startswith(str(tmp_path / "site")) and name == "historical_2023_calibrated"
    assert found == str(tmp_path / "site" / "sim" / "_scenarios"
                        / "historical_2023_calibrated.toml")
