"""Where the documents' commands run: a temporary copy of the inputs, each command run once."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent


class Failed(Exception):
    """A command a block quotes did not succeed: the documents cannot be regenerated."""


@dataclass
class Workspace:
    """A temporary copy of what the commands read; each command runs once and is remembered."""

    root: Path
    dir: Path
    outputs: dict[str, str] = field(default_factory=dict)

    def sim(self, command: str) -> str:
        """Run `sim ...` (as printed in a document) here and return what it printed."""
        if command not in self.outputs:
            self.outputs[command] = self.shell(command)
        return self.outputs[command]

    def shell(self, command: str) -> str:
        """Run one shell command in the copy, with this Python's `sim` first on the PATH."""
        env = {"PATH": f"{BIN}:/usr/bin:/bin", "MPLBACKEND": "Agg", "HOME": str(self.dir),
               "LC_ALL": "C.UTF-8", "COLUMNS": "100"}
        done = subprocess.run(["bash", "-c", command], cwd=self.dir, env=env,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Failed(f"{command}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
        return done.stdout

    def python(self, code: str) -> str:
        """Run Python code in the copy (for the numbers the README computes with the API)."""
        if code not in self.outputs:
            done = subprocess.run([sys.executable, "-c", code], cwd=self.dir,
                                  capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise Failed(f"python: exit {done.returncode}: {done.stderr.strip()[-500:]}")
            self.outputs[code] = done.stdout
        return self.outputs[code]

    @classmethod
    def copy(cls, root: Path, tmp: Path) -> Workspace:
        """Copy what the commands read (scenarios/, data/, exercises/) into a temporary folder."""
        for name in ("scenarios", "data", "exercises"):
            shutil.copytree(root / name, tmp / name,
                            ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
        return cls(root, tmp)

    def path(self, relative: str) -> Path:
        """A file the commands wrote, relative to the copy."""
        return self.dir / relative
