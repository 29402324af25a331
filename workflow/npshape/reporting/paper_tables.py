"""The study's tables (paper Table 1, Table S1, challenge scores), ours beside the paper's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npshape.learning.model_card import ModelCard
from npshape.reporting import challenge_scores, paper


def table1(cards: list[ModelCard], cv_results: list[dict]) -> pd.DataFrame:
    """Return Table 1: ``model,cv_score,val_score,test_score,paper_cv,paper_test``.

    ``cards`` are the models' cards; ``cv_results`` the per-fold results (``model``,
    ``fold``, ``score``); the cv score is the mean over folds.
    """
    folds = pd.DataFrame(cv_results)
    rows = []
    for card in cards:
        model = card.model
        rows.append(
            {
                "model": model,
                "cv_score": float(folds.loc[folds["model"] == model, "score"].mean()),
                "val_score": card.scores["val_score"],
                "test_score": card.scores["test_score"],
                "paper_cv": paper.TABLE1[model]["cv"],
                "paper_test": paper.TABLE1[model]["test"],
            }
        )
    return pd.DataFrame(rows)


def main_architecture_rows(cards: list[ModelCard], cv_results: list[dict]) -> list[dict]:
    """Return Table S1 rows of the models themselves (their architecture is one of the scan's).

    ``cards`` are the models' cards; ``cv_results`` their per-fold results.
    """
    folds = pd.DataFrame(cv_results)
    rows = []
    for card in cards:
        sizes = card.training["hidden_layer_sizes"]
        fold_scores = folds.loc[folds["model"] == card.model].sort_values("fold")["score"].tolist()
        rows.append(
            {
                "model": card.model,
                "layers": len(sizes),
                "neurons": sizes[0],
                "cv_score": float(np.mean(fold_scores)),
                "cv_fold_scores": fold_scores,
                **{key: card.scores[key] for key in ("val_score", "test_score", "epochs")},
            }
        )
    return rows


def table_s1(scan_results: list[dict]) -> pd.DataFrame:
    """Return Table S1: cv, validation and test scores per model and architecture."""
    columns = ["model", "layers", "neurons", "cv_score", "val_score", "test_score", "epochs"]
    return pd.DataFrame(scan_results)[columns].sort_values(["model", "layers", "neurons"], ignore_index=True)


def challenge_score_table(probabilities: dict[str, pd.DataFrame], entries: list[dict]) -> pd.DataFrame:
    """Return ``model,n,s,s_tolerant,paper_s,paper_s_tolerant,top1,top1_tolerant`` from each model's probability table.

    The paper quotes s only: top-1 comes after its columns, so the paper's columns keep their places."""
    rows = []
    for model, table in probabilities.items():
        scores = challenge_scores.challenge_scores(table, entries)
        reference = paper.CHALLENGE_SCORES.get(model, {"s": None, "s_tolerant": None})  # npshape: not in the paper
        rows.append(
            {
                "model": model,
                "n": scores["n"],
                "s": scores["s"],
                "s_tolerant": scores["s_tolerant"],
                "paper_s": np.nan if reference["s"] is None else reference["s"],
                "paper_s_tolerant": np.nan if reference["s_tolerant"] is None else reference["s_tolerant"],
                "top1": scores["top1"],
                "top1_tolerant": scores["top1_tolerant"],
            }
        )
    return pd.DataFrame(rows)
