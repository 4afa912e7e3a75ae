"""The scenario files shipped with peacesim, found whatever the current folder: a notebook
copied anywhere, or an installed wheel, loads `sim.load(sim.scenarios.path("baseline"))`
(`sim.scenarios` is this module)."""

from __future__ import annotations

from pathlib import Path

from sim.errors import ScenarioError

#: Inside an installed wheel: the copy of scenarios/ made when the wheel was built (setup.py).
PACKAGED = Path(__file__).resolve().parent.parent / "_scenarios"
#: In a source checkout (or an editable install of one): the project's own scenarios/.
CHECKOUT = Path(__file__).resolve().parent.parent.parent / "scenarios"


def folder() -> Path:
    """The folder holding the shipped scenario files (and the files they read)."""
    for candidate in (PACKAGED, CHECKOUT):
        if (candidate / "baseline.toml").is_file():
            return candidate
    raise ScenarioError(f"the shipped scenarios are in neither {PACKAGED} nor {CHECKOUT}: "
                        "reinstall peacesim (pip install peacesim, or make install)")


def names() -> list[str]:
    """The shipped scenarios' names, as `path` takes them ("baseline", "no_talks", ...)."""
    return sorted(p.stem for p in folder().glob("*.toml"))


def path(name: str) -> Path:
    """The file of the shipped scenario `name` ("baseline" or "baseline.toml")."""
    stem = name.removesuffix(".toml")
    if stem not in names():
        raise ScenarioError(f"no shipped scenario {name!r}; the shipped scenarios are: "
                            f"{', '.join(names())}")
    return folder() / f"{stem}.toml"
