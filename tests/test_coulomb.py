"""Coulomb-matrix descriptor, checked against ASE distances, the definition and its invariances.

Distances come from ase.Atoms.get_all_distances; the expected ordering is rebuilt in the test
from the definition (sub-surface first, then by decreasing row norm), with the surface mask
given by geometry: the 13 innermost atoms of a 55-atom Mackay icosahedron are its core.
"""

import numpy as np
import pytest
from ase import Atoms
from ase.cluster import Icosahedron

from npshape.descriptors.coulomb import coulomb_column_names, coulomb_features, coulomb_matrix

BOND_ANGSTROM = 2.7
FCC_A = BOND_ANGSTROM * np.sqrt(2)
SIZE = 189


def icosahedron(shells):
    return Icosahedron("Pt", shells + 1, latticeconstant=FCC_A).positions


def displaced(positions, seed):
    rng = np.random.default_rng(seed)
    return positions + rng.uniform(-0.1, 0.1, positions.shape)


def core_of_icosahedron55(positions):
    """The centre and the first shell (radius 1 bond); the outer shell lies beyond 1.58 bonds."""
    radius = np.linalg.norm(positions - positions.mean(axis=0), axis=1)
    return radius < 1.3 * BOND_ANGSTROM


def reference_matrix(positions, surface, size):
    """The definition, written out: 1/r from ASE, 0.5 on the diagonal, sorted, padded."""
    inverse = 1.0 / np.where(np.eye(len(positions), dtype=bool), 1.0,
                             Atoms(positions=positions).get_all_distances())
    np.fill_diagonal(inverse, 0.5)
    norms = np.sqrt((inverse**2).sum(axis=1))
    order = sorted(range(len(positions)), key=lambda i: (surface[i], -round(norms[i], 10), i))
    padded = np.zeros((size, size))
    padded[: len(positions), : len(positions)] = inverse[np.ix_(order, order)]
    return padded


@pytest.fixture(scope="module")
def ic55():
    return displaced(icosahedron(2), seed=0)


def test_shape_symmetry_diagonal_and_padding(ic55):
    matrix = coulomb_matrix(ic55)
    n = len(ic55)
    assert matrix.shape == (SIZE, SIZE) and matrix.dtype == np.float64
    np.testing.assert_array_equal(matrix, matrix.T)
    np.testing.assert_array_equal(np.diag(matrix)[:n], 0.5)
    assert not matrix[n:].any() and not matrix[:, n:].any()


def test_off_diagonal_values_are_inverse_ase_distances(ic55):
    matrix = coulomb_matrix(ic55)[:55, :55]
    distances = Atoms(positions=ic55).get_all_distances()
    upper = np.triu_indices(55, k=1)
    np.testing.assert_allclose(np.sort(matrix[upper]), np.sort(1.0 / distances[upper]), rtol=1e-12)


def test_subsurface_block_first_then_decreasing_norms(ic55):
    core = core_of_icosahedron55(ic55)
    assert core.sum() == 13
    expected = reference_matrix(ic55, ~core, SIZE)
    np.testing.assert_allclose(coulomb_matrix(ic55), expected, rtol=1e-12)
    norms = np.linalg.norm(expected[:55], axis=1)
    assert (np.diff(norms[:13]) <= 0).all() and (np.diff(norms[13:]) <= 0).all()


def test_given_surface_mask_is_used(ic55):
    surface = np.zeros(55, dtype=bool)
    surface[:5] = True
    np.testing.assert_allclose(
        coulomb_matrix(ic55, size=60, surface=surface), reference_matrix(ic55, surface, 60), rtol=1e-12
    )


def test_independent_of_atom_order(ic55):
    permutation = np.random.default_rng(3).permutation(len(ic55))
    assert coulomb_features(ic55[permutation]).tobytes() == coulomb_features(ic55).tobytes()


def test_invariant_under_rotation_and_translation(ic55):
    rotation, _ = np.linalg.qr(np.random.default_rng(4).normal(size=(3, 3)))
    moved = ic55 @ rotation.T + np.array([10.0, -4.0, 2.5])
    np.testing.assert_allclose(coulomb_matrix(moved), coulomb_matrix(ic55), rtol=1e-10, atol=0)


