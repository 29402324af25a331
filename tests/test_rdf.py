"""RDF descriptor g(r̃) and g'(r̃): the fast path against the direct sum, closed forms and invariances.

Expected values come from the definition written out in the test (dimer and trimer closed
forms), from the direct sum over pairs (``rdf_profiles_direct``, which shares only the peak
finder and the pair weights with the fast path; both are checked on their own here), from
finite differences, and from a bracketing root finder (scipy's brentq) for the first peak.
"""

import subprocess
import sys

import numpy as np
import pytest
from ase.cluster import Icosahedron, Octahedron
from scipy.optimize import brentq
from scipy.spatial.distance import pdist
from scipy.stats import special_ortho_group

from npshape.descriptors.rdf import (
    first_peak,
    first_peak_position,
    pair_weights,
    rdf_column_names,
    rdf_grid,
    rdf_profiles,
    rdf_profiles_direct,
)

SIGMA = 0.2
GRID = rdf_grid()
ONE = int(np.flatnonzero(np.isclose(GRID, 1.0))[0])  # column of r̃ = 1
PT, AG = 78, 47


def icosahedron(shells, bond=2.77):
    """Mackay icosahedron (ASE) whose surface bonds are ``bond`` Å."""
    return Icosahedron("Pt", shells, latticeconstant=bond * np.sqrt(2)).positions


def displaced(positions, seed, amplitude=0.1):
    rng = np.random.default_rng(seed)
    return positions + rng.uniform(-amplitude, amplitude, positions.shape)


def core_shell_numbers(n_atoms, n_core):
    numbers = np.full(n_atoms, PT)
    numbers[:n_core] = AG  # ASE lists the icosahedron from the centre outwards
    return numbers


STRUCTURES = {
    "icosahedron 55": (icosahedron(3), np.full(55, PT)),
    "icosahedron 147": (icosahedron(4), np.full(147, PT)),
    "octahedron 85": (Octahedron("Pt", 5, 0).positions, np.full(85, PT)),
    "displaced icosahedron 147": (displaced(icosahedron(4), seed=1), np.full(147, PT)),
    "Ag13 core, Pt42 shell": (displaced(icosahedron(3), seed=2, amplitude=0.05), core_shell_numbers(55, 13)),
}


def gaussian_sum(r, distances, weights, sigma):
    """h(r) = Σ w exp(-(r - d)² / 2σ²), and its first derivative."""
    u = (r - distances) / sigma
    e = weights * np.exp(-0.5 * u * u)
    return e.sum(), (-u * e).sum() / sigma


# --- the grid and the column names


def test_grid_is_the_papers_two_step_grid():
    assert GRID.size == 1500 + 900
    np.testing.assert_array_equal(GRID[:1500], np.arange(1, 1501) * 0.002)
    np.testing.assert_allclose(np.diff(GRID[:1500]), 0.002, rtol=1e-9)
    np.testing.assert_allclose(np.diff(GRID[1499:]), 0.02, rtol=1e-9)
    assert GRID[0] == pytest.approx(0.002) and GRID[1499] == pytest.approx(3.0) and GRID[-1] == pytest.approx(21.0)
    assert GRID[ONE] == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("bad", [{"fine_step": 0.0015}, {"coarse_step": 0.003}, {"r_max": 20.01}])
def test_grid_steps_must_divide(bad):
    with pytest.raises(ValueError):
        rdf_grid(**bad)


def test_column_names():
    names = rdf_column_names(GRID, "rdf")
    assert len(set(names)) == GRID.size
    assert names[ONE] == "rdf_1.0000" and names[0] == "rdf_0.0020" and names[-1] == "rdf_21.0000"
    assert rdf_column_names(GRID, "drdf")[1500] == "drdf_3.0200"
    with pytest.raises(ValueError, match="duplicate"):
        rdf_column_names([1.0, 1.00001], "rdf")


# --- the first peak


