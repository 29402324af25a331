"""Data augmentation: randomly displaced replicas of a training structure (paper, section 2).

The paper obtains each new geometry "by a random displacement by 0.1 Å in all
directions of each atom of the parent geometry". Here every Cartesian component of
every atom is displaced independently and uniformly in [-0.1, +0.1] Å, so no atom
moves by more than 0.1 Å along any axis (at most 0.1·√3 Å in all).

Reproducibility. Replica ``r`` of structure ``structure_id`` is drawn from its own
generator, ``numpy.random.default_rng(replica_seed(base_seed, structure_id, r))``.
That seed depends only on the base seed, the structure id (through SHA-256, stable
across runs and platforms, unlike Python's ``hash``) and the replica index, so the
replicas are byte-identical whatever the sharding, the job order or the number of
cores; the seed stored beside each replica rebuilds it alone.
"""

import hashlib

import numpy as np

# The paper's amplitude: each Cartesian component moves by at most this much.
MAX_DISPLACEMENT_ANGSTROM = 0.1


def replica_seed(base_seed, structure_id, replica):
    """Return the seed of the generator that draws one replica.

    Parameters
    ----------
    base_seed : int, >= 0
        The study's seed.
    structure_id : str
        Identifier of the parent structure, e.g. ``"IC-147"``.
    replica : int, >= 0
        Index of the replica.

    Returns
    -------
    int in [0, 2**64)
        The first 64-bit word of the state of
        ``SeedSequence([base_seed, *sha256_words(structure_id), replica])``.
    """
    digest = hashlib.sha256(structure_id.encode("utf-8")).digest()
    id_words = np.frombuffer(digest, dtype="<u4").tolist()
    sequence = np.random.SeedSequence([int(base_seed), *id_words, int(replica)])
    return int(sequence.generate_state(1, dtype=np.uint64)[0])


def displaced_replicas(
    positions, structure_id, replicas, base_seed, max_displacement=MAX_DISPLACEMENT_ANGSTROM
):
    """Return randomly displaced copies of a structure and the seed of each.

    Parameters
    ----------
    positions : ndarray of shape (n_atoms, 3), Å
        The parent structure.
    structure_id : str
        Identifier of the parent structure; enters the seeds.
    replicas : array_like of int, shape (n_replicas,)
        Replica indices to draw, e.g. ``shard_replicas(1000, 4, 1)``.
    base_seed : int, >= 0
        The study's seed.
    max_displacement : float, Å
        Each Cartesian component is displaced uniformly in [-max_displacement, +max_displacement].

    Returns
    -------
    replicas : ndarray of shape (n_replicas, n_atoms, 3), float64, Å
    seeds : ndarray of shape (n_replicas,), uint64
        ``numpy.random.default_rng(seed).uniform(-max_displacement, max_displacement,
        (n_atoms, 3))`` is the displacement of that replica.
    """
    positions = np.asarray(positions, dtype=float)
    seeds = np.array(
        [replica_seed(base_seed, structure_id, r) for r in np.asarray(replicas).ravel()],
        dtype=np.uint64,
    )
    displaced = np.empty((len(seeds),) + positions.shape)
    for out, seed in zip(displaced, seeds):
        out[:] = positions + np.random.default_rng(int(seed)).uniform(
            -max_displacement, max_displacement, positions.shape
        )
    return displaced, seeds


def shard_replicas(n_replicas, n_shards, shard):
    """Return the replica indices of one shard: contiguous, sizes differing by at most one.

    Parameters
    ----------
    n_replicas : int
        Replicas per structure.
    n_shards : int, >= 1
        Number of shards the replicas are split into.
    shard : int
        0-based index of the shard, in [0, n_shards).

    Returns
    -------
    ndarray of shape (n_in_shard,), int64
        The first ``n_replicas % n_shards`` shards hold one replica more than the others.
    """
    if not 0 <= shard < n_shards:
        raise ValueError(f"shard {shard} is outside 0..{n_shards - 1}")
    return np.array_split(np.arange(n_replicas, dtype=np.int64), n_shards)[shard]
