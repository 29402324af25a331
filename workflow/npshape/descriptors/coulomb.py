"""Coulomb-matrix descriptor of the paper (eq. 1, every nuclear charge set to 1).

C_ii = 0.5 and C_ij = 1 / r_ij (Å⁻¹). To make the matrix independent of the order in
which atoms are listed, rows and columns are permuted: sub-surface atoms first, then
surface atoms (``npshape.descriptors.surface``), each subset by decreasing row norm
(Euclidean norm of the full row of C). The matrix is zero-padded to ``size`` atoms
(d = 189 in the paper: the largest training structure), so every structure gives the
same number of features.

Ties. Row norms are rounded to 1e-10 Å⁻¹ before sorting, and equal rounded norms keep
the input order (stable sort). Symmetry-equivalent atoms of a perfect structure have
norms equal up to round-off, so rounding makes their order follow the input instead of
the last bits of floating-point noise; their matrix may then depend on the input order,
a known limit of norm-sorted Coulomb matrices. Randomly displaced replicas have no ties.
"""

import numpy as np
from scipy.spatial.distance import cdist

from npshape.descriptors.surface import surface_mask

# d_CM of the paper: the number of atoms of its largest training structure (BCC-C 189).
DEFAULT_SIZE = 189

# Decimals (of Å⁻¹) row norms are rounded to before sorting; see "Ties" above.
_NORM_DECIMALS = 10


def coulomb_matrix(positions, size=DEFAULT_SIZE, surface=None):
    """Return the sorted, zero-padded Coulomb matrix of one structure.

    Parameters
    ----------
    positions : ndarray of shape (n_atoms, 3), Å
    size : int
        Side d of the padded matrix; ``n_atoms`` must not exceed it.
    surface : ndarray of bool, shape (n_atoms,), optional
        True for surface atoms; computed with ``surface_mask`` when None.

    Returns
    -------
    ndarray of shape (size, size), float64, Å⁻¹
        Sub-surface atoms first, then surface atoms, each by decreasing row norm;
        rows and columns beyond ``n_atoms`` are zero.

    Raises
    ------
    ValueError
        If the structure has more than ``size`` atoms.
    """
    positions = np.asarray(positions, dtype=float)
    n_atoms = len(positions)
    if n_atoms > size:
        raise ValueError(
            f"structure has {n_atoms} atoms, more than the Coulomb-matrix size {size}"
        )
    if surface is None:
        surface = surface_mask(positions)

    distances = cdist(positions, positions)
    np.fill_diagonal(distances, 1.0)  # any non-zero value: the diagonal is set just below
    matrix = 1.0 / distances
    np.fill_diagonal(matrix, 0.5)

    norms = np.round(np.linalg.norm(matrix, axis=1), _NORM_DECIMALS)
    # lexsort is stable and sorts by its last key first: sub-surface (False) before surface.
    order = np.lexsort((-norms, surface))
    padded = np.zeros((size, size))
    padded[:n_atoms, :n_atoms] = matrix[np.ix_(order, order)]
    return padded


def coulomb_features(positions, size=DEFAULT_SIZE, surface=None):
    """Return the upper triangle (with diagonal) of the Coulomb matrix of each structure.

    C is symmetric, so its upper triangle, read row by row, holds all of it.

    Parameters
    ----------
    positions : ndarray of shape (n_structures, n_atoms, 3) or (n_atoms, 3), Å
    size : int
        Side d of the padded matrix.
    surface : ndarray of bool, shape (n_atoms,) or (n_structures, n_atoms), optional
        Surface masks to use instead of detecting the surface of each structure; one
        mask applies to every structure (e.g. the parent's, for its displaced replicas).

    Returns
    -------
    ndarray of shape (n_structures, size * (size + 1) // 2) or (size * (size + 1) // 2,),
    float32, Å⁻¹
        Columns in the order of ``coulomb_column_names(size)``.
    """
    positions = np.asarray(positions, dtype=float)
    if positions.ndim == 2:
        return coulomb_features(positions[None], size, surface)[0]
    if surface is None:
        masks = [None] * len(positions)
    else:
        masks = np.broadcast_to(np.asarray(surface, dtype=bool), positions.shape[:2])
    upper = np.triu_indices(size)
    features = np.empty((len(positions), len(upper[0])), dtype=np.float32)
    for row, structure, mask in zip(features, positions, masks):
        row[:] = coulomb_matrix(structure, size, mask)[upper]
    return features


def coulomb_column_names(size=DEFAULT_SIZE):
    """Return the feature names ``cm_<i>_<j>`` (i <= j, 0-based), in ``coulomb_features`` order.

    Parameters
    ----------
    size : int
        Side d of the padded matrix.

    Returns
    -------
    list of str, length size * (size + 1) // 2
    """
    return [f"cm_{i}_{j}" for i, j in zip(*np.triu_indices(size))]
