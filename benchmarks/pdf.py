"""Benchmark the simulated PDF G(r) on one core: time per PDF, and agreement with a plain Debye sum.

Run by hand from the repository root: ``python benchmarks/pdf.py``. It writes
``benchmarks/results/pdf.md``. Each cluster (Pt Mackay icosahedra of 55 to 561 atoms) is
simulated as a training set would be: 50 replicas, every atom displaced by up to 0.1 Å, one
call of ``simulate_gr`` on r = 0-30 Å (step 0.01 Å), X-rays, Qmax 25 Å⁻¹. Times are the best
of a few runs (the least disturbed by other processes), per PDF, in one process and on one
thread; the pair distances alone (``scipy.spatial.distance.pdist``) are the floor any
pair-based method pays. The reference is the Debye equation summed over every pair on a Q grid
of step 0.002 Å⁻¹ and transformed by Simpson's rule, written here; it runs on one replica.
"""

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"  # one core: set before numpy loads its BLAS

import datetime  # noqa: E402
import importlib.metadata  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from ase.cluster import Icosahedron  # noqa: E402
from ase.data import chemical_symbols  # noqa: E402
from machine import cpu_model, seconds_per_call  # noqa: E402
from scipy.integrate import simpson  # noqa: E402
from scipy.spatial.distance import pdist  # noqa: E402

from npshape.descriptors.pdf import PDFSettings, simulate_gr, xray_form_factors  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "pdf.md"
PT, AG = 78, 47
BOND_ANGSTROM = 2.77
DISPLACEMENT_ANGSTROM = 0.1  # augmentation amplitude of the study
REPLICAS = 50
REPEATS = 3
SEED = 20210098
SHELLS = (3, 4, 5, 6)  # 55, 147, 309, 561 atoms
R_GRID = np.arange(0, 30.0001, 0.01)
SETTINGS = PDFSettings(radiation="xray", qmin=0.5, qmax=25.0, qdamp=0.03, uiso=0.005)
# an alloy with r-dependent widths: one histogram per pair of elements and several width channels
ALLOY_SETTINGS = PDFSettings(radiation="xray", qmin=0.5, qmax=25.0, qdamp=0.03, uiso=0.005, delta2=2.0, qbroad=0.03)
REFERENCE_SHELLS = (3, 4)
REFERENCE_Q_STEP = 0.002


def icosahedron(shells):
    """Mackay icosahedron of Pt (ASE) whose surface bonds are BOND_ANGSTROM."""
    return Icosahedron("Pt", shells, latticeconstant=BOND_ANGSTROM * np.sqrt(2)).positions


def pair_distances(batch):
    """Return the pair distances (Å) of each structure of ``batch`` (k, n_atoms, 3): the floor."""
    return [pdist(x) for x in batch]


def plain_debye_gr(positions, numbers, r, settings):
    """G(r) from the Debye equation over every pair (Q-dependent f), Simpson's rule on a fine Q grid."""
    q = np.arange(settings.qmin, settings.qmax + REFERENCE_Q_STEP / 2, REFERENCE_Q_STEP)
    elements = sorted(set(numbers.tolist()))
    f = xray_form_factors([chemical_symbols[z] for z in elements], q)[[elements.index(z) for z in numbers]]
    i, j = np.triu_indices(len(positions), 1)
    d = pdist(positions)
    decay = np.exp(-settings.uiso * q**2)  # exp(-Q² σ²/2), σ² = 2 Uiso
    f_of_q = np.zeros(q.size)
    for block in range(0, d.size, 512):
        b = slice(block, block + 512)
        f_of_q += (2 * f[i[b]] * f[j[b]] * decay * np.sin(np.outer(d[b], q)) / d[b][:, None]).sum(axis=0)
    f_of_q /= len(positions) * f.mean(axis=0) ** 2
    centred = positions - positions.mean(axis=0)
    diameter = 2 * np.sqrt(5 / 3 * (centred**2).sum(axis=1).mean())
    x = q * diameter / 2
    f_of_q -= q * len(positions) * (3 * (np.sin(x) - x * np.cos(x)) / x**3) ** 2
    g = np.concatenate([simpson(f_of_q * np.sin(np.outer(part, q)), x=q, axis=1) for part in np.array_split(r, 20)])
    return (2 / np.pi) * g * np.exp(-0.5 * (settings.qdamp * r) ** 2)


