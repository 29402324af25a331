"""Augmentation: bounds and statistics of the displacements, seeds, and independence of sharding.

Expected seeds are rebuilt from their definition (SHA-256 of the id, numpy SeedSequence);
the statistics are those of a uniform distribution on [-0.1, +0.1] Å.
"""

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from npshape.learning.augment import displaced_replicas, replica_seed, shard_replicas

PARENT = np.random.default_rng(0).uniform(-6.0, 6.0, (55, 3))  # any parent positions, Å
BASE_SEED = 2021


def test_displacements_are_uniform_within_a_tenth_of_an_angstrom():
    replicas, seeds = displaced_replicas(PARENT, "IC-55", np.arange(200), BASE_SEED)
    assert replicas.shape == (200, 55, 3) and replicas.dtype == np.float64
    assert seeds.shape == (200,) and seeds.dtype == np.uint64
    shift = replicas - PARENT
    assert np.abs(shift).max() <= 0.1
    assert np.abs(shift).max() > 0.0999  # 33 000 draws reach the bounds
    # uniform on [-a, a]: mean 0, variance a²/3; tolerances are ~5 standard errors
    assert abs(shift.mean()) < 0.0015
    assert shift.var() == pytest.approx(0.1**2 / 3, rel=0.02)
    for axis in range(3):
        assert abs(shift[..., axis].mean()) < 0.0025


def test_max_displacement_is_a_parameter():
    replicas, _ = displaced_replicas(PARENT, "IC-55", np.arange(20), BASE_SEED, max_displacement=0.5)
    shift = np.abs(replicas - PARENT)
    assert shift.max() <= 0.5 and shift.max() > 0.45


def test_reproducible_and_rebuilt_from_the_recorded_seed():
    first = displaced_replicas(PARENT, "CB-147", [3, 7], BASE_SEED)
    second = displaced_replicas(PARENT, "CB-147", [3, 7], BASE_SEED)
    assert first[0].tobytes() == second[0].tobytes()
    assert first[1].tobytes() == second[1].tobytes()
    for replica, seed in zip(*first):
        shift = np.random.default_rng(int(seed)).uniform(-0.1, 0.1, PARENT.shape)
        np.testing.assert_array_equal(replica, PARENT + shift)


def test_identical_with_one_shard_or_four():
    whole, whole_seeds = displaced_replicas(PARENT, "OH-146", shard_replicas(1000, 1, 0), BASE_SEED)
    parts = [displaced_replicas(PARENT, "OH-146", shard_replicas(1000, 4, k), BASE_SEED) for k in range(4)]
    assert np.concatenate([p[0] for p in parts]).tobytes() == whole.tobytes()
    assert np.concatenate([p[1] for p in parts]).tobytes() == whole_seeds.tobytes()
    # any order of replicas gives each replica the same bytes
    backwards, _ = displaced_replicas(PARENT, "OH-146", np.arange(999, -1, -1), BASE_SEED)
    assert backwards[::-1].tobytes() == whole.tobytes()


def test_seed_follows_its_definition():
    digest = hashlib.sha256(b"BCC-C-189").digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 32, 4)]
    state = np.random.SeedSequence([BASE_SEED, *words, 42]).generate_state(1, dtype=np.uint64)
    assert replica_seed(BASE_SEED, "BCC-C-189", 42) == int(state[0])


def test_seed_is_stable_across_interpreters():
    # Python's own hash() of a str changes between runs; the seed must not.
    code = "from npshape.learning.augment import replica_seed; print(replica_seed(2021, 'DC-105', 5))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert outputs == {f"{replica_seed(2021, 'DC-105', 5)}\n"}


def test_ids_seeds_and_indices_give_different_replicas():
    reference, _ = displaced_replicas(PARENT, "IC-55", [0], BASE_SEED)
    for structure_id, base_seed, replica in [("IC-147", BASE_SEED, 0), ("IC-55", 7, 0), ("IC-55", BASE_SEED, 1)]:
        other, _ = displaced_replicas(PARENT, structure_id, [replica], base_seed)
        assert not np.array_equal(other, reference)
    seeds = [replica_seed(BASE_SEED, structure_id, r) for structure_id in ("A", "B") for r in range(500)]
    assert len(set(seeds)) == 1000


@pytest.mark.parametrize("n_replicas, n_shards", [(1000, 1), (1000, 4), (1000, 7), (10, 3), (3, 5)])
def test_shards_partition_the_replicas(n_replicas, n_shards):
    shards = [shard_replicas(n_replicas, n_shards, k) for k in range(n_shards)]
    np.testing.assert_array_equal(np.concatenate(shards), np.arange(n_replicas))
    sizes = [len(s) for s in shards]
    assert max(sizes) - min(sizes) <= 1
    assert all((np.diff(s) == 1).all() for s in shards)  # contiguous


@pytest.mark.parametrize("shard", [-1, 4])
def test_shard_outside_range_is_an_error(shard):
    with pytest.raises(ValueError, match="shard"):
        shard_replicas(1000, 4, shard)
