"""Sutton-Chen many-body potential for metal clusters: energy, analytic gradient, relaxation.

The energy of a cluster of ``n_atoms`` atoms, with no cutoff (every pair counts), is

    E = Σ_i [ ½ Σ_{j≠i} ε_ij (a_ij / r_ij)^n_ij  −  c_i ε_i √ρ_i ],
    ρ_i = Σ_{j≠i} (a_ij / r_ij)^m_ij .

For a single metal (ε_ij = ε, a_ij = a, ...) this is the potential of Sutton & Chen [1]_,
E = ε Σ_i [ ½ Σ_{j≠i} (a/r_ij)^n − c √ρ_i ].  For two or more metals (a Pt core under an
Ag shell, say) the pair parameters follow the mixing rules of Rafii-Tabar & Sutton [2]_:

    ε_ij = √(ε_i ε_j),  a_ij = (a_i + a_j) / 2,  n_ij = (n_i + n_j) / 2,  m_ij = (m_i + m_j) / 2,

and the attractive (embedding) term of atom i keeps its own metal's strength c_i ε_i, while its
density ρ_i sums the mixed (a_ij / r_ij)^m_ij over all neighbours.  Nothing else is mixed.

Parameters come from the caller: the study's config holds one set per metal, by default
those of Table 1 of [1]_ (fitted, with no cutoff, to the fcc lattice constant a and the
cohesive energy).

Pair terms are evaluated in small blocks of rows, so memory stays O(n_atoms) and clusters of
many thousand atoms fit; time is O(n_atoms²) per evaluation.

References
----------
.. [1] A. P. Sutton and J. Chen, "Long-range Finnis-Sinclair potentials",
   Philos. Mag. Lett. 61(3), 139-146 (1990). DOI 10.1080/09500839008206493
.. [2] H. Rafii-Tabar and A. P. Sutton, "Long-range Finnis-Sinclair potentials for f.c.c.
   metallic alloys", Philos. Mag. Lett. 63(4), 217-224 (1991). DOI 10.1080/09500839108205994
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

# Pairs per block of rows.  Small blocks (64 KiB per float64 array) stay in cache and reuse
# freed heap memory; blocks of whole n_atoms² arrays measured 3x slower at 561 atoms.
_PAIRS_PER_BLOCK = 1 << 13


@dataclass(frozen=True)
class SuttonChenParameters:
    """Sutton-Chen parameters of one metal.

    Attributes
    ----------
    epsilon_eV : float
        Energy scale ε, eV.
    a_angstrom : float
        Length scale a (the fcc lattice constant the set was fitted to), Å.
    c : float
        Dimensionless strength of the attractive term.
    n, m : float
        Exponents of the repulsive pair term and of the density.
    """

    epsilon_eV: float
    a_angstrom: float
    c: float
    n: float
    m: float

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(
                    f"Sutton-Chen parameter {field.name} must be positive, got {value!r}"
                )

    @classmethod
    def from_mapping(cls, mapping: Mapping) -> "SuttonChenParameters":
        """Return the parameters read from a mapping with exactly the keys of this class.

        Raises
        ------
        ValueError
            If keys are missing or unknown; the message names them.
        """
        expected = [field.name for field in fields(cls)]
        missing = sorted(set(expected) - set(mapping))
        unknown = sorted(set(mapping) - set(expected))
        if missing or unknown:
            raise ValueError(
                f"Sutton-Chen parameters need exactly the keys {expected}; "
                f"missing {missing}, unknown {unknown}"
            )
        return cls(**{name: float(mapping[name]) for name in expected})


@dataclass(frozen=True)
class RelaxResult:
    """Outcome of a relaxation.

    Attributes
    ----------
    positions : ndarray of shape (n_atoms, 3), Å
        Final positions.
    energy_eV : float
        Energy at the final positions, eV.
    max_force : float
        Largest per-atom force norm at the final positions, eV/Å.
    steps : int
        L-BFGS iterations taken, summed over restarts.
    converged : bool
        Whether ``max_force`` is below the requested ``fmax``.
    """

    positions: NDArray[np.float64]
    energy_eV: float
    max_force: float
    steps: int
    converged: bool


@dataclass(frozen=True)
class _Mixing:
    """Per-atom metal codes and the mixed pair tables of the metals present.

    ``epsilon``, ``log_a``, ``n`` and ``m`` have shape (n_metals, n_metals); ``embedding``
    holds c_i ε_i for each atom, eV.
    """

    codes: NDArray[np.intp]
    epsilon: NDArray[np.float64]
    log_a: NDArray[np.float64]
    n: NDArray[np.float64]
    m: NDArray[np.float64]
    embedding: NDArray[np.float64]

    @classmethod
    def of(cls, species: NDArray, parameters: Mapping[str, SuttonChenParameters]) -> "_Mixing":
        """Return the Rafii-Tabar–Sutton pair tables for the metals in ``species``."""
        symbols, codes = np.unique(species, return_inverse=True)
        sets = [parameters[symbol] for symbol in symbols]
        epsilon = np.array([p.epsilon_eV for p in sets])
        a = np.array([p.a_angstrom for p in sets])
        n = np.array([p.n for p in sets])
        m = np.array([p.m for p in sets])
        c = np.array([p.c for p in sets])
        return cls(
            codes=codes,
            epsilon=np.sqrt(np.outer(epsilon, epsilon)),
            log_a=np.log(np.add.outer(a, a) / 2),
            n=np.add.outer(n, n) / 2,
            m=np.add.outer(m, m) / 2,
            embedding=(c * epsilon)[codes],
        )

    def pair_index(self, rows: NDArray[np.intp]) -> NDArray[np.intp] | None:
        """Return the flat table index of each pair (rows × all atoms), or None for one metal."""
        if self.epsilon.size == 1:
            return None
        return self.codes[rows, None] * len(self.epsilon) + self.codes[None, :]

    @staticmethod
    def per_pair(table: NDArray[np.float64], pair_index: NDArray[np.intp] | None):
        """Return ``table`` at each pair of ``pair_index``, or its scalar for a single metal."""
        if pair_index is None:
            # One metal: a scalar broadcasts like the full (rows, n_atoms) array, at no cost.
            return table.item()
        return table.ravel().take(pair_index)


class _PairTerms(NamedTuple):
    """Pair terms of a block of rows against all atoms, each of shape (n_rows, n_atoms)."""

    distance: NDArray[np.float64]  # Å, +inf for an atom with itself
    repulsion: NDArray[np.float64]  # ε_ij (a_ij/r_ij)^n_ij, eV
    density: NDArray[np.float64]  # (a_ij/r_ij)^m_ij
    n: NDArray[np.float64] | float
    m: NDArray[np.float64] | float


def _row_blocks(n_atoms: int) -> list[NDArray[np.intp]]:
    """Return consecutive blocks of atom indices, each with at most ~_PAIRS_PER_BLOCK pairs."""
    rows_per_block = max(1, _PAIRS_PER_BLOCK // n_atoms)
    return [
        np.arange(start, min(start + rows_per_block, n_atoms))
        for start in range(0, n_atoms, rows_per_block)
    ]


def _pair_terms(
    positions: NDArray[np.float64], rows: NDArray[np.intp], mixing: _Mixing
) -> _PairTerms:
    """Return the pair terms between atoms ``rows`` and all atoms."""
    distance = cdist(positions[rows], positions)
    # r = +inf makes (a/r)^p vanish, which removes the j = i terms from every sum.
    distance[np.arange(rows.size), rows] = np.inf
    pair_index = mixing.pair_index(rows)
    log_ratio = mixing.per_pair(mixing.log_a, pair_index) - np.log(distance)
    n = mixing.per_pair(mixing.n, pair_index)
    m = mixing.per_pair(mixing.m, pair_index)
    repulsion = mixing.per_pair(mixing.epsilon, pair_index) * np.exp(n * log_ratio)
    return _PairTerms(distance, repulsion, np.exp(m * log_ratio), n, m)


def _energy(positions: NDArray[np.float64], mixing: _Mixing) -> float:
    """Return the energy, eV, of checked positions (n_atoms, 3), Å."""
    energy = 0.0
    for rows in _row_blocks(len(positions)):
        terms = _pair_terms(positions, rows, mixing)
        embedding = mixing.embedding[rows] @ np.sqrt(terms.density.sum(axis=1))
        energy += 0.5 * terms.repulsion.sum() - embedding
    return float(energy)


def _energy_and_gradient(
    positions: NDArray[np.float64], mixing: _Mixing
) -> tuple[float, NDArray[np.float64]]:
    """Return the energy, eV, and its gradient (n_atoms, 3), eV/Å, at checked positions, Å."""
    # Centring changes no distance but keeps x_i Σ_j w_ij − Σ_j w_ij x_j free of cancellation.
    centred = positions - positions.mean(axis=0)
    blocks = _row_blocks(len(centred))
    # The gradient on atom i needs F'_j of every other atom j, so all densities come first.
    density = np.concatenate(
        [_pair_terms(centred, rows, mixing).density.sum(axis=1) for rows in blocks]
    )
    sqrt_density = np.sqrt(density)
    # F'_i = dF_i/dρ_i for the embedding term F_i = −c_i ε_i √ρ_i.
    embedding_slope = -0.5 * mixing.embedding / sqrt_density
    energy = -(mixing.embedding @ sqrt_density)
    gradient = np.empty_like(centred)
    for rows in blocks:
        terms = _pair_terms(centred, rows, mixing)
        energy += 0.5 * terms.repulsion.sum()
        # dE/dr_ij = −(n_ij V_ij + m_ij (F'_i + F'_j) φ_ij) / r_ij; one more division by r_ij
        # gives the weight w_ij with which atom i's gradient is Σ_j w_ij (x_i − x_j).
        slope_sum = embedding_slope[rows, None] + embedding_slope[None, :]
        pair_slope = terms.n * terms.repulsion + terms.m * slope_sum * terms.density
        weight = -pair_slope / terms.distance**2
        gradient[rows] = weight.sum(axis=1)[:, None] * centred[rows] - weight @ centred
    return float(energy), gradient


def _checked(
    positions: ArrayLike,
    species: Sequence[str] | ArrayLike,
    parameters: Mapping[str, SuttonChenParameters],
) -> tuple[NDArray[np.float64], _Mixing]:
    """Return positions as a float (n_atoms, 3) array and the mixing tables, or raise ValueError."""
    positions = np.array(positions, dtype=float)
    species = np.asarray(species)
    if positions.ndim != 2 or positions.shape[1] != 3:
        raise ValueError(f"positions must have shape (n_atoms, 3), got {positions.shape}")
    if len(positions) < 2:
        raise ValueError(f"the Sutton-Chen energy needs at least 2 atoms, got {len(positions)}")
    if not np.all(np.isfinite(positions)):
        raise ValueError("positions contain NaN or infinite values")
    if species.shape != (len(positions),):
        raise ValueError(
            f"species must list one symbol per atom ({len(positions)}), got shape {species.shape}"
        )
    unknown = sorted(set(species.tolist()) - set(parameters))
    if unknown:
        raise ValueError(f"no Sutton-Chen parameters for {unknown}; known: {sorted(parameters)}")
    coincident = sorted(cKDTree(positions).query_pairs(0.0))
    if coincident:
        first, second = coincident[0]
        raise ValueError(f"atoms {first} and {second} are at the same position")
    return positions, _Mixing.of(species, parameters)


def energy(
    positions: ArrayLike,
    species: Sequence[str] | ArrayLike,
    parameters: Mapping[str, SuttonChenParameters],
) -> float:
    """Return the Sutton-Chen energy of a cluster, eV.

    Parameters
    ----------
    positions : array_like of shape (n_atoms, 3), Å
    species : sequence of str of length n_atoms
        Element symbol of each atom.
    parameters : mapping of str to SuttonChenParameters
        Parameters of each metal present in ``species``.
    """
    positions, mixing = _checked(positions, species, parameters)
    return _energy(positions, mixing)


def energy_and_gradient(
    positions: ArrayLike,
    species: Sequence[str] | ArrayLike,
    parameters: Mapping[str, SuttonChenParameters],
) -> tuple[float, NDArray[np.float64]]:
    """Return the Sutton-Chen energy, eV, and its gradient dE/dx, ndarray (n_atoms, 3), eV/Å.

    The forces are minus the gradient.  Arguments are those of :func:`energy`.
    """
    positions, mixing = _checked(positions, species, parameters)
    return _energy_and_gradient(positions, mixing)


def max_force(gradient: ArrayLike) -> float:
    """Return the largest per-atom norm of a gradient or force array (n_atoms, 3), eV/Å."""
    return float(np.max(np.linalg.norm(np.asarray(gradient).reshape(-1, 3), axis=1)))


def relax(
    positions: ArrayLike,
    species: Sequence[str] | ArrayLike,
    parameters: Mapping[str, SuttonChenParameters],
    fmax: float = 1e-3,
    max_steps: int = 5000,
) -> RelaxResult:
    """Return the cluster relaxed to a local minimum of the Sutton-Chen energy.

    L-BFGS-B (scipy) with the analytic gradient runs until every per-atom force norm is below
    ``fmax``, eV/Å, or ``max_steps`` iterations have been taken.  When L-BFGS-B stops on its
    own criteria first (a failed line search near the precision limit), it is restarted from
    where it stopped, as long as a restart still lowers the energy.  Deterministic.

    Parameters
    ----------
    positions : array_like of shape (n_atoms, 3), Å
        Starting positions.
    species, parameters
        As for :func:`energy`.
    fmax : float
        Force threshold, eV/Å.
    max_steps : int
        Largest number of L-BFGS iterations, summed over restarts.
    """
    if not (fmax > 0 and max_steps >= 0):
        raise ValueError(
            f"relax needs fmax > 0 and max_steps >= 0, got fmax={fmax!r}, max_steps={max_steps!r}"
        )
    positions, mixing = _checked(positions, species, parameters)

    def objective(flat):
        value, gradient = _energy_and_gradient(flat.reshape(-1, 3), mixing)
        return value, gradient.ravel()

    flat = positions.ravel()
    value, gradient = objective(flat)
    steps = 0
    while max_force(gradient) >= fmax and steps < max_steps:
        remaining = max_steps - steps
        result = minimize(
            objective,
            flat,
            jac=True,
            method="L-BFGS-B",
            options={
                # A component bound of fmax/√3 guarantees a per-atom norm below fmax.
                "gtol": fmax / np.sqrt(3),
                # Never stop on a small relative energy change, only on the force criterion.
                "ftol": 0.0,
                "maxiter": remaining,
                "maxfun": 20 * remaining,
            },
        )
        steps += result.nit
        # L-BFGS-B also stops on its own criteria, e.g. a line search failing near the precision
        # limit of the energy.  Restarting it (with a fresh Hessian estimate) can still reach
        # fmax, but a run that completed no iteration or gained no energy will not.
        if result.nit == 0 or not result.fun < value:
            break
        flat = result.x
        value, gradient = objective(flat)
    final_force = max_force(gradient)
    return RelaxResult(
        positions=flat.reshape(-1, 3).copy(),
        energy_eV=float(value),
        max_force=final_force,
        steps=steps,
        converged=final_force < fmax,
    )
