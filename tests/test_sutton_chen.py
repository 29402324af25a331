"""Sutton-Chen potential against closed formulas, finite differences and fcc lattice sums."""

import numpy as np
import pytest
import scipy.optimize
from ase.build import bulk
from ase.cluster import Icosahedron, Octahedron
from scipy.spatial.transform import Rotation

from npshape.structures import sutton_chen
from npshape.structures.sutton_chen import (
    SuttonChenParameters,
    energy,
    energy_and_gradient,
    max_force,
    relax,
)

# Table 1 of Sutton & Chen, Philos. Mag. Lett. 61, 139 (1990), and the cohesive energies
# (eV/atom) those sets were fitted to at their lattice constant a.
SUTTON_CHEN_1990 = {
    "Pt": SuttonChenParameters(epsilon_eV=1.9833e-2, a_angstrom=3.92, c=34.408, n=10, m=8),
    "Ag": SuttonChenParameters(epsilon_eV=2.5415e-3, a_angstrom=4.09, c=144.41, n=12, m=6),
}
COHESIVE_ENERGY_EV = {"Pt": -5.86, "Ag": -2.96}

BOND_ANGSTROM = 2.7


def rattled_icosahedron(shells, seed, amplitude=0.1):
    """Return positions (n, 3), Å, of a Mackay icosahedron, each coordinate moved by ≤ amplitude."""
    positions = Icosahedron("Pt", shells, latticeconstant=BOND_ANGSTROM * np.sqrt(2)).positions
    return positions + np.random.default_rng(seed).uniform(-amplitude, amplitude, positions.shape)


def mixed_species(n_atoms):
    """Return Pt/Ag symbols with every third atom, from atom 0, Ag."""
    return np.where(np.arange(n_atoms) % 3 == 0, "Ag", "Pt")


SPECIES_CASES = {
    "Pt": lambda n: ["Pt"] * n,
    "Ag": lambda n: ["Ag"] * n,
    "PtAg": mixed_species,
}


def mixed_pair(first, second):
    """Return ε_ij, a_ij, n_ij, m_ij of Rafii-Tabar & Sutton (1991) for two parameter sets."""
    return (
        np.sqrt(first.epsilon_eV * second.epsilon_eV),
        (first.a_angstrom + second.a_angstrom) / 2,
        (first.n + second.n) / 2,
        (first.m + second.m) / 2,
    )


def direct_double_sum_energy(positions, species, parameters):
    """Return E by a plain double loop over the Rafii-Tabar–Sutton formula, eV."""
    total = 0.0
    for i, symbol_i in enumerate(species):
        own = parameters[symbol_i]
        repulsion = density = 0.0
        for j, symbol_j in enumerate(species):
            if j == i:
                continue
            epsilon, a, n, m = mixed_pair(own, parameters[symbol_j])
            r = np.linalg.norm(positions[i] - positions[j])
            repulsion += epsilon * (a / r) ** n
            density += (a / r) ** m
        total += 0.5 * repulsion - own.c * own.epsilon_eV * np.sqrt(density)
    return total


def central_difference_gradient(positions, species, parameters, coordinates, step=1e-5):
    """Return dE/dx by central differences for the listed (atom, axis) coordinates, eV/Å."""
    derivative = []
    for atom, axis in coordinates:
        forward, backward = positions.copy(), positions.copy()
        forward[atom, axis] += step
        backward[atom, axis] -= step
        difference = energy(forward, species, parameters) - energy(backward, species, parameters)
        derivative.append(difference / (2 * step))
    return np.array(derivative)


