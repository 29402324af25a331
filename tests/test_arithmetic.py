"""The pinned arithmetic: fits in processes that would pick different BLAS kernels give the same weights."""

import os
import subprocess
import sys

import pytest

from npshape.learning import arithmetic

# A small fit whose matrix products are long enough for the BLAS kernel to matter; prints
# a digest of the weights, then the kernel and numpy SIMD targets the process used.
FIT = """
import hashlib, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier
from npshape.learning.arithmetic import arithmetic_in_use
rng = np.random.default_rng(0)
X, y = rng.normal(size=(600, 700)), rng.integers(0, 4, 600)
warnings.simplefilter("ignore")
mlp = MLPClassifier(hidden_layer_sizes=(20,), random_state=0, max_iter=3).fit(X, y)
used = arithmetic_in_use()
print(hashlib.sha256(b"".join(c.tobytes() for c in mlp.coefs_)).hexdigest(), used["blas_kernel"], *used["numpy_simd"])
"""

pytestmark = pytest.mark.skipif(not arithmetic.can_pin(), reason="the pinned kernel needs an x86-64 CPU with AVX2 and FMA")


def fit(**environment):
    """Return (weights digest, BLAS kernel, numpy SIMD targets) of the fit run with ``environment`` added."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", **environment}
    output = subprocess.run([sys.executable, "-c", FIT], env=env, capture_output=True, text=True, check=True).stdout.split()
    return output[0], output[1], output[2:]


def test_other_kernels_give_other_weights_without_the_pin():
    """The control: forcing a kernel takes effect, and the kernels do round differently."""
    sandybridge, haswell = fit(OPENBLAS_CORETYPE="Sandybridge"), fit(OPENBLAS_CORETYPE="Haswell")
    assert (sandybridge[1], haswell[1]) == ("Sandybridge", "Haswell")
    assert sandybridge[0] != haswell[0]


def test_the_pin_gives_the_same_weights_whatever_kernel_the_machine_would_pick():
    runs = [fit(**{"OPENBLAS_CORETYPE": kernel, **arithmetic.pinned_environment()}) for kernel in ("Sandybridge", "")]
    assert runs[0] == runs[1]
    digest, kernel, simd = runs[0]
    assert kernel == arithmetic.PINNED_BLAS_KERNEL
    assert not [target for target in simd if "512" in target or target == "X86_V4"]
