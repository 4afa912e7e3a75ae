"""Where results go: folder names made from scenario names, and the one builder of default paths.

A scenario's `name` is a label people write; the folder takes a safe slug of it, so no name can
reach outside `results/` (`../../x`, `/etc`, `..`), hide the folder (a leading dot) or exceed what
a file system allows."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path

from sim.text import printable, slug

#: Kinds of folders the program writes; each manifest.json says which one it is.
KINDS = ("run", "compare", "sweep", "validation", "calibration", "sensitivity", "discover")

#: What every manifest.json the program writes says it was made by.
MADE_BY = "peacesim"

def stamp() -> str:
    """The time a command started, as a folder name that sorts in time order."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def default_out(kind: str, name: str | None = None) -> Path:
    """The folder a command writes when no --out is given (the one place that decides it):
    results/<slug>/<stamp> for a run, results/<slug>/validation-<stamp> and
    calibration-<stamp> (and sensitivity-, discover-), results/compare/<stamp>,
    results/sweep/<slug>-<stamp>."""
    if kind == "compare":
        return Path("results") / "compare" / stamp()
    if kind not in KINDS or name is None:
        raise ValueError(f"no default folder for {kind!r} without a scenario name")
    if kind == "sweep":
        return Path("results") / "sweep" / f"{slug(name)}-{stamp()}"
    if kind == "run":
        return Path("results") / slug(name) / stamp()
    return Path("results") / slug(name) / f"{kind}-{stamp()}"



#: Folders written before manifests said who made them: the files that show it, and all the
#: files such a folder may hold.
_LEGACY = {"validation.json": ("validation.json", "validation.png"),
           "calibration.json": ("calibration.json", "posterior.csv", "*.png", "*_calibrated.toml")}


def special_folder(out: Path) -> str | None:
    """What the folder is, if it is one never to write into: /, the home folder, the current
    folder, or a folder holding one of them."""
    return _special(out.resolve()) if out.is_dir() else None


def replace_problem(out: Path, inputs: Iterable[Path | str] = ()) -> str | None:
    """What would be lost if the folder `out` were replaced (None: nothing of anybody's)."""
    if not out.is_dir() or out.is_symlink():
        return None
    real = out.resolve()
    what = _special(real) or _holding(out, inputs)
    if what is None:
        if not any(out.iterdir()):
            return None
        if not is_sim_folder(out):
            what = f"{printable(out)}, a folder sim did not write,"
        elif others := foreign(out):
            shown = ", ".join(printable(p) for p in others[:3]) + (", ..." if others[3:] else "")
            what = f"{printable(out)}, a folder sim wrote that also holds {shown},"
        else:
            return None
    return f"{what} with {_contents(out)}"


#: What sim writes into its output folders (a trailing `/`: a folder of such files).
WRITTEN = {"scenario.toml": "", "manifest.json": "", "outcomes.csv": "", "series.npz": "",
           "summary.json": "", "summary.txt": "", "comparison.csv": "", "sweep.csv": "",
           "validation.json": "", "calibration.json": "", "posterior.csv": "",
           "indices.csv": "", "noise.csv": "", "peeling.csv": "",
           "*_calibrated.toml": "", "*.png": "", "figures/": "*.png", "posteriors/": "*.csv"}


def foreign(folder: Path) -> list[str]:
    """Entries of a folder sim wrote that sim does not write (someone put them there)."""
    found = []
    for entry in sorted(folder.iterdir()):
        is_dir = entry.is_dir() and not entry.is_symlink()
        pattern = next((v for k, v in WRITTEN.items()
                        if k.endswith("/") == is_dir and fnmatch(entry.name, k.rstrip("/"))),
                       None)
        if pattern is None:
            found.append(entry.name + ("/" if is_dir else ""))
        elif is_dir:
            found += [f"{entry.name}/{inner.name}" + ("/" if inner.is_dir() else "")
                      for inner in sorted(entry.iterdir())
                      if inner.is_dir() or not fnmatch(inner.name, pattern)]
    return found


def _special(real: Path) -> str | None:
    """The folders never to replace, whatever they hold."""
    here = Path.cwd().resolve()
    try:
        home: Path | None = Path.home().resolve()
    except (RuntimeError, KeyError, OSError):
        home = None
    if real == Path(real.anchor):
        return f"the root folder {printable(real)}"
    if real == home:
        return "the home folder"
    if real == here:
        return "the current folder"
    if here.is_relative_to(real):
        return f"{printable(real)}, which holds the current folder,"
    if home is not None and home.is_relative_to(real):
        return f"{printable(real)}, which holds the home folder,"
    return None


def _holding(out: Path, inputs: Iterable[Path | str]) -> str | None:
    """The folder, if it holds (at any depth) an input file or folder of the command."""
    folders = {out.resolve(), Path(os.path.abspath(out))}
    for given in inputs:
        path = Path(given)
        for seen in {Path(os.path.abspath(path)), path.resolve()}:
            if any(seen.is_relative_to(folder) for folder in folders):
                return f"{printable(out)}, which holds the input {printable(given)},"
    return None


def _contents(folder: Path) -> str:
    """`its 2 files and 1 folder (a.toml, notes.txt, figures/)`, the first few named."""
    names, files, folders = [], 0, 0
    with os.scandir(folder) as entries:
        for entry in entries:
            is_dir = entry.is_dir(follow_symlinks=False)
            folders, files = folders + is_dir, files + (not is_dir)
            names.append(printable(entry.name) + ("/" if is_dir else ""))
    if not names:
        return "nothing in it"
    counts = " and ".join(f"{n} {word}{'' if n == 1 else 's'}"
                          for n, word in ((files, "file"), (folders, "folder")) if n)
    shown = sorted(names)[:3] + (["..."] if len(names) > 3 else [])
    return f"its {counts} ({', '.join(shown)})"


def is_sim_folder(folder: Path) -> bool:
    """Whether the folder's manifest.json says sim wrote it (or, for folders written before
    manifests said so, it holds only what `sim validate` or `sim calibrate` writes)."""
    manifest = folder / "manifest.json"
    try:
        if manifest.is_file() and not manifest.is_symlink() \
                and manifest.stat().st_size < 1_000_000:
            data = json.loads(manifest.read_text())
            return isinstance(data, dict) and (data.get("made_by") == MADE_BY or (
                str(data.get("command", "")).startswith("sim ") and "version" in data))
        names = [p.name for p in folder.iterdir()]
    except (OSError, ValueError):
        return False
    return any(key in names and all(any(fnmatch(n, pattern) for pattern in allowed)
                                    for n in names)
               for key, allowed in _LEGACY.items())