def test_features_are_the_upper_triangle_and_round_trip():
    batch = np.stack([displaced(icosahedron(2), seed) for seed in range(3)])
    features = coulomb_features(batch)
    assert features.shape == (3, SIZE * (SIZE + 1) // 2) and features.dtype == np.float32
    upper = np.triu_indices(SIZE)
    for structure, row in zip(batch, features):
        rebuilt = np.zeros((SIZE, SIZE), dtype=np.float32)
        rebuilt[upper] = row
        rebuilt = rebuilt + np.triu(rebuilt, k=1).T
        np.testing.assert_array_equal(rebuilt, coulomb_matrix(structure).astype(np.float32))
    single = coulomb_features(batch[1])
    assert single.shape == (SIZE * (SIZE + 1) // 2,)
    np.testing.assert_array_equal(single, features[1])


def test_shared_surface_mask_applies_to_every_structure():
    parent = icosahedron(2)
    surface = ~core_of_icosahedron55(parent)
    batch = np.stack([displaced(parent, seed) for seed in range(2)])
    for structure, row in zip(batch, coulomb_features(batch, size=60, surface=surface)):
        expected = reference_matrix(structure, surface, 60)[np.triu_indices(60)]
        np.testing.assert_allclose(row, expected.astype(np.float32), rtol=1e-6)


def test_column_names_follow_the_feature_order():
    names = coulomb_column_names(4)
    assert names == ["cm_0_0", "cm_0_1", "cm_0_2", "cm_0_3", "cm_1_1", "cm_1_2", "cm_1_3",
                     "cm_2_2", "cm_2_3", "cm_3_3"]
    full = coulomb_column_names(SIZE)
    assert len(full) == len(set(full)) == 17955
    assert full[0] == "cm_0_0" and full[-1] == "cm_188_188"


def test_too_many_atoms_is_a_clear_error():
    positions = icosahedron(5)  # 561 atoms
    message = "structure has 561 atoms, more than the Coulomb-matrix size 189"
    with pytest.raises(ValueError, match=message):
        coulomb_matrix(positions)
    with pytest.raises(ValueError, match=message):
        coulomb_features(positions[None])


def symmetric_clusters():
    """Perfect clusters whose symmetry-equivalent atoms tie in row norm.

    ASE builds the point-group-symmetric ones; the beta-Mn sphere (npshape's builder) has
    only a 3-fold axis, so atoms of one orbit are not interchangeable once one is placed.
    """
    from ase.cluster import Decahedron, Octahedron
    from ase.lattice.cubic import FaceCenteredCubic

    from npshape.structures.shapes import sphere

    return {
        "IC55": icosahedron(2),
        "IC147": icosahedron(3),
        "CB147": Octahedron("Pt", 7, cutoff=3, latticeconstant=FCC_A).positions,
        "truncated-OH201": Octahedron("Pt", 7, cutoff=2, latticeconstant=FCC_A).positions,
        "DC192": Decahedron("Pt", 3, 3, 1, latticeconstant=FCC_A).positions,
        "FCC-cube": FaceCenteredCubic("Pt", size=(2, 2, 2), latticeconstant=FCC_A).positions,
        "BMN-sphere": sphere("bmn", 2.6),
    }


@pytest.mark.parametrize("name", list(symmetric_clusters()))
def test_symmetric_cluster_matrix_independent_of_order_rotation_and_file_rounding(name):
    positions = symmetric_clusters()[name]
    rng = np.random.default_rng(5)
    rotation, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    moved = positions[rng.permutation(len(positions))] @ rotation.T + np.array([3.0, -1.0, 7.5])
    moved = np.round(moved, 8)  # what writing an XYZ file keeps
    reference = coulomb_matrix(positions, size=len(positions))
    # surface detection and tie-breaking both run on each copy
    np.testing.assert_allclose(coulomb_matrix(moved, size=len(positions)), reference, rtol=0, atol=1e-7)
