"""Geometry on point sets: carve, fill, stack, mirror, join and merge clusters of atoms.

Everything here takes and returns plain numpy arrays, positions as ndarray of shape
(n_points, 3) in Å.  Region tests return boolean masks, so that a builder says what it keeps
(``points[inside]``) or what it digs out (``points[~inside]``) and can combine regions with
``&`` and ``|``.  A point within :data:`BOUNDARY_TOLERANCE_ANGSTROM` of a region's boundary
counts as inside, unless ``strict=True``, in which case it counts as outside: lattice points
that fall exactly on a facet are kept by a cut and spared by an excavation.
"""


import numpy as np
from scipy.spatial import cKDTree

from npshape.structures.lattices import TOLERANCE_ANGSTROM as BOUNDARY_TOLERANCE_ANGSTROM

# Points closer than this fraction of the bond length are one atom (shared faces of filled
# tetrahedra, shared vertices of chained clusters): far below any physical distance, far
# above floating-point noise.
DUPLICATE_TOLERANCE_FRACTION_OF_BOND = 1e-3


def _margin(strict):
    """Signed slack added to a region's bound: boundary points in (False) or out (True)."""
    return -BOUNDARY_TOLERANCE_ANGSTROM if strict else BOUNDARY_TOLERANCE_ANGSTROM


def _unit(vectors):
    """Vectors (..., 3) scaled to unit length."""
    vectors = np.asarray(vectors, dtype=float)
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)


def inside_half_spaces(points, normals, offsets, strict=False):
    """Return the mask of points on the inner side of every plane n̂·r = d.

    Parameters
    ----------
    points : ndarray of shape (n_points, 3), Å
    normals : array_like of shape (n_planes, 3)
        Outward normals; any length, normalised here.
    offsets : array_like of shape (n_planes,), Å
        Signed distance d of each plane from the origin along its unit normal.
    strict : bool
        Whether points on a plane count as outside.

    Returns
    -------
    ndarray of shape (n_points,), bool
    """
    heights = np.asarray(points, dtype=float) @ _unit(normals).T
    return np.all(heights <= np.asarray(offsets, dtype=float) + _margin(strict), axis=1)


def inside_ellipsoid(points, semi_axes, centre=(0.0, 0.0, 0.0), strict=False):
    """Return the mask of points inside an axis-aligned ellipsoid.

    Parameters
    ----------
    points : ndarray of shape (n_points, 3), Å
    semi_axes : array_like of shape (3,), Å
        Semi-axes along x, y and z.
    centre : array_like of shape (3,), Å
    strict : bool
        Whether points on the surface count as outside.

    Returns
    -------
    ndarray of shape (n_points,), bool
    """
    semi_axes = np.asarray(semi_axes, dtype=float)
    scaled = (np.asarray(points, dtype=float) - centre) / semi_axes
    # The boundary tolerance is a length; on the unit sphere of scaled space it shrinks by
    # the smallest semi-axis, the direction in which the surface is closest to a point.
    return np.linalg.norm(scaled, axis=1) <= 1.0 + _margin(strict) / semi_axes.min()


def inside_sphere(points, radius, centre=(0.0, 0.0, 0.0), strict=False):
    """Return the mask of points within `radius`, Å, of `centre`; see `inside_ellipsoid`."""
    return inside_ellipsoid(points, np.full(3, float(radius)), centre, strict)


def distance_from_axis(points, axis, origin=(0.0, 0.0, 0.0)):
    """Return the distance, Å, of each point from the line through `origin` along `axis`.

    Returns
    -------
    ndarray of shape (n_points,), Å
    """
    relative = np.asarray(points, dtype=float) - origin
    along = relative @ _unit(axis)
    return np.linalg.norm(relative - along[:, None] * _unit(axis), axis=1)


def inside_cylinder(points, axis, radius, origin=(0.0, 0.0, 0.0), strict=False):
    """Return the mask of points within `radius`, Å, of an infinite line (a drill through a cluster).

    Parameters
    ----------
    points : ndarray of shape (n_points, 3), Å
    axis : array_like of shape (3,)
        Direction of the cylinder's axis; any length.
    radius : float, Å
    origin : array_like of shape (3,), Å
        A point of the axis.
    strict : bool
        Whether points on the cylinder's surface count as outside.
    """
    return distance_from_axis(points, axis, origin) <= radius + _margin(strict)


