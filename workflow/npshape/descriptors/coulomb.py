"""Coulomb-matrix descriptor of the paper (eq. 1, every nuclear charge set to 1).

C_ii = 0.5 and C_ij = 1 / r_ij (Å⁻¹). To make the matrix independent of the order in
which atoms are listed, rows and columns are permuted: sub-surface atoms first, then
surface atoms (``npshape.descriptors.surface``), each subset by decreasing row norm
(Euclidean norm of the full row of C). The matrix is zero-padded to ``size`` atoms
(d = 189 in the paper: the largest training structure), so every structure gives the
same number of features.

Ties. Symmetry-equivalent atoms of a perfect structure have equal row norms, so the norm
alone leaves their order to the input, and the matrix would depend on how the atoms were
listed. Norms that agree within TIE_TOLERANCE form a tie group (the tolerance absorbs
round-off and the 8 decimals of an XYZ file), and the atoms of a group are placed one by one:
next comes the one whose entries towards the atoms already placed, read in placement order,
are lexicographically largest (nearest first), entries within TIE_TOLERANCE counting as
equal. Atoms still tied after that are, in the symmetric clusters we build, images of each
other under a symmetry that fixes the atoms already placed, so which comes first does not
change the matrix (tested on icosahedra, cuboctahedra, cubes and decahedra); a tie between
atoms that are not would leave their order to the input. Randomly displaced replicas have no
ties, and their order is the plain norm order.
"""

import numpy as np
from scipy.spatial.distance import cdist

from npshape.descriptors.surface import surface_mask

# d_CM of the paper: the number of atoms of its largest training structure (BCC-C 189).
DEFAULT_SIZE = 189

# Å⁻¹: norms or entries closer than this are equal (see "Ties" above). Round-off and an
# XYZ file's 1e-8 Å move them by ~1e-9; distinct atoms of a replica differ by ~1e-3.
TIE_TOLERANCE = 1e-7


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

    order = canonical_order(matrix, surface)
    padded = np.zeros((size, size))
    padded[:n_atoms, :n_atoms] = matrix[np.ix_(order, order)]
    return padded


def canonical_order(matrix, surface):
    """Return the atom order of the sorted matrix: sub-surface then surface, each by decreasing norm.

    Ties of norm (within TIE_TOLERANCE) are broken as described in the module docstring.

    Parameters
    ----------
    matrix : ndarray of shape (n_atoms, n_atoms), the unsorted Coulomb matrix, Å⁻¹
    surface : ndarray of bool, shape (n_atoms,)

    Returns
    -------
    ndarray of shape (n_atoms,), int: atom indices in matrix order
    """
    norms = np.linalg.norm(matrix, axis=1)
    # lexsort sorts by its last key first: sub-surface (False) before surface
    order = np.lexsort((-norms, surface))
    new_group = (np.diff(norms[order]) < -TIE_TOLERANCE) | (np.diff(surface[order]) != 0)
    if new_group.all():
        return order
    groups = np.split(order, np.flatnonzero(new_group) + 1)
    return _TieBreaker(matrix, groups).best


class _TieBreaker:
    """Branch and bound over the orders of tie groups: keep the order whose rows, each read
    towards the atoms placed before it, form the lexicographically largest sequence.

    Every step places, from the current group, the atoms whose next row is largest; when
    several give the same row, each is tried. A branch whose row falls below the best
    order's row at the same step is dropped. A full order equal to the best one is its
    image under a symmetry that fixes the atoms both place first, so the rest of the branch
    where they part is an image of what was already searched, and the search returns there
    (the first-path pruning of canonical labelling programs such as nauty).
    """

    def __init__(self, matrix, groups):
        self.matrix = matrix
        self.slots = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
        self.groups = [set(g.tolist()) for g in groups]
        self.best, self.best_rows = None, None
        self._search([], [], equal_to_best=False)

    def _search(self, placed, rows, equal_to_best):
        """Search the orders that start with ``placed``; return the step to resume at, if any."""
        k = len(placed)
        if k == len(self.slots):
            if self.best is None or not equal_to_best:
                self.best, self.best_rows = np.array(placed), list(rows)
                return None
            return int(np.argmax(self.best != placed))  # the step where this order parted from the best
        candidates = np.array(sorted(self.groups[self.slots[k]].difference(placed)))
        values = self.matrix[np.ix_(candidates, placed)]
        largest = _largest_rows(values)
        row = values[largest[0]]
        if equal_to_best:
            comparison = _compare(row, self.best_rows[k])
            if comparison < 0:
                return None
            equal_to_best = comparison == 0
        for index in largest:
            resume = self._search(placed + [int(candidates[index])], rows + [row], equal_to_best)
            if resume is not None and resume < k:
                return resume
            # the best order now starts with this step's prefix (or did already)
            equal_to_best = True
        return None


def _compare(a, b):
    """Return the sign (-1, 0, 1) of the lexicographic comparison of rows ``a`` with row ``b``.

    ``a`` is one row or an array of rows; entries within TIE_TOLERANCE count as equal.
    """
    difference = np.asarray(a) - b
    if difference.shape[-1] == 0:
        return np.zeros(difference.shape[:-1], dtype=int)
    differs = np.abs(difference) > TIE_TOLERANCE
    first = np.take_along_axis(difference, differs.argmax(axis=-1)[..., None], axis=-1)[..., 0]
    return np.where(differs.any(axis=-1), np.sign(first), 0).astype(int)


def _largest_rows(values):
    """Return the indices of the rows of ``values`` equal (within TIE_TOLERANCE) to their lexicographic maximum."""
    top = 0
    while (above := np.flatnonzero(_compare(values, values[top]) > 0)).size:
        top = above[0]
    return np.flatnonzero(_compare(values, values[top]) == 0)


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
