"""Write and read a results folder; it appears whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from sim import outcomes
from sim.errors import ResultsError
from sim.outcomes import SERIES
from sim.runs import replacing
from sim.runs.ensemble import Ensemble, QuantilesOnly
from sim.runs.outpaths import is_sim_folder, replace_problem, special_folder
from sim.runs.stats import summarise
from sim.runs.table import OutcomeTable
from sim.scenario.load import Scenario, ScenarioError, load
from sim.scenario.save import save_scenario
from sim.text import csv_cell, csv_text, printable

FILES = ("scenario.toml", "manifest.json", "outcomes.csv", "series.npz", "summary.json")


def check_target(out: Path, force: bool, inputs: Iterable[Path | str] = ()) -> None:
    """Refuse, before any work is done, a folder that cannot be written, or that is not empty
    and may not be replaced (see outpaths.replace_problem); `inputs` are the command's inputs."""
    shown = printable(out)
    if "\0" in str(out):
        raise ResultsError(f"--out {shown}: a folder name cannot hold a NUL character")
    if out.is_symlink():
        raise ResultsError(f"--out {shown}: is a symbolic link; give the folder itself "
                           "(sim replaces folders, never what a link points to)")
    if out.exists() and not out.is_dir():
        raise ResultsError(f"--out {shown}: exists and is not a folder")
    if len(out.name.encode()) > 200:
        raise ResultsError(f"--out {shown}: the folder name is too long (at most 200 bytes)")
    if out.is_dir():
        problem = replace_problem(out, inputs)
        if force and problem:
            raise ResultsError(f"--out {shown}: --force would delete {problem}; --force only "
                               "replaces an empty folder or one that sim wrote")
        special = special_folder(out)
        if special:
            raise ResultsError(f"--out {shown}: is {special.rstrip(',')}; give a new folder")
        if not force and any(out.iterdir()):
            hint = ("add --force to replace it" if not problem else
                    "give a new or empty folder; it holds an input of this command"
                    if is_sim_folder(out) else
                    "give a new or empty folder; --force only replaces a folder sim wrote")
            raise ResultsError(f"--out {shown}: folder exists and is not empty ({hint})")
    parent = out.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ResultsError(f"--out {shown}: cannot write in {printable(parent)}")


@contextmanager
def atomic_folder(out: Path, force: bool = False,
                  inputs: Iterable[Path | str] = ()) -> Iterator[Path]:
    """Yield a hidden sibling of `out` to fill; on success it replaces `out` (a kill at any
    moment leaves the old folder or the new one whole), else it vanishes."""
    check_target(out, force, inputs)
    out.parent.mkdir(parents=True, exist_ok=True)
    replacing.clean_stale(out)
    tmp = replacing.sibling(out)
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        yield tmp
        replacing.replace(tmp, out)
    except BaseException:
        replacing.discard(tmp)
        raise


def write_folder(out: Path, texts: Mapping[str, str], manifest: Mapping[str, Any] | None,
                 figures: Callable[[Path], object] | None = None, force: bool = False,
                 inputs: Iterable[Path | str] = (), scenario: Scenario | None = None,
                 fill: Callable[[Path], object] | None = None, figures_in: str = "figures",
                 ) -> Path:
    """The one writer of every output folder: in a hidden sibling, the scenario (with copies of
    its posterior files), what `fill` writes, the `texts` (file name -> text), manifest.json,
    then the figures drawn into `figures_in` ("" for the folder itself); then renamed into place,
    so the folder appears whole or not at all."""
    with atomic_folder(out, force, inputs) as tmp:
        if scenario is not None:
            save_scenario(scenario, tmp)
        if fill:
            fill(tmp)
        for name, text in texts.items():
            (tmp / name).write_text(text)
        if manifest is not None:
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        if figures:
            (tmp / figures_in).mkdir(exist_ok=True)
            figures(tmp / figures_in)
    return out


