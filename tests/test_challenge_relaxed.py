"""The 32 challenge structures as the workflow builds them (relaxed where the catalog says so)."""

import pytest
import yaml
from conftest import ROOT
from scipy.spatial.distance import pdist

from npshape.structures import build, catalog

CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())
ENTRIES = catalog.load_catalog(ROOT / "config/structures.yaml")["challenge"]
RELAX = build.RelaxSettings.from_config(CONFIG["sutton_chen"])
BOND = CONFIG["structures"]["bond_angstrom"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_built_structure_keeps_its_atoms_apart_and_converges(entry):
    atoms = build.build_structure(entry, BOND, RELAX)
    assert len(atoms) == entry["natoms"]
    assert pdist(atoms.get_positions()).min() > 0.8 * BOND
    if entry["relax"]:
        assert atoms.info["max_force_eV_per_angstrom"] < CONFIG["sutton_chen"]["fmax_eV_per_angstrom"]
        assert atoms.info["energy_eV"] / len(atoms) < -2.0  # bound, not exploded


def test_core_shell_particle_keeps_its_two_metals():
    entry = next(e for e in ENTRIES if e["number"] == 8)
    symbols = build.build_structure(entry, BOND, RELAX).get_chemical_symbols()
    assert symbols.count("Pt") == 55 and symbols.count("Ag") == 92
