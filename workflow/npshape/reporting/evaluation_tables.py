"""Tables of npshape's own model on data it never saw: accuracy per class on the independent
evaluation set, calibration (ECE before and after the temperature), `unknown` rates in and out
of domain. Prediction tables have ``structure``, ``predicted``, one column per class, the
extra columns of ``npshape classify`` and ``expected`` (the class, or the kind of an
out-of-domain cluster)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npshape.classes import CLASS_LABELS
from npshape.learning.calibration import calibration_error, expected_calibration_error, tempered


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


PDF_QDAMP, PDF_UISO, PDF_NOISE = 0.03, 0.003, 0.01  # the fixed-Qmax measurements
REALISTIC_QMAX, REALISTIC_QDAMP, REALISTIC_NOISE, REALISTIC_DRAWS = (20.0, 26.0), (0.02, 0.05), (0.005, 0.02), 3


def pdf_answers(predictor, clusters, qmax_values, seed: int, seed_of) -> pd.DataFrame:
    """Return the PDF model's answers on simulated measurements of ``clusters`` (Atoms with ``id`` and ``class``).

    One X-ray measurement per cluster at each Qmax of ``qmax_values`` (setting ``Qmax q``), and
    REALISTIC_DRAWS with the settings drawn as in a real beamtime (``realistic``); every draw
    from ``seed_of(seed, cluster id, k)``. Columns: ``setting``, ``structure``, ``expected``,
    ``argmax`` (the most probable class), ``confidence`` (its calibrated probability),
    ``predicted`` (or ``unknown``).
    """
    from npshape.descriptors.pdf import PDFSettings
    from npshape.descriptors.pdf_descriptor import pdf_features
    from npshape.learning.pdf_augmentation import measured

    rows = []
    for atoms in clusters:
        draws = [(f"Qmax {q}", PDFSettings(qmax=q, qdamp=PDF_QDAMP, uiso=PDF_UISO), PDF_NOISE) for q in qmax_values]
        for k in range(REALISTIC_DRAWS):
            rng = np.random.default_rng(seed_of(seed, f"{atoms.info['id']}/pdf", k))
            settings = PDFSettings(radiation="xray" if rng.uniform() < 0.8 else "neutron", qmax=rng.uniform(*REALISTIC_QMAX),
                                   qdamp=rng.uniform(*REALISTIC_QDAMP), uiso=PDF_UISO)
            draws.append(("realistic", settings, rng.uniform(*REALISTIC_NOISE)))
        for k, (setting, settings, noise) in enumerate(draws):
            rng = np.random.default_rng(seed_of(seed, f"{atoms.info['id']}/noise", k))
            r, g = measured(atoms.get_positions(), atoms.numbers, settings, 1.0, noise, rng)
            X = pdf_features(r, g, settings.qmax, predictor.card.descriptor_settings["pdf"])[0][None]
            probabilities = predictor.predict_proba(X)[0]
            argmax = str(predictor.classes[probabilities.argmax()])
            novel = predictor.novelty is not None and predictor.novelty.scores(X)[0] > predictor.novelty.threshold
            rows.append((setting, atoms.info["id"], atoms.info["class"], argmax, float(probabilities.max()),
                         "unknown" if novel else argmax))
    return pd.DataFrame(rows, columns=["setting", "structure", "expected", "argmax", "confidence", "predicted"])


def pdf_accuracy(answers: pd.DataFrame) -> pd.DataFrame:
    """Return ``setting,n,accuracy,unknown_rate,answered_accuracy,mean_confidence,ece`` of the PDF model's answers."""
    rows = []
    for setting, group in answers.groupby("setting", sort=False):
        answered = group[group["predicted"] != "unknown"]
        right = (group["argmax"] == group["expected"]).to_numpy()
        rows.append((setting, len(group), float(right.mean()), float(np.mean(group["predicted"] == "unknown")),
                     float(np.mean(answered["predicted"] == answered["expected"])) if len(answered) else np.nan,
                     float(group["confidence"].mean()), calibration_error(group["confidence"], right)))
    columns = ["setting", "n", "accuracy", "unknown_rate", "answered_accuracy", "mean_confidence", "ece"]
    return pd.DataFrame(rows, columns=columns)


def pdf_unknown_rates(in_domain: pd.DataFrame, out_of_domain: pd.DataFrame) -> pd.DataFrame:
    """Return ``set,kind,n`` (clusters), then the ``unknown`` rate per setting of :func:`pdf_answers`:
    the in-domain evaluation set (false unknowns) and each kind of the out-of-domain set (detections)."""
    settings = list(dict.fromkeys(in_domain["setting"]))
    groups = [("in-domain", "all", in_domain)]
    groups += [("out-of-domain", kind, group) for kind, group in out_of_domain.groupby("expected")]
    groups.append(("out-of-domain", "all", out_of_domain))
    rows = []
    for name, kind, group in groups:
        unknown = group["predicted"] == "unknown"
        rows.append((name, kind, group["structure"].nunique(), *(float(unknown[group["setting"] == s].mean()) for s in settings)))
    return pd.DataFrame(rows, columns=["set", "kind", "n", *settings])


def pdf_confusion(answers: pd.DataFrame, setting: str, classes) -> pd.DataFrame:
    """Return the counts of (true class, most probable class) at one setting: rows true, columns predicted."""
    chosen = answers[answers["setting"] == setting]
    table = pd.crosstab(chosen["expected"], chosen["argmax"]).reindex(columns=list(classes), fill_value=0)
    return table.rename_axis(index="true", columns=None)
