"""Reading a user's input file safely: only regular files, and never more than a cap."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sim.errors import InputError
from sim.scenario.limits import MAX_INPUT_BYTES


def read_bytes(path: Path, what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The file's bytes; a folder, a device, a pipe, a symlink loop or a huge file is refused
    before reading (a device such as /dev/zero never ends)."""
    info = check_regular(path, what, limit)
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as err:
        raise InputError(f"{path}: cannot read the {what}: {err.strerror or err}") from None
    if len(data) > limit or info.st_size > limit:
        raise InputError(_too_big(path, what, limit))
    return data


def check_regular(path: Path, what: str, limit: int = MAX_INPUT_BYTES) -> os.stat_result:
    """The file's status, if it is a regular file no bigger than `limit`."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what}") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read the {what}: {err.strerror or err}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a folder; give {_a(what)}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file (a device, a pipe or a socket); give "
                         f"{_a(what)}")
    if info.st_size > limit:
        raise InputError(_too_big(path, what, limit))
    return info


def _too_big(path: Path, what: str, limit: int) -> str:
    return f"{path}: too big for {_a(what)} (at most {limit / 1e6:g} MB are read)"


def _a(what: str) -> str:
    return ("an " if what[0] in "aeiou" else "a ") + what
