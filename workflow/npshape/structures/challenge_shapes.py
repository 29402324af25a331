"""Builders of the challenging dataset (paper section 3, Fig. 4): shapes the networks never saw.

Each builder takes the geometric parameters a chemist names and `bond`, the nearest-neighbour
distance of the unrelaxed model in Å, and returns positions as an ndarray of shape
(n_atoms, 3), float64, in Å, centred on the origin; the core-shell builder returns
``(positions, symbols)``.  They start from the training builders of :mod:`npshape.structures.shapes` or
the lattices of :mod:`npshape.structures.lattices` and carve, stack, twin or join them with
:mod:`npshape.structures.geometry`.  Lengths given as parameters are in units of `bond`, so a shape is
the same whatever the metal.
"""

from itertools import product

import numpy as np
from scipy.spatial import ConvexHull

from npshape.structures import geometry, shapes
from npshape.structures.lattices import lattice_points, unit_cell

BOND_ANGSTROM = shapes.BOND_ANGSTROM
FCC_LAYER_100_PER_BOND = 1 / np.sqrt(2)  # spacing of (100) planes of fcc, in bonds
FCC_LAYER_111_PER_BOND = np.sqrt(2 / 3)  # spacing of (111) planes of fcc, in bonds
ICOSAHEDRON_VERTICES = 12
PENTAGON_HALF_ANGLE = np.pi / 5

# Outward normals of the six {100} and the twelve {110} planes of a cubic lattice.
_NORMALS_100 = np.vstack([np.eye(3), -np.eye(3)])
_NORMALS_110 = np.array(
    [v for v in product((-1, 0, 1), repeat=3) if sorted(np.abs(v)) == [0, 1, 1]], dtype=float
)


def _duplicate_tolerance(bond):
    """Distance, Å, below which two generated points are one atom."""
    return geometry.DUPLICATE_TOLERANCE_FRACTION_OF_BOND * bond


def _outermost(points, count):
    """The `count` points farthest from the origin (the vertices of a centred polyhedron)."""
    order = np.argsort(-np.linalg.norm(points, axis=1), kind="stable")
    return points[order[:count]]


def _five_fold_axis(icosahedron):
    """Unit vector from the centre to one vertex of a centred Mackay icosahedron."""
    vertex = _outermost(icosahedron, 1)[0]
    return vertex / np.linalg.norm(vertex)


def _outer_shell(icosahedron, shells, bond):
    """Mask of the atoms of a Mackay icosahedron of `shells` shells that are in its outermost shell."""
    core = shapes.icosahedron(shells - 1, bond)
    return ~geometry.coincident_with(icosahedron, core, _duplicate_tolerance(bond))


def partially_filled_icosahedron(shells, min_height, bond=BOND_ANGSTROM):
    """Return a Mackay icosahedron whose outer shell is filled only on one side of a plane.

    The inner `shells` - 1 shells are complete; of shell `shells`, the atoms are kept whose
    height along a five-fold axis is at least `min_height` times the shell's circumradius
    (min_height = -1 keeps the whole shell, 0 its upper half, as a growing cluster would
    have it).

    Parameters
    ----------
    shells : int
        Shells of the parent icosahedron (>= 2).
    min_height : float
        Lowest height kept, as a fraction of the outer circumradius, in [-1, 1].
    bond : float
        Nearest-neighbour distance, Å.
    """
    if shells < 2:
        raise ValueError(f"a partially filled icosahedron needs shells >= 2, got {shells}")
    full = shapes.icosahedron(shells, bond)
    heights = full @ _five_fold_axis(full)
    high_enough = heights >= min_height * shells * bond - geometry.BOUNDARY_TOLERANCE_ANGSTROM
    keep = ~_outer_shell(full, shells, bond) | high_enough
    return geometry.centred(full[keep])


def icosahedral_rod(shells, units, bond=BOND_ANGSTROM):
    """Return a rod of `units` Mackay icosahedra in a row along a five-fold axis, sharing vertices.

    Neighbouring icosahedra share the vertex atom where they meet (as the vertex-sharing
    bi- and tri-icosahedral Au25 and Au37 cores): units × N - (units - 1) atoms for an
    icosahedron of N atoms (37 for three Pt13, 163 for three Pt55).

    Parameters
    ----------
    shells : int
        Shells of each icosahedron (1 for 13 atoms, 2 for 55).
    units : int
        Icosahedra in the rod.
    bond : float
        Nearest-neighbour distance, Å.
    """
    unit = shapes.icosahedron(shells, bond)
    return geometry.chain_along_axis(unit, units, _five_fold_axis(unit), 0.0, _duplicate_tolerance(bond))


