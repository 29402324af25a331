"""Out-of-domain evaluation set: clusters that belong to none of npshape's eleven shape classes.

A classifier should call these `unknown`, or at least not be confident. Each kind comes in a few
sizes and elements (about 30-400 atoms; the molecules are smaller), built with ASE and numpy
only (no npshape). Like the in-domain set, every cluster is rotated randomly, its atoms are
shuffled and its coordinates get Gaussian noise, here with σ drawn uniformly in
`RELATIVE_NOISE_RANGE` times its nearest-neighbour distance (the in-domain 0.02-0.08 Å for a
2.7 Å bond), so that neither the noise nor the orientation tells the two sets apart. All random
numbers come from a generator seeded by a SHA-256 hash of the cluster's key (`stable_seed`).
Apart from the molecules, no two atoms are closer than 0.8 times the nominal bond
(`bond_angstrom` in `info`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from ase import Atoms
from ase.build import bulk, fcc111, graphene, molecule, nanotube
from ase.data import atomic_numbers, reference_states
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .in_domain import (
    CUT_MARGIN_ANGSTROM,
    NOISE_RANGE_ANGSTROM,
    carve_cube,
    carve_sphere,
    fcc_bond,
    relax_emt,
    rotate_shuffle_noise,
    shortest_distance,
    stable_seed,
)

KINDS = (
    "amorphous",  # random dense packing of one metal, EMT-relaxed: no crystalline order at all
    "sponge",  # the same packing inside one labyrinth of a gyroid, EMT-relaxed: porous, amorphous struts
    "simple-cubic",  # cube of a simple-cubic lattice, spacing one metal bond
    "diamond",  # sphere cut from a diamond-lattice crystal (C, Si, Ge), each at its own lattice constant
    "rocksalt",  # cube cut from a rock-salt crystal: two elements on alternating sites (MgO, NaCl, LiF)
    "chain",  # straight monatomic chain
    "zigzag",  # planar zig-zag chain, 120° bond angle
    "helix",  # single-strand helix, 100° turn and 0.3 bond rise per atom
    "monolayer",  # disk cut from one close-packed (hexagonal) layer
    "bilayer",  # disk cut from two AB-stacked close-packed layers
    "cage",  # hollow single shell: geodesic icosahedral sphere, or the C60 cage at a metal's bond
    "nanotube",  # single-walled carbon nanotube
    "graphene",  # disk cut from a graphene sheet
    "molecule",  # small molecule of ASE's collections, as it is
)
RELATIVE_NOISE_RANGE = (NOISE_RANGE_ANGSTROM[0] / 2.7, NOISE_RANGE_ANGSTROM[1] / 2.7)
PACKING_MIN_DISTANCE_BONDS = 0.85
# Random packing density before relaxation, atoms per bond³: 0.32 packing fraction of spheres
# of diameter 0.85 bond, reached easily by random sequential addition (which jams near 0.38);
# EMT relaxation then densifies the cluster. fcc has √2 ≈ 1.41 atoms per bond³.
PACKING_DENSITY_PER_BOND3 = 1.0
# Random packings need many more FIRE steps than near-ideal crystals to reach 0.05 eV/Å.
MAX_RELAX_STEPS = 3000
GOLDEN_RATIO = (1 + np.sqrt(5)) / 2


@dataclass(frozen=True)
class _Spec:
    """One cluster to build: kind, element label, builder name, tag, maker, bond (Å).

    Kind, element and tag name the cluster uniquely and seed its random numbers.
    """

    kind: str
    element: str
    builder: str
    tag: str
    make: Callable[[np.random.Generator], Atoms]
    bond: float | None  # nominal nearest-neighbour distance (Å); None: the molecule's shortest
    quick: bool = False


def random_packing(
    count: int, bond: float, half_size: float, inside: Callable[[np.ndarray], np.ndarray], rng: np.random.Generator
) -> np.ndarray:
    """`count` random points (Å) where `inside(points)` holds within a cube of half side `half_size`
    (Å), none closer than `PACKING_MIN_DISTANCE_BONDS` bonds (random sequential addition)."""
    minimum = PACKING_MIN_DISTANCE_BONDS * bond
    points = np.empty((0, 3))
    for _ in range(1000):
        candidates = rng.uniform(-half_size, half_size, (256, 3))
        for candidate in candidates[inside(candidates)]:
            if len(points) == 0 or np.min(np.linalg.norm(points - candidate, axis=1)) >= minimum:
                points = np.vstack([points, candidate])
                if len(points) == count:
                    return points
    raise RuntimeError(f"random packing stalled at {len(points)} of {count} points")


def _relaxed(metal: str, positions: np.ndarray, rng: np.random.Generator) -> Atoms:
    """EMT-relaxed copy of a `metal` cluster at `positions` (Å); convergence recorded in info."""
    atoms, converged, steps = relax_emt(positions, metal, rng, MAX_RELAX_STEPS)
    relaxed = Atoms(atoms.symbols, positions=atoms.positions)
    relaxed.info.update(emt_converged=converged, emt_steps=steps)
    return relaxed


def amorphous(metal: str, count: int, rng: np.random.Generator) -> Atoms:
    """Random packing of `count` `metal` atoms in a sphere, relaxed with EMT."""
    bond = fcc_bond(metal)
    radius = bond * (3 * count / (4 * np.pi * PACKING_DENSITY_PER_BOND3)) ** (1 / 3)
    points = random_packing(count, bond, radius, lambda p: np.linalg.norm(p, axis=1) < radius, rng)
    return _relaxed(metal, points, rng)


def sponge(metal: str, periods: float, rng: np.random.Generator) -> Atoms:
    """Random packing inside one gyroid labyrinth (period 6 bonds, half the volume) in a cube
    of `periods` periods per edge, relaxed with EMT. Only its largest piece of atoms linked
    closer than 1.2 bonds is kept: looser links can break in the relaxation."""
    bond = fcc_bond(metal)
    wavenumber = 2 * np.pi / (6 * bond)
    half_size = periods * 6 * bond / 2

    def gyroid(p):
        x, y, z = (wavenumber * p).T
        return np.sin(x) * np.cos(y) + np.sin(y) * np.cos(z) + np.sin(z) * np.cos(x) > 0

    count = int(PACKING_DENSITY_PER_BOND3 * (2 * half_size / bond) ** 3 / 2)
    points = random_packing(count, bond, half_size, gyroid, rng)
    graph = cKDTree(points).sparse_distance_matrix(cKDTree(points), 1.2 * bond)
    _, labels = connected_components(graph, directed=False)
    largest = labels == np.bincount(labels).argmax()
    return _relaxed(metal, points[largest], rng)


def simple_cubic(metal: str, edge_atoms: int) -> Atoms:
    """Simple-cubic cube of `edge_atoms`³ atoms, spacing the metal's fcc bond."""
    grid = np.arange(edge_atoms) * fcc_bond(metal)
    positions = np.stack(np.meshgrid(grid, grid, grid, indexing="ij"), axis=-1).reshape(-1, 3)
    return Atoms([metal] * len(positions), positions=positions)


