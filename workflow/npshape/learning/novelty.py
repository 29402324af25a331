"""How unlike everything the model learned an input is: a novelty score and its `unknown` threshold.

The score is the distance of a structure's local-order features (bond angles and
coordination, ``npshape.descriptors.local_order``) to the nearest class of the training
data, in the Mahalanobis sense: the features are standardised, projected on their first
``dims`` principal components, and each class is a Gaussian (its mean and covariance there,
the covariance shrunk by ``shrinkage`` × its mean variance so that it can be inverted); the
score is the smallest of the distances to the classes. The local order, rather than the
RDF, because it measures packing whatever the size: a thermally disordered Mackay
icosahedron of 561 atoms is near the 147-atom ones, a monolayer, a chain, a diamond
lattice or a hollow cage is far from every class (benchmarks/results/novelty.md).

The threshold is the (1 - false_unknown_rate) quantile of the scores of held-out rows of
the training structures (the validation split, whose rows the class statistics did not
see): by construction about that fraction of in-domain structures is called `unknown`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Novelty:
    """A fitted novelty score: which feature columns, how they are reduced, the classes, the threshold."""

    columns: np.ndarray  # indices of the feature columns used
    mean: np.ndarray  # standardisation
    scale: np.ndarray
    components: np.ndarray  # (dims, n_columns) principal axes of the standardised features
    class_means: np.ndarray  # (n_classes, dims)
    class_precisions: np.ndarray  # (n_classes, dims, dims) inverse covariances
    structure_ids: np.ndarray  # (n_structures,) the training structures ...
    structure_points: np.ndarray  # (n_structures, dims) ... and the mean of their rows, projected
    threshold: float

    def project(self, X: np.ndarray) -> np.ndarray:
        """Return feature rows X (the model's full rows) standardised and projected, shape (n_rows, dims)."""
        return ((X[:, self.columns] - self.mean) / self.scale) @ self.components.T

    def nearest_structures(self, X: np.ndarray) -> np.ndarray:
        """Return, for each feature row, the training structure whose mean projected row is closest."""
        projected = self.project(X)
        distances = ((projected[:, None, :] - self.structure_points[None]) ** 2).sum(axis=2)
        return self.structure_ids[distances.argmin(axis=1)]

    def scores(self, X: np.ndarray) -> np.ndarray:
        """Return the novelty score of each feature row of X (the model's full feature rows)."""
        projected = self.project(X)
        distances = [
            np.einsum("ij,jk,ik->i", projected - mean, precision, projected - mean)
            for mean, precision in zip(self.class_means, self.class_precisions)
        ]
        return np.sqrt(np.maximum(np.min(distances, axis=0), 0.0))

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the fitted arrays, to be stored in a model file (see ``from_arrays``)."""
        return {f"novelty/{name}": np.asarray(getattr(self, name)) for name in _FIELDS}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Novelty | None:
        """Return the novelty stored by ``arrays``, or None if a model file has none."""
        if "novelty/threshold" not in arrays:
            return None
        values = {name: arrays[f"novelty/{name}"] for name in _FIELDS}
        return cls(**{**values, "threshold": float(values["threshold"])})


_FIELDS = ("columns", "mean", "scale", "components", "class_means", "class_precisions", "structure_ids",
           "structure_points", "threshold")


def fit_novelty(
    X, labels, structures, classes, columns, X_held_out, dims=40, shrinkage=1e-3, false_unknown_rate=0.01
) -> Novelty:
    """Return the novelty score fitted on training rows (X, labels) and its threshold from held-out rows.

    ``structures`` names the training structure of each row (for ``nearest_structures``);
    ``columns`` are the indices of the feature columns the score reads; ``X_held_out`` are
    in-domain rows the statistics did not see (their (1 - false_unknown_rate) quantile is the
    threshold).
    """
    Z = X[:, columns].astype(np.float64)
    mean, scale = Z.mean(axis=0), np.maximum(Z.std(axis=0), 1e-6)
    Z = (Z - mean) / scale
    _, _, vt = np.linalg.svd(Z - Z.mean(axis=0), full_matrices=False)
    components = vt[:dims]
    projected = Z @ components.T
    means, precisions = [], []
    for label in classes:
        rows = projected[np.asarray(labels) == label]
        covariance = np.cov(rows.T)
        covariance += shrinkage * np.trace(covariance) / len(covariance) * np.eye(len(covariance))
        means.append(rows.mean(axis=0))
        precisions.append(np.linalg.inv(covariance))
    structures = np.asarray(structures)
    ids = np.unique(structures)
    points = np.array([projected[structures == structure].mean(axis=0) for structure in ids])
    novelty = Novelty(
        np.asarray(columns), mean, scale, components, np.array(means), np.array(precisions), ids.astype(str), points, 0.0
    )
    threshold = float(np.quantile(novelty.scores(X_held_out), 1.0 - false_unknown_rate))
    return replace(novelty, threshold=threshold)
