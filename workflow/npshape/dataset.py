"""Feature files → model inputs: read the shards of one or more descriptors into one matrix.

Rows are identified by (id, replica); the descriptors of a model (RDF3 = rdf ⊕ drdf) are
joined side by side after checking that their rows line up. Every shard of a descriptor must
carry the same descriptor settings, so a model never mixes features made two ways.
"""

from __future__ import annotations

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
        frame, metadata = io.read_table(path)
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


def read_features(paths_by_descriptor: dict[str, list[str]]) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Return (keys, features side by side in the dict's order, settings by descriptor)."""
    keys, blocks, settings = None, [], {}
    for descriptor, paths in paths_by_descriptor.items():
        these_keys, features, settings[descriptor] = read_descriptor(paths)
        if keys is None:
            keys = these_keys
        elif not keys.equals(these_keys):
            raise ValueError(f"rows of the {descriptor} files do not line up with the others")
        blocks.append(features)
    return keys, np.hstack(blocks), settings
