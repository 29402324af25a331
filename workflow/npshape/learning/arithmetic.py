"""Arithmetic that does not depend on the CPU: one BLAS kernel and one SIMD level for every job.

OpenBLAS chooses its matrix kernels by CPU (SkylakeX on AVX-512 Intel CPUs, Haswell on AVX2
ones and on AMD Zen), and numpy chooses AVX-512 or AVX2 code for exp and log. Their results
differ in the last bits; a fit of many epochs amplifies them, and the same config gave another
CM model on another CPU. Every workflow job therefore runs with OpenBLAS's Haswell kernel
(AVX2 + FMA: x86-64 CPUs from 2013 on) and without numpy's AVX-512 code. Both libraries read
these settings when they load, so they go into the environment the jobs inherit
(``workflow/rules/common.smk``), before any job starts.
"""

from __future__ import annotations

import platform

PINNED_BLAS_KERNEL = "Haswell"
# numpy's AVX-512 dispatch targets under their names in numpy 1.26-2.3 and from 2.4 on;
# numpy ignores names it does not know.
NUMPY_FEATURES_OFF = "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR X86_V4"


def _numpy_cpu() -> tuple[dict, list]:
    """Return numpy's CPU features found and its SIMD dispatch targets."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy < 2
        from numpy.core import _multiarray_umath as umath
    return umath.__cpu_features__, list(umath.__cpu_dispatch__)


def can_pin() -> bool:
    """Return whether this CPU runs the pinned kernel: x86-64 with AVX2 and FMA."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    features, _ = _numpy_cpu()
    return bool(features.get("AVX2") and features.get("FMA3"))


def pinned_environment() -> dict[str, str]:
    """Return the environment variables that pin the arithmetic, or {} on a CPU that cannot run the pinned kernel."""
    if not can_pin():
        return {}
    return {"OPENBLAS_CORETYPE": PINNED_BLAS_KERNEL, "NPY_DISABLE_CPU_FEATURES": NUMPY_FEATURES_OFF}


def arithmetic_in_use() -> dict:
    """Return the BLAS kernel and thread count, and numpy's SIMD targets, of this process (for model cards)."""
    from threadpoolctl import threadpool_info

    blas = [info for info in threadpool_info() if info.get("user_api") == "blas" and "numpy" in info.get("filepath", "")]
    features, dispatch = _numpy_cpu()
    return {
        "blas_kernel": blas[0].get("architecture") if blas else None,
        "blas_threads": blas[0].get("num_threads") if blas else None,
        "numpy_simd": [name for name in dispatch if features.get(name)],
        "machine": platform.machine(),
    }
