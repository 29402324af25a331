"""Replicas as simulations give them: the augmentation of npshape's own (shipped) model.

The paper displaces every atom uniformly by up to 0.1 Å (``augment``). A cluster a user brings
from MD, DFT or a global optimiser differs from an ideal model in more ways; each replica
of a training structure here combines

- thermal disorder: every Cartesian component of every atom moves by an independent
  Gaussian of standard deviation σ = σ_max √u, u uniform in [0, 1). In the Debye (or
  Einstein) picture ⟨u_x²⟩ grows linearly with temperature, so this is a temperature drawn
  uniformly between 0 K and the one where σ reaches σ_max: with σ_max = 0.12 Å and bulk
  Debye temperatures about 500 K for Au, 750 K for Cu and 1100 K for Pt (√⟨u_x²⟩ at 300 K:
  Au 0.09, Cu 0.08, Pt 0.06 Å); surfaces and small particles vibrate more;
- another metal: the replica is rescaled to a nearest-neighbour distance drawn uniformly
  in ``bond_angstrom`` (2.45-3.0 Å: Ni and Cu to Ag and Au). r̃ = r / R_NN1 removes the scale,
  but the RDF's Gaussians keep σ = 0.2 Å, so peaks are relatively narrower for larger metals;
- composition: with probability ``alloy_probability``, a random alloy of two of Cu, Ag, Au,
  Ni, Pd and Pt in a random proportion (the RDF weighs pairs by b_i b_j);
- an imperfect surface: with probability ``vacancy_probability``, up to
  ``max_vacancy_fraction`` of the surface atoms (those with fewer neighbours than the
  most coordinated atom) are missing, as at the non-magic sizes of global optimisation.

Replicas come in blocks of ``block`` that share the composition and the vacancies (so a
block has one atom count and is featurised in one batch); bond length and σ are drawn per
replica. Every draw comes from a generator seeded by (base seed, structure id, replica or
block index) as in ``augment.replica_seed``: the same replicas whatever the job layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from npshape.learning.augment import replica_seed

ALLOY_METALS = ("Cu", "Ag", "Au", "Ni", "Pd", "Pt")
ATOMIC_NUMBERS = {"Cu": 29, "Ag": 47, "Au": 79, "Ni": 28, "Pd": 46, "Pt": 78}
SURFACE_CUTOFF_BONDS = 1.25  # neighbours within this many median nearest-neighbour distances


@dataclass(frozen=True)
class DisorderSettings:
    """How replicas are drawn (config ``npshape_model.replicas`` section)."""

    count: int = 200
    block: int = 10
    sigma_max_angstrom: float = 0.12
    bond_angstrom: tuple[float, float] = (2.45, 3.0)
    alloy_probability: float = 0.3
    vacancy_probability: float = 0.3
    max_vacancy_fraction: float = 0.1

    @classmethod
    def from_config(cls, section: dict) -> DisorderSettings:
        """Return the settings held by config's ``npshape_model.replicas`` section."""
        return cls(**{**section, "bond_angstrom": tuple(section["bond_angstrom"])})


def surface_atoms(positions: np.ndarray) -> np.ndarray:
    """Return the indices of atoms with fewer neighbours than the most coordinated one."""
    tree = cKDTree(positions)
    bond = float(np.median(tree.query(positions, k=2)[0][:, 1]))
    coordination = np.array([len(n) - 1 for n in tree.query_ball_point(positions, SURFACE_CUTOFF_BONDS * bond)])
    return np.flatnonzero(coordination < coordination.max())


def disordered_replicas(positions, numbers, structure_id: str, base_seed: int, settings: DisorderSettings):
    """Return the replicas of a structure: (replica indices, seeds, positions, numbers, blocks).

    Parameters
    ----------
    positions : ndarray of shape (n_atoms, 3), Å, the parent structure
    numbers : ndarray of shape (n_atoms,), its atomic numbers
    structure_id : str, enters every seed
    base_seed : int, the study's seed
    settings : DisorderSettings

    Returns
    -------
    replicas, seeds : ndarrays of shape (count,), int64 and uint64
    positions : list of ndarrays of shape (n_atoms_block, 3), Å, one per replica
    numbers : list of ndarrays of shape (n_atoms_block,), one per replica
    blocks : ndarray of shape (count,), int64, the block of each replica
    """
    positions = np.asarray(positions, dtype=float)
    bond = float(np.median(cKDTree(positions).query(positions, k=2)[0][:, 1]))
    surface = surface_atoms(positions)
    replicas = np.arange(settings.count, dtype=np.int64)
    seeds = np.array([replica_seed(base_seed, structure_id, r) for r in replicas], dtype=np.uint64)
    out_positions, out_numbers, blocks = [], [], replicas // settings.block
    for block in range(-(-settings.count // settings.block)):
        rng = np.random.default_rng(replica_seed(base_seed, f"{structure_id}/block", block))
        kept = np.arange(len(positions))
        if rng.uniform() < settings.vacancy_probability and len(surface) >= 10:
            missing = rng.integers(1, max(1, int(settings.max_vacancy_fraction * len(surface))) + 1)
            kept = np.setdiff1d(kept, rng.choice(surface, missing, replace=False))
        block_numbers = np.asarray(numbers)[kept]
        if rng.uniform() < settings.alloy_probability:
            first, second = rng.choice(ALLOY_METALS, 2, replace=False)
            share = rng.uniform(0.1, 0.9)
            block_numbers = np.where(rng.uniform(size=len(kept)) < share, ATOMIC_NUMBERS[first], ATOMIC_NUMBERS[second])
        for seed in seeds[blocks == block]:
            replica_rng = np.random.default_rng(int(seed))
            scale = replica_rng.uniform(*settings.bond_angstrom) / bond
            sigma = settings.sigma_max_angstrom * np.sqrt(replica_rng.uniform())
            out_positions.append(positions[kept] * scale + replica_rng.normal(0.0, sigma, (len(kept), 3)))
            out_numbers.append(block_numbers)
    return replicas, seeds, out_positions, out_numbers, blocks
