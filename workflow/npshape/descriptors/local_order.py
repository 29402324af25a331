"""Local-order descriptor: the bond-angle distribution and the coordination histogram of a cluster.

Whatever its size and shape, a cluster's packing shows in the angles between the bonds of
each atom: fcc and hcp have 60, 90, 120 and 180° (in other proportions), bcc 70.5, 109.5 and
180° with its second shell at 55 and 125°, icosahedral and decahedral packings 63.4 and
116.6°. The coordination histogram (fraction of atoms with k neighbours) adds what the
surface looks like: {100} facets, {111} facets, vertices. Both are fractions, so they do not
grow with the number of atoms, and the bond cutoff is a multiple of the cluster's own median
nearest-neighbour distance, so they do not depend on the metal.

Bonds are pairs closer than ``cutoff_bonds`` × the median nearest-neighbour distance: 1.25
lies between the first shell (1) and the second shell of fcc/hcp (1.41), and takes in the
second shell of bcc (1.15), whose 14 neighbours are its usual coordination. The angle
histogram counts each angle j-i-k of two bonds of atom i once, on bins ``angle_step_deg``
wide, smoothed by a Gaussian of ``smoothing_deg`` (thermal disorder then moves weight
smoothly between bins; each angle is first shared linearly between the two nearest of
bins 8 times finer, so that no angle falls on a bin edge), and sums to 1.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from npshape.descriptors.rdf.compiled import numba_on_first_call

DEFAULT_SETTINGS = {"cutoff_bonds": 1.25, "angle_step_deg": 2.0, "smoothing_deg": 3.0, "max_coordination": 16}
_FINE_BINS_PER_STEP = 8  # angles are first counted on bins this many times finer, then smoothed


def local_order_column_names(settings: dict) -> list[str]:
    """Return the names of the angle bins (``angle_<centre in degrees>``) and coordination bins (``cn_<k>``)."""
    step = settings["angle_step_deg"]
    n_angles = int(round(180.0 / step))
    angles = [f"angle_{(b + 0.5) * step:.1f}" for b in range(n_angles)]
    return angles + [f"cn_{k}" for k in range(settings["max_coordination"] + 1)]


def bond_matrix(positions: np.ndarray, cutoff_bonds: float) -> np.ndarray:
    """Return the symmetric boolean bond matrix: pairs closer than ``cutoff_bonds`` × the median nearest-neighbour distance.

    Parameters
    ----------
    positions : ndarray of shape (n_atoms, 3), Å
    cutoff_bonds : float, bond cutoff in units of the median nearest-neighbour distance
    """
    return _distances_and_bonds(np.ascontiguousarray(positions, dtype=float), float(cutoff_bonds))[1]


def bond_angles(positions: np.ndarray, cutoff_bonds: float) -> tuple[np.ndarray, np.ndarray]:
    """Return (every bond angle j-i-k in degrees, the coordination number of each atom).

    Parameters
    ----------
    positions : ndarray of shape (n_atoms, 3), Å
    cutoff_bonds : float, bond cutoff in units of the median nearest-neighbour distance
    """
    positions = np.ascontiguousarray(positions, dtype=float)
    distance, bonded = _distances_and_bonds(positions, float(cutoff_bonds))
    return _bond_angles(positions, distance, bonded)


@numba_on_first_call
def _distances_and_bonds(positions, cutoff_bonds):
    """Return (the distance matrix, the bond matrix) in one pass over the pairs. Compiled, because
    a k-d tree or numpy's pair distances cost more than the whole RDF of the cluster."""
    n = positions.shape[0]
    distance = np.empty((n, n))
    nearest = np.full(n, np.inf)
    for i in range(n):
        distance[i, i] = np.inf
        for j in range(i + 1, n):
            dx, dy, dz = positions[j, 0] - positions[i, 0], positions[j, 1] - positions[i, 1], positions[j, 2] - positions[i, 2]
            d = np.sqrt(dx * dx + dy * dy + dz * dz)
            distance[i, j] = d
            distance[j, i] = d
            nearest[i] = min(nearest[i], d)
            nearest[j] = min(nearest[j], d)
    return distance, distance <= cutoff_bonds * np.median(nearest)


@numba_on_first_call
def _bond_angles(positions, distance, bonded):
    """Return (each bond angle in degrees, each atom's bond count) over each atom's bonds."""
    n = positions.shape[0]
    coordination = np.zeros(n, np.int64)
    for i in range(n):
        for j in range(n):
            coordination[i] += bonded[i, j]
    angles = np.empty(np.sum(coordination * (coordination - 1) // 2))
    bonds = np.empty((n, 3))
    count = 0
    for i in range(n):
        k = 0
        for j in range(n):
            if bonded[i, j]:
                for axis in range(3):
                    bonds[k, axis] = (positions[j, axis] - positions[i, axis]) / distance[i, j]
                k += 1
        for a in range(k):
            for b in range(a + 1, k):
                cosine = min(1.0, max(-1.0, bonds[a, 0] * bonds[b, 0] + bonds[a, 1] * bonds[b, 1] + bonds[a, 2] * bonds[b, 2]))
                angles[count] = np.degrees(np.arccos(cosine))
                count += 1
    return angles, coordination


def _linear_counts(coordinates: np.ndarray, n_bins: int) -> np.ndarray:
    """Return the counts of values on bins centred at 0 .. n_bins - 1, each value shared linearly
    between its two nearest centres: the counts change continuously with the values, so round-off
    in a rotated copy of a cluster cannot move a whole count from one bin to the next."""
    coordinates = np.clip(coordinates, 0.0, n_bins - 1.0)
    lower = np.minimum(np.floor(coordinates).astype(np.int64), n_bins - 2)
    upper_share = coordinates - lower
    return np.bincount(lower, 1.0 - upper_share, minlength=n_bins) + np.bincount(lower + 1, upper_share, minlength=n_bins)


def local_order_features(positions: np.ndarray, settings: dict = DEFAULT_SETTINGS) -> np.ndarray:
    """Return the local-order features of each structure, float32 of shape (k, n_features).

    Parameters
    ----------
    positions : ndarray of shape (k, n_atoms, 3) or (n_atoms, 3), Å
    settings : dict with ``cutoff_bonds``, ``angle_step_deg``, ``smoothing_deg``, ``max_coordination``
    """
    x = np.asarray(positions, dtype=float)
    x = x[None] if x.ndim == 2 else x
    step = settings["angle_step_deg"]
    n_angles = int(round(180.0 / step))
    fine = n_angles * _FINE_BINS_PER_STEP
    counts = np.empty((len(x), fine))
    rows = np.empty((len(x), n_angles + settings["max_coordination"] + 1))
    for row, count, xyz in zip(rows, counts, x):
        angles, coordination = bond_angles(xyz, settings["cutoff_bonds"])
        count[:] = _linear_counts(angles / 180.0 * fine - 0.5, fine)
        capped = np.minimum(coordination, settings["max_coordination"])
        row[n_angles:] = np.bincount(capped, minlength=settings["max_coordination"] + 1) / len(xyz)
    smooth = gaussian_filter1d(counts, settings["smoothing_deg"] / step * _FINE_BINS_PER_STEP, axis=1, mode="reflect")
    histogram = smooth.reshape(len(x), n_angles, _FINE_BINS_PER_STEP).sum(axis=2)
    rows[:, :n_angles] = histogram / np.maximum(histogram.sum(axis=1, keepdims=True), 1.0)
    return rows.astype(np.float32)
