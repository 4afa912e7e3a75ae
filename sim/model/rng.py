"""Per-replication random streams: one per mechanism, one per drawn parameter."""

from __future__ import annotations

import zlib

from numpy.random import Generator, SeedSequence, default_rng

#: One independent stream per mechanism; a new mechanism is appended, so existing keys stay.
#: Key 0 ("parameters") is not used as a stream itself: each drawn parameter has its own child.
MECHANISMS = ("parameters", "negotiation", "ceasefire", "outflow", "supplies", "throughput",
              "observation")


def streams(seed: int, replication: int, names: tuple[str, ...] = MECHANISMS
            ) -> dict[str, Generator]:
    """The streams of one replication: `SeedSequence(seed, spawn_key=(replication, k))`, those
    named only (each costs as much as tens of events)."""
    return {name: default_rng(SeedSequence(seed, spawn_key=(replication, k)))
            for k, name in enumerate(MECHANISMS) if name in names}


def parameter_stream(seed: int, replication: int, key: str) -> Generator:
    """The stream of one drawn parameter, keyed by its dotted path (spawn key (replication, 0,
    crc32(path))): adding or fixing one distribution leaves every other draw unchanged."""
    return default_rng(SeedSequence(seed, spawn_key=(replication, 0, zlib.crc32(key.encode()))))
