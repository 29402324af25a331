"""Whether a relaxed cluster is still the shape it was built as.

Relaxation contracts or expands a cluster and moves its surface atoms; it can also transform
it: a small cuboctahedron folds into an icosahedron, a bcc cube under an fcc-fitted potential
starts to close-pack. npshape's own training catalog keeps a relaxed copy of a shape only if

1. its bond graph is the parent's: the same pairs are closer than BOND_CUTOFF_FACTOR times
   the median nearest-neighbour distance (each structure measured on its own scale, so a
   uniform expansion, Ag against Pt, changes nothing), and
2. after the best uniform scaling, rotation and translation onto the parent (Umeyama's
   similarity fit), no atom is further than MAX_DISPLACEMENT_BONDS bonds from its place.

A transformed copy is reported with the reason and left out, never relabelled.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

# Between the first neighbour shell (1) and the second of fcc/hcp (√2 = 1.41); the second
# shell of bcc (1.155) is inside, so a bcc cube whose second neighbours move out is caught.
BOND_CUTOFF_FACTOR = 1.25
# Sutton-Chen moves the vertices of octahedra and cubes by up to about 0.15 bond; the Mackay
# fold of a 13-atom cuboctahedron moves its shell by 0.24 bond and more.
MAX_DISPLACEMENT_BONDS = 0.2


def bonds(positions: np.ndarray) -> set[tuple[int, int]]:
    """Return the pairs (i < j) closer than BOND_CUTOFF_FACTOR × the median nearest-neighbour distance."""
    tree = cKDTree(positions)
    nearest = tree.query(positions, k=2)[0][:, 1]
    return tree.query_pairs(BOND_CUTOFF_FACTOR * float(np.median(nearest)))


def similarity_residual(moved: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Return each atom's distance, Å, from ``reference`` after the best similarity fit of ``moved`` onto it.

    Umeyama (1991): the rotation, uniform scale and translation minimising the squared
    distances; both arrays of shape (n_atoms, 3), atom i of one matching atom i of the other.
    """
    a, b = moved - moved.mean(axis=0), reference - reference.mean(axis=0)
    u, s, vt = np.linalg.svd(b.T @ a)
    d = np.eye(3)
    d[2, 2] = np.sign(np.linalg.det(u @ vt))  # a proper rotation, never a reflection
    rotation = u @ d @ vt
    scale = np.trace(np.diag(s) @ d) / np.sum(a * a)
    return np.linalg.norm(scale * a @ rotation.T - b, axis=1)


def class_change(parent: np.ndarray, relaxed: np.ndarray) -> str | None:
    """Return why ``relaxed`` is no longer the shape of ``parent``, or None if it still is.

    Both are positions of shape (n_atoms, 3), Å, with atom i of one being atom i of the other.
    """
    before, after = bonds(parent), bonds(relaxed)
    if before != after:
        return f"bond graph changed: {len(after - before)} bonds made, {len(before - after)} broken"
    bond = float(np.median(cKDTree(parent).query(parent, k=2)[0][:, 1]))
    moved = similarity_residual(relaxed, parent).max() / bond
    if moved > MAX_DISPLACEMENT_BONDS:
        return f"an atom moved {moved:.2f} bonds beyond a uniform scaling ({MAX_DISPLACEMENT_BONDS} allowed)"
    return None
