"""The shipped model on molecular-dynamics frames: clusters it never saw, moving at 300 and 600 K.

Run by hand from the repository root: ``python benchmarks/md_frames.py`` (about 10 minutes on
2 cores) -> ``benchmarks/results/md-frames.md``.

The clusters are those of npshape's independent evaluation set (``workflow/evaluation/
in_domain.py``, ASE only), one per class and metal, for the classes a metal EMT knows (Cu, Ag,
Au, Ni, Pd, Pt) takes itself (CB, DC, FCC-C, FCC-S, IC, OH, RTD; a bcc, hcp or β-Mn packing of
an fcc metal would transform), up to 400 atoms. Each runs Langevin dynamics with ASE's EMT
(4 fs steps, friction 0.02, 1.2 ps to equilibrate, then 5 frames 0.24 ps apart) at each
temperature. A frame counts only if it still is its class: quenched (FIRE, every force below
0.05 eV/Å), it must be the quenched starting cluster (``in_domain.structure_kept``: same bond
graph, no atom off by more than 0.25 bond), since MD can turn a cuboctahedron into an icosahedron
or round a cube, and the label would then be wrong. The frames go through ``npshape classify``
as a user's trajectory would. Nothing here is ever trained on.
"""

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from multiprocessing import Pool
from pathlib import Path

import ase.io
import numpy as np
import pandas as pd
from ase import units
from ase.calculators.emt import EMT
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
from ase.optimize import FIRE

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))
from evaluation import in_domain  # noqa: E402

from npshape.classes import CLASS_LABELS  # noqa: E402

OUTPUT = ROOT / "benchmarks/results/md-frames.md"
EMT_METALS = {"Cu", "Ag", "Au", "Ni", "Pd", "Pt"}
FCC_METAL_CLASSES = ("CB", "DC", "FCC-C", "FCC-S", "IC", "OH", "RTD")
MAX_ATOMS = 400
TEMPERATURES_K = (300, 600)
STEP_FS, FRICTION, EQUILIBRATION_STEPS, FRAMES, STEPS_BETWEEN_FRAMES = 4.0, 0.02, 300, 5, 60
QUENCH_FMAX, QUENCH_STEPS = 0.05, 1000


def chosen_clusters() -> list:
    """Return the first evaluation cluster of each (class, metal) that EMT can move as itself."""
    chosen = {}
    for atoms in in_domain.build_in_domain_set():
        metals = set(atoms.get_chemical_symbols())
        if atoms.info["class"] in FCC_METAL_CLASSES and metals <= EMT_METALS and len(atoms) <= MAX_ATOMS:
            chosen.setdefault((atoms.info["class"], atoms.info["metal"]), atoms)
    return list(chosen.values())


def quenched(atoms) -> np.ndarray:
    """Return the positions of the nearest EMT minimum (the frame's inherent structure)."""
    moving = atoms.copy()
    moving.calc = EMT()
    FIRE(moving, logfile=None).run(fmax=QUENCH_FMAX, steps=QUENCH_STEPS)
    return moving.get_positions()


def trajectory(job) -> list:
    """Return the frames of one cluster at one temperature, each with ``kept`` (still its class) in its info."""
    atoms, temperature = job
    warnings.simplefilter("ignore")
    seed = in_domain.stable_seed(f"md/{atoms.info['id']}/{temperature}")
    moving = atoms.copy()
    moving.calc = EMT()
    MaxwellBoltzmannDistribution(moving, temperature_K=temperature, rng=np.random.default_rng(seed))
    dynamics = Langevin(moving, STEP_FS * units.fs, temperature_K=temperature, friction=FRICTION,
                        rng=np.random.default_rng(seed + 1))
    dynamics.run(EQUILIBRATION_STEPS)
    start = quenched(atoms)
    frames = []
    for _ in range(FRAMES):
        dynamics.run(STEPS_BETWEEN_FRAMES)
        frame = ase.Atoms(moving.numbers, moving.get_positions())
        kept, why = in_domain.structure_kept(start, quenched(frame))
        frame.info = {"source": atoms.info["id"], "class": atoms.info["class"], "temperature": temperature,
                      "kept": kept, "why": why}
        frames.append(frame)
    return frames


def classified(frames: list) -> pd.DataFrame:
    """Return ``npshape classify``'s table of the frames (one trajectory file), with each frame's info."""
    with tempfile.TemporaryDirectory() as directory:
        path, table = Path(directory, "frames.xyz"), Path(directory, "classified.csv")
        ase.io.write(path, [ase.Atoms(f.numbers, f.positions) for f in frames])
        subprocess.run(["npshape", "classify", str(path), "--output", str(table), "--quiet"], check=True)
        result = pd.read_csv(table)
    info = pd.DataFrame([f.info for f in frames])
    result = pd.concat([result, info], axis=1)
    result["most_probable"] = result[list(CLASS_LABELS)].idxmax(axis=1)
    result["right"] = result["predicted"] == result["class"]
    result["right_closed_set"] = result["most_probable"] == result["class"]
    result["unknown"] = result["predicted"] == "unknown"
    return result


def summary(rows: pd.DataFrame, by: list) -> pd.DataFrame:
    """Return frames, frames still their class, and over those: right, right in a closed set, unknown, mean confidence."""
    kept = rows[rows["kept"]]
    table = kept.groupby(by).agg(
        still_its_class=("right", "size"), right=("right", "mean"), right_closed_set=("right_closed_set", "mean"),
        unknown=("unknown", "mean"), mean_confidence=("confidence", "mean"),
    )
    return pd.concat([rows.groupby(by).size().rename("frames"), table], axis=1).fillna(0).round(3)


def main():
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    start = time.time()
    clusters = chosen_clusters()
    print(f"{len(clusters)} clusters, built in {time.time() - start:.0f} s", flush=True)
    with Pool(2) as pool:
        frames = [f for frames in pool.imap(trajectory, [(a, t) for t in TEMPERATURES_K for a in clusters]) for f in frames]
    simulated = time.time() - start
    rows = classified(frames)
    per_temperature = summary(rows, ["temperature"])
    per_class = summary(rows, ["class", "temperature"])
    transformed = rows[~rows["kept"]].groupby(["source", "temperature"]).size().rename("frames no longer their class")
    misses = rows[rows["kept"] & ~rows["right"]].groupby(["source", "temperature", "predicted"]).size().rename("frames")
    lines = [
        "# The shipped model on molecular-dynamics frames",
        "",
        f"`python benchmarks/md_frames.py`: {len(clusters)} clusters of npshape's evaluation set, EMT Langevin "
        f"dynamics at {' and '.join(f'{t} K' for t in TEMPERATURES_K)}, {FRAMES} frames each "
        f"({len(rows)} frames; simulated and quenched in {simulated:.0f} s on 2 processes). Rates are over the "
        "frames whose quenched structure is still the starting one.",
        "",
        "## Per temperature",
        "",
        per_temperature.to_markdown(),
        "",
        "## Per class",
        "",
        per_class.to_markdown(),
        "",
        "## Frames that were no longer their class (left out of the rates)",
        "",
        transformed.to_frame().to_markdown() if len(transformed) else "none",
        "",
        "## Frames still their class, answered otherwise",
        "",
        misses.to_frame().to_markdown() if len(misses) else "none",
        "",
    ]
    OUTPUT.write_text("\n".join(lines))
    print(per_temperature.to_string())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
