"""Descriptor tables: compute the descriptors of a batch of structures and lay them out as rows.

A table has one row per structure (or replica): ``id``, ``class``, ``replica``, then float32
feature columns named by what they hold (``rdf_1.0000``, ``drdf_1.0000``, ``cm_0_0``). The
settings that made the features travel in the file's metadata, so a model records, and
``npshape classify`` reuses, exactly the descriptor it was trained on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from npshape import __version__
from npshape.descriptors import coulomb, rdf
from npshape.learning.datasets import KEY_COLUMNS

DESCRIPTORS = ("cm", "rdf", "drdf")
SETTINGS_SECTION = {"cm": "cm", "rdf": "rdf", "drdf": "rdf"}  # config descriptors.<section> of each


def rdf_features(positions: np.ndarray, numbers: np.ndarray, settings: dict) -> dict[str, tuple[list[str], np.ndarray]]:
    """Return ``{"rdf": (names, g), "drdf": (names, g')}`` for positions of shape (k, n_atoms, 3), Å.

    ``settings`` is the config's ``descriptors.rdf`` section; arrays are float32 (k, n_grid).
    """
    grid = rdf.rdf_grid(settings["fine_step"], settings["fine_max"], settings["coarse_step"], settings["r_max"])
    g, dg = rdf.rdf_profiles(positions, numbers, grid, sigma_angstrom=settings["sigma_angstrom"])
    return {
        "rdf": (rdf.rdf_column_names(grid, "rdf"), g.astype(np.float32)),
        "drdf": (rdf.rdf_column_names(grid, "drdf"), dg.astype(np.float32)),
    }


def cm_features(positions: np.ndarray, settings: dict) -> dict[str, tuple[list[str], np.ndarray]]:
    """Return ``{"cm": (names, upper triangles)}`` for positions of shape (k, n_atoms, 3), Å.

    ``settings`` is the config's ``descriptors.cm`` section; raises ValueError if the
    structures have more atoms than the matrix size.
    """
    size = settings["size"]
    return {"cm": (coulomb.coulomb_column_names(size), coulomb.coulomb_features(positions, size=size))}


def describe(descriptor: str, positions: np.ndarray, numbers: np.ndarray, settings: dict) -> tuple[list[str], np.ndarray]:
    """Return (names, float32 values of shape (k, n_features)) of one descriptor.

    ``settings`` is the config's whole ``descriptors`` section; positions (k, n_atoms, 3) Å,
    numbers (n_atoms,) atomic numbers.
    """
    section = settings[SETTINGS_SECTION[descriptor]]
    if descriptor == "cm":
        return cm_features(positions, section)["cm"]
    return rdf_features(positions, numbers, section)[descriptor]


def structure_tables(structures: list, settings: dict) -> dict[str, pd.DataFrame]:
    """Return one feature table per descriptor for whole structures (no augmentation, replica 0).

    ``structures`` are :class:`ase.Atoms` with ``id`` and ``class`` in their info. Structures
    larger than the Coulomb-matrix size are left out of the ``cm`` table: the CM model cannot
    take them (paper: N = 27 of the 32 challenge structures).
    """
    tables = {}
    for descriptor in DESCRIPTORS:
        rows = [s for s in structures if descriptor != "cm" or len(s) <= settings["cm"]["size"]]
        described = [describe(descriptor, s.get_positions()[None], s.numbers, settings) for s in rows]
        names = described[0][0] if described else []
        values = np.concatenate([v for _, v in described]) if described else np.empty((0, 0), np.float32)
        ids, labels = [s.info["id"] for s in rows], [s.info["class"] for s in rows]
        tables[descriptor] = feature_frame(ids, labels, np.zeros(len(rows)), names, values)
    return tables


def feature_frame(ids: list[str], labels: list[str], replicas: np.ndarray, names: list[str], values: np.ndarray) -> pd.DataFrame:
    """Return the feature table: key columns, then one float32 column per feature."""
    keys = pd.DataFrame({"id": ids, "class": labels, "replica": np.asarray(replicas, dtype=np.int64)})
    features = pd.DataFrame(np.asarray(values, dtype=np.float32), columns=names)
    return pd.concat([keys, features], axis=1)[KEY_COLUMNS + names]


def feature_metadata(descriptor: str, settings: dict) -> dict:
    """Return the metadata stored with a feature file: what descriptor, made how, by which version."""
    return {"descriptor": descriptor, "settings": settings, "npshape_version": __version__}
