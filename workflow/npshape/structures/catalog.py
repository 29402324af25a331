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


def training_variants(entry: dict, relax_metals: list[str]) -> dict[str, str | None]:
    """Return npshape's training copies of a catalog entry: {variant id: relaxing metal, or None as built}."""
    return {entry["id"]: None, **{f"{entry['id']}-{metal}": metal for metal in relax_metals}}


def middle_sizes(entries: list[dict]) -> list[str]:
    """Return the id of the middle-sized entry (the lower middle of an even count) of each class with
    two entries or more, in catalog order.

    npshape's own model calibrates its confidence on these sizes held out (``calibrate_npshape``):
    a model trained without them meets them as it meets a user's cluster, at a size it never saw.
    """
    by_class = {}
    for entry in entries:
        by_class.setdefault(entry["class"], []).append(entry)
    middle = {
        sorted(group, key=lambda e: e["natoms"])[(len(group) - 1) // 2]["id"] for group in by_class.values() if len(group) > 1
    }
    return [entry["id"] for entry in entries if entry["id"] in middle]