def fcc_lattice_sum(power, cutoff=12.0):
    """Return Σ_{R≠0} (a/|R|)^power over an fcc lattice of lattice constant a.

    Lattice vectors up to ``cutoff`` lattice constants are summed exactly; beyond, the
    4 atoms per a³ are taken as uniform, which adds ∫_cutoff^∞ 4πr² · 4 · r^-power dr.
    """
    half_steps = int(2 * cutoff) + 1
    k = np.arange(-half_steps, half_steps + 1)
    points = np.stack(np.meshgrid(k, k, k, indexing="ij"), axis=-1).reshape(-1, 3)
    # fcc sites are the points with integer coordinates, in units of a/2, of even sum.
    points = points[points.sum(axis=1) % 2 == 0]
    distance = np.linalg.norm(points, axis=1) / 2
    distance = distance[(distance > 0) & (distance <= cutoff)]
    tail = 16 * np.pi * cutoff ** (3 - power) / (power - 3)
    return np.sum(distance**-power) + tail


def bulk_energy_per_atom(parameters):
    """Return ε (½ S_n − c √S_m), the energy per atom of the perfect fcc crystal at a, eV."""
    return parameters.epsilon_eV * (
        0.5 * fcc_lattice_sum(parameters.n) - parameters.c * np.sqrt(fcc_lattice_sum(parameters.m))
    )


def fcc_cube(symbol, cells):
    """Return positions, Å, and symbols of an fcc cube of cells³ unit cells (4 cells³ atoms)."""
    lattice_constant = SUTTON_CHEN_1990[symbol].a_angstrom
    atoms = bulk(symbol, "fcc", a=lattice_constant, cubic=True).repeat((cells, cells, cells))
    return atoms.positions, atoms.get_chemical_symbols()


# --- parameters ---------------------------------------------------------------------------


def test_from_mapping_reads_the_five_parameters():
    mapping = {"epsilon_eV": 1.9833e-2, "a_angstrom": 3.92, "c": 34.408, "n": 10, "m": 8}
    assert SuttonChenParameters.from_mapping(mapping) == SUTTON_CHEN_1990["Pt"]


@pytest.mark.parametrize(
    "change, named",
    [
        (lambda d: d.pop("c"), r"missing \['c'\]"),
        (lambda d: d.pop("a_angstrom"), r"missing \['a_angstrom'\]"),
        (lambda d: d.update(sigma=1.0), r"unknown \['sigma'\]"),
        (lambda d: d.update(epsilon=1.0), r"unknown \['epsilon'\]"),
    ],
)
def test_from_mapping_rejects_missing_and_unknown_keys(change, named):
    mapping = {"epsilon_eV": 1.9833e-2, "a_angstrom": 3.92, "c": 34.408, "n": 10, "m": 8}
    change(mapping)
    with pytest.raises(ValueError, match=named):
        SuttonChenParameters.from_mapping(mapping)


def test_parameters_must_be_positive():
    with pytest.raises(ValueError, match="parameter c must be positive"):
        SuttonChenParameters(epsilon_eV=1e-2, a_angstrom=3.9, c=-1.0, n=10, m=8)


# --- energy ---------------------------------------------------------------------------------


@pytest.mark.parametrize("symbol", ["Pt", "Ag"])
@pytest.mark.parametrize("distance", [2.3, 2.75, 3.4])
def test_dimer_energy_matches_closed_formula(symbol, distance):
    p = SUTTON_CHEN_1990[symbol]
    positions = [[0.0, 0.0, 0.0], [distance, 0.0, 0.0]]
    # Each atom has ρ = (a/r)^m, so the two embedding terms give 2 c ε (a/r)^(m/2).
    expected = p.epsilon_eV * (p.a_angstrom / distance) ** p.n - 2 * p.c * p.epsilon_eV * (
        p.a_angstrom / distance
    ) ** (p.m / 2)
    value = energy(positions, [symbol, symbol], SUTTON_CHEN_1990)
    assert value == pytest.approx(expected, rel=1e-12)