def diamond(element: str, shells: int) -> Atoms:
    """Atom-centred sphere of radius √(shells + 0.3) bonds cut from the diamond lattice of `element`."""
    crystal = bulk(element, "diamond", cubic=True)
    bond = crystal.cell[0, 0] * np.sqrt(3) / 4
    return carve_sphere(crystal, bond * np.sqrt(shells + 0.3))


def rocksalt(formula: str, lattice: float, cells: int) -> Atoms:
    """Cube of `cells` rock-salt cells per edge ((2 cells + 1)³ atoms), lattice constant `lattice` Å."""
    return carve_cube(bulk(formula, "rocksalt", a=lattice, cubic=True), cells)


def chain(metal: str, count: int) -> Atoms:
    """Straight chain of `count` atoms, one fcc bond apart."""
    positions = np.zeros((count, 3))
    positions[:, 0] = np.arange(count) * fcc_bond(metal)
    return Atoms([metal] * count, positions=positions)


def zigzag(metal: str, count: int) -> Atoms:
    """Planar zig-zag chain of `count` atoms: bonds one fcc bond long, 120° apart."""
    bond = fcc_bond(metal)
    index = np.arange(count)
    positions = np.column_stack([index * bond * np.sin(np.pi / 3), (index % 2) * bond / 2, np.zeros(count)])
    return Atoms([metal] * count, positions=positions)


def helix(metal: str, count: int) -> Atoms:
    """Helix of `count` atoms: 100° turn and 0.3 bond rise per atom, successive atoms one bond apart."""
    bond = fcc_bond(metal)
    turn, rise = np.radians(100.0), 0.3 * bond
    radius = np.sqrt(bond**2 - rise**2) / (2 * np.sin(turn / 2))
    angle = np.arange(count) * turn
    positions = np.column_stack([radius * np.cos(angle), radius * np.sin(angle), np.arange(count) * rise])
    return Atoms([metal] * count, positions=positions)