def inside_pyramid(points, apex, base, open_base=False, strict=False):
    """Return the mask of points inside the pyramid with an apex and a convex polygonal base.

    A punch driven into a cluster from outside removes what lies inside the lateral faces,
    whatever lies beyond the base: ``open_base=True`` drops the base plane, so the region is
    the infinite cone from the apex through the base polygon.

    Parameters
    ----------
    points : ndarray of shape (n_points, 3), Å
    apex : array_like of shape (3,), Å
    base : array_like of shape (n_corners, 3), Å
        Corners of a convex planar polygon, in order around it (either sense), not
        coplanar with the apex.
    open_base : bool
        Whether the pyramid extends without end beyond its base.
    strict : bool
        Whether points on a face count as outside.
    """
    apex = np.asarray(apex, dtype=float)
    base = np.asarray(base, dtype=float)
    base_centre = base.mean(axis=0)
    following = np.roll(base, -1, axis=0)
    normals = np.cross(base - apex, following - apex)
    # Orient every lateral normal away from the base centre, which lies inside the pyramid.
    normals *= np.where((normals @ (base_centre - apex))[:, None] > 0, -1.0, 1.0)
    offsets = _unit(normals) @ apex
    if not open_base:
        base_normal = base_centre - apex
        normals = np.vstack([normals, base_normal])
        offsets = np.append(offsets, _unit(base_normal) @ base_centre)
    return inside_half_spaces(points, normals, offsets, strict)


def regular_tetrahedron_vertices(edge):
    """Return the 4 vertices, ndarray (4, 3) Å, of a regular tetrahedron of edge `edge`, Å, centred at 0.

    The vertices are alternate corners of a cube, so the edges run along <110> and the faces
    are normal to <111>: an fcc lattice fills it.
    """
    corners = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)
    return corners * edge / (2.0 * np.sqrt(2.0))


def map_tetrahedron(points, source, target):
    """Return `points` carried by the affine map that takes tetrahedron `source` onto `target`.

    Vertex i of `source` goes to vertex i of `target`; a filled tetrahedron is thereby placed
    on any face-sharing neighbour (a twin, the next link of a helix), mirror images included.

    Parameters
    ----------
    points : array_like of shape (n_points, 3), Å
    source, target : array_like of shape (4, 3), Å, non-degenerate tetrahedra

    Returns
    -------
    ndarray of shape (n_points, 3), Å
    """
    source, target = np.asarray(source, dtype=float), np.asarray(target, dtype=float)
    linear = np.linalg.solve(source[1:] - source[0], target[1:] - target[0])
    return (np.asarray(points, dtype=float) - source[0]) @ linear + target[0]


def reflect_through_plane(points, plane_point, normal):
    """Return the mirror images of points through the plane through `plane_point` normal to `normal`.

    Parameters
    ----------
    points : ndarray of shape (n_points, 3), Å
    plane_point : array_like of shape (3,), Å
    normal : array_like of shape (3,)
        Any length.

    Returns
    -------
    ndarray of shape (n_points, 3), Å
    """
    points = np.asarray(points, dtype=float)
    normal = _unit(normal)
    heights = (points - plane_point) @ normal
    return points - 2.0 * heights[:, None] * normal


