"""Which replica is used for what: test, train or validation, and its cross-validation fold.

Per training structure (paper, section 2): ``test_per_structure`` replicas go to the test set;
the others are split ``1 - validation_fraction`` / ``validation_fraction`` into train and
validation, and dealt into ``cv_folds`` folds. Splitting each structure on its own makes every
split stratified by class (and by structure), and makes a structure's split depend only on the
base seed and its id: editing one catalog entry leaves every other structure's split unchanged.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd


def structure_rng(seed: int, structure_id: str, purpose: str) -> np.random.Generator:
    """Return a generator seeded by (seed, structure id, purpose) only, via a stable hash."""
    digest = hashlib.sha256(f"{purpose}:{structure_id}".encode()).digest()
    return np.random.default_rng([seed, int.from_bytes(digest[:8], "little")])


def split_structure(
    structure_id: str,
    n_replicas: int,
    seed: int,
    test_per_structure: int = 10,
    validation_fraction: float = 0.2,
    cv_folds: int = 5,
) -> pd.DataFrame:
    """Return one structure's split: columns ``replica`` (0..n-1), ``split``, ``fold``.

    ``split`` is ``"test"``, ``"train"`` or ``"validation"``; ``fold`` is the cross-validation
    fold (0..cv_folds-1) of a non-test replica and -1 for a test replica. Fold sizes differ by
    at most one, as do the train/validation counts from their exact fractions.
    """
    if not 0 <= test_per_structure < n_replicas:
        raise ValueError(f"test_per_structure={test_per_structure} must be below the {n_replicas} replicas")
    order = structure_rng(seed, structure_id, "split").permutation(n_replicas)
    test, rest = order[:test_per_structure], order[test_per_structure:]
    n_validation = int(round(validation_fraction * len(rest)))
    split = np.empty(n_replicas, dtype=object)
    split[test] = "test"
    split[rest[:n_validation]] = "validation"
    split[rest[n_validation:]] = "train"
    fold = np.full(n_replicas, -1, dtype=np.int64)
    fold[rest] = np.arange(len(rest)) % cv_folds  # rest is already shuffled: folds are random
    return pd.DataFrame({"replica": np.arange(n_replicas), "split": split, "fold": fold})


def make_splits(structures: list[tuple[str, str]], n_replicas: int, seed: int, **kwargs) -> pd.DataFrame:
    """Return the split of every replica: columns ``id``, ``class``, ``replica``, ``split``, ``fold``.

    ``structures`` lists (id, class) pairs; keyword arguments go to :func:`split_structure`.
    """
    frames = [
        split_structure(structure_id, n_replicas, seed, **kwargs).assign(id=structure_id, **{"class": label})
        for structure_id, label in structures
    ]
    return pd.concat(frames, ignore_index=True)[["id", "class", "replica", "split", "fold"]]


def assign_splits(keys: pd.DataFrame, splits: pd.DataFrame) -> pd.DataFrame:
    """Return ``keys`` (id, class, replica rows of a feature matrix) with their split and fold.

    Raises ValueError if a row has no split (features and splits made from different configs).
    """
    merged = keys.merge(splits, on=["id", "class", "replica"], how="left", validate="one_to_one")
    missing = merged["split"].isna()
    if missing.any():
        first = merged[missing].iloc[0]
        raise ValueError(
            f"{missing.sum()} feature rows have no split (e.g. {first['id']} replica {first['replica']}); "
            "rebuild results/splits.parquet with the same config"
        )
    return merged
