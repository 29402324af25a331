"""Calibrated confidence and the novelty score, on data whose answers are known in closed form."""

import numpy as np
import pytest
from scipy.spatial.distance import mahalanobis

from npshape.learning import calibration
from npshape.learning.novelty import Novelty, fit_novelty

CLASSES = np.array(["A", "B", "C"])


def test_temperature_reshapes_probabilities_as_powers():
    p = np.array([[0.8, 0.2, 0.0]])
    np.testing.assert_allclose(calibration.tempered(p, 1.0), p, atol=1e-12)
    np.testing.assert_allclose(calibration.tempered(p, 2.0)[0, :2], [2 / 3, 1 / 3])  # sqrt(4) : sqrt(1)
    np.testing.assert_allclose(calibration.tempered(p, 0.5)[0, :2], [16 / 17, 1 / 17])  # 4^2 : 1^2
    assert calibration.tempered(p, 2.0).argmax() == 0


def test_float32_probabilities_with_an_exact_zero_stay_finite_and_silent():
    # ensembles predict in float32, where the 1e-300 floor of a zero probability would underflow to 0
    p = np.array([[1.0, 0.0, 0.0], [0.6, 0.4, 0.0]], dtype=np.float32)
    with np.errstate(divide="raise", invalid="raise"):  # (underflow of exp to 0 is harmless)
        scaled = calibration.tempered(p, 3.0)
        temperature = calibration.fit_temperature(p, np.array(["C", "A"]), CLASSES)
    assert np.isfinite(scaled).all() and scaled[1, 0] / scaled[1, 1] == pytest.approx(1.5 ** (1 / 3))
    # a row whose true class got exactly 0 pulls the temperature up, within its bounds
    assert calibration.TEMPERATURE_BOUNDS[0] < temperature <= calibration.TEMPERATURE_BOUNDS[1]


def test_fitted_temperature_recovers_the_one_that_made_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3.0, size=(20000, 3))
    overconfident = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth = calibration.tempered(overconfident, 2.0)  # the labels follow these, softer probabilities
    labels = CLASSES[[rng.choice(3, p=row) for row in truth]]
    assert calibration.fit_temperature(overconfident, labels, CLASSES) == pytest.approx(2.0, rel=0.05)


def test_expected_calibration_error_in_closed_form():
    p = np.tile([0.8, 0.1, 0.1], (10, 1))  # confidence 0.8 everywhere, right on half the rows
    labels = np.array(["A"] * 5 + ["B"] * 5)
    assert calibration.expected_calibration_error(p, labels, CLASSES) == pytest.approx(0.3)
    sure = np.tile([1.0, 0.0, 0.0], (4, 1))
    assert calibration.expected_calibration_error(sure, np.array(["A"] * 4), CLASSES) == pytest.approx(0.0)


@pytest.fixture(scope="module")
def gaussian_classes():
    rng = np.random.default_rng(1)
    a = rng.multivariate_normal([0, 0, 0], [[1, 0.5, 0], [0.5, 1, 0], [0, 0, 0.2]], size=4000)
    b = rng.multivariate_normal([6, 0, 1], [[0.5, 0, 0], [0, 2, 0], [0, 0, 1]], size=4000)
    X = np.hstack([np.vstack([a, b]), rng.normal(size=(8000, 1))])  # a last column the score does not read
    return X, np.array(["A"] * 4000 + ["B"] * 4000)


def test_novelty_is_the_mahalanobis_distance_to_the_nearest_class(gaussian_classes):
    X, labels = gaussian_classes
    held_out = X[::7]
    novelty = fit_novelty(X, labels, labels, ["A", "B"], [0, 1, 2], held_out, dims=3, shrinkage=0.0)
    queries = np.array([[0.0, 0.0, 0.0, 9.0], [6.0, 0.0, 1.0, 0.0], [3.0, 4.0, -2.0, 0.0]])
    # independently: standardise the three columns, then scipy's Mahalanobis distance per class
    Z = (X[:, :3] - X[:, :3].mean(axis=0)) / X[:, :3].std(axis=0)
    Zq = (queries[:, :3] - X[:, :3].mean(axis=0)) / X[:, :3].std(axis=0)
    expected = [
        min(mahalanobis(q, Z[labels == c].mean(axis=0), np.linalg.inv(np.cov(Z[labels == c].T))) for c in "AB") for q in Zq
    ]
    np.testing.assert_allclose(novelty.scores(queries), expected, rtol=1e-6)
    assert list(novelty.nearest_structures(queries[:2])) == ["A", "B"]


def test_novelty_threshold_calls_the_stated_share_of_held_out_rows_unknown(gaussian_classes):
    X, labels = gaussian_classes
    rng = np.random.default_rng(2)
    held_out = np.vstack([rng.multivariate_normal([0, 0, 0], [[1, 0.5, 0], [0.5, 1, 0], [0, 0, 0.2]], size=2000),
                          rng.multivariate_normal([6, 0, 1], [[0.5, 0, 0], [0, 2, 0], [0, 0, 1]], size=2000)])
    held_out = np.hstack([held_out, np.zeros((4000, 1))])
    novelty = fit_novelty(X, labels, labels, ["A", "B"], [0, 1, 2], held_out, dims=3, shrinkage=0.0, false_unknown_rate=0.05)
    assert np.mean(novelty.scores(held_out) > novelty.threshold) == pytest.approx(0.05, abs=0.002)
    # a point far from both classes is novel; the stored arrays give back the same score
    far = np.array([[3.0, 8.0, -4.0, 0.0]])
    assert novelty.scores(far)[0] > novelty.threshold
    again = Novelty.from_arrays(novelty.arrays())
    np.testing.assert_array_equal(again.scores(far), novelty.scores(far))
    assert Novelty.from_arrays({}) is None