def disk_cut(slab: Atoms, radius: float) -> Atoms:
    """Atoms of `slab` within `radius` (Å) of the axis through its bottom-layer atom nearest its
    centroid, as a finite cluster centred on that atom. Raises ValueError if an atom lies
    within `CUT_MARGIN_ANGSTROM` of the cut, where rounding would decide the atom count."""
    bottom = slab.positions[np.isclose(slab.positions[:, 2], slab.positions[:, 2].min())]
    centre = bottom[np.argmin(np.linalg.norm(bottom - slab.positions.mean(axis=0), axis=1))]
    offsets = slab.positions - centre
    distances = np.linalg.norm(offsets[:, :2], axis=1)
    if np.abs(distances - radius).min() < CUT_MARGIN_ANGSTROM:
        raise ValueError(f"disk of radius {radius} Å passes through an atom")
    return Atoms(numbers=slab.numbers[distances < radius], positions=offsets[distances < radius])


def close_packed_disk(metal: str, layers: int, shells: int) -> Atoms:
    """Disk of radius √(shells + 0.3) bonds (between neighbour shells) cut from `layers`
    AB-stacked close-packed layers (`ase.build.fcc111`)."""
    bond = fcc_bond(metal)
    radius = bond * np.sqrt(shells + 0.3)
    side = int(np.ceil(2 * radius / bond)) + 4
    return disk_cut(fcc111(metal, (side, side, layers), a=bond * np.sqrt(2)), radius)


def geodesic_cage(metal: str, frequency: int) -> Atoms:
    """Hollow geodesic sphere: each icosahedron face cut into `frequency`² triangles, the
    10 f² + 2 grid points pushed out onto the sphere, scaled so the shortest distance is one bond."""
    vertices = np.array([
        np.roll(v, shift) for shift in range(3) for v in
        ([0, s1, s2 * GOLDEN_RATIO] for s1 in (1, -1) for s2 in (1, -1))
    ], dtype=float)
    distances = np.linalg.norm(vertices[:, None] - vertices[None], axis=-1)
    edge = np.isclose(distances, 2.0)
    faces = [(i, j, k) for i in range(12) for j in range(i + 1, 12) for k in range(j + 1, 12)
             if edge[i, j] and edge[j, k] and edge[i, k]]
    weights = [(a, b, frequency - a - b) for a in range(frequency + 1) for b in range(frequency + 1 - a)]
    points = np.array([np.array(w) @ vertices[list(face)] / frequency for face in faces for w in weights])
    points = np.unique(np.round(points, 9), axis=0)
    points /= np.linalg.norm(points, axis=1)[:, None]
    return Atoms([metal] * len(points), positions=points * fcc_bond(metal) / shortest_distance(points))


def fullerene_cage(metal: str) -> Atoms:
    """The C60 cage (`ase.build.molecule`) with `metal` atoms, scaled so its shortest distance is one bond."""
    positions = molecule("C60").positions
    return Atoms([metal] * 60, positions=positions * fcc_bond(metal) / shortest_distance(positions))


def carbon_nanotube(n: int, m: int, length: int) -> Atoms:
    """Single-walled (n, m) carbon nanotube of `length` unit cells, C-C 1.42 Å, as a finite cluster."""
    tube = nanotube(n, m, length=length)
    return Atoms(tube.symbols, positions=tube.positions)


def graphene_disk(shells: int) -> Atoms:
    """Graphene disk of radius √(shells + 0.3) C-C bonds (1.42 Å; between neighbour shells)."""
    radius = 1.42 * np.sqrt(shells + 0.3)
    side = int(np.ceil(2 * radius / 2.46)) + 4
    return disk_cut(graphene("C2", a=2.46, size=(side, side, 1)), radius)


def _fixed(function, *args) -> Callable[[np.random.Generator], Atoms]:
    """Maker of a deterministic cluster, `function(*args)`: it ignores the random generator."""
    return lambda rng: function(*args)


