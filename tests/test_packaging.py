"""The two ways to install npshape (pip with pyproject.toml, conda with environment.yml) agree."""

import re
import tomllib
from pathlib import Path

import yaml
from plain_install import blocked_modules

ROOT = Path(__file__).resolve().parents[1]


def normalise(requirement: str) -> tuple[str, str]:
    """Return (name, version bounds) of a requirement, name lower-cased with '_' as '-'."""
    match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_pyproject_dependencies():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pip_deps = {normalise(r) for r in pyproject["project"]["dependencies"]}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_deps = {
        normalise(d) for d in environment["dependencies"] if isinstance(d, str) and normalise(d)[0] not in {"python", "pip"}
    }
    assert conda_deps == pip_deps


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    test_command = next(c for c in commands if "pytest" in c)
    ci_lines = (ROOT / ".ci/run").read_text().splitlines()
    assert test_command in ci_lines


def test_plain_install_leaves_out_the_test_extras_but_not_the_report_dependencies():
    blocked = blocked_modules()
    assert "pytest" in blocked  # a test extra: what the plain-install runs must do without
    assert not {"snakemake", "sklearn", "ase", "pygments", "npshape"} & blocked
    # installed on purpose besides npshape (as CI installs the SLURM executor plugin, which
    # Snakemake imports at start-up): not a test extra, so it stays importable
    assert "pip" not in blocked
