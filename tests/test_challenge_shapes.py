"""Tests of the challenging dataset: its catalog entries and the geometry of each builder family.

Expected counts and shapes come from closed formulas, brute-force lattice enumerations written
here, and ase.cluster, never from the builders' output.
"""

from itertools import product
from pathlib import Path

import numpy as np
import pytest
import yaml
from ase.cluster import Decahedron, Icosahedron, Octahedron
from scipy.spatial import ConvexHull, cKDTree
from scipy.spatial.distance import pdist

from npshape.structures import build, challenge_shapes, geometry, shapes

BOND = 2.7
CM_SIZE = 189
CATALOG = Path(__file__).resolve().parents[1] / "config" / "structures.yaml"
LARGER_THAN_TRAINING = {4, 26, 29, 31, 32}  # paper, section 3
BUILDERS = build.BUILDERS
# Inradius of a regular icosahedron of circumradius 1: φ²/(√3 √(1 + φ²)).
GOLDEN_RATIO = (1 + np.sqrt(5)) / 2
ICOSAHEDRON_INRADIUS = GOLDEN_RATIO**2 / (np.sqrt(3) * np.sqrt(1 + GOLDEN_RATIO**2))


def tetrahedral(n):
    """n(n + 1)(n + 2)/6, atoms of a regular fcc tetrahedron with n atoms per edge."""
    return n * (n + 1) * (n + 2) // 6


def triangular(n):
    """n(n + 1)/2, atoms of a (111) triangle with n atoms per edge."""
    return n * (n + 1) // 2


def mackay(shells):
    """(10n³ + 15n² + 11n + 3)/3 atoms of a Mackay icosahedron of n shells."""
    return (10 * shells**3 + 15 * shells**2 + 11 * shells + 3) // 3


def ase_icosahedron(shells):
    """ase's Mackay icosahedron of `shells` shells around the centre (ase counts the centre as a shell)."""
    return Icosahedron("Pt", shells + 1, latticeconstant=BOND * np.sqrt(2)).positions


def same_set(first, second, tolerance=1e-6):
    """Whether two point sets are equal (same size, every point of one within tolerance of the other)."""
    if len(first) != len(second):
        return False
    return bool(geometry.coincident_with(first, second, tolerance).all())


def same_distances(first, second, tolerance=1e-6):
    """Whether two clusters have the same sorted list of pair distances (congruent, up to a mirror)."""
    if len(first) != len(second):
        return False
    return np.abs(np.sort(pdist(first)) - np.sort(pdist(second))).max() < tolerance


def fcc_sites(half_layers):
    """fcc sites (i, j, k)·bond/√2 with i + j + k even and |i|, |j|, |k| <= half_layers."""
    steps = np.array(list(product(range(-half_layers, half_layers + 1), repeat=3)))
    return steps[steps.sum(axis=1) % 2 == 0] * BOND / np.sqrt(2)


@pytest.fixture(scope="module")
def entries():
    with open(CATALOG) as handle:
        return yaml.safe_load(handle)["challenge"]


@pytest.fixture(scope="module")
def built(entries):
    """Every challenge structure, unrelaxed: id -> positions (and symbols for core-shell)."""
    result = {}
    for entry in entries:
        made = BUILDERS[entry["builder"]](bond=BOND, **entry["params"])
        result[entry["id"]] = made if isinstance(made, tuple) else (made, None)
    return result


def by_number(entries, number):
    return next(entry for entry in entries if entry["number"] == number)


def positions_of(entries, built, number):
    return built[by_number(entries, number)["id"]][0]


# --- the catalog --------------------------------------------------------------------------------


def test_catalog_numbers_ids_and_classes(entries):
    assert sorted(entry["number"] for entry in entries) == list(range(1, 33))
    ids = [entry["id"] for entry in entries]
    assert len(set(ids)) == 32
    assert all(entry["builder"] in BUILDERS for entry in entries)
    tolerated = {entry["number"]: set(entry["acceptable"]) for entry in entries if entry["acceptable"]}
    assert tolerated == {22: {"DC", "IC"}, 30: {"FCC-S"}, 31: {"FCC-S"}}
    expected = {**{n: "IC" for n in range(1, 9)}, 9: "FCC-C", 10: "FCC-S", 11: "FCC-S", 12: "FCC-S",
                13: "RTD", 14: "RTD", **{n: "DC" for n in range(15, 22)}, 22: "RTD", 23: "RTD",
                24: "BCC-C", 25: "BCC-C", 26: "FCC-C", 27: "IC", 28: "IC", 29: "IC",
                30: "OH", 31: "OH", 32: "RTD"}
    assert {entry["number"]: entry["class"] for entry in entries} == expected


