"""Descriptor tables: compute the descriptors of a batch of structures and lay them out as rows.

A table has one row per structure (or replica): ``id``, ``class``, ``replica``, then float32
feature columns named by what they hold (``rdf_1.0000``, ``drdf_1.0000``, ``cm_0_0``,
``angle_61.0``, ``cn_12``, ``cna_555``). The
settings that made the features travel in the file's metadata, so a model records, and
``npshape classify`` reuses, exactly the descriptor it was trained on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from npshape import __version__
from npshape.descriptors import coulomb, rdf
from npshape.descriptors.common_neighbours import cna_column_names, cna_features
from npshape.descriptors.local_order import local_order_column_names, local_order_features
from npshape.descriptors.pdf_descriptor import pdf_column_names
from npshape.learning.datasets import KEY_COLUMNS

DESCRIPTORS = ("cm", "rdf", "drdf", "local_order", "cna")
# the config section (descriptors.<section>) of each descriptor
SETTINGS_SECTION = {"cm": "cm", "rdf": "rdf", "drdf": "rdf", "local_order": "local_order", "cna": "cna"}


def rdf_features(
    positions: np.ndarray, numbers: np.ndarray, settings: dict, r_nn1_out: np.ndarray | None = None
) -> dict[str, tuple[list[str], np.ndarray]]:
    """Return ``{"rdf": (names, g), "drdf": (names, g')}`` for positions of shape (k, n_atoms, 3), Å.

    ``settings`` is a ``descriptors.rdf`` section: the profiles are computed on the grid it
    names and, if it has a ``sample_step``, read only at the multiples of that step (a
    coarser descriptor from the same exact profiles). Arrays are float32 (k, n_columns);
    ``r_nn1_out`` (k,), if given, receives each structure's R_NN1 (Å).
    Structures whose nearest-neighbour distance lies outside the range of the fast path
    (no metal: a molecule, carbon) are summed directly, which takes longer.
    """
    grid, read = rdf_sampling(settings)
    try:
        g, dg = rdf.rdf_profiles(positions, numbers, grid, sigma_angstrom=settings["sigma_angstrom"], r_nn1_out=r_nn1_out)
    except rdf.BondOutOfRange:
        g, dg = rdf.rdf_profiles_direct(positions, numbers, grid, sigma_angstrom=settings["sigma_angstrom"], r_nn1_out=r_nn1_out)
        g, dg = np.atleast_2d(g), np.atleast_2d(dg)
    return {
        "rdf": (rdf.rdf_column_names(grid[read], "rdf"), g[:, read].astype(np.float32)),
        "drdf": (rdf.rdf_column_names(grid[read], "drdf"), dg[:, read].astype(np.float32)),
    }


def rdf_sampling(settings: dict) -> tuple[np.ndarray, np.ndarray]:
    """Return the grid an RDF section computes on, and the indices of its points that are features."""
    grid = rdf.rdf_grid(settings["fine_step"], settings["fine_max"], settings["coarse_step"], settings["r_max"])
    if "sample_step" not in settings:
        return grid, np.arange(grid.size)
    ratio = grid / settings["sample_step"]
    return grid, np.flatnonzero(np.abs(ratio - np.round(ratio)) < 1e-6)


def settings_by_descriptor(descriptors, sections: dict) -> dict:
    """Return each descriptor's settings from config sections (``rdf`` serves both rdf and drdf)."""
    return {descriptor: sections[SETTINGS_SECTION[descriptor]] for descriptor in descriptors}


def describe_replicas(descriptors, positions: list[np.ndarray], numbers: list[np.ndarray], settings: dict) -> np.ndarray:
    """Return float32 features (n_replicas, n_features) of replicas that may differ in their atoms.

    Consecutive replicas with the same atoms (count and atomic numbers) go through the
    descriptors as one batch; ``settings`` as for :func:`describe_all`.
    """
    rows, start = [], 0
    while start < len(positions):
        stop = start + 1
        while stop < len(positions) and _same_atoms(numbers[stop], numbers[start]):
            stop += 1
        rows.append(describe_all(descriptors, np.stack(positions[start:stop]), numbers[start], settings)[1])
        start = stop
    return np.vstack(rows) if rows else np.zeros((0, len(feature_names(descriptors, settings))), np.float32)


def _same_atoms(numbers, other) -> bool:
    """Return whether two replicas have the same atoms (count and atomic numbers, in order)."""
    return len(numbers) == len(other) and np.array_equal(numbers, other)


def feature_names(descriptors, settings: dict) -> list[str]:
    """Return the column names of several descriptors side by side, without computing them."""
    names = []
    for descriptor in descriptors:
        section = settings[descriptor]
        if descriptor == "cm":
            names += coulomb.coulomb_column_names(section["size"])
        elif descriptor == "local_order":
            names += local_order_column_names(section)
        elif descriptor == "cna":
            names += cna_column_names(section)
        elif descriptor == "pdf":
            names += pdf_column_names(section)
        else:
            grid, read = rdf_sampling(section)
            names += rdf.rdf_column_names(grid[read], descriptor)
    return names


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
    return describe_all((descriptor,), positions, numbers, {descriptor: settings[SETTINGS_SECTION[descriptor]]})


def describe_all(
    descriptors, positions: np.ndarray, numbers: np.ndarray, settings: dict, r_nn1_out: np.ndarray | None = None
) -> tuple[list[str], np.ndarray]:
    """Return (names, float32 values of shape (k, n_features)) of several descriptors side by side.

    ``settings`` maps each descriptor to its own settings (a model card's
    ``descriptor_settings``); g and g' share one RDF computation, whose R_NN1 (Å) go into
    ``r_nn1_out`` (k,) if given.
    """
    names, blocks, profiles = [], [], None
    for descriptor in descriptors:
        section = settings[descriptor]
        if descriptor == "cm":
            these = cm_features(positions, section)["cm"]
        elif descriptor == "local_order":
            these = (local_order_column_names(section), local_order_features(positions, section))
        elif descriptor == "cna":
            these = (cna_column_names(section), cna_features(positions, section))
        else:
            profiles = profiles or rdf_features(positions, numbers, section, r_nn1_out)
            these = profiles[descriptor]
        names += these[0]
        blocks.append(these[1])
    return names, np.hstack(blocks)


def structure_tables(structures: list, settings: dict) -> dict[str, pd.DataFrame]:
    """Return one feature table per descriptor ``settings`` has a section for, for whole structures
    (no augmentation, replica 0).

    ``structures`` are :class:`ase.Atoms` with ``id`` and ``class`` in their info. Structures
    larger than the Coulomb-matrix size are left out of the ``cm`` table: the CM model cannot
    take them (paper: N = 27 of the 32 challenge structures).
    """
    tables = {}
    for descriptor in (d for d in DESCRIPTORS if SETTINGS_SECTION[d] in settings):
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
