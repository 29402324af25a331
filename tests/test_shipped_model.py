"""The model that ships inside the package: it loads with skops' trusted types, its descriptors are the
config's, it classifies clusters built independently of npshape, and the workflow rebuilds it."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
import yaml
from conftest import ROOT, copy_workflow, snakemake

from npshape.classes import CLASS_LABELS
from npshape.classify.predictor import Predictor
from npshape.classify.run import shipped_model
from npshape.descriptors import feature_frames
from npshape.learning import model_files
from npshape.learning.model_card import NPSHAPE_DESCRIPTORS

sys.path.insert(0, str(ROOT / "workflow"))
from evaluation import in_domain  # noqa: E402  (built with ASE only, never used for training)

SHIPPED = Path(shipped_model())
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def test_the_shipped_model_is_small_and_loads_with_the_trusted_types_only():
    assert SHIPPED.stat().st_size < 5e6
    assert set(sio.get_untrusted_types(file=SHIPPED)) <= set(model_files.TRUSTED_TYPES)
    model, card = model_files.load_model(SHIPPED)
    assert card.model == "npshape" and card.classes == CLASS_LABELS and list(model.classes_) == list(CLASS_LABELS)
    assert card.provenance["npshape_version"] and card.scores["test_score"] >= 0.99
    assert {"challenge_s", "challenge_s_tolerant", "evaluation_accuracy"} <= set(card.scores)


def test_its_descriptor_settings_are_the_configs():
    card = model_files.read_card(SHIPPED)
    settings = feature_frames.settings_by_descriptor(NPSHAPE_DESCRIPTORS, CONFIG["npshape_model"]["descriptors"])
    assert card.descriptors == NPSHAPE_DESCRIPTORS and card.descriptor_settings == settings
    assert card.n_features == len(feature_frames.feature_names(NPSHAPE_DESCRIPTORS, settings))
    assert card.training == CONFIG["npshape_model"]["training"]


@pytest.fixture(scope="module")
def independent():
    """A few clusters of every class ASE can build (quick subset of the evaluation set), and their features."""
    clusters = in_domain.build_in_domain_set(quick=True)
    predictor = Predictor.from_file(SHIPPED)
    X = np.vstack([predictor.features(a.get_positions()[None], a.numbers) for a in clusters])
    return clusters, predictor, X


def test_numpy_predictor_gives_the_skops_pipelines_probabilities(independent):
    _, predictor, X = independent
    model, _ = model_files.load_model(SHIPPED)
    np.testing.assert_allclose(predictor.predict_proba(X, calibrated=False), model.predict_proba(X), rtol=1e-5, atol=1e-6)


def test_it_classifies_clusters_built_independently_of_npshape(independent):
    clusters, predictor, X = independent
    predicted = predictor.classes[predictor.predict_proba(X).argmax(axis=1)]
    expected = np.array([a.info["class"] for a in clusters])
    wrong = [f"{a.info['id']}: {p}" for a, p in zip(clusters, predicted) if p != a.info["class"]]
    assert len(set(expected)) == 10 and np.mean(predicted == expected) >= 12 / 13, wrong


REBUILD = pytest.mark.skipif(
    not os.environ.get("NPSHAPE_REBUILD_TEST"), reason="rebuilds the shipped model (5 min); .ci/run sets NPSHAPE_REBUILD_TEST=1"
)


@pytest.mark.workflow
@REBUILD
def test_the_workflow_rebuilds_the_shipped_weights_bit_for_bit(tmp_path):
    workdir = copy_workflow(tmp_path)
    snakemake(workdir, "--cores", "2", "results/models/npshape.skops", configfile="config/config.yaml")
    rebuilt, rebuilt_card = model_files.load_model(workdir / "results/models/npshape.skops")
    shipped, shipped_card = model_files.load_model(SHIPPED)
    assert rebuilt_card.descriptor_settings == shipped_card.descriptor_settings
    assert len(rebuilt.members) == len(shipped.members)
    for ours, theirs in zip(rebuilt.members, shipped.members):
        for a, b in zip([ours[0].mean_, ours[0].scale_, *ours[-1].coefs_, *ours[-1].intercepts_],
                        [theirs[0].mean_, theirs[0].scale_, *theirs[-1].coefs_, *theirs[-1].intercepts_]):
            assert a.dtype == b.dtype and np.array_equal(a, b)
