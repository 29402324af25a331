"""npshape's own model: the class check of relaxed copies, the replicas, the local-order descriptor,
the ensemble and its numpy predictor."""

import numpy as np
import pytest
from ase.build import bulk
from ase.cluster import Icosahedron
from scipy.spatial.transform import Rotation
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline

from npshape.classify.predictor import Predictor
from npshape.descriptors import feature_frames
from npshape.descriptors.local_order import DEFAULT_SETTINGS, bond_angles, local_order_features
from npshape.learning import disorder, model_files
from npshape.learning.ensemble import ProbabilityAverage
from npshape.learning.model_card import ModelCard
from npshape.learning.scaling import FlooredStandardScaler
from npshape.structures import class_check, shapes


def test_class_check_keeps_a_scaled_rotated_copy_and_catches_the_mackay_fold():
    cuboctahedron = shapes.cuboctahedron(1)
    moved = 1.04 * Rotation.from_euler("xyz", [10, 20, 30], degrees=True).apply(cuboctahedron) + [1.0, 2.0, 3.0]
    assert class_check.class_change(cuboctahedron, moved) is None
    # the same 12 shell atoms on the vertices of an icosahedron: the square faces close into triangles
    shell = cuboctahedron[np.linalg.norm(cuboctahedron, axis=1) > 1]
    icosahedron = np.vstack([[0, 0, 0], _nearest_icosahedron_vertices(shell)])
    centre_first = np.vstack([[0, 0, 0], shell])
    assert "bond graph changed: 6 bonds made" in class_check.class_change(centre_first, icosahedron)


def _nearest_icosahedron_vertices(shell):
    """Return each shell atom moved to the nearest free vertex of an icosahedron of the same radius (Mackay path)."""
    vertices = Icosahedron("Pt", 2).positions
    vertices = vertices[np.linalg.norm(vertices - vertices.mean(axis=0), axis=1) > 1] - vertices.mean(axis=0)
    vertices *= np.linalg.norm(shell[0]) / np.linalg.norm(vertices[0])
    best = max((Rotation.random(random_state=seed) for seed in range(2000)),
               key=lambda r: -np.sum(np.min(np.linalg.norm(shell[:, None] - r.apply(vertices)[None], axis=2), axis=1)))
    rotated = best.apply(vertices)
    order = np.argmin(np.linalg.norm(shell[:, None] - rotated[None], axis=2), axis=1)
    assert len(set(order)) == 12
    return rotated[order]


def test_similarity_residual_is_zero_for_a_similar_copy_and_measures_a_moved_atom():
    parent = shapes.octahedron(4)
    copy = 0.97 * Rotation.from_euler("z", 33, degrees=True).apply(parent) - 5.0
    assert class_check.similarity_residual(copy, parent).max() < 1e-9
    copy[0] += [0.0, 0.0, 0.5]
    residual = class_check.similarity_residual(copy, parent)
    assert 0.3 < residual[0] < 0.55 and np.median(residual) < 0.05


SETTINGS = disorder.DisorderSettings(count=40, block=10)


def test_replicas_depend_only_on_seed_and_id_and_share_atoms_within_a_block():
    positions, numbers = shapes.icosahedron(3), np.full(147, 78)
    first = disorder.disordered_replicas(positions, numbers, "IC-147", 7, SETTINGS)
    again = disorder.disordered_replicas(positions, numbers, "IC-147", 7, SETTINGS)
    other = disorder.disordered_replicas(positions, numbers, "IC-147-Pt", 7, SETTINGS)
    assert all(np.array_equal(a, b) for a, b in zip(first[2], again[2]))
    assert not np.array_equal(first[2][0], other[2][0])
    replicas, seeds, positions_out, numbers_out, blocks = first
    for block in range(4):
        members = np.flatnonzero(blocks == block)
        assert len({len(positions_out[r]) for r in members}) == 1
        assert all(np.array_equal(numbers_out[r], numbers_out[members[0]]) for r in members)


def test_replica_bonds_and_disorder_stay_in_their_ranges():
    positions = shapes.fcc_cube(3)
    settings = disorder.DisorderSettings(count=200, block=10, vacancy_probability=0.0, alloy_probability=0.0)
    _, _, replicas, _, _ = disorder.disordered_replicas(positions, np.full(len(positions), 78), "FCC-C-172", 1, settings)
    for replica in replicas[:50]:
        # the best scale factor onto the parent gives the bond; the residual is the noise (sigma <= 0.12 A)
        scale = np.sum(replica * positions) / np.sum(positions * positions)
        assert 2.45 / 2.7 - 0.01 < scale < 3.0 / 2.7 + 0.01
        assert np.std(replica - scale * positions) < 0.13


