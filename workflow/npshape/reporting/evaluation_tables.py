"""Tables of npshape's own model on data it never saw: accuracy per class on the independent
evaluation set, calibration (ECE before and after the temperature), `unknown` rates in and out
of domain. Prediction tables have ``structure``, ``predicted``, one column per class, the
extra columns of ``npshape classify`` and ``expected`` (the class, or the kind of an
out-of-domain cluster)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npshape.classes import CLASS_LABELS
from npshape.learning.calibration import expected_calibration_error, tempered


def evaluation_accuracy(predictions: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return ``class,n,<model>...``: each model's top-1 accuracy per expected class, then ``all``.

    ``predictions`` maps each model to its table of the evaluation set (columns ``structure``,
    ``predicted``, ``expected``, ...), every table over the same structures.
    """
    first = next(iter(predictions.values()))
    right = pd.DataFrame({model: table["predicted"] == table["expected"] for model, table in predictions.items()})
    right["class"] = first["expected"].to_numpy()
    per_class = right.groupby("class").mean()
    per_class.insert(0, "n", right.groupby("class").size())
    overall = pd.DataFrame([[len(right), *right.drop(columns="class").mean()]], columns=per_class.columns, index=["all"])
    return pd.concat([per_class, overall]).rename_axis("class").reset_index()


def calibration_table(temperature: float, scores: dict, held_out: dict, evaluation: pd.DataFrame) -> pd.DataFrame:
    """Return ``set,n,accuracy,ece_before,ece_after,temperature`` for the test split, the held-out
    sizes the temperature was fitted on, and the evaluation set.

    ``scores`` is the model card's scores (``ece_test_before``/``after``, ``test_score``),
    ``held_out`` the calibration record (``rows``, ``accuracy``, ``ece_before``/``after``),
    ``evaluation`` the model's predictions of the evaluation set (calibrated probabilities; the
    uncalibrated ones are p^T renormalised).
    """
    labels = evaluation["expected"].to_numpy()
    calibrated = evaluation[list(CLASS_LABELS)].to_numpy(dtype=float)
    raw = tempered(calibrated, 1.0 / temperature)
    right = np.asarray(CLASS_LABELS)[calibrated.argmax(axis=1)] == labels
    rows = [
        ("test split", np.nan, scores["test_score"], scores["ece_test_before"], scores["ece_test_after"]),
        ("held-out sizes (fit)", held_out["rows"], held_out["accuracy"], held_out["ece_before"], held_out["ece_after"]),
        ("evaluation set", len(evaluation), right.mean(), expected_calibration_error(raw, labels, CLASS_LABELS),
         expected_calibration_error(calibrated, labels, CLASS_LABELS)),
    ]
    table = pd.DataFrame(rows, columns=["set", "n", "accuracy", "ece_before", "ece_after"])
    table["temperature"] = temperature
    return table


def unknown_rates(in_domain: pd.DataFrame, out_of_domain: pd.DataFrame) -> pd.DataFrame:
    """Return ``set,kind,n,unknown_rate``: the in-domain evaluation set (false unknowns) and each
    kind of the out-of-domain set (detections), each with its ``all`` row."""
    rows = [("in-domain", "all", len(in_domain), float(np.mean(in_domain["predicted"] == "unknown")))]
    for kind, group in out_of_domain.groupby("expected"):
        rows.append(("out-of-domain", kind, len(group), float(np.mean(group["predicted"] == "unknown"))))
    rows.append(("out-of-domain", "all", len(out_of_domain), float(np.mean(out_of_domain["predicted"] == "unknown"))))
    return pd.DataFrame(rows, columns=["set", "kind", "n", "unknown_rate"])
