"""Feature scaling that travels with a model: a StandardScaler with a floor on its divisors."""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import StandardScaler

# Smallest divisor of a feature, in the descriptor's own units (g is 1 at its first peak,
# Coulomb-matrix entries are 1/r in Å⁻¹): see FlooredStandardScaler.
MIN_FEATURE_SCALE = 1e-3
# Rows per block when the scaler sums over the training rows (see FlooredStandardScaler.fit).
FIT_BLOCK_ROWS = 4096


class FlooredStandardScaler(StandardScaler):
    """StandardScaler whose divisor of each feature is at least ``min_scale``.

    A feature that barely varies over the training rows, such as a g(r̃) column that only the
    far Gaussian tails of the largest structures reach (standard deviation ~1e-17), would
    otherwise turn round-off in a new structure into inputs of order 1: the predictions of a
    structure and of its rotated copy could then differ. Features that vary by more than
    ``min_scale`` are scaled exactly as by StandardScaler.
    """

    def __init__(self, *, min_scale=MIN_FEATURE_SCALE, copy=True, with_mean=True, with_std=True):
        super().__init__(copy=copy, with_mean=with_mean, with_std=with_std)
        self.min_scale = min_scale

    def fit(self, X, y=None, sample_weight=None):
        """Fit as StandardScaler, block of rows by block, then raise every scale below ``min_scale`` to it.

        StandardScaler makes a float64 copy of all rows to sum their squared deviations (3.4 GB
        for the CM training rows, more than the rows themselves); blocks of FIT_BLOCK_ROWS
        rows, merged by its own ``partial_fit``, keep that copy small.
        """
        for start in range(0, max(len(X), 1), FIT_BLOCK_ROWS):
            block = slice(start, start + FIT_BLOCK_ROWS)
            weights = None if sample_weight is None else sample_weight[block]
            if start == 0:
                super().fit(X[block], y, weights)
            else:
                super().partial_fit(X[block], y, weights)
        if self.scale_ is not None:
            self.scale_ = np.maximum(self.scale_, self.min_scale)
        return self