@pytest.mark.parametrize("name", ["icosahedron 147", "displaced icosahedron 147", "Ag13 core, Pt42 shell"])
def test_first_peak_is_the_root_of_the_exact_derivative(name):
    positions, numbers = STRUCTURES[name]
    d = pdist(positions)
    weights = pair_weights(numbers)
    w = np.ones_like(d) if weights is None else weights
    position, height = first_peak(d, weights, SIGMA)
    # an independent bracket: the derivative changes sign within ±0.1 Å of the answer
    expected = brentq(lambda r: gaussian_sum(r, d, w, SIGMA)[1], position - 0.1, position + 0.1, xtol=1e-14)
    assert position == pytest.approx(expected, abs=1e-9)
    assert height == pytest.approx(gaussian_sum(expected, d, w, SIGMA)[0], rel=1e-12)
    assert first_peak_position(d, weights, SIGMA) == position


def test_first_peak_passes_over_one_short_pair():
    """An adatom 2.0 Å from a vertex adds a bump far below the nearest-neighbour peak."""
    positions = icosahedron(3)
    vertex = positions[np.argmax(np.linalg.norm(positions, axis=1))]
    adatom = vertex * (1 + 2.0 / np.linalg.norm(vertex))
    with_adatom = np.vstack([positions, adatom])
    assert pdist(with_adatom).min() == pytest.approx(2.0)
    expected = first_peak_position(pdist(positions), None)
    assert first_peak_position(pdist(with_adatom), None) == pytest.approx(expected, abs=0.02)


# --- the fast path against the direct sum


@pytest.mark.parametrize("name", list(STRUCTURES))
def test_fast_path_equals_direct_sum(name):
    positions, numbers = STRUCTURES[name]
    g, dg = rdf_profiles(positions, numbers, GRID)
    g_direct, dg_direct = rdf_profiles_direct(positions, numbers, GRID)
    assert np.abs(g - g_direct).max() <= 1e-6
    assert np.abs(dg - dg_direct).max() <= 1e-6


def test_batch_gives_each_structure_its_own_result():
    """Replicas computed together are bit for bit those computed one by one (any sharding)."""
    positions = np.stack([displaced(icosahedron(3), seed) for seed in range(5)])
    positions[3] *= 1.05
    numbers = np.full(55, PT)
    g, dg = rdf_profiles(positions, numbers, GRID)
    for row in range(5):
        g_one, dg_one = rdf_profiles(positions[row], numbers, GRID)
        np.testing.assert_array_equal(g[row], g_one)
        np.testing.assert_array_equal(dg[row], dg_one)


def test_batch_of_structures_of_different_extents():
    """Structures whose FFTs differ in length (bond lengths, a detached fragment) in one batch.

    Each is bit for bit what it is alone, and equal to the direct sum.
    """
    base = icosahedron(3)
    positions = np.stack([displaced(base * s, seed) for seed, s in enumerate((0.7, 1.0, 1.35, 1.0))])
    positions[3, :13] += [30.0, 0.0, 0.0]  # the core, 30 Å away: pairs out to r̃ ≈ 15
    numbers = core_shell_numbers(55, 13)
    g, dg = rdf_profiles(positions, numbers, GRID)
    for row in range(len(positions)):
        g_one, dg_one = rdf_profiles(positions[row], numbers, GRID)
        np.testing.assert_array_equal(g[row], g_one)
        np.testing.assert_array_equal(dg[row], dg_one)
    g_direct, dg_direct = rdf_profiles_direct(positions, numbers, GRID)
    assert np.abs(g - g_direct).max() <= 1e-6
    assert np.abs(dg - dg_direct).max() <= 1e-6


# --- closed forms