def drilled_icosahedron(shells, drill_radius, bond=BOND_ANGSTROM):
    """Return a Mackay icosahedron with every atom within `drill_radius` of a five-fold axis removed.

    Parameters
    ----------
    shells : int
        Shells of the icosahedron.
    drill_radius : float
        Radius of the cylindrical hole, in units of `bond`; atoms on its surface stay.
    bond : float
        Nearest-neighbour distance, Å.
    """
    full = shapes.icosahedron(shells, bond)
    hole = geometry.inside_cylinder(full, _five_fold_axis(full), drill_radius * bond, strict=True)
    return geometry.centred(full[~hole])


def excavated_icosahedron(shells, core_shells, bond=BOND_ANGSTROM):
    """Return a concave Mackay icosahedron: a triangular pyramid dug into each of its 20 faces.

    Each pyramid has the outer face as its base and, as its apex, the centre of the parallel
    face of the inner icosahedron of `core_shells` shells, which is left whole.  The dug-out
    atoms are those strictly inside a pyramid, so the outer edges and vertices stay.  The same
    apices serve every size: excavated with core_shells = 2, the icosahedron of 3 shells
    keeps Pt55 and loses its 20 face centres (127 atoms), and that of 4 shells keeps, inside
    its third shell, exactly the 127-atom one.

    Parameters
    ----------
    shells : int
        Shells of the parent icosahedron.
    core_shells : int
        Shells of the untouched core (1 <= core_shells < shells).
    bond : float
        Nearest-neighbour distance, Å.
    """
    if not 1 <= core_shells < shells:
        raise ValueError(f"need 1 <= core_shells < shells, got core_shells={core_shells}, shells={shells}")
    full = shapes.icosahedron(shells, bond)
    vertices = _outermost(full, ICOSAHEDRON_VERTICES)
    faces = vertices[ConvexHull(vertices).simplices]
    dug = np.zeros(len(full), dtype=bool)
    for face in faces:
        # Shells are similar about the centre, so the core face centre is the outer one scaled.
        apex = face.mean(axis=0) * core_shells / shells
        dug |= geometry.inside_pyramid(full, apex, face, open_base=True, strict=True)
    return geometry.centred(full[~dug])


def core_shell_icosahedron(shells, core_shells, core_metal, shell_metal, bond=BOND_ANGSTROM):
    """Return a Mackay icosahedron whose inner `core_shells` shells are one metal and the rest another.

    Returns
    -------
    positions : ndarray of shape (n_atoms, 3), Å
    symbols : ndarray of shape (n_atoms,), str
        `core_metal` for the atoms of the inner icosahedron of `core_shells` shells,
        `shell_metal` for the others (55 Pt and 92 Ag for shells 3, core_shells 2).
    """
    positions = shapes.icosahedron(shells, bond)
    core = shapes.icosahedron(core_shells, bond)
    symbols = geometry.core_shell_symbols(positions, core, core_metal, shell_metal, _duplicate_tolerance(bond))
    return positions, symbols


def fcc_cuboid(layers, bond=BOND_ANGSTROM):
    """Return a rectangular fcc cuboid bounded by {100} planes with `layers` atomic planes along x, y, z.

    Edges are (layers - 1) × bond/√2.  A lattice point sits at a corner, so the atom count is
    ⌈n_x n_y n_z / 2⌉ (exactly half when one count is even): 147 for layers (6, 7, 7).

    Parameters
    ----------
    layers : sequence of 3 int
        (100) atomic planes across the cuboid along x, y and z.
    bond : float
        Nearest-neighbour distance, Å.
    """
    half_edges = (np.asarray(layers, dtype=float) - 1) * FCC_LAYER_100_PER_BOND * bond / 2
    points = lattice_points("fcc", half_edges.max(), bond, centre=half_edges)
    return points[geometry.inside_half_spaces(points, _NORMALS_100, np.tile(half_edges, 2))]


def fcc_spheroid(equatorial_radius, polar_radius, bond=BOND_ANGSTROM):
    """Return the fcc atoms inside a spheroid centred on an atom, its polar axis along [001].

    Oblate when `polar_radius` < `equatorial_radius`, prolate when it is larger.

    Parameters
    ----------
    equatorial_radius, polar_radius : float
        Semi-axes in units of `bond`; atoms on the surface are kept.
    bond : float
        Nearest-neighbour distance, Å.
    """
    semi_axes = np.array([equatorial_radius, equatorial_radius, polar_radius]) * bond
    points = lattice_points("fcc", semi_axes.max(), bond)
    return points[geometry.inside_ellipsoid(points, semi_axes)]


