"""What the benchmarks share: what they say about the machine they ran on, and how they time a call."""

import platform
import time
from pathlib import Path


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, or what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def seconds_per_call(function, repeats: int) -> float:
    """Return the best wall time (s) of ``repeats`` calls of ``function()``."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best