def _specs() -> list[_Spec]:
    """Every cluster of the full set, kind by kind; `quick` marks one small cluster per kind."""
    specs = []
    for metal, count, quick in (("Cu", 40, True), ("Au", 150, False), ("Pt", 300, False)):
        specs.append(_Spec("amorphous", metal, "random packing + ase EMT/FIRE", "",
                           partial(amorphous, metal, count), fcc_bond(metal), quick))
    for metal, periods, quick in (("Ag", 1.0, True), ("Pd", 1.25, False)):
        specs.append(_Spec("sponge", metal, "random packing in gyroid + ase EMT/FIRE", f"{periods}periods",
                           partial(sponge, metal, periods), fcc_bond(metal), quick))
    for metal, edge_atoms, quick in (("Cu", 4, True), ("Au", 5, False), ("Pt", 7, False)):
        specs.append(_Spec("simple-cubic", metal, "numpy grid", f"{edge_atoms}edge",
                           _fixed(simple_cubic, metal, edge_atoms), fcc_bond(metal), quick))
    for element, shells, quick in (("Si", 8, True), ("Ge", 14, False), ("C", 25, False), ("Si", 20, False)):
        bond = reference_states[atomic_numbers[element]]["a"] * np.sqrt(3) / 4
        specs.append(_Spec("diamond", element, "ase.build.bulk, sphere cut", f"{shells}shells",
                           _fixed(diamond, element, shells), bond, quick))
    # Lattice constants at room temperature (Å).
    for formula, lattice, cells, quick in (
        ("MgO", 4.212, 2, True), ("NaCl", 5.640, 3, False), ("LiF", 4.027, 2, False),
    ):
        specs.append(_Spec("rocksalt", formula, "ase.build.bulk, cube cut", f"{cells}cells",
                           _fixed(rocksalt, formula, lattice, cells), lattice / 2, quick))
    for metal, count, quick in (("Au", 30, True), ("Pt", 60, False)):
        specs.append(_Spec("chain", metal, "numpy", "", _fixed(chain, metal, count), fcc_bond(metal), quick))
    for metal, count, quick in (("Ag", 40, True), ("Cu", 80, False)):
        specs.append(_Spec("zigzag", metal, "numpy", "", _fixed(zigzag, metal, count), fcc_bond(metal), quick))
    for metal, count, quick in (("Pd", 50, True), ("Au", 100, False)):
        specs.append(_Spec("helix", metal, "numpy", "", _fixed(helix, metal, count), fcc_bond(metal), quick))
    for metal, shells, quick in (("Pt", 12, True), ("Ag", 50, False), ("Au", 90, False)):
        specs.append(_Spec("monolayer", metal, "ase.build.fcc111, disk cut", f"{shells}shells",
                           _fixed(close_packed_disk, metal, 1, shells), fcc_bond(metal), quick))
    for metal, shells, quick in (("Cu", 10, True), ("Ni", 40, False)):
        specs.append(_Spec("bilayer", metal, "ase.build.fcc111, disk cut", f"{shells}shells",
                           _fixed(close_packed_disk, metal, 2, shells), fcc_bond(metal), quick))
    for metal, frequency, quick in (("Au", 3, True), ("Pt", 4, False), ("Ag", 6, False)):
        specs.append(_Spec("cage", metal, "geodesic icosahedral sphere (numpy)", f"geodesic{frequency}",
                           _fixed(geodesic_cage, metal, frequency), fcc_bond(metal), quick))
    specs.append(_Spec("cage", "Cu", "ase.build.molecule('C60'), rescaled", "C60",
                       _fixed(fullerene_cage, "Cu"), fcc_bond("Cu")))
    for n, m, length, quick in ((6, 6, 6, True), (10, 0, 4, False), (8, 8, 10, False)):
        specs.append(_Spec("nanotube", "C", "ase.build.nanotube", f"{n}-{m}x{length}",
                           _fixed(carbon_nanotube, n, m, length), 1.42, quick))
    for shells, quick in ((20, True), (60, False), (120, False)):
        specs.append(_Spec("graphene", "C", "ase.build.graphene, disk cut", f"{shells}shells",
                           _fixed(graphene_disk, shells), 1.42, quick))
    for name, quick in (("C60", True), ("C6H6", False), ("trans-butane", False)):
        specs.append(_Spec("molecule", name, "ase.build.molecule", "", _fixed(molecule, name), None, quick))
    return specs


def _build(spec: _Spec) -> Atoms:
    """Build one cluster, then rotate, shuffle and noise it."""
    key = "-".join(part for part in (spec.kind, spec.element, spec.tag) if part)
    rng = np.random.default_rng(stable_seed(key))
    cluster = spec.make(rng)
    bond = spec.bond if spec.bond is not None else shortest_distance(cluster.positions)
    sigma = float(bond * rng.uniform(*RELATIVE_NOISE_RANGE))
    atoms = Atoms(cluster.numbers, positions=rotate_shuffle_noise(cluster.positions, sigma, rng))
    atoms.info.update(cluster.info)
    atoms.info.update(
        id=f"{spec.kind}-{len(atoms)}-{spec.element}{'-' + spec.tag if spec.tag else ''}-n{sigma:.3f}",
        kind=spec.kind, builder=spec.builder, bond_angstrom=bond, noise_angstrom=sigma,
    )
    return atoms


def build_out_of_domain_set(quick: bool = False) -> list[Atoms]:
    """Return the out-of-domain evaluation clusters (about 40; `quick`: one small one per kind).

    Each `Atoms` (no cell, not periodic, positions in Å) has in `info`: id (unique: kind, atom
    count, element, tag, noise σ), kind (one of `KINDS`), builder, bond_angstrom (nominal
    nearest-neighbour distance) and noise_angstrom; EMT-relaxed kinds add emt_converged and
    emt_steps.
    """
    return [_build(spec) for spec in _specs() if spec.quick or not quick]
