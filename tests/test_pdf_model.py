"""npshape's PDF model: its descriptor reads simulated and measured G(r) alike; its training measurements
are drawn per replica; classify takes .gr files beside structures."""

import numpy as np
import pytest

from npshape.descriptors.pdf import PDFSettings, simulate_gr
from npshape.descriptors.pdf_descriptor import DEFAULT_SETTINGS, pdf_column_names, pdf_features, pdf_grid
from npshape.learning import pdf_augmentation
from npshape.structures import shapes

R = np.arange(0.0, 20.0, 0.01)


def test_descriptor_ignores_the_scale_of_a_measurement_and_the_metal():
    cluster = shapes.cuboctahedron(3)
    g = simulate_gr(cluster, np.full(len(cluster), 78), R, PDFSettings(qmax=25.0))
    features, r_nn1 = pdf_features(R, g, 25.0, DEFAULT_SETTINGS)
    assert r_nn1 == pytest.approx(2.7, abs=0.02) and len(features) == len(pdf_column_names(DEFAULT_SETTINGS))
    np.testing.assert_allclose(pdf_features(R, 3.7 * g, 25.0, DEFAULT_SETTINGS)[0], features, atol=1e-6)
    # the same shape 5 % larger: G is read at r / R_NN1, so only the thermal widths (in A) differ a little
    larger = simulate_gr(1.05 * cluster, np.full(len(cluster), 78), R, PDFSettings(qmax=25.0))
    assert np.abs(pdf_features(R, larger, 25.0, DEFAULT_SETTINGS)[0] - features).max() < 0.15
    assert features[-1] == pytest.approx(25.0 / 30.0)  # the transform's Qmax is an input
    grid = pdf_grid(DEFAULT_SETTINGS)
    assert grid[0] == pytest.approx(0.5) and grid[-1] == pytest.approx(2.5)
    assert features[np.argmin(np.abs(grid - 1.0))] == pytest.approx(1.0, abs=0.02)  # the first peak, normalised


def test_training_measurements_are_drawn_per_replica_from_its_seed():
    cluster = shapes.icosahedron(2)
    positions, numbers = [cluster, cluster], [np.full(55, 78)] * 2
    ranges = pdf_augmentation.MeasurementRanges()
    first = pdf_augmentation.measured_features(positions, numbers, np.array([11, 12], np.uint64), ranges, DEFAULT_SETTINGS)
    again = pdf_augmentation.measured_features(positions, numbers, np.array([11, 12], np.uint64), ranges, DEFAULT_SETTINGS)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first[0], first[1])  # two seeds, two measurements of one structure
    assert 15.0 / 30.0 <= first[0, -1] <= 30.0 / 30.0
    assert pdf_augmentation.measured_features([], [], np.array([], np.uint64), ranges, DEFAULT_SETTINGS).shape == (0, 102)


def test_measurement_ranges_draw_within_their_bounds():
    ranges = pdf_augmentation.MeasurementRanges(qmax=(18.0, 19.0), qdamp=(0.02, 0.021), xray_probability=1.0)
    rng = np.random.default_rng(0)
    for _ in range(20):
        settings, scale, noise = ranges.draw(rng)
        assert settings.radiation == "xray" and 18.0 <= settings.qmax <= 19.0 and 0.02 <= settings.qdamp <= 0.021
        assert 0.5 <= scale <= 2.0 and 0.002 <= noise <= 0.03
