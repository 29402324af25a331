"""The catalog of structures (config/structures.yaml): read it, look entries up, build them.

An entry names a builder of :mod:`npshape.shapes` (or :mod:`npshape.challenge_shapes`) and its
parameters; building it gives an :class:`ase.Atoms` whose ``info`` records where it came from,
so that the extended-XYZ file written from it is self-describing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from ase import Atoms

from npshape import __version__, challenge_shapes, shapes, sutton_chen

SETS = ("train", "challenge")
BUILDERS = {**shapes.BUILDERS, **challenge_shapes.BUILDERS}  # every builder a catalog entry may name


@dataclass(frozen=True)
class RelaxSettings:
    """Sutton-Chen parameter sets by metal and the relaxation's stopping rule."""

    metals: dict
    fmax_eV_per_angstrom: float
    max_steps: int

    @classmethod
    def from_config(cls, section: dict) -> "RelaxSettings":
        """Return the settings held by the ``sutton_chen`` section of config.yaml."""
        return cls(
            metals={name: sutton_chen.SuttonChenParameters.from_mapping(p) for name, p in section["metals"].items()},
            fmax_eV_per_angstrom=float(section["fmax_eV_per_angstrom"]),
            max_steps=int(section["max_steps"]),
        )


def load_catalog(path: str | Path) -> dict[str, list[dict]]:
    """Return the catalog as ``{set: [entry, ...]}`` with ``set`` in :data:`SETS`."""
    with open(path) as handle:
        catalog = yaml.safe_load(handle) or {}
    return {name: list(catalog.get(name) or []) for name in SETS}


def entries_by_id(catalog: dict[str, list[dict]]) -> dict[str, dict]:
    """Return every entry keyed by id, with its set recorded under ``"set"``."""
    return {entry["id"]: {**entry, "set": name} for name in SETS for entry in catalog[name]}


def build_structure(entry: dict, bond_angstrom: float, relax: RelaxSettings | None = None) -> Atoms:
    """Return the structure an entry describes, relaxed with Sutton-Chen if the entry says so.

    Parameters
    ----------
    entry : dict
        One catalog entry (id, class, builder, params, metal, relax, natoms, ...).
    bond_angstrom : float
        Nearest-neighbour distance of the unrelaxed model, Å.
    relax : RelaxSettings, optional
        Needed only when ``entry["relax"]`` is true.

    Raises
    ------
    ValueError
        If the builder gives a different atom count from the entry's ``natoms``, or the
        relaxation does not converge.
    """
    if entry["builder"] not in BUILDERS:
        raise ValueError(f"structure {entry['id']}: unknown builder {entry['builder']!r}")
    built = BUILDERS[entry["builder"]](bond=bond_angstrom, **entry.get("params", {}))
    positions, symbols = built if isinstance(built, tuple) else (built, [entry["metal"]] * len(built))
    if len(positions) != entry["natoms"]:
        raise ValueError(
            f"structure {entry['id']}: builder {entry['builder']} gave {len(positions)} atoms, "
            f"the catalog says natoms={entry['natoms']}"
        )
    info = {
        "id": entry["id"],
        "class": entry["class"],
        "builder": entry["builder"],
        "metal": "+".join(sorted(set(symbols))),  # e.g. "Ag+Pt" for a core-shell particle
        **{f"param_{key}": value for key, value in sorted(entry.get("params", {}).items())},
        "npshape_version": __version__,
    }
    if entry.get("relax"):
        if relax is None:
            raise ValueError(f"structure {entry['id']} asks for relaxation but no Sutton-Chen settings were given")
        result = sutton_chen.relax(
            positions, symbols, relax.metals, fmax=relax.fmax_eV_per_angstrom, max_steps=relax.max_steps
        )
        if not result.converged:
            raise ValueError(
                f"structure {entry['id']}: Sutton-Chen relaxation did not reach fmax="
                f"{relax.fmax_eV_per_angstrom} eV/Å in {relax.max_steps} steps (max force {result.max_force:.2e})"
            )
        positions = result.positions - result.positions.mean(axis=0)
        info["energy_eV"] = float(result.energy_eV)
        info["max_force_eV_per_angstrom"] = float(result.max_force)
    return Atoms(symbols=list(symbols), positions=np.asarray(positions, dtype=float), info=info)


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
