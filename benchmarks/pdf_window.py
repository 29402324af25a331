"""How the PDF model's window was chosen: leave-sizes-out validation, as for the structure model.

Run by hand after the workflow has made npshape's replicas (``results/npshape/replicas``):
``python benchmarks/pdf_window.py [--replicas 100]`` -> ``benchmarks/results/pdf-window.md``.

Every kept training structure's first replicas are measured once each as the workflow measures
them (``pdf_augmentation.measured_features``, the config's ranges: Qmax 15-30, noise, ...), with G
read up to r̃ = 6 and then over shorter windows. Three folds (``leave_sizes_out.py``) each hold out
one size of every class; one network (the config's architecture) learns the others and is scored
on the held-out sizes, on those measured at Qmax < 18, and on the validation replicas of the sizes
it learned. Only training structures
enter: the evaluation sets are not looked at.
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import yaml
from leave_sizes_out import fit_without, size_folds, structure_size

from npshape import io
from npshape.descriptors.pdf_descriptor import pdf_grid
from npshape.learning import pdf_augmentation, training

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "benchmarks/results/pdf-window.md"
WINDOWS = (2.0, 2.5, 3.0, 4.0, 6.0)
LOW_QMAX = 18.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=100, help="replicas per structure (default: %(default)s)")
    parser.add_argument("--results", default=str(ROOT / "results"), help="the workflow's results directory")
    args = parser.parse_args()
    section = yaml.safe_load((ROOT / "config/config.yaml").read_text())["npshape_pdf_model"]
    descriptor = {**section["descriptor"], "r_tilde_max": max(WINDOWS)}
    ranges = pdf_augmentation.MeasurementRanges.from_config(section["measurement"])

    start = time.time()
    rows, labels, groups = [], [], []
    for path in sorted(Path(args.results, "npshape/replicas").glob("*.parquet")):
        replicas, seeds, positions, metadata, numbers = io.read_replicas(path)
        if len(replicas) == 0:  # a relaxed copy left out of training
            continue
        count = min(args.replicas, len(replicas))
        rows.append(pdf_augmentation.measured_features(positions[:count], numbers[:count], seeds[:count], ranges, descriptor))
        labels += [metadata["class"]] * count
        groups += [(metadata["class"], structure_size(metadata["id"], metadata["class"]))] * count
    X, y = np.vstack(rows), np.array(labels)
    featurised = time.time() - start

    folds = size_folds(groups)
    r_tilde = pdf_grid(descriptor)
    low_qmax = X[:, -1] * 30.0 < LOW_QMAX  # the last feature is Qmax / 30
    train_settings = training.TrainingSettings.for_each_member(section["training"], max_epochs=40)
    lines = [
        "# The PDF model's window: leave-sizes-out accuracy",
        "",
        f"`python benchmarks/pdf_window.py --replicas {args.replicas}`: {len(X)} simulated measurements of "
        f"{len(set(groups))} sizes of the 11 classes (each as built and relaxed), made in {featurised:.0f} s. "
        "Each fold holds out one size of every class (all its copies) and scores one network on them (all, and "
        "those measured at Qmax < 18 Å⁻¹), and on the validation replicas of the sizes it learned.",
        "",
        "| r̃ window | held out, fold 1 | fold 2 | fold 3 | mean | Qmax < 18, mean | sizes learned, mean |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    warnings.simplefilter("ignore")
    for window in WINDOWS:
        columns = np.append(r_tilde <= window + 1e-9, True)  # and the Qmax
        held_scores, low_scores, seen_scores = [], [], []
        for held in folds:
            pipeline, test, validation = fit_without(held, groups, X[:, columns], y, train_settings)
            predicted = pipeline.predict(X[:, columns])
            held_scores.append(float(np.mean(predicted[test] == y[test])))
            low_scores.append(float(np.mean(predicted[test & low_qmax] == y[test & low_qmax])))
            seen_scores.append(float(np.mean(predicted[validation] == y[validation])))
        cells = " | ".join(f"{s:.3f}" for s in held_scores)
        means = " | ".join(f"{np.mean(scores):.3f}" for scores in (held_scores, low_scores, seen_scores))
        lines.append(f"| {window:g} | {cells} | {means} |")
        print(lines[-1], flush=True)
    OUTPUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