def test_mixed_dimer_energy_follows_rafii_tabar_sutton_rules():
    pt, ag = SUTTON_CHEN_1990["Pt"], SUTTON_CHEN_1990["Ag"]
    distance = 2.8
    # ε_ij = √(ε_Pt ε_Ag) = 7.0997e-3 eV, a_ij = 4.005 Å, n_ij = 11, m_ij = 7.
    epsilon, a, n, m = np.sqrt(1.9833e-2 * 2.5415e-3), 4.005, 11, 7
    attraction = pt.c * pt.epsilon_eV + ag.c * ag.epsilon_eV
    expected = epsilon * (a / distance) ** n - attraction * (a / distance) ** (m / 2)
    positions = [[0.0, 0.0, 0.0], [0.0, distance, 0.0]]
    assert energy(positions, ["Pt", "Ag"], SUTTON_CHEN_1990) == pytest.approx(expected, rel=1e-12)


def test_mixed_cluster_energy_matches_direct_double_sum():
    positions = rattled_icosahedron(shells=2, seed=11)
    species = mixed_species(len(positions))
    expected = direct_double_sum_energy(positions, species, SUTTON_CHEN_1990)
    assert energy(positions, species, SUTTON_CHEN_1990) == pytest.approx(expected, rel=1e-12)


def test_energy_and_gradient_returns_the_same_energy():
    positions = rattled_icosahedron(shells=4, seed=5)
    species = mixed_species(len(positions))
    value, _ = energy_and_gradient(positions, species, SUTTON_CHEN_1990)
    assert value == pytest.approx(energy(positions, species, SUTTON_CHEN_1990), rel=1e-12)


def test_energy_is_invariant_under_rotation_translation_and_permutation():
    positions = rattled_icosahedron(shells=3, seed=7)
    species = mixed_species(len(positions))
    reference, reference_gradient = energy_and_gradient(positions, species, SUTTON_CHEN_1990)

    rotation = Rotation.from_euler("zyx", [0.3, -1.1, 2.0]).as_matrix()
    value, gradient = energy_and_gradient(positions @ rotation.T, species, SUTTON_CHEN_1990)
    assert value == pytest.approx(reference, rel=1e-10)
    np.testing.assert_allclose(gradient, reference_gradient @ rotation.T, atol=1e-9)

    value, gradient = energy_and_gradient(positions + [12.5, -3.25, 7.0], species, SUTTON_CHEN_1990)
    assert value == pytest.approx(reference, rel=1e-10)
    np.testing.assert_allclose(gradient, reference_gradient, atol=1e-9)

    order = np.random.default_rng(3).permutation(len(positions))
    value, gradient = energy_and_gradient(positions[order], species[order], SUTTON_CHEN_1990)
    assert value == pytest.approx(reference, rel=1e-10)
    np.testing.assert_allclose(gradient, reference_gradient[order], atol=1e-9)


# --- gradient -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", SPECIES_CASES)
def test_gradient_matches_central_differences(case):
    positions = rattled_icosahedron(shells=2, seed=1)
    species = SPECIES_CASES[case](len(positions))
    _, gradient = energy_and_gradient(positions, species, SUTTON_CHEN_1990)
    every_coordinate = [(atom, axis) for atom in range(len(positions)) for axis in range(3)]
    expected = central_difference_gradient(positions, species, SUTTON_CHEN_1990, every_coordinate)
    scale = np.abs(expected).max()
    assert scale > 0.1  # a rattled cluster is far from equilibrium; the check is not vacuous
    np.testing.assert_allclose(gradient.ravel(), expected, rtol=0, atol=1e-6 * scale)


def test_gradient_matches_central_differences_in_a_larger_mixed_cluster():
    positions = rattled_icosahedron(shells=4, seed=2)  # 147 atoms, more than one block of pairs
    species = mixed_species(len(positions))
    _, gradient = energy_and_gradient(positions, species, SUTTON_CHEN_1990)
    spot_checks = [(atom, axis) for atom in (0, 1, 50, 73, 100, 146) for axis in range(3)]
    expected = central_difference_gradient(positions, species, SUTTON_CHEN_1990, spot_checks)
    computed = np.array([gradient[atom, axis] for atom, axis in spot_checks])
    np.testing.assert_allclose(computed, expected, rtol=0, atol=1e-6 * np.abs(expected).max())


