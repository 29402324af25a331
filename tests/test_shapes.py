"""Shape builders and lattices, checked against closed formulas, geometry and ase.cluster.

Expected values come from cluster-science counting formulas, from the geometry of each
solid (which atoms are fully coordinated) and from ASE, never from npshape itself.
"""

from math import comb

import numpy as np
import pytest
from ase.build import bulk
from ase.cluster import Decahedron, Icosahedron, Octahedron
from ase.spacegroup import Spacegroup, crystal
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist

from npshape.structures import lattices, shapes
from npshape.structures.build import BUILDERS, build_structure

BOND_ANGSTROM = 2.7


def octahedral(n):
    return (2 * n**3 + n) // 3


def cuboctahedral(shells):
    return (10 * shells**3 + 15 * shells**2 + 11 * shells + 3) // 3


def decahedral(n):
    # the axis (n atoms) plus five tetrahedra, each without the face it shares with the
    # previous one: C(n + 2, 3) - C(n + 1, 2) = C(n + 1, 3)
    return n + 5 * comb(n + 1, 3)


# builder, size keyword, first sizes, atom count as a closed formula of the size
COUNTS = [
    ("fcc_cube", "cells", [1, 2, 3], lambda n: 4 * n**3 + 6 * n**2 + 3 * n + 1),
    ("bcc_cube", "cells", [1, 2, 3, 4], lambda n: 2 * n**3 + 3 * n**2 + 3 * n + 1),
    ("octahedron", "edge_atoms", [3, 4, 5, 6], octahedral),
    ("tetrahedron", "edge_atoms", [4, 5, 6, 7, 8, 9], lambda n: comb(n + 2, 3)),
    ("cuboctahedron", "shells", [1, 2, 3, 4], cuboctahedral),
    ("icosahedron", "shells", [1, 2, 3, 4], cuboctahedral),
    ("decahedron", "edge_atoms", [2, 3, 4, 5, 6], decahedral),
    ("dodecahedron", "shells", [1, 2, 3], lambda n: (2 * n + 1) * (5 * n**2 + 5 * n + 1)),
]

# every builder of COUNTS at its first three sizes, and the three spheres of the study
BUILDS = [(b, {s: v}) for b, s, values, _ in COUNTS for v in values[:3]] + [
    ("sphere", {"lattice": lattice, "radius": 3.0}) for lattice in ("fcc", "hcp", "bmn")
]

# one builder call per class of the study (paper Fig. 2)
CLASS_BUILDS = {
    "FCC-C": ("fcc_cube", {"cells": 2}),
    "BCC-C": ("bcc_cube", {"cells": 2}),
    "OH": ("octahedron", {"edge_atoms": 4}),
    "RTD": ("tetrahedron", {"edge_atoms": 5}),
    "CB": ("cuboctahedron", {"shells": 2}),
    "IC": ("icosahedron", {"shells": 2}),
    "DC": ("decahedron", {"edge_atoms": 4}),
    "DD": ("dodecahedron", {"shells": 1}),
    "FCC-S": ("sphere", {"lattice": "fcc", "radius": 2.5}),
    "HCP-S": ("sphere", {"lattice": "hcp", "radius": 2.5}),
    "BMN-S": ("sphere", {"lattice": "bmn", "radius": 2.5}),
}


def coordination(positions, bond):
    """Number of neighbours of each atom within 1.1 bond."""
    pairs = cKDTree(positions).query_pairs(1.1 * bond, output_type="ndarray")
    return np.bincount(pairs.ravel(), minlength=len(positions))


def inertia_anisotropy(positions):
    """(largest - smallest) / mean principal moment of unit masses about the centroid."""
    centred = positions - positions.mean(axis=0)
    tensor = np.sum(centred**2) * np.eye(3) - centred.T @ centred
    moments = np.linalg.eigvalsh(tensor)
    return (moments.max() - moments.min()) / moments.mean()


