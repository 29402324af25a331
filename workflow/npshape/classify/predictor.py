"""Class probabilities from a model file with numpy alone, computed as scikit-learn computes them.

``npshape classify`` must answer in about a second for one file; importing scikit-learn and
skops takes 2-4 s. Model files therefore carry their fitted arrays (see
``npshape.learning.model_files``), and this module replays the pipeline on them: for each
member, the scaler ((X - mean) / scale, in the dtype of X), ReLU hidden layers and a softmax
output; the members' probabilities are averaged, then reshaped by the model's calibration
temperature if it has one (``npshape.learning.calibration``). A model with a novelty score
(``npshape.learning.novelty``) also says how unlike its training data an input is. Model
files of npshape 0.1 have no arrays: they are read with skops (slower) and their arrays taken
from the loaded pipeline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from npshape.learning import model_files
from npshape.learning.calibration import tempered
from npshape.learning.model_card import ModelCard
from npshape.learning.novelty import Novelty


class Predictor:
    """A model's card and the arrays its predictions need."""

    def __init__(self, card: ModelCard, arrays: dict[str, np.ndarray]):
        self.card = card
        self.classes = np.array(card.classes)
        self.temperature = float(arrays.get("temperature", 1.0))
        self.novelty = Novelty.from_arrays(arrays)
        self._members = []
        for k in range(sum(key.endswith("/mean") and key.split("/")[0].isdigit() for key in arrays)):
            layers, layer = [], 0
            while f"{k}/W{layer}" in arrays:
                layers.append((arrays[f"{k}/W{layer}"], arrays[f"{k}/b{layer}"]))
                layer += 1
            self._members.append((arrays[f"{k}/mean"], arrays[f"{k}/scale"], layers))

    @classmethod
    def from_file(cls, path: str | Path) -> Predictor:
        """Return the predictor of a model file; ValueError naming the file if it is not one."""
        card = model_files.read_card(path)
        try:
            arrays = model_files.read_arrays(path)
        except ValueError:
            model, _ = model_files.load_model(path)  # a file of npshape 0.1: no arrays inside
            arrays = model_files.inference_arrays(model)
        return cls(card, arrays)

    def features(self, positions: np.ndarray, numbers: np.ndarray, r_nn1_out: np.ndarray | None = None) -> np.ndarray:
        """Return the model's features of structures with the same atoms: positions (k, n_atoms, 3), Å.

        ``r_nn1_out`` (k,), if given, receives each structure's R_NN1 (Å) when the model reads an RDF.
        """
        from npshape.descriptors.feature_frames import describe_all

        return describe_all(self.card.descriptors, positions, numbers, self.card.descriptor_settings, r_nn1_out)[1]

    def predict_proba(self, X: np.ndarray, calibrated: bool = True) -> np.ndarray:
        """Return the class probabilities of feature rows X, shape (n_rows, n_classes), columns as ``classes``.

        ``calibrated`` applies the model's temperature (none: 1); False gives the ensemble's own average.
        """
        average = np.mean([self._member_proba(X, *member) for member in self._members], axis=0)
        return tempered(average, self.temperature) if calibrated and self.temperature != 1.0 else average

    @staticmethod
    def _member_proba(X, mean, scale, layers):
        z = X.copy()
        z -= mean
        z /= scale
        for index, (weights, biases) in enumerate(layers):
            z = z @ weights
            z += biases
            if index < len(layers) - 1:
                np.maximum(z, 0, out=z)
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z
