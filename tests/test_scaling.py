"""The model pipeline's scaler: StandardScaler's result where features vary, no blow-up where they do not."""

import zipfile

import numpy as np
import skops.io as sio
from sklearn.preprocessing import StandardScaler

from npshape.learning.model_files import TRUSTED_TYPES
from npshape.learning.scaling import FIT_BLOCK_ROWS, MIN_FEATURE_SCALE, FlooredStandardScaler


def training_rows(n_rows=200):
    rng = np.random.default_rng(0)
    varied = rng.normal(2.0, 0.5, size=(n_rows, 3))
    tail = rng.normal(0.0, 1e-17, size=(n_rows, 1))  # a column only far Gaussian tails reach
    constant = np.zeros((n_rows, 1))
    return np.hstack([varied, tail, constant])


def test_varied_features_scale_as_standard_scaler():
    X = training_rows()
    ours, reference = FlooredStandardScaler().fit(X), StandardScaler().fit(X)
    np.testing.assert_allclose(ours.transform(X)[:, :3], reference.transform(X)[:, :3], rtol=1e-12)


def test_blockwise_fit_gives_the_statistics_of_all_rows():
    X = training_rows(2 * FIT_BLOCK_ROWS + 123).astype(np.float32)
    ours, reference = FlooredStandardScaler().fit(X), StandardScaler().fit(X)
    assert ours.n_samples_seen_ == len(X)
    np.testing.assert_allclose(ours.mean_[:3], reference.mean_[:3], rtol=1e-12)
    np.testing.assert_allclose(ours.scale_[:3], reference.scale_[:3], rtol=1e-10)
    # and those of numpy, in float64 over every row at once
    np.testing.assert_allclose(ours.scale_[:3], X[:, :3].astype(np.float64).std(axis=0), rtol=1e-10)


def test_round_off_in_a_quiet_feature_stays_round_off():
    X = training_rows()
    scaler = FlooredStandardScaler().fit(X)
    assert scaler.scale_[3] == MIN_FEATURE_SCALE and scaler.scale_[4] == 1.0
    new = X[:2].copy()
    new[:, 3] += 2e-16  # what a rotated copy's FFT round-off changes
    shift = np.abs(scaler.transform(new) - scaler.transform(X[:2])).max()
    assert shift <= 2e-16 / MIN_FEATURE_SCALE * (1 + 1e-6)
    # StandardScaler alone turns it into an input of order 1
    reference = StandardScaler().fit(X)
    assert np.abs(reference.transform(new) - reference.transform(X[:2])).max() > 1.0


def test_skops_round_trip_with_the_trusted_types(tmp_path):
    X = training_rows()
    scaler = FlooredStandardScaler().fit(X)
    sio.dump(scaler, tmp_path / "scaler.skops")
    loaded = sio.load(tmp_path / "scaler.skops", trusted=TRUSTED_TYPES)
    np.testing.assert_array_equal(loaded.transform(X), scaler.transform(X))


def test_files_of_npshape_0_1_name_the_scaler_where_it_was_and_still_load(tmp_path):
    X = training_rows()
    scaler = FlooredStandardScaler().fit(X)
    sio.dump(scaler, tmp_path / "new.skops")
    with zipfile.ZipFile(tmp_path / "new.skops") as new, zipfile.ZipFile(tmp_path / "old.skops", "w") as old:
        for item in new.infolist():
            data = new.read(item.filename)
            if item.filename == "schema.json":
                assert b'"npshape.learning.scaling"' in data
                data = data.replace(b'"npshape.learning.scaling"', b'"npshape.models"')
            old.writestr(item, data)
    loaded = sio.load(tmp_path / "old.skops", trusted=TRUSTED_TYPES)
    np.testing.assert_array_equal(loaded.transform(X), scaler.transform(X))