def main():
    rng = np.random.default_rng(SEED)
    load_start = os.getloadavg()[0]
    rows = []
    for shells in SHELLS:
        positions = icosahedron(shells)
        n_atoms = len(positions)
        numbers = np.full(n_atoms, PT)
        batch = positions + rng.uniform(-DISPLACEMENT_ANGSTROM, DISPLACEMENT_ANGSTROM, (REPLICAS, *positions.shape))
        simulate_gr(batch[:2], numbers, R_GRID, SETTINGS)  # warm up allocator and FFT plans
        per_pdf = seconds_per_call(partial(simulate_gr, batch, numbers, R_GRID, SETTINGS), REPEATS) / REPLICAS
        floor = seconds_per_call(partial(pair_distances, batch), REPEATS) / REPLICAS
        alloy = numbers.copy()
        alloy[: n_atoms // 3] = AG
        per_alloy_pdf = seconds_per_call(partial(simulate_gr, batch, alloy, R_GRID, ALLOY_SETTINGS), REPEATS) / REPLICAS
        row = {"atoms": n_atoms, "pairs": n_atoms * (n_atoms - 1) // 2, "ms": 1e3 * per_pdf, "floor_us": 1e6 * floor}
        row["alloy_ms"] = 1e3 * per_alloy_pdf
        if shells in REFERENCE_SHELLS:
            start = time.perf_counter()
            expected = plain_debye_gr(batch[0], numbers, R_GRID, SETTINGS)
            row["reference_s"] = time.perf_counter() - start
            got = simulate_gr(batch[0], numbers, R_GRID, SETTINGS)
            row["error"] = np.abs(got - expected).max() / np.abs(expected).max()
            row["error_r10"] = np.abs(got - expected)[R_GRID <= 10].max() / np.abs(expected).max()
        rows.append(row)
        print(row, flush=True)
    load_end = os.getloadavg()[0]
    write_report(rows, load_start, load_end)


def write_report(rows, load_start, load_end):
    """Write the results table and the conditions of the run to RESULTS."""
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in ("numpy", "scipy", "ase"))
    s = SETTINGS
    lines = [
        "# Simulated PDF benchmark",
        "",
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores on the machine; one thread used",
        f"- load average (1 min) at start / end of the run: {load_start:.1f} / {load_end:.1f} (the run adds about 1)",
        f"- Python {platform.python_version()}, {versions}",
        f"- clusters: Pt Mackay icosahedra (bond {BOND_ANGSTROM} Å), {REPLICAS} replicas each, every atom displaced "
        f"by up to {DISPLACEMENT_ANGSTROM} Å, simulated in one call of `simulate_gr`; best of {REPEATS} runs",
        f"- G(r) on r = 0-30 Å, step 0.01 Å ({R_GRID.size} points); {s.radiation}, Qmin {s.qmin}, Qmax {s.qmax} Å⁻¹, "
        f"Qdamp {s.qdamp} Å⁻¹, Uiso {s.uiso} Å²",
        "- floor: `scipy.spatial.distance.pdist` on each replica, the pair distances alone",
        f"- alloy: the same clusters with a third of the atoms Ag, X-rays (one histogram per pair of elements, "
        f"Q-dependent f), δ2 = {ALLOY_SETTINGS.delta2} Å², Qbroad = {ALLOY_SETTINGS.qbroad} Å⁻¹ (several width channels)",
        f"- reference: the Debye equation summed over every pair on a Q grid of step {REFERENCE_Q_STEP} Å⁻¹ "
        "(Q-dependent f, no histogram), Simpson's rule for the sine transform; one replica",
        "",
        "| atoms | pairs | ms per PDF | pdist floor, µs | PDF / floor | alloy, δ2, Qbroad: ms per PDF "
        "| plain Debye sum, s | speed-up | max abs ΔG / max abs G (r ≤ 10 Å) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        if "error" in row:
            reference = f"{row['reference_s']:.2f} | {row['reference_s'] / (row['ms'] / 1e3):,.0f} "
            reference += f"| {row['error']:.1e} ({row['error_r10']:.1e})"
        else:
            reference = "n/a | n/a | n/a"
        lines.append(
            f"| {row['atoms']} | {row['pairs']:,} | {row['ms']:.2f} | {row['floor_us']:.0f} | "
            f"{row['ms'] * 1e3 / row['floor_us']:.1f} | {row['alloy_ms']:.2f} | {reference} |"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