def test_max_force_is_the_largest_per_atom_norm():
    gradient = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, -6.0], [1.0, 1.0, 1.0]])
    assert max_force(gradient) == 6.0


# --- relaxation -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def relaxed_pt55():
    """Return the starting positions of a rattled Pt55 icosahedron and its relaxation."""
    start = rattled_icosahedron(shells=3, seed=4)
    return start, relax(start, ["Pt"] * len(start), SUTTON_CHEN_1990, fmax=1e-3)


def test_relax_lowers_the_energy_below_the_force_threshold(relaxed_pt55):
    start, result = relaxed_pt55
    species = ["Pt"] * len(start)
    final_energy, final_gradient = energy_and_gradient(result.positions, species, SUTTON_CHEN_1990)
    assert result.converged
    assert result.energy_eV < energy(start, species, SUTTON_CHEN_1990) - 1.0
    assert result.energy_eV == pytest.approx(final_energy, rel=1e-12)
    assert max_force(final_gradient) < 1e-3
    assert result.max_force == pytest.approx(max_force(final_gradient), rel=1e-9)


def test_relaxing_a_relaxed_structure_changes_little(relaxed_pt55):
    _, first = relaxed_pt55
    species = ["Pt"] * len(first.positions)
    again = relax(first.positions, species, SUTTON_CHEN_1990, fmax=1e-3)
    assert again.steps == 0
    np.testing.assert_array_equal(again.positions, first.positions)
    # Residual forces below 1e-3 eV/Å, against bond stiffnesses of eV/Å², leave only
    # sub-0.01 Å moves and well under 1 meV to gain.
    tighter = relax(first.positions, species, SUTTON_CHEN_1990, fmax=1e-5)
    assert tighter.converged
    assert 0 <= first.energy_eV - tighter.energy_eV < 1e-3
    assert np.abs(tighter.positions - first.positions).max() < 1e-2


def test_relax_reports_no_convergence_when_steps_run_out():
    start = rattled_icosahedron(shells=3, seed=4)
    result = relax(start, ["Pt"] * len(start), SUTTON_CHEN_1990, fmax=1e-3, max_steps=3)
    assert not result.converged
    assert result.steps <= 3
    assert result.max_force >= 1e-3


def test_relax_restarts_lbfgs_that_stops_before_the_force_threshold(monkeypatch):
    max_iterations = []

    def minimize_stopping_early(*args, options, **kwargs):
        max_iterations.append(options["maxiter"])
        if len(max_iterations) == 1:
            # Stop the first run after 5 iterations, as if L-BFGS-B's own criteria had been met.
            options = {**options, "maxiter": 5}
        return scipy.optimize.minimize(*args, options=options, **kwargs)

    monkeypatch.setattr(sutton_chen, "minimize", minimize_stopping_early)
    start = rattled_icosahedron(shells=3, seed=4)
    result = relax(start, ["Pt"] * len(start), SUTTON_CHEN_1990, fmax=1e-3, max_steps=500)
    assert result.converged
    assert len(max_iterations) >= 2
    assert max_iterations[1] == 500 - 5  # the step budget is shared across restarts


@pytest.mark.parametrize("pair", [("Pt", "Pt"), ("Ag", "Ag"), ("Pt", "Ag")])
def test_relaxed_dimer_bond_matches_closed_formula(pair):
    first, second = (SUTTON_CHEN_1990[symbol] for symbol in pair)
    epsilon, a, n, m = mixed_pair(first, second)
    attraction = first.c * first.epsilon_eV + second.c * second.epsilon_eV
    # dE/dr = 0 for E = ε (a/r)^n − C (a/r)^(m/2) gives (a/r)^(n − m/2) = C m / (2 n ε).
    expected = a / (attraction * m / (2 * n * epsilon)) ** (1 / (n - m / 2))
    result = relax([[0.0, 0.0, 0.0], [0.0, 0.0, 3.0]], list(pair), SUTTON_CHEN_1990, fmax=1e-7)
    assert result.converged
    bond = np.linalg.norm(result.positions[1] - result.positions[0])
    assert bond == pytest.approx(expected, abs=1e-5)


