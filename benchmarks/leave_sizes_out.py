"""Leave-sizes-out validation, shared by the window benchmarks (npshape_window.py, pdf_window.py).

A model that has learned a class, not a size, must recognise a size it never saw. Each of three
folds holds out one size of every class (second smallest, middle, second largest: all its
copies, as built and relaxed); one network learns the other sizes (a tenth of their rows choose
its epoch) and meets the held-out ones.
"""

import numpy as np
import pandas as pd

from npshape.classes import CLASS_LABELS
from npshape.learning import training


def structure_size(structure_id: str, label: str) -> int:
    """Return the number of atoms a structure id names, e.g. 81 for ``HCP-S-81-ca157-Pt`` of class HCP-S."""
    return int(structure_id.removeprefix(label + "-").split("-")[0])


def size_folds(groups: list[tuple[str, int]]) -> list[set[tuple[str, int]]]:
    """Return three folds of held-out ``(class, size)`` pairs from every row's ``(class, size)``."""
    sizes = {}
    for label, n in set(groups):
        sizes.setdefault(label, set()).add(n)
    return [{(label, sorted(ns)[(f + 1) * len(ns) // 4]) for label, ns in sizes.items()} for f in range(3)]


def fit_without(held: set, groups: list, X: np.ndarray, y: np.ndarray, settings: training.TrainingSettings):
    """Return (pipeline, held-out row mask, validation row indices) of one network fitted without ``held``."""
    test = np.array([g in held for g in groups])
    split = np.where(test, "test", "train").astype(object)
    validation = np.flatnonzero(~test)[::10]
    split[validation] = "validation"
    pipeline, _, _ = training.train_and_score(settings, X, pd.DataFrame({"class": y, "split": split}), list(CLASS_LABELS))
    return pipeline, test, validation
