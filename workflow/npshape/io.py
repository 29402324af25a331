"""Reading and writing the workflow's files; the only module besides the CLI that touches disk.

Every writer goes through :func:`atomic_path`, so a killed job never leaves a truncated file
under a final name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import ase.io
from ase import Atoms


@contextlib.contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_structure(atoms: Atoms, path: str | Path) -> None:
    """Write ``atoms`` as extended XYZ, its ``info`` in the comment line."""
    with atomic_path(path) as tmp:
        ase.io.write(tmp, atoms, format="extxyz")


def read_structure(path: str | Path) -> Atoms:
    """Return the (last) structure of any file ASE can read."""
    return ase.io.read(path)