# --- bulk limit -----------------------------------------------------------------------------


@pytest.mark.parametrize("symbol", ["Pt", "Ag"])
def test_lattice_sums_give_the_fitted_cohesive_energy_at_equilibrium(symbol):
    p = SUTTON_CHEN_1990[symbol]
    converged = fcc_lattice_sum(p.m, cutoff=9.0)
    assert fcc_lattice_sum(p.m, cutoff=12.0) == pytest.approx(converged, rel=1e-6)
    assert bulk_energy_per_atom(p) == pytest.approx(COHESIVE_ENERGY_EV[symbol], rel=5e-3)
    # At lattice constant L the energy per atom is ε [½ (a/L)^n S_n − c (a/L)^(m/2) √S_m];
    # dE/dL = 0 at L = a, the lattice constant of the fit, means c = n S_n / (m √S_m).
    equilibrium_c = p.n * fcc_lattice_sum(p.n) / (p.m * np.sqrt(fcc_lattice_sum(p.m)))
    assert p.c == pytest.approx(equilibrium_c, rel=1e-3)


@pytest.mark.parametrize("symbol", ["Pt", "Ag"])
def test_fcc_cube_energies_extrapolate_to_the_lattice_sum(symbol):
    cells = np.arange(4, 10)
    totals = [energy(*fcc_cube(symbol, k), SUTTON_CHEN_1990) for k in cells]
    # A cube of k cells has 4k³ atoms, O(k²) surface, O(k) edge and O(1) corner atoms, so
    # E(k) = e_bulk 4k³ + s k² + l k + v up to the tails of the long-range sums.
    design = np.stack([4 * cells**3, cells**2, cells, np.ones_like(cells)], axis=1).astype(float)
    bulk_per_atom = np.linalg.lstsq(design, totals, rcond=None)[0][0]
    assert bulk_per_atom == pytest.approx(bulk_energy_per_atom(SUTTON_CHEN_1990[symbol]), rel=2e-4)


def test_per_atom_energy_falls_from_pt55_towards_bulk_with_size():
    cuboctahedron = Octahedron("Pt", 5, cutoff=2, latticeconstant=SUTTON_CHEN_1990["Pt"].a_angstrom)
    assert len(cuboctahedron) == 55
    per_atom = [energy(cuboctahedron.positions, ["Pt"] * 55, SUTTON_CHEN_1990) / 55]
    for cells in (4, 6, 8, 10):  # 256 to 4000 atoms
        positions, species = fcc_cube("Pt", cells)
        per_atom.append(energy(positions, species, SUTTON_CHEN_1990) / len(positions))
    assert np.all(np.diff(per_atom) < 0)
    assert per_atom[-1] > bulk_energy_per_atom(SUTTON_CHEN_1990["Pt"])


# --- input checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "positions, species, message",
    [
        ([[0, 0, 0], [2.7, 0, 0]], ["Pt", "Au"], "Au"),
        ([[0, 0], [2.7, 0]], ["Pt", "Pt"], "shape"),
        ([[0, 0, 0], [2.7, 0, 0]], ["Pt"], "species"),
        ([[0, 0, 0]], ["Pt"], "at least 2"),
        ([[0, 0, 0], [2.7, 0, 0], [0, 0, 0]], ["Pt"] * 3, "atoms 0 and 2"),
        ([[0, 0, 0], [np.nan, 0, 0]], ["Pt", "Pt"], "NaN"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(positions, species, message):
    with pytest.raises(ValueError, match=message):
        energy(positions, species, SUTTON_CHEN_1990)