def operation_key(operation):
    """Hashable (rotation, translation in [0, 1)) of a space-group operation."""
    rotation, translation = operation
    return tuple(np.ravel(rotation)), tuple(np.round(translation % 1.0, 6) % 1.0)


def sorted_distances(positions):
    return np.sort(pdist(positions))


@pytest.mark.parametrize(
    ("builder", "size", "value", "formula"),
    [(b, s, v, f) for b, s, values, f in COUNTS for v in values],
)
def test_atom_count_follows_the_closed_formula(builder, size, value, formula):
    assert len(BUILDERS[builder](**{size: value})) == formula(value)


@pytest.mark.parametrize("bond", [BOND_ANGSTROM, 2.0])
@pytest.mark.parametrize(("builder", "params"), BUILDS)
def test_shortest_distance_is_the_bond(builder, params, bond):
    positions = BUILDERS[builder](bond=bond, **params)
    assert positions.dtype == np.float64 and positions.shape[1:] == (3,)
    assert pdist(positions).min() == pytest.approx(bond, abs=1e-9)


@pytest.mark.parametrize("label", sorted(set(CLASS_BUILDS) - {"BMN-S"}))
def test_shape_is_centred_on_the_origin(label):
    # every shape but beta-Mn (centred on an 8c atom, site symmetry 3 only) has a
    # symmetry centre or enough mirror planes to pin its centroid to the origin
    builder, params = CLASS_BUILDS[label]
    assert np.allclose(BUILDERS[builder](**params).mean(axis=0), 0.0, atol=1e-9)


# Atoms with all their neighbours inside the solid, counted from the geometry: the inner
# atoms of a cube (corner sites strictly inside, face-centre sites off the faces), of an
# octahedron, tetrahedron, cuboctahedron, icosahedron or decahedron (the same solid with
# one layer or shell less).
@pytest.mark.parametrize(
    ("builder", "size", "value", "full", "inner"),
    [
        ("fcc_cube", "cells", 3, 12, 2**3 + 3 * 3**2 * 2),
        ("bcc_cube", "cells", 3, 8, 2**3 + 3**3),
        ("octahedron", "edge_atoms", 6, 12, octahedral(4)),
        ("octahedron", "edge_atoms", 5, 12, octahedral(3)),
        ("tetrahedron", "edge_atoms", 9, 12, comb(5 + 2, 3)),
        ("cuboctahedron", "shells", 3, 12, cuboctahedral(2)),
        ("icosahedron", "shells", 3, 12, cuboctahedral(2)),
        ("decahedron", "edge_atoms", 6, 12, decahedral(4)),
    ],
)
def test_inner_atoms_are_fully_coordinated(builder, size, value, full, inner):
    counts = coordination(BUILDERS[builder](**{size: value}), BOND_ANGSTROM)
    assert counts.max() == full
    assert np.count_nonzero(counts == full) == inner


@pytest.mark.parametrize(
    ("lattice", "radius", "count"),
    [
        # fcc shells: 12 at 1, 6 at √2, 24 at √3, 12 at 2 bonds
        ("fcc", 1.0, 13), ("fcc", np.sqrt(2), 19), ("fcc", np.sqrt(3), 43), ("fcc", 2.0, 55),
        # bcc shells: 8 at 1, 6 at 2/√3 bonds
        ("bcc", 1.0, 9), ("bcc", 2 / np.sqrt(3), 15),
    ],
)
def test_sphere_keeps_the_shell_lying_on_its_radius(lattice, radius, count):
    assert len(shapes.sphere(lattice, radius)) == count


@pytest.mark.parametrize("lattice", ["fcc", "hcp"])
def test_close_packed_sphere_interior_is_twelve_coordinated(lattice):
    radius = 3.5
    positions = shapes.sphere(lattice, radius)
    counts = coordination(positions, BOND_ANGSTROM)
    deep = np.linalg.norm(positions, axis=1) <= (radius - 1.1) * BOND_ANGSTROM
    assert np.count_nonzero(deep) > 13 and np.all(counts[deep] == 12)


