"""Common-neighbour analysis (CNA): the fraction of a cluster's bonds with each pair signature.

Every bond i-j gets three numbers (Honeycutt & Andersen, J. Phys. Chem. 91, 4950 (1987);
Faken & Jónsson, Comput. Mater. Sci. 2, 279 (1994)): how many atoms are bonded to both i and
j, how many bonds join those common neighbours, and how many bonds the largest connected group
of those bonds has. Inside a crystal the signatures are few and tell the packing apart: 421
in fcc, 421 and 422 in hcp (and on the twin planes of decahedra and icosahedra), 555 along
five-fold axes (the one axis of a decahedron, the six through an icosahedron's centre), 444
and 666 in bcc. At the surface other signatures (311, 211, 322, ...) tell facets, edges and
vertices apart. Unlike the bond-angle distribution (``local_order``), a signature is a
topological fact of a bond: a five-fold axis is 555 whatever the strain around it, so a
decahedron with re-entrant or truncated faces keeps the signature of its axis.

Bonds are those of ``local_order``: pairs closer than ``cutoff_bonds`` × the cluster's median
nearest-neighbour distance (1.25: the first shell of fcc/hcp/icosahedral packings, both shells
of bcc). Each signature in ``signatures`` (digits, e.g. 421) is a column holding the fraction
of bonds that have it; the last column holds the bonds with any other signature, so a row
sums to 1. The fractions do not grow with the number of atoms and do not depend on the metal.
"""

from __future__ import annotations

import numpy as np

from npshape.descriptors.local_order import bond_matrix
from npshape.descriptors.rdf.compiled import numba_on_first_call

DEFAULT_SETTINGS = {
    "cutoff_bonds": 1.25,
    "signatures": [421, 422, 555, 444, 666, 433, 544, 311, 322, 211, 200, 300, 100, 411],
}


def cna_column_names(settings: dict) -> list[str]:
    """Return the names of the signature columns (``cna_421``, ...) and of the last one (``cna_other``)."""
    return [f"cna_{signature}" for signature in settings["signatures"]] + ["cna_other"]


def pair_signatures(positions: np.ndarray, cutoff_bonds: float) -> np.ndarray:
    """Return the signature of every bond i < j, as the integer 100·common + 10·bonds + chain.

    Each of the three numbers is capped at 9 (a bond of a metal cluster has at most 8 common
    neighbours when the first shell alone is bonded, 10 for bcc's two shells).
    """
    bonded = bond_matrix(positions, cutoff_bonds)
    return _signatures(np.ascontiguousarray(bonded))


@numba_on_first_call
def _signatures(bonded):
    """Return the signature code of each bond i < j of the bond matrix (row by row); the common
    neighbours of a bond are looked for among the neighbours of its first atom only."""
    n = bonded.shape[0]
    degree = np.zeros(n, np.int64)
    for i in range(n):
        for j in range(n):
            degree[i] += bonded[i, j]
    neighbours = np.empty((n, max(degree.max(), 1)), np.int64)
    for i in range(n):
        k = 0
        for j in range(n):
            if bonded[i, j]:
                neighbours[i, k] = j
                k += 1
    codes = np.empty(np.sum(degree) // 2, np.int64)
    common = np.empty(n, np.int64)
    root = np.empty(n, np.int64)
    size = np.empty(n, np.int64)
    count = 0
    for i in range(n):
        for j in range(i + 1, n):
            if not bonded[i, j]:
                continue
            n_common = 0
            for a in range(degree[i]):
                k = neighbours[i, a]
                if bonded[j, k]:
                    common[n_common] = k
                    n_common += 1
            # bonds among the common neighbours, grouped by union-find over those atoms
            for a in range(n_common):
                root[a] = a
                size[a] = 0
            n_bonds = 0
            for a in range(n_common):
                for b in range(a + 1, n_common):
                    if bonded[common[a], common[b]]:
                        n_bonds += 1
                        ra, rb = a, b
                        while root[ra] != ra:
                            ra = root[ra]
                        while root[rb] != rb:
                            rb = root[rb]
                        if ra != rb:
                            root[rb] = ra
                            size[ra] += size[rb]
                        size[ra] += 1
            chain = 0
            for a in range(n_common):
                if root[a] == a and size[a] > chain:
                    chain = size[a]
            codes[count] = 100 * min(n_common, 9) + 10 * min(n_bonds, 9) + min(chain, 9)
            count += 1
    return codes


def cna_features(positions: np.ndarray, settings: dict = DEFAULT_SETTINGS) -> np.ndarray:
    """Return the signature fractions of each structure, float32 of shape (k, len(signatures) + 1).

    Parameters
    ----------
    positions : ndarray of shape (k, n_atoms, 3) or (n_atoms, 3), Å
    settings : dict with ``cutoff_bonds`` and ``signatures`` (list of three-digit integers)
    """
    x = np.asarray(positions, dtype=float)
    x = x[None] if x.ndim == 2 else x
    signatures = np.asarray(settings["signatures"], dtype=np.int64)
    rows = np.zeros((len(x), len(signatures) + 1))
    for row, xyz in zip(rows, x):
        codes = pair_signatures(xyz, settings["cutoff_bonds"])
        known = codes[:, None] == signatures[None, :]
        row[:-1] = known.sum(axis=0)
        row[-1] = len(codes) - known.sum()
        row /= max(len(codes), 1)
    return rows.astype(np.float32)
