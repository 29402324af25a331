"""What pinning the arithmetic costs: epochs of the paper's largest fits with and without the pin.

Each configuration runs in its own process, because OpenBLAS and numpy read their kernel
choice when they load: the machine's own choice (the reference), the pinned Haswell
kernel without numpy's AVX-512 code (npshape.learning.arithmetic), and, on an AVX-512 CPU,
the SkylakeX kernel that Intel AVX-512 CPUs pick. One BLAS thread, as in
the workflow's fits. Rows are random (only the shapes matter for the time): a CM-like
fit (rows x 17,955 features) and an RDF3-like fit (rows x 4,800), 3 x 40 hidden neurons,
batch 200.

Run by hand: python benchmarks/arithmetic.py  ->  benchmarks/results/arithmetic.md
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from npshape.learning import arithmetic

OUTPUT = Path(__file__).parent / "results/arithmetic.md"
EPOCHS = 3
FITS = {"CM": (6000, 17955), "RDF3": (24000, 4800)}

PROBE = """
import json, sys, time, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier
from npshape.learning.arithmetic import arithmetic_in_use
rows, columns, epochs = map(int, sys.argv[1:4])
rng = np.random.default_rng(0)
X = rng.normal(size=(rows, columns)).astype(np.float32)
y = rng.integers(0, 11, rows)
mlp = MLPClassifier(hidden_layer_sizes=(40, 40, 40), batch_size=200, random_state=0)
warnings.simplefilter("ignore")
mlp.partial_fit(X[:400], y[:400], classes=np.arange(11))  # warm-up: allocation, first calls
start = time.perf_counter()
for _ in range(epochs):
    mlp.partial_fit(X, y)
seconds = (time.perf_counter() - start) / epochs
print(json.dumps({"seconds_per_epoch": seconds, **arithmetic_in_use()}))
"""


def run(rows, columns, environment):
    """Return the probe's result in a fresh process with ``environment`` added."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **environment}
    command = [sys.executable, "-c", PROBE, str(rows), str(columns), str(EPOCHS)]
    return json.loads(subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout)


def main():
    configurations = {"machine's choice": {}, "pinned": arithmetic.pinned_environment()}
    if arithmetic._numpy_cpu()[0].get("AVX512F"):  # what AVX-512 Intel CPUs would pick
        configurations["SkylakeX kernel"] = {"OPENBLAS_CORETYPE": "SkylakeX"}
    lines = [
        "# Cost of the pinned arithmetic (one BLAS thread)",
        "",
        f"`python benchmarks/arithmetic.py`, {EPOCHS} epochs per fit after a warm-up, random rows.",
        "",
        "| fit | rows x features | arithmetic | BLAS kernel | numpy SIMD | s per epoch | ratio to the machine's choice |",
        "| --- | --- | --- | --- | --- | ---: | ---: |",
    ]
    for fit, (rows, columns) in FITS.items():
        results = {name: run(rows, columns, env) for name, env in configurations.items()}
        reference = results["machine's choice"]["seconds_per_epoch"]
        for name, result in results.items():
            lines.append(
                f"| {fit} | {rows} x {columns} | {name} | {result['blas_kernel']} | {' '.join(result['numpy_simd'])} "
                f"| {result['seconds_per_epoch']:.2f} | {result['seconds_per_epoch'] / reference:.2f} |"
            )
            print(lines[-1], flush=True)
    OUTPUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
