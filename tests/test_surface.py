"""Surface detection, checked against counting formulas, geometry and an independent Voronoi test.

Expected surface atoms come from the geometry of each solid (atoms on its faces, edges and
vertices; atoms a pit or a drill has stripped of neighbours) and from a second, independent
evaluation of the documented criterion with scipy's Voronoi tessellation, never from
npshape itself. Structures are built with ase.cluster and plain numpy lattices.
"""

import numpy as np
import pytest
from ase.cluster import Decahedron, Icosahedron, Octahedron
from scipy.spatial import Voronoi
from scipy.spatial.distance import cdist

from npshape.descriptors.surface import BALL_RADIUS_BONDS, surface_mask
from npshape.structures.shapes import tetrahedron

BOND_ANGSTROM = 2.7
FCC_A = BOND_ANGSTROM * np.sqrt(2)  # fcc lattice constant for that nearest-neighbour distance
BCC_A = BOND_ANGSTROM * 2 / np.sqrt(3)
MAX_DISPLACEMENT = 0.1  # Å, the augmentation amplitude per Cartesian component


def fcc_cube(cells):
    """fcc cube of `cells`³ conventional cells and the mask of atoms strictly inside it."""
    index = np.indices((2 * cells + 1,) * 3).reshape(3, -1).T
    index = index[index.sum(axis=1) % 2 == 0]  # half-cell grid points of the fcc lattice
    inside = ((index > 0) & (index < 2 * cells)).all(axis=1)
    return index * FCC_A / 2, inside


def bcc_cube(cells):
    """bcc cube of `cells`³ conventional cells and the mask of atoms strictly inside it."""
    index = np.indices((2 * cells + 1,) * 3).reshape(3, -1).T
    parity = index % 2
    index = index[(parity == 0).all(axis=1) | (parity == 1).all(axis=1)]  # corners, centres
    inside = ((index > 0) & (index < 2 * cells)).all(axis=1)
    return index * BCC_A / 2, inside


def neighbour_counts(positions, others=None):
    """Nearest neighbours of each atom among `others` (default: the structure itself)."""
    distances = cdist(positions, positions if others is None else others)
    return ((distances > 0.1) & (distances < 1.2 * BOND_ANGSTROM)).sum(axis=1)


def displaced(positions, seed):
    rng = np.random.default_rng(seed)
    return positions + rng.uniform(-MAX_DISPLACEMENT, MAX_DISPLACEMENT, positions.shape)


def icosahedron(shells):
    return Icosahedron("Pt", shells + 1, latticeconstant=FCC_A).positions


def five_fold_axis(positions):
    """Unit vector from the centre to the farthest atom: a vertex of the icosahedron."""
    centred = positions - positions.mean(axis=0)
    vertex = centred[np.argmax(np.linalg.norm(centred, axis=1))]
    return vertex / np.linalg.norm(vertex)


def drilled_icosahedron(shells, radius):
    """Icosahedron without the atoms within `radius` Å of a 5-fold axis; (kept, removed)."""
    positions = icosahedron(shells)
    positions = positions - positions.mean(axis=0)
    axis = five_fold_axis(positions)
    off_axis = np.linalg.norm(positions - np.outer(positions @ axis, axis), axis=1)
    return positions[off_axis > radius], positions[off_axis <= radius]


def cube_with_pit(cells, apex_height):
    """fcc cube with an inverted square pyramid dug into its top face, walls on {111} planes.

    The pit holds the sites with z - apex > |x - c| + |y - c| (in half-cell units, c the
    face centre): its four walls are the planes x + y - z, x - y - z, ... = const, all {111}.
    Returns (kept positions, removed positions).
    """
    index = np.indices((2 * cells + 1,) * 3).reshape(3, -1).T
    index = index[index.sum(axis=1) % 2 == 0]
    x, y, z = (index - [cells, cells, apex_height]).T
    pit = z > np.abs(x) + np.abs(y)
    return index[~pit] * FCC_A / 2, index[pit] * FCC_A / 2


def mackay_surface(shells):
    return 10 * shells**2 + 2  # atoms of the outer shell of a Mackay icosahedron or cuboctahedron


def octahedron_surface(edge_atoms):
    m = edge_atoms  # 6 vertices, 12 edges of m - 2 atoms, 8 faces of (m - 2)(m - 3)/2 atoms
    return 6 + 12 * (m - 2) + 4 * (m - 2) * (m - 3)


def bipyramid_surface(edge_atoms):
    m = edge_atoms  # 7 vertices, 15 edges of m - 2 atoms, 10 faces of (m - 2)(m - 3)/2 atoms
    return 7 + 15 * (m - 2) + 5 * (m - 2) * (m - 3)


