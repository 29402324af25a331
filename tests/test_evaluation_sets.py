"""The independent evaluation sets (workflow/evaluation), on their quick subsets.

Expected values come from closed counting formulas, crystal geometry and ASE's reference
lattice constants, never from the evaluation code itself.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ase.cluster import Octahedron
from ase.data import atomic_numbers, reference_states
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))
from evaluation import in_domain, out_of_domain  # noqa: E402

LABELS = {"BCC-C", "BMN-S", "CB", "DC", "DD", "FCC-C", "FCC-S", "HCP-S", "IC", "OH", "RTD"}
BETA_MN_SHORTEST_ANGSTROM = 2.36  # shortest Mn-Mn distance in β-Mn at room temperature
ROCKSALT_LATTICE_ANGSTROM = {  # room-temperature values
    frozenset({"Mg", "O"}): 4.21, frozenset({"Na", "Cl"}): 5.64, frozenset({"Li", "F"}): 4.03,
}
CARBON_SP2_BOND_ANGSTROM = 1.42


def mackay(n):
    """Atoms of a Mackay icosahedron, or of a cuboctahedron, of n shells around the centre."""
    return (10 * n**3 + 15 * n**2 + 11 * n + 3) // 3


COUNT_FORMULAS = {  # class -> (info key of the size, atom count as a closed formula of it)
    "IC": ("shells", mackay),
    "CB": ("shells", mackay),
    "OH": ("edge_atoms", lambda n: (2 * n**3 + n) // 3),
    "RTD": ("edge_atoms", lambda n: n * (n + 1) * (n + 2) // 6),
    "FCC-C": ("cells", lambda n: (n + 1) ** 3 + 3 * n**2 * (n + 1)),  # corners + face centres
    "BCC-C": ("cells", lambda n: (n + 1) ** 3 + n**3),  # corners + body centres
    # pentagonal bipyramid (q = 1, r = 0): p atoms on the axis + 5 tetrahedra of C(p + 1, 3)
    "DC": ("p", lambda p: p + 5 * (p + 1) * p * (p - 1) // 6),
}


def reference(metal, key="a"):
    """ASE's reference-state value `key` of `metal` (lattice constant a in Å by default)."""
    return reference_states[atomic_numbers[metal]][key]


def in_domain_bond(atoms):
    """Nearest-neighbour distance (Å) of the cluster's lattice, from ASE's reference states."""
    cls, metal = atoms.info["class"], atoms.info["metal"]
    if cls == "BMN-S":  # β-Mn itself, or scaled to the metal's fcc bond
        return BETA_MN_SHORTEST_ANGSTROM if metal == "Mn" else reference(metal) / np.sqrt(2)
    if cls == "BCC-C":
        return reference(metal) * np.sqrt(3) / 2
    if cls == "HCP-S":
        a, c = reference(metal), reference(metal) * reference(metal, "c/a")
        return min(a, np.sqrt(a**2 / 3 + c**2 / 4))
    return reference(metal) / np.sqrt(2)


def out_of_domain_bond(atoms):
    """Nominal nearest-neighbour distance (Å) of an out-of-domain cluster (None for molecules)."""
    kind, symbols = atoms.info["kind"], set(atoms.get_chemical_symbols())
    if kind == "molecule":
        return None
    if kind in ("nanotube", "graphene"):
        return CARBON_SP2_BOND_ANGSTROM
    if kind == "rocksalt":
        return ROCKSALT_LATTICE_ANGSTROM[frozenset(symbols)] / 2
    (element,) = symbols
    if kind == "diamond":
        return reference(element) * np.sqrt(3) / 4
    return reference(element) / np.sqrt(2)


def one_piece(positions, cutoff):
    """Whether atoms linked when closer than `cutoff` (Å) form a single connected cluster."""
    return connected_components(cKDTree(positions).sparse_distance_matrix(cKDTree(positions), cutoff))[0] == 1


@pytest.fixture(scope="module")
def in_set():
    return in_domain.build_in_domain_set(quick=True)


@pytest.fixture(scope="module")
def out_set():
    return out_of_domain.build_out_of_domain_set(quick=True)


def test_ids_are_unique_across_both_sets(in_set, out_set):
    ids = [atoms.info["id"] for atoms in in_set + out_set]
    assert len(ids) == len(set(ids))


def test_quick_in_domain_set_has_every_class_but_dd(in_set):
    classes = [atoms.info["class"] for atoms in in_set]
    assert set(classes) <= LABELS
    assert set(classes) == LABELS - {"DD"}


