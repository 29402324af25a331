"""Surface atoms of a nanoparticle: the atoms an empty ball of radius 1.35 bonds can touch.

An atom is on the surface when some ball of radius ``ball_radius * bond``, with the
atom's centre on its boundary, holds no other atom centre: the atom is a boundary
vertex of the alpha shape of the particle, with alpha = ``ball_radius * bond``
(Edelsbrunner & Mücke, ACM Trans. Graph. 13, 43, 1994). The test is exact, not
sampled. The centres of the empty balls that touch atom *i* are the points of its
Voronoi cell, so the largest such ball has the radius

    s_i = distance from atom i to the farthest vertex of its Voronoi cell,

infinite when the cell is unbounded (atom on the convex hull). Voronoi vertices are
the circumcentres of the Delaunay tetrahedra, so s_i is the largest circumradius of
the tetrahedra that have *i* as a vertex: an atom is on the surface when it is on the
convex hull or one of its tetrahedra has a circumradius above the threshold. Concave,
drilled and excavated particles need no special case: a pit or a channel is outside
wherever a ball of that radius fits in it.

Why 1.35 bonds (``bond`` = median nearest-neighbour distance unless given). s_i in
bonds, exactly, on perfect structures (bond 2.7 Å; dodecahedra relaxed with Sutton-Chen
Pt), and in brackets its range over 200 to 1500 replicas with every Cartesian
component displaced uniformly in [-0.1, +0.1] Å:

- interior atoms of fcc, hcp and icosahedral packings: 0.71 to 0.73 (<= 0.78); under a
  bcc {100} face: 0.87 (<= 0.98), the most open interior site of the training shapes;
- atoms beside one vacant site (under the cut of an fcc or beta-Mn sphere, or lining
  a channel one atom wide drilled along an icosahedron's 5-fold axis): 1.00 to 1.06
  (0.93 to 1.21); a ball of one bond fits in a vacant lattice site;
- pockets where two neighbours are missing (hcp and beta-Mn spheres): 1.17 (1.08 to 1.44);
- surface atoms: infinite on convex faces, edges and vertices; at the bottom of
  concave sites, 1.57 on the faces of the relaxed dodecahedron DD-155 (1.32 to 2.1),
  1.65 to 2.1 in the hollows of hcp and beta-Mn spheres, Marks re-entrant notches,
  the walls of {111} pits dug into an fcc cube and of a 2.6 Å-radius channel drilled
  through an icosahedron (>= 1.50).

So vacancy neighbours count as interior and concave faces as surface. Between them, the
threshold was set where the fewest displaced replicas of the training shapes label an
atom differently from their parent, 1.35 (scanned from 1.30 to 1.40): none for cubes,
octahedra, tetrahedra, cuboctahedra, icosahedra, decahedra and fcc spheres; 7 to 23 %
of the replicas of DD-155, the beta-Mn spheres and HCP-S-159, whose pockets or concave
faces straddle it (usually one atom per replica). Known counts hold for perfect and
displaced structures, e.g. Mackay icosahedron of 55 atoms: 42 surface; of 147: 92;
cuboctahedron of 147: 92; fcc cube of 2x2x2 cells (63 atoms): 50; bcc cube of 2x2x2
cells (35 atoms): 26.
"""

import numpy as np
from scipy.spatial import ConvexHull, Delaunay, KDTree

# Radius of the empty probing ball, in bonds; the module docstring says why.
BALL_RADIUS_BONDS = 1.35

# Tetrahedra with |6 x volume| below this (in bond**3) are the flat ones Qhull adds when it
# triangulates co-spherical atoms of perfect lattices; their circumsphere is also the
# circumsphere of a proper neighbour, so skipping them loses no Voronoi vertex. Round-off
# of a relaxation or an XYZ file's 8 decimals tilts them by ~1e-8 bond**3 and gives them
# arbitrary circumspheres, hence a bound well above that; the flattest tetrahedra of a
# displaced replica (~1e-2) or of a lattice (0.71) are far above it.
_FLAT_TETRAHEDRON_BONDS3 = 1e-6
# Atoms within this distance (in bonds) of a convex-hull facet's plane are on the hull:
# Qhull may leave an atom in the middle of a flat face out of the facets' vertices.
_HULL_PLANE_BONDS = 1e-6


def median_bond(positions):
    """Return the median nearest-neighbour distance of a structure.

    Parameters
    ----------
    positions : ndarray of shape (n_atoms, 3), Å

    Returns
    -------
    float, Å
    """
    distances, _ = KDTree(positions).query(positions, k=2)
    return float(np.median(distances[:, 1]))


def surface_mask(positions, bond=None, ball_radius=BALL_RADIUS_BONDS):
    """Return True for the surface atoms of one structure or of a batch of replicas.

    Parameters
    ----------
    positions : ndarray of shape (n_atoms, 3) or (n_structures, n_atoms, 3), Å
    bond : float, Å, optional
        Length unit of ``ball_radius``; the median nearest-neighbour distance of each
        structure when None.
    ball_radius : float
        Radius of the empty ball that marks an atom as surface, in units of ``bond``.

    Returns
    -------
    ndarray of bool, shape (n_atoms,) or (n_structures, n_atoms)
    """
    positions = np.asarray(positions, dtype=float)
    if positions.ndim == 3:
        masks = [surface_mask(structure, bond, ball_radius) for structure in positions]
        return np.array(masks, dtype=bool).reshape(positions.shape[:2])
    n_atoms = len(positions)
    if bond is None:
        bond = median_bond(positions)
    centred = positions - positions.mean(axis=0)
    # With fewer than 5 atoms (Qhull's minimum in 3D), or when they are flat or in a line,
    # every atom has an unbounded Voronoi cell.
    if n_atoms < 5 or np.linalg.matrix_rank(centred, tol=1e-6 * bond) < 3:
        return np.ones(n_atoms, dtype=bool)

    delaunay = Delaunay(positions)
    tetrahedra = delaunay.simplices
    origin = positions[tetrahedra[:, 0]]
    u = positions[tetrahedra[:, 1]] - origin
    v = positions[tetrahedra[:, 2]] - origin
    w = positions[tetrahedra[:, 3]] - origin
    v_x_w, w_x_u, u_x_v = np.cross(v, w), np.cross(w, u), np.cross(u, v)
    det = np.einsum("ij,ij->i", u, v_x_w)
    # Circumcentre offset from the first vertex is numerator / (2 det); compare squared
    # circumradii with the threshold without dividing by det.
    numerator = (
        np.einsum("ij,ij->i", u, u)[:, None] * v_x_w
        + np.einsum("ij,ij->i", v, v)[:, None] * w_x_u
        + np.einsum("ij,ij->i", w, w)[:, None] * u_x_v
    )
    proper = np.abs(det) > _FLAT_TETRAHEDRON_BONDS3 * bond**3
    wide = proper & (
        np.einsum("ij,ij->i", numerator, numerator) > (2.0 * ball_radius * bond * det) ** 2
    )

    surface = np.zeros(n_atoms, dtype=bool)
    surface[tetrahedra[wide].ravel()] = True
    # Atoms on the convex hull have unbounded Voronoi cells.
    planes = ConvexHull(positions).equations  # outward normal, offset: n . x + d <= 0 inside
    surface |= (positions @ planes[:, :3].T + planes[:, 3] > -_HULL_PLANE_BONDS * bond).any(axis=1)
    return surface
