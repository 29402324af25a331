"""Speed of `npshape classify` with the shipped model: one file, and trajectories of many frames.

Run by hand: ``python benchmarks/classify.py [--frames 10000]`` -> ``benchmarks/results/classify.md``.

- one file: wall time of ``npshape classify FILE --output OUT`` in a fresh process (start-up
  included: Python, imports, the model), median of 5, for a 147-atom cluster;
- trajectories: an extended-XYZ file of N frames (a cluster with 0.05 Å Gaussian noise per
  frame) for 55, 147, 309 and 561 atoms, classified end to end in a fresh process with one
  thread (OMP/OPENBLAS_NUM_THREADS=1); frames per second, and its peak memory (ru_maxrss of
  the child) at N/10 and N frames;
- the reference, in this process: reading every frame with ``ase.io.iread`` plus the RDF
  kernel alone (``rdf_profiles`` on the model's grid, frame by frame); the ratio of
  classify's time per frame to it.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ase.io
import numpy as np
from ase.cluster import Icosahedron

from npshape.classify.run import shipped_model
from npshape.descriptors import feature_frames, rdf
from npshape.learning import model_files
from npshape.structures import shapes

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "benchmarks/results/classify.md"
SIZES = {55: lambda: Icosahedron("Pt", 3).positions, 147: lambda: Icosahedron("Pt", 4).positions,
         309: lambda: shapes.cuboctahedron(4), 561: lambda: shapes.decahedron(8)[:561]}
ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def write_trajectory(path: Path, positions: np.ndarray, frames: int) -> None:
    """Write ``frames`` noisy copies of a cluster as extended XYZ."""
    rng = np.random.default_rng(0)
    with open(path, "w") as handle:
        for _ in range(frames):
            moved = positions + rng.normal(0.0, 0.05, positions.shape)
            handle.write(f"{len(moved)}\nProperties=species:S:1:pos:R:3\n")
            handle.writelines(f"Pt {x:.6f} {y:.6f} {z:.6f}\n" for x, y, z in moved)


def classify(path: Path, output: Path) -> tuple[float, float]:
    """Return (wall seconds, peak memory MB) of one ``npshape classify`` process on ``path``."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "npshape.cli", "classify", str(path), "--output", str(output)]
    child = subprocess.Popen(command, env=ONE_THREAD, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status:
        raise RuntimeError(f"{' '.join(command)} failed ({status})")
    return wall, usage.ru_maxrss / 1024


def reference_seconds(path: Path, settings: dict) -> float:
    """Return the seconds to read every frame with ase.io.iread and compute its RDF alone."""
    grid, _ = feature_frames.rdf_sampling(settings)
    start = time.perf_counter()
    for atoms in ase.io.iread(path):
        rdf.rdf_profiles(atoms.get_positions(), atoms.numbers, grid, sigma_angstrom=settings["sigma_angstrom"])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=10000)
    args = parser.parse_args()
    settings = model_files.read_card(shipped_model()).descriptor_settings["rdf"]
    lines = [
        "# `npshape classify` with the shipped model",
        "",
        f"`python benchmarks/classify.py --frames {args.frames}`, one thread. Peak memory is the classify "
        "process's largest resident set (ru_maxrss).",
        "",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        one = scratch / "one.xyz"
        write_trajectory(one, SIZES[147](), 1)
        walls = [classify(one, scratch / "one.csv")[0] for _ in range(5)]
        lines += [f"One 147-atom file, fresh process, start-up included: median {statistics.median(walls):.2f} s "
                  f"(min {min(walls):.2f}, max {max(walls):.2f}) over 5 runs.",
                  "",
                  "| atoms | frames | classify s | frames/s | peak MB | read + RDF s | ratio |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        rdf.rdf_profiles(SIZES[55](), np.full(55, 78), rdf.rdf_grid())  # compile/load the kernels before timing
        for n_atoms, build in SIZES.items():
            for frames in (args.frames // 10, args.frames):
                path = scratch / f"traj-{n_atoms}-{frames}.xyz"
                write_trajectory(path, build(), frames)
                wall, peak = classify(path, scratch / "out.csv")
                reference = reference_seconds(path, settings)
                cells = f"{wall:.1f} | {frames / wall:.0f} | {peak:.0f} | {reference:.1f} | {wall / reference:.2f}"
                lines.append(f"| {n_atoms} | {frames} | {cells} |")
                print(lines[-1], flush=True)
                path.unlink()
    OUTPUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