def test_exactly_five_structures_exceed_the_coulomb_matrix(entries):
    assert {entry["number"] for entry in entries if entry["natoms"] > CM_SIZE} == LARGER_THAN_TRAINING


def test_every_builder_gives_its_natoms_and_no_close_pair(entries, built):
    for entry in entries:
        positions, _ = built[entry["id"]]
        assert positions.shape == (entry["natoms"], 3), entry["id"]
        assert pdist(positions).min() >= 0.8 * BOND, entry["id"]


# --- icosahedra ---------------------------------------------------------------------------------


def test_closed_shell_icosahedra(entries, built):
    for number, shells in [(1, 3), (4, 4), (7, 3)]:
        entry = by_number(entries, number)
        assert entry["natoms"] == mackay(shells)
        reference = ase_icosahedron(shells)
        assert same_distances(positions_of(entries, built, number), reference)
    assert by_number(entries, 7)["metal"] == "Ag"


def _ase_outer_shell(shells):
    """Outer-shell atoms of ase's Mackay icosahedron (bond = BOND) and one five-fold axis."""
    full = ase_icosahedron(shells)
    inner = ase_icosahedron(shells - 1)
    outer = full[~geometry.coincident_with(full, inner, 1e-6)]
    vertex = outer[np.argmax(np.linalg.norm(outer, axis=1))]
    return outer, vertex / np.linalg.norm(vertex)


@pytest.mark.parametrize("number", [2, 3])
def test_partially_filled_icosahedra(entries, built, number):
    params = by_number(entries, number)["params"]
    outer, axis = _ase_outer_shell(params["shells"])
    kept = np.sum(outer @ axis >= params["min_height"] * params["shells"] * BOND - 1e-6)
    positions = positions_of(entries, built, number)
    assert len(positions) == mackay(params["shells"] - 1) + kept
    # The complete inner icosahedron is there, about the atom that was the centre.
    centre = positions[np.argmin(np.linalg.norm(positions - positions.mean(axis=0), axis=1))]
    inner = shapes.icosahedron(params["shells"] - 1, BOND)
    near = positions[np.linalg.norm(positions - centre, axis=1) <= (params["shells"] - 1) * BOND + 1e-6]
    assert same_distances(near, inner)


def test_two_fillings_differ(entries):
    assert by_number(entries, 2)["natoms"] != by_number(entries, 3)["natoms"]


def _icosahedral_centres(positions):
    """Atoms with 12 neighbours at exactly BOND that form a regular icosahedron (Pt13 geometry)."""
    tree = cKDTree(positions)
    centres = []
    edge = BOND / np.sin(2 * np.pi / 5)  # icosahedron edge for circumradius BOND
    for index, point in enumerate(positions):
        neighbours = [j for j in tree.query_ball_point(point, 1.02 * BOND) if j != index]
        shell = positions[neighbours] - point
        if len(neighbours) != 12 or not np.allclose(np.linalg.norm(shell, axis=1), BOND, atol=1e-6):
            continue
        distances = np.linalg.norm(shell[:, None] - shell[None], axis=-1)
        nearest = np.sort(distances, axis=1)[:, 1:6]  # each vertex has 5 neighbours at the edge
        if np.allclose(nearest, edge, atol=1e-6):
            centres.append(point)
    return np.array(centres)


@pytest.mark.parametrize("number, shells", [(5, 1), (6, 2)])
def test_rods_hold_three_icosahedral_units_in_a_row(entries, built, number, shells):
    params = by_number(entries, number)["params"]
    assert params == {"shells": shells, "units": 3}
    positions = positions_of(entries, built, number)
    assert len(positions) == 3 * mackay(shells) - 2  # two shared vertices
    centres = _icosahedral_centres(positions)
    assert len(centres) == 3
    centres = centres[np.argsort(centres @ (centres[-1] - centres[0]))]
    steps = np.diff(centres, axis=0)
    np.testing.assert_allclose(np.linalg.norm(steps, axis=1), 2 * shells * BOND, atol=1e-6)
    np.testing.assert_allclose(steps[0], steps[1], atol=1e-6)  # collinear, evenly spaced
    for centre in centres:  # each unit is a whole Mackay icosahedron
        unit = positions[np.linalg.norm(positions - centre, axis=1) <= shells * BOND + 1e-6]
        assert same_distances(unit, shapes.icosahedron(shells, BOND))


