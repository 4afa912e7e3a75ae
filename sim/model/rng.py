"""Per-replication, per-mechanism random streams."""

from __future__ import annotations

from numpy.random import Generator, SeedSequence, default_rng

#: One independent stream per mechanism; a new mechanism is appended, so existing keys stay.
MECHANISMS = ("parameters", "negotiation", "ceasefire", "outflow", "supplies")


def streams(seed: int, replication: int) -> dict[str, Generator]:
    """The streams of one replication: `SeedSequence(seed, spawn_key=(replication, k))`."""
    return {name: default_rng(SeedSequence(seed, spawn_key=(replication, k)))
            for k, name in enumerate(MECHANISMS)}
