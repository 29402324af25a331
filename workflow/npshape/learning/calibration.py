"""Calibrated confidence: temperature scaling of a model's class probabilities, and its measure (ECE).

A classifier is calibrated when, of the structures it gives confidence 0.9, 90 % are right.
Temperature scaling (Guo et al., ICML 2017) keeps the predicted class and reshapes the
probabilities as p_k^(1/T) / Σ_j p_j^(1/T), i.e. it divides the log-probabilities of the
ensemble's average by T; T is the one number that minimises the negative log-likelihood on
held-out data. The expected calibration error (ECE) bins rows by confidence (10 equal bins)
and averages |accuracy - mean confidence| over the bins, weighted by their share of rows.
"""

from __future__ import annotations

import numpy as np

TEMPERATURE_BOUNDS = (0.05, 20.0)
ECE_BINS = 10
_FLOOR = 1e-300  # log of a probability that underflowed to 0


def tempered(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Return probabilities (n_rows, n_classes) reshaped by ``temperature``: p^(1/T), normalised per row."""
    logs = np.log(np.maximum(probabilities, _FLOOR)) / temperature
    logs -= logs.max(axis=1, keepdims=True)
    scaled = np.exp(logs)
    return scaled / scaled.sum(axis=1, keepdims=True)


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray, classes) -> float:
    """Return the temperature that minimises the mean negative log-likelihood of ``labels`` (held-out rows)."""
    from scipy.optimize import minimize_scalar

    columns = np.searchsorted(np.asarray(classes), labels)
    rows = np.arange(len(labels))

    def loss(log_temperature):
        return -np.mean(np.log(np.maximum(tempered(probabilities, np.exp(log_temperature))[rows, columns], _FLOOR)))

    low, high = np.log(TEMPERATURE_BOUNDS)
    return float(np.exp(minimize_scalar(loss, bounds=(low, high), method="bounded").x))


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, classes) -> float:
    """Return the ECE of predictions: Σ_bins (rows in bin / rows) |accuracy - mean confidence|."""
    confidence = probabilities.max(axis=1)
    right = np.asarray(classes)[probabilities.argmax(axis=1)] == labels
    bins = np.minimum((confidence * ECE_BINS).astype(int), ECE_BINS - 1)
    error = 0.0
    for b in np.unique(bins):
        rows = bins == b
        error += rows.mean() * abs(right[rows].mean() - confidence[rows].mean())
    return float(error)
