"""Same config, same bytes: whatever --cores, and after a run killed mid-way and resumed."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from conftest import copy_workflow, snakemake

from npshape import io

pytestmark = pytest.mark.workflow


def wait_for_files(directory, pattern, count, timeout_s=300):
    """Wait until ``count`` files match ``pattern`` below ``directory``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if directory.exists() and len(list(directory.rglob(pattern))) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} {pattern} files after {timeout_s} s")


def test_killed_run_resumed_with_other_cores_gives_identical_bytes(study, tmp_path):
    """A --cores 2 run SIGKILLed mid-way (snakemake and its jobs), resumed with --cores 1,
    ends with the same feature bytes and probabilities as an uninterrupted --cores 2 run."""
    workdir = copy_workflow(tmp_path)
    command = [sys.executable, "-m", "snakemake", "--configfile", "config/test.yaml", "--cores", "2"]
    process = subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_files(workdir / "results/features", "shard-*.parquet", 6)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    snakemake(workdir, "--unlock")
    snakemake(workdir, "--cores", "1", "--rerun-incomplete")

    reference = sorted(p.relative_to(study) for p in (study / "results/features").rglob("*.parquet"))
    resumed = sorted(p.relative_to(workdir) for p in (workdir / "results/features").rglob("*.parquet"))
    assert resumed == reference
    for path in reference:
        assert (workdir / path).read_bytes() == (study / path).read_bytes(), f"{path} differs"
    for path in (workdir / "results/augmented").rglob("*.parquet"):
        io.read_replicas(path)  # every file under its final name is whole
    for model in ["CM", "RDF1", "RDF2", "RDF3"]:
        name = f"results/tables/challenge_probabilities_{model}.csv"
        pd.testing.assert_frame_equal(pd.read_csv(workdir / name), pd.read_csv(study / name))
    assert (workdir / "results/tables/table1.csv").read_bytes() == (study / "results/tables/table1.csv").read_bytes()
