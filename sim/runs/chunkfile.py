"""One checkpoint chunk on disk: an .npz that says what it holds, and the journal of checksums.

A chunk file carries its own description (format, seed, replication range, scenario hash,
series mode) and its sha256 is appended to `journal.jsonl` once the file is in place, so a
resumed run can tell a whole chunk of this run from a truncated one, or from one copied from
elsewhere. It holds the outcomes as typed columns (`row.<i>`; text columns as JSON) and either
every series (`data.<name>`, full) or their packed histograms (quantiles: about a tenth)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from sim.outcomes import SERIES
from sim.runs.quantiles import Histograms
from sim.runs.table import OutcomeTable

#: The layout of a chunk file; a chunk of another format is run again.
FORMAT = 3
JOURNAL = "journal.jsonl"
Chunk = tuple[OutcomeTable, dict[str, np.ndarray]]


class Mismatch(Exception):
    """A chunk file that cannot be trusted; its message says why, in a few words."""


def name(start: int, count: int) -> str:
    return f"{start:09d}-{count:06d}.npz"


def write(folder: Path, start: int, count: int, chunk: Chunk, about: dict[str, Any]) -> None:
    """Save a chunk under a temporary name, rename it, then journal its checksum (each step
    synced), so that a kill at any moment leaves the chunk whole and journaled, or absent."""
    rows, payload = chunk
    meta = {"format": FORMAT, "start": start, "count": count, **about}
    columns, arrays = [], {}
    for i, (column, kind, array) in enumerate(rows.arrays()):
        columns.append([column, kind, array.tolist() if kind == "object" else None])
        if kind != "object":
            arrays[f"row.{i}"] = array
    buf = io.BytesIO()
    np.savez_compressed(buf, allow_pickle=False, **_bytes("meta_json", meta),
                        **_bytes("columns_json", columns), **arrays,
                        **{f"data.{k}": v for k, v in payload.items()})
    data = buf.getvalue()
    path = folder / "chunks" / name(start, count)
    tmp, where = path.with_name(f".{path.stem}.tmp.npz"), path
    try:
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _sync_folder(path.parent)
        where = folder / JOURNAL
        entry = {"chunk": path.name, "sha256": hashlib.sha256(data).hexdigest()}
        _append_line(where, json.dumps(entry))
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(where)) from None


def _bytes(key: str, value: Any) -> dict[str, np.ndarray]:
    return {key: np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)}


def _append_line(path: Path, line: str) -> None:
    """Append one synced line; after a line cut short by a crash, start on a fresh line."""
    with path.open("a+b") as f:
        f.seek(0, os.SEEK_END)
        fresh = b""
        if f.tell():
            f.seek(-1, os.SEEK_END)
            fresh = b"" if f.read(1) == b"\n" else b"\n"
        f.write(fresh + line.encode() + b"\n")
        f.flush()
        os.fsync(f.fileno())


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def journal(folder: Path) -> dict[str, str]:
    """{chunk file name: sha256} of every whole line of the journal (the last entry wins)."""
    try:
        text = (folder / JOURNAL).read_bytes().decode("utf-8", "replace")
    except OSError:
        return {}
    sums = {}
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash
        if (isinstance(entry, dict) and isinstance(entry.get("chunk"), str)
                and isinstance(entry.get("sha256"), str)):
            sums[entry["chunk"]] = entry["sha256"]
    return sums


def read(path: Path, start: int, count: int, identity: dict[str, Any],
         sums: dict[str, str]) -> Chunk:
    """A chunk checked against its journal entry and its own description, or Mismatch."""
    if path.is_symlink() or not path.is_file():
        raise Mismatch("not a file")
    if path.name not in sums:
        raise Mismatch("no journal entry")
    try:
        data = path.read_bytes()
    except OSError:
        raise Mismatch("unreadable") from None
    if hashlib.sha256(data).hexdigest() != sums[path.name]:
        raise Mismatch("checksum")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            meta = json.loads(npz["meta_json"].tobytes().decode())
            wanted = {"format": FORMAT, "start": start, "count": count, **identity}
            wrong = [k for k, v in wanted.items()
                     if not isinstance(meta, dict) or meta.get(k) != v]
            if wrong:
                raise Mismatch(f"it says another {', '.join(wrong)}")
            rows = _table(json.loads(npz["columns_json"].tobytes().decode()), npz)
            series = {k[5:]: npz[k] for k in npz.files if k.startswith("data.")}
    except (ValueError, KeyError, TypeError, OSError, EOFError, zipfile.BadZipFile):
        raise Mismatch("unreadable") from None
    if rows.column("replication") != list(range(start, start + count)) or not _fits(
            series, count, identity.get("series")):
        raise Mismatch("its content is not that of its replications")
    return rows, series


def _table(columns: list[list[Any]], npz: Any) -> OutcomeTable:
    """The outcome table from the columns' names, kinds and (text columns) values."""
    arrays = []
    for i, (column, kind, values) in enumerate(columns):
        if kind == "object":
            array = np.empty(len(values), dtype=object)
            array[:] = values
        else:
            array = npz[f"row.{i}"]
        arrays.append((column, kind, array))
    return OutcomeTable.from_arrays(arrays)


def _fits(data: dict[str, np.ndarray], count: int, mode: str | None) -> bool:
    """Series of `count` replications, or (quantiles) histograms that count `count` runs."""
    if mode != "quantiles":
        return all(a.shape[:1] == (count,) for a in data.values())
    try:
        return Histograms.unpack(SERIES, data).runs == count
    except (ValueError, KeyError, IndexError, TypeError):
        return False
