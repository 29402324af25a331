"""In-domain evaluation set: clusters of ten of npshape's eleven shape classes, built with ASE.

The set only evaluates a classifier, never trains it, so it must not share a line of code with
npshape's training builders: every cluster comes from ASE's own cluster builders
(`ase.cluster`) or is carved here from an ASE crystal (`ase.build.bulk`,
`ase.spacegroup.crystal`), with each metal's own lattice constant (`ase.data.reference_states`).
Nearest-neighbour distances therefore vary, 2.49 Å (Ni) to 2.89 Å (Ag) for the fcc metals,
2.49-2.86 Å for the bcc ones (Fe-Ta), 2.50-2.89 Å for the hcp ones (Co-Ti).

Recipe of one cluster; every random number comes from a generator seeded by a SHA-256 hash
of the cluster's base id (`stable_seed`), so the set is identical in every process:

1. build the ideal cluster (positions in Å);
2. for part of the fcc, icosahedral and decahedral clusters: rattle by 0.05 Å (so a relaxation
   can leave a symmetric saddle point, as a cuboctahedron turning icosahedral would), relax with
   ASE's EMT (FIRE, every force below 0.05 eV/Å, at most 500 steps) and keep the cluster only if
   it converged and `structure_kept` says it is still its class; the others are dropped and
   logged, never relabelled. EMT covers Cu, Ag, Au, Ni, Pd and Pt only, so bcc, hcp and β-Mn
   clusters are never relaxed;
3. rotate by a random rotation and shuffle the atom order (the classifier must ignore both);
4. add Gaussian noise to every Cartesian coordinate, with one standard deviation per cluster
   drawn uniformly in `NOISE_RANGE_ANGSTROM` = [0.02, 0.08] Å: from almost ideal up to about
   the room-temperature vibration amplitude of these metals (√⟨u_x²⟩ ≈ 0.08 Å for Cu and Au).

DD (relaxed nested dodecahedra) is absent: ASE has no builder for it and the only construction
at hand is npshape's own shell construction, so a DD set here would not be independent.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from ase import Atoms
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.cluster import BodyCenteredCubic, Decahedron, FaceCenteredCubic, Icosahedron, Octahedron
from ase.data import atomic_numbers, reference_states
from ase.optimize import FIRE
from ase.spacegroup import crystal
from scipy.spatial import cKDTree

LOG = logging.getLogger(__name__)

NOISE_RANGE_ANGSTROM = (0.02, 0.08)
RATTLE_BEFORE_RELAX_ANGSTROM = 0.05
FMAX_EV_PER_ANGSTROM = 0.05
MAX_RELAX_STEPS = 500
# Pairs closer than this many shortest distances are bonded: midway between the first fcc
# shell (1) and the second (√2); icosahedral (1.05) and decahedral (1.018) first shells are in.
BOND_CUTOFF_FACTOR = 1.2
# Largest displacement, in shortest distances, allowed after the best similarity fit. EMT moves
# the vertices of octahedra and cubes by up to 0.12. The Mackay transformation of the 13-atom
# cuboctahedron into an icosahedron moves its shell by 0.24 and makes 6 bonds, one across
# each square face: the bond graph, not this limit, catches that one.
MAX_RESIDUAL_FACTOR = 0.25
# β-Mn (space group P4_132, No. 213): Mn on 8c (x, x, x) and 12d (1/8, y, y + 1/4); lattice
# constant at room temperature (Shoemaker et al., Acta Cryst. B 34, 3573 (1978)).
BETA_MN_LATTICE_ANGSTROM = 6.315
BETA_MN_X_8C = 0.0636
BETA_MN_Y_12D = 0.2022
# A cut passing within this of an atom would make the atom count hinge on rounding.
CUT_MARGIN_ANGSTROM = 1e-6


def stable_seed(text: str) -> int:
    """64-bit seed from the SHA-256 of `text`: the same in every process (unlike `hash`)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """Uniformly random 3x3 rotation matrix, from a normalised Gaussian quaternion."""
    quaternion = rng.normal(size=4)
    w, x, y, z = quaternion / np.linalg.norm(quaternion)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ])