def trigonal_bipyramid(edge_atoms, bond=BOND_ANGSTROM):
    """Return two regular fcc tetrahedra twinned on a shared (111) face: a trigonal bipyramid.

    The second tetrahedron is the mirror image of the first through their common face, so
    the twin plane is a mirror plane of the cluster.  Atom count
    2 n(n + 1)(n + 2)/6 - n(n + 1)/2 for n = `edge_atoms` (30, 55, 91, 140 for n = 4..7).

    Parameters
    ----------
    edge_atoms : int
        Atoms on each edge of each tetrahedron.
    bond : float
        Nearest-neighbour distance, Å.
    """
    vertices = geometry.regular_tetrahedron_vertices((edge_atoms - 1) * bond)
    tetrahedron = shapes.tetrahedron(edge_atoms, bond)
    face_centre = vertices[1:].mean(axis=0)
    twin = geometry.reflect_through_plane(tetrahedron, face_centre, vertices[0] - face_centre)
    return geometry.centred(geometry.merge_points(np.vstack([tetrahedron, twin]), _duplicate_tolerance(bond)))


def truncated_tetrahedron(edge_atoms, cutoff, bond=BOND_ANGSTROM):
    """Return a regular fcc tetrahedron with `cutoff` (111) atomic layers cut off at each vertex.

    Atom count T(n) - 4 T(c) with T(k) = k(k + 1)(k + 2)/6, n = `edge_atoms`, c = `cutoff`
    (204 for n = 10, c = 2); c = (n - 1)/3 gives the Archimedean truncated tetrahedron.

    Parameters
    ----------
    edge_atoms : int
        Atoms on each edge of the parent tetrahedron.
    cutoff : int
        Layers removed at each vertex (0 <= cutoff, 2 cutoff < edge_atoms - 1 so the faces
        of the parent survive).
    bond : float
        Nearest-neighbour distance, Å.
    """
    if not 0 <= 2 * cutoff < edge_atoms - 1:
        raise ValueError(f"cutoff must satisfy 0 <= 2 cutoff < edge_atoms - 1, got {cutoff} for {edge_atoms}")
    vertices = geometry.regular_tetrahedron_vertices((edge_atoms - 1) * bond)
    points = shapes.tetrahedron(edge_atoms, bond)
    circumradius = np.linalg.norm(vertices[0])
    offsets = np.full(4, circumradius - cutoff * FCC_LAYER_111_PER_BOND * bond)
    return geometry.centred(points[geometry.inside_half_spaces(points, vertices, offsets)])


def truncated_octahedron(edge_atoms, cutoff, bond=BOND_ANGSTROM):
    """Return a regular fcc octahedron with `cutoff` (100) atomic layers cut off at each of its 6 vertices.

    As ``ase.cluster.Octahedron(symbol, edge_atoms, cutoff)``: (2n³ + n)/3 - 6 c(c + 1)(2c + 1)/6
    atoms for n = `edge_atoms`, c = `cutoff`; n = 3c + 1 is the Archimedean truncated
    octahedron (38, 201, 586 atoms), n = 2c + 1 the cuboctahedron.

    Parameters
    ----------
    edge_atoms : int
        Atoms on each edge of the parent octahedron.
    cutoff : int
        Layers removed at each vertex (0 <= 2 cutoff < edge_atoms - 1).
    bond : float
        Nearest-neighbour distance, Å.
    """
    if not 0 <= 2 * cutoff < edge_atoms - 1:
        raise ValueError(f"cutoff must satisfy 0 <= 2 cutoff < edge_atoms - 1, got {cutoff} for {edge_atoms}")
    points = shapes.octahedron(edge_atoms, bond)  # vertices on the x, y, z axes
    apex = (edge_atoms - 1) * FCC_LAYER_100_PER_BOND * bond
    offsets = np.full(6, apex - cutoff * FCC_LAYER_100_PER_BOND * bond)
    return points[geometry.inside_half_spaces(points, _NORMALS_100, offsets)]


