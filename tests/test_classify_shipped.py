"""`npshape classify` with the model shipped in the package: no study needed, every bad input one
line, `unknown` for what is none of the classes, calibrated confidence and novelty in the output."""

import subprocess
import sys

import ase.io
import numpy as np
import pandas as pd
import pytest
from ase import Atoms
from ase.build import bulk, molecule
from ase.cluster import Decahedron, Icosahedron, Octahedron
from scipy.spatial.distance import pdist

from npshape.classes import CLASS_LABELS
from npshape.classify.run import shipped_model
from npshape.learning import model_files

EXTRA = ["frame", "confidence", "novelty", "n_atoms", "r_nn1", "nearest"]


def classify(*args):
    """Run ``npshape classify`` in a fresh interpreter; return the finished process."""
    return subprocess.run([sys.executable, "-m", "npshape.cli", "classify", *args], capture_output=True, text=True)


def write(directory, name, atoms):
    path = directory / name
    ase.io.write(path, atoms)
    return str(path)


def noisy(atoms, sigma=0.05, seed=0):
    atoms = atoms.copy()
    atoms.positions += np.random.default_rng(seed).normal(0.0, sigma, atoms.positions.shape)
    return atoms


@pytest.fixture(scope="module")
def card():
    return model_files.read_card(shipped_model())


def test_without_model_the_shipped_one_answers(tmp_path, card):
    files = [write(tmp_path, "ic.xyz", noisy(Icosahedron("Au", 4))), write(tmp_path, "oh.xyz", noisy(Octahedron("Cu", 7, 0)))]
    out = tmp_path / "out.csv"
    process = classify(*files, "--output", str(out))
    assert process.returncode == 0, process.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == ["structure", "predicted", *CLASS_LABELS, *EXTRA]
    assert list(table["predicted"]) == ["IC", "OH"] and list(table["n_atoms"]) == [147, 231]
    assert np.allclose(table[list(CLASS_LABELS)].sum(axis=1), 1.0, atol=1e-5)
    assert (table["novelty"] < card.scores["novelty_threshold"]).all() and table["nearest"].str.startswith(("IC", "OH")).all()
    # r_nn1 is the first peak of g(r): about the mean distance of the first-shell pairs
    for path, r_nn1 in zip(files, table["r_nn1"]):
        distances = pdist(ase.io.read(path).positions)
        assert r_nn1 == pytest.approx(distances[distances < 1.2 * distances.min() / 0.95].mean(), abs=0.06)


def test_one_bad_file_among_good_ones_is_one_line_and_the_others_are_written(tmp_path):
    good = [write(tmp_path, "dc.xyz", noisy(Decahedron("Pt", 4, 2, 1))), write(tmp_path, "ic.xyz", noisy(Icosahedron("Ag", 3)))]
    garbage = tmp_path / "garbage.xyz"
    garbage.write_text("this is not\na structure file\n")
    overlap = write(tmp_path, "overlap.xyz", Atoms("Pt3", positions=[[0, 0, 0], [0, 0, 0.1], [0, 0, 2.7]]))
    missing = str(tmp_path / "missing.xyz")
    out = tmp_path / "out.csv"
    process = classify(good[0], str(garbage), overlap, missing, good[1], "--output", str(out))
    assert process.returncode == 2
    lines = [line for line in process.stderr.splitlines() if line.strip()]
    assert len(lines) == 3 and "Traceback" not in process.stderr
    for line, path in zip(lines, [str(garbage), overlap, missing]):
        assert line.startswith(f"npshape classify: {path}:")
    assert list(pd.read_csv(out)["structure"]) == good


def test_a_file_with_two_clusters_is_reported_with_their_sizes(tmp_path):
    big, small = Icosahedron("Pt", 3).positions, Icosahedron("Pt", 2).positions
    pair = Atoms("Pt68", positions=np.vstack([big, small + [20.0, 0.0, 0.0]]))
    process = classify(write(tmp_path, "two.xyz", pair))
    assert process.returncode == 2
    assert "2 separate clusters of 55 and 13 atoms" in process.stderr and process.stderr.count("\n") == 1


