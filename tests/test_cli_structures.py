"""`npshape build` and `npshape energy`: the command line gives what the workflow gives."""

import csv
import io as stdio
import subprocess
import sys

import ase.io
import numpy as np
import pytest
from ase import Atoms
from ase.cluster import Icosahedron
from conftest import ROOT

from npshape import cli

CONFIG = str(ROOT / "config/config.yaml")
CATALOG = str(ROOT / "config/structures.yaml")


def run(*args):
    """Run the npshape command in a fresh interpreter; return the finished process."""
    return subprocess.run([sys.executable, "-m", "npshape.cli", *args], capture_output=True, text=True)


def test_build_writes_an_extxyz_that_ase_reads_with_its_provenance(tmp_path):
    out = tmp_path / "IC-55.xyz"
    assert cli.main(["build", "IC-55", "--config", CONFIG, "--catalog", CATALOG, "--output", str(out)]) == 0
    atoms = ase.io.read(out)
    assert len(atoms) == 55
    assert atoms.info["class"] == "IC" and atoms.info["builder"] == "icosahedron" and atoms.info["metal"] == "Pt"
    assert atoms.info["param_shells"] == 2 and "energy_eV" not in atoms.info
    # closed-shell Mackay icosahedron: shortest distance is the radial spacing, 2.7 Å
    assert np.isclose(atoms.get_all_distances()[np.triu_indices(55, 1)].min(), 2.7)


def test_build_of_a_relaxed_entry_records_its_energy(tmp_path):
    out = tmp_path / "DD-33.xyz"
    assert cli.main(["build", "DD-33", "--config", CONFIG, "--catalog", CATALOG, "--output", str(out)]) == 0
    atoms = ase.io.read(out)
    assert atoms.info["energy_eV"] < 0 and atoms.info["max_force_eV_per_angstrom"] < 1e-3


def test_build_of_an_unknown_id_exits_2_with_one_line(capsys):
    assert cli.main(["build", "NOPE-1", "--config", CONFIG, "--catalog", CATALOG]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "NOPE-1" in err[0]


def test_energy_csv_matches_an_independent_dimer_formula(tmp_path):
    # Sutton-Chen dimer, closed form: E = eps (a/r)^n - 2 c eps (a/r)^(m/2)  (Pt 1990 set)
    eps, a, c, n, m, r = 1.9833e-2, 3.92, 34.408, 10, 8, 2.6
    expected = eps * (a / r) ** n - 2 * c * eps * (a / r) ** (m / 2)
    dimer = tmp_path / "dimer.xyz"
    ase.io.write(dimer, Atoms("Pt2", positions=[[0, 0, 0], [0, 0, r]]))
    process = run("energy", str(dimer), "--config", CONFIG)
    assert process.returncode == 0, process.stderr
    rows = list(csv.DictReader(stdio.StringIO(process.stdout)))
    assert rows[0]["structure"] == str(dimer) and rows[0]["natoms"] == "2"
    assert float(rows[0]["energy_eV"]) == pytest.approx(expected, rel=1e-6)


def test_energy_with_metal_override_and_bad_files(tmp_path):
    cluster = tmp_path / "au13.xyz"
    ase.io.write(cluster, Icosahedron("Au", 2, latticeconstant=2.7 * 2**0.5))
    missing = tmp_path / "missing.xyz"
    process = run("energy", str(cluster), str(missing), "--metal", "Ag", "--config", CONFIG)
    assert process.returncode == 2
    errors = [line for line in process.stderr.splitlines() if line]
    assert len(errors) == 1 and errors[0].startswith(f"npshape energy: {missing}: no such file")
    rows = list(csv.DictReader(stdio.StringIO(process.stdout)))
    assert [r["structure"] for r in rows] == [str(cluster)]
    no_metal = run("energy", str(cluster), "--config", CONFIG)
    assert no_metal.returncode == 2 and "Au" in no_metal.stderr and "Traceback" not in no_metal.stderr
