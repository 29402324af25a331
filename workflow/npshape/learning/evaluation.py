"""Scores of a fitted classifier: accuracy, the confusion matrix on the test split, and the
class probabilities of new structures."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix


def accuracy(pipeline, X: np.ndarray, y: np.ndarray) -> float:
    """Return the fraction of rows whose predicted class is ``y``."""
    return float(np.mean(pipeline.predict(X) == y))


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