def tetrahedron_surface(edge_atoms):
    def tetrahedral(k):  # atoms of a regular fcc tetrahedron with k atoms per edge
        return k * (k + 1) * (k + 2) // 6 if k > 0 else 0

    return tetrahedral(edge_atoms) - tetrahedral(edge_atoms - 4)  # the inside is one with m - 4


# name, positions, expected number of surface atoms (from the formulas above)
COUNTED = [
    ("IC55", icosahedron(2), mackay_surface(2)),
    ("IC147", icosahedron(3), mackay_surface(3)),
    ("CB147", Octahedron("Pt", 7, cutoff=3, latticeconstant=FCC_A).positions, mackay_surface(3)),
    ("OH146", Octahedron("Pt", 6, latticeconstant=FCC_A).positions, octahedron_surface(6)),
    ("DC54", Decahedron("Pt", 4, 1, 0, latticeconstant=FCC_A).positions, bipyramid_surface(4)),
    ("DC105", Decahedron("Pt", 5, 1, 0, latticeconstant=FCC_A).positions, bipyramid_surface(5)),
    ("RTD84", tetrahedron(7), tetrahedron_surface(7)),
]


@pytest.mark.parametrize("name, positions, n_surface", COUNTED, ids=[c[0] for c in COUNTED])
def test_counts_of_polyhedra_perfect_and_displaced(name, positions, n_surface):
    assert surface_mask(positions).sum() == n_surface
    for seed in range(10):
        assert surface_mask(displaced(positions, seed)).sum() == n_surface


def test_mackay_icosahedron_counts_are_the_paper_ones():
    # the formula itself, against the numbers of the brief: IC55 42 + 13, IC147 92 + 55
    assert (mackay_surface(2), 55 - mackay_surface(2)) == (42, 13)
    assert (mackay_surface(3), 147 - mackay_surface(3)) == (92, 55)


def test_icosahedron_core_is_the_innermost_atoms():
    positions = icosahedron(2)
    radius = np.linalg.norm(positions - positions.mean(axis=0), axis=1)
    innermost = radius < radius.max() - 0.5 * BOND_ANGSTROM  # centre and first shell
    assert innermost.sum() == 13
    for seed in range(5):
        assert np.array_equal(surface_mask(displaced(positions, seed)), ~innermost)


@pytest.mark.parametrize(
    "build, cells, n_surface, n_core",
    [(fcc_cube, 1, 14, 0), (fcc_cube, 2, 50, 13), (fcc_cube, 3, 110, 62),
     (bcc_cube, 2, 26, 9), (bcc_cube, 3, 56, 35), (bcc_cube, 4, 98, 91)],
)
def test_cubes_surface_is_the_atoms_on_the_faces(build, cells, n_surface, n_core):
    positions, inside = build(cells)
    assert (len(positions) - inside.sum(), inside.sum()) == (n_surface, n_core)
    assert np.array_equal(surface_mask(positions), ~inside)
    for seed in range(20):  # the bcc sites under a {100} face are the most open interior sites
        assert np.array_equal(surface_mask(displaced(positions, seed)), ~inside)


def test_pit_walls_are_surface_and_deep_atoms_are_not():
    positions, removed = cube_with_pit(cells=5, apex_height=4)
    lost = neighbour_counts(positions, removed)
    walls = lost >= 3  # like a {111} surface atom, which has lost 3 of its 12 neighbours
    assert walls.sum() >= 20
    # deep: more than two bonds away from the pit and from the cube's faces
    to_pit = cdist(positions, removed).min(axis=1)
    to_faces = np.minimum(positions, 5 * FCC_A - positions).min(axis=1)
    deep = (to_pit > 2 * BOND_ANGSTROM) & (to_faces > 2 * BOND_ANGSTROM)
    assert deep.sum() >= 10
    for seed in range(5):
        mask = surface_mask(displaced(positions, seed))
        assert mask[walls].all()
        assert not mask[deep].any()


def test_wide_drilled_channel_walls_are_surface():
    positions, removed = drilled_icosahedron(shells=3, radius=2.6)
    lost = neighbour_counts(positions, removed)
    walls = lost >= 3
    assert walls.sum() >= 20
    for seed in range(5):
        assert surface_mask(displaced(positions, seed))[walls].all()


def test_channel_one_atom_wide_counts_as_interior():
    # Drilling a 1.5 Å cylinder removes only the column of atoms on the 5-fold axis. The
    # atoms around it lose two neighbours each, as beside a vacancy: a ball of about one
    # bond fits there, less than the probing ball, so they stay interior (module docstring)
    # while the mouths of the channel, on the outer shell, are surface as before.
    positions, removed = drilled_icosahedron(shells=3, radius=1.5)
    assert len(removed) == 7  # centre and two vertices per shell
    # shell k spans radii 0.79 k to k bonds (face centres to vertices): 2.2 splits shells 2 and 3
    outer = np.linalg.norm(positions, axis=1) > 2.2 * BOND_ANGSTROM
    assert outer.sum() == mackay_surface(3) - 2
    lining = (neighbour_counts(positions, removed) > 0) & ~outer
    assert lining.sum() == 20
    for seed in range(5):
        mask = surface_mask(displaced(positions, seed))
        assert mask.sum() == outer.sum()
        assert mask[outer].all() and not mask[lining].any()


