"""Write and read a results folder; it appears whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sim.ensemble import Ensemble
from sim.model import BOOLEAN_OUTCOMES, OUTCOMES, SERIES
from sim.scenario import Scenario, ScenarioError, from_tree
from sim.stats import summarise

FILES = ("scenario.toml", "manifest.json", "outcomes.csv", "series.npz", "summary.json")


class ResultsError(ValueError):
    """A results folder that cannot be written or read, with a message for people."""


def check_target(out: Path, force: bool) -> None:
    """Refuse, before any work is done, a folder that is not empty or cannot be written."""
    if out.exists() and not out.is_dir():
        raise ResultsError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ResultsError(f"--out {out}: folder exists and is not empty (add --force to replace)")
    parent = out.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ResultsError(f"--out {out}: cannot write in {parent}")


def write(ens: Ensemble, out: Path, manifest: dict[str, Any],
          figures: Callable[[Path], None] | None = None, force: bool = False) -> Path:
    """Write everything to a hidden sibling folder, then rename it into place."""
    check_target(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        (tmp / "scenario.toml").write_text(ens.scenario.to_toml())
        (tmp / "outcomes.csv").write_text(outcomes_csv(ens.rows))
        write_series(tmp / "series.npz", ens.time_days, ens.series)
        (tmp / "summary.json").write_text(json.dumps(summarise(ens.rows), indent=1) + "\n")
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        if figures:
            (tmp / "figures").mkdir()
            figures(tmp / "figures")
        if out.exists():
            shutil.rmtree(out)
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def outcomes_csv(rows: list[dict[str, Any]]) -> str:
    params = sorted({k for row in rows for k in row if k.startswith("param.")})
    columns = ["replication", *OUTCOMES, *params]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue()


def write_series(path: Path, time_days: np.ndarray, series: dict[str, np.ndarray]) -> None:
    """An .npz numpy can load, written with fixed zip timestamps so equal runs give equal bytes."""
    arrays = {"time_days": time_days, **{k: series[k].astype(np.float32) for k in SERIES}}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, array in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(array), allow_pickle=False)
            zf.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)),
                        buf.getvalue(), compress_type=zipfile.ZIP_DEFLATED)


def _parse(name: str, text: str) -> Any:
    if text == "":
        return None
    if name in BOOLEAN_OUTCOMES:
        return text == "true"
    if name == "end_state":
        return text
    if text in ("true", "false"):
        return text == "true"
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text and "e" not in text else number


def read(folder: Path) -> tuple[Ensemble, dict[str, Any]]:
    """Read a results folder back: the ensemble and its manifest."""
    missing = [f for f in FILES if not (folder / f).is_file()]
    if not folder.is_dir() or missing:
        raise ResultsError(f"{folder}: not a results folder (missing {', '.join(missing)})")
    import tomllib

    try:
        scenario: Scenario = from_tree(tomllib.loads((folder / "scenario.toml").read_text()),
                                       str(folder / "scenario.toml"))
    except (ScenarioError, tomllib.TOMLDecodeError) as err:
        raise ResultsError(f"{folder}: its scenario.toml cannot be used: {err}") from None
    manifest = json.loads((folder / "manifest.json").read_text())
    with (folder / "outcomes.csv").open(newline="") as f:
        rows = [{k: _parse(k, v) for k, v in row.items()} for row in csv.DictReader(f)]
    with np.load(folder / "series.npz") as npz:
        time_days = npz["time_days"]
        series = {k: npz[k] for k in SERIES}
    return Ensemble(scenario, int(manifest["seed"]), time_days, rows, series), manifest
