"""Feature files → model inputs: read the shards of one or more descriptors into one matrix.

Rows are identified by (id, replica); the descriptors of a model (RDF3 = rdf ⊕ drdf) are
joined side by side after checking that their rows line up. Every shard of a descriptor must
carry the same descriptor settings, so a model never mixes features made two ways.

The shards of a descriptor are also assembled once into a float32 ``.npy`` matrix with its
keys beside it: every training, cross-validation and scan job of a model then loads one
binary array instead of parsing thirty parquet files of up to 18,000 columns.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from npshape import io

KEY_COLUMNS = ["id", "class", "replica"]


def read_descriptor(paths: list[str]) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Return (keys, features float32 of shape (n_rows, n_features), settings) of one descriptor's files.

    Raises
    ------
    ValueError
        Naming the file, if one is unreadable, has non-finite features, or was made with
        different descriptor settings or columns from the first.
    """
    keys, blocks, settings, columns = [], [], None, None
    for path in paths:
        frame, metadata = io.read_parquet(path)
        features = frame.drop(columns=KEY_COLUMNS).to_numpy(dtype=np.float32)
        if settings is None:
            settings, columns = metadata["settings"], list(frame.columns)
        elif metadata["settings"] != settings or list(frame.columns) != columns:
            raise ValueError(f"{path}: made with other descriptor settings than {paths[0]}")
        if not np.isfinite(features).all():
            raise ValueError(f"{path}: contains non-finite feature values (corrupted?)")
        keys.append(frame[KEY_COLUMNS])
        blocks.append(features)
    return pd.concat(keys, ignore_index=True), np.concatenate(blocks), settings


def keys_path(matrix_path: str | Path) -> Path:
    """Return the keys file that goes with a ``.npy`` feature matrix."""
    return Path(matrix_path).with_suffix(".keys.parquet")


def write_matrix(keys: pd.DataFrame, features: np.ndarray, settings: dict, path: str | Path) -> None:
    """Write an assembled feature matrix (``.npy``) and its keys, settings, shape and CRC-32 beside it."""
    features = np.ascontiguousarray(features)
    with io.atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            np.save(handle, features)
    metadata = {"settings": settings, "shape": list(features.shape), "crc32": zlib.crc32(features)}
    io.write_parquet(keys, keys_path(path), metadata)


def read_matrix(path: str | Path) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Return (keys, features, settings) written by :func:`write_matrix`.

    Raises ValueError naming the file if it is unreadable, truncated, replaced or corrupted
    (its CRC-32 differs from the one recorded when it was written).
    """
    keys, metadata = io.read_parquet(keys_path(path))
    try:
        features = np.load(path)
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: not a readable feature matrix ({error})") from None
    if list(features.shape) != metadata["shape"] or len(keys) != features.shape[0]:
        raise ValueError(f"{path}: shape {features.shape} does not match its keys file (truncated or replaced?)")
    if zlib.crc32(features) != metadata["crc32"]:
        raise ValueError(f"{path}: checksum differs from the one written with it (corrupted)")
    return keys, features, metadata["settings"]


def side_by_side(parts: dict[str, tuple[pd.DataFrame, np.ndarray, dict]]) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Return (keys, features of every descriptor side by side in the dict's order, settings by descriptor)."""
    keys, blocks, settings = None, [], {}
    for descriptor, (these_keys, features, these_settings) in parts.items():
        if keys is None:
            keys = these_keys
        elif not keys.equals(these_keys):
            raise ValueError(f"rows of the {descriptor} features do not line up with the others")
        blocks.append(features)
        settings[descriptor] = these_settings
    return keys, blocks[0] if len(blocks) == 1 else np.hstack(blocks), settings


def read_features(paths_by_descriptor: dict[str, list[str]]) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Return (keys, features side by side, settings by descriptor) from parquet feature files."""
    return side_by_side({d: read_descriptor(paths) for d, paths in paths_by_descriptor.items()})


def read_matrices(path_by_descriptor: dict[str, str]) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Return (keys, features side by side, settings by descriptor) from assembled ``.npy`` matrices."""
    return side_by_side({d: read_matrix(path) for d, path in path_by_descriptor.items()})