@pytest.mark.parametrize(
    ("builder", "params"),
    [
        ("fcc_cube", {"cells": 3}),
        ("bcc_cube", {"cells": 4}),
        ("octahedron", {"edge_atoms": 6}),
        ("tetrahedron", {"edge_atoms": 8}),
        ("cuboctahedron", {"shells": 3}),
        ("icosahedron", {"shells": 3}),
        ("dodecahedron", {"shells": 2}),
    ],
)
def test_inertia_tensor_is_isotropic(builder, params):
    assert inertia_anisotropy(BUILDERS[builder](**params)) < 1e-8


# ASE builds close-packed clusters with nearest-neighbour distance a/√2.
ASE_LATTICE_CONSTANT = BOND_ANGSTROM * np.sqrt(2)


@pytest.mark.parametrize(
    ("builder", "params", "ase_cluster", "ase_args"),
    [
        # ASE counts the central atom as a shell
        *[("icosahedron", {"shells": k}, Icosahedron, (k + 1,)) for k in (1, 2, 3)],
        # a cuboctahedron: octahedron of 2k + 1 atoms per edge, k layers cut at each apex
        *[("cuboctahedron", {"shells": k}, Octahedron, (2 * k + 1, k)) for k in (1, 2, 3)],
        *[("octahedron", {"edge_atoms": n}, Octahedron, (n, 0)) for n in (3, 4, 5)],
        # p atoms per edge, no (100) facets along the axis (q = 1), no re-entrance (r = 0)
        *[("decahedron", {"edge_atoms": n}, Decahedron, (n, 1, 0)) for n in (2, 3, 4, 5)],
    ],
)
def test_pair_distances_agree_with_ase_cluster(builder, params, ase_cluster, ase_args):
    ours = BUILDERS[builder](**params)
    reference = ase_cluster("Pt", *ase_args, latticeconstant=ASE_LATTICE_CONSTANT).get_positions()
    assert len(ours) == len(reference)
    np.testing.assert_allclose(sorted_distances(ours), sorted_distances(reference), atol=1e-6)


def ase_crystal(lattice, bond):
    """The crystal from ASE's own builders with nearest-neighbour distance `bond`."""
    if lattice == "fcc":
        return bulk("Pt", "fcc", a=bond * np.sqrt(2), cubic=True)
    if lattice == "hcp":
        return bulk("Pt", "hcp", a=bond, c=bond * np.sqrt(8 / 3))
    x, y = lattices.BETA_MN_X_8C, lattices.BETA_MN_Y_12D
    sites = [[x, x, x], [1 / 8, y, y + 1 / 4]]
    unit = crystal(["Mn", "Mn"], sites, spacegroup=213, cellpar=[1, 1, 1, 90, 90, 90])
    nearest = unit.get_all_distances(mic=True)[np.triu_indices(len(unit), 1)].min()
    unit.set_cell(unit.cell * (bond / nearest), scale_atoms=True)
    return unit


@pytest.mark.parametrize(
    ("lattice", "radius", "repeats"), [("fcc", 2.6, 6), ("hcp", 2.9, 8), ("bmn", 3.0, 4)]
)
def test_sphere_matches_a_sphere_cut_from_the_ase_crystal(lattice, radius, repeats):
    unit = ase_crystal(lattice, BOND_ANGSTROM)
    positions = unit.repeat(repeats).get_positions()
    # `sphere` centres on an atom of the first site (for beta-Mn, 8c): take the copy of
    # ASE's first atom nearest the middle of the block (all copies are equivalent)
    copies = positions[:: len(unit)]
    centre = copies[np.argmin(np.linalg.norm(copies - positions.mean(axis=0), axis=1))]
    cut = positions[np.linalg.norm(positions - centre, axis=1) <= radius * BOND_ANGSTROM + 1e-6]
    ours = shapes.sphere(lattice, radius)
    assert len(ours) == len(cut)
    np.testing.assert_allclose(sorted_distances(ours), sorted_distances(cut), atol=1e-6)