def voronoi_surface(positions):
    """The documented criterion, evaluated independently from Voronoi cells."""
    bond = np.median(np.sort(cdist(positions, positions), axis=1)[:, 1])
    voronoi = Voronoi(positions)
    mask = np.empty(len(positions), dtype=bool)
    for atom, region_index in enumerate(voronoi.point_region):
        region = voronoi.regions[region_index]
        if -1 in region:  # unbounded cell: the atom is on the convex hull
            mask[atom] = True
        else:
            farthest = np.linalg.norm(voronoi.vertices[region] - positions[atom], axis=1).max()
            mask[atom] = farthest > BALL_RADIUS_BONDS * bond
    return mask


@pytest.mark.parametrize(
    "positions",
    [
        Decahedron("Pt", 3, 2, 1, latticeconstant=FCC_A).positions,  # Marks re-entrant notches
        drilled_icosahedron(shells=3, radius=2.6)[0],
        cube_with_pit(cells=4, apex_height=4)[0],
        fcc_cube(3)[0],
    ],
    ids=["marks-decahedron", "drilled-icosahedron", "cube-with-pit", "fcc-cube"],
)
def test_agrees_with_independent_voronoi_evaluation(positions):
    for seed in range(3):
        structure = displaced(positions, seed)
        assert np.array_equal(surface_mask(structure), voronoi_surface(structure))


def test_invariant_under_rotation_translation_permutation_and_scale():
    structure = displaced(Decahedron("Pt", 3, 2, 1, latticeconstant=FCC_A).positions, 0)
    mask = surface_mask(structure)
    rotation, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(3, 3)))
    assert np.array_equal(surface_mask(structure @ rotation.T + [3.0, -7.0, 11.0]), mask)
    permutation = np.random.default_rng(2).permutation(len(structure))
    assert np.array_equal(surface_mask(structure[permutation]), mask[permutation])
    assert np.array_equal(surface_mask(1.07 * structure), mask)  # the ball scales with the bond


def test_explicit_bond_sets_the_ball_size():
    positions, inside = fcc_cube(2)
    assert np.array_equal(surface_mask(positions, bond=BOND_ANGSTROM), ~inside)
    # a ball far smaller than an interatomic gap fits anywhere: every atom is surface
    assert surface_mask(positions, bond=0.1 * BOND_ANGSTROM).all()


def test_batch_equals_one_by_one():
    positions, _ = bcc_cube(2)
    batch = np.stack([displaced(positions, seed) for seed in range(4)])
    masks = surface_mask(batch)
    assert masks.shape == (4, len(positions)) and masks.dtype == bool
    for structure, mask in zip(batch, masks):
        assert np.array_equal(surface_mask(structure), mask)


@pytest.mark.parametrize(
    "positions",
    [
        np.array([[0.0, 0.0, 0.0], [2.7, 0.0, 0.0], [0.0, 2.7, 0.0], [0.0, 0.0, 2.7]]),
        np.c_[np.indices((4, 4)).reshape(2, -1).T * BOND_ANGSTROM, np.zeros(16)],  # flat
        np.c_[np.arange(6) * BOND_ANGSTROM, np.zeros((6, 2))],  # a line
    ],
    ids=["four-atoms", "flat-square", "line"],
)
def test_structures_without_inside_are_all_surface(positions):
    assert surface_mask(positions).all()


@pytest.mark.parametrize(
    "positions",
    [fcc_cube(1)[0], fcc_cube(2)[0], bcc_cube(2)[0], Icosahedron("Pt", 3, latticeconstant=FCC_A).positions,
     Octahedron("Pt", 7, cutoff=2, latticeconstant=FCC_A).positions, Decahedron("Pt", 2, 2, 0, latticeconstant=FCC_A).positions],
    ids=["fcc-cube-14", "fcc-cube-63", "bcc-cube-35", "IC55", "truncated-OH201", "DC23"],
)
def test_same_atoms_after_permutation_rotation_and_file_rounding(positions):
    # atoms in the middle of flat faces and co-spherical quadruples make Qhull's output
    # depend on the input order; the mask must not
    expected = surface_mask(positions)
    for seed in range(4):
        rng = np.random.default_rng(seed)
        rotation, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        permutation = rng.permutation(len(positions))
        moved = np.round(positions[permutation] @ rotation.T + [3.0, -1.0, 7.5], 8)
        np.testing.assert_array_equal(surface_mask(moved), expected[permutation])
