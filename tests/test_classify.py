"""`npshape classify` and saved models: the user-facing contract of DESIGN.md."""

import pickle
import subprocess
import sys
import zipfile

import ase.io
import numpy as np
import pandas as pd
import pytest
from ase import Atoms
from scipy.spatial.transform import Rotation

from npshape.learning import model_files

pytestmark = pytest.mark.workflow

CLASSES = ["BCC-C", "BMN-S", "CB", "DC", "DD", "FCC-C", "FCC-S", "HCP-S", "IC", "OH", "RTD"]


def classify(*args):
    """Run ``npshape classify`` in a fresh interpreter; return the finished process."""
    return subprocess.run([sys.executable, "-m", "npshape.cli", "classify", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def structure(study):
    return ase.io.read(study / "results/structures/challenge/T01-IC55-relaxed.xyz")


@pytest.mark.parametrize("model", ["CM", "RDF3"])
def test_classify_writes_the_documented_csv(study, tmp_path, model):
    out = tmp_path / "out.csv"
    files = [str(study / "results/structures/train/IC-13.xyz"), str(study / "results/structures/train/OH-19.xyz")]
    process = classify(*files, "--model", str(study / f"results/models/{model}.skops"), "--output", str(out))
    assert process.returncode == 0, process.stderr
    table = pd.read_csv(out)
    extra = ["frame", "confidence", "novelty", "n_atoms", "r_nn1", "nearest"]
    assert list(table.columns) == ["structure", "predicted", *CLASSES, *extra]
    assert table["novelty"].isna().all() and table["nearest"].isna().all()  # the paper's models have no novelty score
    assert (table["frame"] == 0).all() and np.allclose(table["confidence"], table[CLASSES].max(axis=1), atol=1e-6)
    assert list(table["n_atoms"]) == [13, 19]
    # R_NN1: the octahedron's one first shell at 2.7 A; the icosahedron's 12 radial bonds (2.7 A) and 30
    # edges (2.7 / 0.951 A) make one peak between them
    assert table["r_nn1"][1] == pytest.approx(2.7, abs=1e-6) and 2.7 < table["r_nn1"][0] < 2.7 / 0.951
    assert list(table["structure"]) == files
    assert np.allclose(table[CLASSES].sum(axis=1), 1, atol=1e-5)
    assert (table["predicted"] == table[CLASSES].idxmax(axis=1)).all()


def test_classify_matches_the_workflow_probabilities(study, tmp_path):
    out = tmp_path / "out.csv"
    path = study / "results/structures/challenge/T02-FCC-S-55.xyz"
    assert classify(str(path), "--model", str(study / "results/models/RDF3.skops"), "--output", str(out)).returncode == 0
    ours = pd.read_csv(out)
    workflow = pd.read_csv(study / "results/tables/challenge_probabilities_RDF3.csv").set_index("structure")
    assert np.allclose(ours[CLASSES].to_numpy()[0], workflow.loc["T02-FCC-S-55", CLASSES].to_numpy(), atol=2e-6)


@pytest.mark.parametrize("model", ["CM", "RDF1", "RDF3"])
def test_probabilities_invariant_under_rotation_translation_permutation(study, structure, tmp_path, model):
    rng = np.random.default_rng(7)
    moved = structure.copy()
    moved.positions = Rotation.random(random_state=3).apply(structure.positions) + [4.0, -2.5, 11.0]
    moved = moved[rng.permutation(len(moved))]
    paths = [tmp_path / "a.xyz", tmp_path / "b.xyz"]
    ase.io.write(paths[0], structure)
    ase.io.write(paths[1], moved)
    out = tmp_path / "out.csv"
    model_file = str(study / f"results/models/{model}.skops")
    assert classify(*map(str, paths), "--model", model_file, "--output", str(out)).returncode == 0
    table = pd.read_csv(out)
    assert np.abs(table[CLASSES].iloc[0] - table[CLASSES].iloc[1]).max() <= 1e-6


def bad_files(tmp_path, study):
    """Return (path, expected phrase) for every kind of bad input of DESIGN.md."""
    cases = []
    def write(name, atoms):
        path = tmp_path / name
        ase.io.write(path, atoms)
        return str(path)
    cases.append((str(tmp_path / "missing.xyz"), "no such file"))
    garbage = tmp_path / "garbage.xyz"
    garbage.write_text("this is not\na structure file\n")
    cases.append((str(garbage), "should hold the number of atoms"))
    cases.append((write("one.xyz", Atoms("Pt", positions=[[0, 0, 0]])), "at least 2"))
    cases.append((write("overlap.xyz", Atoms("Pt3", positions=[[0, 0, 0], [0, 0, 0.1], [0, 0, 2.7]])), "overlap"))
    nan = tmp_path / "nan.xyz"
    nan.write_text("2\n\nPt 0.0 0.0 0.0\nPt nan 0.0 2.7\n")
    cases.append((str(nan), "NaN"))
    wire = Atoms("Pt2", positions=[[0, 0, 0], [0, 0, 2.7]], cell=[10, 10, 5.4], pbc=True)  # bonded to its images along z
    cases.append((write("wire.xyz", wire), "a wire"))
    return cases


def test_bad_inputs_exit_2_with_one_line_each_and_good_files_still_classified(study, tmp_path):
    cases = bad_files(tmp_path, study)
    big = str(study / "results/structures/challenge/T03-IC147-Ag.xyz")  # 147 atoms > d = 57
    good = str(study / "results/structures/train/IC-13.xyz")
    out = tmp_path / "out.csv"
    process = classify(good, *[p for p, _ in cases], big, "--model", str(study / "results/models/CM.skops"), "--output", str(out))
    assert process.returncode == 2
    lines = [line for line in process.stderr.splitlines() if line.strip()]
    assert len(lines) == len(cases) + 1, process.stderr
    for line, (path, phrase) in zip(lines, cases + [(big, "more than the 57")]):
        assert path in line and phrase in line and "Traceback" not in line
    assert list(pd.read_csv(out)["structure"]) == [good]


def test_readable_table_on_stdout_without_output(study):
    process = classify(str(study / "results/structures/train/IC-13.xyz"), "--model", str(study / "results/models/RDF1.skops"))
    assert process.returncode == 0
    header = process.stdout.splitlines()[0].split()
    assert header[:2] == ["structure", "predicted"] and "RTD" in header


def test_saved_model_round_trip_predicts_the_same(study):
    from npshape.learning import datasets
    pipeline, card = model_files.load_model(study / "results/models/RDF2.skops")
    _, X, _ = datasets.read_features({"drdf": [str(study / "results/features/drdf/IC-13/shard-0.parquet")]})
    model_files.save_model(pipeline, card, study / "roundtrip.skops")
    again, again_card = model_files.load_model(study / "roundtrip.skops")
    assert again_card == card
    assert np.array_equal(pipeline.predict_proba(X), again.predict_proba(X))


def test_pickle_and_untrusted_types_are_refused(study, tmp_path):
    pipeline, _ = model_files.load_model(study / "results/models/RDF1.skops")
    pickled = tmp_path / "model.skops"
    pickled.write_bytes(pickle.dumps(pipeline))
    with pytest.raises(ValueError, match="not a skops model file"):
        model_files.load_model(pickled)
    # a skops file whose schema names a type outside the trusted list
    tampered = tmp_path / "tampered.skops"
    with zipfile.ZipFile(study / "results/models/RDF1.skops") as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "schema.json":
                data = data.replace(b'"MLPClassifier"', b'"Popen"').replace(
                    b'"sklearn.neural_network._multilayer_perceptron"', b'"subprocess"'
                )
            target.writestr(item, data)
    with pytest.raises(ValueError, match="untrusted"):
        model_files.load_model(tampered)
    process = classify(str(study / "results/structures/train/IC-13.xyz"), "--model", str(pickled))
    assert process.returncode == 2 and process.stderr.count("\n") == 1 and "not a skops model file" in process.stderr