def test_none_of_the_classes_is_unknown_unless_a_class_is_forced(tmp_path, card):
    chain = Atoms("Pt30", positions=[[2.7 * i, 0.0, 0.0] for i in range(30)])
    simple_cubic = Atoms("Pt125", positions=2.7 * np.array([[i, j, k] for i in range(5) for j in range(5) for k in range(5)]))
    benzene = molecule("C6H6")
    files = [write(tmp_path, "chain.xyz", noisy(chain)), write(tmp_path, "sc.xyz", noisy(simple_cubic)),
             write(tmp_path, "benzene.xyz", benzene)]
    out, forced = tmp_path / "out.csv", tmp_path / "forced.csv"
    assert classify(*files, "--output", str(out)).returncode == 0
    open_set = pd.read_csv(out)
    assert (open_set["predicted"] == "unknown").all() and (open_set["novelty"] > card.scores["novelty_threshold"]).all()
    assert classify(*files, "--output", str(forced), "--closed-set").returncode == 0
    closed = pd.read_csv(forced)
    assert closed["predicted"].isin(CLASS_LABELS).all()
    assert (closed["predicted"] == closed[list(CLASS_LABELS)].idxmax(axis=1)).all()
    np.testing.assert_allclose(closed[list(CLASS_LABELS)], open_set[list(CLASS_LABELS)])
    assert open_set["r_nn1"][2] == pytest.approx(1.39, abs=0.03)  # C-C of benzene: outside metal bonds, still a row


def test_a_cluster_in_a_periodic_vacuum_box_is_the_free_cluster(tmp_path):
    free = noisy(Icosahedron("Pt", 3))
    boxed = free.copy()
    boxed.set_cell([25.0, 25.0, 25.0])
    boxed.set_pbc(True)
    boxed.positions += [24.0, 24.0, 1.0]  # straddles two faces of the cell
    boxed.wrap()
    files = [write(tmp_path, "free.xyz", free), write(tmp_path, "POSCAR", boxed)]
    out = tmp_path / "out.csv"
    assert classify(*files, "--output", str(out)).returncode == 0
    table = pd.read_csv(out)
    np.testing.assert_allclose(table[list(CLASS_LABELS)].iloc[0], table[list(CLASS_LABELS)].iloc[1], atol=1e-5)
    bulk_file = write(tmp_path, "bulk.cif", bulk("Pt", "fcc", a=3.92).repeat(3))
    process = classify(bulk_file)
    assert process.returncode == 2 and "bulk" in process.stderr and process.stderr.count("\n") == 1


def trajectory(directory, frames=25, corrupt=None):
    """Write an extended-XYZ trajectory of a noisy 55-atom icosahedron; frame ``corrupt`` gets a bad coordinate."""
    path = directory / "md.extxyz"
    base, rng = Icosahedron("Pt", 3).positions, np.random.default_rng(4)
    with open(path, "w") as handle:
        for k in range(frames):
            moved = base + rng.normal(0.0, 0.05, base.shape)
            lines = [f"Pt {x:.6f} {y:.6f} {z:.6f}" for x, y, z in moved]
            if k == corrupt:
                lines[7] = "Pt 0.0 zero 1.0"
            handle.write(f"{len(moved)}\nProperties=species:S:1:pos:R:3 step={k}\n" + "\n".join(lines) + "\n")
    return str(path)


def test_every_frame_gets_its_row_and_index_and_frames_select_them(tmp_path):
    path, out = trajectory(tmp_path), tmp_path / "out.csv"
    assert classify(path, "--output", str(out)).returncode == 0
    table = pd.read_csv(out)
    assert list(table["frame"]) == list(range(25)) and (table["structure"] == path).all() and (table["predicted"] == "IC").all()
    for selection, expected in [("::10", range(0, 25, 10)), ("-1", [24]), ("5:12", range(5, 12)), ("3", [3])]:
        assert classify(path, "--frames", selection, "--output", str(out)).returncode == 0
        assert list(pd.read_csv(out)["frame"]) == list(expected), selection


def test_a_corrupted_frame_in_the_middle_is_one_line_and_the_rest_goes_on(tmp_path):
    path, out = trajectory(tmp_path, corrupt=12), tmp_path / "out.csv"
    process = classify(path, "--output", str(out))
    assert process.returncode == 2
    assert process.stderr.count("\n") == 1 and f"{path}: frame 12:" in process.stderr
    assert list(pd.read_csv(out)["frame"]) == [k for k in range(25) if k != 12]


