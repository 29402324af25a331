"""The study on a real SLURM scheduler, through the profile users run: same bytes as locally.

Needs a running local cluster (.ci/slurm/setup-local-slurm.sh) and the executor plugin;
`.ci/run` starts both and sets NPSHAPE_SLURM_TEST=1. Elsewhere it is skipped, saying why.
"""

import os
import re
import subprocess
import sys

import pandas as pd
import pytest
from conftest import copy_workflow

pytestmark = [
    pytest.mark.workflow,
    pytest.mark.skipif(os.environ.get("NPSHAPE_SLURM_TEST") != "1", reason="no local SLURM cluster (set up by .ci/run)"),
]

# The local cluster has no accounting database: poll with squeue (sacct would hang, see
# shared/notes/local-slurm.md), and check soon after submission.
LOCAL_CLUSTER_FLAGS = ["--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "2"]


@pytest.fixture(scope="module")
def slurm_study(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("slurm"))
    command = [
        sys.executable, "-m", "snakemake", "--profile", "workflow/profiles/slurm", "--configfile", "config/test.yaml",
        *LOCAL_CLUSTER_FLAGS,
    ]
    # SIGINT, not SIGTERM, stops a hung snakemake (notes); the limit keeps CI bounded.
    process = subprocess.run(["timeout", "-s", "INT", "900", *command], cwd=workdir, capture_output=True, text=True)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-5000:]
    return workdir, process.stdout + process.stderr


def test_jobs_ran_under_slurm(slurm_study):
    workdir, _ = slurm_study
    logs = sorted((workdir / "results/logs").rglob("*.log"))
    job_ids = {re.search(r"SLURM job (\d+)", path.read_text()).group(1) for path in logs}
    assert len(logs) > 100 and len(job_ids) >= 10  # every job logged its SLURM job; groups share one
    squeue = subprocess.run(["squeue", "--states=all", "--noheader", "--format=%i %T"], capture_output=True, text=True)
    states = dict(line.split() for line in squeue.stdout.splitlines())
    assert all(states.get(job) == "COMPLETED" for job in job_ids)


def test_slurm_results_equal_a_local_run(slurm_study, study):
    workdir, _ = slurm_study
    for path in sorted((study / "results/features").rglob("*.parquet")):
        twin = workdir / path.relative_to(study)
        assert twin.read_bytes() == path.read_bytes(), f"{path.relative_to(study)} differs"
    for model in ["CM", "RDF1", "RDF2", "RDF3"]:
        local = pd.read_csv(study / f"results/tables/challenge_probabilities_{model}.csv")
        remote = pd.read_csv(workdir / f"results/tables/challenge_probabilities_{model}.csv")
        pd.testing.assert_frame_equal(local, remote)