def rotate_shuffle_noise(positions: np.ndarray, sigma_angstrom: float, rng: np.random.Generator) -> np.ndarray:
    """Centre `positions` (Å), rotate them randomly, shuffle their order, add Gaussian noise of σ `sigma_angstrom`."""
    positions = (positions - positions.mean(axis=0)) @ random_rotation(rng).T
    positions = positions[rng.permutation(len(positions))]
    return positions + rng.normal(0.0, sigma_angstrom, positions.shape)


def lattice_constant(metal: str) -> float:
    """Reference lattice constant a of `metal` (Å), from `ase.data.reference_states`."""
    return reference_states[atomic_numbers[metal]]["a"]


def fcc_bond(metal: str) -> float:
    """Nearest-neighbour distance a/√2 of an fcc metal (Å)."""
    return lattice_constant(metal) / np.sqrt(2)


def shortest_distance(positions: np.ndarray) -> float:
    """Shortest interatomic distance of a cluster (Å)."""
    return float(cKDTree(positions).query(positions, k=2)[0][:, 1].min())


def carve_sphere(
    crystal_cell: Atoms, radius: float, anchor: int = 0, offset: tuple = (0.0, 0.0, 0.0)
) -> Atoms:
    """Atoms of a periodic crystal within `radius` (Å) of a centre, as a cluster centred on it.

    The centre is atom `anchor` of the cell plus `offset` in fractions of the cell vectors
    (zero offset: centred on an atom). Raises ValueError if an atom lies within
    `CUT_MARGIN_ANGSTROM` of the sphere, where rounding would decide the atom count.
    """
    cell = np.array(crystal_cell.cell)
    heights = 1.0 / np.linalg.norm(np.linalg.inv(cell), axis=0)  # distances between opposite faces
    repeats = [int(np.ceil(2 * radius / h)) + 2 for h in heights]
    supercell = crystal_cell.repeat(repeats)
    centre = crystal_cell.positions[anchor] + (np.array(repeats) // 2 + np.asarray(offset)) @ cell
    distances = np.linalg.norm(supercell.positions - centre, axis=1)
    if np.abs(distances - radius).min() < CUT_MARGIN_ANGSTROM:
        raise ValueError(f"sphere of radius {radius} Å passes through an atom")
    inside = distances < radius
    return Atoms(numbers=supercell.numbers[inside], positions=supercell.positions[inside] - centre)


def carve_cube(crystal_cubic: Atoms, cells: int) -> Atoms:
    """Cube of `cells` conventional cells per edge cut from a cubic crystal, corners on atoms."""
    edge = cells * crystal_cubic.cell[0, 0]
    supercell = crystal_cubic.repeat(cells + 1)  # its corner atom sits at the origin
    inside = np.all(supercell.positions <= edge + CUT_MARGIN_ANGSTROM, axis=1)
    return Atoms(numbers=supercell.numbers[inside], positions=supercell.positions[inside])


def carve_tetrahedron(metal: str, edge_atoms: int) -> np.ndarray:
    """Regular tetrahedron with `edge_atoms` atoms per edge and four {111} faces, cut from fcc (Å).

    In units of a/2 the fcc lattice is the integer points of even coordinate sum; the
    tetrahedron has vertices (0,0,0), (m,m,0), (m,0,m), (0,m,m), m = `edge_atoms` - 1 (edge
    m bonds), and is bounded by x + y - z ≥ 0, x - y + z ≥ 0, -x + y + z ≥ 0, x + y + z ≤ 2m.
    """
    m = edge_atoms - 1
    fcc = bulk(metal, "fcc", cubic=True)
    half_cell = fcc.cell[0, 0] / 2
    scaled = fcc.repeat(m // 2 + 1).positions / half_cell
    points = np.rint(scaled).astype(int)
    assert np.allclose(scaled, points, atol=1e-6), "fcc positions off the half-cell grid"
    x, y, z = points.T
    inside = (x + y - z >= 0) & (x - y + z >= 0) & (-x + y + z >= 0) & (x + y + z <= 2 * m)
    return points[inside] * half_cell


def beta_mn(lattice_angstrom: float) -> Atoms:
    """Conventional cell (20 atoms) of β-Mn with lattice constant `lattice_angstrom` (Å); 8c atoms first."""
    basis = [(BETA_MN_X_8C,) * 3, (1 / 8, BETA_MN_Y_12D, BETA_MN_Y_12D + 1 / 4)]
    return crystal(["Mn", "Mn"], basis, spacegroup=213, cellpar=[lattice_angstrom] * 3 + [90] * 3)


def similarity_fit(reference: np.ndarray, moved: np.ndarray) -> tuple[float, np.ndarray]:
    """Best uniform scale s, rotation and translation taking `reference` onto `moved` (Umeyama 1991).

    Returns s and the residual displacements (n, 3) in Å of `moved` from the fitted reference.
    """
    x = reference - reference.mean(axis=0)
    y = moved - moved.mean(axis=0)
    u, singular, vt = np.linalg.svd(x.T @ y)
    signs = np.array([1.0, 1.0, np.sign(np.linalg.det(vt.T @ u.T))])  # a rotation, not a reflection
    rotation = vt.T @ np.diag(signs) @ u.T
    scale = float((singular * signs).sum() / (x**2).sum())
    return scale, y - scale * x @ rotation.T


def structure_kept(ideal: np.ndarray, relaxed: np.ndarray) -> tuple[bool, str]:
    """Whether a relaxed cluster is still the structure it was relaxed from (same atom order).

    Two conditions, both in units of the ideal shortest distance d, after removing the best
    uniform scale s (EMT contracts clusters by 1-6 %), rotation and translation:
    the bond graph (pairs closer than `BOND_CUTOFF_FACTOR` d, times s after relaxation) is
    unchanged, so no facet reconstructed; and no atom moved further than
    `MAX_RESIDUAL_FACTOR` d. Returns (kept, reason when not kept).
    """
    bond = shortest_distance(ideal)
    scale, residuals = similarity_fit(ideal, relaxed)
    largest = np.linalg.norm(residuals, axis=1).max() / (scale * bond)
    before = cKDTree(ideal).query_pairs(BOND_CUTOFF_FACTOR * bond)
    after = cKDTree(relaxed).query_pairs(BOND_CUTOFF_FACTOR * bond * scale)
    if before != after:
        return False, f"{len(before - after)} bonds broken and {len(after - before)} made"
    if largest > MAX_RESIDUAL_FACTOR:
        return False, f"an atom moved {largest:.2f} bonds beyond uniform scaling and rotation"
    return True, ""


def relax_emt(
    positions: np.ndarray, metal: str, rng: np.random.Generator, max_steps: int = MAX_RELAX_STEPS
) -> tuple[Atoms, bool, int]:
    """Rattle `positions` (Å) by `RATTLE_BEFORE_RELAX_ANGSTROM` and relax them with EMT and FIRE.

    Returns the relaxed atoms (EMT calculator attached), whether every force fell below
    `FMAX_EV_PER_ANGSTROM` within `max_steps` steps, and the number of steps.
    """
    start = positions + rng.normal(0.0, RATTLE_BEFORE_RELAX_ANGSTROM, positions.shape)
    atoms = Atoms([metal] * len(positions), positions=start)
    atoms.calc = EMT()
    optimizer = FIRE(atoms, logfile=None)
    converged = bool(optimizer.run(fmax=FMAX_EV_PER_ANGSTROM, steps=max_steps))
    return atoms, converged, optimizer.nsteps


@dataclass(frozen=True)
class _Spec:
    """One cluster to build: class, metal, builder name, id tag, ideal positions (Å), parameters."""

    cls: str
    metal: str
    builder: str
    tag: str
    make: Callable[[], np.ndarray]
    params: dict = field(default_factory=dict)
    relax: bool = False
    quick: bool = False


def _positions(factory, *args) -> np.ndarray:
    """Positions (Å) of the cluster `factory(*args)` returns."""
    return factory(*args).positions


def _sphere(crystal_factory, radius, anchor, offset) -> np.ndarray:
    """Positions (Å) of a sphere carved from the crystal `crystal_factory()` makes."""
    return carve_sphere(crystal_factory(), radius, anchor, offset).positions


def _specs() -> list[_Spec]:
    """Every cluster of the full set, class by class; `quick` marks the small test subset."""
    specs = []
    # IC: Mackay icosahedra; `shells` around the central atom (ASE's noshells counts the centre).
    for shells, metal, relax, quick in (
        (3, "Cu", False, True), (3, "Pt", True, False), (4, "Au", False, False),
        (4, "Ag", True, False), (4, "Ni", False, False), (5, "Pd", False, False),
        (5, "Cu", True, False), (2, "Ag", False, False), (3, "Pd", True, False),
        (4, "Pt", False, False), (5, "Au", True, False), (3, "Ni", True, False),
    ):
        make = partial(_positions, Icosahedron, metal, shells + 1)
        specs.append(_Spec("IC", metal, "ase.cluster.Icosahedron", "", make, {"shells": shells}, relax, quick))
    # CB: an octahedron of 2n + 1 atoms per edge truncated by n layers at each vertex.
    for shells, metal, relax, quick in (
        (3, "Au", False, True), (3, "Cu", True, False), (3, "Ni", True, False),
        (4, "Ag", False, False), (4, "Pt", True, False), (4, "Pd", False, False),
        (5, "Cu", False, False), (5, "Au", True, False), (2, "Pt", False, False),
        (2, "Cu", True, True), (3, "Pd", False, False), (4, "Ni", True, False),
    ):
        make = partial(_positions, Octahedron, metal, 2 * shells + 1, shells)
        specs.append(_Spec("CB", metal, "ase.cluster.Octahedron", "", make, {"shells": shells}, relax, quick))
    # OH: untruncated octahedra (cutoff 0).
    for edge_atoms, metal, relax, quick in (
        (6, "Pt", False, True), (6, "Cu", True, False), (7, "Ag", False, False),
        (7, "Ni", True, False), (8, "Au", False, False), (8, "Pd", True, False),
        (9, "Pt", False, False), (9, "Cu", True, False), (5, "Au", False, False),
        (7, "Pd", False, False), (8, "Ag", True, False), (6, "Ni", False, False),
    ):
        make = partial(_positions, Octahedron, metal, edge_atoms, 0)
        specs.append(_Spec("OH", metal, "ase.cluster.Octahedron", "", make, {"edge_atoms": edge_atoms}, relax, quick))
    # DC: q = 1, r = 0 pentagonal bipyramids; q > 1 Ino decahedra; r > 0 Marks decahedra.
    for p, q, r, metal, relax, quick in (
        (6, 1, 0, "Cu", False, True), (7, 1, 0, "Au", True, False), (8, 1, 0, "Pd", False, False),
        (5, 1, 0, "Ag", True, False), (5, 2, 0, "Pt", False, False), (6, 2, 0, "Ni", True, False),
        (5, 3, 0, "Au", False, False), (7, 2, 0, "Cu", True, False), (4, 4, 0, "Pd", False, False),
        (4, 1, 1, "Ag", False, True), (5, 1, 1, "Pt", True, False), (5, 2, 1, "Au", False, False),
        (4, 3, 1, "Cu", True, False), (6, 1, 1, "Ni", False, False), (4, 2, 2, "Pd", True, False),
    ):
        make = partial(_positions, Decahedron, metal, p, q, r)
        specs.append(_Spec("DC", metal, "ase.cluster.Decahedron", f"p{p}q{q}r{r}", make,
                           {"p": p, "q": q, "r": r}, relax, quick))
    # FCC-C: ASE's FaceCenteredCubic puts an atom at the centre, so its {100} cube has corners
    # on atoms only for an even number of cells; odd (and some even) cubes are carved from bulk.
    for cells, metal, source, relax, quick in (
        (3, "Cu", "bulk", False, True), (3, "Au", "bulk", True, False), (3, "Pd", "bulk", False, False),
        (3, "Ni", "bulk", True, False), (4, "Ag", "ase", False, False), (4, "Pt", "ase", True, False),
        (4, "Cu", "bulk", False, False), (4, "Pd", "ase", True, False), (2, "Au", "ase", False, False),
        (3, "Pt", "bulk", False, False), (4, "Ni", "ase", False, False),
    ):
        if source == "ase":
            make = partial(_positions, FaceCenteredCubic, metal, [(1, 0, 0), (0, 1, 0), (0, 0, 1)], [cells] * 3)
            builder = "ase.cluster.FaceCenteredCubic"
        else:
            make = partial(_positions, carve_cube, bulk(metal, "fcc", cubic=True), cells)
            builder = "ase.build.bulk, cube cut"
        specs.append(_Spec("FCC-C", metal, builder, f"{cells}cells-{source}", make, {"cells": cells}, relax, quick))
    # BCC-C: bcc metals with their own lattice constants; never relaxed (EMT has no bcc metal).
    for cells, metal, source, quick in (
        (4, "Fe", "ase", True), (4, "W", "bulk", False), (5, "Mo", "ase", False), (5, "Cr", "bulk", False),
        (6, "Ta", "ase", False), (4, "Nb", "bulk", False), (5, "V", "ase", False), (6, "Fe", "bulk", False),
        (3, "W", "ase", False), (5, "Nb", "ase", False), (6, "Mo", "bulk", False),
    ):
        if source == "ase":
            make = partial(_positions, BodyCenteredCubic, metal, [(1, 0, 0), (0, 1, 0), (0, 0, 1)], [cells] * 3)
            builder = "ase.cluster.BodyCenteredCubic"
        else:
            make = partial(_positions, carve_cube, bulk(metal, "bcc", cubic=True), cells)
            builder = "ase.build.bulk, cube cut"
        specs.append(_Spec("BCC-C", metal, builder, f"{cells}cells-{source}", make, {"cells": cells}, False, quick))
    # FCC-S: radius √(k + 0.3) bonds, between neighbour shells for any of these centres.
    fcc_centres = {"atom": (0, 0, 0), "oct": (0.5, 0, 0), "tet": (0.25, 0.25, 0.25), "off": (0.13, 0.37, 0.29)}
    for metal, k, centre, relax, quick in (
        ("Cu", 10, "atom", False, True), ("Ag", 12, "oct", True, False), ("Au", 14, "tet", False, False),
        ("Ni", 16, "off", True, False), ("Pd", 18, "atom", False, False), ("Pt", 20, "oct", False, False),
        ("Cu", 14, "off", True, False), ("Au", 9, "atom", True, False), ("Pd", 12, "tet", False, False),
        ("Ag", 18, "off", False, False), ("Pt", 10, "tet", True, False), ("Ni", 20, "atom", False, False),
    ):
        radius = fcc_bond(metal) * np.sqrt(k + 0.3)
        make = partial(_sphere, partial(bulk, metal, "fcc", cubic=True), radius, 0, fcc_centres[centre])
        specs.append(_Spec("FCC-S", metal, "ase.build.bulk, sphere cut", f"R{radius:.2f}-{centre}", make,
                           {"radius_angstrom": radius, "centre": centre}, relax, quick))
    # HCP-S: hcp metals with their own a and c/a (orthorhombic 4-atom cell); never relaxed.
    hcp_centres = {"atom": (0, 0, 0), "off1": (0.21, 0.11, 0.37), "off2": (0.4, 0.3, 0.1)}
    for metal, k, centre, quick in (
        ("Co", 10, "atom", True), ("Ru", 12, "off1", False), ("Os", 14, "atom", False), ("Re", 16, "off2", False),
        ("Ti", 18, "off1", False), ("Co", 20, "off2", False), ("Ru", 9, "atom", False), ("Re", 12, "off1", False),
        ("Os", 18, "off2", False), ("Ti", 14, "atom", False),
    ):
        radius = lattice_constant(metal) * np.sqrt(k + 0.3)
        make = partial(_sphere, partial(bulk, metal, "hcp", orthorhombic=True), radius, 0, hcp_centres[centre])
        specs.append(_Spec("HCP-S", metal, "ase.build.bulk, sphere cut", f"R{radius:.2f}-{centre}", make,
                           {"radius_angstrom": radius, "centre": centre}, False, quick))
    # BMN-S: β-Mn itself, and β-Mn scaled so its shortest distance is an fcc metal's bond
    # (a hypothetical β-Mn-type metal: the class is the structure, not the element).
    mn_shortest = shortest_distance(beta_mn(BETA_MN_LATTICE_ANGSTROM).repeat(2).positions)
    bmn_centres = {"8c": (0, (0, 0, 0)), "12d": (8, (0, 0, 0)), "off": (0, (0.31, 0.17, 0.43))}
    for metal, radius_bonds, centre, quick in (
        ("Mn", 3.3, "8c", True), ("Mn", 4.1, "off", False), ("Mn", 4.9, "12d", False), ("Cu", 3.7, "8c", False),
        ("Ag", 4.5, "off", False), ("Au", 3.3, "off", False), ("Pt", 4.1, "12d", False), ("Pd", 4.9, "off", False),
        ("Ni", 3.7, "12d", False), ("Mn", 4.5, "8c", False),
    ):
        bond = mn_shortest if metal == "Mn" else fcc_bond(metal)
        lattice = BETA_MN_LATTICE_ANGSTROM * bond / mn_shortest
        radius = radius_bonds * bond
        make = partial(_sphere, partial(beta_mn, lattice), radius, *bmn_centres[centre])
        specs.append(_Spec("BMN-S", metal, "ase.spacegroup.crystal, sphere cut", f"R{radius:.2f}-{centre}", make,
                           {"radius_angstrom": radius, "centre": centre, "lattice_angstrom": lattice}, False, quick))
    # RTD: regular tetrahedra carved from fcc.
    for edge_atoms, metal, relax, quick in (
        (9, "Cu", False, True), (10, "Au", True, False), (11, "Ag", False, False), (12, "Pt", True, False),
        (13, "Pd", False, False), (14, "Ni", True, False), (9, "Pt", True, True), (10, "Ni", False, False),
        (11, "Au", True, False), (12, "Cu", False, False), (8, "Ag", False, False),
    ):
        make = partial(carve_tetrahedron, metal, edge_atoms)
        specs.append(_Spec("RTD", metal, "ase.build.bulk, tetrahedron cut", "", make,
                           {"edge_atoms": edge_atoms}, relax, quick))
    return specs


def _build(spec: _Spec) -> Atoms | None:
    """Build, maybe relax, rotate, shuffle and noise one cluster; None if relaxation changed it."""
    ideal = spec.make()
    ideal = ideal - ideal.mean(axis=0)
    tag = f"-{spec.tag}" if spec.tag else ""
    base_id = f"{spec.cls}-{len(ideal)}-{spec.metal}{tag}-{'emt' if spec.relax else 'ideal'}"
    rng = np.random.default_rng(stable_seed(base_id))
    info = {"class": spec.cls, "metal": spec.metal, "builder": spec.builder, "relaxed": spec.relax, **spec.params}
    positions = ideal
    if spec.relax:
        relaxed, converged, steps = relax_emt(ideal, spec.metal, rng)
        if not converged:
            LOG.warning("dropped %s: EMT relaxation not converged in %d steps", base_id, steps)
            return None
        kept, reason = structure_kept(ideal, relaxed.positions)
        if not kept:
            LOG.warning("dropped %s: relaxation changed the structure (%s)", base_id, reason)
            return None
        positions = relaxed.positions
        info.update(emt_steps=steps, emt_energy_eV=float(relaxed.get_potential_energy()))
    sigma = float(rng.uniform(*NOISE_RANGE_ANGSTROM))
    atoms = Atoms([spec.metal] * len(positions), positions=rotate_shuffle_noise(positions, sigma, rng))
    atoms.info.update(id=f"{base_id}-n{sigma:.3f}", noise_angstrom=sigma, **info)
    return atoms


def build_in_domain_set(quick: bool = False) -> list[Atoms]:
    """Return the in-domain evaluation clusters (about 115; `quick`: 13 small ones for tests).

    Each `Atoms` (no cell, not periodic, positions in Å) has in `info`: id (unique; class,
    atom count, metal, shape tag, ``emt`` or ``ideal``, noise σ), class, metal, builder,
    relaxed, noise_angstrom, the shape's parameters (shells, edge_atoms, p/q/r, cells,
    radius_angstrom and centre) and, when relaxed, emt_steps and emt_energy_eV.
    """
    clusters = (_build(spec) for spec in _specs() if spec.quick or not quick)
    return [atoms for atoms in clusters if atoms is not None]