def test_core_shell_counts(entries, built):
    positions, symbols = positions_of(entries, built, 8), built[by_number(entries, 8)["id"]][1]
    assert sorted(symbols.tolist()) == ["Ag"] * 92 + ["Pt"] * 55
    radii = np.linalg.norm(positions, axis=1)
    # Pt55 reaches 2 bonds; the third shell starts at its face centres, 3 inradii out.
    assert radii[symbols == "Pt"].max() == pytest.approx(2 * BOND)
    assert radii[symbols == "Ag"].min() == pytest.approx(3 * ICOSAHEDRON_INRADIUS * BOND)


def _symmetric_top_axis(positions):
    """Unit axis of the principal moment of inertia that differs from the other two."""
    centred = positions - positions.mean(axis=0)
    moments, axes = np.linalg.eigh(centred.T @ centred)
    return axes[:, int(np.argmax(np.abs(moments - np.median(moments))))]


def test_drilled_icosahedron_has_an_empty_channel(entries, built):
    params = by_number(entries, 28)["params"]
    positions = positions_of(entries, built, 28)
    axis = _symmetric_top_axis(positions)
    radii = geometry.distance_from_axis(positions, axis, positions.mean(axis=0))
    assert radii.min() > params["drill_radius"] * BOND
    # The same drill through ase's icosahedron, along a vertex axis.
    reference = ase_icosahedron(params["shells"])
    vertex = reference[np.argmax(np.linalg.norm(reference, axis=1))]
    kept = geometry.distance_from_axis(reference, vertex) > params["drill_radius"] * BOND
    assert same_distances(positions, reference[kept])
    # The axis and five atoms 2/√5 bond from it in each of 6 rings (3 shells, both ends) go.
    assert len(positions) == 147 - 7 - 30


def test_excavated_icosahedra_keep_their_cores(entries, built):
    small, large = positions_of(entries, built, 27), positions_of(entries, built, 29)
    # 27: the 20 face centres of the third shell are dug out; 29: also the 3 face atoms of each
    # fourth-shell face.
    assert len(small) == mackay(3) - 20
    assert len(large) == mackay(4) - 20 - 3 * 20
    assert geometry.coincident_with(shapes.icosahedron(2, BOND), small, 1e-6).all()  # Pt55 core
    missing = shapes.icosahedron(3, BOND)[~geometry.coincident_with(shapes.icosahedron(3, BOND), small, 1e-6)]
    np.testing.assert_allclose(np.linalg.norm(missing, axis=1), 3 * ICOSAHEDRON_INRADIUS * BOND)
    # 29 holds 27 as its core: inside the third shell it is exactly 27.
    core_of_large = large[geometry.coincident_with(large, shapes.icosahedron(3, BOND), 1e-6)]
    assert same_set(core_of_large, small)


# --- fcc pieces ---------------------------------------------------------------------------------


def test_cuboid_edges_and_count(entries, built):
    layers = by_number(entries, 9)["params"]["layers"]
    positions = positions_of(entries, built, 9)
    assert len(positions) == np.prod(layers) // 2 == 147
    np.testing.assert_allclose(np.ptp(positions, axis=0), (np.array(layers) - 1) * BOND / np.sqrt(2))
    assert not np.allclose(*np.sort(np.ptp(positions, axis=0))[[0, 2]])  # not a cube


def test_sphere_of_a_size_and_centre_not_in_training(entries, built):
    params = by_number(entries, 10)["params"]
    sites = fcc_sites(6)
    centre = np.array(params["center"]) * BOND * np.sqrt(2)  # fractional × the cubic cell edge
    inside = sites[np.linalg.norm(sites - centre, axis=1) <= params["radius"] * BOND + 1e-6]
    assert len(positions_of(entries, built, 10)) == len(inside)
    assert same_distances(positions_of(entries, built, 10), inside)