def test_p4132_generators_give_the_24_operations_of_space_group_213():
    ours = lattices.space_group_operations(lattices.P4132_GENERATORS)
    assert len(ours) == 24
    assert set(map(operation_key, ours)) == set(map(operation_key, Spacegroup(213).get_symop()))


def test_beta_mn_cell_has_8_atoms_on_8c_and_12_on_12d():
    operations = lattices.space_group_operations(lattices.P4132_GENERATORS)
    assert len(lattices.orbit(operations, lattices.BETA_MN_SITES["8c"])) == 8
    assert len(lattices.orbit(operations, lattices.BETA_MN_SITES["12d"])) == 12
    cell, basis = lattices.unit_cell("bmn", BOND_ANGSTROM)
    reference = ase_crystal("bmn", BOND_ANGSTROM)
    assert len(basis) == 20
    np.testing.assert_allclose(cell, reference.cell[:], atol=1e-9)
    ours = np.round(np.linalg.solve(cell.T, basis.T).T % 1.0, 6) % 1.0
    theirs = np.round(reference.get_scaled_positions(), 6) % 1.0
    assert sorted(map(tuple, ours)) == sorted(map(tuple, theirs))


@pytest.mark.parametrize("lattice", lattices.LATTICES)
@pytest.mark.parametrize("bond", [BOND_ANGSTROM, 2.0])
def test_lattice_nearest_neighbour_distance_is_the_bond(lattice, bond):
    points = lattices.lattice_points(lattice, 2.5 * bond, bond)
    assert pdist(points).min() == pytest.approx(bond, abs=1e-9)


@pytest.mark.parametrize("c_over_a", [1.57, 1.60, 1.86])
def test_hcp_of_a_real_metal_has_its_c_over_a_and_the_two_bond_lengths_of_ase(c_over_a):
    # ASE's hcp with the same c/a, scaled to the same shortest bond, has the same neighbour shells
    points = shapes.sphere("hcp", 2.2, BOND_ANGSTROM, c_over_a=c_over_a)
    reference = bulk("X", "hcp", a=1.0, c=c_over_a).repeat((7, 7, 5))
    reference.positions -= reference.positions[len(reference) // 2 + 1]
    ours = np.sort(np.linalg.norm(points, axis=1))[1:13]
    theirs = np.sort(np.linalg.norm(reference.positions, axis=1))[1:13]
    np.testing.assert_allclose(ours, theirs * BOND_ANGSTROM / theirs[0], atol=1e-9)
    cell, _ = lattices.unit_cell("hcp", BOND_ANGSTROM, c_over_a)
    assert cell[2, 2] / cell[0, 0] == pytest.approx(c_over_a)
    # closed form: in-plane bonds a, out-of-plane bonds a·√(1/3 + (c/a)²/4); the shorter is the bond
    out_of_plane = np.sqrt(1 / 3 + c_over_a**2 / 4)
    assert pdist(points).min() == pytest.approx(BOND_ANGSTROM)
    assert cell[0, 0] == pytest.approx(BOND_ANGSTROM / min(1.0, out_of_plane))


def test_c_over_a_is_refused_for_cubic_lattices_and_absurd_values():
    with pytest.raises(ValueError, match="hcp lattice only"):
        shapes.sphere("fcc", 2.0, BOND_ANGSTROM, c_over_a=1.6)
    with pytest.raises(ValueError, match="no hcp metal's"):
        shapes.sphere("hcp", 2.0, BOND_ANGSTROM, c_over_a=3.0)


def test_builders_cover_the_eleven_classes_and_nothing_else():
    assert len(CLASS_BUILDS) == 11
    assert {builder for builder, _ in CLASS_BUILDS.values()} == set(shapes.BUILDERS)


def test_unknown_builder_is_rejected_by_name():
    entry = {"id": "X-1", "class": "OH", "builder": "pyramid", "params": {"edge_atoms": 3}, "metal": "Pt", "natoms": 1}
    with pytest.raises(ValueError, match="unknown builder 'pyramid'"):
        build_structure(entry, 2.7)