def excavated_cube(cells, rim, depth, bond=BOND_ANGSTROM):
    """Return an fcc cube with a square pyramid dug into each of its 6 faces: a concave cube.

    Each pyramid's base is the face less a border `rim` (100) layers wide, and its apex lies
    `depth` layers below the face centre; atoms strictly inside a pyramid go.  The border
    keeps the edges and corners bonded to the rest (with no border, a cube's edges, whose
    atoms are √2 bonds apart, would be left as loose atoms).  When `depth` equals the base's
    half-width in layers, the pyramids' walls are {110} planes.

    Parameters
    ----------
    cells : int
        Conventional cells per edge of the parent `npshape.structures.shapes.fcc_cube`: 2 `cells` + 1
        (100) layers, `cells` of them from the centre to a face.
    rim : int
        (100) layers of each face left around the pyramid's base (0 <= rim < cells).
    depth : int
        (100) layers from the face to the pyramid's apex (0 < depth <= cells).
    bond : float
        Nearest-neighbour distance, Å.
    """
    if not (0 <= rim < cells and 0 < depth <= cells):
        raise ValueError(
            f"need 0 <= rim < cells and 0 < depth <= cells, got cells={cells}, rim={rim}, depth={depth}"
        )
    cube = shapes.fcc_cube(cells, bond)
    layer = FCC_LAYER_100_PER_BOND * bond
    half_edge = cells * layer
    half_base = half_edge - rim * layer
    dug = np.zeros(len(cube), dtype=bool)
    for normal in _NORMALS_100:
        # Two unit vectors in the face; the corners go round it in order.
        across = np.roll(normal, 1)
        along = np.cross(normal, across)
        corners = half_edge * normal + half_base * np.array(
            [across + along, across - along, -across - along, -across + along]
        )
        apex = (half_edge - depth * layer) * normal
        dug |= geometry.inside_pyramid(cube, apex, corners, open_base=True, strict=True)
    return cube[~dug]


def bcc_rhombic_dodecahedron(shells, bond=BOND_ANGSTROM):
    """Return a bcc rhombic dodecahedron (the Catalan solid bounded by the 12 {110} planes) centred on an atom.

    Its 14 vertices are lattice points: 6 at `shells` cells along <100>, 8 at `shells`/2 cells
    along <111>.  Shell k >= 1 holds 12k² + 2 atoms, so the atom count is
    (2n + 1)(2n² + 2n + 1) for n = `shells` (15, 65, 175, 369 for n = 1..4).

    Parameters
    ----------
    shells : int
        Conventional bcc cells from the centre to a <100> vertex.
    bond : float
        Nearest-neighbour distance, Å.
    """
    lattice_constant = unit_cell("bcc", bond)[0][0, 0]
    points = lattice_points("bcc", shells * lattice_constant, bond)
    offsets = np.full(len(_NORMALS_110), shells * lattice_constant / np.sqrt(2))
    return points[geometry.inside_half_spaces(points, _NORMALS_110, offsets)]


def bc_helix(edge_atoms, tetrahedra, bond=BOND_ANGSTROM):
    """Return a Boerdijk–Coxeter–Bernal helix of regular fcc tetrahedra stacked face to face.

    Consecutive tetrahedra share a (111) face; see `npshape.structures.geometry.bc_helix_tetrahedra`.
    Each tetrahedron after the first adds the atoms off the shared face:
    T(n) + (tetrahedra - 1)(T(n) - n(n + 1)/2) atoms with T(n) = n(n + 1)(n + 2)/6
    (126 for 30 Pt10 tetrahedra, n = 3; 175 for 8 Pt35 tetrahedra, n = 5).

    Parameters
    ----------
    edge_atoms : int
        Atoms on each edge of each tetrahedron.
    tetrahedra : int
        Tetrahedra in the helix.
    bond : float
        Nearest-neighbour distance, Å.
    """
    first = geometry.regular_tetrahedron_vertices((edge_atoms - 1) * bond)
    tetrahedron = shapes.tetrahedron(edge_atoms, bond)  # its vertices are `first`
    chain = geometry.bc_helix_tetrahedra(first, tetrahedra)
    points = np.vstack([geometry.map_tetrahedron(tetrahedron, first, vertices) for vertices in chain])
    return geometry.centred(geometry.merge_points(points, _duplicate_tolerance(bond)))


