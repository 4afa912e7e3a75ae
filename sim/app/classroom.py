"""A class on disk: one folder under the class folder holding the baseline, each team's what-if
as a TOML file and the class results; nothing is ever written outside it."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.app.sources import as_file
from sim.errors import OptionError
from sim.scenario.load import Scenario

#: What marks a class folder as the page's own (it replaces only its own files).
MADE_BY = "peacesim classroom page"
#: Team and class names: short, so a file name stays short (judgement).
MAX_NAME = 40
#: Teams in one class (judgement: a large class of 60 in pairs).
MAX_TEAMS = 60


def safe_name(name: str, what: str = "team name") -> str:
    """A name as a file name anywhere: ASCII letters, digits and `_`, at most 40 characters."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    out = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:MAX_NAME].strip("_")
    if not out:
        raise OptionError(f"{what} {name[:MAX_NAME]!r}: give at least one letter or digit "
                          "(A to Z, 0 to 9)")
    return out


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass
class Class:
    """An open (or closed) class: its folder, the join code's hash and the teams' requests."""

    folder: Path
    name: str
    code_sha256: str
    runs: int
    seed: int
    scenario: Scenario | None = None  # the baseline every team's what-if starts from
    open: bool = True
    results: Any = None  # the request that writes the class results folder
    baseline: Any = None  # the baseline's request (sim.app.work.Job)
    teams: dict[str, Any] = field(default_factory=dict)  # team label -> its latest request

    def admits(self, code: str) -> bool:
        return hmac.compare_digest(_digest(code.strip()), self.code_sha256)

    def team_file(self, team: str) -> Path:
        path = self.folder / "teams" / f"team_{safe_name(team)}.toml"
        if path.resolve().parent != (self.folder / "teams").resolve():  # judgement: belt, braces
            raise OptionError(f"team name {team!r}: not a file name inside the class folder")
        return path

    def save_team(self, team: str, sc: Scenario) -> Path:
        """The team's what-if, saved (replacing its own earlier one) as a TOML file."""
        if not self.open:
            raise OptionError(f"the class {self.name!r} is closed")
        others = {t for t in self.teams if safe_name(t) != safe_name(team)}
        if len(others) >= MAX_TEAMS:
            raise OptionError(f"the class already has {MAX_TEAMS} teams")
        path = self.team_file(team)
        _write(path, as_file(sc, f"Team {team}, class {self.name}: what-if saved by the page "
                                 f"on {_now()}.\nRun it again with: sim run {path.name}"))
        return path

    def close(self) -> None:
        self.open = False
        _write(self.folder / "class.json", self._manifest())

    def _manifest(self) -> str:
        return json.dumps({"made_by": MADE_BY, "name": self.name, "code_sha256": self.code_sha256,
                           "runs": self.runs, "seed": self.seed, "open": self.open,
                           "saved": _now()}, indent=2)

    def zipped(self) -> bytes:
        """The class folder as a zip: the TOML files and the class results folder."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(self.folder.rglob("*")):
                if path.is_file() and not path.is_symlink() and path.name != "class.json":
                    z.write(path, Path(self.folder.name) / path.relative_to(self.folder))
        return buffer.getvalue()


def open_class(root: Path, name: str, code: str, baseline: Scenario, runs: int,
               seed: int) -> Class:
    """A new class folder under `root`; an existing folder is reused only if the page made it."""
    if len(code.strip()) < 4:
        raise OptionError("join code: give at least 4 characters (teams type it to join)")
    folder = root / safe_name(name, "class name")
    if folder.exists() and not _ours(folder):
        raise OptionError(f"{folder} exists and was not made by this page; choose another "
                          "class name (nothing there is touched)")
    (folder / "teams").mkdir(parents=True, exist_ok=True)
    made = Class(folder, name, _digest(code.strip()), runs, seed, scenario=baseline)
    _write(folder / "baseline.toml", as_file(baseline, f"The baseline of class {name}."))
    _write(folder / "class.json", made._manifest())
    return made


def _ours(folder: Path) -> bool:
    try:
        return json.loads((folder / "class.json").read_text())["made_by"] == MADE_BY
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a temporary file beside it, then renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
