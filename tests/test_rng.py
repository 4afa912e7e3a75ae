"""The random streams are numpy's `default_rng(SeedSequence(seed, spawn_key=key))`, seeded more
cheaply from the words SeedSequence hashes: the same draws for any seed and key."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.random import SeedSequence, default_rng

from sim.model.rng import MECHANISMS, parameter_stream, stream, streams

BIG = [0, 1, 2**31, 2**32 - 1, 2**32, 2**40 + 3, 2**64 + 5, 2**128 + 7]


def _numpy(seed: int, key: tuple[int, ...]) -> np.ndarray:
    return default_rng(SeedSequence(seed, spawn_key=key)).integers(0, 2**63, 8)


@pytest.mark.parametrize("seed", BIG)
def test_a_stream_draws_what_numpy_s_spawn_key_draws(seed):
    rng = np.random.default_rng(11)
    keys = [(), (0,), (7, 3), (2**32, 0, 2**32 - 1)]
    keys += [tuple(int(rng.choice(BIG)) for _ in range(rng.integers(1, 4))) for _ in range(40)]
    for key in keys:
        assert (stream(seed, key).integers(0, 2**63, 8) == _numpy(seed, key)).all(), key


def test_the_replication_s_streams_are_its_spawn_keys():
    got = streams(2023, 17)
    assert list(got) == list(MECHANISMS)
    for k, name in enumerate(MECHANISMS):
        assert (got[name].integers(0, 2**63, 8) == _numpy(2023, (17, k))).all(), name
    import zlib
    crc = zlib.crc32(b"world.population_people")
    assert (parameter_stream(2023, 17, "world.population_people").integers(0, 2**63, 8)
            == _numpy(2023, (17, 0, crc))).all()


@pytest.mark.parametrize("seed", [-1, 1.5, "x"])
def test_a_seed_numpy_refuses_is_refused_as_numpy_does(seed):
    with pytest.raises((TypeError, ValueError)) as ours:
        stream(seed, (1, 2))
    with pytest.raises(type(ours.value)):
        SeedSequence(seed, spawn_key=(1, 2))