@pytest.mark.parametrize("number, ratio", [(11, 0.5), (12, 2.0)])
def test_spheroids(entries, built, number, ratio):
    params = by_number(entries, number)["params"]
    assert params["polar_radius"] / params["equatorial_radius"] == ratio
    sites = fcc_sites(8)
    semi_axes = np.array([params["equatorial_radius"]] * 2 + [params["polar_radius"]]) * BOND
    inside = sites[np.linalg.norm(sites / semi_axes, axis=1) <= 1 + 1e-9]
    positions = positions_of(entries, built, number)
    assert same_set(positions, inside)
    # The extents follow the axis ratio to within one (100) layer on each side.
    extents = np.ptp(positions, axis=0)
    layer = BOND / np.sqrt(2)
    assert extents[0] == pytest.approx(extents[1])
    assert abs(extents[2] - ratio * extents[0]) <= 2 * layer * max(ratio, 1)
    assert (extents[2] / extents[0] - 1) * (ratio - 1) > 0  # oblate flattened, prolate stretched


@pytest.mark.parametrize("number, edge_atoms", [(13, 5), (14, 7)])
def test_trigonal_bipyramids_are_mirror_symmetric(entries, built, number, edge_atoms):
    assert by_number(entries, number)["params"] == {"edge_atoms": edge_atoms}
    positions = positions_of(entries, built, number)
    assert len(positions) == 2 * tetrahedral(edge_atoms) - triangular(edge_atoms)
    # The apices are the two atoms farthest apart; the twin plane bisects them.
    distances = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
    first, second = np.unravel_index(np.argmax(distances), distances.shape)
    apex_axis = positions[second] - positions[first]
    assert np.linalg.norm(apex_axis) == pytest.approx(2 * np.sqrt(2 / 3) * (edge_atoms - 1) * BOND)
    middle = (positions[first] + positions[second]) / 2
    mirrored = geometry.reflect_through_plane(positions, middle, apex_axis)
    assert same_set(mirrored, positions)
    on_plane = np.abs((positions - middle) @ apex_axis / np.linalg.norm(apex_axis)) < 1e-6
    assert on_plane.sum() == triangular(edge_atoms)


def test_truncated_octahedra_match_ase(entries, built):
    for number in (30, 31):
        params = by_number(entries, number)["params"]
        n, c = params["edge_atoms"], params["cutoff"]
        assert n == 3 * c + 1  # Archimedean: square and hexagonal faces of equal edges
        assert by_number(entries, number)["natoms"] == (2 * n**3 + n) // 3 - 6 * c * (c + 1) * (2 * c + 1) // 6
        reference = Octahedron("Pt", n, c, latticeconstant=BOND * np.sqrt(2)).positions
        assert same_distances(positions_of(entries, built, number), reference)


def test_truncated_tetrahedron(entries, built):
    params = by_number(entries, 32)["params"]
    n, c = params["edge_atoms"], params["cutoff"]
    positions = positions_of(entries, built, 32)
    assert len(positions) == tetrahedral(n) - 4 * tetrahedral(c)
    # A subset of the parent tetrahedron, missing exactly its vertex tetrahedra of c layers.
    parent = shapes.tetrahedron(n, BOND)  # same frame, both centred on their centroids
    kept = geometry.coincident_with(parent, positions, 1e-6)
    assert kept.sum() == len(positions)
    vertices = parent[np.argsort(-np.linalg.norm(parent, axis=1))[:4]]
    missing = parent[~kept]
    for vertex in vertices:
        assert np.sum(np.linalg.norm(missing - vertex, axis=1) <= (c - 1) * BOND + 1e-6) == tetrahedral(c)


def test_excavated_cube_by_enumeration(entries, built):
    params = by_number(entries, 26)["params"]
    cells, rim, depth = params["cells"], params["rim"], params["depth"]
    # In (100) layers, the cube spans [-cells, cells]; the pyramid on face +x has its apex at
    # x = cells - depth and its half-width at height x is (x - apex)(cells - rim)/depth.
    steps = np.array([s for s in product(range(-cells, cells + 1), repeat=3) if sum(s) % 2 == 0])
    dug = np.zeros(len(steps), dtype=bool)
    for axis in range(3):
        for sign in (1, -1):
            height = sign * steps[:, axis] - (cells - depth)
            half_width = height * (cells - rim) / depth
            others = np.delete(steps, axis, axis=1)
            dug |= (height > 0) & np.all(np.abs(others) < half_width[:, None] - 1e-9, axis=1)
    expected = steps[~dug] * BOND / np.sqrt(2)
    positions = positions_of(entries, built, 26)
    assert len(positions) == len(expected) == by_number(entries, 26)["natoms"]
    assert same_set(positions, expected)
    # Faces keep their rim: every corner atom has neighbours.
    counts = np.array([len(x) - 1 for x in cKDTree(positions).query_ball_point(positions, 1.01 * BOND)])
    assert counts.min() >= 3


