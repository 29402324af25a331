"""The input stage of `npshape classify`: frames read one by one, each checked to be one finite cluster.

Expected values come from the construction of each case (a cluster's own pair distances, the
vacuum built into a box, Python slicing of range(n)), never from the code under test.
"""

import gc
import gzip
import tracemalloc

import ase.io
import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk, fcc111
from ase.cluster import BodyCenteredCubic, Icosahedron
from scipy.spatial.distance import cdist, pdist

from npshape.classify import inputs
from npshape.classify.inputs import Frame, InputProblem, check_cluster, connected_groups, iter_frames

PT_LATTICE_ANGSTROM = 3.92
PT_BOND_ANGSTROM = PT_LATTICE_ANGSTROM / np.sqrt(2)


def icosahedron(shells: int = 3) -> Atoms:
    """Return a Mackay icosahedron of Pt centred on the origin (3 shells: 55 atoms, 2: 13)."""
    return Icosahedron("Pt", shells, latticeconstant=PT_LATTICE_ANGSTROM)


def same_shape(a: np.ndarray, b: np.ndarray, atol: float = 1e-8) -> bool:
    """Return whether two sets of positions have the same sorted pair distances (equal up to a rigid motion)."""
    return len(a) == len(b) and np.allclose(np.sort(pdist(a)), np.sort(pdist(b)), atol=atol)


def boxed(cluster: Atoms, cell, pbc=True, corner=(0.0, 0.0, 0.0)) -> Atoms:
    """Return ``cluster`` centred on ``corner`` of a periodic cell, wrapped into it (so split across boundaries)."""
    atoms = cluster.copy()
    atoms.cell = cell
    atoms.pbc = pbc
    atoms.positions += np.asarray(corner) - atoms.positions.mean(axis=0)
    atoms.wrap()
    return atoms


def only(frames) -> Frame:
    """Return the single Frame of ``frames``."""
    frames = list(frames)
    assert len(frames) == 1, frames
    return frames[0]


def problem(atoms: Atoms) -> str:
    """Return the message check_cluster raises for ``atoms``."""
    with pytest.raises(InputProblem) as raised:
        check_cluster(atoms)
    message = str(raised.value)
    assert "\n" not in message
    return message


def translated_frames(count: int, cluster: Atoms | None = None) -> list[Atoms]:
    """Return ``count`` copies of a cluster, frame i moved by i Å along x (so each frame tells its index)."""
    cluster = icosahedron(2) if cluster is None else cluster
    frames = []
    for i in range(count):
        frame = cluster.copy()
        frame.positions[:, 0] += i
        frames.append(frame)
    return frames


def frame_shift(frame: Frame, cluster: Atoms) -> float:
    """Return how far along x a frame's cluster sits from ``cluster`` (its frame index, for translated_frames)."""
    return float(np.mean(frame.atoms.positions[:, 0] - cluster.positions[:, 0]))


# ---------------------------------------------------------------------------- periodic cells


@pytest.mark.parametrize(
    "cell, pbc",
    [
        (np.diag([30.0, 30.0, 30.0]), True),
        ([[30.0, 0, 0], [9.0, 28.0, 0], [5.0, 6.0, 27.0]], True),  # triclinic
        ([[30.0, 0, 0], [10.0, 28.0, 0], [0, 0, 0]], [True, True, False]),  # periodic in a plane, no third vector
    ],
    ids=["cubic", "triclinic", "two-periodic"],
)
def test_cluster_split_across_the_boundaries_unwraps_to_the_free_cluster(cell, pbc):
    free = icosahedron()
    split = boxed(free, cell, pbc)
    assert np.ptp(split.get_scaled_positions(wrap=False)[:, 0]) > 0.5  # really split by the wrap
    cluster = check_cluster(split)
    assert same_shape(cluster.positions, free.positions)
    assert not cluster.pbc.any() and not cluster.cell.array.any()


def test_unwrapped_cluster_is_centred_in_its_box():
    cluster = check_cluster(boxed(icosahedron(), np.diag([30.0, 30.0, 30.0]), corner=(29.0, 1.0, 15.0)))
    middle = (cluster.positions.min(axis=0) + cluster.positions.max(axis=0)) / 2
    assert np.allclose(middle, 15.0)


@pytest.mark.parametrize("name, file_format", [("POSCAR", "vasp"), ("cluster.cif", "cif")])
def test_split_cluster_in_a_dft_file_unwraps(tmp_path, name, file_format):
    free = icosahedron()
    path = tmp_path / name
    ase.io.write(path, boxed(free, np.diag([24.0, 25.0, 26.0])), format=file_format)
    frame = only(iter_frames(path))
    assert frame.error is None and frame.index == 0 and frame.path == str(path)
    assert same_shape(frame.atoms.positions, free.positions, atol=1e-5)
    assert not frame.atoms.pbc.any()