def generalised_decahedron(p, q, r, bond=BOND_ANGSTROM):
    """Return a five-fold twinned decahedron with Ino (100) facets and Marks re-entrances.

    Same parameters, atoms and orientation (five-fold axis along z) as
    ``ase.cluster.Decahedron(symbol, p, q, r, latticeconstant=bond·√2)``: q = 1, r = 0 is the
    regular decahedron of `npshape.structures.shapes.decahedron` with p atoms per edge; q > 1 truncates
    its five equatorial edges by (100) facets q atoms tall (Ino); r > 0 cuts a notch r
    layers deep, bounded by two (111) planes, where each twin plane meets the surface (Marks).

    Built as five wedges of strained fcc around the axis, one per tetrahedron, each cut by
    planes: two (111) caps, the (100) Ino facet and the two (111) notch planes.  In a wedge
    between the pentagon directions d1 and d2, the atoms are at
    u·ρ d1 + w·ρ d2 + (k + (u + w)/2)·bond ẑ with integers u, w >= 0, k, where
    ρ = bond·√3/2 puts every atom at `bond` from its neighbours along and across the axis;
    closing the 7.35° gap of five ideal tetrahedra stretches the bonds around the axis by 1.8 %.

    Parameters
    ----------
    p : int
        Atoms across each (100) facet, normal to the axis: the edge atoms of the regular
        decahedron when q = 1 and r = 0 (>= 1).
    q : int
        Atoms along each (100) facet, parallel to the axis (1: no facet).
    r : int
        Depth of each Marks notch, in layers (0: no notch).
    bond : float
        Nearest-neighbour distance, Å.
    """
    if p < 1 or q < 1 or r < 0:
        raise ValueError(f"need p >= 1, q >= 1, r >= 0, got p={p}, q={q}, r={r}")
    axis_atoms = p + q + 2 * r - 1
    rings = p + 2 * r  # rings of columns around the axis, the axis being ring 0
    column_step = bond * np.sqrt(3) / 2
    angles = np.pi / 2 + 2 * np.pi * np.arange(5) / 5
    corners = np.column_stack([np.cos(angles), np.sin(angles), np.zeros(5)])
    z = np.array([0.0, 0.0, 1.0])
    u, w, k = (index.ravel() for index in np.meshgrid(
        np.arange(rings), np.arange(rings), np.arange(-axis_atoms, axis_atoms), indexing="ij"
    ))
    heights = (k + (u + w) / 2 - (axis_atoms - 1) / 2) * bond
    # Ring n = u + w lies n·column_step·cos 36° out along the wedge's bisector; its column
    # holds axis_atoms - n atoms, |z| <= (axis_atoms - 1 - n)·bond/2: two (111) cap planes.
    ring_spacing = column_step * np.cos(PENTAGON_HALF_ANGLE)
    cap_slope = bond / (2 * ring_spacing)
    cap_offset = (axis_atoms - 1) * bond / 2
    wedges = []
    for first, second in zip(np.roll(corners, 1, axis=0), corners):
        points = column_step * (u[:, None] * first + w[:, None] * second) + heights[:, None] * z
        bisector = (first + second) / np.linalg.norm(first + second)
        # Marks notches: u <= rings - r - 1 and w <= rings - r - 1, planes parallel to the
        # (111) twin plane on the wedge's other side; u is measured normal to that plane.
        normal_to_second = np.cross(z, second) * np.sign(np.cross(z, second) @ first)
        normal_to_first = np.cross(z, first) * np.sign(np.cross(z, first) @ second)
        notch_offset = (rings - r - 1) * column_step * (normal_to_second @ first)
        normals = np.array(
            [cap_slope * bisector + z, cap_slope * bisector - z, bisector, normal_to_second, normal_to_first]
        )
        offsets = np.array([cap_offset, cap_offset, (rings - 1) * ring_spacing, notch_offset, notch_offset])
        # inside_half_spaces takes distances along unit normals.
        offsets /= np.linalg.norm(normals, axis=1)
        wedges.append(points[geometry.inside_half_spaces(points, normals, offsets)])
    return geometry.centred(geometry.merge_points(np.vstack(wedges), _duplicate_tolerance(bond)))


BUILDERS = {
    "partially_filled_icosahedron": partially_filled_icosahedron,
    "icosahedral_rod": icosahedral_rod,
    "drilled_icosahedron": drilled_icosahedron,
    "excavated_icosahedron": excavated_icosahedron,
    "core_shell_icosahedron": core_shell_icosahedron,
    "fcc_cuboid": fcc_cuboid,
    "fcc_spheroid": fcc_spheroid,
    "trigonal_bipyramid": trigonal_bipyramid,
    "truncated_tetrahedron": truncated_tetrahedron,
    "truncated_octahedron": truncated_octahedron,
    "excavated_cube": excavated_cube,
    "bcc_rhombic_dodecahedron": bcc_rhombic_dodecahedron,
    "bc_helix": bc_helix,
    "generalised_decahedron": generalised_decahedron,
}