def write(ens: Ensemble, out: Path, manifest: dict[str, Any],
          figures: Callable[[Path], None] | None = None, force: bool = False,
          inputs: Iterable[Path | str] = ()) -> Path:
    """A results folder: scenario, outcomes, series, summary, manifest and figures."""

    def fill(tmp: Path) -> None:
        with (tmp / "outcomes.csv").open("w", newline="") as f:
            write_outcomes(f, ens.rows)
        if ens.quantiles:
            write_series(tmp / "series.npz", ens.time_days, ens.quantiles,
                         {"quantile_levels": np.array(ens.levels)})
        else:
            write_series(tmp / "series.npz", ens.time_days, ens.series)

    summary = json.dumps(summarise(ens.rows), indent=1) + "\n"
    return write_folder(out, {"summary.json": summary}, manifest, figures, force, inputs,
                        scenario=ens.scenario, fill=fill)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return csv_cell(value) if isinstance(value, str) else str(value)


def write_outcomes(f: TextIO, rows: OutcomeTable) -> None:
    """outcomes.csv, row by row (a million rows never make one string)."""
    params = sorted(k for k in rows.names if k.startswith("param."))
    columns = ["replication", *outcomes.names(), *params]
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])


def write_series(path: Path, time_days: np.ndarray, series: Mapping[str, np.ndarray],
                 extra: Mapping[str, np.ndarray] | None = None) -> None:
    """An .npz numpy can load, written with fixed zip timestamps so equal runs give equal bytes.

    Each array is streamed into the zip, so writing costs no copy of the (runs, T) arrays."""
    arrays = {"time_days": time_days, **(extra or {}),
              **{k: np.ascontiguousarray(series[k], dtype=np.float32) for k in SERIES}}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = _npy_size(array)  # decides whether the entry needs zip64
            with zf.open(info, "w") as entry:
                np.lib.format.write_array(entry, np.ascontiguousarray(array), allow_pickle=False)


def _npy_size(array: np.ndarray) -> int:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, np.lib.format.header_data_from_array_1_0(array))
    return buf.tell() + array.nbytes


def _parse(name: str, text: str, booleans: tuple[str, ...]) -> Any:
    if text == "":
        return None
    if name in booleans:
        return text == "true"
    if name == "end_state" or text.startswith("'"):
        return csv_text(text)
    if text in ("true", "false"):
        return text == "true"
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text and "e" not in text else number


def _read_outcomes(f: TextIO) -> OutcomeTable:
    """outcomes.csv back as a table, column by column (no dict is made for any row)."""
    reader = csv.reader(f)
    names = next(reader, None)
    if names is None:
        raise ValueError("outcomes.csv is empty")
    columns: list[list[Any]] = [[] for _ in names]
    appends = [column.append for column in columns]
    booleans, count = outcomes.booleans(), 0
    for line in reader:
        count += 1
        if len(line) != len(names):
            raise ValueError(f"row {count} has {len(line)} cells, not {len(names)}")
        for append, name, text in zip(appends, names, line, strict=True):
            append(_parse(name, text, booleans))
    return OutcomeTable.from_columns(names, columns, count)


def read(folder: Path) -> tuple[Ensemble, dict[str, Any]]:
    """Read a results folder back: the ensemble and its manifest."""
    missing = [f for f in FILES if not (folder / f).is_file()]
    if not folder.is_dir() or missing:
        raise ResultsError(f"{folder}: not a results folder (missing {', '.join(missing)})")
    try:
        scenario: Scenario = load(folder / "scenario.toml")
    except ScenarioError as err:
        raise ResultsError(f"{folder}: its scenario.toml cannot be used: {err}") from None
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        seed = int(manifest["seed"])
        with (folder / "outcomes.csv").open(newline="") as f:
            rows = _read_outcomes(f)
        with np.load(folder / "series.npz") as npz:
            time_days = npz["time_days"]
            arrays = {k: npz[k] for k in SERIES}
            levels = tuple(float(q) for q in npz["quantile_levels"]) \
                if "quantile_levels" in npz.files else ()
    except (ValueError, KeyError, TypeError, OSError, RecursionError,
            zipfile.BadZipFile) as err:  # RecursionError: JSON nested thousands deep
        raise ResultsError(f"{folder}: a damaged results folder ({type(err).__name__}: {err}); "
                           "run the scenario again") from None
    if levels:  # written by `sim run --series quantiles`: (levels, T) arrays
        return Ensemble(scenario, seed, time_days, rows, QuantilesOnly(), arrays, levels,
                        folder), manifest
    return Ensemble(scenario, seed, time_days, rows, arrays, folder=folder), manifest