def test_cluster_in_a_box_with_vec_lines_is_read_and_unwrapped(tmp_path):
    free = icosahedron()
    path = tmp_path / "vec.xyz"
    ase.io.write(path, boxed(free, np.diag([30.0, 30.0, 30.0])), format="extxyz", vec_cell=True)
    frame = only(iter_frames(path))
    assert frame.error is None
    assert same_shape(frame.atoms.positions, free.positions, atol=1e-6)


def wire() -> Atoms:
    """Return an fcc Pt wire: 2 x 2 cubic cells across, periodic along z, 30 Å cell across."""
    atoms = bulk("Pt", "fcc", a=PT_LATTICE_ANGSTROM, cubic=True).repeat((2, 2, 3))
    atoms.cell = [30.0, 30.0, 3 * PT_LATTICE_ANGSTROM]
    return atoms


@pytest.mark.parametrize(
    "build, kind, directions",
    [
        (wire, "a wire", "1 cell direction)"),
        (lambda: fcc111("Pt", (3, 3, 4), a=PT_LATTICE_ANGSTROM, vacuum=10.0), "a slab", "2 cell directions"),
        (lambda: fcc111("Pt", (3, 3, 4), a=PT_LATTICE_ANGSTROM, vacuum=10.0, periodic=True), "a slab", "2 cell directions"),
        (lambda: bulk("Pt", "fcc", a=PT_LATTICE_ANGSTROM, cubic=True).repeat(3), "bulk", "3 cell directions"),
        (lambda: bulk("Pt", "fcc", a=PT_LATTICE_ANGSTROM), "bulk", "3 cell directions"),  # one atom
    ],
    ids=["wire", "slab", "slab-3d-pbc", "bulk", "bulk-primitive"],
)
def test_extended_structures_are_refused_naming_their_kind(build, kind, directions):
    message = problem(build())
    assert message.startswith(f"periodic structure ({kind}: ")
    assert directions in message
    assert "npshape classifies finite clusters" in message


def test_cluster_too_close_to_its_images_is_refused_with_the_gap():
    free = icosahedron()
    extent = np.ptp(free.positions, axis=0)
    cell = np.diag(extent + [5.0, 12.0, 12.0])  # 5 Å of vacuum along x, more than the bond cutoff (4.2 Å)
    for corner in (cell.diagonal() / 2, (0.0, 0.0, 0.0)):  # whole in the cell, then split across it
        message = problem(boxed(free, cell, corner=corner))
        assert message.startswith("5.0 Å of vacuum between the cluster and its periodic image along cell vector 1")
    roomy = np.diag(extent + [6.5, 12.0, 12.0])
    assert same_shape(check_cluster(boxed(free, roomy, corner=(0.0, 0.0, 0.0))).positions, free.positions)


@pytest.mark.parametrize("corner", [(20.0, 20.0, 20.0), (0.0, 0.0, 0.0)], ids=["whole", "split"])
def test_two_clusters_in_a_periodic_cell_are_reported_with_their_sizes(corner):
    pair = icosahedron(3) + icosahedron(2)
    pair.positions[55:] += [15.0, 0.0, 0.0]
    assert problem(boxed(pair, np.diag([40.0, 40.0, 40.0]), corner=corner)).startswith(
        "2 separate clusters of 55 and 13 atoms"
    )


@pytest.mark.parametrize(
    "cell, message",
    [
        ([[30.0, 0, 0], [60.0, 0, 0], [0, 0, 30.0]], "are zero or linearly dependent"),
        ([[30.0, 0, 0], [0, 0, 0], [0, 0, 30.0]], "are zero or linearly dependent"),
        ([[30.0, 0, 0], [0, 30.0, 0], [0, 0, 0.3]], "the cell is only 0.300 Å thick along cell vector 3"),
        ([[30.0, 0, 0], [0, np.nan, 0], [0, 0, 30.0]], "the cell holds NaN"),
    ],
    ids=["parallel", "zero", "thin", "nan"],
)
def test_broken_periodic_cells_are_refused(cell, message):
    atoms = icosahedron()
    atoms.cell = cell
    atoms.pbc = True
    assert message in problem(atoms)


def test_cell_without_periodicity_is_dropped():
    atoms = icosahedron()
    atoms.cell = [30.0, 30.0, 30.0]
    cluster = check_cluster(atoms)
    assert not cluster.cell.array.any()
    assert np.array_equal(cluster.positions, atoms.positions)


