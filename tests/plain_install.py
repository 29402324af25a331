"""Run a command as if only ``pip install -e .`` had installed packages: no test extras.

Usage: python tests/plain_install.py MODULE [ARGS...] runs ``python -m MODULE ARGS`` with every
distribution that only the test extras install (followed transitively) made unimportable, so a
dependency that only pytest happens to bring in (pygments, say) shows up as the
ModuleNotFoundError a new user would see. Packages installed on purpose besides npshape (the
SLURM executor plugin, which Snakemake discovers and imports at start-up) stay importable.
"""

import importlib.abc
import importlib.metadata as metadata
import runpy
import sys

from packaging.requirements import Requirement


def normalised(name: str) -> str:
    """Return a distribution name as the closures below compare it."""
    return name.lower().replace("_", "-")


def closure(root: str = "npshape", extra: str = "") -> set[str]:
    """Return the normalised names of the distributions ``pip install`` installs for ``root[extra]``."""
    seen, todo = set(), [(root, extra)]
    while todo:
        name, wanted = todo.pop()
        name = normalised(name)
        if name in seen and not wanted:
            continue
        seen.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requirements:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": wanted}):
                todo.append((requirement.name, ""))
    return seen


def blocked_modules() -> set[str]:
    """Return the top-level modules that only distributions the test extras add provide."""
    test_only = closure(extra="test") - closure()
    return {module for module, distributions in metadata.packages_distributions().items()
            if all(normalised(d) in test_only for d in distributions)}


class Blocker(importlib.abc.MetaPathFinder):
    """Refuses to import the modules a plain install would not have."""

    def __init__(self, blocked: set[str]):
        self.blocked = blocked

    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] in self.blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (not installed by `pip install -e .`)", name=name)
        return None


if __name__ == "__main__":
    sys.meta_path.insert(0, Blocker(blocked_modules()))
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
