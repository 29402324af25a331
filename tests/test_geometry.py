"""Tests of npshape.structures.geometry: regions, tetrahedra, the Boerdijk-Coxeter helix, mirrors, joins, merges.

Expected values come from closed formulas and hand geometry, not from the code under test.
"""

import numpy as np
import pytest
from scipy.spatial.distance import pdist

from npshape.structures import geometry, shapes

BOND = 2.7


def test_half_spaces_keep_boundary_points_unless_strict():
    points = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.5, 0.0, 0.0]])
    normals = [[2.0, 0.0, 0.0]]  # any length: only the direction counts
    assert geometry.inside_half_spaces(points, normals, [1.0]).tolist() == [True, True, False]
    assert geometry.inside_half_spaces(points, normals, [1.0], strict=True).tolist() == [True, False, False]


def test_ellipsoid_and_sphere_bounds():
    points = np.array([[3.0, 0, 0], [0, 2.0, 0], [0, 0, 1.0], [0, 0, 1.01], [3.0, 2.0, 1.0]])
    inside = geometry.inside_ellipsoid(points, [3.0, 2.0, 1.0])
    assert inside.tolist() == [True, True, True, False, False]
    assert not geometry.inside_ellipsoid(points[:1], [3.0, 2.0, 1.0], strict=True)[0]
    shifted = np.array([[1.0, 1.0, 1.0 + 2.0], [1.0, 1.0, 1.0 + 2.001]])
    assert geometry.inside_sphere(shifted, 2.0, centre=(1, 1, 1)).tolist() == [True, False]


def test_distance_from_axis_and_cylinder():
    axis = [1.0, 1.0, 0.0]
    points = np.array([[5.0, 5.0, 0.0], [0.0, 0.0, 3.0], [1.0, -1.0, 0.0]])
    np.testing.assert_allclose(geometry.distance_from_axis(points, axis), [0.0, 3.0, np.sqrt(2)], atol=1e-12)
    inside = geometry.inside_cylinder(points, axis, np.sqrt(2))
    assert inside.tolist() == [True, False, True]
    assert geometry.inside_cylinder(points, axis, np.sqrt(2), strict=True).tolist() == [True, False, False]
    # A cylinder off the origin.
    assert geometry.inside_cylinder(np.array([[0.0, 3.0, 0.0]]), [0, 0, 1], 0.5, origin=(0, 3.2, 0))[0]


def test_square_pyramid_with_and_without_base():
    apex = [0.0, 0.0, 1.0]
    base = [[1, 1, 0], [1, -1, 0], [-1, -1, 0], [-1, 1, 0]]
    # Half-width at height z is 1 - z.
    points = np.array([[0, 0, 0.5], [0.6, 0, 0.5], [0.5, 0.5, 0.5], [0, 0, -1.0], [0.2, 0.2, 0.0]])
    assert geometry.inside_pyramid(points, apex, base).tolist() == [True, False, True, False, True]
    strictly = geometry.inside_pyramid(points, apex, base, strict=True)
    assert strictly.tolist() == [True, False, False, False, False]
    opened = geometry.inside_pyramid(points, apex, base, open_base=True, strict=True)
    assert opened.tolist() == [True, False, False, True, True]
    # Corners given in the other sense describe the same pyramid.
    reversed_corners = geometry.inside_pyramid(points, apex, base[::-1])
    assert np.array_equal(reversed_corners, geometry.inside_pyramid(points, apex, base))


def test_triangular_pyramid_excludes_its_faces_when_strict():
    apex = np.zeros(3)
    base = np.array([[1.0, 0, 1], [-0.5, np.sqrt(3) / 2, 1], [-0.5, -np.sqrt(3) / 2, 1]])
    centroid = base.mean(axis=0)
    points = np.vstack([centroid, 0.5 * centroid, base[0], 2 * centroid])
    assert geometry.inside_pyramid(points, apex, base, strict=True).tolist() == [False, True, False, False]
    opened = geometry.inside_pyramid(points, apex, base, open_base=True, strict=True)
    assert opened.tolist() == [True, True, False, True]


def test_regular_tetrahedron_vertices():
    vertices = geometry.regular_tetrahedron_vertices(3.0)
    distances = np.linalg.norm(vertices[:, None] - vertices[None], axis=-1)[np.triu_indices(4, 1)]
    np.testing.assert_allclose(distances, 3.0)
    np.testing.assert_allclose(vertices.mean(axis=0), 0.0, atol=1e-15)


def test_map_tetrahedron_takes_vertices_onto_vertices_and_keeps_barycentric_weights():
    rng = np.random.default_rng(4)
    source, target = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(geometry.map_tetrahedron(source, source, target), target, atol=1e-12)
    weights = rng.dirichlet(np.ones(4), size=6)  # points inside, as barycentric combinations
    np.testing.assert_allclose(geometry.map_tetrahedron(weights @ source, source, target), weights @ target, atol=1e-12)