# ---------------------------------------------------------------------------- bonds and groups


def test_two_separate_clusters_are_reported_with_their_sizes_and_gap(tmp_path):
    pair = icosahedron(3) + icosahedron(2)
    pair.positions[55:] += [14.0, 0.0, 0.0]
    gap = cdist(pair.positions[:55], pair.positions[55:]).min()
    assert gap > 1.6 * PT_BOND_ANGSTROM  # well beyond bonding
    groups = connected_groups(pair.positions, 1.5 * PT_BOND_ANGSTROM)
    assert [group.tolist() for group in groups] == [list(range(55)), list(range(55, 68))]
    message = problem(pair)
    assert message.startswith(f"2 separate clusters of 55 and 13 atoms (no other atom within {gap:.2f} Å of the largest")
    assert message.endswith("split the file or classify each cluster separately")
    path = tmp_path / "pair.xyz"
    ase.io.write(path, pair)
    assert only(iter_frames(path)).error == f"{path}: frame 0: {message}"


def test_clusters_closer_than_one_and_a_half_bonds_are_one():
    pair = icosahedron(3) + icosahedron(3)
    reach = np.ptp(pair.positions[:55, 0])
    pair.positions[55:, 0] += reach + 1.3 * PT_BOND_ANGSTROM  # the vertices face each other 1.3 bonds apart
    assert cdist(pair.positions[:55], pair.positions[55:]).min() == pytest.approx(1.3 * PT_BOND_ANGSTROM)
    assert len(connected_groups(pair.positions, inputs.bond_cutoff_angstrom(pair.positions))) == 1


def test_thermally_disordered_clusters_stay_one_group():
    rng = np.random.default_rng(0)
    for cluster in (icosahedron(4), BodyCenteredCubic("Fe", [(1, 0, 0)], [4], latticeconstant=2.87)):
        noisy = cluster.positions + rng.normal(0.0, 0.1, cluster.positions.shape)
        groups = connected_groups(noisy, inputs.bond_cutoff_angstrom(noisy))
        assert [len(group) for group in groups] == [len(cluster)]
        check_cluster(Atoms(cluster.numbers, noisy))


def test_loose_adatom_stays_bonded():
    cluster = icosahedron()
    vertex = cluster.positions[np.argmax(np.linalg.norm(cluster.positions, axis=1))]
    adatom = vertex * (1 + 1.3 * PT_BOND_ANGSTROM / np.linalg.norm(vertex))  # 1.3 bonds above a vertex
    assert len(check_cluster(cluster + Atoms("Pt", [adatom]))) == 56


def test_bond_cutoff_is_one_and_a_half_nearest_neighbours_capped():
    dimer = np.array([[0.0, 0, 0], [2.5, 0, 0]])
    assert inputs.bond_cutoff_angstrom(dimer) == pytest.approx(3.75)
    assert inputs.bond_cutoff_angstrom(dimer * 4) == pytest.approx(inputs.MAX_BOND_ANGSTROM)
    chain = np.array([[0.0, 0, 0]])  # one atom, its images 2.5 Å apart along x
    cell = np.diag([2.5, 20.0, 20.0])
    assert inputs.bond_cutoff_angstrom(chain, cell, (True, False, False)) == pytest.approx(3.75)


def test_all_pairs_and_k_d_tree_agree(monkeypatch):
    pair = icosahedron(4) + icosahedron(2)
    pair.positions[147:] += [20.0, 3.0, 0.0]
    rng = np.random.default_rng(1)
    pair.positions += rng.normal(0.0, 0.1, pair.positions.shape)
    cutoff = inputs.bond_cutoff_angstrom(pair.positions)
    groups = connected_groups(pair.positions, cutoff)
    message = problem(pair)
    monkeypatch.setattr(inputs, "DENSE_MAX_ATOMS", 0)
    assert inputs.bond_cutoff_angstrom(pair.positions) == pytest.approx(cutoff, rel=1e-12)
    assert [g.tolist() for g in connected_groups(pair.positions, cutoff)] == [g.tolist() for g in groups]
    assert problem(pair) == message


# ---------------------------------------------------------------------------- broken structures


