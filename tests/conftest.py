"""Shared fixtures: a copy of the workflow in a temporary directory, and runs of it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def copy_workflow(destination: Path) -> Path:
    """Copy what a study needs (Snakefile, workflow/, config/, the profiles link) to ``destination``; return it."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "Snakefile", destination / "Snakefile")
    shutil.copytree(ROOT / "workflow", destination / "workflow", ignore=shutil.ignore_patterns("__pycache__", "npshape"))
    shutil.copytree(ROOT / "config", destination / "config")
    shutil.copy(ROOT / "profiles", destination / "profiles", follow_symlinks=False)
    return destination


def snakemake(workdir: Path, *args: str, check: bool = True, configfile: str = "config/test.yaml") -> subprocess.CompletedProcess:
    """Run snakemake on ``configfile`` (the test config, by default) in ``workdir``; return the finished process."""
    command = [sys.executable, "-m", "snakemake", "--configfile", configfile, *args]
    process = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    if check and process.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{process.stdout[-3000:]}\n{process.stderr[-5000:]}")
    return process


@pytest.fixture(scope="session")
def study(tmp_path_factory) -> Path:
    """Return a directory in which the whole test study has run with --cores 2."""
    workdir = copy_workflow(tmp_path_factory.mktemp("study"))
    snakemake(workdir, "--cores", "2")
    return workdir