def test_slabs_and_wires_are_refused_with_one_line_each(tmp_path):
    from ase.build import fcc111

    slab = fcc111("Pt", size=(3, 3, 4), vacuum=10.0)
    wire = Atoms("Pt4", positions=[[0, 0, 0], [0, 0, 2.7], [0, 0, 5.4], [0, 0, 8.1]], cell=[20, 20, 10.8], pbc=True)
    files = [write(tmp_path, "slab.extxyz", slab), write(tmp_path, "wire.extxyz", wire)]
    process = classify(*files)
    lines = process.stderr.splitlines()
    assert process.returncode == 2 and len(lines) == 2
    assert "a slab" in lines[0] and files[0] in lines[0] and "a wire" in lines[1] and files[1] in lines[1]


def test_progress_only_on_a_terminal_and_not_when_quiet(tmp_path):
    import os
    import pty

    path, out = trajectory(tmp_path), str(tmp_path / "out.csv")
    assert classify(path, "--output", out).stderr == ""  # stderr is a pipe here
    for quiet, expected in (([], True), (["--quiet"], False)):
        main, child = pty.openpty()
        process = subprocess.run([sys.executable, "-m", "npshape.cli", "classify", path, "--output", out, *quiet],
                                 stderr=child, stdout=subprocess.DEVNULL)
        os.close(child)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        os.close(main)
        assert process.returncode == 0
        assert (b"25 frames in" in shown) is expected, shown


def write_gr(path, r, G, header):
    """Write a PDF as PDFgetX3 does: its configuration, then the data."""
    rows = "\n".join(f"{x:.4f} {y:.6f} 0.01" for x, y in zip(r, G))
    path.write_text(f"{header}\n#### start data\n#S 1\n#L r($\\AA$)  G($\\AA^{{-2}}$)  dG($\\AA^{{-2}}$)\n{rows}\n")
    return str(path)


def test_a_measured_pdf_is_classified_beside_structures_and_a_missing_qmax_is_one_line(tmp_path):
    from npshape.descriptors.pdf import PDFSettings, simulate_gr

    cluster = noisy(Icosahedron("Pt", 4), 0.05)
    r = np.arange(0.01, 30.0, 0.01)
    G = simulate_gr(cluster.positions, cluster.numbers, r, PDFSettings(qmax=24.0, qdamp=0.03, uiso=0.003))
    G += np.random.default_rng(1).normal(0.0, 0.01 * np.abs(G).max(), G.shape)
    header = "\n".join(["[DEFAULT]", "version = pdfgetx3", "dataformat = QA", "mode = xray", "composition = Pt",
                        "qmin = 0.5", "qmaxinst = 24.0", "qmax = 24.0"])
    measured = write_gr(tmp_path / "sample.gr", r, G, header)
    no_qmax = write_gr(tmp_path / "bare.gr", r, G, "[DEFAULT]\nmode = xray")
    structure = write(tmp_path, "ic.xyz", noisy(Icosahedron("Pt", 3)))
    out = tmp_path / "out.csv"
    process = classify(structure, measured, no_qmax, "--output", str(out))
    assert process.returncode == 2
    assert process.stderr.count("\n") == 1 and no_qmax in process.stderr and "--qmax" in process.stderr
    table = pd.read_csv(out).set_index("structure")
    assert table.loc[measured, "predicted"] == "IC" and np.isnan(table.loc[measured, "n_atoms"])
    # the first peak of G(r): a Mackay icosahedron's first shell mixes radial bonds (2.77 Å) with
    # 5 % longer tangential ones, and the peak sits at the shell's mean distance
    distances = pdist(cluster.positions)
    first_shell = distances[distances < 1.2 * distances.min()]
    assert table.loc[measured, "r_nn1"] == pytest.approx(first_shell.mean(), abs=0.03)
    assert classify(no_qmax, "--qmax", "24", "--output", str(out)).returncode == 0
    assert pd.read_csv(out)["predicted"][0] == "IC"
