"""The catalog of structures (config/structures.yaml): read it, look entries up, check it whole.

An entry names a builder (see :mod:`npshape.structures.build`) and its parameters. Reading the
catalog needs no numerical library, so that Snakemake's start-up stays light.
"""

from __future__ import annotations

from pathlib import Path

import yaml

SETS = ("train", "challenge")


def load_catalog(path: str | Path) -> dict[str, list[dict]]:
    """Return the catalog as ``{set: [entry, ...]}`` with ``set`` in :data:`SETS`."""
    with open(path) as handle:
        catalog = yaml.safe_load(handle) or {}
    return {name: list(catalog.get(name) or []) for name in SETS}


def entries_by_id(catalog: dict[str, list[dict]]) -> dict[str, dict]:
    """Return every entry keyed by id, with its set recorded under ``"set"``."""
    return {entry["id"]: {**entry, "set": name} for name in SETS for entry in catalog[name]}


def check_catalog(catalog: dict[str, list[dict]], metals: dict, source: str = "catalog") -> None:
    """Raise ValueError naming the entry if ids repeat or a metal has no Sutton-Chen parameters.

    The JSON schema checks each entry alone; this checks what only the whole catalog shows.
    """
    seen = set()
    for name in SETS:
        for entry in catalog[name]:
            if entry["id"] in seen:
                raise ValueError(f"{source}: id {entry['id']!r} appears twice")
            seen.add(entry["id"])
            if entry["metal"] not in metals:
                raise ValueError(
                    f"{source}: entry {entry['id']!r} has metal {entry['metal']!r}, which has no "
                    f"Sutton-Chen parameters in config (known: {', '.join(sorted(metals))})"
                )
