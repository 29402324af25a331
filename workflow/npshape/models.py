"""The paper's classifiers: a scaled multi-layer perceptron per descriptor, trained, saved, loaded.

Four models (paper, section 2): CM on Coulomb matrices, RDF1 on g(r̃), RDF2 on g'(r̃) and
RDF3 on both. Each is a scikit-learn ``Pipeline(FlooredStandardScaler, MLPClassifier)``, so
the scaling travels with the model. Training runs Adam epoch by epoch and keeps the weights of the
epoch with the lowest validation loss: the validation split, rather than a tolerance on the
training loss, decides when to stop.
"""

from __future__ import annotations

import copy
import json
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import skops.io as sio
from sklearn import config_context
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from npshape.io import atomic_path

MODEL_DESCRIPTORS = {"CM": ("cm",), "RDF1": ("rdf",), "RDF2": ("drdf",), "RDF3": ("rdf", "drdf")}

# Types a saved model may contain beyond skops' defaults; anything else is refused on load.
TRUSTED_TYPES = [
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "npshape.models.FlooredStandardScaler",
]

# Smallest divisor of a feature, in the descriptor's own units (g is 1 at its first peak,
# Coulomb-matrix entries are 1/r in Å⁻¹): see FlooredStandardScaler.
MIN_FEATURE_SCALE = 1e-3
# Rows per block when the scaler sums over the training rows (see FlooredStandardScaler.fit).
FIT_BLOCK_ROWS = 4096

log = logging.getLogger("npshape")


@dataclass(frozen=True)
class TrainingSettings:
    """Network and optimiser settings of one fit (config ``models`` section)."""

    hidden_layer_sizes: tuple[int, ...] = (40, 40, 40)
    learning_rate_init: float = 1e-3
    batch_size: int = 200
    alpha: float = 1e-4
    max_epochs: int = 200
    patience: int = 10
    tol: float = 1e-4
    random_state: int = 0

    @classmethod
    def from_config(cls, section: dict, **overrides) -> "TrainingSettings":
        """Return the settings of config's ``models`` section, with ``overrides`` applied."""
        values = {**section, **overrides}
        values["hidden_layer_sizes"] = tuple(values["hidden_layer_sizes"])
        return cls(**values)


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


def make_pipeline(settings: TrainingSettings) -> Pipeline:
    """Return an unfitted scaler + MLP pipeline (Adam, cross-entropy, fixed random_state)."""
    mlp = MLPClassifier(
        hidden_layer_sizes=settings.hidden_layer_sizes,
        solver="adam",
        learning_rate_init=settings.learning_rate_init,
        batch_size=settings.batch_size,
        alpha=settings.alpha,
        random_state=settings.random_state,
    )
    return Pipeline([("scale", FlooredStandardScaler()), ("mlp", mlp)])


def fit_epochs(
    settings: TrainingSettings,
    X_train: np.ndarray,
    y_train: np.ndarray,
    classes: list[str],
    X_validation: np.ndarray | None = None,
    y_validation: np.ndarray | None = None,
    epochs: int | None = None,
) -> tuple[Pipeline, list[dict]]:
    """Return a fitted pipeline and its per-epoch history.

    With a validation set, train up to ``settings.max_epochs`` epochs and keep the epoch of
    lowest validation loss, stopping after ``settings.patience`` epochs without lowering it by
    more than ``settings.tol`` (scikit-learn's meaning of tol and n_iter_no_change);
    without one, train exactly ``epochs`` epochs (used by cross-validation, which reuses the
    epoch count the validation split chose, so no fold peeks at its own test data).

    ``X_train`` and ``X_validation`` are scaled in place (callers pass fresh row selections):
    the largest fit, CM on 24,000 x 17,955 float32, then holds one copy of its rows, not two.
    """
    pipeline = make_pipeline(settings)
    scaler, mlp = pipeline.named_steps["scale"], pipeline.named_steps["mlp"]
    Z_train = scaler.fit(X_train).transform(X_train, copy=False)
    Z_validation = None if X_validation is None else scaler.transform(X_validation, copy=False)
    n_epochs = settings.max_epochs if Z_validation is not None else epochs
    history, best, best_loss, since_best = [], None, np.inf, 0
    # The rows were checked for NaN and infinity when their feature files were read:
    # scikit-learn need not scan them again at every epoch.
    with config_context(assume_finite=True):
        for epoch in range(1, n_epochs + 1):
            mlp.partial_fit(Z_train, y_train, classes=classes)
            record = {"epoch": epoch, "train_loss": float(mlp.loss_)}
            if Z_validation is not None:
                proba = mlp.predict_proba(Z_validation)
                record["validation_loss"] = float(log_loss(y_validation, proba, labels=mlp.classes_))
                record["validation_accuracy"] = float(np.mean(mlp.classes_[proba.argmax(axis=1)] == y_validation))
                if record["validation_loss"] < best_loss:
                    best = copy.deepcopy(mlp)
                if record["validation_loss"] < best_loss - settings.tol:
                    since_best = 0
                else:
                    since_best += 1
                best_loss = min(best_loss, record["validation_loss"])
            history.append(record)
            log.info("epoch %s", json.dumps(record))
            if Z_validation is not None and since_best >= settings.patience:
                break
    if best is not None:
        pipeline.steps[-1] = ("mlp", best)
    return pipeline, history


def save_model(pipeline: Pipeline, path: str | Path, metadata: dict) -> None:
    """Write the pipeline with skops (no pickle) and its metadata as JSON beside it (``.json``)."""
    with atomic_path(path) as tmp:
        sio.dump(pipeline, tmp)
    with atomic_path(Path(path).with_suffix(".json")) as tmp:
        tmp.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")


def load_model(path: str | Path) -> tuple[Pipeline, dict]:
    """Return the pipeline and metadata saved by :func:`save_model`.

    Raises
    ------
    ValueError
        Naming the file, if it is missing, not a skops file (a pickle, say), contains a type
        outside skops' defaults and :data:`TRUSTED_TYPES`, or has no metadata beside it.
    """
    path = Path(path)
    try:
        pipeline = sio.load(path, trusted=TRUSTED_TYPES)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such model file") from None
    except zipfile.BadZipFile:
        raise ValueError(f"{path}: not a skops model file (pickles and other formats are refused)") from None
    except sio.exceptions.UntrustedTypesFoundException as error:
        raise ValueError(f"{path}: refused, the file contains untrusted types ({error})") from None
    except Exception as error:  # a damaged archive can fail in many ways
        raise ValueError(f"{path}: not a readable skops model file ({type(error).__name__}: {error})") from None
    metadata_path = path.with_suffix(".json")
    try:
        metadata = json.loads(metadata_path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{metadata_path}: missing or unreadable model metadata ({error})") from None
    if not isinstance(pipeline, Pipeline) or "descriptors" not in metadata:
        raise ValueError(f"{path}: not an npshape model")
    return pipeline, metadata
