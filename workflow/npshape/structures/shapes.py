"""Builders of the eleven training shapes (paper Fig. 2): lattice cuts and polyhedral shells.

Each builder returns positions as an ndarray of shape (n_atoms, 3), float64, in Å, centred on
the origin (the shape's symmetry centre), with the shortest interatomic distance equal to
`bond`. fcc solids are cut from the lattice of `npshape.structures.lattices` in its cubic frame (cube
faces normal to x, y, z); icosahedra, decahedra and dodecahedra are built shell by shell.
"""

from itertools import product

import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial.distance import pdist

from npshape.structures.geometry import inside_half_spaces, inside_sphere
from npshape.structures.lattices import lattice_points, unit_cell

BOND_ANGSTROM = 2.7
GOLDEN_RATIO = (1 + np.sqrt(5)) / 2

# Outward normals of the eight {111} planes; the four with an odd number of minus signs
# bound a regular tetrahedron whose vertices are alternate corners of a cube.
_NORMALS_111 = np.array(list(product((-1, 1), repeat=3)), dtype=float)
_NORMALS_TETRAHEDRON = _NORMALS_111[np.prod(_NORMALS_111, axis=1) < 0]


def _cube(lattice, cells, bond):
    """Cube of `cells`³ conventional cubic cells of `lattice`, corners on atoms."""
    cell, _ = unit_cell(lattice, bond)
    half_side = cells * cell[0, 0] / 2
    return lattice_points(lattice, half_side, bond, centre=np.full(3, half_side))


def fcc_cube(cells: int, bond: float = BOND_ANGSTROM) -> np.ndarray:
    """Return an fcc cube (FCC-C) of `cells` conventional cells per edge.

    Atom count 4n³ + 6n² + 3n + 1 for n = `cells` (14, 63, 172 for n = 1, 2, 3).
    """
    return _cube("fcc", cells, bond)


def bcc_cube(cells: int, bond: float = BOND_ANGSTROM) -> np.ndarray:
    """Return a bcc cube (BCC-C) of `cells` conventional cells per edge.

    Atom count 2n³ + 3n² + 3n + 1 for n = `cells` (9, 35, 91, 189 for n = 1..4).
    """
    return _cube("bcc", cells, bond)


def octahedron(edge_atoms: int, bond: float = BOND_ANGSTROM) -> np.ndarray:
    """Return a regular fcc octahedron (OH) with `edge_atoms` atoms on each edge.

    Atom count (2n³ + n)/3 for n = `edge_atoms` (19, 44, 85, 146 for n = 3..6). Vertices lie
    on the x, y, z axes; for even n the centre is an octahedral hole, not an atom.
    """
    apex = (edge_atoms - 1) * bond / np.sqrt(2)
    # The apices must be lattice points: for an odd number of bonds per edge, shift by half
    # an fcc cell edge (bond/√2) along x, onto an octahedral hole.
    centre = ((edge_atoms - 1) % 2) * np.array([bond / np.sqrt(2), 0.0, 0.0])
    points = lattice_points("fcc", apex, bond, centre=centre)
    return points[inside_half_spaces(points, _NORMALS_111, np.full(8, apex / np.sqrt(3)))]


def tetrahedron(edge_atoms: int, bond: float = BOND_ANGSTROM) -> np.ndarray:
    """Return a regular fcc tetrahedron (RTD) with `edge_atoms` atoms on each edge, {111} faces.

    Atom count n(n + 1)(n + 2)/6 for n = `edge_atoms` (20, 35, 56, 84, 120, 165 for n = 4..9).
    Centred on its centroid; vertices at alternate corners (±s, ±s, ±s) of a cube.
    """
    half_side = (edge_atoms - 1) * bond / (2 * np.sqrt(2))
    # The lattice point at the origin of the lattice becomes the vertex (s, s, s).
    points = lattice_points("fcc", half_side, bond, centre=np.full(3, -half_side))
    return points[inside_half_spaces(points, _NORMALS_TETRAHEDRON, np.full(4, half_side / np.sqrt(3)))]


def cuboctahedron(shells: int, bond: float = BOND_ANGSTROM) -> np.ndarray:
    """Return an fcc cuboctahedron (CB) of `shells` shells around a central atom.

    Atom count (10n³ + 15n² + 11n + 3)/3 for n = `shells` (13, 55, 147, 309 for n = 1..4);
    the 12 vertices lie at n·`bond` from the centre along <110>.
    """
    half_side = shells * bond / np.sqrt(2)
    points = lattice_points("fcc", half_side, bond)  # the cube cut gives the {100} faces
    return points[inside_half_spaces(points, _NORMALS_111, np.full(8, 2 * half_side / np.sqrt(3)))]


