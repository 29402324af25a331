"""Splits: per structure, test / train / validation counts and folds as in the paper, seeded."""

import numpy as np

from npshape.learning import splits


def test_paper_counts_per_structure():
    table = splits.split_structure("IC-147", 1000, seed=2021)
    counts = table["split"].value_counts().to_dict()
    assert counts == {"train": 792, "validation": 198, "test": 10}  # 990 split 80/20
    rest = table[table["split"] != "test"]
    assert sorted(rest["fold"].value_counts().to_list()) == [198] * 5
    assert (table.loc[table["split"] == "test", "fold"] == -1).all()
    assert sorted(table["replica"]) == list(range(1000))


def test_folds_mix_train_and_validation_replicas():
    table = splits.split_structure("IC-147", 1000, seed=2021)
    rest = table[table["split"] != "test"]
    for _, fold in rest.groupby("fold"):
        share = (fold["split"] == "validation").mean()
        assert 0.1 < share < 0.3  # about the 20 % overall, not one fold of all-validation rows


def test_split_depends_on_seed_and_id_only():
    a = splits.make_splits([("A", "IC"), ("B", "CB")], 50, seed=1, test_per_structure=5, cv_folds=3)
    b = splits.make_splits([("B", "CB"), ("C", "OH"), ("A", "IC")], 50, seed=1, test_per_structure=5, cv_folds=3)
    assert a[a["id"] == "A"].reset_index(drop=True).equals(b[b["id"] == "A"].reset_index(drop=True))
    c = splits.make_splits([("A", "IC")], 50, seed=2, test_per_structure=5, cv_folds=3)
    assert not np.array_equal(a[a["id"] == "A"]["split"], c["split"])
    assert not np.array_equal(a[a["id"] == "A"]["split"].to_numpy(), a[a["id"] == "B"]["split"].to_numpy())
