"""Common-neighbour analysis: the textbook signatures of crystals and of small polyhedra, counted by hand."""

from collections import Counter

import numpy as np
import pytest
from ase.build import bulk
from ase.cluster import Icosahedron, Octahedron
from scipy.spatial.transform import Rotation

from npshape.descriptors.common_neighbours import DEFAULT_SETTINGS, cna_column_names, cna_features, pair_signatures
from npshape.descriptors.local_order import bond_matrix
from npshape.structures import shapes


def test_thirteen_atom_icosahedron_and_cuboctahedron():
    # icosahedron: 12 centre-vertex bonds, each ringed by a pentagon of 5 bonded vertices (555);
    # 30 edges, each sharing the centre and the two vertices that close its two triangles,
    # both bonded to the centre but not to each other (322)
    assert Counter(pair_signatures(Icosahedron("Cu", 2).positions, 1.25)) == {555: 12, 322: 30}
    # cuboctahedron: 12 centre-vertex bonds of fcc (421); 24 edges, each sharing the centre and
    # the third vertex of its one triangle (the square's other corners touch one end only): 211
    assert Counter(pair_signatures(Octahedron("Cu", 3, 1).positions, 1.25)) == {421: 12, 211: 24}


@pytest.mark.parametrize("edge_atoms", [3, 4, 5, 6])
def test_a_decahedron_has_one_five_fold_axis(edge_atoms):
    # the axis holds edge_atoms atoms: its edge_atoms - 1 bonds are the only 555 of the cluster
    codes = pair_signatures(shapes.decahedron(edge_atoms), 1.25)
    assert np.sum(codes == 555) == edge_atoms - 1


@pytest.mark.parametrize(
    "lattice, expected",
    [
        (bulk("Pt", "fcc", a=3.92, cubic=True).repeat(6), {421: 12}),
        (bulk("Co", "hcp", a=2.5, c=2.5 * np.sqrt(8 / 3)).repeat((8, 8, 5)), {421: 6, 422: 6}),
        (bulk("Fe", "bcc", a=2.87, cubic=True).repeat(7), {666: 8, 444: 6}),
    ],
    ids=["fcc", "hcp", "bcc"],
)
def test_every_bond_of_an_atom_deep_in_a_crystal_has_the_crystal_signature(lattice, expected):
    x = lattice.positions
    bonded = bond_matrix(x, 1.25)
    coordination = bonded.sum(axis=1)
    full = coordination == coordination.max()
    deep = full & np.array([full[row].all() for row in bonded])  # the atom and all its neighbours fully bonded
    assert deep.sum() > 5
    codes = np.zeros(bonded.shape, np.int64)
    i, j = np.nonzero(np.triu(bonded, 1))  # the order in which pair_signatures returns the bonds
    codes[i, j] = codes[j, i] = pair_signatures(x, 1.25)
    for atom in np.flatnonzero(deep):
        assert Counter(codes[atom, bonded[atom]]) == expected


def test_features_are_fractions_that_ignore_scale_rotation_and_order():
    cluster = shapes.decahedron(5)
    features = cna_features(cluster)[0]
    assert len(features) == len(cna_column_names(DEFAULT_SETTINGS)) and features.sum() == pytest.approx(1.0, abs=1e-6)
    # the 13-atom icosahedron's 42 bonds: 12 are 555, 30 are 322 (see above)
    icosahedron = dict(zip(cna_column_names(DEFAULT_SETTINGS), cna_features(Icosahedron("Cu", 2).positions)[0]))
    assert icosahedron.pop("cna_555") == pytest.approx(12 / 42) and icosahedron.pop("cna_322") == pytest.approx(30 / 42)
    assert not any(icosahedron.values())
    moved = 0.9 * Rotation.from_euler("xyz", [1, 2, 3]).apply(cluster)[np.random.default_rng(0).permutation(len(cluster))]
    np.testing.assert_array_equal(cna_features(moved)[0], features)


def test_signatures_outside_the_list_are_counted_as_other():
    features = cna_features(Icosahedron("Cu", 2).positions, {"cutoff_bonds": 1.25, "signatures": [555]})[0]
    np.testing.assert_allclose(features, [12 / 42, 30 / 42], rtol=1e-6)
