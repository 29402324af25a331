"""The reference RDF: every pair's Gaussian summed on every grid point."""

import numpy as np
from scipy.spatial.distance import pdist

from npshape.descriptors.rdf.grid import SIGMA_ANGSTROM
from npshape.descriptors.rdf.pairs import as_batch, pair_weights
from npshape.descriptors.rdf.peak import first_peak_position


def rdf_profiles_direct(positions, numbers, grid, sigma_angstrom=SIGMA_ANGSTROM, r_nn1_out=None):
    """Return g(r̃) and g'(r̃) by summing every pair's Gaussian on every grid point (reference).

    Parameters
    ----------
    positions : ndarray of shape (k, n_atoms, 3) or (n_atoms, 3), Å
    numbers : array_like of shape (n_atoms,), atomic numbers
    grid : ndarray of shape (n_grid,), r̃ values (any)
    sigma_angstrom : float, Gaussian width σ in r (Å)
    r_nn1_out : ndarray of shape (k,), optional, receives each structure's R_NN1 (Å)

    Returns
    -------
    g, dg : ndarrays of shape (k, n_grid), or (n_grid,) for 2-D ``positions``, float64;
        g(1) = 1 and dg = dg/dr̃
    """
    x, one = as_batch(positions, numbers)
    grid = np.asarray(grid, dtype=float)
    weights = pair_weights(numbers)
    w = np.ones(x.shape[1] * (x.shape[1] - 1) // 2) if weights is None else weights
    g = np.empty((x.shape[0], grid.size))
    dg = np.empty_like(g)
    block = max(1, (1 << 22) // w.size)  # grid points per (points, pairs) block: bounds memory
    for row, xyz in enumerate(x):
        d = pdist(xyz)
        r_nn1 = first_peak_position(d, weights, sigma_angstrom)
        if r_nn1_out is not None:
            r_nn1_out[row] = r_nn1
        r = d / r_nn1
        width = sigma_angstrom / r_nn1
        scale = np.exp(-0.5 * ((1.0 - r) / width) ** 2) @ w  # the profile at r̃ = 1
        for start in range(0, grid.size, block):
            z = (grid[start : start + block, None] - r) / width
            e = np.exp(-0.5 * z * z)
            g[row, start : start + block] = e @ w / scale
            dg[row, start : start + block] = (z * e) @ w / (-width * scale)
    return (g[0], dg[0]) if one else (g, dg)