def test_dimer_is_one_gaussian():
    """Two atoms d apart: g(r̃) = exp(-(r̃ - 1)² / 2σ̃²), σ̃ = σ/d, and g' = -(r̃ - 1)/σ̃² g."""
    d = 2.63
    positions = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]]) * d / 3.0
    width = SIGMA / d
    expected = np.exp(-0.5 * ((GRID - 1.0) / width) ** 2)
    for profiles in (rdf_profiles, rdf_profiles_direct):
        g, dg = profiles(positions, [PT, PT], GRID)
        np.testing.assert_allclose(g, expected, rtol=0, atol=1e-9)
        np.testing.assert_allclose(dg, -(GRID - 1.0) / width**2 * expected, rtol=0, atol=1e-7)
    assert first_peak_position(pdist(positions), None) == pytest.approx(d, abs=1e-12)


def test_trimer_weights_pairs_by_their_atomic_numbers():
    """Ag-Pt-Pd triangle: g is Σ b_i b_j exp(...) over its three pairs, divided by its value at 1."""
    positions = np.array([[0.0, 0.0, 0.0], [2.7, 0.0, 0.0], [0.0, 4.1, 0.0]])
    numbers = [AG, PT, 46]
    d = np.array([2.7, 4.1, np.hypot(2.7, 4.1)])  # pairs (0,1), (0,2), (1,2)
    b = np.array([AG * PT, AG * 46, PT * 46], dtype=float)
    r_nn1 = brentq(lambda r: gaussian_sum(r, d, b, SIGMA)[1], 2.5, 2.9, xtol=1e-14)
    r = GRID * r_nn1
    h = np.array([gaussian_sum(x, d, b, SIGMA)[0] for x in r])
    dh = np.array([gaussian_sum(x, d, b, SIGMA)[1] for x in r]) * r_nn1  # d/dr̃ = R_NN1 d/dr
    scale = gaussian_sum(r_nn1, d, b, SIGMA)[0]
    g, dg = rdf_profiles(positions, numbers, GRID)
    np.testing.assert_allclose(g, h / scale, rtol=0, atol=1e-9)
    np.testing.assert_allclose(dg, dh / scale, rtol=0, atol=1e-7)


def test_one_element_has_unit_weights():
    positions = displaced(icosahedron(3), seed=3)
    assert pair_weights(np.full(55, AG)) is None
    g_pt, dg_pt = rdf_profiles(positions, np.full(55, PT), GRID)
    g_ag, dg_ag = rdf_profiles(positions, np.full(55, AG), GRID)
    np.testing.assert_array_equal(g_pt, g_ag)
    np.testing.assert_array_equal(dg_pt, dg_ag)
    # the explicit weights b_i b_j / <b>² of one element are all 1
    numbers = np.full(5, PT)
    numbers[0] = AG
    w = pair_weights(numbers)
    mean_squared = np.mean(numbers) ** 2
    assert w[0] == pytest.approx(AG * PT / mean_squared) and w[-1] == pytest.approx(PT * PT / mean_squared)


# --- normalisation, derivative, invariances


@pytest.mark.parametrize("name", ["icosahedron 147", "displaced icosahedron 147", "Ag13 core, Pt42 shell"])
def test_first_peak_sits_at_one_with_height_one(name):
    positions, numbers = STRUCTURES[name]
    g, dg = rdf_profiles(positions, numbers, GRID)
    assert g[ONE] == pytest.approx(1.0, abs=1e-9)
    assert abs(dg[ONE]) < 1e-6  # a stationary point ...
    assert g[ONE - 1] < 1.0 and g[ONE + 1] < 1.0  # ... and a maximum
    # the first peak: g rises to it from 0
    assert np.all(np.diff(g[:ONE]) > -1e-12)


def test_derivative_matches_finite_differences():
    """Five-point stencil on the 0.002 fine part: truncation error h⁴/30 |g⁽⁵⁾| < 1e-5 here."""
    positions, numbers = STRUCTURES["displaced icosahedron 147"]
    g, dg = rdf_profiles(positions, numbers, GRID)
    h = 0.002
    fine = g[:1500]
    stencil = (8.0 * (fine[3:-1] - fine[1:-3]) - (fine[4:] - fine[:-4])) / (12.0 * h)
    np.testing.assert_allclose(dg[2:1498], stencil, rtol=0, atol=1e-4)
    assert np.abs(dg).max() > 1.0  # the check is not vacuous