# --- decahedra ----------------------------------------------------------------------------------


def test_ino_and_marks_decahedra_match_ase(entries, built):
    for number in range(15, 22):
        params = by_number(entries, number)["params"]
        kind = "Ino" if number <= 17 else "Marks"
        assert (params["q"] > 1 and params["r"] == 0) if kind == "Ino" else params["r"] > 0
        reference = Decahedron("Pt", params["p"], params["q"], params["r"], latticeconstant=BOND * np.sqrt(2))
        assert same_distances(positions_of(entries, built, number), reference.positions), number


def test_generalised_decahedron_reduces_to_the_training_decahedron():
    for edge_atoms in (3, 4, 5):
        assert same_distances(challenge_shapes.generalised_decahedron(edge_atoms, 1, 0, BOND),
                              shapes.decahedron(edge_atoms, BOND))


# --- Boerdijk-Coxeter-Bernal helices ------------------------------------------------------------


def _closed_form_helix(edge_atoms, tetrahedra):
    """Atoms of the BC helix from the closed form of its vertices, filled tetrahedron by tetrahedron."""
    edge = (edge_atoms - 1) * BOND
    k = np.arange(tetrahedra + 3)
    twist = np.arccos(-2 / 3)
    vertices = edge * np.column_stack([
        3 * np.sqrt(3) / 10 * np.cos(k * twist), 3 * np.sqrt(3) / 10 * np.sin(k * twist), k / np.sqrt(10),
    ])
    counts = [w for w in product(range(edge_atoms), repeat=4) if sum(w) == edge_atoms - 1]
    weights = np.array(counts) / (edge_atoms - 1)
    points = np.vstack([weights @ vertices[t : t + 4] for t in range(tetrahedra)])
    duplicates = cKDTree(points).query_pairs(1e-6 * BOND, output_type="ndarray")
    return np.delete(points, np.unique(duplicates[:, 1]), axis=0)


@pytest.mark.parametrize("number, edge_atoms, tetrahedra", [(22, 3, 30), (23, 5, 8)])
def test_bc_helices(entries, built, number, edge_atoms, tetrahedra):
    assert by_number(entries, number)["params"] == {"edge_atoms": edge_atoms, "tetrahedra": tetrahedra}
    positions = positions_of(entries, built, number)
    new_per_tetrahedron = tetrahedral(edge_atoms) - triangular(edge_atoms)
    assert len(positions) == tetrahedral(edge_atoms) + (tetrahedra - 1) * new_per_tetrahedron
    assert same_distances(positions, _closed_form_helix(edge_atoms, tetrahedra))
    if number == 22:
        assert len(positions) == 126 and new_per_tetrahedron == 4  # the paper's Pt126 of Pt10 units


# --- bcc rhombic dodecahedra --------------------------------------------------------------------


@pytest.mark.parametrize("number, shells", [(24, 2), (25, 3)])
def test_bcc_rhombic_dodecahedra(entries, built, number, shells):
    assert by_number(entries, number)["params"] == {"shells": shells}
    positions = positions_of(entries, built, number)
    assert len(positions) == (2 * shells + 1) * (2 * shells**2 + 2 * shells + 1)
    # Brute force: bcc sites in units of half a cell (all even or all odd), |x| + |y| <= 2n, ...
    half_cell = BOND / np.sqrt(3)  # a/2 for a bcc nearest-neighbour distance of BOND
    steps = np.array(list(product(range(-2 * shells, 2 * shells + 1), repeat=3)))
    steps = steps[np.all(steps % 2 == steps[:, :1] % 2, axis=1)]
    absolute = np.abs(steps)
    pairs = [(0, 1), (1, 2), (0, 2)]
    inside = np.all([absolute[:, i] + absolute[:, j] <= 2 * shells for i, j in pairs], axis=0)
    assert same_set(positions, steps[inside] * half_cell)
    normals = ConvexHull(positions).equations[:, :3]
    magnitudes = np.sort(np.abs(normals), axis=1)
    np.testing.assert_allclose(magnitudes[:, 0], 0.0, atol=1e-9)
    np.testing.assert_allclose(magnitudes[:, 1:], 1 / np.sqrt(2), atol=1e-9)
    assert len(np.unique(np.round(normals, 6), axis=0)) == 12  # the twelve {110} faces