def test_map_onto_the_mirror_image_keeps_bonds_and_shares_the_face():
    n = 5
    vertices = geometry.regular_tetrahedron_vertices((n - 1) * BOND)
    tetrahedron = shapes.tetrahedron(n, BOND)
    face_centre = vertices[1:].mean(axis=0)
    apex = geometry.reflect_through_plane(vertices[:1], face_centre, vertices[0] - face_centre)
    twin = geometry.map_tetrahedron(tetrahedron, vertices, np.vstack([apex, vertices[1:]]))
    assert pdist(twin).min() == pytest.approx(BOND)  # a mirror image is an isometry
    on_face = np.isclose((tetrahedron - face_centre) @ (vertices[0] - face_centre), 0.0, atol=1e-6)
    assert on_face.sum() == n * (n + 1) // 2  # triangular number of the shared (111) face
    assert geometry.coincident_with(tetrahedron[on_face], twin, 1e-6).all()


def test_reflection_through_plane():
    points = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    mirrored = geometry.reflect_through_plane(points, [0.0, 0.0, 1.0], [0.0, 0.0, 5.0])
    np.testing.assert_allclose(mirrored, [[0, 0, 2], [1, 2, -1]])
    normal = [1.0, -2.0, 0.5]
    once = geometry.reflect_through_plane(points, [1, 1, 1], normal)
    twice = geometry.reflect_through_plane(once, [1, 1, 1], normal)
    np.testing.assert_allclose(twice, points, atol=1e-12)


def _screw_motion(start, end):
    """Rotation and translation (Kabsch, no scaling) taking the rows of `start` onto `end`."""
    start_centre, end_centre = start.mean(axis=0), end.mean(axis=0)
    u, _, vt = np.linalg.svd((start - start_centre).T @ (end - end_centre))
    sign = np.sign(np.linalg.det(vt.T @ u.T))
    rotation = vt.T @ np.diag([1.0, 1.0, sign]) @ u.T
    return rotation, end_centre - rotation @ start_centre


def test_bc_helix_is_the_boerdijk_coxeter_helix():
    count = 12
    tetrahedra = geometry.bc_helix_tetrahedra(geometry.regular_tetrahedron_vertices(1.0), count)
    assert tetrahedra.shape == (count, 4, 3)
    for tetrahedron in tetrahedra:  # every one is regular of edge 1
        distances = np.linalg.norm(tetrahedron[:, None] - tetrahedron[None], axis=-1)[np.triu_indices(4, 1)]
        np.testing.assert_allclose(distances, 1.0, atol=1e-12)
    for first, second in zip(tetrahedra[:-1], tetrahedra[1:]):  # consecutive ones share a face
        np.testing.assert_allclose(first[1:], second[:3], atol=1e-12)
        assert np.linalg.norm(first[0] - second[3]) > 1.5
    chain = np.vstack([tetrahedra[0], tetrahedra[1:, 3]])
    # One screw motion takes every vertex to the next: the chain is a helix.
    rotation, translation = _screw_motion(chain[:-1], chain[1:])
    np.testing.assert_allclose(chain[:-1] @ rotation.T + translation, chain[1:], atol=1e-9)
    twist = np.degrees(np.arccos((np.trace(rotation) - 1) / 2))
    assert twist == pytest.approx(np.degrees(np.arccos(-2 / 3)), abs=1e-6)  # 131.81°
    eigenvalues, eigenvectors = np.linalg.eig(rotation)
    axis = np.real(eigenvectors[:, np.argmin(np.abs(eigenvalues - 1))])
    assert abs(translation @ axis) == pytest.approx(1 / np.sqrt(10), abs=1e-9)
    # A point of the axis: the fixed point of the screw motion's rotation part, within the plane normal to it.
    in_plane = translation - (translation @ axis) * axis
    on_axis = np.linalg.lstsq(np.eye(3) - rotation, in_plane, rcond=None)[0]
    radii = geometry.distance_from_axis(chain, axis, on_axis)
    np.testing.assert_allclose(radii, 3 * np.sqrt(3) / 10, atol=1e-9)


def test_merge_points_keeps_first_of_each_cluster():
    points = np.array([[0, 0, 0], [1, 0, 0], [1e-4, 0, 0], [1, 0, 0], [2, 0, 0]], dtype=float)
    merged = geometry.merge_points(points, 1e-3)
    np.testing.assert_array_equal(merged, [[0, 0, 0], [1, 0, 0], [2, 0, 0]])


def test_chain_along_axis_sets_the_gap_between_facing_atoms():
    segment = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    row = geometry.chain_along_axis(segment, 3, [0, 0, 1], 1.5, 1e-3)
    np.testing.assert_allclose(np.sort(row[:, 2]), np.array([0, 2, 3.5, 5.5, 7, 9]) - 4.5)
    shared = geometry.chain_along_axis(segment, 3, [0, 0, 5], 0.0, 1e-3)
    np.testing.assert_allclose(np.sort(shared[:, 2]), [-3, -1, 1, 3])


def test_centred():
    np.testing.assert_allclose(geometry.centred([[0, 0, 0], [2, 4, 6]]), [[-1, -2, -3], [1, 2, 3]])


def test_coincident_with_and_core_shell_symbols():
    points = np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0]], dtype=float)
    core = np.array([[1 + 1e-5, 0, 0], [0, 0, 0]])
    assert geometry.coincident_with(points, core, 1e-3).tolist() == [True, True, False]
    symbols = geometry.core_shell_symbols(points, core, "Pt", "Ag", 1e-3)
    assert symbols.tolist() == ["Pt", "Pt", "Ag"]
