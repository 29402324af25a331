"""Scores of a classifier: validation, test and cross-validation accuracy, confusion matrices,
and class probabilities of new structures.

Cross-validation (paper: stratified 5-fold) runs over the non-test replicas; each fold trains
for the epoch count that the validation split chose for the model, so that no fold uses its
own held-out rows to decide when to stop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix

from npshape import models


def assign_splits(keys: pd.DataFrame, splits: pd.DataFrame) -> pd.DataFrame:
    """Return ``keys`` (id, class, replica rows of a feature matrix) with their split and fold.

    Raises ValueError if a row has no split (features and splits made from different configs).
    """
    merged = keys.merge(splits, on=["id", "class", "replica"], how="left", validate="one_to_one")
    missing = merged["split"].isna()
    if missing.any():
        first = merged[missing].iloc[0]
        raise ValueError(
            f"{missing.sum()} feature rows have no split (e.g. {first['id']} replica {first['replica']}); "
            "rebuild results/splits.parquet with the same config"
        )
    return merged


def accuracy(pipeline, X: np.ndarray, y: np.ndarray) -> float:
    """Return the fraction of rows whose predicted class is ``y``."""
    return float(np.mean(pipeline.predict(X) == y))


def train_and_score(settings: models.TrainingSettings, X: np.ndarray, rows: pd.DataFrame, classes: list[str]):
    """Return (pipeline, history, scores) of a model fitted on the train split.

    The validation split chooses the epoch; ``scores`` holds ``val_score``, ``test_score``
    and ``epochs`` (the chosen epoch count).
    """
    y = rows["class"].to_numpy()
    train, validation, test = (rows["split"].to_numpy() == name for name in ("train", "validation", "test"))
    pipeline, history = models.fit_epochs(settings, X[train], y[train], classes, X[validation], y[validation])
    best_epoch = min(history, key=lambda record: record["validation_loss"])["epoch"]
    scores = {
        "val_score": accuracy(pipeline, X[validation], y[validation]),
        "test_score": accuracy(pipeline, X[test], y[test]),
        "epochs": best_epoch,
    }
    return pipeline, history, scores


def cross_validation_fold(
    settings: models.TrainingSettings, X: np.ndarray, rows: pd.DataFrame, classes: list[str], fold: int, epochs: int
) -> float:
    """Return the accuracy on CV fold ``fold`` of a model trained ``epochs`` epochs on the other folds."""
    y = rows["class"].to_numpy()
    held_out = rows["fold"].to_numpy() == fold
    training = (rows["split"].to_numpy() != "test") & ~held_out
    pipeline, _ = models.fit_epochs(settings, X[training], y[training], classes, epochs=epochs)
    return accuracy(pipeline, X[held_out], y[held_out])


def test_confusion(pipeline, X: np.ndarray, rows: pd.DataFrame, classes: list[str]) -> pd.DataFrame:
    """Return the confusion matrix on the test split: rows are true classes, columns predicted."""
    test = rows["split"].to_numpy() == "test"
    matrix = confusion_matrix(rows["class"].to_numpy()[test], pipeline.predict(X[test]), labels=classes)
    return pd.DataFrame(matrix, index=pd.Index(classes, name="true"), columns=classes)


def probability_table(pipeline, X: np.ndarray, structures: list[str]) -> pd.DataFrame:
    """Return class probabilities: column ``structure``, then one column per class of the model."""
    proba = pipeline.predict_proba(X)
    table = pd.DataFrame(proba, columns=list(pipeline.classes_))
    table.insert(0, "predicted", pipeline.classes_[proba.argmax(axis=1)])
    table.insert(0, "structure", structures)
    return table


def architecture_scores(settings: models.TrainingSettings, X: np.ndarray, rows: pd.DataFrame, classes: list[str], folds: int) -> dict:
    """Return the cv, validation and test scores of one architecture (paper Table S1).

    The validation split chooses the epoch count; every CV fold then trains that many epochs.
    """
    _, _, scores = train_and_score(settings, X, rows, classes)
    fold_scores = [cross_validation_fold(settings, X, rows, classes, fold, scores["epochs"]) for fold in range(folds)]
    return {**scores, "cv_score": float(np.mean(fold_scores)), "cv_fold_scores": fold_scores}
