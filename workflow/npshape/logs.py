"""Where a workflow job's messages go: its own log file, so a failing job points to one file."""

from __future__ import annotations

import logging
import os
import sys


def log_to(path: str) -> logging.Logger:
    """Return the ``npshape`` logger, with it, warnings and stderr all sent to ``path``."""
    stream = open(path, "w", buffering=1)  # line-buffered: a killed job still leaves its last lines
    sys.stderr = stream
    logging.basicConfig(stream=stream, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", force=True)
    logging.captureWarnings(True)
    log = logging.getLogger("npshape")
    if "SLURM_JOB_ID" in os.environ:  # where the job ran, for cluster users' accounting and debugging
        log.info("SLURM job %s on %s", os.environ["SLURM_JOB_ID"], os.environ.get("SLURMD_NODENAME", "?"))
    return log
