"""How npshape's own model's descriptor window was chosen: leave-sizes-out validation.

Run by hand after the workflow has built npshape's structures (``results/npshape/structures``):
``python benchmarks/npshape_window.py [--replicas 100]`` -> ``benchmarks/results/npshape-window.md``.

A model that has learned a class, not a size, must recognise a size it never saw. Three folds
(``leave_sizes_out.py``) each hold out one size of every class (all its copies, as built and
relaxed); one network (the config's architecture) learns the others and is scored on the
held-out sizes. The RDF is computed once up to r̃ = 21 (the paper's window) and
read over shorter windows; with and without the local-order descriptor, and at the short
windows with the common-neighbour signatures (``cna``) beside or instead of it. Only training
structures enter: neither the challenge set nor the evaluation sets are looked at.
"""

import argparse
import time
import warnings
from pathlib import Path

import ase.io
import numpy as np
import yaml
from leave_sizes_out import fit_without, size_folds, structure_size

from npshape.descriptors import common_neighbours, feature_frames
from npshape.learning import disorder, training

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "benchmarks/results/npshape-window.md"
WINDOWS = (2.0, 2.5, 3.0, 4.0, 6.0, 10.0, 21.0)
CNA_WINDOWS = (2.0, 2.5, 3.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=100, help="replicas per structure (default: %(default)s)")
    parser.add_argument("--results", default=str(ROOT / "results"), help="the workflow's results directory")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    section = config["npshape_model"]
    rdf_settings = {**section["descriptors"]["rdf"], "coarse_step": 0.02, "r_max": max(WINDOWS)}
    local_settings = section["descriptors"]["local_order"]
    cna_settings = section["descriptors"].get("cna", common_neighbours.DEFAULT_SETTINGS)
    settings = {"rdf": rdf_settings, "drdf": rdf_settings, "local_order": local_settings, "cna": cna_settings}
    descriptors = ("rdf", "drdf", "local_order", "cna")
    names = np.array(feature_frames.feature_names(descriptors, settings))
    replica_settings = disorder.DisorderSettings.from_config({**section["replicas"], "count": args.replicas})

    start = time.time()
    rows, labels, groups = [], [], []
    for path in sorted(Path(args.results, "npshape/structures").glob("*.xyz")):
        atoms = ase.io.read(path)
        if not atoms.info["kept"]:
            continue
        _, _, positions, numbers, _ = disorder.disordered_replicas(
            atoms.get_positions(), atoms.numbers, atoms.info["id"], config["seed"], replica_settings
        )
        rows.append(feature_frames.describe_replicas(descriptors, positions, numbers, settings))
        labels += [atoms.info["class"]] * len(positions)
        groups += [(atoms.info["class"], structure_size(atoms.info["id"], atoms.info["class"]))] * len(positions)
    X, y = np.vstack(rows), np.array(labels)
    featurised = time.time() - start

    folds = size_folds(groups)
    r_tilde = np.array([float(n.split("_")[1]) if n.startswith(("rdf_", "drdf_")) else 0.0 for n in names])
    is_local = np.array([n.startswith(("angle_", "cn_")) for n in names])
    is_cna = np.array([n.startswith("cna_") for n in names])
    train_settings = training.TrainingSettings.for_each_member(section["training"], max_epochs=40)
    lines = [
        "# npshape's descriptor window: leave-sizes-out accuracy",
        "",
        f"`python benchmarks/npshape_window.py --replicas {args.replicas}`: {len(X)} replicas of "
        f"{len(set(groups))} sizes x copies, featurised in {featurised:.0f} s. Each fold holds out one size "
        "of every class (all its copies) and scores one network on them.",
        "",
        "| r̃ window | local order | CNA | fold 1 | fold 2 | fold 3 | mean |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    warnings.simplefilter("ignore")
    for window in WINDOWS:
        blocks = [(False, False), (True, False)] + ([(True, True), (False, True)] if window in CNA_WINDOWS else [])
        for local, cna in blocks:
            columns = ((r_tilde > 0) & (r_tilde <= window + 1e-9)) | (is_local & local) | (is_cna & cna)
            scores = []
            for held in folds:
                pipeline, test, _ = fit_without(held, groups, X[:, columns], y, train_settings)
                scores.append(float(np.mean(pipeline.predict(X[test][:, columns]) == y[test])))
            cells = " | ".join(f"{s:.3f}" for s in scores)
            yes_no = " | ".join("yes" if used else "no" for used in (local, cna))
            lines.append(f"| {window:g} | {yes_no} | {cells} | {np.mean(scores):.3f} |")
            print(lines[-1], flush=True)
    OUTPUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