def bc_helix_tetrahedra(first, count):
    """Return the vertices of `count` tetrahedra stacked face to face along a Boerdijk–Coxeter helix.

    Each tetrahedron after the first is the mirror image of the one before through the face
    opposite that tetrahedron's oldest vertex: vertex k + 4 of the chain is vertex k
    reflected through the plane of vertices k + 1, k + 2, k + 3.  Every four consecutive
    vertices are then a tetrahedron and consecutive tetrahedra share a face; for a regular
    first tetrahedron of edge 1 the vertices lie on a helix of radius 3√3/10, rising 1/√10
    and turning arccos(-2/3) ≈ 131.81° per vertex (Coxeter, 1985).

    Parameters
    ----------
    first : array_like of shape (4, 3), Å
        Vertices of the first tetrahedron; their order sets the helix's sense of turn.
    count : int
        Number of tetrahedra (>= 1).

    Returns
    -------
    ndarray of shape (count, 4, 3), Å
        Tetrahedron k has vertices k, ..., k + 3 of the chain.
    """
    chain = [np.asarray(vertex, dtype=float) for vertex in first]
    for _ in range(count - 1):
        face = chain[-3:]
        normal = np.cross(face[1] - face[0], face[2] - face[0])
        chain.append(reflect_through_plane(chain[-4][None, :], face[0], normal)[0])
    chain = np.array(chain)
    return np.stack([chain[k : k + 4] for k in range(count)])


def merge_points(points, tolerance):
    """Return the points with duplicates removed: of points within `tolerance`, Å, the first is kept.

    Parameters
    ----------
    points : ndarray of shape (n_points, 3), Å
    tolerance : float, Å
        Far smaller than any distance between distinct atoms.

    Returns
    -------
    ndarray of shape (n_distinct, 3), Å, in the order of first appearance.
    """
    points = np.asarray(points, dtype=float)
    pairs = cKDTree(points).query_pairs(tolerance, output_type="ndarray")
    keep = np.ones(len(points), dtype=bool)
    keep[pairs.max(axis=1)] = False
    return points[keep]


def centred(points):
    """Return the points translated so that their centroid is the origin, ndarray (n, 3) Å."""
    points = np.asarray(points, dtype=float)
    return points - points.mean(axis=0)


def chain_along_axis(points, copies, axis, gap, tolerance):
    """Return `copies` translated copies of a cluster in a row along `axis`, duplicates merged.

    Each copy is moved along the axis by the cluster's extent along it plus `gap`, so the
    atoms of neighbouring copies that face each other (the extreme ones along the axis) are
    `gap` apart; ``gap=0`` makes them one shared atom.

    Parameters
    ----------
    points : ndarray of shape (n_points, 3), Å
    copies : int
        Number of clusters in the row (>= 1).
    axis : array_like of shape (3,)
        Direction of the row; any length.
    gap : float, Å
        Distance between facing atoms along the axis.
    tolerance : float, Å
        Points closer than this are merged (see `merge_points`).

    Returns
    -------
    ndarray of shape (n_atoms, 3), Å, centred on the row's centroid.
    """
    axis = _unit(axis)
    heights = np.asarray(points, dtype=float) @ axis
    step = heights.max() - heights.min() + gap
    row = np.vstack([points + k * step * axis for k in range(copies)])
    return centred(merge_points(row, tolerance))


def coincident_with(points, others, tolerance):
    """Return the mask of points that lie within `tolerance`, Å, of some point of `others`.

    Parameters
    ----------
    points : ndarray of shape (n_points, 3), Å
    others : ndarray of shape (n_others, 3), Å
    tolerance : float, Å

    Returns
    -------
    ndarray of shape (n_points,), bool
    """
    distances, _ = cKDTree(np.asarray(others, dtype=float)).query(np.asarray(points, dtype=float))
    return distances <= tolerance


def core_shell_symbols(points, core_points, core_symbol, shell_symbol, tolerance):
    """Return the element of each point: `core_symbol` where it is a point of the core, else `shell_symbol`.

    The core is given as points (an inner shell, a smaller polyhedron), not as a radius,
    because the shells of large Mackay icosahedra interpenetrate radially: the face centres
    of shell k lie closer to the centre than the vertices of shell k - 1 once k >= 5.

    Parameters
    ----------
    points : ndarray of shape (n_points, 3), Å
    core_points : ndarray of shape (n_core, 3), Å
    core_symbol, shell_symbol : str
        Element symbols.
    tolerance : float, Å
        See `coincident_with`.

    Returns
    -------
    ndarray of shape (n_points,), str
    """
    return np.where(coincident_with(points, core_points, tolerance), core_symbol, shell_symbol)
