"""Run a command as if only ``pip install -e .`` had installed packages: no test extras.

Usage: python tests/plain_install.py MODULE [ARGS...] runs ``python -m MODULE ARGS`` with every
distribution outside the runtime requirements of npshape (followed transitively, test
extras left out) made unimportable, so a dependency that only pytest happens to bring in
(pygments, say) shows up as the ModuleNotFoundError a new user would see.
"""

import importlib.abc
import importlib.metadata as metadata
import runpy
import sys

from packaging.requirements import Requirement


def runtime_closure(root: str = "npshape") -> set[str]:
    """Return the normalised names of the distributions ``pip install -e .`` installs for ``root``."""
    seen, todo = set(), [root]
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requirements:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def blocked_modules() -> set[str]:
    """Return the top-level modules that only distributions outside the runtime closure provide."""
    closure = runtime_closure()
    blocked = set()
    for module, distributions in metadata.packages_distributions().items():
        if not any(d.lower().replace("_", "-") in closure for d in distributions):
            blocked.add(module)
    return blocked


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