@pytest.mark.parametrize(
    "text, start",
    [
        ("1\n\nPt 0 0 0\n", "only 1 atom (a nanoparticle has at least 2)"),
        ("0\n\n", "only 0 atoms"),
        ("3\n\nPt 0 0 0\nPt 0.2 0 0\nPt 2.7 0 0\n", "atoms 0 and 1 overlap (0.200 Å apart, less than 0.5 Å)"),
        ("3\n\nPt 0 0 0\nPt nan 0 0\nPt 2.7 0 0\n", "1 atom with NaN or infinite coordinates (first: atom 1)"),
        ("2\n\nPt 0 0 0\nPt inf 0 0\n", "1 atom with NaN or infinite coordinates"),
    ],
    ids=["one-atom", "no-atom", "overlap", "nan", "inf"],
)
def test_broken_structures_give_one_line_naming_the_file(tmp_path, text, start):
    path = tmp_path / "broken.xyz"
    path.write_text(text)
    frame = only(iter_frames(path))
    assert frame.atoms is None and frame.index == 0
    assert frame.error.startswith(f"{path}: frame 0: {start}")
    assert "\n" not in frame.error and "; " in frame.error


def test_missing_unreadable_and_empty_files_give_one_error(tmp_path):
    (tmp_path / "garbage.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "garbage.xyz").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "empty.xyz").write_text("")
    (tmp_path / "blank.xyz").write_text("\n\n")
    expected = {
        "missing.xyz": "no such file",
        "garbage.bin": "not readable",
        "garbage.xyz": "line 1 should hold the number of atoms",
        "empty.xyz": "an empty file",
        "blank.xyz": "holds no structure",
        "": "a directory",
    }
    for name, start in expected.items():
        path = tmp_path / name
        frame = only(iter_frames(path))
        assert frame.index is None and frame.atoms is None
        assert frame.error.startswith(f"{path}: {start}"), frame.error
        assert "\n" not in frame.error
    assert only(iter_frames(tmp_path / "garbage.bin", "-1")).error.startswith(f"{tmp_path / 'garbage.bin'}: not readable")


# ---------------------------------------------------------------------------- frames


def test_every_frame_of_an_extended_xyz_trajectory_comes_with_its_index(tmp_path):
    frames = translated_frames(12)
    for i, frame in enumerate(frames):
        frame.info["step"] = i
    path = tmp_path / "trajectory.xyz"
    ase.io.write(path, frames, format="extxyz")
    read = list(iter_frames(path))
    assert [frame.index for frame in read] == list(range(12))
    for frame, written in zip(read, frames):
        assert frame.error is None
        assert np.allclose(frame.atoms.positions, written.positions, atol=1e-6)
        assert frame.atoms.info["step"] == frame.index


def test_compressed_xyz_is_read(tmp_path):
    frames = translated_frames(3)
    plain = tmp_path / "trajectory.xyz"
    ase.io.write(plain, frames, format="extxyz")
    packed = tmp_path / "trajectory.xyz.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert [frame.index for frame in iter_frames(packed) if frame.error is None] == [0, 1, 2]


SELECTIONS = ["::10", "-1", "10:20", "5", "-5:", "3:-3:4", "::-7", "-100:4", "25:"]


@pytest.mark.parametrize("suffix", [".xyz", ".traj"])
def test_frame_selections_give_the_indices_of_python_slicing(tmp_path, suffix):
    n = 30
    cluster = icosahedron(2)
    path = tmp_path / f"trajectory{suffix}"
    ase.io.write(path, translated_frames(n, cluster))
    for text in SELECTIONS:
        selection = eval(f"range(n)[{text}]")  # Python's own slicing, the reference
        expected = sorted([selection] if isinstance(selection, int) else selection)  # file order
        frames = list(iter_frames(path, text))
        assert [frame.index for frame in frames] == expected, text
        assert [round(frame_shift(frame, cluster)) for frame in frames] == expected, text


def test_selection_beyond_the_file_gives_one_error(tmp_path):
    path = tmp_path / "trajectory.xyz"
    ase.io.write(path, translated_frames(4))
    for text in ("10", "-5", "7:9"):
        frame = only(iter_frames(path, text))
        assert frame.index is None and frame.error.startswith(f"{path}: --frames {text} selects none of its 4 frames")


def test_frame_selection_syntax():
    assert inputs.parse_frame_selection(None) == slice(None)
    assert inputs.parse_frame_selection("::10") == slice(None, None, 10)
    assert inputs.parse_frame_selection("-1") == -1
    assert inputs.parse_frame_selection("100:200") == slice(100, 200)
    assert inputs.parse_frame_selection(" 5 ") == 5
    for text in ("a:b", "1:2:0", "", "1.5", "1:2:3:4", "--1"):
        with pytest.raises(ValueError, match="frame selection"):
            iter_frames("anything.xyz", text)  # refused at the call, before any file is read


def write_lines(path, lines):
    path.write_text("".join(lines))
    return path


@pytest.fixture
def trajectory(tmp_path):
    """Return (the lines of a 10-frame XYZ trajectory of a 13-atom cluster, frame i moved by i Å, the cluster)."""
    cluster = icosahedron(2)
    path = tmp_path / "clean.xyz"
    ase.io.write(path, translated_frames(10, cluster), format="extxyz")
    lines = path.read_text().splitlines(keepends=True)
    assert len(lines) == 10 * 15
    return lines, cluster


def frame_lines(i: int) -> int:
    """Return the index of the first line of frame i in the trajectory fixture (15 lines per frame)."""
    return 15 * i


@pytest.mark.parametrize("damage", ["letters", "short", "stray", "truncated-last"])
def test_one_corrupted_frame_gives_one_error_and_the_others_come_through(tmp_path, trajectory, damage):
    lines, cluster = trajectory
    bad = 9 if damage == "truncated-last" else 4
    start = frame_lines(bad)
    if damage == "letters":  # a non-numeric coordinate on atom 3 of frame 4
        fields = lines[start + 5].split()
        lines[start + 5] = " ".join([fields[0], fields[1], "abc", *fields[3:]]) + "\n"
        expected = "are not an XYZ frame"
    elif damage == "short":  # three atom lines of frame 4 lost
        del lines[start + 4 : start + 7]
        expected = "only 10 of its 13 atoms before line"
    elif damage == "stray":  # two lines that belong to no frame after frame 4
        lines[start + 15 : start + 15] = ["garbage\n", "more garbage 1 2 3\n"]
        expected = "2 line(s) after its 13 atoms are no frame"
    else:  # the file cut in the middle of its last frame
        del lines[start + 8 :]
        expected = "the file ends after 6 of its 13 atoms"
    path = write_lines(tmp_path / f"{damage}.xyz", lines)
    frames = list(iter_frames(path))
    assert [frame.index for frame in frames] == list(range(10))
    errors = [frame for frame in frames if frame.error]
    assert len(errors) == 1 and errors[0].index == bad
    assert errors[0].error.startswith(f"{path}: frame {bad}: ") and expected in errors[0].error
    for frame in frames:
        if frame.index != bad:
            assert round(frame_shift(frame, cluster)) == frame.index


def test_selection_skips_a_corrupted_frame_it_does_not_pick(tmp_path, trajectory):
    lines, _ = trajectory
    del lines[frame_lines(4) + 4 : frame_lines(4) + 7]
    path = write_lines(tmp_path / "short.xyz", lines)
    assert [(frame.index, frame.error) for frame in iter_frames(path, "5:8")] == [(5, None), (6, None), (7, None)]
    assert [frame.index for frame in iter_frames(path, "-2:")] == [8, 9]


def test_other_formats_stop_at_a_reading_error_with_one_error_frame(tmp_path, monkeypatch):
    path = tmp_path / "trajectory.traj"
    frames = translated_frames(5)
    ase.io.write(path, frames)

    def failing_after(count):
        def iread(*args, **kwargs):
            yield from frames[:count]
            raise ValueError("corrupt record")

        return iread

    monkeypatch.setattr(ase.io, "iread", failing_after(3))
    read = list(iter_frames(path))
    assert [frame.index for frame in read] == [0, 1, 2, 3]
    assert all(frame.error is None for frame in read[:3])
    assert read[3].error.startswith(f"{path}: frame 3: reading stopped here (ValueError: corrupt record)")
    assert [(frame.index, frame.error) for frame in iter_frames(path, "1")] == [(1, None)]  # read no further
    monkeypatch.setattr(ase.io, "iread", failing_after(0))
    frame = only(iter_frames(path))
    assert frame.index is None and frame.error.startswith(f"{path}: not readable as traj (ValueError: corrupt record)")


def test_memory_does_not_grow_with_the_number_of_frames(tmp_path):
    # The garbage collector is held off while measuring: when it runs depends on everything the
    # test session allocated before (a peak of 66 kB or 214 kB for the same 200 frames), and the
    # reader makes no reference cycles for it to find (checked after each run).
    peaks = []
    gc.collect()
    gc.disable()
    try:
        for count in (20, 200, 2000):  # the first run only warms up lazy imports and caches
            path = tmp_path / f"trajectory-{count}.xyz"
            ase.io.write(path, translated_frames(count), format="extxyz")
            gc.collect()
            tracemalloc.start()
            assert sum(1 for frame in iter_frames(path) if frame.error is None) == count
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            assert gc.collect() == 0
    finally:
        gc.enable()
    assert peaks[2] < 1.5 * peaks[1]
