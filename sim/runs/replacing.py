"""Put a freshly written folder in place of an old one so that a kill at any moment leaves the
old folder or the new one whole, never half of the old.

The new folder is filled in a hidden sibling `.<name>.peacesim-<host>-<pid>-<random>.tmp`;
on Linux the two are swapped in one step (renameat2 RENAME_EXCHANGE), elsewhere the old one is
first renamed to a hidden `...old` sibling. Then the old one is deleted. A sibling left by a
killed process is recognisable by its name, and the next write into the same folder removes it."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

TAG = "peacesim"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _prefix(out: Path) -> str:
    """`.<name>.peacesim-<host>-`: the start of every hidden sibling of `out` on this host."""
    stem = out.name.encode()[:100].decode(errors="ignore")
    host = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
    return f".{stem}.{TAG}-{host}-"


def sibling(out: Path, what: str = "tmp") -> Path:
    """A new empty hidden folder next to `out`, named as sim's own."""
    return Path(tempfile.mkdtemp(prefix=f"{_prefix(out)}{os.getpid()}-", suffix=f".{what}",
                                 dir=out.parent))


def replace(new: Path, out: Path) -> None:
    """Move the folder `new` to `out`, replacing what is there."""
    if not os.path.lexists(out):
        os.rename(new, out)
    elif _exchange(new, out):
        discard(new)  # `new` now holds the old folder
    else:
        old = sibling(out, "old")
        os.rename(out, old)
        os.rename(new, out)
        discard(old)


def discard(folder: Path) -> None:
    """Delete a hidden sibling that is no longer needed."""
    shutil.rmtree(folder, ignore_errors=True)


def clean_stale(out: Path) -> None:
    """Remove the hidden siblings of `out` left by killed processes on this host (an `.old`
    one only once `out` is back, since it may be the only whole copy)."""
    prefix = _prefix(out)
    try:
        names = [n for n in os.listdir(out.parent) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        pid, _, rest = name[len(prefix):].partition("-")
        kind = rest.rpartition(".")[2]
        path = out.parent / name
        if (not pid.isdigit() or _alive(int(pid)) or kind not in ("tmp", "old")
                or path.is_symlink() or not path.is_dir()):
            continue
        if kind == "tmp" or os.path.isdir(out):
            discard(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