def test_invariant_under_rotation_translation_and_permutation():
    positions, numbers = STRUCTURES["Ag13 core, Pt42 shell"]
    g, dg = rdf_profiles(positions, numbers, GRID)
    rotation = special_ortho_group.rvs(3, random_state=4)
    order = np.random.default_rng(5).permutation(len(numbers))
    moved = (positions @ rotation.T + [3.0, -7.0, 11.0])[order]
    g_moved, dg_moved = rdf_profiles(moved, numbers[order], GRID)
    np.testing.assert_allclose(g_moved, g, rtol=0, atol=1e-9)
    np.testing.assert_allclose(dg_moved, dg, rtol=0, atol=1e-8)


def test_uniform_scaling_changes_only_the_peak_width():
    """Bonds of 2.77 and 2.89 Å, no relaxation: r̃ is the same, only σ̃ = σ/R_NN1 differs.

    With σ scaled too, the profiles are equal. With σ fixed, the larger structure equals the
    smaller one seen with σ/s (s = 2.89/2.77). That effect is bounded: one Gaussian changes
    by at most δ(s) = max_u [exp(-u²/2) - exp(-s²u²/2)] of its height (3.1% here), and
    overlapping peaks plus the renormalisation at the first peak can add about as much again.
    """
    s = 2.89 / 2.77
    small, large = icosahedron(4, 2.77), icosahedron(4, 2.89)
    numbers = np.full(147, PT)
    g_small, dg_small = rdf_profiles(small, numbers, GRID)
    g_large, dg_large = rdf_profiles(large, numbers, GRID, sigma_angstrom=SIGMA * s)
    np.testing.assert_allclose(g_large, g_small, rtol=0, atol=1e-9)
    np.testing.assert_allclose(dg_large, dg_small, rtol=0, atol=1e-8)

    g_large, dg_large = rdf_profiles(large, numbers, GRID)
    g_narrow, dg_narrow = rdf_profiles(small, numbers, GRID, sigma_angstrom=SIGMA / s)
    np.testing.assert_allclose(g_large, g_narrow, rtol=0, atol=1e-9)
    np.testing.assert_allclose(dg_large, dg_narrow, rtol=0, atol=1e-8)

    a = np.log(s * s) / (s * s - 1)  # where exp(-a) - exp(-s² a) peaks, a = u²/2
    delta = np.exp(-a) - np.exp(-s * s * a)
    difference = np.abs(g_large - g_small).max()
    assert 0.1 * delta * g_small.max() < difference <= 2 * delta * g_small.max()


# --- where the fast path stops


def test_fast_path_refuses_what_it_cannot_do_exactly():
    positions = icosahedron(3, bond=4.5)  # R_NN1 beyond 3.98 Å: peaks too narrow for its lattice
    with pytest.raises(ValueError, match="rdf_profiles_direct"):
        rdf_profiles(positions, np.full(55, PT), GRID)
    g, _ = rdf_profiles_direct(positions, np.full(55, PT), GRID)
    assert g[ONE] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="rdf_profiles_direct"):
        rdf_profiles(icosahedron(3), np.full(55, PT), np.array([0.5, 1.0, 1.7]))


@pytest.mark.parametrize(
    "positions, numbers",
    [
        (np.zeros((4, 3)), [PT, PT, PT]),  # numbers do not match the atoms
        (np.zeros((1, 3)), [PT]),  # one atom has no pairs
        (np.zeros((2, 2)), [PT, PT]),  # not 3-D
        (np.full((2, 3), np.nan), [PT, PT]),
    ],
)
def test_bad_input_is_refused(positions, numbers):
    with pytest.raises(ValueError):
        rdf_profiles(positions, numbers, GRID)


