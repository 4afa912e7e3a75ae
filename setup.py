"""Ships the scenario files inside the wheel (as sim/_scenarios), so `sim.scenarios.path`
finds them in an installed package too; the project's settings are all in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class WithScenarios(build_py):
    """The package, plus a copy of scenarios/*.toml and *.csv in sim/_scenarios."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads scenarios/ where it is
        target = Path(self.build_lib) / "sim" / "_scenarios"
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(Path("scenarios").glob("*")):
            if source.suffix in (".toml", ".csv"):
                shutil.copyfile(source, target / source.name)


setup(cmdclass={"build_py": WithScenarios})