def test_vacancies_remove_surface_atoms_only_and_alloys_use_two_metals():
    positions = shapes.cuboctahedron(3)
    settings = disorder.DisorderSettings(count=400, block=10, vacancy_probability=1.0, alloy_probability=1.0)
    _, _, replicas, numbers, _ = disorder.disordered_replicas(positions, np.full(147, 78), "CB-147", 3, settings)
    surface = set(disorder.surface_atoms(positions).tolist())
    assert len(surface) == 92  # closed shells: 147 - 55 core atoms
    for replica, z in zip(replicas[::10], numbers[::10]):
        assert 147 - 9 <= len(replica) < 147  # at most 10 % of the 92 surface atoms missing
        assert len(set(z.tolist())) == 2 and set(z.tolist()) <= set(disorder.ATOMIC_NUMBERS.values())


def test_bond_angles_of_fcc_bcc_and_icosahedral_order_are_the_textbook_ones():
    fcc = bulk("Pt", "fcc", a=3.92, cubic=True).repeat(4).positions
    angles, coordination = bond_angles(fcc - fcc.mean(axis=0), 1.25)
    assert coordination.max() == 12 and set(np.round(angles, 3)) == {60.0, 90.0, 120.0, 180.0}
    bcc = bulk("Fe", "bcc", a=2.87, cubic=True).repeat(4).positions
    angles, coordination = bond_angles(bcc, 1.25)  # first and second shells: 8 + 6 neighbours
    expected = {np.degrees(np.arccos(c)) for c in (1 / 3, -1 / 3, -1.0, 1 / np.sqrt(3), -1 / np.sqrt(3), 0.0)}
    assert coordination.max() == 14 and set(np.round(angles, 2)) == {round(a, 2) for a in expected}
    ico = Icosahedron("Pt", 2).positions  # the centre sees its 12 vertices: 63.43 and 116.57 degrees, and 180
    angles, _ = bond_angles(ico, 1.25)
    assert {63.43, 116.57, 180.0} <= set(np.round(angles, 2))


def test_local_order_features_are_fractions_and_ignore_scale_rotation_and_order():
    cluster = shapes.decahedron(5)
    features = local_order_features(cluster)[0]
    n_angles = int(180 / DEFAULT_SETTINGS["angle_step_deg"])
    assert features[:n_angles].sum() == pytest.approx(1.0, abs=1e-6) and features[n_angles:].sum() == pytest.approx(1.0)
    moved = 1.1 * Rotation.from_euler("xyz", [1, 2, 3]).apply(cluster)[np.random.default_rng(0).permutation(len(cluster))]
    np.testing.assert_allclose(local_order_features(moved)[0], features, atol=1e-6)


def test_rdf_sampling_reads_the_profiles_at_multiples_of_the_sample_step():
    settings = {"sigma_angstrom": 0.2, "fine_step": 0.002, "fine_max": 3.0, "coarse_step": 0.02, "r_max": 3.0}
    names_all, g_all = feature_frames.describe_all(("rdf",), shapes.icosahedron(2)[None], np.full(55, 78), {"rdf": settings})
    names, g = feature_frames.describe_all(("rdf",), shapes.icosahedron(2)[None], np.full(55, 78),
                                           {"rdf": {**settings, "sample_step": 0.02}})
    assert len(names) == 150 and names[0] == "rdf_0.0200" and names[-1] == "rdf_3.0000"
    np.testing.assert_array_equal(g[0], g_all[0][[names_all.index(n) for n in names]])


@pytest.fixture(scope="module")
def ensemble():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 12)).astype(np.float32)
    y = np.array(["A", "B", "C"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)]
    members = [
        Pipeline([("scale", FlooredStandardScaler()), ("mlp", MLPClassifier((8, 8), random_state=k, max_iter=300))]).fit(X, y)
        for k in range(3)
    ]
    return ProbabilityAverage(members), X


def test_ensemble_averages_its_members(ensemble):
    model, X = ensemble
    np.testing.assert_allclose(model.predict_proba(X), np.mean([m.predict_proba(X) for m in model.members], axis=0))


def test_numpy_predictor_gives_scikit_learns_probabilities(ensemble, tmp_path):
    model, X = ensemble
    card = ModelCard(model="toy", classes=("A", "B", "C"), descriptors=(), descriptor_settings={}, n_features=12,
                     training={}, scores={})
    model_files.save_model(model, card, tmp_path / "toy.skops")
    predictor = Predictor.from_file(tmp_path / "toy.skops")
    np.testing.assert_allclose(predictor.predict_proba(X), model.predict_proba(X), rtol=1e-5, atol=1e-7)
    loaded, loaded_card = model_files.load_model(tmp_path / "toy.skops")  # the same file through skops
    assert loaded_card == card and np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
