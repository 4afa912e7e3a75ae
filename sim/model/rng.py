"""Per-replication random streams: one per mechanism, one per drawn parameter.

Each stream is seeded by `SeedSequence(seed, spawn_key=key)`. numpy's SeedSequence hashes its
entropy words followed by the spawn key's (the entropy padded with zeros to the pool's 4 words
when a key follows), and reading a spawn key of Python ints costs five times as much as reading
words already in an array; so the stream is seeded with `SeedSequence(words)`, those very words
in one array: the same state, the same draws (tests/test_rng.py holds them against numpy's own
spawn keys)."""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np
from numpy.random import PCG64, Generator, SeedSequence

#: One independent stream per mechanism; a new mechanism is appended, so existing keys stay.
#: Key 0 ("parameters") is not used as a stream itself: each drawn parameter has its own child.
MECHANISMS = ("parameters", "negotiation", "ceasefire", "outflow", "supplies", "throughput",
              "observation")
_POOL = 4  # words in SeedSequence's entropy pool (its default)
_WORD = 0xFFFFFFFF


def _words(n: int) -> list[int]:
    """An integer as SeedSequence reads it: 32-bit words, least significant first."""
    out = [n & _WORD]
    n >>= 32
    while n:
        out.append(n & _WORD)
        n >>= 32
    return out


def stream(seed: int, key: tuple[int, ...]) -> Generator:
    """The stream `default_rng(SeedSequence(seed, spawn_key=key))`, seeded from the words it
    hashes (seed and key non-negative integers; anything else is left to numpy to refuse)."""
    if not (type(seed) is int and seed >= 0 and all(type(k) is int and k >= 0 for k in key)):
        return Generator(PCG64(SeedSequence(seed, spawn_key=key)))
    words = _words(seed)
    words += [0] * (_POOL - len(words))
    for k in key:
        words += _words(k)
    return Generator(PCG64(SeedSequence(np.array(words, dtype=np.uint32))))


def streams(seed: int, replication: int, names: tuple[str, ...] = MECHANISMS
            ) -> dict[str, Generator]:
    """The streams of one replication: `SeedSequence(seed, spawn_key=(replication, k))`, those
    named only."""
    return {name: stream(seed, (replication, k))
            for k, name in enumerate(MECHANISMS) if name in names}


@lru_cache(maxsize=1024)
def _crc(path: str) -> int:
    return zlib.crc32(path.encode())


def parameter_stream(seed: int, replication: int, key: str) -> Generator:
    """The stream of one drawn parameter, keyed by its dotted path (spawn key (replication, 0,
    crc32(path))): adding or fixing one distribution leaves every other draw unchanged."""
    return stream(seed, (replication, 0, _crc(key)))
