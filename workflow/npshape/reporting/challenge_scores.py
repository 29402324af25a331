"""Scores of a model on the challenging dataset (paper section 2, "Challenging dataset and scoring").

The gross score of a model is s = Σ_j P_j(C_x) / N: the probability it gives each structure's
expected class C_x, averaged over the N structures it could take (a Coulomb-matrix model
cannot take structures larger than its matrix, so N = 27 for it and 32 for RDF models).  The
tolerant score also counts the probability of the classes the paper accepts for a structure
(the BCB helix 22 as DC or IC, the truncated octahedra 30-31 as FCC-S). Top-1 is the fraction
of structures whose most probable class is the expected one (tolerant: or an accepted one),
what Fig. 6 shows as dark green cells; a tie goes to the first class in the table's order.
"""

import pandas as pd

from npshape.classes import CLASS_LABELS

STRUCTURE_COLUMN = "structure"


def structure_scores(probabilities, entries):
    """Return, per structure of the table, the probability of its expected class and the tolerant one.

    Parameters
    ----------
    probabilities : pandas.DataFrame
        One row per structure, identified by a ``structure`` column or by the index (catalog
        ids), and one column of probabilities per class label; other columns are ignored.
    entries : list of dict
        Challenge catalog entries, each with ``id``, ``class`` (the expected class C_x) and
        ``acceptable`` (other tolerated classes, possibly empty).

    Returns
    -------
    pandas.DataFrame
        Indexed by structure, in the table's order, with columns ``expected``,
        ``p_expected`` (P(C_x)), ``p_tolerant`` (P(C_x) plus the acceptable classes' P),
        ``top`` (the most probable class), ``top_right`` and ``top_tolerated`` (it is C_x; it
        is C_x or an acceptable class).

    Raises
    ------
    ValueError
        If a structure of the table is not in the catalog or appears twice, or a class
        the score needs has no column.
    """
    table = probabilities
    if STRUCTURE_COLUMN in table.columns:
        table = table.set_index(STRUCTURE_COLUMN)
    duplicated = table.index[table.index.duplicated()].unique().tolist()
    if duplicated:
        raise ValueError(f"structures appear more than once in the probability table: {duplicated}")
    catalog = {entry["id"]: entry for entry in entries}
    unknown = [structure for structure in table.index if structure not in catalog]
    if unknown:
        raise ValueError(f"structures not in the challenge catalog: {unknown}")
    class_columns = [label for label in CLASS_LABELS if label in table.columns]
    rows = []
    for structure, probability in table.iterrows():
        entry = catalog[structure]
        classes = [entry["class"], *entry.get("acceptable", [])]
        missing = [label for label in classes if label not in probability.index]
        if missing:
            raise ValueError(f"structure {structure}: no probability column for class(es) {missing}")
        rows.append(
            {
                STRUCTURE_COLUMN: structure,
                "expected": entry["class"],
                "p_expected": float(probability[entry["class"]]),
                "p_tolerant": float(probability[classes].sum()),
                "top": (top := probability[class_columns].astype(float).idxmax()),
                "top_right": top == entry["class"],
                "top_tolerated": top in classes,
            }
        )
    columns = [STRUCTURE_COLUMN, "expected", "p_expected", "p_tolerant", "top", "top_right", "top_tolerated"]
    return pd.DataFrame(rows, columns=columns).set_index(STRUCTURE_COLUMN)


def challenge_scores(probabilities, entries):
    """Return the gross and tolerant challenge scores over the structures in the table.

    Catalog structures missing from the table are out of the model's reach and do not
    count; see `structure_scores` for the arguments and errors.

    Returns
    -------
    dict
        ``n``: structures scored (N); ``s``: Σ_j P_j(C_x) / N; ``s_tolerant``: the same
        with the acceptable classes' probabilities added; ``top1`` and ``top1_tolerant``: the
        fraction of structures whose most probable class is C_x (or an acceptable class).

    Raises
    ------
    ValueError
        As `structure_scores`, or if the table has no structure.
    """
    scores = structure_scores(probabilities, entries)
    if scores.empty:
        raise ValueError("the probability table has no structure to score")
    return {
        "n": len(scores),
        "s": float(scores["p_expected"].mean()),
        "s_tolerant": float(scores["p_tolerant"].mean()),
        "top1": float(scores["top_right"].mean()),
        "top1_tolerant": float(scores["top_tolerated"].mean()),
    }
