"""Training: a scaled multi-layer perceptron fitted epoch by epoch, scored on its splits.

Each model is a scikit-learn ``Pipeline(FlooredStandardScaler, MLPClassifier)``, so the
scaling travels with the model. Adam runs epoch by epoch and keeps the weights of the epoch
with the lowest validation loss: the validation split, rather than a tolerance on the
training loss, decides when to stop. Cross-validation (paper: stratified 5-fold) runs over
the non-test replicas; each fold trains for the epoch count that the validation split chose,
so that no fold uses its own held-out rows to decide when to stop.
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn import config_context
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline

from npshape.learning.ensemble import ProbabilityAverage
from npshape.learning.evaluation import accuracy
from npshape.learning.scaling import FlooredStandardScaler

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
    def from_config(cls, section: dict, **overrides) -> TrainingSettings:
        """Return the settings of config's ``models`` section, with ``overrides`` applied."""
        values = {**section, **overrides}
        values["hidden_layer_sizes"] = tuple(values["hidden_layer_sizes"])
        return cls(**values)

    @classmethod
    def for_each_member(cls, section: dict, **overrides) -> TrainingSettings:
        """Return the settings of one network of an ensemble section (``npshape_model.training``:
        the ``models`` keys and ``members``, the number of networks)."""
        return cls.from_config({key: value for key, value in section.items() if key != "members"}, **overrides)


def check_classes(rows: pd.DataFrame, labels) -> list[str]:
    """Return ``labels`` as a list, the model's classes in output order; raise ValueError if one has no training row."""
    present = set(rows.loc[rows["split"] == "train", "class"])
    missing = [label for label in labels if label not in present]
    if missing:
        raise ValueError(f"no training rows of class(es) {', '.join(missing)}: every class of the model needs some")
    return list(labels)


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


def train_and_score(settings: TrainingSettings, X: np.ndarray, rows: pd.DataFrame, classes: list[str]):
    """Return (pipeline, history, scores) of a model fitted on the train split.

    The validation split chooses the epoch; ``scores`` holds ``val_score``, ``test_score``
    and ``epochs`` (the chosen epoch count).
    """
    y = rows["class"].to_numpy()
    train, validation, test = (rows["split"].to_numpy() == name for name in ("train", "validation", "test"))
    pipeline, history = fit_epochs(settings, X[train], y[train], classes, X[validation], y[validation])
    best_epoch = min(history, key=lambda record: record["validation_loss"])["epoch"]
    scores = {
        "val_score": accuracy(pipeline, X[validation], y[validation]),
        "test_score": accuracy(pipeline, X[test], y[test]),
        "epochs": best_epoch,
    }
    return pipeline, history, scores


def cross_validation_fold(
    settings: TrainingSettings, X: np.ndarray, rows: pd.DataFrame, classes: list[str], fold: int, epochs: int
) -> float:
    """Return the accuracy on CV fold ``fold`` of a model trained ``epochs`` epochs on the other folds."""
    y = rows["class"].to_numpy()
    held_out = rows["fold"].to_numpy() == fold
    training = (rows["split"].to_numpy() != "test") & ~held_out
    pipeline, _ = fit_epochs(settings, X[training], y[training], classes, epochs=epochs)
    return accuracy(pipeline, X[held_out], y[held_out])


def architecture_scores(settings: TrainingSettings, X: np.ndarray, rows: pd.DataFrame, classes: list[str], folds: int) -> dict:
    """Return the cv, validation and test scores of one architecture (paper Table S1).

    The validation split chooses the epoch count; every CV fold then trains that many epochs.
    """
    _, _, scores = train_and_score(settings, X, rows, classes)
    fold_scores = [cross_validation_fold(settings, X, rows, classes, fold, scores["epochs"]) for fold in range(folds)]
    return {**scores, "cv_score": float(np.mean(fold_scores)), "cv_fold_scores": fold_scores}


def train_ensemble(settings: TrainingSettings, members: int, X: np.ndarray, rows: pd.DataFrame, classes: list[str]):
    """Return (ensemble, history of each member, scores) of ``members`` networks fitted on the train split.

    Member k differs only by its random_state (settings.random_state + k); each chooses its
    own epoch on the validation split. ``scores`` holds the ensemble's ``val_score`` and
    ``test_score`` and each member's chosen ``epochs``.
    """
    y = rows["class"].to_numpy()
    train, validation, test = (rows["split"].to_numpy() == name for name in ("train", "validation", "test"))
    fitted, histories = [], []
    for k in range(members):
        member_settings = replace(settings, random_state=settings.random_state + k)
        pipeline, history = fit_epochs(member_settings, X[train], y[train], classes, X[validation], y[validation])
        log.info("member %d: epoch %d chosen", k, min(history, key=lambda record: record["validation_loss"])["epoch"])
        fitted.append(pipeline)
        histories.append(history)
    ensemble = ProbabilityAverage(fitted)
    scores = {
        "val_score": accuracy(ensemble, X[validation], y[validation]),
        "test_score": accuracy(ensemble, X[test], y[test]),
        "epochs": [min(h, key=lambda record: record["validation_loss"])["epoch"] for h in histories],
    }
    return ensemble, histories, scores
