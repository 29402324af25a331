"""Benchmark the descriptors on one core: RDF fast path, its direct-sum reference, pdist, Coulomb matrix.

Run by hand from the repository root: ``python benchmarks/descriptors.py``. It writes
``benchmarks/results/descriptors.md``. Every structure is featurised as the study does it:
batches of replicas, each atom displaced by up to 0.1 Å. Times are the best of a few runs
(the least disturbed by other processes), per replica, in one process and on one thread;
the report records the load average, since other processes on the machine make wall times
noisy (the ratios to the floor, measured in the same process, are steadier).
The pair distances alone (``scipy.spatial.distance.pdist``, one call per replica) are the
floor any pair-based descriptor pays.
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
import scipy  # noqa: E402
from machine import cpu_model, seconds_per_call  # noqa: E402
from scipy.spatial.distance import pdist  # noqa: E402

from npshape.descriptors import coulomb, rdf  # noqa: E402
from npshape.structures import shapes  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "descriptors.md"
DISPLACEMENT_ANGSTROM = 0.1  # augmentation amplitude of the study
PT = 78
SEED = 20210098
REPEATS = 5
# (label, builder) of the clusters timed; 189 atoms is the largest training structure
CLUSTERS = (
    ("Mackay icosahedron", lambda: shapes.icosahedron(2)),
    ("Mackay icosahedron", lambda: shapes.icosahedron(3)),
    ("bcc cube", lambda: shapes.bcc_cube(4)),
    ("Mackay icosahedron", lambda: shapes.icosahedron(5)),
)
FAST_REPLICAS = {55: 256, 147: 256, 189: 256, 561: 32}  # replicas per call of the fast path
DIRECT_REPLICAS = {55: 2, 147: 2, 189: 2, 561: 1}
CM_REPLICAS = 16


def replicas(positions, count, rng):
    """Return ``count`` copies of ``positions`` (n_atoms, 3), Å, each atom displaced by up to 0.1 Å."""
    return positions + rng.uniform(-DISPLACEMENT_ANGSTROM, DISPLACEMENT_ANGSTROM, (count, *positions.shape))


def measure(positions, grid, rng):
    """Return the timings (s per replica) and accuracy of the descriptors for one cluster."""
    n_atoms = len(positions)
    numbers = np.full(n_atoms, PT)
    batch = replicas(positions, FAST_REPLICAS[n_atoms], rng)
    rdf.rdf_profiles(batch[:4], numbers, grid)  # warm up allocator and FFT caches
    row = {"atoms": n_atoms, "pairs": n_atoms * (n_atoms - 1) // 2}
    row["fast"] = seconds_per_call(lambda: rdf.rdf_profiles(batch, numbers, grid), REPEATS) / len(batch)
    distances = np.empty(row["pairs"])
    row["pdist"] = seconds_per_call(lambda: [pdist(x, out=distances) for x in batch], REPEATS) / len(batch)

    few = batch[: DIRECT_REPLICAS[n_atoms]]
    start = time.perf_counter()
    g_direct, dg_direct = rdf.rdf_profiles_direct(few, numbers, grid)
    row["direct"] = (time.perf_counter() - start) / len(few)
    g, dg = rdf.rdf_profiles(few, numbers, grid)
    row["g_error"] = np.abs(g - g_direct).max()
    row["dg_error"] = np.abs(dg - dg_direct).max()
    row["dg_scale"] = np.abs(dg_direct).max()

    if n_atoms <= coulomb.DEFAULT_SIZE:
        cm_batch = batch[:CM_REPLICAS]
        featurise = partial(coulomb.coulomb_features, cm_batch, size=coulomb.DEFAULT_SIZE)
        row["cm"] = seconds_per_call(featurise, REPEATS) / len(cm_batch)
    return row


def markdown(rows, grid, load):
    """Return the report: machine, settings, then one table row per cluster.

    ``load`` is the 1-minute load average (start, end) of the run.
    """
    fine, coarse = int(np.sum(grid <= rdf.grid.FINE_MAX + 1e-9)), int(np.sum(grid > rdf.grid.FINE_MAX + 1e-9))
    lines = [
        "# Descriptor benchmark",
        "",
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores on the machine; one thread used",
        f"- load average (1 min) at start / end of the run: {load[0]:.1f} / {load[1]:.1f} (the run adds about 1)"
        + ("; the machine was shared with other processes, so times are noisy" if max(load) > 1.5 else ""),
        f"- Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"numba {importlib.metadata.version('numba')}",
        f"- RDF grid: {grid.size} points ({fine} at step {rdf.grid.FINE_STEP} up to r̃ = {rdf.grid.FINE_MAX}, "
        f"{coarse} at step {rdf.grid.COARSE_STEP} up to r̃ = {grid[-1]:g}), σ = {rdf.grid.SIGMA_ANGSTROM} Å; "
        "each call returns g and g'",
        f"- replicas: Pt clusters, every atom displaced by up to {DISPLACEMENT_ANGSTROM} Å; "
        f"fast path called on {', '.join(f'{v} ({k} atoms)' for k, v in FAST_REPLICAS.items())} replicas at once; "
        f"best of {REPEATS} runs",
        "- floor: `scipy.spatial.distance.pdist` on each replica (into one reused array), the pair distances alone",
        f"- accuracy: fast path against the direct sum, on {', '.join(map(str, DIRECT_REPLICAS.values()))} replicas",
        f"- Coulomb matrix: `coulomb_features(positions, size={coulomb.DEFAULT_SIZE})` "
        f"(surface detection included) on {CM_REPLICAS} replicas",
        "",
        "| cluster | atoms | pairs | RDF fast path, replicas/s | µs/replica | pdist floor, µs | fast / floor | "
        "direct sum, s/replica | speed-up over direct | max abs Δg | max abs Δg′ (max abs g′) | "
        "Coulomb matrix, replicas/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (label, _), row in zip(CLUSTERS, rows):
        cm = f"{1 / row['cm']:,.0f}" if "cm" in row else f"n/a (> {coulomb.DEFAULT_SIZE} atoms)"
        lines.append(
            f"| {label} | {row['atoms']} | {row['pairs']:,} | {1 / row['fast']:,.0f} | {row['fast'] * 1e6:,.0f} | "
            f"{row['pdist'] * 1e6:,.0f} | {row['fast'] / row['pdist']:.1f} | {row['direct']:.2f} | "
            f"{row['direct'] / row['fast']:,.0f} | {row['g_error']:.1e} | "
            f"{row['dg_error']:.1e} ({row['dg_scale']:.1f}) | {cm} |"
        )
    return "\n".join(lines) + "\n"


def main():
    grid = rdf.rdf_grid()
    rng = np.random.default_rng(SEED)
    load = [os.getloadavg()[0]]
    rows = []
    for label, build in CLUSTERS:
        rows.append(measure(build(), grid, rng))
        print(f"{label}, {rows[-1]['atoms']} atoms: {1 / rows[-1]['fast']:,.0f} replicas/s", flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    load.append(os.getloadavg()[0])
    RESULTS.write_text(markdown(rows, grid, load))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