def sphere(
    lattice: str, radius: float, bond: float = BOND_ANGSTROM, center: str | ArrayLike = "atom",
    c_over_a: float | None = None,
) -> np.ndarray:
    """Return the atoms of `lattice` within `radius` of a centre (FCC-S, HCP-S, BMN-S).

    Parameters
    ----------
    lattice : {"fcc", "hcp", "bmn"}
        Crystal to carve (any lattice of `npshape.structures.lattices`).
    radius : float
        Sphere radius in units of `bond` (dimensionless). Atoms within 1e-6 Å of the sphere
        are kept.
    bond : float
        Nearest-neighbour distance, Å.
    center : "atom" or array_like of shape (3,)
        "atom" centres the sphere on the first basis atom: any atom in fcc and hcp, where
        all atoms are equivalent, and a Mn I atom (8c, site symmetry 3) in beta-Mn, the
        more symmetric of its two sites. Otherwise, fractional coordinates of the centre
        in the conventional cell (e.g. (3/8, 3/8, 3/8), the 4a site of beta-Mn).
    c_over_a : float, optional
        hcp only: the c/a ratio (default: ideal, 1.633). Real hcp metals range from 1.57
        (Y, Os, Ru, Ti: 1.58-1.59) to 1.62 (Co, Mg) and 1.86-1.89 (Zn, Cd).

    Returns
    -------
    ndarray of shape (n_atoms, 3)
        Positions relative to the centre, Å.
    """
    cell, basis = unit_cell(lattice, bond, c_over_a)
    if isinstance(center, str):
        if center != "atom":
            raise ValueError(
                f"unknown sphere center {center!r}; expected 'atom' or 3 fractional coordinates"
            )
        centre = basis[0]
    else:
        centre = np.asarray(center, dtype=float) @ cell
    points = lattice_points(lattice, radius * bond, bond, centre=centre, c_over_a=c_over_a)
    return points[inside_sphere(points, radius * bond)]


def _compositions(total, parts, minimum=0):
    """All vectors of `parts` integers >= `minimum` summing to `total`, shape (n, parts)."""
    rows = [w for w in product(range(minimum, total + 1), repeat=parts) if sum(w) == total]
    return np.array(rows, dtype=int).reshape(-1, parts)


def _cyclic_permutations_with_signs(triple):
    """The points (±a, ±b, ±c), (±c, ±a, ±b), (±b, ±c, ±a), each once (0 is not signed)."""
    triple = np.asarray(triple, dtype=float)
    nonzero = np.flatnonzero(triple)
    points = []
    for signs in product((1, -1), repeat=len(nonzero)):
        signed = triple.copy()
        signed[nonzero] *= signs
        points.extend(np.roll(signed, shift) for shift in range(3))
    return np.array(points)


def _edges(vertices):
    """Index pairs of the vertices of a regular polyhedron that are at the edge length."""
    distances = np.linalg.norm(vertices[:, None] - vertices[None, :], axis=-1)
    edge_length = distances[distances > 0].min()
    return [(i, j) for i, j in zip(*np.nonzero(np.isclose(distances, edge_length))) if i < j]


def _icosahedron_vertices():
    """The 12 vertices of a regular icosahedron of circumradius 1, dual to `dodecahedron`'s."""
    vertices = _cyclic_permutations_with_signs((0.0, GOLDEN_RATIO, 1.0))
    return vertices / np.linalg.norm(vertices[0])


def _simplex_shell(vertices, edges, faces, order):
    """Vertices, edges and triangular faces of a polyhedron, as a triangular grid of `order` steps.

    Each point is counted once: the vertices scaled by `order`, then the points strictly
    inside each edge and each face (all barycentric weights >= 1).
    """
    simplices = [(i,) for i in range(len(vertices))] + list(edges) + list(faces)
    return np.vstack([
        _compositions(order, len(simplex), minimum=1) @ vertices[list(simplex)]
        for simplex in simplices
    ])


def icosahedron(shells: int, bond: float = BOND_ANGSTROM) -> np.ndarray:
    """Return a Mackay icosahedron (IC) of `shells` shells around a central atom.

    Atom count (10n³ + 15n² + 11n + 3)/3 for n = `shells` (13, 55, 147, 309 for n = 1..4).
    Shell k holds 10k² + 2 atoms on an icosahedron of circumradius k·`bond`; the radial
    distance, `bond`, is the shortest (atoms within a shell are 5 % further apart).
    """
    vertices = bond * _icosahedron_vertices()
    edges = _edges(vertices)
    faces = [
        (i, j, k) for (i, j), k in product(edges, range(len(vertices)))
        if j < k and (i, k) in edges and (j, k) in edges
    ]
    shells_points = [_simplex_shell(vertices, edges, faces, k) for k in range(1, shells + 1)]
    return np.vstack([np.zeros((1, 3))] + shells_points)


