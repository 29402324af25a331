"""Benchmark reading a trajectory: plain ``ase.io.iread`` against ``iter_frames`` (reading and checks).

Run by hand from the repository root: ``python benchmarks/read_frames.py``; it prints its
figures. It writes extended XYZ trajectories of 1,000 and 10,000 frames of a 147-atom
icosahedron (every coordinate displaced by Gaussian noise of 0.1 Å), in a temporary
directory, and reads each with (a) ``ase.io.iread`` alone and (b)
:func:`npshape.classify.inputs.iter_frames`, which also checks every frame. Times are the
best of a few runs, in ms per frame, in one process on one thread; peak memory is
tracemalloc's peak (numpy arrays included) during one full read, in separate runs since
tracing slows the reading. A third trajectory puts the cluster in a 30 Å vacuum box (a
``Lattice`` on every frame), the periodic path. Last, ``check_cluster`` alone with all pair
distances and with a k-d tree, by cluster size: where ``DENSE_MAX_ATOMS`` belongs.
"""

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"  # one core: set before numpy loads its BLAS

import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import ase.io  # noqa: E402
import numpy as np  # noqa: E402
from ase.cluster import Icosahedron  # noqa: E402

from npshape.classify import inputs  # noqa: E402

NOISE_ANGSTROM = 0.1
SEED = 147
BOX_ANGSTROM = 30.0
REPEATS = {1_000: 3, 10_000: 2}  # timed reads per trajectory (the best counts)
CHECK_SHELLS = (3, 4, 5, 6, 7)  # icosahedra of 55, 147, 309, 561 and 923 atoms
CHECK_REPEATS = 200


def write_trajectory(path: Path, count: int, box: bool = False) -> None:
    """Write ``count`` displaced copies of a 147-atom Pt icosahedron as extended XYZ, one frame at a time."""
    rng = np.random.default_rng(SEED)
    cluster = Icosahedron("Pt", 4)
    if box:
        cluster.cell = [BOX_ANGSTROM] * 3
        cluster.pbc = True
        cluster.center()
    with open(path, "w") as handle:
        for _ in range(count):
            frame = cluster.copy()
            frame.positions += rng.normal(0, NOISE_ANGSTROM, frame.positions.shape)
            ase.io.write(handle, frame, format="extxyz")


def read_plain(path: Path) -> int:
    """Read every frame with ``ase.io.iread``; return the number of frames."""
    return sum(1 for _ in ase.io.iread(path))


def read_checked(path: Path) -> int:
    """Read and check every frame with ``iter_frames``; return the number of frames."""
    count = 0
    for frame in inputs.iter_frames(path):
        assert frame.error is None, frame.error
        count += 1
    return count


def seconds(function, *args) -> float:
    """Return the wall time of one call of ``function(*args)``."""
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def peak_mib(function, path: Path) -> float:
    """Return the peak traced memory (MiB) of one call of ``function(path)``."""
    tracemalloc.start()
    function(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def compare(path: Path, count: int, repeats: int) -> str:
    """Return a table row: ms per frame of (a) and (b), their ratio, and the peak memory of each."""
    plain, checked = np.inf, np.inf
    for _ in range(repeats):  # interleaved, so that a busy spell of the machine hits both
        plain = min(plain, seconds(read_plain, path))
        checked = min(checked, seconds(read_checked, path))
    plain_ms, checked_ms = 1e3 * plain / count, 1e3 * checked / count
    return (f"| {count:,} | {plain_ms:.3f} | {checked_ms:.3f} | {checked_ms / plain_ms:.2f} | "
            f"{peak_mib(read_plain, path):.2f} | {peak_mib(read_checked, path):.2f} |")


def check_ms(atoms, dense_max_atoms: int) -> float:
    """Return the best ms of ``check_cluster(atoms)`` with ``DENSE_MAX_ATOMS`` set to ``dense_max_atoms``."""
    saved, inputs.DENSE_MAX_ATOMS = inputs.DENSE_MAX_ATOMS, dense_max_atoms
    try:
        return 1e3 * min(seconds(inputs.check_cluster, atoms) for _ in range(CHECK_REPEATS))
    finally:
        inputs.DENSE_MAX_ATOMS = saved


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n")
    print("| frames | (a) ase.io.iread, ms/frame | (b) iter_frames, ms/frame | (b)/(a) | (a) peak MiB | (b) peak MiB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as directory:
        for count, repeats in REPEATS.items():
            path = Path(directory) / f"trajectory-{count}.xyz"
            write_trajectory(path, count)
            print(compare(path, count, repeats), flush=True)
            path.unlink()
        path = Path(directory) / "trajectory-box.xyz"
        write_trajectory(path, 1_000, box=True)
        print(compare(path, 1_000, REPEATS[1_000]).replace("| 1,000 |", "| 1,000 in a box |"), flush=True)
    print("\n| atoms | check_cluster, all pairs, ms | with a k-d tree, ms |")
    print("| ---: | ---: | ---: |")
    rng = np.random.default_rng(SEED)
    for shells in CHECK_SHELLS:
        atoms = Icosahedron("Pt", shells)
        atoms.positions += rng.normal(0, NOISE_ANGSTROM, atoms.positions.shape)
        print(f"| {len(atoms)} | {check_ms(atoms, len(atoms)):.3f} | {check_ms(atoms, 0):.3f} |", flush=True)


if __name__ == "__main__":
    main()