def test_clusters_are_finite_and_carry_their_metadata(in_set, out_set):
    for atoms in in_set + out_set:
        assert not atoms.pbc.any() and not atoms.cell.any()
        assert np.isfinite(atoms.positions).all()
    for atoms in in_set:
        assert set(atoms.get_chemical_symbols()) == {atoms.info["metal"]}
        assert 0.02 <= atoms.info["noise_angstrom"] <= 0.08
        assert isinstance(atoms.info["relaxed"], bool) and atoms.info["builder"]


def test_atom_counts_follow_closed_formulas(in_set):
    checked = set()
    for atoms in in_set:
        cls = atoms.info["class"]
        if cls not in COUNT_FORMULAS or (cls == "DC" and (atoms.info["q"], atoms.info["r"]) != (1, 0)):
            continue
        key, formula = COUNT_FORMULAS[cls]
        assert len(atoms) == formula(atoms.info[key]), atoms.info["id"]
        checked.add(cls)
    assert checked == set(COUNT_FORMULAS)


def test_unrelaxed_polyhedra_span_their_ideal_diameter(in_set):
    """The largest distance is the body diagonal of cubes, vertex to vertex for the others."""
    diameters = {  # class -> diameter (Å) from the size and the lattice constant a
        "FCC-C": lambda n, a: n * a * np.sqrt(3),
        "BCC-C": lambda n, a: n * a * np.sqrt(3),
        "OH": lambda n, a: (n - 1) * a,  # opposite vertices, each (n - 1) a/2 from the centre
        "RTD": lambda n, a: (n - 1) * a / np.sqrt(2),  # an edge
        "CB": lambda n, a: 2 * n * a / np.sqrt(2),  # opposite vertices at n bonds from the centre
    }
    checked = set()
    for atoms in in_set:
        cls = atoms.info["class"]
        if cls in diameters and not atoms.info["relaxed"]:
            size = atoms.info[COUNT_FORMULAS[cls][0]]
            expected = diameters[cls](size, reference(atoms.info["metal"]))
            assert pdist(atoms.positions).max() == pytest.approx(expected, abs=0.5), atoms.info["id"]
            checked.add(cls)
    assert checked == set(diameters)


def test_spheres_hold_the_lattice_density(in_set):
    checked = set()
    for atoms in in_set:
        cls, metal, radius = atoms.info["class"], atoms.info["metal"], atoms.info.get("radius_angstrom")
        if radius is None:
            continue
        if cls == "FCC-S":
            density = 4 / reference(metal) ** 3
        elif cls == "HCP-S":
            density = 4 / (np.sqrt(3) * reference(metal) ** 3 * reference(metal, "c/a"))
        else:
            density = 20 / atoms.info["lattice_angstrom"] ** 3
        assert len(atoms) == pytest.approx(4 / 3 * np.pi * radius**3 * density, rel=0.2), atoms.info["id"]
        extent = np.linalg.norm(atoms.positions - atoms.positions.mean(axis=0), axis=1).max()
        assert radius - in_domain_bond(atoms) < extent < radius + 0.5, atoms.info["id"]
        checked.add(cls)
    assert checked == {"FCC-S", "HCP-S", "BMN-S"}


def test_noise_matches_the_recorded_sigma(in_set):
    """In an unrelaxed fcc cluster every first-shell distance is the bond; noise of σ per
    coordinate spreads them with standard deviation √2 σ."""
    checked = 0
    for atoms in in_set:
        if atoms.info["class"] in ("OH", "CB", "FCC-C", "RTD", "FCC-S") and not atoms.info["relaxed"]:
            distances = pdist(atoms.positions)
            first_shell = distances[distances < 1.2 * in_domain_bond(atoms)]
            assert first_shell.std() / np.sqrt(2) == pytest.approx(atoms.info["noise_angstrom"], rel=0.2)
            checked += 1
    assert checked >= 4


def test_in_domain_atoms_keep_physical_distances(in_set):
    for atoms in in_set:
        bond = in_domain_bond(atoms)
        shortest = pdist(atoms.positions).min()
        assert 0.7 * bond < shortest < 1.05 * bond, atoms.info["id"]
        assert one_piece(atoms.positions, 1.5 * bond), atoms.info["id"]