def decahedron(edge_atoms: int, bond: float = BOND_ANGSTROM) -> np.ndarray:
    """Return a pentagonal bipyramid (DC; Ino decahedron without truncation), axis along z.

    Five fcc tetrahedra share the five-fold axis; n = `edge_atoms` atoms on every edge.
    Atom count n + 5(n + 1)n(n - 1)/6 (7, 23, 54, 105, 181 for n = 2..6). As in
    `ase.cluster.Decahedron`, bonds along the axis and from it are `bond`; the 7.35° gap
    between the five tetrahedra is closed by stretching bonds around the axis by 1.8 %.
    """
    apices = np.array([[0.0, 0.0, bond / 2], [0.0, 0.0, -bond / 2]])
    angles = 2 * np.pi * np.arange(5) / 5
    ring = bond * np.sqrt(3) / 2 * np.column_stack([np.cos(angles), np.sin(angles), np.zeros(5)])
    bonds = edge_atoms - 1
    # Each point is an integer combination, of weight sum `bonds`, of the corners of one
    # tetrahedron (two apices, ring atoms i and i+1); a positive weight on ring atom i+1
    # leaves the face shared with the previous tetrahedron, and the axis, to be added once.
    weights = _compositions(bonds, 4)
    weights = weights[weights[:, 3] >= 1]
    tetrahedra = [
        weights @ np.vstack([apices, ring[i], ring[(i + 1) % 5]]) for i in range(5)
    ]
    axis = _compositions(bonds, 2) @ apices
    return np.vstack([axis] + tetrahedra)


def _dodecahedron_faces(vertices):
    """The 12 pentagonal faces, as vertex indices in cyclic order around each face."""
    faces = []
    for normal in _icosahedron_vertices():  # the dual's vertices are the face normals
        face = np.argsort(vertices @ normal)[-5:]
        in_plane = vertices[face] - vertices[face].mean(axis=0)
        reference = in_plane[0]
        angles = np.arctan2(np.cross(reference, in_plane) @ normal, in_plane @ reference)
        faces.append(face[np.argsort(angles)])
    return faces


def _centred_pentagon(corners, order):
    """Points strictly inside a pentagonal face of a shell of `order` steps.

    The face centre plus rings j = 1..order-1: ring j is the face shrunk by j/order about
    its centre, with j steps on each side (5j points). Ring `order` is the face's border.
    """
    centre = corners.mean(axis=0)
    spokes = corners - centre
    next_spokes = np.roll(spokes, -1, axis=0)
    points = [order * centre[None, :]]
    for ring in range(1, order):
        points.extend(
            order * centre + (ring - step) * spokes + step * next_spokes for step in range(ring)
        )
    return np.vstack(points)


def dodecahedron(shells: int, bond: float = BOND_ANGSTROM) -> np.ndarray:
    """Return nested regular dodecahedra (DD) of `shells` shells around a central atom.

    Shell k has its vertices, k - 1 atoms inside each edge and a centred pentagonal pattern
    on each face: 30k² + 2 atoms. Atom count (2n + 1)(5n² + 5n + 1) for n = `shells`
    (33, 155, 427 for n = 1..3). Unrelaxed, the packing is loose; the whole set is scaled so
    that its shortest distance equals `bond` (the study then relaxes it with Sutton-Chen).
    """
    vertices = _cyclic_permutations_with_signs((0.0, 1 / GOLDEN_RATIO, GOLDEN_RATIO))
    vertices = np.vstack([vertices, np.array(list(product((-1.0, 1.0), repeat=3)))])
    edges = _edges(vertices)
    faces = _dodecahedron_faces(vertices)
    shells_points = [
        np.vstack([
            _simplex_shell(vertices, edges, [], k),
            *(_centred_pentagon(vertices[face], k) for face in faces),
        ])
        for k in range(1, shells + 1)
    ]
    points = np.vstack([np.zeros((1, 3))] + shells_points)
    return points * (bond / pdist(points).min())


BUILDERS = {
    "fcc_cube": fcc_cube,
    "bcc_cube": bcc_cube,
    "octahedron": octahedron,
    "tetrahedron": tetrahedron,
    "cuboctahedron": cuboctahedron,
    "icosahedron": icosahedron,
    "decahedron": decahedron,
    "dodecahedron": dodecahedron,
    "sphere": sphere,
}
