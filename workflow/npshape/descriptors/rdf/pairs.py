"""Pairs of a structure: their weights b_i b_j / ⟨b⟩² and the batch layout of positions."""

import numpy as np


def pair_weights(numbers):
    """Return the weights b_i b_j / ⟨b⟩² of the pairs i < j, in ``pdist`` order.

    Parameters
    ----------
    numbers : array_like of shape (n_atoms,), atomic numbers

    Returns
    -------
    weights : ndarray of shape (n_atoms (n_atoms - 1) / 2,), float64, or None when all
        atoms are of one element (every weight is then exactly 1)
    """
    b = np.asarray(numbers, dtype=float)
    if b.ndim != 1 or b.size < 2 or not np.all(b > 0):
        raise ValueError("numbers must be a 1-D array of at least 2 positive atomic numbers")
    if np.all(b == b[0]):
        return None
    i, j = np.triu_indices(b.size, 1)
    return b[i] * b[j] / b.mean() ** 2



def as_batch(positions, numbers):
    """Return positions as an array of shape (k, n_atoms, 3) and whether one structure was given."""
    x = np.asarray(positions, dtype=float)
    one = x.ndim == 2
    x = x[None] if one else x
    if x.ndim != 3 or x.shape[2] != 3 or x.shape[1] < 2:
        raise ValueError(f"positions must have shape (k, n_atoms >= 2, 3) or (n_atoms, 3), got {np.shape(positions)}")
    if np.shape(numbers) != (x.shape[1],):
        raise ValueError(f"numbers must have shape ({x.shape[1]},), got {np.shape(numbers)}")
    if not np.isfinite(x).all():
        raise ValueError("positions must be finite")
    return x, one
