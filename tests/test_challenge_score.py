"""Tests of npshape.reporting.challenge_scores: the gross and tolerant challenge scores, on hand-made tables."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from npshape.classes import CLASS_LABELS
from npshape.reporting import challenge_scores

CATALOG = Path(__file__).resolve().parents[1] / "config" / "structures.yaml"


@pytest.fixture(scope="module")
def entries():
    with open(CATALOG) as handle:
        return yaml.safe_load(handle)["challenge"]


def table(rows):
    """A probability table: one row per (structure, {class: probability}), zeros elsewhere."""
    frame = pd.DataFrame(
        [{"structure": structure, **{label: probabilities.get(label, 0.0) for label in CLASS_LABELS}}
         for structure, probabilities in rows]
    )
    return frame


def test_perfect_table_scores_one(entries):
    perfect = table([(entry["id"], {entry["class"]: 1.0}) for entry in entries])
    assert challenge_scores.challenge_scores(perfect, entries) == {
        "n": 32, "s": 1.0, "s_tolerant": 1.0, "top1": 1.0, "top1_tolerant": 1.0
    }


def test_uniform_table_scores_one_eleventh(entries):
    uniform = table([(entry["id"], dict.fromkeys(CLASS_LABELS, 1 / 11)) for entry in entries])
    scores = challenge_scores.challenge_scores(uniform, entries)
    assert scores["n"] == 32
    assert scores["s"] == pytest.approx(1 / 11)
    # 22 tolerates two more classes, 30 and 31 one each: (32 + 2 + 1 + 1) / 11 / 32.
    assert scores["s_tolerant"] == pytest.approx(36 / 11 / 32)


def test_half_the_rows_on_an_acceptable_class():
    entries = [
        {"id": "a", "class": "IC", "acceptable": ["DC"]},
        {"id": "b", "class": "OH", "acceptable": ["FCC-S"]},
        {"id": "c", "class": "RTD", "acceptable": []},
        {"id": "d", "class": "DC", "acceptable": []},
    ]
    probabilities = table([
        ("a", {"IC": 0.5, "DC": 0.5}),
        ("b", {"OH": 0.2, "FCC-S": 0.5, "CB": 0.3}),
        ("c", {"RTD": 1.0}),
        ("d", {"IC": 1.0}),
    ])
    scores = challenge_scores.challenge_scores(probabilities, entries)
    assert scores["n"] == 4
    assert scores["s"] == pytest.approx((0.5 + 0.2 + 1.0 + 0.0) / 4)
    assert scores["s_tolerant"] == pytest.approx((1.0 + 0.7 + 1.0 + 0.0) / 4)
    per_structure = challenge_scores.structure_scores(probabilities, entries)
    np.testing.assert_allclose(per_structure["p_expected"], [0.5, 0.2, 1.0, 0.0])
    np.testing.assert_allclose(per_structure["p_tolerant"], [1.0, 0.7, 1.0, 0.0])
    # most probable: a ties IC and DC (DC comes first in the class order, tolerated), b FCC-S
    # (tolerated), c RTD (right), d IC (wrong)
    assert per_structure["top"].tolist() == ["DC", "FCC-S", "RTD", "IC"]
    assert scores["top1"] == pytest.approx(1 / 4) and scores["top1_tolerant"] == pytest.approx(3 / 4)


def test_coulomb_matrix_table_scores_the_27_it_can_take(entries):
    reachable = {entry["id"] for entry in entries if entry["natoms"] <= 189}
    cm = table([(entry["id"], {entry["class"]: 0.5, "BMN-S": 0.5}) for entry in entries
                if entry["id"] in reachable])
    scores = challenge_scores.challenge_scores(cm, entries)
    assert scores["n"] == 27
    assert scores["s"] == pytest.approx(0.5)


def test_structures_as_index_and_extra_columns():
    entries = [{"id": "a", "class": "IC", "acceptable": []}, {"id": "b", "class": "DC", "acceptable": []}]
    frame = table([("a", {"IC": 0.9, "DC": 0.1}), ("b", {"DC": 0.3, "IC": 0.7})]).set_index("structure")
    frame.insert(0, "predicted", ["IC", "IC"])  # the CLI's column, ignored
    assert challenge_scores.challenge_scores(frame, entries)["s"] == pytest.approx(0.6)


def test_errors():
    entries = [{"id": "a", "class": "IC", "acceptable": ["DC"]}]
    with pytest.raises(ValueError, match="not in the challenge catalog"):
        challenge_scores.challenge_scores(table([("a", {"IC": 1.0}), ("stranger", {"IC": 1.0})]), entries)
    with pytest.raises(ValueError, match="more than once"):
        challenge_scores.challenge_scores(table([("a", {"IC": 1.0}), ("a", {"IC": 1.0})]), entries)
    with pytest.raises(ValueError, match="no probability column"):
        challenge_scores.challenge_scores(pd.DataFrame({"structure": ["a"], "IC": [1.0]}), entries)
    with pytest.raises(ValueError, match="no structure"):
        challenge_scores.challenge_scores(table([]).reindex(columns=["structure", *CLASS_LABELS]), entries)