@pytest.mark.parametrize("name", list(STRUCTURES))
def test_exactly_zero_beyond_every_pairs_reach(name):
    # exp(-8.5²/2) = 2e-16: the direct sum is round-off there, and the fast path gives exact
    # zeros, so that models never see (or scale up) FFT noise
    positions, numbers = STRUCTURES[name]
    g, dg = rdf_profiles(positions, numbers, GRID)
    distances = pdist(positions)
    r_nn1 = first_peak_position(distances, pair_weights(numbers), SIGMA)
    reach = 8.5 * SIGMA / r_nn1
    outside = (GRID < distances.min() / r_nn1 - reach) | (GRID > distances.max() / r_nn1 + reach)
    assert outside.sum() > 100
    assert not g[outside].any() and not dg[outside].any()
    # and not beyond: the tail of the farthest pair is still there one σ̃ before the reach ends
    tail = (GRID > distances.max() / r_nn1) & (GRID < distances.max() / r_nn1 + reach - SIGMA / r_nn1)
    assert (g[tail] > 0).all()


def test_numba_is_imported_only_to_compute_an_rdf():
    """The Coulomb-matrix jobs import the descriptor modules but should not pay numba's import."""
    probe = (
        "import sys, numpy as np; from npshape.descriptors import feature_frames, rdf; "
        "print('numba' in sys.modules); "
        "rdf.rdf_profiles(np.array([[0, 0, 0], [0, 0, 2.7]]), [78, 78], rdf.rdf_grid()); "
        "print('numba' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]


def test_a_stray_short_pair_does_not_hide_the_first_shell_of_a_disordered_bcc_cube():
    """One pair at 1.8 A ends the first search range (1.5 x 1.8 = 2.7 A) while bcc's merged first
    shells still rise to their peak (about 2.9 A); the peak is then sought up to 1.5 x the typical bond."""
    from ase.build import bulk

    from npshape.descriptors.rdf import peak

    cube = bulk("Fe", "bcc", a=2.7 * 2 / np.sqrt(3), cubic=True).repeat((4, 4, 4))
    positions = cube.positions + np.random.default_rng(3).normal(scale=0.12, size=cube.positions.shape)
    second = int(np.argsort(np.linalg.norm(positions - positions[0], axis=1))[1])
    bond = positions[second] - positions[0]
    positions[second] = positions[0] + 1.8 * bond / np.linalg.norm(bond)
    d = pdist(positions)
    shortest = np.array([d.min()])
    assert not peak._bracket(d[None], np.ones(d.size), shortest, shortest, 0.2)[4].any()  # no maximum in range
    # the maximum of h(r) = sum exp(-(r - r_ij)^2 / 2 sigma^2) near the first shells, by brute force
    r = np.arange(2.3, 3.6, 1e-4)
    h = np.exp(-0.5 * ((r[:, None] - d[None, :]) / 0.2) ** 2).sum(axis=1)
    assert first_peak_position(d, None) == pytest.approx(r[np.argmax(h)], abs=2e-4)


def test_fast_path_on_a_grid_with_no_coarse_part():
    """npshape's own model reads g on r̃ <= 3 only (r_max = fine_max): every pair beyond the grid still
    has to find its node (it failed with 'a pair lies beyond the nodes' before)."""
    grid = rdf_grid(0.002, 3.0, 0.02, 3.0)
    cluster = Octahedron("Pt", 8, 0).positions
    replicas = cluster[None] + np.random.default_rng(5).normal(scale=0.05, size=(3,) + cluster.shape)
    fast = rdf_profiles(replicas, np.full(len(cluster), 78), grid)
    direct = rdf_profiles_direct(replicas, np.full(len(cluster), 78), grid)
    np.testing.assert_allclose(fast[0], direct[0], atol=1e-8)
    np.testing.assert_allclose(fast[1], direct[1], atol=1e-6)