def test_structure_check_tells_a_relaxed_cuboctahedron_from_a_mackay_icosahedron():
    """The 13-atom cuboctahedron has vertices (±1, ±1, 0) and cyclic permutations; shrinking
    each vertex's first non-zero coordinate to 1/φ gives the icosahedron (Mackay 1962)."""
    signs = [(s1, s2) for s1 in (1, -1) for s2 in (1, -1)]
    cuboctahedron = np.array([[0, 0, 0]] + [np.roll([s1, s2, 0], k) for k in range(3) for s1, s2 in signs], float)
    golden = (1 + np.sqrt(5)) / 2
    icosahedron = np.array([[0, 0, 0]] + [np.roll([s1 / golden, s2, 0], k) for k in range(3) for s1, s2 in signs])
    rng = np.random.default_rng(0)
    rotation, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    rotation *= np.linalg.det(rotation)  # a proper rotation
    relaxed = 2.6 * cuboctahedron @ rotation.T + rng.normal(0, 0.02, (13, 3)) + 5.0
    assert in_domain.structure_kept(2.7 * cuboctahedron, relaxed)[0]
    assert not in_domain.structure_kept(2.7 * cuboctahedron, 2.7 * icosahedron)[0]


@pytest.mark.parametrize("stretch, kept", [(1.05, True), (1.25, False)])
def test_structure_check_limits_non_uniform_strain(stretch, kept):
    """Stretching a 147-atom cuboctahedron along z keeps every bond (first neighbours stay
    within 1.2 bonds) but, beyond uniform scaling, moves its outer atoms by ~1.5 (stretch - 1) bonds."""
    ideal = Octahedron("Cu", 7, 3).positions
    strained = ideal * [1.0, 1.0, stretch]
    assert in_domain.structure_kept(ideal, strained)[0] is kept


def test_out_of_domain_kinds_are_many_and_all_in_the_quick_set(out_set):
    assert len(out_of_domain.KINDS) >= 8 and len(set(out_of_domain.KINDS)) == len(out_of_domain.KINDS)
    assert {atoms.info["kind"] for atoms in out_set} == set(out_of_domain.KINDS)
    assert all(atoms.info["builder"] for atoms in out_set)


def test_out_of_domain_clusters_have_physical_distances_and_size(out_set):
    for atoms in out_set:
        bond = out_of_domain_bond(atoms)
        shortest = pdist(atoms.positions).min()
        if bond is None:  # a molecule: no atoms on top of each other
            assert shortest > 0.7
            continue
        assert 0.8 * bond < shortest < 1.05 * bond, atoms.info["id"]
        assert 30 <= len(atoms) <= 400, atoms.info["id"]
        assert one_piece(atoms.positions, 1.5 * bond), atoms.info["id"]


def test_out_of_domain_flat_kinds_are_flat_and_cages_hollow(out_set):
    """Monolayers and graphene are one atomic plane thick; a cage has no atom near its centre."""
    for atoms in out_set:
        centred = atoms.positions - atoms.positions.mean(axis=0)
        if atoms.info["kind"] in ("monolayer", "graphene"):
            thinnest = np.linalg.svd(centred, compute_uv=False)[-1] / np.sqrt(len(atoms))
            assert thinnest < 3 * atoms.info["noise_angstrom"], atoms.info["id"]
        if atoms.info["kind"] == "cage":
            radii = np.linalg.norm(centred, axis=1)
            assert radii.min() > 0.8 * radii.max(), atoms.info["id"]


def test_sources_never_import_npshape():
    for source in (ROOT / "workflow" / "evaluation").glob("*.py"):
        imported = []
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                imported.append(node.module or "")
        assert not any(name.split(".")[0] == "npshape" for name in imported), source.name


def test_sets_are_identical_in_another_process_without_npshape(in_set, out_set, tmp_path):
    """A fresh interpreter with another hash seed builds the same clusters and never loads npshape."""
    script = (
        "import sys\n"
        "import numpy as np\n"
        f"sys.path.insert(0, {str(ROOT / 'workflow')!r})\n"
        "from evaluation import in_domain, out_of_domain\n"
        "clusters = in_domain.build_in_domain_set(quick=True) + out_of_domain.build_out_of_domain_set(quick=True)\n"
        "np.savez(sys.argv[1], *[atoms.positions for atoms in clusters],\n"
        "         ids=[atoms.info['id'] for atoms in clusters],\n"
        "         npshape=[name for name in sys.modules if name.split('.')[0] == 'npshape'])\n"
    )
    saved = tmp_path / "clusters.npz"
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(saved)], env=environment, check=True)
    other = np.load(saved)
    clusters = in_set + out_set
    assert list(other["ids"]) == [atoms.info["id"] for atoms in clusters]
    for index, atoms in enumerate(clusters):
        assert np.array_equal(other[f"arr_{index}"], atoms.positions), atoms.info["id"]
    assert other["npshape"].size == 0
